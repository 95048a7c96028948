// Builds what the repository's own scripts (npm start, npm test) need, only when it is missing or
// older than its sources. The published package has no install or prepare script (a consumer's
// npm would ask to approve it, and the prebuilt addon loads without it), so `npm ci` in the
// repository builds nothing and this does it on first use.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest modification time under `paths` (files or directories), 0 when none exist. */
function newest(paths) {
  let t = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const s = statSync(p);
    if (s.isDirectory()) t = Math.max(t, newest(readdirSync(p).map((n) => join(p, n))));
    else t = Math.max(t, s.mtimeMs);
  }
  return t;
}
/** Oldest output time, 0 when an output is missing. */
function oldest(paths) {
  let t = Infinity;
  for (const p of paths) t = existsSync(p) ? Math.min(t, statSync(p).mtimeMs) : 0;
  return t;
}
function run(what, cmd, args, cwd = '.') {
  console.error(`ensure-built: ${what}`);
  // Build logs only when the build fails.
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    process.exit(r.status ?? 1);
  }
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (oldest(['native/build/Release/nlwire.node']) < newest(['native/nlwire.cc', 'native/binding.gyp'])) {
  run('building the native addon', npm, ['run', 'build:native']);
}
if (oldest(['src/walk/walker-wasm.generated.ts']) < newest(['assembly', 'asconfig.json'])) {
  run('building the WebAssembly walker', npm, ['run', 'build:wasm']);
}
if (oldest(['dist/index.js', 'dist/cli.js', 'dist/types/index.d.ts']) < newest(['src', 'tsup.config.ts', 'tsconfig.build.json', 'package.json'])) {
  run('building dist/', npm, ['run', 'build:ts']);
  run('building dist/types/', npm, ['run', 'build:types']);
}
