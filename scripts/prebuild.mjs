// Puts the built addon where node-gyp-build looks for prebuilt binaries
// (native/prebuilds/<platform>-<arch>/nlwire.napi.node), so that a packed nlwire loads its addon
// even where the installing npm does not run install scripts (npm 11 asks before it does).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const built = join('native', 'build', 'Release', 'nlwire.node');
if (!existsSync(built)) {
  console.error(`prebuild: ${built} is missing; run \`npm run build:native\` first`);
  process.exit(1);
}
const dir = join('native', 'prebuilds', `${process.platform}-${process.arch}`);
mkdirSync(dir, { recursive: true });
copyFileSync(built, join(dir, 'nlwire.napi.node'));
console.log(`prebuild: ${join(dir, 'nlwire.napi.node')}`);
