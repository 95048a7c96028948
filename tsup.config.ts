import { existsSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One ESM build with shared chunks: every entry (and `require()` on Node >= 20.19) sees the same
// module instances, so there is one copy of every class. Declarations come from tsc
// (tsconfig.build.json), one .d.ts per source file, so a consumer loads only what it imports.
const families = ['route', 'genl', 'ynl', 'diag', 'netfilter', 'xfrm', 'audit', 'crypto', 'connector', 'uevent', 'ip', 'pcap'];
const entries: Record<string, string> = {
  index: 'src/index.ts',
  codec: 'src/codec.ts',
  ...Object.fromEntries(families.map((f) => [f, `src/entries/${f}.ts`])),
  // The fake kernel, once src/testing/ exists.
  ...(existsSync('src/testing/index.ts') ? { testing: 'src/testing/index.ts' } : {}),
  cli: 'src/cli/main.ts',
};

export default defineConfig({
  entry: entries,
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
});
