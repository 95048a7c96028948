// What each entry point exposes and pulls in, checked from the sources: the core stays small,
// flat schema tables stay out of it, every exported subpath has an entry, and nlwire/codec
// bundles without any socket or Node module.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';

import type { MonitorItem } from '../src/rtnl/rtnl.js';
import type { Link } from '../src/rtnl/types.js';

// Type-level (checked by `npm run typecheck`, never run): monitor events narrow by kind.
export function narrowsByKind(ev: MonitorItem): unknown {
  if (ev.action === 'new' && ev.kind === 'link') { const l: Link = ev.object; return l.attrs.ifname; }
  if (ev.action === 'del' && ev.kind === 'address') {
    // @ts-expect-error an address event's object is not a Link
    const l: Link = ev.object;
    return [l, ev.object.header.prefixlen];
  }
  if (ev.action === 'resync' && ev.kind === 'route') return ev.objects.map((r) => r.header.table);
  return undefined;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, string | { types: string; default: string }> };

test('the core entry has at most 60 names, and no flat schema tables', async () => {
  const core = await import('../src/index.js');
  const values = Object.keys(core);
  // Type-only names count too: read them from the source's export lists.
  const src = readFileSync('src/index.ts', 'utf8');
  const typeNames = [...src.matchAll(/\btype (\w+)/g)].map((m) => m[1]!)
    .concat([...src.matchAll(/export type \{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()).filter(Boolean)));
  const total = new Set([...values, ...typeNames]).size;
  console.log(`  nlwire: ${values.length} values, ${total} names with types`);
  assert.ok(total <= 60, `${total} names`);
  for (const table of ['iff', 'rtScope', 'linkAttrs', 'rtnlLinkStats64', 'Rtnl', 'genl']) assert.not.ok(table in core, table);
});

test('every exported subpath is built from an entry module', () => {
  const tsup = readFileSync('tsup.config.ts', 'utf8');
  for (const [sub, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue; // package.json, specs
    const name = /\.\/dist\/(\w+)\.js$/.exec(target.default)?.[1];
    assert.ok(name, `${sub}: ${target.default}`);
    if (name === 'index' || name === 'codec' || name === 'testing') assert.match(tsup, new RegExp(`\\b${name}:`), sub);
    else assert.match(tsup, new RegExp(`'${name}'`), sub);
  }
});

test('nlwire/codec pulls in no socket module, no native addon and no node: module', () => {
  const r = buildSync({ entryPoints: ['src/codec.ts'], bundle: true, platform: 'neutral', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
  const inputs = Object.keys(r.metafile.inputs);
  assert.equal(inputs.filter((i) => /src\/socket\/|native/.test(i)), [], 'socket modules');
  const imports = Object.values(r.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
  assert.equal(imports, [], 'external imports');
});

test.run();
