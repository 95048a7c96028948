// One engine, three shapes, against the real kernel: Rtnl.routes() objects, the stream, lazy
// views and columns (WASM and JS) agree route by route; filters work; `nlwire -j route show`
// (streamed through the same decoders) equals `ip -j route show`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { formatIPv6 } from '../src/core/addr.js';
import { Rtnl } from '../src/rtnl/rtnl.js';
import type { Route } from '../src/rtnl/types.js';
import type { ColumnTable } from '../src/schema/columns.js';
import { createNetns, type TestNetns } from './helpers/netns.js';

interface Plain { family: number; dstLen: number; table: number; protocol: number; scope: number; type: number; oif: number; priority: number; dst?: string; gateway?: string; prefsrc?: string }
const key = (r: Plain): string => `${r.family} ${r.table} ${r.dst ?? ''}/${r.dstLen} ${r.type} ${r.priority} ${r.gateway ?? ''} ${r.oif}`;
const sorted = (xs: Plain[]): Plain[] => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
function clean(p: Plain): Plain {
  const o = { ...p };
  for (const k of ['dst', 'gateway', 'prefsrc'] as const) if (o[k] === undefined) delete o[k];
  return o;
}
function plain(h: Record<string, unknown>, a: Record<string, unknown>): Plain {
  return clean({
    family: h.family as number, dstLen: h.dstLen as number, table: (a.table as number | undefined) ?? (h.table as number),
    protocol: h.protocol as number, scope: h.scope as number, type: h.type as number, oif: (a.oif as number | undefined) ?? 0,
    priority: (a.priority as number | undefined) ?? 0, dst: a.dst as string | undefined, gateway: a.gateway as string | undefined,
    prefsrc: a.prefsrc as string | undefined,
  });
}
const fromObject = (r: Route): Plain => plain(r.header, r.attrs as Record<string, unknown>);

function fromColumns(c: ColumnTable): Plain[] {
  const out: Plain[] = [];
  const fi = (f: string): number => c.fields.indexOf(f);
  const addr = (f: string, i: number): string | undefined => {
    if (!((c.present[i]! >>> fi(f)) & 1)) return undefined;
    const col = c.columns[f] as Uint8Array;
    return c.columns['header.family']![i] === 10 ? formatIPv6(col, i * 16) : Array.from(col.subarray(i * 16, i * 16 + 4)).join('.');
  };
  const num = (f: string, i: number): number | undefined => ((c.present[i]! >>> fi(f)) & 1 ? c.columns[f]![i] : undefined);
  for (let i = 0; i < c.count; i++) {
    out.push(clean({
      family: c.columns['header.family']![i]!, dstLen: c.columns['header.dstLen']![i]!, table: num('table', i) ?? c.columns['header.table']![i]!,
      protocol: c.columns['header.protocol']![i]!, scope: c.columns['header.scope']![i]!, type: c.columns['header.type']![i]!,
      oif: num('oif', i) ?? 0, priority: num('priority', i) ?? 0, dst: addr('dst', i), gateway: addr('gateway', i), prefsrc: addr('prefsrc', i),
    }));
  }
  return out;
}

let ns: TestNetns;
test.before(() => {
  ns = createNetns('shapes');
  // no duplicate address detection: the kernel's own IPv6 routes appear at link up, not seconds later
  for (const c of ['all', 'default']) ns.exec('sysctl', ['-qw', `net.ipv6.conf.${c}.accept_dad=0`]);
  ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
  ns.ip('addr', 'add', '10.0.0.1/24', 'dev', 'va');
  ns.ip('addr', 'add', '2001:db8:1::1/64', 'dev', 'va', 'nodad');
  ns.ip('link', 'set', 'va', 'up');
  ns.ip('link', 'set', 'vb', 'up');
  const lines: string[] = [];
  for (let i = 0; i < 1700; i++) lines.push(`route add 11.${i >> 8}.${i & 255}.0/24 via 10.0.0.2${i % 7 === 0 ? ` metric ${i}` : ''}${i % 11 === 0 ? ' proto static' : ''}`);
  for (let i = 0; i < 100; i++) lines.push(`route add 12.0.${i}.0/24 via 10.0.0.3 table 100`);
  for (let i = 0; i < 100; i++) lines.push(`route add 12.1.${i}.0/24 via 10.0.0.3 table 1000`);
  for (let i = 0; i < 150; i++) lines.push(`route add 2001:db8:2:${i.toString(16)}::/64 via 2001:db8:1::2`);
  lines.push('route add 13.0.0.0/8 dev va scope link', 'route add 13.1.1.1/32 via 10.0.0.2 src 10.0.0.1');
  lines.push('route add blackhole 14.0.0.0/16', 'route add unreachable 14.1.0.0/16');
  ns.batch(lines);
  // the routing tables are compared across several dumps: wait until the kernel has settled them
  let last = '';
  for (let i = 0; i < 30; i++) {
    const now = ns.ip('-j', 'route', 'show', 'table', 'all') + ns.ip('-6', '-j', 'route', 'show', 'table', 'all');
    if (now === last) break;
    last = now;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  }
});
test.after(() => ns?.delete());

test('objects, stream, views and columns (WASM and JS) agree route by route', async () => {
  using rt = Rtnl.open({ netns: ns.name });
  const objects = sorted((await rt.routes()).map(fromObject));
  assert.ok(objects.length > 2000, `${objects.length} routes`);
  const streamed: Plain[] = [];
  for await (const r of rt.routeStream()) streamed.push(fromObject(r));
  assert.equal(sorted(streamed), objects);
  const views = await rt.routeViews();
  assert.equal(sorted(views.map((v) => plain(v.header!, v.attrs!))), objects);
  // a view decodes one attribute alone, the same value
  const v0 = views.find((v) => v.attr('gateway') !== undefined)!;
  assert.is(v0.attr('gateway'), v0.attrs!.gateway);
  const viewStream: Plain[] = [];
  for await (const v of rt.routeViewStream()) viewStream.push(plain(v.header!, v.attrs!));
  assert.equal(sorted(viewStream), objects);
  const batched: Plain[] = [];
  let batches = 0;
  for await (const t of rt.routeColumnStream()) { batches++; batched.push(...fromColumns(t)); }
  assert.ok(batches > 1, 'several column batches');
  assert.equal(sorted(batched), objects);
  // a slow consumer holds the socket's reads (the kernel keeps the rest of the dump): nothing lost,
  // nothing timed out, and a request after it is answered
  const slow: Plain[] = [];
  {
    using slowRt = Rtnl.open({ netns: ns.name, timeout: 2000 });
    let n = 0;
    for await (const r of slowRt.routeStream()) { slow.push(fromObject(r)); if (++n % 400 === 0) await new Promise((res) => setTimeout(res, 300)); }
    assert.equal(sorted(slow), objects);
    assert.ok((await slowRt.links()).length > 0);
  }
  // stopping early ends the dump and leaves the socket usable
  for await (const r of rt.routeStream()) { void r; break; }
  assert.is((await rt.routes({ table: 100 })).length, 100);
  // results are JSON-serialisable
  assert.ok(JSON.stringify(await rt.links()).includes('"ifname"'));
  for (const engine of ['wasm', 'js'] as const) {
    const c = await rt.routeColumns({}, undefined, engine);
    assert.is(c.interrupted, false);
    assert.equal(sorted(fromColumns(c)), objects, engine);
  }
});

test('filters: family and table (by number, name, and above 255), in every shape', async () => {
  using rt = Rtnl.open({ netns: ns.name });
  const all = (await rt.routes()).map(fromObject);
  const pick = (f: (p: Plain) => boolean): Plain[] => sorted(all.filter(f));
  assert.equal(sorted((await rt.routes({ family: 6 })).map(fromObject)), pick((p) => p.family === 10));
  assert.equal(sorted((await rt.routes({ family: 4, table: 'main' })).map(fromObject)), pick((p) => p.family === 2 && p.table === 254));
  assert.equal(sorted(fromColumns(await rt.routeColumns({ table: 100 }))), pick((p) => p.table === 100));
  assert.is((await rt.routes({ table: 1000 })).length, 100);
});

test('nlwire -j route show (streamed) equals ip -j route show', () => {
  for (const args of [['route', 'show'], ['route', 'show', 'table', '100'], ['-6', 'route', 'show'], ['route', 'show', 'table', 'all']]) {
    const ours = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '-n', ns.name, '-j', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.is(ours.status, 0, ours.stderr);
    const ip = ns.exec('ip', ['-j', ...args]);
    assert.equal(JSON.parse(ours.stdout), JSON.parse(ip), args.join(' '));
  }
});

test('the receive path indexes with either walker: a dump through the JS walker equals the WASM one', async () => {
  const { NetlinkSocket } = await import('../src/socket/netlink-socket.js');
  const { buildMessage } = await import('../src/schema/family.js');
  const { rtnetlinkMessages: M } = await import('../src/families/route/index.js');
  const req = buildMessage(M.RTM_GETROUTE, { flags: 0, header: { family: 0 } });
  const run = async (walker: 'wasm' | 'js'): Promise<unknown> => {
    using s = NetlinkSocket.open({ protocol: 'route', netns: ns.name, walker });
    const r = await s.dumpAll(req);
    // the same replies, but for the sockets' own sequence numbers and port ids
    return r.messages.map((m) => JSON.stringify({ ...(JSON.parse(JSON.stringify(m)) as object), seq: 0, pid: 0 }));
  };
  const w = await run('wasm');
  const j = await run('js');
  assert.ok((w as unknown[]).length > 2000);
  assert.equal(j, w);
});

test.run();
