// README examples as pasted: every ```js block must parse on this Node (CI runs Node 20) as an ES
// module and type-check (checkJs, strict) against the sources; the decoding example also runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => ({ code: m[1]!, line: readme.slice(0, m.index).split('\n').length + 1 }));
// Inside the package directory, so that `import 'nlwire/...'` resolves to this package (dist/).
const dir = resolve('build', 'readme-test');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const files = blocks.map((b, i) => {
  const f = join(dir, `block-${i}-line-${b.line}.mjs`);
  writeFileSync(f, b.code);
  return f;
});

test('the README has JavaScript examples', () => {
  assert.ok(blocks.length >= 4, `${blocks.length} js blocks`);
  assert.not.match(readme, /^```ts\b/m, 'examples are plain JavaScript (a ts block would not be checked here)');
});

test('every example parses as a plain ES module on this Node', () => {
  for (const f of files) {
    const r = spawnSync(process.execPath, ['--check', f], { encoding: 'utf8' });
    assert.is(r.status, 0, `${f}\n${r.stderr}`);
  }
});

test('every example type-checks (strict checkJs) against the sources', () => {
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    extends: '../../tsconfig.json',
    compilerOptions: { allowJs: true, checkJs: true, noEmit: true },
    include: [], files: files.map((f) => f.slice(dir.length + 1)),
  }));
  const r = spawnSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test('the decoding example runs against the built package', () => {
  const i = blocks.findIndex((b) => b.code.includes("from 'nlwire/codec'"));
  assert.ok(i >= 0, 'no nlwire/codec example');
  const r = spawnSync(process.execPath, [files[i]!], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /NLMSG_DONE/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
