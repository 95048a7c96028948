// Generic netlink against the real kernel, in a scratch namespace with a veth pair va/vb:
// nlctrl resolution and policies, the declared families (ethtool, netdev, tcp_metrics,
// mptcp_pm), the same families driven from YNL specs, notifications, and the genl CLI.
// WireGuard and nl80211 (not in this kernel) are checked on bytes built with the engine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NLM_F } from '../src/core/constants.js';
import { NetlinkError } from '../src/core/errors.js';
import { genlCommand } from '../src/cli/genl.js';
import { familyMessages, type GenlFamilyDef } from '../src/families/genl/define.js';
import {
  bitsetFromRecord, bitsetNames, ethtool, featureStates, ethtoolStringSet, stringSetOf,
} from '../src/families/genl/ethtool.js';
import { mptcpPm } from '../src/families/genl/mptcp-pm.js';
import { netdev } from '../src/families/genl/netdev.js';
import { nl80211 } from '../src/families/genl/nl80211.js';
import { GenericNetlink } from '../src/families/genl/resolve.js';
import { tcpMetrics } from '../src/families/genl/tcp-metrics.js';
import { wireguard } from '../src/families/genl/wireguard.js';
import { buildMessage, decodeAll, type DecodedMessage } from '../src/schema/family.js';
import { YnlFamily } from '../src/ynl/family.js';
import { createNetns, sleep, type TestNetns } from './helpers/netns.js';

const spec = (name: string): string => fileURLToPath(new URL(`../specs/${name}`, import.meta.url));

let ns: TestNetns;
let gn: GenericNetlink;
let vaIndex = 0;

test.before(() => {
  ns = createNetns('genl');
  ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
  ns.ip('link', 'set', 'va', 'up');
  ns.ip('link', 'set', 'vb', 'up');
  vaIndex = ns.ipJson<Array<{ ifindex: number }>>('link', 'show', 'dev', 'va')[0]!.ifindex;
  gn = GenericNetlink.open({ netns: ns.name });
});
test.after(() => {
  gn?.close();
  ns?.delete();
});

/** The next item of a subscription, failing the test when none comes within `ms`. */
async function within<T>(it: AsyncIterator<T>, ms = 5000): Promise<IteratorResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no notification within ${ms} ms`)), ms); });
  try {
    return await Promise.race([it.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function rejects(p: Promise<unknown>, code: string): Promise<NetlinkError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, NetlinkError);
    assert.is((e as NetlinkError).code, code, (e as Error).message);
    return e as NetlinkError;
  }
  throw assert.unreachable(`expected ${code}`);
}

// ---- nlctrl -------------------------------------------------------------------------------------

test('nlctrl resolves families with their ids, ops and multicast groups', async () => {
  const listed = new Map((await gn.list()).map((f) => [f.name, f]));
  for (const name of ['nlctrl', 'ethtool', 'netdev', 'tcp_metrics', 'mptcp_pm', 'TASKSTATS']) {
    const f = await gn.resolve(name);
    assert.is(f.name, name);
    assert.ok(f.id >= 0x10, `${name} id ${f.id}`);
    assert.ok(f.ops.length > 0, `${name} has ops`);
    assert.is(listed.get(name)?.id, f.id, `${name} in the dump with the same id`);
  }
  const ctrl = await gn.resolve('nlctrl');
  assert.is(ctrl.id, 0x10);
  assert.equal(Object.keys(ctrl.mcastGroups), ['notify']);
  const eth = await gn.resolve('ethtool');
  assert.ok('monitor' in eth.mcastGroups);
  const linkinfoGet = eth.ops.find((o) => o.cmd === 2)!;
  assert.ok(linkinfoGet.flagNames.includes('cmd-cap-do') && linkinfoGet.flagNames.includes('cmd-cap-dump'), linkinfoGet.flagNames.join());
  assert.ok(eth.ops.find((o) => o.cmd === 3)!.flagNames.includes('uns-admin-perm'), 'LINKINFO_SET needs CAP_NET_ADMIN in the netns');
  assert.equal(Object.keys((await gn.resolve('netdev')).mcastGroups).sort(), ['mgmt', 'page-pool']);
  assert.equal(Object.keys((await gn.resolve('mptcp_pm')).mcastGroups).sort(), ['mptcp_pm_cmds', 'mptcp_pm_events']);
  assert.is(await gn.resolve('ethtool'), await gn.resolve('ethtool'), 'cached');
  // the same ids as iproute2's genl tool sees
  const text = ns.exec('genl', ['ctrl', 'get', 'name', 'ethtool']);
  assert.match(text, new RegExp(`ID: 0x${eth.id.toString(16)}\\b`));
});

test('an unknown family is a NetlinkError ENOENT with a clear message', async () => {
  const e = await rejects(gn.resolve('nlwire-nofam'), 'ENOENT');
  assert.is(e.errno, -2);
  assert.is(e.syscall, 'CTRL_CMD_GETFAMILY');
  assert.match(e.message, /no generic netlink family named 'nlwire-nofam'/);
  await rejects(gn.bind({ ...tcpMetrics, name: 'nlwire-nofam' } as GenlFamilyDef), 'ENOENT');
  assert.match((await rejects(gn.resolve('a-name-of-16-byte'), 'ENOENT')).message, /at most 15 bytes/);
  await rejects(YnlFamily.load('name: nlwire-nofam\nattribute-sets: []\noperations: { list: [] }\n', { genl: gn }), 'ENOENT');
});

test('the policy dump of ethtool: ops point at policies, nests at nested policies', async () => {
  const all = await gn.policy('ethtool');
  assert.is(all.id, (await gn.resolve('ethtool')).id);
  assert.ok(all.ops.size > 10, `${all.ops.size} ops`);
  assert.ok(all.policies.size > 5, `${all.policies.size} policies`);
  const linkinfo = await gn.policy('ethtool', { op: 2 });
  assert.equal([...linkinfo.ops.keys()], [2]);
  const doIdx = linkinfo.ops.get(2)!.do!;
  const header = linkinfo.policies.get(doIdx)!.get(1)!;
  assert.is(header.type, 'nested');
  const headerPolicy = linkinfo.policies.get(header.policyIndex!)!;
  assert.is(headerPolicy.get(1)!.type, 'u32');
  assert.is(headerPolicy.get(2)!.type, 'nul-string');
  assert.is(headerPolicy.get(3)!.type, 'u32');
  assert.is((headerPolicy.get(3)!.mask ?? 0n) & 3n, 3n, 'ETHTOOL_FLAG_COMPACT_BITSETS | ETHTOOL_FLAG_OMIT_REPLY');
  await rejects(gn.policy('nlwire-nofam'), 'ENOENT');
});

// ---- ethtool ------------------------------------------------------------------------------------

test('ethtool (declarations): link info, link state, channels, strings and features of va', async () => {
  const eth = await gn.bind(ethtool);
  const hdr = { header: { devName: 'va' } };
  const info = await eth.do('linkinfoGet', hdr);
  assert.equal(info?.header, { devIndex: vaIndex, devName: 'va' });
  assert.is(info?.port, 0, 'PORT_TP');
  assert.is((await eth.do('linkstateGet', { header: { devIndex: vaIndex } }))?.link, 1);
  const modes = await eth.do('linkmodesGet', hdr);
  assert.is(modes?.speed, 10000);
  assert.is(modes?.duplex, 1);
  const link = ns.ipJson<Array<{ num_rx_queues: number; num_tx_queues: number }>>('-d', 'link', 'show', 'dev', 'va')[0]!;
  const ch = await eth.do('channelsGet', hdr);
  assert.is(ch?.rxMax, link.num_rx_queues);
  assert.is(ch?.txMax, link.num_tx_queues);
  assert.is(ch?.rxCount, 1);
  const strings = await eth.do('strsetGet', { ...hdr, stringsets: { stringset: [{ id: ethtoolStringSet.values.features }] } });
  const names = stringSetOf(strings!, ethtoolStringSet.values.features);
  const f = await eth.do('featuresGet', hdr);
  assert.is(names.length, f?.hw?.size, 'one string per feature bit');
  const states = featureStates(f!, names);
  assert.equal(states['tx-checksum-ip-generic'], { active: true, requested: true, fixed: false });
  assert.is(states['tx-checksum-ipv4']!.fixed, true);
  assert.ok(bitsetNames(f!.active).includes('tx-scatter-gather'));
  // a dump covers every device of the namespace
  const dumped = await eth.dump('linkstateGet');
  assert.equal(dumped.map((d) => d.header?.devName).sort(), ['lo', 'va', 'vb']);
});

test('ethtool: rings and coalesce on veth are EOPNOTSUPP, a bad device ENODEV naming the header', async () => {
  const eth = await gn.bind(ethtool);
  const e = await rejects(eth.do('ringsGet', { header: { devName: 'va' } }), 'EOPNOTSUPP');
  assert.is(e.errno, -95);
  assert.is(e.syscall, 'ETHTOOL_MSG_RINGS_GET');
  await rejects(eth.do('coalesceGet', { header: { devName: 'va' } }), 'EOPNOTSUPP');
  const nodev = await rejects(eth.do('linkinfoGet', { header: { devName: 'nlwire0' } }), 'ENODEV');
  assert.equal(nodev.extack.attribute?.path, ['header']);
  assert.match(nodev.message, /\[attribute header\]/);
});

test('ethtool: features set, read back, and the monitor group reports the change', async () => {
  const eth = await gn.bind(ethtool);
  const hdr = { header: { devName: 'va' } };
  const sub = eth.subscribe('monitor');
  try {
    const reply = await eth.do('featuresSet', { ...hdr, wanted: bitsetFromRecord({ 'tx-tcp-segmentation': false }) });
    assert.ok(reply, 'FEATURES_SET answers with what changed');
    let after = featureStates((await eth.do('featuresGet', hdr))!);
    assert.equal(after['tx-tcp-segmentation'], { active: false, requested: false, fixed: false });
    const n = await within(sub);
    assert.is(n.value?.type, 'event');
    if (n.value?.type !== 'event') return;
    assert.is(n.value.name, 'featuresNtf');
    assert.is(n.value.attrs.header?.devName, 'va');
    await eth.do('featuresSet', { header: { devName: 'va', flags: ['omit_reply'] }, wanted: bitsetFromRecord({ 'tx-tcp-segmentation': true }) });
    after = featureStates((await eth.do('featuresGet', hdr))!);
    assert.is(after['tx-tcp-segmentation']!.active, true);
  } finally {
    await sub.return?.();
  }
});

test('ethtool (YNL spec): the same answers as the declarations, in kebab-case', async () => {
  await using y = await YnlFamily.load(spec('ethtool.yaml'), { genl: gn });
  const eth = await gn.bind(ethtool);
  const hdr = { header: { devName: 'va' } };
  const yh = { header: { 'dev-name': 'va' } };
  assert.equal(await y.do('linkinfo-get', yh), {
    header: { 'dev-index': vaIndex, 'dev-name': 'va' }, port: 'tp', phyaddr: 0, 'tp-mdix': 0, 'tp-mdix-ctrl': 0, transceiver: 0,
  });
  const ls = await y.do('linkstate-get', yh);
  assert.is(ls?.link, (await eth.do('linkstateGet', hdr))?.link);
  const ch = (await y.do('channels-get', yh))!;
  const dch = (await eth.do('channelsGet', hdr))!;
  assert.equal([ch['rx-max'], ch['tx-max'], ch['rx-count'], ch['tx-count']], [dch.rxMax, dch.txMax, dch.rxCount, dch.txCount]);
  const yf = (await y.do('features-get', yh))!;
  const df = (await eth.do('featuresGet', hdr))!;
  for (const k of ['hw', 'wanted', 'active', 'nochange'] as const) {
    const bs = yf[k] as { nomask?: true; bits?: { bit?: Array<{ name: string; value?: true }> } };
    const names = (bs.bits?.bit ?? []).filter((b) => bs.nomask || b.value).map((b) => b.name);
    assert.equal(names, bitsetNames(df[k]), k);
  }
  const e = await rejects(y.do('rings-get', yh), 'EOPNOTSUPP');
  assert.is(e.syscall, 'ETHTOOL_MSG_RINGS_GET');
  const nodev = await rejects(y.do('linkinfo-get', { header: { 'dev-name': 'nlwire0' } }), 'ENODEV');
  assert.equal(nodev.extack.attribute?.path, ['header']);
  assert.equal((await y.dump('linkstate-get')).map((r) => (r.header as { 'dev-name': string })['dev-name']).sort(), ['lo', 'va', 'vb']);
  // set through the spec, read back through the declarations; the monitor group via the spec
  const sub = y.subscribe('monitor');
  try {
    await y.do('features-set', { header: { 'dev-name': 'va', flags: ['omit-reply'] }, wanted: { bits: { bit: [{ name: 'rx-gro', value: true }] } } });
    assert.is(featureStates((await eth.do('featuresGet', hdr))!)['rx-gro']!.active, true);
    const n = await within(sub);
    assert.equal(n.value?.type === 'event' && [n.value.name, n.value.group], ['features-ntf', 'monitor']);
    await y.do('features-set', { header: { 'dev-name': 'va', flags: ['omit-reply'] }, wanted: { bits: { bit: [{ name: 'rx-gro', value: false }] } } });
    assert.is(featureStates((await eth.do('featuresGet', hdr))!)['rx-gro']!.active, false);
  } finally {
    await sub.return?.();
  }
  assert.throws(() => y.subscribe('nope'), /no multicast group 'nope'/);
  try { await y.do('nope', {}); assert.unreachable(); } catch (err) { assert.match((err as Error).message, /no operation 'nope'/); }
});

// ---- netdev -------------------------------------------------------------------------------------

test('netdev: dev-get do and dump return the ifindexes of ip link (declarations and YNL spec)', async () => {
  const want = ns.ipJson<Array<{ ifindex: number }>>('link', 'show').map((l) => l.ifindex).sort();
  const nd = await gn.bind(netdev);
  const dumped = await nd.dump('devGet');
  assert.equal(dumped.map((d) => d.ifindex).sort(), want);
  for (const i of want) assert.is((await nd.do('devGet', { ifindex: i }))?.ifindex, i);
  await rejects(nd.do('devGet', { ifindex: 999 }), 'ENODEV');
  // the same dump as lazy views and as columns (xdpFeatures is a u64: a bigint column)
  const { views } = await nd.dumpViews('devGet');
  assert.equal([...views].map((v) => v.attr('ifindex')).sort(), want);
  assert.equal([...views].map((v) => v.attrs), dumped, 'a view decodes what the dump does');
  assert.ok([...views].every((v) => v.name === 'devGet'), 'views are named by the operation');
  const { table } = await nd.dumpColumns('devGet', ['ifindex', 'header.cmd', 'xdpFeatures']);
  assert.equal(Array.from(table.columns['ifindex']!).sort(), want);
  assert.equal(Array.from(table.bigColumns['xdpFeatures']!), [...views].map((v) => v.attr('xdpFeatures')));
  assert.ok(table.bigColumns['xdpFeatures']!.some((x) => x !== 0n), 'veth does XDP');
  // and as streams: attributes, views and column batches read as the datagrams arrive
  const streamed: number[] = [];
  for await (const d of nd.dumpStream('devGet')) streamed.push(d.ifindex!);
  assert.equal(streamed.sort(), want);
  const viewed: unknown[] = [];
  for await (const v of nd.viewStream('devGet')) viewed.push(v.attr('ifindex'));
  assert.equal(viewed.sort(), want);
  const batched: number[] = [];
  for await (const t of nd.columnStream('devGet', ['ifindex'])) batched.push(...t.columns['ifindex']!);
  assert.equal(batched.sort(), want);
  // a refused stream is the kernel's NetlinkError, thrown from the iteration
  await rejects((async () => { for await (const q of nd.dumpStream('queueGet', { ifindex: 999 })) void q; })(), 'ENODEV');
  for await (const d of nd.dumpStream('devGet')) { void d; break; } // left early: the socket goes on
  assert.is((await nd.dump('devGet')).length, want.length);
  await using y = await YnlFamily.load(spec('netdev.yaml'), { genl: gn });
  const yd = await y.dump('dev-get');
  assert.equal(yd.map((d) => d.ifindex).sort(), want);
  const va = (await y.do('dev-get', { ifindex: vaIndex }))!;
  assert.ok(Array.isArray(va['xdp-features']), 'flags by name');
  assert.ok((va['xdp-features'] as string[]).includes('basic'), 'veth does XDP');
  assert.not.ok('pad' in va);
});

test('netdev: queue-get lists the rx and tx queues of va; mgmt reports a new device', async () => {
  const nd = await gn.bind(netdev);
  const queues = await nd.dump('queueGet', { ifindex: vaIndex });
  assert.equal(queues.map((q) => [q.type, q.id]).sort(), [[0, 0], [1, 0]]);
  await using y = await YnlFamily.load(spec('netdev.yaml'), { genl: gn });
  assert.equal(await y.do('queue-get', { ifindex: vaIndex, type: 'tx', id: 0 }), { id: 0, type: 'tx', ifindex: vaIndex });
  const sub = nd.subscribe('mgmt');
  try {
    ns.ip('link', 'add', 'vc', 'type', 'veth', 'peer', 'name', 'vd');
    const vc = ns.ipJson<Array<{ ifindex: number }>>('link', 'show', 'dev', 'vc')[0]!.ifindex;
    const seen: number[] = [];
    while (!seen.includes(vc)) {
      const n = await within(sub);
      if (n.value?.type === 'event' && n.value.name === 'devAddNtf') seen.push(n.value.attrs.ifindex ?? -1);
    }
  } finally {
    await sub.return?.();
    ns.ip('link', 'del', 'vc');
  }
});

// ---- tcp_metrics, mptcp_pm ------------------------------------------------------------------------

test('tcp_metrics: a connection between two namespaces leaves an entry; get, dump and del', async () => {
  const peer = createNetns('genl-peer');
  try {
    ns.ip('link', 'add', 'vt', 'type', 'veth', 'peer', 'name', 'vu', 'netns', peer.name);
    ns.ip('addr', 'add', '10.77.0.1/24', 'dev', 'vt');
    ns.ip('link', 'set', 'vt', 'up');
    peer.ip('addr', 'add', '10.77.0.2/24', 'dev', 'vu');
    peer.ip('link', 'set', 'vu', 'up');
    await sleep(100);
    // a server in the peer namespace, a client here, both as child node processes
    const server = `const s=require('net').createServer(c=>{c.resume();c.on('end',()=>{c.end();s.close()})});s.listen(5555,'10.77.0.2',()=>console.log('up'))`;
    const srv = spawn('ip', ['netns', 'exec', peer.name, process.execPath, '-e', server], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => srv.stdout!.once('data', () => resolve()));
    const client = `const c=require('net').connect(5555,'10.77.0.2',()=>{c.end(Buffer.alloc(200000))});c.resume();c.on('close',()=>process.exit(0))`;
    ns.exec(process.execPath, ['-e', client]);
    await new Promise<void>((resolve) => srv.once('exit', () => resolve()));
    await sleep(100);
    const tm = await gn.bind(tcpMetrics);
    const all = await tm.dump('get');
    const entry = all.find((e) => e.addrIpv4 === '10.77.0.2');
    assert.ok(entry, JSON.stringify(all, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    assert.is(entry!.saddrIpv4, '10.77.0.1');
    // ip prints the kernel's scaled values unscaled: srtt is kept x8, rttvar x4
    const text = ns.ip('tcp_metrics', 'show', '10.77.0.2');
    assert.match(text, new RegExp(`cwnd ${entry!.vals?.cwnd}\\b`));
    assert.match(text, new RegExp(`rtt ${entry!.vals!.rttUs! >> 3}us rttvar ${entry!.vals!.rttvarUs! >> 2}us`));
    const one = await tm.do('get', { addrIpv4: '10.77.0.2', saddrIpv4: '10.77.0.1' });
    assert.is(one?.vals?.cwnd, entry!.vals?.cwnd);
    await tm.do('del', { addrIpv4: '10.77.0.2', saddrIpv4: '10.77.0.1' });
    assert.not.ok((await tm.dump('get')).some((e) => e.addrIpv4 === '10.77.0.2'));
    await rejects(tm.do('get', { addrIpv4: '10.77.0.2' }), 'ESRCH');
  } finally {
    peer.delete();
  }
});

test('mptcp_pm: endpoint add/get/dump/del and limits, as ip mptcp sees them', async () => {
  ns.ip('addr', 'add', '10.66.0.1/24', 'dev', 'va');
  const pm = await gn.bind(mptcpPm);
  await pm.do('addAddr', { addr: { family: 2, addr4: '10.66.0.1', id: 7, flags: ['signal', 'backup'], ifIdx: vaIndex } });
  type Ep = { address: string; id: number; signal?: boolean; backup?: boolean; dev?: string };
  const shown = ns.ipJson<Ep[]>('mptcp', 'endpoint', 'show');
  assert.equal(shown, [{ address: '10.66.0.1', id: 7, signal: true, backup: true, dev: 'va' }]);
  const got = await pm.do('getAddr', { addr: { id: 7 } });
  assert.equal(got?.addr, { family: 2, id: 7, addr4: '10.66.0.1', port: 0, flags: 5, ifIdx: vaIndex });
  const dumped = await pm.dump('getAddr');
  assert.equal(dumped.map((d) => d.addr?.id), shown.map((e) => e.id));
  await rejects(pm.do('addAddr', { addr: { family: 2, addr4: '10.66.0.1', id: 7, flags: ['signal'] } }), 'EBUSY');
  await pm.do('delAddr', { addr: { id: 7 } });
  assert.equal(ns.ipJson<Ep[]>('mptcp', 'endpoint', 'show'), []);
  await pm.do('setLimits', { rcvAddAddrs: 3, subflows: 4 });
  const limits = await pm.do('getLimits');
  assert.is(limits?.rcvAddAddrs, 3);
  assert.is(limits?.subflows, 4);
  assert.match(ns.ip('mptcp', 'limits', 'show'), /add_addr_accepted 3 subflows 4/);
});

// ---- families absent from this kernel, from bytes -----------------------------------------------

/** Builds a message of `op` as the kernel would send it (a reply, or a notification with seq 0). */
function kernelMessage(def: GenlFamilyDef, id: number, op: string, cmd: number, attrs: Record<string, unknown>, seq = 1): DecodedMessage {
  const { family, requests } = familyMessages(def, id);
  const bytes = buildMessage(requests.get(op)!, { flags: NLM_F.MULTI, seq, header: { cmd, version: 1 }, attrs }).toBytes();
  const [m] = decodeAll(family, bytes);
  return m!;
}

test('wireguard declarations: a device dump message round-trips, endpoint as sockaddr', () => {
  const key = new Uint8Array(32).fill(7);
  const device = {
    ifindex: 5, ifname: 'wg0', publicKey: key, listenPort: 51820, fwmark: 0,
    peers: [{
      publicKey: key, endpoint: { address: '192.0.2.9', port: 51820 }, persistentKeepaliveInterval: 25,
      lastHandshakeTime: { sec: 1700000000n, nsec: 5n }, rxBytes: 1n << 33n, txBytes: 10n, protocolVersion: 1,
      allowedips: [{ family: 2, ipaddr: '10.0.0.0', cidrMask: 8 }, { family: 10, ipaddr: 'fd00::', cidrMask: 64 }],
    }, { publicKey: key, endpoint: { address: '2001:db8::1', port: 1 } }],
  };
  const m = kernelMessage(wireguard, 0x30, 'getDevice', 0, device);
  assert.is(m.name, 'getDevice');
  assert.equal(m.kind === 'data' && m.attrs, device);
  // the request direction picks the request declaration
  const { family, requests } = familyMessages(wireguard, 0x30);
  const req = buildMessage(requests.get('setDevice')!, { flags: NLM_F.REQUEST | NLM_F.ACK, header: { cmd: 1, version: 1 }, attrs: { ifname: 'wg0', flags: ['replacePeers'] } }).toBytes();
  const [r] = decodeAll(family, req);
  assert.is(r?.name, 'setDevice');
  assert.equal(r?.kind === 'data' && r.attrs, { ifname: 'wg0', flags: 1 });
  // struct sockaddr_in: family 2 (LE), port big-endian, address
  const sa = buildMessage(requests.get('setDevice')!, { flags: 0, header: { cmd: 1, version: 1 }, attrs: { peers: [{ endpoint: { address: '192.0.2.9', port: 0x1234 } }] } }).toBytes();
  const at = sa.length - 16;
  assert.equal([...sa.subarray(at, at + 8)], [2, 0, 0x12, 0x34, 192, 0, 2, 9]);
});

test('nl80211 declarations: wiphy and interface replies and notifications decode by command', () => {
  const wiphy = kernelMessage(nl80211, 0x25, 'getWiphy', 3, {
    wiphy: 0, wiphyName: 'phy0', generation: 4, maxNumScanSsids: 4, wiphyRetryShort: 7,
    wiphyBands: [{ freqs: [{ freq: 2412, maxTxPower: 2000 }, { freq: 2484, disabled: true }], htCapa: 0x1ff }],
  });
  assert.is(wiphy.name, 'getWiphy');
  assert.equal(wiphy.kind === 'data' && wiphy.attrs?.wiphyBands, [{ freqs: [{ freq: 2412, maxTxPower: 2000 }, { freq: 2484, disabled: true }], htCapa: 0x1ff }]);
  const ifc = kernelMessage(nl80211, 0x25, 'getInterface', 7, { ifindex: 3, ifname: 'wlan0', iftype: 'station', mac: '02:00:00:00:00:01', wdev: 1n, wiphy: 0 });
  assert.is(ifc.name, 'getInterface');
  assert.equal(ifc.kind === 'data' && ifc.attrs, { ifindex: 3, ifname: 'wlan0', iftype: 2, mac: '02:00:00:00:00:01', wdev: 1n, wiphy: 0 });
  const ntf = kernelMessage(nl80211, 0x25, 'getInterface', 7, { ifindex: 3 }, 0);
  assert.is(ntf.name, 'newInterface', 'multicast (seq 0) messages are notifications');
  assert.is(kernelMessage(nl80211, 0x25, 'getInterface', 8, { ifindex: 3 }, 0).name, 'delInterface');
});

// ---- netlink-raw spec ---------------------------------------------------------------------------

test('a netlink-raw YNL spec (rtnetlink links) dumps what ip link shows', async () => {
  await using rt = await YnlFamily.load(spec('rt-link-mini.yaml'), { netns: ns.name });
  const links = await rt.dump('getlink');
  const want = ns.ipJson<Array<{ ifindex: number; ifname: string; mtu: number; address: string }>>('link', 'show');
  assert.equal(
    links.map((l) => [l['ifi-index'], l.ifname, l.mtu, l.address]).sort(),
    want.map((l) => [l.ifindex, l.ifname, l.mtu, l.address]).sort(),
  );
  // The small spec describes a few attributes: the others are kept, named as the kernel's CLI names them.
  assert.ok(links.every((l) => Object.keys(l).some((k) => /^UnknownAttr\(\d+\)$/.test(k))), 'undescribed attributes are kept');
  const va = await rt.do('getlink', { ifname: 'va' });
  assert.is(va?.['ifi-index'], vaIndex);
  await rejects(rt.do('getlink', { ifname: 'nlwire0' }), 'ENODEV');
});

// ---- the CLI ------------------------------------------------------------------------------------

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string }> {
  let out = '', err = '';
  const code = await genlCommand(args, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, netns: ns.name });
  return { code, out: out.split('\n').filter(Boolean), err };
}

test('nlwire genl ctrl list / get / policy', async () => {
  const list = await cli('ctrl', 'list');
  assert.is(list.code, 0, list.err);
  const names = list.out.map((l) => (JSON.parse(l) as { 'family-name': string })['family-name']);
  assert.ok(names.includes('ethtool') && names.includes('nlctrl'), names.join());
  const get = await cli('ctrl', 'get', 'netdev');
  // nlctrl's own names, as the kernel's CLI prints getfamily
  const nd = JSON.parse(get.out[0]!) as { 'family-id': number; 'mcast-groups': Array<{ name: string; id: number }> };
  assert.is(nd['family-id'], (await gn.resolve('netdev')).id);
  assert.ok(nd['mcast-groups'].some((g) => g.name === 'mgmt'));
  const missing = await cli('ctrl', 'get', 'nlwire-nofam');
  assert.is(missing.code, 1);
  assert.match(missing.err, /ENOENT/);
  const pol = await cli('ctrl', 'policy', 'ethtool', '--op', 'linkinfo-get', '--spec', spec('ethtool.yaml'));
  assert.is(pol.code, 0, pol.err);
  const p = JSON.parse(pol.out[0]!) as { 'op-policy': Record<string, { do: number }>; policy: Record<string, Record<string, { type: string }>> };
  assert.equal(Object.keys(p['op-policy']), ['2']);
  assert.is(p.policy[p['op-policy']['2']!.do]!['1']!.type, 'nested');
  assert.is((await cli('ctrl', 'frob')).code, 2);
});

test('nlwire genl --spec: do, dump, list-ops, subscribe', async () => {
  const eth = spec('ethtool.yaml');
  const d = await cli('--spec', eth, '--do', 'linkinfo-get', '--json', '{"header":{"dev-name":"va"}}');
  assert.is(d.code, 0, d.err);
  assert.equal(JSON.parse(d.out[0]!), { header: { 'dev-index': vaIndex, 'dev-name': 'va' }, port: 'tp', phyaddr: 0, 'tp-mdix': 0, 'tp-mdix-ctrl': 0, transceiver: 0 });
  const dump = await cli('--spec', spec('netdev.yaml'), '--dump', 'dev-get');
  assert.is(dump.out.length, 3, 'lo, va, vb: one line each');
  const ops = await cli('--spec', eth, '--list-ops');
  assert.ok(ops.out.some((l) => (JSON.parse(l) as { name: string; request: number }).name === 'rings-get'));
  const rings = await cli('--spec', eth, '--do', 'rings-get', '--json', '{"header":{"dev-name":"va"}}');
  assert.is(rings.code, 1);
  assert.match(rings.err, /EOPNOTSUPP/);
  assert.match(rings.err, /^Netlink error: Operation not supported$/m, 'the kernel CLI\'s first line');
  const sub = await cli('--spec', eth, '--subscribe', 'monitor', '--count', '1', '--timeout', '5000', '--do', 'features-set',
    '--json', '{"header":{"dev-name":"va","flags":["omit-reply"]},"wanted":{"bits":{"bit":[{"name":"tx-tcp6-segmentation"}]}}}');
  assert.is(sub.code, 0, sub.err);
  const n = JSON.parse(sub.out[sub.out.length - 1]!) as { name: string; group: string; msg: { header: Record<string, unknown> } };
  assert.equal([n.name, n.group, n.msg.header['dev-name']], ['features-ntf', 'monitor', 'va']);
  const bad = await cli('--spec', eth, '--do', 'linkinfo-get', '--json', '{"header":{"dev-nam":"va"}}');
  assert.is(bad.code, 1);
  assert.match(bad.err, /has no attribute 'dev-nam'/);
  assert.is((await cli('--spec', eth)).code, 2);
  assert.is((await cli('--spec', eth, '--do', 'x', '--json', '[1]')).code, 2);
});

test('nlwire genl --spec --output-json prints what the kernel CLI prints; an empty dump is []', async () => {
  const nd = spec('netdev.yaml');
  const dump = await cli('--spec', nd, '--dump', 'dev-get', '--output-json');
  assert.is(dump.code, 0, dump.err);
  assert.is(dump.out.length, 1, 'one JSON list for the dump');
  assert.match(dump.out[0]!, /^\[\{"ifindex": 1, /, 'Python json.dumps separators');
  assert.is((JSON.parse(dump.out[0]!) as unknown[]).length, 3);
  const none = await cli('--spec', nd, '--dump', 'napi-get');
  assert.equal(none.out, ['[]']);
  assert.equal((await cli('--spec', nd, '--dump', 'napi-get', '--output-json')).out, ['[]']);
  // A request flag (NLM_F_CREATE here, ignored by a get) is accepted as the kernel CLI takes it.
  const flagged = await cli('--spec', spec('ethtool.yaml'), '--do', 'linkinfo-get', '--create', '--output-json', '--json', '{"header":{"dev-name":"va"}}');
  assert.is(flagged.code, 0, flagged.err);
  assert.is((JSON.parse(flagged.out[0]!) as { header: { 'dev-index': number } }).header['dev-index'], vaIndex);
});

test.run();
