// The nlwire command as a user runs it: a spawned process, in a real namespace, compared with ip.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPcap } from '../src/pcap/pcap.js';
import { withNetns, waitFor, type TestNetns } from './helpers/netns.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
function nlwire(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
function json<T = unknown>(ns: TestNetns, ...args: string[]): T {
  const r = nlwire('-n', ns.name, '-j', ...args);
  assert.is(r.code, 0, `nlwire -j ${args.join(' ')}: ${r.err}`);
  return JSON.parse(r.out) as T;
}

function setup(ns: TestNetns): void {
  ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
  ns.ip('link', 'set', 'va', 'up');
  ns.ip('link', 'set', 'vb', 'up');
  ns.ip('addr', 'add', '10.1.0.1/24', 'dev', 'va');
  ns.ip('addr', 'add', '2001:db8:1::1/64', 'dev', 'va', 'nodad');
  ns.ip('route', 'add', '10.5.0.0/16', 'via', '10.1.0.2', 'metric', '20');
  ns.ip('neigh', 'add', '10.1.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'va');
  ns.ip('rule', 'add', 'from', '10.1.0.0/24', 'table', '100', 'priority', '1000');
  ns.ip('nexthop', 'add', 'id', '1', 'via', '10.1.0.2', 'dev', 'va');
}

// Values that move between two calls (counters, lifetimes) are compared for presence only.
function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = /life_time|^used$|^confirmed$|^updated$/.test(k) ? typeof x : stable(x);
    return o;
  }
  return v;
}

test('-j show output equals ip -j for every object', async () => {
  await withNetns('cli', async (ns) => {
    setup(ns);
    // DAD ends on its own clock: compare once no address is tentative, or the two dumps race it.
    await waitFor(() => !JSON.stringify(ns.ipJson('addr', 'show')).includes('"tentative":true'), 10_000, 'duplicate address detection to end');
    const cases: string[][] = [['link', 'show'], ['-d', 'link', 'show'], ['addr', 'show'], ['route', 'show'], ['-6', 'route', 'show'],
      ['route', 'show', 'table', 'all'], ['-d', 'route', 'show', 'table', 'all'], ['-6', 'route', 'show', 'table', 'all'],
      ['neigh', 'show'], ['rule', 'show'], ['nexthop', 'show'], ['link', 'show', 'dev', 'va'], ['-4', 'addr', 'show', 'dev', 'va']];
    for (const c of cases) {
      const opts = c.filter((x) => x.startsWith('-'));
      const rest = c.filter((x) => !x.startsWith('-'));
      const ours = json(ns, ...opts, ...rest);
      const theirs = ns.ipJson(...opts, ...rest);
      assert.equal(stable(ours), stable(theirs), `nlwire -j ${c.join(' ')}`);
    }
  });
});

test('an empty namespace: route show is an empty list, as with ip; a missing table is an error', async () => {
  await withNetns('cliempty', (ns) => {
    for (const args of [['-j', 'route', 'show'], ['-j', 'route', 'show', 'table', 'all']]) {
      const r = nlwire('-n', ns.name, ...args);
      assert.is(r.code, 0, r.err);
      assert.equal(JSON.parse(r.out), ns.ipJson(...args.slice(1)));
    }
    const text = nlwire('-n', ns.name, 'route', 'show');
    assert.is(text.code, 0, text.err);
    assert.is(text.out.trim(), '');
    const missing = nlwire('-n', ns.name, '-j', 'route', 'show', 'table', '100');
    assert.is(missing.code, 2, 'a kernel error exits 2, as ip');
    assert.match(missing.err, /FIB table does not exist/);
  });
});

test('change commands in ip grammar, then checked with ip -j; errors print the kernel message', async () => {
  await withNetns('clichg', async (ns) => {
    const ok = (...a: string[]): void => { const r = nlwire('-n', ns.name, ...a); assert.is(r.code, 0, `${a.join(' ')}: ${r.err}`); };
    ok('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ok('link', 'set', 'v0', 'up', 'mtu', '1400');
    ok('link', 'set', 'v1', 'up');
    ok('addr', 'add', '10.2.0.1/24', 'dev', 'v0');
    ok('route', 'add', '10.9.0.0/16', 'via', '10.2.0.2', 'dev', 'v0', 'table', '100', 'metric', '7');
    ok('neigh', 'add', '10.2.0.5', 'lladdr', '02:00:00:00:00:05', 'dev', 'v0');
    ok('rule', 'add', 'from', '10.2.0.0/24', 'table', '100', 'priority', '900');
    ok('nexthop', 'add', 'id', '3', 'via', '10.2.0.2', 'dev', 'v0');
    const v0 = ns.ipJson<Array<{ mtu: number; flags: string[] }>>('link', 'show', 'dev', 'v0')[0]!;
    assert.is(v0.mtu, 1400);
    assert.ok(v0.flags.includes('UP'));
    assert.equal(ns.ipJson<Array<{ dst: string; gateway: string; metric: number }>>('route', 'show', 'table', '100').map((r) => [r.dst, r.gateway, r.metric]), [['10.9.0.0/16', '10.2.0.2', 7]]);
    assert.ok(ns.ipJson<Array<{ priority: number }>>('rule', 'show').some((r) => r.priority === 900));
    assert.ok(ns.ipJson<Array<{ id: number }>>('nexthop', 'show').some((r) => r.id === 3));
    const bad = nlwire('-n', ns.name, 'route', 'add', '10.8.0.0/16', 'via', '192.0.2.1');
    assert.is(bad.code, 2);
    assert.is(bad.err.trim(), 'Error: Nexthop has invalid gateway.');
    const exists = nlwire('-n', ns.name, 'addr', 'add', '10.2.0.1/24', 'dev', 'v0');
    assert.is(exists.code, 2);
    assert.is(exists.err.trim(), 'Error: ipv4: Address already assigned.');
    ok('nexthop', 'del', 'id', '3');
    ok('rule', 'del', 'priority', '900');
    ok('neigh', 'del', '10.2.0.5', 'dev', 'v0');
    ok('route', 'del', '10.9.0.0/16', 'table', '100');
    ok('addr', 'del', '10.2.0.1/24', 'dev', 'v0');
    ok('link', 'del', 'v0');
    assert.equal(ns.ipJson<Array<{ ifname: string }>>('link', 'show').map((l) => l.ifname), ['lo']);
  });
});

test('monitor -j prints NDJSON as changes happen', async () => {
  await withNetns('climon', async (ns) => {
    const child = spawn(process.execPath, [...CLI, '-n', ns.name, '-j', 'monitor', 'link', 'address', 'count', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    // changes only once the monitor has joined its groups (an rtnetlink socket with group bits in
    // the namespace's /proc/net/netlink): a fixed start-up wait misses events on a loaded machine
    const subscribed = (): boolean => ns.exec('cat', ['/proc/net/netlink']).split('\n').slice(1)
      .some((l) => { const f = l.trim().split(/\s+/); return f[1] === '0' && f[3] !== undefined && /[1-9a-f]/.test(f[3]); });
    await waitFor(subscribed, 30_000, 'the monitor subscribed');
    ns.ip('link', 'add', 'mon0', 'type', 'veth', 'peer', 'name', 'mon1');
    ns.ip('addr', 'add', '10.3.0.1/24', 'dev', 'mon0');
    ns.ip('link', 'del', 'mon0');
    const code = await Promise.race([
      new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1))),
      new Promise<number>((resolve) => setTimeout(() => { child.kill(); resolve(-2); }, 30_000)),
    ]);
    assert.is(code, 0, code === -2 ? `the monitor did not end after 4 events; it printed: ${out}` : 'exit status');
    assert.is(code, 0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { action: string; kind: string; object: Record<string, unknown> });
    assert.is(lines.length, 4);
    assert.ok(lines.some((l) => l.action === 'new' && l.kind === 'link' && l.object.ifname === 'mon0'));
    assert.ok(lines.some((l) => l.action === 'new' && l.kind === 'address'));
  });
});

test('main (npm start): interfaces, addresses, routes, then live changes until Ctrl+C', async () => {
  await withNetns('climain', async (ns) => {
    setup(ns);
    const child = spawn(process.execPath, [...CLI, 'main', '-n', ns.name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    await waitFor(() => out.includes('monitoring changes'), 20_000, 'the listing');
    assert.match(out, /== interfaces \(netns /);
    assert.match(out, /va@vb: <BROADCAST,MULTICAST,UP,LOWER_UP>/);
    assert.match(out, /inet 10\.1\.0\.1\/24/);
    assert.match(out, /10\.5\.0\.0\/16 via 10\.1\.0\.2 dev va/);
    ns.ip('addr', 'add', '10.1.0.77/24', 'dev', 'va');
    await waitFor(() => /\n(\[ADDR\])?\d+: va    inet 10\.1\.0\.77\/24 /.test(out), 10_000, 'the event, as ip monitor prints it');
    child.kill('SIGINT');
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
    assert.is(code, 0, 'Ctrl+C exits cleanly');
  });
});

test('decode: hex and pcap to text/JSON; bad bytes exit non-zero with the offset', () => {
  const done = '1400000003000200010000000000000000000000';
  const t = nlwire('decode', '--hex', done);
  assert.is(t.code, 0, t.err);
  assert.match(t.out, /NLMSG_DONE/);
  const j = nlwire('decode', '--hex', done, '-j');
  assert.is((JSON.parse(j.out) as { type: string }).type, 'NLMSG_DONE');
  const bad = nlwire('decode', '--hex', '1400000003000200');
  assert.is(bad.code, 1);
  assert.match(bad.err, /offset 0/);
  const p = nlwire('decode', '--pcap', 'test/fixtures/corpus/link.pcap', '-j', '--engine', 'js');
  assert.is(p.code, 0, p.err);
  assert.ok(p.out.split('\n').some((l) => l.includes('RTM_NEWLINK')));
});

test('--pcap-out records the traffic of a command', async () => {
  await withNetns('clipcap', async (ns) => {
    const dir = mkdtempSync(join(tmpdir(), 'nlwire-'));
    try {
      const file = join(dir, 'out.pcap');
      const r = nlwire('-n', ns.name, '--pcap-out', file, 'link', 'show');
      assert.is(r.code, 0, r.err);
      await waitFor(() => existsSync(file), 2000, 'pcap file');
      const cap = readPcap(new Uint8Array(readFileSync(file)));
      assert.is(cap.linktype, 253);
      assert.ok(cap.records.some((x) => x.direction === 'out'));
      assert.ok(cap.records.some((x) => x.direction === 'in'));
      // Any command records, generic netlink too.
      const g = join(dir, 'genl.pcap');
      const r2 = nlwire('-n', ns.name, '--pcap-out', g, 'genl', 'ctrl', 'get', 'nlctrl');
      assert.is(r2.code, 0, r2.err);
      const cap2 = readPcap(new Uint8Array(readFileSync(g)));
      assert.ok(cap2.records.some((x) => x.direction === 'out' && x.protocol === 16));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

test('help, schema, unknown commands and bad arguments', () => {
  const h = nlwire('--help');
  assert.is(h.code, 0);
  assert.match(h.out, /Usage: nlwire/);
  for (const o of ['link', 'route', 'addr', 'neigh', 'rule', 'nexthop', 'monitor', 'decode', 'schema']) {
    const r = nlwire(o, '--help');
    assert.is(r.code, 0, o);
    assert.match(r.out, /Usage|Example/);
  }
  const s = nlwire('schema', 'route', '-j');
  assert.is(s.code, 0);
  const d = JSON.parse(s.out) as { attributeSets: Array<{ name: string; attributes: Array<{ id: number; name: string }> }> };
  assert.ok(d.attributeSets.find((x) => x.name === 'link')!.attributes.some((a) => a.id === 3 && a.name === 'ifname'));
  const e = nlwire('schema', 'ethtool', '-j');
  assert.is(e.code, 0, e.err);
  const ed = JSON.parse(e.out) as { messages: Array<{ name: string; attrs?: string }> };
  assert.ok(ed.messages.some((m) => m.name.startsWith('linkinfoGet') && m.attrs === 'ethtool-linkinfo'));
  const list = nlwire('schema');
  for (const f of ['route', 'generic', 'netfilter', 'xfrm', 'ethtool', 'netdev', 'mptcp_pm']) assert.match(list.out, new RegExp(`^${f} `, 'm'));
  const u = nlwire('frobnicate');
  assert.is(u.code, 1);
  assert.is(u.err, 'Object "frobnicate" is unknown, try "nlwire help".\n');
  const b = nlwire('route', 'add');
  assert.is(b.code, 255);
  assert.match(b.err, /^Usage: nlwire route /); // as ip: a route without a destination gets the usage
  const o = nlwire('--bogus');
  assert.is(o.code, 255);
  assert.match(o.err, /^Option "--bogus" is unknown/);
});

test('the built CLI (dist) runs', () => {
  assert.ok(existsSync('dist/cli.js'), 'dist/cli.js is built by npm test (scripts/ensure-built.mjs)');
  const r = spawnSync(process.execPath, ['dist/cli.js', '--help'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const c = spawnSync(process.execPath, ['-e', "const n=require('./dist/index.js'), r=require('./dist/route.js'); if(typeof n.decode!=='function'||typeof r.Rtnl!=='function') process.exit(3)"], { encoding: 'utf8' });
  assert.is(c.status, 0, c.stderr);
});

test.run();
