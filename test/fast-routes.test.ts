// Fast route dumps (issue 6) against the real kernel: objects / stream / columns agree with the
// generic Rtnl.routes() field by field, WASM columns equal the TS fallback, the JSON writer equals
// `ip -j route show`, errors and DUMP_INTR surface, and the event loop keeps running.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NetlinkError } from '../src/core/errors.js';
import { Rtnl } from '../src/rtnl/rtnl.js';
import type { Route } from '../src/rtnl/types.js';
import { dumpRoutes, ipv4FromU32, linkNames, routeColumns, streamRoutes, writeRoutesJson, type RouteColumns } from '../src/rtnl/fast-routes.js';
import { DumpSocket, pipelinedDump } from '../src/socket/pipeline.js';
import type { NativeBinding } from '../src/socket/native.js';
import { formatIPv6 } from '../src/core/addr.js';
import { createNetns, type TestNetns } from './helpers/netns.js';

interface Plain { family: number; dstLen: number; table: number; protocol: number; scope: number; type: number; oif: number; priority: number; dst?: string; gateway?: string; prefsrc?: string }

const key = (r: Plain): string => `${r.family} ${r.table} ${r.dst ?? ''}/${r.dstLen} ${r.type} ${r.priority} ${r.gateway ?? ''} ${r.oif}`;
const sorted = (xs: Plain[]): Plain[] => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
function clean(p: Plain): Plain {
  const o = { ...p };
  for (const k of ['dst', 'gateway', 'prefsrc'] as const) if (o[k] === undefined) delete o[k];
  return o;
}

function fromGeneric(r: Route): Plain {
  const a = r.attrs as Record<string, unknown>;
  return clean({
    family: r.header.family, dstLen: r.header.dstLen, table: (a.table as number | undefined) ?? r.header.table,
    protocol: r.header.protocol, scope: r.header.scope, type: r.header.type, oif: (a.oif as number | undefined) ?? 0,
    priority: (a.priority as number | undefined) ?? 0, dst: a.dst as string | undefined, gateway: a.gateway as string | undefined,
    prefsrc: a.prefsrc as string | undefined,
  });
}

function fromColumns(c: RouteColumns): Plain[] {
  const out: Plain[] = [];
  for (let i = 0; i < c.count; i++) {
    const v6 = c.family[i] === 10;
    const addr = (bit: number, c4: Uint32Array, c6: Uint8Array | undefined): string | undefined =>
      !(c.present[i]! & bit) ? undefined : v6 ? formatIPv6(c6!, i * 16) : ipv4FromU32(c4[i]!);
    out.push(clean({
      family: c.family[i]!, dstLen: c.dstLen[i]!, table: c.table[i]!, protocol: c.protocol[i]!, scope: c.scope[i]!, type: c.type[i]!,
      oif: c.oif[i]!, priority: c.priority[i]!, dst: addr(1, c.dst4, c.dst6), gateway: addr(2, c.gateway4, c.gateway6),
      prefsrc: addr(4, c.prefsrc4, c.prefsrc6),
    }));
  }
  return out;
}

let ns: TestNetns;

function setup(): void {
  ns = createNetns('fast');
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
  lines.push('route add 13.0.0.0/8 dev va scope link');
  lines.push('route add 13.1.1.1/32 via 10.0.0.2 src 10.0.0.1');
  lines.push('route add blackhole 14.0.0.0/16');
  lines.push('route add unreachable 14.1.0.0/16');
  ns.batch(lines);
}

test.before(setup);
test.after(() => ns?.delete());

test('objects, stream and columns agree with Rtnl.routes() field by field', async () => {
  using rt = Rtnl.open({ netns: ns.name });
  const generic = sorted((await rt.routes()).map(fromGeneric));
  assert.ok(generic.length > 2000, `expected > 2000 routes, got ${generic.length}`);

  const views = await dumpRoutes({ netns: ns.name });
  assert.is(views.interrupted, false);
  const objs = sorted(views.map((v) => clean({
    family: v.family, dstLen: v.dstLen, table: v.table, protocol: v.protocol, scope: v.scope, type: v.type, oif: v.oif,
    priority: v.priority, dst: v.dst, gateway: v.gateway, prefsrc: v.prefsrc,
  })));
  assert.equal(objs, generic);

  const streamed: Plain[] = [];
  const stream = streamRoutes({ netns: ns.name });
  let batches = 0;
  for await (const b of stream) { batches++; streamed.push(...fromColumns(b)); }
  assert.ok(batches > 1, 'several batches');
  assert.is(stream.interrupted, false);
  assert.equal(sorted(streamed), generic);

  const cols = await routeColumns({ netns: ns.name });
  assert.is(cols.engine, 'wasm');
  assert.equal(sorted(fromColumns(cols)), generic);
});

test('filters: family and table (by number, name, and above 255)', async () => {
  using rt = Rtnl.open({ netns: ns.name });
  const all = (await rt.routes()).map(fromGeneric);
  const pick = (f: (p: Plain) => boolean): Plain[] => sorted(all.filter(f));
  const v = async (o: Parameters<typeof dumpRoutes>[0]): Promise<Plain[]> => sorted((await dumpRoutes(o)).map((r) => clean({
    family: r.family, dstLen: r.dstLen, table: r.table, protocol: r.protocol, scope: r.scope, type: r.type, oif: r.oif,
    priority: r.priority, dst: r.dst, gateway: r.gateway, prefsrc: r.prefsrc,
  })));
  assert.equal(await v({ netns: ns.name, family: 'inet6' }), pick((p) => p.family === 10));
  assert.equal(await v({ netns: ns.name, family: 'inet', table: 'main' }), pick((p) => p.family === 2 && p.table === 254));
  assert.equal(await v({ netns: ns.name, table: 100 }), pick((p) => p.table === 100));
  assert.equal(await v({ netns: ns.name, table: 1000 }), pick((p) => p.table === 1000));
  assert.is((await v({ netns: ns.name, table: 1000 })).length, 100);
});

test('columns: WASM equals the TS fallback (with growth from a tiny capacity)', async () => {
  for (const family of ['all', 'inet', 'inet6'] as const) {
    const w = await routeColumns({ netns: ns.name, family, initialCapacity: 64 });
    const t = await routeColumns({ netns: ns.name, family, engine: 'ts', initialCapacity: 64 });
    assert.is(w.engine, 'wasm');
    assert.is(t.engine, 'ts');
    assert.is(w.count, t.count);
    for (const k of Object.keys(t) as Array<keyof RouteColumns>) {
      const a = w[k];
      const b = t[k];
      if (ArrayBuffer.isView(b)) assert.equal(Array.from(a as Uint8Array), Array.from(b as Uint8Array), `column ${k} (${family})`);
    }
    assert.is(w.dst6 === undefined, family === 'inet');
  }
});

test('writeRoutesJson equals ip -j route show', async () => {
  const norm = (s: string): string => JSON.stringify(JSON.parse(s));
  const same = (a: string, b: string, what: string): void => {
    if (a === b) return;
    let i = 0;
    while (a[i] === b[i]) i++;
    assert.unreachable(`${what}: differs at ${i}: ours …${a.slice(Math.max(0, i - 80), i + 80)}… ip …${b.slice(Math.max(0, i - 80), i + 80)}…`);
  };
  const run = async (o: Parameters<typeof writeRoutesJson>[0]): Promise<string> => {
    let s = '';
    await writeRoutesJson(o, (x) => { s += x; });
    assert.ok(s.endsWith(']\n'));
    return s;
  };
  same(norm(await run({ netns: ns.name })), norm(ns.exec('ip', ['-j', 'route', 'show'])), "['-j', 'route', 'show']".toString());
  same(norm(await run({ netns: ns.name, table: 100 })), norm(ns.exec('ip', ['-j', 'route', 'show', 'table', '100'])), "['-j', 'route', 'show', 'table', '100']".toString());
  same(norm(await run({ netns: ns.name, family: 'inet6' })), norm(ns.exec('ip', ['-6', '-j', 'route', 'show'])), "['-6', '-j', 'route', 'show']".toString());
  same(norm(await run({ netns: ns.name, table: 'all' })), norm(ns.exec('ip', ['-j', 'route', 'show', 'table', 'all'])), "['-j', 'route', 'show', 'table', 'all']".toString());
  // a table that does not exist: ip fails ("FIB table does not exist"), so do we
  const e = await run({ netns: ns.name, table: 4242 }).then(() => undefined, (x: unknown) => x);
  assert.instance(e, NetlinkError);
  assert.is((e as NetlinkError).code, 'ENOENT');
  const names = await linkNames({ netns: ns.name });
  assert.ok([...names.values()].includes('va'));
});

test('kernel errors surface as NetlinkError with the extended ACK', async () => {
  using sock = DumpSocket.open({ netns: ns.name });
  // A strict-checked route dump refuses a non-zero rtm_dst_len.
  const req = new Uint8Array(28);
  const v = new DataView(req.buffer);
  v.setUint32(0, 28, true);
  v.setUint16(4, 26, true);
  req[16] = 2;
  req[17] = 8;
  const err = await pipelinedDump(sock, req, () => {}, { operation: 'RTM_GETROUTE' }).then(() => undefined, (e: unknown) => e);
  assert.instance(err, NetlinkError);
  assert.is((err as NetlinkError).code, 'EINVAL');
  assert.is((err as NetlinkError).syscall, 'RTM_GETROUTE');
  assert.ok((err as NetlinkError).extack.message, 'kernel message present');
  // The socket still works afterwards.
  let n = 0;
  await dumpRoutes({ socket: sock }).then((r) => { n = r.length; });
  assert.ok(n > 2000);
});

// A fake kernel: answers a dump with canned datagrams (DUMP_INTR on one message, then a DONE
// carrying `doneError`), through recvAsync on a timer and non-blocking recvInto.
function fakeBinding(doneError: number, kind: 'done' | 'error' = 'done'): NativeBinding {
  const queue: Array<{ bytes: Uint8Array; port: number }> = [];
  const waiters: Array<() => void> = [];
  const push = (bytes: Uint8Array, port = 0): void => { queue.push({ bytes, port }); waiters.shift()?.(); };
  const PORT = 4242;
  const route = (seq: number, flags: number, a: number): Uint8Array => {
    const b = new Uint8Array(36);
    const v = new DataView(b.buffer);
    v.setUint32(0, 36, true); v.setUint16(4, 24, true); v.setUint16(6, 2 | flags, true); v.setUint32(8, seq, true); v.setUint32(12, PORT, true);
    b[16] = 2; b[17] = 24; b[20] = 254; b[21] = 4; b[23] = 1;
    v.setUint16(28, 8, true); v.setUint16(30, 1, true); b[32] = 10; b[33] = a; b[34] = 0; b[35] = 0;
    return b;
  };
  const cat = (...xs: Uint8Array[]): Uint8Array => { const o = new Uint8Array(xs.reduce((s, x) => s + x.length, 0)); let p = 0; for (const x of xs) { o.set(x, p); p += x.length; } return o; };
  const fill = (d: { bytes: Uint8Array; port: number }, buf: Uint8Array, off: number, len: number, info: Int32Array): number => {
    buf.set(d.bytes.subarray(0, len), off);
    info.set([d.port, 0, 0, -1, d.bytes.length, 0]);
    return Math.min(len, d.bytes.length);
  };
  const binding = {
    open: () => 99,
    bind: () => {},
    getPortId: () => PORT,
    setsockoptInt: () => {},
    getsockoptInt: () => 0,
    getsockoptBytes: () => 0,
    sendTo(_fd: number, buf: Uint8Array, off: number, len: number, port: number): number {
      const v = new DataView(buf.buffer, buf.byteOffset + off, len);
      if (port === PORT) { push(buf.slice(off, off + len), PORT); return len; }
      const seq = v.getUint32(8, true);
      push(cat(route(seq, 0, 1), route(seq, 0x10 /* DUMP_INTR */, 2)));
      const end = new Uint8Array(kind === 'done' ? 20 : 36);
      const ev = new DataView(end.buffer);
      ev.setUint32(0, end.length, true); ev.setUint16(4, kind === 'done' ? 3 : 2, true); ev.setUint16(6, 2, true); ev.setUint32(8, seq, true); ev.setUint32(12, PORT, true);
      ev.setInt32(16, doneError, true);
      setTimeout(() => push(cat(route(seq, 0, 3), end)), 5);
      return len;
    },
    recvInto(_fd: number, buf: Uint8Array, off: number, len: number, info: Int32Array): number {
      return queue.length ? fill(queue.shift()!, buf, off, len, info) : -11;
    },
    recvAsync(_fd: number, buf: Uint8Array, off: number, len: number, _t: number, info: Int32Array, cb: (n: number) => void): void {
      // The datagram is taken when the receive happens (as recvmsg would), delivered later.
      const go = (): void => { const d = queue.shift()!; setImmediate(() => cb(fill(d, buf, off, len, info))); };
      if (queue.length) go(); else waiters.push(go);
    },
    close: () => {},
    Poller: class { start(): void {} stop(): void {} close(): void {} ref(): void {} unref(): void {} hasRef(): boolean { return false; } },
    SOL_NETLINK: 270,
  };
  return binding as unknown as NativeBinding;
}

test('DUMP_INTR sets interrupted; errors in DONE and NLMSG_ERROR reject (fake kernel)', async () => {
  for (const mode of ['hybrid', 'threadpool'] as const) {
    const ok = DumpSocket.open({ binding: fakeBinding(0) });
    const chunks: number[] = [];
    const r = await pipelinedDump(ok, new Uint8Array(28).fill(0).map((x, i) => (i === 0 ? 28 : i === 4 ? 26 : x)), (b) => { chunks.push(b.length); }, { mode });
    assert.is(r.interrupted, true, mode);
    assert.equal(chunks, [72, 36]);
    const views = await dumpRoutes({ socket: ok });
    assert.is(views.interrupted, true);
    assert.equal(views.map((v) => v.dst), ['10.1.0.0', '10.2.0.0', '10.3.0.0']);
    const cols = await routeColumns({ socket: ok, engine: 'wasm' });
    assert.is(cols.interrupted, true);
    assert.is(cols.count, 3);
    ok.close();
  }
  const bad = DumpSocket.open({ binding: fakeBinding(-16) });
  const e1 = await dumpRoutes({ socket: bad }).then(() => undefined, (e: unknown) => e);
  assert.instance(e1, NetlinkError);
  assert.is((e1 as NetlinkError).code, 'EBUSY');
  const bad2 = DumpSocket.open({ binding: fakeBinding(-22, 'error') });
  const e2 = await routeColumns({ socket: bad2 }).then(() => undefined, (e: unknown) => e);
  assert.instance(e2, NetlinkError);
  assert.is((e2 as NetlinkError).code, 'EINVAL');
  // stream surfaces it from next()
  const bad3 = DumpSocket.open({ binding: fakeBinding(-16) });
  let e3: unknown;
  try { for await (const b of streamRoutes({ socket: bad3 })) void b; } catch (e) { e3 = e; }
  assert.instance(e3, NetlinkError);
});

test('the event loop is never blocked > 50 ms during a 20k-route dump', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) lines.push(`route add 20.${i >> 8}.${i & 255}.0/24 via 10.0.0.2`);
  ns.batch(lines);
  let last = performance.now();
  let worst = 0;
  const iv = setInterval(() => { const t = performance.now(); worst = Math.max(worst, t - last); last = t; }, 1);
  const gaps: Record<string, number> = {};
  const measure = async (name: string, f: () => Promise<unknown>): Promise<void> => {
    await new Promise((r) => setTimeout(r, 5));
    last = performance.now();
    worst = 0;
    await f();
    gaps[name] = worst;
  };
  try {
    await measure('objects', async () => assert.ok((await dumpRoutes({ netns: ns.name })).length > 20000));
    await measure('stream', async () => { let n = 0; for await (const b of streamRoutes({ netns: ns.name })) n += b.count; assert.ok(n > 20000); });
    await measure('columns', async () => assert.ok((await routeColumns({ netns: ns.name })).count > 20000));
    await measure('json', async () => { let n = 0; await writeRoutesJson({ netns: ns.name }, (s) => { n += s.length; }); assert.ok(n > 20000 * 40); });
    await measure('threadpool', async () => assert.ok((await dumpRoutes({ netns: ns.name, mode: 'threadpool' })).length > 20000));
    await measure('hybrid', async () => assert.ok((await dumpRoutes({ netns: ns.name, mode: 'hybrid' })).length > 20000));
  } finally {
    clearInterval(iv);
  }
  for (const [name, gap] of Object.entries(gaps)) assert.ok(gap < 50, `${name}: event loop blocked ${gap.toFixed(1)} ms`);
});

test('the receive strategies (batch, hybrid, thread pool) deliver the same routes', async () => {
  const key = (v: { dst: string | undefined; dstLen: number; table: number; oif: number }): string => `${v.dst}/${v.dstLen} t${v.table} o${v.oif}`;
  const got: Record<string, string[]> = {};
  // IPv4 only: IPv6 autoconfiguration may still be adding routes in the test's namespace.
  for (const mode of ['batch', 'hybrid', 'threadpool'] as const) got[mode] = (await dumpRoutes({ netns: ns.name, mode, family: 'inet' })).map(key);
  assert.ok(got.batch!.length > 20000);
  for (const m of ['hybrid', 'threadpool']) {
    const d = got[m]!.findIndex((x, i) => x !== got.batch![i]);
    assert.is(d, -1, `${m} differs from batch at ${d}: ${got[m]![d]} vs ${got.batch![d]} (${got[m]!.length} vs ${got.batch!.length})`);
  }
});

test('breaking out of a stream abandons the dump cleanly', async () => {
  let n = 0;
  for await (const b of streamRoutes({ netns: ns.name })) { n += b.count; if (n > 1000) break; }
  assert.ok(n > 1000);
  const after = await routeColumns({ netns: ns.name, engine: 'ts' });
  assert.ok(after.count > 20000);
});

test.run();
