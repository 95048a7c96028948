// The package as a consumer installs it: pack the tarball, install it into a fresh project (deps
// from the npm cache, else the registry), then load every entry both ways and type-check strict
// consumers with TypeScript 5.9 and 7, which have no @types/node installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TS5 = 'typescript@5.9.3';
const TS7 = 'typescript@7.0.2'; // the native compiler (tsgo) behind npm's `typescript` 7

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> };
/** Subpaths with code (not package.json or the spec files). */
const entries = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json' && !k.includes('*'))
  .map((k) => (k === '.' ? 'nlwire' : `nlwire/${k.slice(2)}`))
  // The fake kernel's entry exists once src/testing/ does.
  .filter((e) => e !== 'nlwire/testing' || existsSync('src/testing/index.ts'));

const dir = mkdtempSync(join(tmpdir(), 'nlwire-package-'));
const app = join(dir, 'app');

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' }, timeout: 10 * 60_000 });
}
function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.is(r.status, 0, `${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let installLog = '';
test.before(() => {
  // prepack builds dist/ and copies the addon into native/prebuilds/.
  const out = ok(run('npm', ['pack', '--pack-destination', dir], '.'), 'npm pack').trim().split('\n');
  const tarball = join(dir, out[out.length - 1]!);
  ok(run('mkdir', ['-p', app], dir), 'mkdir');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
  const r = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `ts5@npm:${TS5}`, `ts7@npm:${TS7}`], app);
  installLog = ok(r, 'npm install') + r.stderr;
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('installing the tarball runs no script and warns about none', () => {
  assert.not.match(installLog, /nlwire@[^\s]* \((install|preinstall|postinstall|prepare)/, installLog);
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/nlwire/package.json'), 'utf8')) as { scripts?: Record<string, string> };
  for (const s of ['install', 'preinstall', 'postinstall', 'prepare']) assert.is(installed.scripts?.[s], undefined, s);
});

test('import and require give the same module: one copy of every class', () => {
  writeFileSync(join(app, 'both.cjs'), `
    const entries = ${JSON.stringify(entries)};
    (async () => {
      const out = {};
      for (const e of entries) {
        const cjs = require(e), esm = await import(e);
        const names = Object.keys(esm);
        const differ = names.filter((n) => cjs[n] !== esm[n]);
        out[e] = { names: names.length, differ };
      }
      // Classes shared between entries are the same class too.
      out.sameError = require('nlwire').NetlinkError === (await import('nlwire/codec')).NetlinkError;
      console.log(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`);
  const res = JSON.parse(ok(run(process.execPath, ['both.cjs'], app), 'both.cjs')) as Record<string, { names: number; differ: string[] } | boolean>;
  for (const e of entries) {
    const r = res[e] as { names: number; differ: string[] };
    assert.ok(r.names > 0, `${e} exports nothing`);
    assert.equal(r.differ, [], `${e}: require() and import() differ in ${r.differ.join(', ')}`);
  }
  assert.is(res.sameError, true, "nlwire's NetlinkError is nlwire/codec's");
  const counts = Object.fromEntries(entries.map((e) => [e, (res[e] as { names: number }).names]));
  console.log('  runtime export counts:', JSON.stringify(counts));
  assert.ok((res['nlwire'] as { names: number }).names <= 60, 'the core entry stays small');
});

test('the addon loads from the prebuilt binary and the CLI runs', () => {
  ok(run(process.execPath, ['-e', "import('nlwire').then((m) => { if (!m.nativeAvailable()) process.exit(3); })"], app), 'nativeAvailable');
  const help = ok(run(join(app, 'node_modules/.bin/nlwire'), ['--help'], app), 'nlwire --help');
  assert.match(help, /Usage: nlwire/);
});

test('the bundled YNL specs resolve from the package', () => {
  const out = ok(run(process.execPath, ['--input-type=module', '-e', "import { fileURLToPath } from 'node:url'; console.log(fileURLToPath(import.meta.resolve('nlwire/specs/netdev.yaml')))"], app), 'resolve');
  assert.ok(existsSync(out.trim()), out);
});

/** A strict consumer importing `imports` (source lines); returns the compiler's output. */
function typecheck(compiler: 'ts5' | 'ts7', name: string, source: string, extra: Record<string, unknown> = {}): { out: string; files: string[]; ms: number } {
  writeFileSync(join(app, `${name}.ts`), source);
  writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify({
    compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, ...extra },
    files: [`${name}.ts`],
  }));
  const t0 = performance.now();
  const r = run(process.execPath, [join(app, `node_modules/${compiler}/bin/tsc`), '-p', `tsconfig.${name}.json`, '--listFiles'], app);
  const ms = performance.now() - t0;
  const files = r.stdout.split('\n').filter((l) => l.includes('node_modules/nlwire/'));
  return { out: (r.status === 0 ? '' : `exit ${r.status}\n`) + r.stdout.split('\n').filter((l) => /error TS\d+/.test(l)).join('\n') + r.stderr, files, ms };
}

const everything = `
import { NetlinkSocket, NetlinkError, decode, attrSet } from 'nlwire';
import { Rtnl, iff, names, type Link } from 'nlwire/route';
import { GenericNetlink } from 'nlwire/genl';
import { YnlFamily } from 'nlwire/ynl';
import { listSockets } from 'nlwire/diag';
import { listRuleset } from 'nlwire/netfilter';
import * as xfrm from 'nlwire/xfrm';
import * as audit from 'nlwire/audit';
import * as connector from 'nlwire/connector';
import { uevents } from 'nlwire/uevent';
import { renderLinks } from 'nlwire/ip';
import { PcapWriter, pcapFileSink } from 'nlwire/pcap';
import { decode as decodeOnly } from 'nlwire/codec';
export async function main(bytes: Uint8Array): Promise<unknown[]> {
  const rt = Rtnl.open();
  try {
    const links: Link[] = await rt.links();
    return [links.map((l) => l.attrs.ifname), renderLinks(links), iff, NetlinkSocket, NetlinkError, decode(bytes), decodeOnly(bytes),
      attrSet, GenericNetlink, YnlFamily, listSockets, listRuleset, xfrm, audit, connector, uevents, PcapWriter, pcapFileSink];
  } finally {
    await rt.close();
  }
}
// A monitor event narrows by kind: a link event's object is a Link, an address event's is not.
export async function watch(rt: Rtnl): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const ev of rt.monitor(['link', 'address'])) {
    if (ev.action === 'resync') { if (ev.kind === 'link') { const ls: Link[] = ev.objects; out.push(ls.length); } continue; }
    if (ev.action !== 'new' && ev.action !== 'del') continue;
    if (ev.kind === 'link') {
      const l: Link = ev.object;
      out.push(l.attrs.ifname, names(l).header?.flags);
    } else if (ev.kind === 'address') {
      // @ts-expect-error an address event's object is not a Link
      const l: Link = ev.object;
      out.push(l, ev.object.header.prefixlen);
    }
  }
  return out;
}
`;

for (const compiler of ['ts5', 'ts7'] as const) {
  test(`${compiler === 'ts5' ? TS5 : TS7}: a strict consumer of every entry has no errors (no @types/node)`, () => {
    const r = typecheck(compiler, `all-${compiler}`, everything);
    assert.is(r.out.trim(), '', r.out);
    const lines = r.files.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length, 0);
    console.log(`  ${compiler}: every entry, ${r.files.length} nlwire declaration files (${lines} lines), type-checked in ${(r.ms / 1000).toFixed(1)} s`);
  });
}

test('a strict CommonJS TypeScript consumer (require) type-checks with 5.9 and 7', () => {
  const src = "import nl = require('nlwire');\nimport route = require('nlwire/route');\nexport const x: unknown[] = [nl.NetlinkError, route.Rtnl];\n";
  for (const compiler of ['ts5', 'ts7'] as const) {
    writeFileSync(join(app, `cjs-${compiler}.cts`), src);
    writeFileSync(join(app, `tsconfig.cjs-${compiler}.json`), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', noEmit: true }, files: [`cjs-${compiler}.cts`] }));
    const r = run(process.execPath, [join(app, `node_modules/${compiler}/bin/tsc`), '-p', `tsconfig.cjs-${compiler}.json`], app);
    assert.is(r.status, 0, `${compiler}: ${r.stdout}${r.stderr}`);
  }
});

test('a consumer of the core entry loads none of the family declarations', () => {
  const r = typecheck('ts5', 'core', "import { NetlinkSocket, decode } from 'nlwire';\nexport const x = [NetlinkSocket, decode];\n");
  assert.is(r.out.trim(), '', r.out);
  const families = r.files.filter((f) => /\/(families\/[^/]+|rtnl|ynl)\//.test(f));
  assert.equal(families, [], 'family declarations in a core-only check');
  const lines = r.files.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length, 0);
  const empty = typecheck('ts5', 'empty', 'export const x = 1;\n');
  console.log(`  core consumer: ${r.files.length} nlwire declaration files, ${lines} lines, type-checked in ${(r.ms / 1000).toFixed(1)} s (ts5; a file importing nothing: ${(empty.ms / 1000).toFixed(1)} s)`);
});

test('nlwire/codec type-checks for a browser (lib dom, no node types)', () => {
  const r = typecheck('ts5', 'browser', "import { decode, parseHex } from 'nlwire/codec';\nexport const n: number = decode(parseHex('14000000030002000100000000000000')).length;\n", { lib: ['es2022', 'dom'], types: [] });
  assert.is(r.out.trim(), '', r.out);
});

test.run();
