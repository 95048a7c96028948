// nlwire's runtime YNL beside the kernel's own (tools/net/ynl/cli.py of Linux 6.12, from Debian's
// linux-source-6.12): every spec loads, and every operation this kernel implements prints the
// same JSON as `cli.py --output-json --process-unknown`, field by field, in a namespace with real
// state. nlwire is what a user gets: the packed tarball installed into a fresh project, its
// `nlwire` CLI and its `nlwire/ynl` entry. Needs: apt-get install linux-source-6.12 python3-yaml
// python3-jsonschema iproute2 nftables.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as YnlEntry from '../../src/entries/ynl.js';
import type * as GenlEntry from '../../src/entries/genl.js';
import type { YnlNotification } from '../../src/ynl/family.js';
import { createNetns, type TestNetns } from '../helpers/netns.js';
import { requireTool } from './oracle-helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let kernel = '';
let ns: TestNetns;
/** The installed package: its CLI and its entries, loaded from the consumer project. */
const app = mkdtempSync(join(tmpdir(), 'nlwire-ynl-oracle-'));
let nlwireBin = '';
let ynl: typeof YnlEntry;
let genl: typeof GenlEntry;

/** The netlink-raw and genl specs this kernel answers, by file name. */
let implemented: string[] = [];

function installPackage(): void {
  const opts = { cwd: root, encoding: 'utf8' as const, env: { ...process.env, npm_config_update_notifier: 'false' }, timeout: 10 * 60_000 };
  const pack = spawnSync('npm', ['pack', '--pack-destination', app], opts);
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stdout}${pack.stderr}`);
  const tarball = join(app, pack.stdout.trim().split('\n').pop()!);
  const proj = join(app, 'project');
  mkdirSync(proj);
  writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'ynl-oracle', version: '1.0.0', private: true, type: 'module' }));
  const inst = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { ...opts, cwd: proj });
  if (inst.status !== 0) throw new Error(`npm install of the tarball failed:\n${inst.stdout}${inst.stderr}`);
  nlwireBin = join(proj, 'node_modules/.bin/nlwire');
}

async function setup(): Promise<void> {
  requireTool('python3', 'python3');
  const r = spawnSync('bash', [join(root, 'scripts/kernel-ynl.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the kernel's YNL is needed: ${r.stderr.trim()}`);
  kernel = r.stdout.trim();
  const py = spawnSync('/usr/bin/python3', ['-c', 'import yaml, jsonschema'], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(`the kernel's CLI needs python3-yaml and python3-jsonschema: ${py.stderr.trim()}`);
  installPackage();
  // By the installed package's own exports map: a bare 'nlwire/ynl' would be mapped back to the
  // sources by this repository's tsconfig paths (tsx).
  const pkgDir = join(app, 'project', 'node_modules', 'nlwire');
  const exportsMap = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }> }).exports;
  const entry = (sub: string): string => join(pkgDir, exportsMap[sub]!.default);
  ynl = await import(pathToFileURL(entry('./ynl')).href) as typeof YnlEntry;
  genl = await import(pathToFileURL(entry('./genl')).href) as typeof GenlEntry;
  assert.ok(!entry('./ynl').startsWith(root), 'the installed copy, not the sources');
  console.log(`  nlwire: the packed tarball, installed into a fresh project (its CLI, nlwire/ynl and nlwire/genl)`);
  ns = createNetns('ynl');
  buildState(ns);
  using g = genl.GenericNetlink.open({ netns: ns.name });
  const families = new Set((await g.list()).map((f) => f.name));
  for (const f of specFiles()) {
    const spec = ynl.compileSpec(readFileSync(join(specDir(), f), 'utf8')).spec;
    if (spec.protocol === 'netlink-raw' || families.has(spec.name)) implemented.push(f);
  }
}
// uvu does not show an error thrown by a before hook: print it.
test.before(() => setup().catch((e: unknown) => { console.error(e); throw e; }));
test.after(() => { ns?.delete(); rmSync(app, { recursive: true, force: true }); });

const specDir = (): string => join(kernel, 'Documentation/netlink/specs');
const specFiles = (): string[] => readdirSync(specDir()).filter((f) => f.endsWith('.yaml')).sort();

/** veths, a bridge, vxlan, macvlan, ifb, addresses, routes in three tables, htb + u32, nft, MPTCP. */
function buildState(n: TestNetns): void {
  const lines = [
    'link set lo up',
    'link add va type veth peer name vb',
    'link add br0 type bridge',
    'link set va master br0',
    'link add vx0 type vxlan id 42 dstport 4789 local 10.1.0.1',
    'link add mv0 link vb type macvlan mode bridge',
    'link add ifb0 type ifb',
    ...['va', 'vb', 'br0', 'mv0', 'ifb0', 'vx0'].map((l) => `link set ${l} up`),
    'addr add 10.1.0.1/24 dev br0',
    'addr add 2001:db8::1/64 dev br0 nodad',
    'addr add 10.2.0.1/24 dev vb',
    'route add 10.50.0.0/16 via 10.1.0.2',
    'route add 10.60.0.0/16 via 10.1.0.3 table 100',
    'route add 10.70.0.0/16 dev vb table 200',
    'route add 2001:db8:1::/48 via 2001:db8::2',
    'mptcp endpoint add 10.1.0.1 id 1 signal',
    'mptcp limits set subflow 2 add_addr_accepted 2',
  ];
  n.batch(lines);
  const tc = (...a: string[]): string => n.exec('tc', a);
  tc('qdisc', 'add', 'dev', 'vb', 'root', 'handle', '1:', 'htb', 'default', '10');
  tc('class', 'add', 'dev', 'vb', 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '10mbit');
  tc('class', 'add', 'dev', 'vb', 'parent', '1:1', 'classid', '1:10', 'htb', 'rate', '5mbit', 'ceil', '10mbit');
  tc('filter', 'add', 'dev', 'vb', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'dst', '10.9.0.0/16', 'flowid', '1:10');
  tc('qdisc', 'add', 'dev', 'va', 'ingress');
  n.exec('nft', ['-f', '-'], [
    'table inet t1 {',
    '  set s1 { type ipv4_addr; elements = { 10.0.0.1 } }',
    '  chain c1 { type filter hook input priority 0; tcp dport 22 accept; }',
    '}',
  ].join('\n'));
  // A tcp_metrics entry: a connection to a local address, closed.
  n.exec('/usr/bin/python3', ['-c', [
    'import socket',
    's = socket.socket(); s.bind(("10.1.0.1", 0)); s.listen(); c = socket.create_connection(s.getsockname()); a, _ = s.accept()',
    'c.send(b"x"); a.recv(1); c.close(); a.close(); s.close()',
  ].join('\n')]);
}

/** Request attributes of dumps the kernel answers per device (tc classes, filters, chains). */
function dumpInputs(file: string, op: string): string[] {
  if (file !== 'tc.yaml' || op === 'getqdisc') return ['{}'];
  return ['vb', 'va'].map((l) => JSON.stringify({ ifindex: ns.ipJson<Array<{ ifindex: number }>>('link', 'show', l)[0]!.ifindex }));
}

type Outcome = { kind: 'data'; value: unknown } | { kind: 'error'; message: string } | { kind: 'crash'; message: string };

function kernelCli(spec: string, op: string, doJson?: string, dumpJson = '{}', netns = ns.name): Outcome {
  const mode = doJson === undefined ? ['--dump', op, '--json', dumpJson] : ['--do', op, '--json', doJson];
  const r = spawnSync('ip', ['netns', 'exec', netns, '/usr/bin/python3', join(kernel, 'tools/net/ynl/cli.py'),
    '--spec', join(specDir(), spec), ...mode, '--output-json', '--process-unknown'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  // A dump answered with an extack warning prints 'Netlink warning:' lines before the JSON.
  if (r.status === 0) return { kind: 'data', value: JSON.parse(r.stdout.trim().split('\n').pop()!) };
  const netlink = /^Netlink error: (.*)$/m.exec(r.stdout);
  if (netlink) return { kind: 'error', message: netlink[1]! };
  return { kind: 'crash', message: r.stderr.trim().split('\n').pop() ?? '' };
}

/** The installed `nlwire genl --spec` CLI, as a user runs it (-n: nlwire enters the namespace). */
function nlwireCli(spec: string, op: string, json = '{}', mode: 'dump' | 'do' = 'dump', netns = ns.name): Promise<Outcome> {
  const args = ['-n', netns, 'genl', '--spec', join(specDir(), spec), `--${mode}`, op, '--json', json, '--output-json', '--process-unknown'];
  return new Promise((done, fail) => {
    const child = spawn(nlwireBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) { done({ kind: 'data', value: JSON.parse(out) }); return; }
      const m = /^Netlink error: (.*)$/m.exec(err);
      done(m ? { kind: 'error', message: m[1]! } : { kind: 'crash', message: err.trim() });
    });
  });
}

/** Leaf paths of a JSON value; flag sets (lists of names) compare as sets. */
function leaves(v: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'string')) { out.set(path, JSON.stringify([...v].sort())); return; }
  if (Array.isArray(v)) { if (!v.length) out.set(path, '[]'); v.forEach((x, i) => leaves(x, `${path}[${i}]`, out)); return; }
  if (v && typeof v === 'object') {
    const e = Object.entries(v);
    if (!e.length) out.set(path, '{}');
    for (const [k, x] of e) leaves(x, `${path}.${k}`, out);
    return;
  }
  out.set(path, JSON.stringify(v));
}

/** What differs between two processes asking (who asked) or moves between two dumps (clocks). */
// Traffic counters move too (any *stats/*stats64 group: icmp6-stats as well, and tc's stats2 with
// its nested basic/queue counters): the namespace's own IPv6 router solicitations, DAD, MLD.
const VOLATILE = /\.(proc-pid|proc-name|cstamp|tstamp|age|[a-z-]*timer)$|\.[a-z0-9-]*stats(2|64)?(\.[a-z0-9-]+)+$/;

interface Counts { ops: number; agree: number; fields: number; equal: number; unprintable: number; skipped: number; detail: string[] }

test('every 6.12 spec loads', () => {
  const failed: string[] = [];
  for (const f of specFiles()) {
    try { ynl.compileSpec(readFileSync(join(specDir(), f), 'utf8')); } catch (e) { failed.push(`${f}: ${(e as Error).message}`); }
  }
  console.log(`  specs loading: ${specFiles().length - failed.length} of ${specFiles().length}`);
  assert.equal(failed, []);
  assert.is(specFiles().length, 19);
});

test('every operation this kernel implements prints what the kernel CLI prints', async () => {
  const c: Counts = { ops: 0, agree: 0, fields: 0, equal: 0, unprintable: 0, skipped: 0, detail: [] };
  for (const file of implemented) {
    const model = ynl.compileSpec(readFileSync(join(specDir(), file), 'utf8'));
    for (const op of model.ops) {
      // Requests without a reply (set, add, del) run in a test of their own, on copies of the state.
      if (op.kind !== 'call' || op.reply === undefined) { if (op.kind === 'call') c.skipped++; continue; }
      for (const input of dumpInputs(file, op.name)) {
      let k = kernelCli(file, op.name, undefined, input);
      const ours = await nlwireCli(file, op.name, input);
      if (k.kind === 'crash' && /No message format for/.test(k.message) && file === 'tc.yaml' && ours.kind === 'data') {
        // A tc kind the spec's stats sub-message lacks (htb's xstats): nlwire keeps its bytes.
        c.unprintable++;
        assert.ok((ours.value as Array<Record<string, unknown>>).every((x) => typeof (x.stats2 as Record<string, unknown> | undefined)?.app !== 'object'), `${file} ${op.name}: unknown app stats kept as hex`);
        c.detail.push(`  ${file} ${op.name} ${input}: the kernel CLI cannot print it (${k.message}); nlwire keeps stats2.app as hex`);
        continue;
      }
      if (k.kind === 'crash' && /No message format for/.test(k.message) && ours.kind === 'data') {
        // The kernel's CLI stops on a link kind its spec lacks (vxlan): compare link by link what
        // it can print, and check that nlwire kept the rest as bytes.
        const printable: unknown[] = [];
        for (const item of ours.value as Array<Record<string, unknown>>) {
          const one = kernelCli(file, op.name, JSON.stringify({ 'ifi-index': item['ifi-index'] }));
          if (one.kind === 'data') { printable.push(one.value); continue; }
          c.unprintable++;
          const data = (item.linkinfo as Record<string, unknown> | undefined)?.data;
          assert.type(data, 'string', `${file} ${op.name} ifindex ${String(item['ifi-index'])}: bytes of a kind the spec lacks are kept (hex)`);
          c.detail.push(`  ${file} ${op.name} ifindex ${String(item['ifi-index'])}: the kernel CLI cannot print it (${one.message}); nlwire keeps linkinfo.data as hex`);
        }
        k = { kind: 'data', value: printable };
        ours.value = (ours.value as Array<Record<string, unknown>>).filter((x) => printable.some((p) => (p as Record<string, unknown>)['ifi-index'] === x['ifi-index']));
      }
      if (k.kind === 'crash') { c.unprintable++; c.detail.push(`  ${file} ${op.name}: the kernel CLI cannot print it (${k.message})`); continue; }
      c.ops++;
      if (k.kind === 'error' || ours.kind !== 'data') {
        const same = k.kind === 'error' && ours.kind === 'error' && k.message === ours.message;
        if (same) c.agree++;
        else c.detail.push(`  ${file} ${op.name}: kernel CLI ${JSON.stringify(k)}, nlwire ${JSON.stringify(ours)}`);
        continue;
      }
      const a = new Map<string, string>(), b = new Map<string, string>();
      leaves(k.value, '', a);
      leaves(ours.value, '', b);
      let bad = 0;
      for (const p of new Set([...a.keys(), ...b.keys()])) {
        c.fields++;
        if (a.get(p) === b.get(p) || (VOLATILE.test(p) && a.has(p) && b.has(p))) { c.equal++; continue; }
        if (bad++ < 3) c.detail.push(`  ${file} ${op.name} ${p}: kernel CLI ${a.get(p) ?? '(absent)'}, nlwire ${b.get(p) ?? '(absent)'}`);
      }
      if (!bad) c.agree++;
      }
    }
  }
  console.log(`  operations agreeing: ${c.agree} of ${c.ops} (${implemented.length} specs: ${implemented.map((f) => f.replace('.yaml', '')).join(', ')}; ${c.unprintable} the kernel CLI cannot print; ${c.skipped} requests without a reply, compared below); fields equal: ${c.equal} of ${c.fields}`);
  if (c.detail.length) console.log(c.detail.join('\n'));
  assert.is(c.agree, c.ops, 'operations that differ are listed above');
});

test('requests without a reply: an empty one gets the same answer from both CLIs (each in its own copy of the state)', async () => {
  // Both namespaces start equal and see the same requests in the same order, so a request that
  // succeeds (a flush) changes both alike.
  const nsK = createNetns('ynlk'), nsN = createNetns('ynln');
  try {
    buildState(nsK);
    buildState(nsN);
    let ops = 0, agree = 0, crashed = 0, acked = 0;
    const errors = new Map<string, number>();
    const detail: string[] = [];
    for (const file of implemented) {
      const model = ynl.compileSpec(readFileSync(join(specDir(), file), 'utf8'));
      for (const op of model.ops) {
        if (op.kind !== 'call' || op.reply !== undefined) continue;
        const k = kernelCli(file, op.name, '{}', undefined, nsK.name);
        const ours = await nlwireCli(file, op.name, '{}', 'do', nsN.name);
        if (k.kind === 'crash') { crashed++; detail.push(`  ${file} ${op.name}: the kernel CLI cannot send it (${k.message})`); continue; }
        ops++;
        if (k.kind === 'data') acked++;
        else errors.set(k.message.split(' (')[0]!, (errors.get(k.message.split(' (')[0]!) ?? 0) + 1);
        if (JSON.stringify(k) === JSON.stringify(ours)) agree++;
        else detail.push(`  ${file} ${op.name}: kernel CLI ${JSON.stringify(k)}, nlwire ${JSON.stringify(ours)}`);
      }
    }
    console.log(`  requests without a reply agreeing: ${agree} of ${ops} (${crashed} the kernel CLI cannot send; ${acked} acknowledged, the rest refused: ${[...errors].map(([m, n]) => `${n} ${m}`).join(', ')})`);
    if (detail.length) console.log(detail.join('\n'));
    assert.is(agree, ops, 'requests that differ are listed above');
  } finally {
    nsK.delete();
    nsN.delete();
  }
});

test('rtnetlink notifications have the header of their message type (newlink, dellink, newaddr, deladdr)', async () => {
  await using link = await ynl.YnlFamily.load(join(specDir(), 'rt_link.yaml'), { netns: ns.name });
  await using addr = await ynl.YnlFamily.load(join(specDir(), 'rt_addr.yaml'), { netns: ns.name });
  const links = link.subscribe('rtnlgrp-link');
  const addrs = addr.subscribe('rtnlgrp-ipv4-ifaddr');
  ns.ip('link', 'add', 'ntf0', 'type', 'bridge');
  const index = ns.ipJson<Array<{ ifindex: number }>>('link', 'show', 'ntf0')[0]!.ifindex;
  ns.ip('addr', 'add', '10.77.0.1/24', 'dev', 'ntf0');
  ns.ip('addr', 'del', '10.77.0.1/24', 'dev', 'ntf0');
  ns.ip('link', 'del', 'ntf0');
  const seen = async (it: AsyncIterableIterator<YnlNotification>, name: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const n = await it.next();
      if (n.done) throw new Error(`no ${name} notification`);
      if (n.value.type === 'event' && n.value.name === name) return n.value.msg;
    }
  };
  const added = await seen(links, 'getlink');
  assert.is(added['ifi-index'], index);
  assert.is(added.ifname, 'ntf0');
  const deleted = await seen(links, 'dellink');
  assert.is(deleted['ifi-index'], index, 'RTM_DELLINK: ifinfomsg, not the bytes of the name');
  assert.is(deleted.ifname, 'ntf0');
  const a = await seen(addrs, 'getaddr');
  assert.equal([a['ifa-index'], a['ifa-local'], a['ifa-prefixlen']], [index, '10.77.0.1', 24]);
  const d = await seen(addrs, 'deladdr');
  assert.equal([d['ifa-index'], d['ifa-local'], d['ifa-prefixlen']], [index, '10.77.0.1', 24]);
  await links.return?.();
  await addrs.return?.();
});

test.run();
