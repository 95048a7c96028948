// The three shapes of a dump for any protocol, on the core socket against the real kernel: the
// objects of dumpAll(), lazy views (dumpViews, viewStream) and columns (dumpColumns,
// columnStream) agree message by message, for rtnetlink links (oracle: `ip -j link`) and for
// nf_tables tables (oracle: `nft -j list tables`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageBuilder } from '../src/core/message.js';
import { RawBytes } from '../src/core/attr.js';
import { NetlinkSocket } from '../src/socket/netlink-socket.js';
import '../src/families/registry.js';
import { rtnetlinkMessages } from '../src/families/route/index.js';
import { nfnetlinkFamily } from '../src/families/netfilter/index.js';
import { nftMessages } from '../src/families/netfilter/nftables.js';
import { addTable } from '../src/families/netfilter/nftables.js';
import { ColumnExtractor, type ColumnTable } from '../src/schema/columns.js';
import type { MessageView } from '../src/schema/view.js';
import { Rtnl } from '../src/rtnl/rtnl.js';
import { waitFor, withNetns } from './helpers/netns.js';
import { spawn } from 'node:child_process';
import { deepStrictEqual } from 'node:assert/strict';
import { decode } from '../src/decode.js';
import { inetDiagRequest, sockDiagMessages, unixDiagRequest } from '../src/families/diag/index.js';

const getLinks = (): MessageBuilder => new MessageBuilder(18, 0, new RawBytes(new Uint8Array(16)));
const LINK_FIELDS = ['header.index', 'mtu', 'txqlen', 'master'];

/** Rows of a column table as [index, mtu, txqlen, master (0 when absent)]. */
function rows(t: ColumnTable): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < t.count; i++) out.push(LINK_FIELDS.map((f) => t.columns[f]![i]!));
  return out;
}
async function failure(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return String(e); }
  return 'resolved';
}
function concat(ts: ColumnTable[]): number[][] { return ts.flatMap(rows); }

test('a link dump on the core socket as objects, views and columns: the same links as ip -j link', async () => {
  await withNetns('shapes', async (ns) => {
    ns.ip('link', 'add', 'br0', 'type', 'bridge');
    ns.batch(Array.from({ length: 300 }, (_, i) => `link add s${i} mtu ${1280 + i} type veth peer name t${i}`));
    ns.batch(Array.from({ length: 20 }, (_, i) => `link set s${i} master br0`));
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name });
    const ip = ns.ipJson<Array<{ ifindex: number; ifname: string; mtu: number; txqlen?: number; master?: string }>>('-d', 'link', 'show');
    const byName = new Map(ip.map((l) => [l.ifname, l]));
    const index = new Map(ip.map((l) => [l.ifname, l.ifindex]));
    const want = ip.map((l) => [l.ifindex, l.mtu, l.txqlen ?? 0, l.master ? index.get(l.master)! : 0]).sort((a, b) => a[0]! - b[0]!);

    const objects = (await sock.dumpAll(getLinks())).messages.flatMap((m) => (m.kind === 'data' ? [m] : []));
    assert.is(objects.length, ip.length);
    const byIndex = (a: number[], b: number[]): number => a[0]! - b[0]!;

    // views: every link, its fields decoded when read, equal to the objects' fields
    const v = await sock.dumpViews(getLinks());
    assert.is(v.interrupted, false);
    assert.is(v.attempts, 1);
    assert.is(v.views.length, ip.length);
    const viewed = [...v.views].map((x) => [x.header!.index as number, x.attr('ifname') as string] as const);
    for (const [i, name] of viewed) assert.is(byName.get(name)?.ifindex, i, name);
    assert.equal([...v.views].map((x) => x.attrs), objects.map((m) => m.attrs), 'a view decodes what decode() does');

    // the view stream: the same links, in the same order, read as they arrive
    const streamed: MessageView[] = [];
    const vs = sock.viewStream(getLinks());
    for await (const x of vs) streamed.push(x);
    assert.is(vs.interrupted, false);
    assert.equal(streamed.map((x) => x.attr('ifname')), viewed.map((x) => x[1]));

    // columns, collected and streamed, with a spec or a kept extractor, on both engines
    for (const engine of ['wasm', 'js'] as const) {
      const x = new ColumnExtractor({ message: rtnetlinkMessages.RTM_NEWLINK, fields: LINK_FIELDS }, engine);
      const c = await sock.dumpColumns(getLinks(), x);
      assert.is(c.interrupted, false);
      assert.equal(rows(c.table).sort(byIndex), want, `dumpColumns ${engine}`);
      const batches: ColumnTable[] = [];
      const cs = sock.columnStream(getLinks(), x);
      for await (const t of cs) batches.push(t);
      assert.ok(batches.length > 1, 'a batch per datagram');
      assert.equal(concat(batches).sort(byIndex), want, `columnStream ${engine}: each batch kept its own arrays`);
    }
    const bySpec = await sock.dumpColumns(getLinks(), { message: rtnetlinkMessages.RTM_NEWLINK, fields: LINK_FIELDS });
    assert.equal(rows(bySpec.table).sort(byIndex), want);

    // stopping a stream early ends its dump; the socket goes on
    let n = 0;
    for await (const x of sock.viewStream(getLinks())) { void x; if (++n === 3) break; }
    for await (const t of sock.columnStream(getLinks(), { message: rtnetlinkMessages.RTM_NEWLINK, fields: LINK_FIELDS })) { void t; break; }
    assert.is((await sock.dumpViews(getLinks())).views.length, ip.length);
  });
});

test('link columns through a struct and a nest (64-bit counters as bigints, names and addresses as strings) match ip -d -s -j link', async () => {
  await withNetns('shapes-stats', async (ns) => {
    ns.ip('link', 'set', 'lo', 'up');
    ns.batch(Array.from({ length: 40 }, (_, i) => `link add c${i} type veth peer name d${i}`));
    // traffic on lo, so that its counters are not zero: 300 datagrams of 1000 bytes
    ns.exec(process.execPath, ['-e', `const s = require('dgram').createSocket('udp4'); let n = 0;
      const next = () => { if (n++ === 300) return s.close(); s.send(Buffer.alloc(1000), 9, '127.0.0.1', next); }; next();`]);
    type IpStats = { bytes: number; packets: number };
    const ip = ns.ipJson<Array<{ ifindex: number; ifname: string; address: string; qdisc: string; linkinfo?: { info_kind: string }; stats64: { rx: IpStats; tx: IpStats } }>>('-d', '-s', 'link', 'show');
    const fields = ['header.index', 'stats64.rxBytes', 'stats64.rxPackets', 'stats64.txBytes', 'xdp.attached', 'ifname', 'address', 'qdisc', 'linkinfo.kind'];
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name });
    for (const engine of ['wasm', 'js'] as const) {
      const x = new ColumnExtractor({ message: rtnetlinkMessages.RTM_NEWLINK, fields }, engine);
      assert.is(x.engine, engine);
      const { table: t } = await sock.dumpColumns(getLinks(), x);
      assert.is(t.count, ip.length);
      const index = t.columns['header.index']!;
      const rx = t.bigColumns['stats64.rxBytes']!;
      assert.ok(rx instanceof BigUint64Array);
      for (let r = 0; r < t.count; r++) {
        const l = ip.find((e) => e.ifindex === index[r]);
        assert.ok(l, `ifindex ${index[r]}`);
        assert.is(t.present[r]! & 0b11111, 0b11111, `${l!.ifname}: every field present`);
        assert.is(rx[r], BigInt(l!.stats64.rx.bytes), `${l!.ifname} rx bytes`);
        assert.is(t.bigColumns['stats64.rxPackets']![r], BigInt(l!.stats64.rx.packets), `${l!.ifname} rx packets`);
        assert.is(t.bigColumns['stats64.txBytes']![r], BigInt(l!.stats64.tx.bytes), `${l!.ifname} tx bytes`);
        assert.is(t.columns['xdp.attached']![r], 0, `${l!.ifname}: no XDP program`);
        assert.is(t.strings['ifname']![r], l!.ifname);
        assert.is(t.strings['address']![r], l!.address, `${l!.ifname} address`);
        assert.is(t.strings['qdisc']![r], l!.qdisc, `${l!.ifname} qdisc`);
        assert.is(t.strings['linkinfo.kind']![r], l!.linkinfo?.info_kind ?? '', `${l!.ifname} kind`);
        assert.is(!!(t.present[r]! & (1 << 8)), !!l!.linkinfo, `${l!.ifname} kind present`);
      }
      // the same strings batch by batch from a stream (each batch the caller's to keep)
      const streamed: string[] = [];
      for await (const b of sock.columnStream(getLinks(), x)) streamed.push(...b.strings['ifname']!);
      deepStrictEqual(streamed.sort(), ip.map((l) => l.ifname).sort());
      const lo = ip.find((e) => e.ifname === 'lo')!;
      assert.ok(lo.stats64.rx.packets >= 300, `lo rx packets ${lo.stats64.rx.packets}`);
    }
  });
});

test('link columns through sub-messages (vxlan ids, bridge and bridge-port options by kind) match ip -d -j link', async () => {
  await withNetns('shapes-kinds', async (ns) => {
    const lines: string[] = ['link add br0 type bridge priority 4096', 'link add br1 type bridge'];
    for (let i = 0; i < 12; i++) lines.push(`link add vx${i} type vxlan id ${1000 + i * 37} dstport 4789 local 10.0.0.1`);
    for (let i = 0; i < 6; i++) lines.push(`link add p${i} type veth peer name q${i}`, `link set p${i} master br${i % 2}`, `link set p${i} type bridge_slave cost ${10 + i} priority ${i}`);
    ns.batch(lines);
    type Info = { info_kind?: string; info_data?: { id?: number; priority?: number }; info_slave_kind?: string; info_slave_data?: { cost: number; priority: number } };
    const ip = ns.ipJson<Array<{ ifindex: number; ifname: string; linkinfo?: Info }>>('-d', 'link', 'show');
    const fields = ['header.index', 'linkinfo.kind', 'linkinfo.data.vxlan.id', 'linkinfo.data.bridge.priority', 'linkinfo.slaveData.bridge.cost', 'linkinfo.slaveData.bridge.priority'];
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name });
    for (const engine of ['wasm', 'js'] as const) {
      const { table: t } = await sock.dumpColumns(getLinks(), new ColumnExtractor({ message: rtnetlinkMessages.RTM_NEWLINK, fields }, engine));
      assert.is(t.count, ip.length);
      let vx = 0, ports = 0;
      for (let r = 0; r < t.count; r++) {
        const l = ip.find((e) => e.ifindex === t.columns['header.index']![r])!;
        const has = (i: number): boolean => !!(t.present[r]! & (1 << i));
        const info = l.linkinfo;
        assert.is(t.strings['linkinfo.kind']![r], info?.info_kind ?? '', l.ifname);
        assert.is(has(2), info?.info_kind === 'vxlan', `${l.ifname}: a vxlan id only for vxlan`);
        if (has(2)) { assert.is(t.columns['linkinfo.data.vxlan.id']![r], info!.info_data!.id, `${l.ifname} vxlan id`); vx++; }
        assert.is(has(3), info?.info_kind === 'bridge', l.ifname);
        if (has(3)) assert.is(t.columns['linkinfo.data.bridge.priority']![r], info!.info_data!.priority, `${l.ifname} bridge priority`);
        assert.is(has(4), info?.info_slave_kind === 'bridge', `${l.ifname}: port options only for bridge ports`);
        if (has(4)) {
          assert.is(t.columns['linkinfo.slaveData.bridge.cost']![r], info!.info_slave_data!.cost, `${l.ifname} port cost`);
          assert.is(t.columns['linkinfo.slaveData.bridge.priority']![r], info!.info_slave_data!.priority, `${l.ifname} port priority`);
          ports++;
        }
      }
      assert.is(vx, 12); assert.is(ports, 6);
    }
  });
});

test('bridge-port columns through IFLA_PROTINFO, chosen by the family header (an AF_BRIDGE link dump), match bridge -d -j link', async () => {
  await withNetns('shapes-ports', async (ns) => {
    const lines = ['link add br0 type bridge'];
    for (let i = 0; i < 8; i++) lines.push(`link add p${i} type veth peer name q${i}`, `link set p${i} master br0`, `link set p${i} type bridge_slave cost ${100 + i} priority ${i * 3}`);
    ns.batch(lines);
    const bridge = JSON.parse(ns.exec('bridge', ['-d', '-j', 'link', 'show'])) as Array<{ ifindex: number; ifname: string; cost: number; priority: number }>;
    assert.is(bridge.length, 8);
    const fields = ['header.index', 'header.family', 'ifname', 'protinfo.bridge.cost', 'protinfo.bridge.priority'];
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name });
    const hdr = new Uint8Array(16); hdr[0] = 7; // AF_BRIDGE
    for (const engine of ['wasm', 'js'] as const) {
      const { table: t } = await sock.dumpColumns(new MessageBuilder(18, 0, new RawBytes(hdr)), new ColumnExtractor({ message: rtnetlinkMessages.RTM_NEWLINK, fields }, engine));
      const ports = [];
      for (let r = 0; r < t.count; r++) {
        assert.is(t.columns['header.family']![r], 7);
        if (!(t.present[r]! & 0b11000)) continue;
        ports.push({ ifindex: t.columns['header.index']![r], ifname: t.strings['ifname']![r], cost: t.columns['protinfo.bridge.cost']![r], priority: t.columns['protinfo.bridge.priority']![r] });
      }
      deepStrictEqual(ports.sort((x, y) => x.ifindex! - y.ifindex!), bridge.map((l) => ({ ifindex: l.ifindex, ifname: l.ifname, cost: l.cost, priority: l.priority })).sort((x, y) => x.ifindex - y.ifindex), engine);
    }
  });
});

test('an nf_tables dump as views and columns on the core socket: the tables nft lists', async () => {
  await withNetns('nftshapes', async (ns) => {
    for (let i = 0; i < 40; i++) await addTable(i % 2 ? 'ip' : 'inet', `t${i}`, { netns: ns.name });
    using s = NetlinkSocket.open({ protocol: 'netfilter', netns: ns.name, family: nfnetlinkFamily });
    const req = new Uint8Array([20, 0, 0, 0, 1, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // NFT_MSG_GETTABLE, AF_UNSPEC
    const nft = JSON.parse(ns.exec('nft', ['-j', 'list', 'tables'])) as { nftables: Array<{ table?: { name: string; family: string; handle: number } }> };
    const tables = nft.nftables.flatMap((x) => (x.table ? [x.table] : []));
    const { views } = await s.dumpViews(req);
    const named = [...views].map((x) => `${x.header!.family === 2 ? 'ip' : 'inet'} ${String(x.attr('name'))} ${String(x.attr('handle'))}`).sort();
    assert.equal(named, tables.map((t) => `${t.family} ${t.name} ${t.handle}`).sort());
    const c = await s.dumpColumns(req, { message: nftMessages.NEWTABLE, fields: ['header.family', 'use', 'flags'] });
    assert.is(c.table.count, 40);
    assert.equal([...c.table.columns['header.family']!].sort(), [...Array(20).fill(1), ...Array(20).fill(2)].sort());
  });
});

test('sock_diag dumps as objects, views and columns on the core socket: the sockets ss lists; a variant takes its rows only', async () => {
  await withNetns('shapes-diag', async (ns) => {
    ns.ip('link', 'set', 'lo', 'up');
    // 25 TCP listeners on 127.0.0.1 and 5 UNIX ones, held by a helper inside the namespace
    const script = `const net = require('net'); let n = 0; const up = () => { if (++n === 30) console.log('ready'); };
      for (let i = 0; i < 25; i++) net.createServer().listen(47000 + i, '127.0.0.1', up);
      for (let i = 0; i < 5; i++) net.createServer().listen('/tmp/nlw-shapes-' + process.pid + '-' + i, up);
      process.on('SIGTERM', () => process.exit(0));`;
    const child = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await waitFor(() => out.includes('ready') || child.exitCode !== null, 10_000, 'helper process');
      const ssPorts = ns.exec('ss', ['-H', '-n', '-t', '-l']).split('\n').filter(Boolean).map((l) => Number(l.trim().split(/\s+/)[3]!.split(':').pop())).sort();
      assert.is(ssPorts.length, 25);
      using sock = NetlinkSocket.open({ protocol: 'sock_diag', netns: ns.name });
      const req = (): ReturnType<typeof inetDiagRequest> => inetDiagRequest({ protocol: 'tcp', family: 4, states: ['listen'] });

      // objects: each reply decoded with the inet variant (inet_diag_msg, INET_DIAG_* attributes)
      const objects = (await sock.dumpAll(req())).messages.flatMap((m) => (m.kind === 'data' ? [m] : []));
      assert.ok(objects.every((m) => m.def === sockDiagMessages.inet && m.name === 'SOCK_DIAG_BY_FAMILY'));
      assert.equal(objects.map((m) => m.header!.sport as number).sort(), ssPorts);
      assert.ok(objects.every((m) => m.header!.state === 10 && m.header!.src instanceof Uint8Array));

      // views: the same header and attributes, decoded when read
      const { views } = await sock.dumpViews(req());
      assert.equal([...views].map((v) => v.header), objects.map((m) => m.header));
      assert.equal([...views].map((v) => v.attrs), objects.map((m) => m.attrs));

      // columns of the inet variant, on both engines: ports, states and inodes as the objects have them
      const fields = ['header.sport', 'header.state', 'header.inode', 'header.uid'];
      for (const engine of ['wasm', 'js'] as const) {
        const x = new ColumnExtractor({ message: sockDiagMessages.inet, fields }, engine);
        const { table: t } = await sock.dumpColumns(req(), x);
        assert.equal(Array.from(t.columns['header.sport']!).sort(), ssPorts, engine);
        assert.equal(Array.from(t.columns['header.inode']!), objects.map((m) => m.header!.inode as number), engine);
        assert.ok(Array.from(t.columns['header.state']!).every((s) => s === 10));
      }

      // one buffer of inet and unix replies: decode() picks the variant per message, columns of the
      // inet variant take the inet rows only, those of the unix variant the unix ones
      const chunks: Uint8Array[] = [];
      await sock.dumpRaw(req(), (b) => { chunks.push(b.slice()); });
      await sock.dumpRaw(unixDiagRequest(['listen']), (b) => { chunks.push(b.slice()); });
      const mixed = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      chunks.reduce((at, c) => { mixed.set(c, at); return at + c.length; }, 0);
      const decoded = decode(mixed, { protocol: 'sock_diag' }).flatMap((m) => (m.kind === 'data' ? [m] : []));
      assert.is(decoded.filter((m) => m.def === sockDiagMessages.inet).length, 25);
      const unix = decoded.filter((m) => m.def === sockDiagMessages.unix);
      assert.is(unix.length, 5);
      assert.ok(unix.every((m) => new TextDecoder().decode(m.attrs!.name as Uint8Array).includes('/tmp/nlw-shapes-')));
      for (const engine of ['wasm', 'js'] as const) {
        const inet = new ColumnExtractor({ message: sockDiagMessages.inet, fields: ['header.sport'] }, engine).extract(mixed);
        assert.equal(Array.from(inet.columns['header.sport']!).sort(), ssPorts);
        const ux = new ColumnExtractor({ message: sockDiagMessages.unix, fields: ['header.ino', 'header.state'] }, engine).extract(mixed);
        assert.equal(Array.from(ux.columns['header.ino']!), unix.map((m) => m.header!.ino as number));
      }
    } finally { child.kill('SIGTERM'); }
  });
});

test('a dump stopped half-way (break, abort, a failing consumer) keeps the socket: the next dumps are not refused with EBUSY', async () => {
  await withNetns('abandon', async (ns) => {
    ns.batch(Array.from({ length: 400 }, (_, i) => `link add a${i} type veth peer name b${i}`));
    const all = 801;
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name });
    // an abort after the first datagram
    const stop = new AbortController();
    let chunks = 0;
    assert.match(await failure(sock.dumpRaw(getLinks(), () => { if (++chunks === 1) stop.abort(new Error('enough')); }, { signal: stop.signal })), /enough/);
    assert.is((await sock.dumpAll(getLinks())).messages.length, all);
    // a consumer that throws
    assert.match(await failure(sock.dumpRaw(getLinks(), () => { throw new Error('consumer failed'); })), /consumer failed/);
    // two dumps queued behind a stream left after one item
    for await (const m of sock.dump(getLinks())) { void m; break; }
    for await (const v of sock.viewStream(getLinks())) { void v; break; }
    const [a, b] = await Promise.all([sock.dumpAll(getLinks()), sock.dumpViews(getLinks())]);
    assert.is(a.messages.length, all);
    assert.is(b.views.length, all);
  });
});

test('Rtnl: leaving a route stream early, then other dumps on the same handle', async () => {
  await withNetns('rtabandon', async (ns) => {
    ns.batch(['link add d0 type veth peer name d1', 'link set d0 up', 'addr add 10.9.0.1/16 dev d0']);
    ns.batch(Array.from({ length: 5000 }, (_, i) => `route add 10.${100 + (i >> 8)}.${i & 255}.0/24 via 10.9.0.2`));
    using rt = Rtnl.open({ netns: ns.name });
    for await (const r of rt.routeStream({ family: 4 })) { void r; break; }
    for await (const t of rt.routeColumnStream({ family: 4 })) { void t; break; }
    for await (const v of rt.routeViewStream({ family: 4 })) { void v; break; }
    assert.is((await rt.links()).length, 3);
    assert.is((await rt.routes({ family: 4, table: 'main' })).length, 5000 + 1);
  });
});

test.run();
