// A packed nlwire must load its addon from prebuilds/ alone (npm 11 may skip install scripts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('the addon loads from native/prebuilds without a build directory', () => {
  const r = spawnSync(process.execPath, ['scripts/prebuild.mjs'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'nlwire-prebuild-'));
  try {
    cpSync('native/prebuilds', join(dir, 'prebuilds'), { recursive: true });
    const code = "import('./src/socket/native.ts').then(({ loadNative }) => { const n = loadNative(); const fd = n.open(0); n.close(fd); console.log('ok ' + (fd > 2)); })";
    const c = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', env: { ...process.env, NLWIRE_NATIVE_DIR: dir } });
    assert.is(c.status, 0, c.stderr);
    assert.match(c.stdout, /ok true/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
