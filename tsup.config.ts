import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', codec: 'src/codec.ts', cli: 'src/cli/main.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', codec: 'src/codec.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  shims: true,
});
