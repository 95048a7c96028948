// 'nlwire/codec' runs without Node: bundled for the browser it has no node: imports, and it
// decodes with both walker engines in a bare JavaScript context.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSync } from 'esbuild';
import { createContext, runInContext } from 'node:vm';

test('the codec bundles for the browser and decodes in a context without Node APIs', () => {
  const r = buildSync({ entryPoints: ['src/codec.ts'], bundle: true, platform: 'browser', format: 'iife', globalName: 'nlwire', write: false, logLevel: 'silent' });
  const js = r.outputFiles[0]!.text;
  assert.not.match(js, /["']node:/, 'no node: imports');
  assert.not.match(js, /\brequire\(["']/, 'no require() calls');
  // What a browser has: no process, no require, no Buffer.
  const ctx = createContext({ TextEncoder, TextDecoder, WebAssembly, console, atob });
  runInContext(js, ctx);
  const done = '1400000003000200010000000000000000000000';
  const out = runInContext(`[
    nlwire.decode(nlwire.parseHex('${done}'), { engine: 'wasm' })[0].name,
    nlwire.decode(nlwire.parseHex('${done}'), { engine: 'js' })[0].name,
    nlwire.defaultEngine(),
  ]`, ctx) as string[];
  assert.equal([...out], ['NLMSG_DONE', 'NLMSG_DONE', 'wasm']);
});

test.run();
