// render-ip against the real kernel and iproute2: a namespace with veth pairs (one peer in a second
// namespace), a bridge with two ports, vxlan, macvlan, v4/v6 addresses, routes in several tables
// (metrics, multipath, nhid, blackhole/unreachable/prohibit/throw), nexthop objects and groups,
// neighbours and rules. Everything is dumped with NetlinkSocket, rendered, and compared with what
// `ip -j` prints, key by key. Values that move between the two reads (counters, lifetimes,
// timers) are compared for presence only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NetlinkSocket } from '../src/socket/netlink-socket.js';
import { buildMessage, type DecodedMessage } from '../src/schema/family.js';
import { rtnetlinkMessages as M } from '../src/families/route/index.js';
import {
  renderAddresses, renderAddressesText, renderLinks, renderLinksText, renderNeighbours, renderNeighboursText,
  renderAddressEvent, renderAddressEventText, renderNetconf, renderNetconfText, renderNexthops, renderNexthopsText, renderRoutes, renderRoutesText, renderRules, renderRulesText,
  type IpRenderOptions, type Shown,
} from '../src/rtnl/render/index.js';
import type { Address, Link, Neighbour, Netconf, Nexthop, Route, RtObject, Rule } from '../src/rtnl/types.js';
import { createNetns, type TestNetns } from './helpers/netns.js';

// ---- the comparer ----------------------------------------------------------------------------------

/**
 * Differences between `ours` and `theirs` (ip's parsed JSON), as readable lines. `volatile` are
 * key paths (segments joined by '.', '*' matches any key or array index) whose values may differ:
 * only their presence is compared.
 */
export function diffJson(ours: unknown, theirs: unknown, volatile: readonly string[] = [], path: string[] = []): string[] {
  const where = path.join('.') || '(root)';
  const isVolatile = volatile.some((v) => matchPath(v.split('.'), path));
  if (isVolatile) return (ours === undefined) === (theirs === undefined) ? [] : [`${where}: ours ${show(ours)}, ip ${show(theirs)}`];
  if (Array.isArray(theirs) || Array.isArray(ours)) {
    if (!Array.isArray(theirs) || !Array.isArray(ours)) return [`${where}: ours ${show(ours)}, ip ${show(theirs)}`];
    const out: string[] = [];
    if (ours.length !== theirs.length) out.push(`${where}: ${ours.length} items, ip has ${theirs.length}`);
    for (let i = 0; i < Math.min(ours.length, theirs.length); i++) out.push(...diffJson(ours[i], theirs[i], volatile, [...path, String(i)]));
    return out;
  }
  if (theirs !== null && typeof theirs === 'object' && ours !== null && typeof ours === 'object') {
    const a = ours as Record<string, unknown>, b = theirs as Record<string, unknown>;
    const out: string[] = [];
    const ka = Object.keys(a), kb = Object.keys(b);
    for (const k of kb) if (!(k in a)) out.push(`${[...path, k].join('.')}: missing (ip: ${show(b[k])})`);
    for (const k of ka) if (!(k in b)) out.push(`${[...path, k].join('.')}: extra (ours: ${show(a[k])})`);
    // key order matters for text-like consumers; report it once per object
    const common = kb.filter((k) => k in a);
    const oursOrder = ka.filter((k) => k in b);
    if (common.join(',') !== oursOrder.join(',')) out.push(`${where}: key order ${oursOrder.join(',')} vs ip ${common.join(',')}`);
    for (const k of common) out.push(...diffJson(a[k], b[k], volatile, [...path, k]));
    return out;
  }
  return Object.is(ours, theirs) ? [] : [`${where}: ours ${show(ours)}, ip ${show(theirs)}`];
}
function matchPath(pattern: string[], path: string[]): boolean {
  if (pattern.length !== path.length) return false;
  return pattern.every((p, i) => p === '*' || p === path[i]);
}
function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 120 ? s.slice(0, 117) + '...' : s;
}

function assertSame(ours: unknown, theirs: unknown, volatile: readonly string[], what: string): void {
  const d = diffJson(ours, theirs, volatile);
  assert.ok(d.length === 0, `${what}: ${d.length} differences:\n  ${d.slice(0, 40).join('\n  ')}`);
}

test('diffJson: reports values, missing and extra keys, order; volatile paths by presence', () => {
  assert.equal(diffJson({ a: 1, b: [1, 2] }, { a: 1, b: [1, 2] }), []);
  assert.equal(diffJson({ a: 1 }, { a: 2 }), ['a: ours 1, ip 2']);
  assert.equal(diffJson({}, { a: 2 }), ['a: missing (ip: 2)']);
  assert.equal(diffJson({ a: 1, b: 2 }, { b: 2, a: 1 }).length, 1);
  assert.equal(diffJson([{ s: { rx: 5 } }], [{ s: { rx: 7 } }], ['*.s.rx']), []);
  assert.equal(diffJson([{ s: {} }], [{ s: { rx: 7 } }], ['*.s.rx']).length, 1);
});

// ---- the scene -------------------------------------------------------------------------------------

interface Scene { ns: TestNetns; peer: TestNetns }

function buildScene(): Scene {
  const ns = createNetns('rip');
  const peer = createNetns('ripp');
  try {
    // no IPv6 DAD: addresses must not change state (tentative -> permanent) between two reads
    for (const n of [ns, peer]) n.exec('sysctl', ['-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    ns.batch([
      'link add va type veth peer name vb',
      'link add vc type veth peer name vd',
      `link add vx type veth peer name vy netns ${peer.name}`,
      'link add br0 type bridge',
      'link set vb master br0', 'link set vd master br0',
      'link set va up', 'link set vb up', 'link set vc up', 'link set vd up', 'link set br0 up', 'link set vx up',
      'link set vc alias uplink-c',
      'address add 10.1.0.1/24 dev va',
      'address add 10.1.0.5/24 dev va',
      'address add 10.2.0.1/24 brd + dev vc',
      'address add 10.3.0.1/24 dev vx',
      'address add 10.9.0.1/32 peer 10.9.0.2/32 dev vc',
      'address add 10.6.0.1/24 dev vc metric 77',
      'address add 192.168.50.1/24 dev br0 label br0:1',
      'address add 2001:db8:1::1/64 dev va nodad',
      'address add 2001:db8:2::1/64 dev vc valid_lft 300 preferred_lft 200 nodad',
      'address add 2001:db8:3::1/64 dev vx nodad noprefixroute',
      'address add 10.4.0.1/24 dev va valid_lft 300 preferred_lft 200',
      'link add vx0 type vxlan id 42 dstport 4789 local 10.1.0.1 dev va',
      'link add vx1 type vxlan id 43 dstport 4790 group 239.1.1.1 dev vc ttl 5 tos 0x10 nolearning ageing 120 maxaddr 10',
      'link add mv0 link vc type macvlan mode bridge',
      'link add mv1 link va type macvlan mode private',
      'link set vx0 up', 'link set mv0 up',
    ]);
    peer.ip('link', 'set', 'vy', 'up');
    peer.ip('addr', 'add', '10.3.0.2/24', 'dev', 'vy');
    ns.batch([
      'route add 172.16.0.0/16 via 10.1.0.2 dev va',
      'route add 172.17.0.0/16 via 10.1.0.2 dev va mtu 1400 advmss 1300 metric 50',
      'route add 172.27.0.0/16 via 10.1.0.2 dev va mtu lock 1300 rtt 100ms rttvar 50ms hoplimit 10 initcwnd 4 features ecn congctl cubic quickack 1',
      'route add 172.18.0.0/16 dev vc table 100 proto static',
      'route add default via 10.1.0.254 dev va table 100 metric 10',
      'route add 172.19.0.0/16 nexthop via 10.1.0.2 dev va weight 1 nexthop via 10.2.0.2 dev vc weight 2',
      'route add blackhole 172.20.0.0/16',
      'route add unreachable 172.21.0.0/16',
      'route add prohibit 172.22.0.0/16 table 100',
      'route add throw 172.23.0.0/16 table 100',
      'route add 172.24.0.0/16 dev va scope link src 10.1.0.1',
      'route add 172.28.0.0/16 via 10.2.0.2 dev vc tos 0x10 realms 1/2 proto bird table 200',
      'route add 172.29.0.0/16 via inet6 fe80::1 dev va',
      'route add 2001:db8:99::/64 via 2001:db8:1::2 dev va expires 600',
      'route add 2001:db8:98::/64 via 2001:db8:1::2 dev va metric 256 pref high mtu 1300',
      'route add 2001:db8:97::/64 nexthop via 2001:db8:1::2 dev va weight 1 nexthop via 2001:db8:2::2 dev vc weight 3',
      'route add unreachable 2001:db8:96::/64',
      'route add blackhole 2001:db8:95::/64 table 100',
      'route add 2001:db8:93::/64 from 2001:db8:1::/64 via 2001:db8:1::2 dev va pref low',
      'nexthop add id 1 via 10.1.0.2 dev va',
      'nexthop add id 2 via 10.2.0.2 dev vc',
      'nexthop add id 3 group 1/2,5',
      'nexthop add id 4 blackhole',
      'nexthop add id 5 via 2001:db8:1::2 dev va',
      'nexthop add id 6 dev vc',
      'nexthop add id 7 group 1,3/2,2 type resilient buckets 8 idle_timer 60',
      'nexthop add id 8 via 10.1.0.3 dev va proto static onlink',
      'route add 172.25.0.0/16 nhid 3',
      'route add 172.26.0.0/16 nhid 1 table 100',
      'route add 2001:db8:94::/64 nhid 5',
      'neigh add 10.1.0.9 lladdr 02:00:00:00:00:09 dev va nud permanent',
      'neigh add 10.1.0.10 lladdr 02:00:00:00:00:0a dev va nud stale',
      'neigh add 10.2.0.9 lladdr 02:00:00:00:00:19 dev vc nud stale router',
      'neigh add 2001:db8:1::9 lladdr 02:00:00:00:00:29 dev va nud noarp',
      'neigh add 2001:db8:1::10 lladdr 02:00:00:00:00:2a dev va nud permanent router',
      'neigh add 10.2.0.10 dev vc nud failed',
      'neigh add 10.1.0.11 lladdr 02:00:00:00:00:0b dev va nud permanent proto zebra',
      'rule add fwmark 0x10 table 100 prio 100',
      'rule add fwmark 0x20/0xff table 100 prio 101',
      'rule add iif va table 100 prio 102',
      'rule add oif vc lookup main prio 103',
      'rule add from 10.1.0.0/24 to 10.5.0.0/16 table 100 prio 104',
      'rule add uidrange 1000-2000 table 100 prio 105',
      'rule add ipproto tcp sport 1000-2000 dport 80 table 100 prio 106',
      'rule add prio 107 unreachable',
      'rule add prio 108 goto 110',
      'rule add prio 109 table main suppress_prefixlength 0',
      'rule add prio 110 tos 0x10 table 100 protocol static',
      'rule add prio 111 not from 10.7.0.0/16 prohibit',
      'rule add prio 112 blackhole',
      'rule add prio 113 from all lookup 100 realms 1/2',
      'rule add prio 114 l3mdev',
      'rule add prio 115 from 10.8.0.1 table 300',
      'rule add prio 116 iif nosuchdev table 100',
      'rule add prio 117 nop',
    ]);
    ns.ip('-6', 'rule', 'add', 'fwmark', '0x30', 'table', '100', 'prio', '200');
    ns.ip('-6', 'rule', 'add', 'from', '2001:db8::/32', 'table', '100', 'prio', '201');
    ns.ip('-6', 'rule', 'add', 'to', '2001:db8:5::/48', 'ipproto', 'udp', 'dport', '53', 'prio', '202', 'table', 'main');
    ns.ip('-6', 'rule', 'add', 'iif', 'va', 'oif', 'vc', 'prio', '203', 'table', '100');
  } catch (e) {
    ns.delete();
    peer.delete();
    throw e;
  }
  return { ns, peer };
}

let scene: Scene | undefined;
function sceneOf(): Scene {
  return (scene ??= buildScene());
}

async function dump<T extends RtObject>(ns: TestNetns, msg: Parameters<NetlinkSocket['dumpAll']>[0]): Promise<Shown<T>[]> {
  using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name });
  const r = await sock.dumpAll(msg);
  return r.messages
    .filter((m): m is Extract<DecodedMessage, { kind: 'data' }> => m.kind === 'data')
    // the request's message type decides the reply's declaration: its header and attributes are T's
    .map((m) => ({ header: m.header ?? {}, attrs: m.attrs ?? {} }) as Shown<T>);
}
const dumpLinks = (ns: TestNetns, family = 0): Promise<Shown<Link>[]> =>
  dump(ns, buildMessage(M.RTM_GETLINK, { flags: 0, header: { family }, attrs: family ? {} : { extMask: 1 } }));
const dumpAddrs = (ns: TestNetns): Promise<Shown<Address>[]> => dump(ns, buildMessage(M.RTM_GETADDR, { flags: 0, header: {}, attrs: {} }));
const dumpRoutes = (ns: TestNetns, family: number): Promise<Shown<Route>[]> =>
  dump(ns, buildMessage(M.RTM_GETROUTE, { flags: 0, header: { family }, attrs: {} }));
const dumpNeighs = (ns: TestNetns): Promise<Shown<Neighbour>[]> => dump(ns, buildMessage(M.RTM_GETNEIGH, { flags: 0, header: {}, attrs: {} }));
const dumpRules = (ns: TestNetns, family: number): Promise<Shown<Rule>[]> =>
  dump(ns, buildMessage(M.RTM_GETRULE, { flags: 0, header: { family }, attrs: {} }));
const dumpNexthops = (ns: TestNetns): Promise<Shown<Nexthop>[]> => dump(ns, buildMessage(M.RTM_GETNEXTHOP, { flags: 0, header: {}, attrs: {} }));
const dumpNetconf = (ns: TestNetns, family: number): Promise<Shown<Netconf>[]> =>
  dump(ns, buildMessage(M.RTM_GETNETCONF, { flags: 0, header: { family }, attrs: {} }));

function namesOf(links: Shown<Link>[]): IpRenderOptions['ifnames'] {
  return new Map(links.map((l) => [l.header.index, l.attrs.ifname ?? '']));
}

const STATS = ['*.stats64.*.*'];
const LIFETIMES = ['*.addr_info.*.valid_life_time', '*.addr_info.*.preferred_life_time'];
const BRIDGE_TIMERS = ['*.linkinfo.info_data.gc_timer', '*.linkinfo.info_data.hello_timer', '*.linkinfo.info_data.tcn_timer',
  '*.linkinfo.info_data.topology_change_timer', '*.linkinfo.info_slave_data.hold_timer',
  '*.linkinfo.info_slave_data.message_age_timer', '*.linkinfo.info_slave_data.forward_delay_timer'];
const NEIGH_TIMES = ['*.used', '*.confirmed', '*.updated'];

// ---- links and addresses ------------------------------------------------------------------------

test('link show, -d link show, -s link show match ip -j', async () => {
  const { ns } = sceneOf();
  const links = await dumpLinks(ns);
  assertSame(renderLinks(links, {}), ns.ipJson('link', 'show'), [], 'link show');
  assertSame(renderLinks(links, { details: true }), ns.ipJson('-d', 'link', 'show'), BRIDGE_TIMERS, '-d link show');
  assertSame(renderLinks(links, { stats: true }), ns.ipJson('-s', 'link', 'show'), STATS, '-s link show');
  assertSame(renderLinks(links, { stats: 2 }), ns.ipJson('-s', '-s', 'link', 'show'), STATS, '-s -s link show');
  assertSame(renderLinks(links, { details: true, stats: true }), ns.ipJson('-d', '-s', 'link', 'show'), [...STATS, ...BRIDGE_TIMERS], '-d -s link show');
});

test('addr show (all, -4, -6, -d, -s) matches ip -j', async () => {
  const { ns } = sceneOf();
  const [links, addrs] = [await dumpLinks(ns), await dumpAddrs(ns)];
  assertSame(renderAddresses(links, addrs, {}), ns.ipJson('addr', 'show'), LIFETIMES, 'addr show');
  assertSame(renderAddresses(links, addrs, { family: 4 }), ns.ipJson('-4', 'addr', 'show'), LIFETIMES, '-4 addr show');
  // ip -6 lists links with an AF_INET6 link dump, which the kernel answers with fewer attributes
  const links6 = await dumpLinks(ns, 10);
  assertSame(renderAddresses(links6, addrs, { family: 6, devices: links }), ns.ipJson('-6', 'addr', 'show'), LIFETIMES, '-6 addr show');
  assertSame(renderAddresses(links, addrs, { details: true, stats: true }), ns.ipJson('-d', '-s', 'addr', 'show'),
    [...LIFETIMES, ...STATS, ...BRIDGE_TIMERS], '-d -s addr show');
});

test('the peer namespace: a veth whose peer lives elsewhere', async () => {
  const { peer } = sceneOf();
  const links = await dumpLinks(peer);
  assertSame(renderLinks(links, { details: true }), peer.ipJson('-d', 'link', 'show'), [], 'peer -d link show');
});

// ---- routes ------------------------------------------------------------------------------------------

test('route show table all (v4 and v6), main table, numeric, details match ip -j', async () => {
  const { ns } = sceneOf();
  const links = await dumpLinks(ns);
  const ifnames = namesOf(links);
  const all = await dumpRoutes(ns, 0);
  const v4 = await dumpRoutes(ns, 2);
  const v6 = await dumpRoutes(ns, 10);
  const expires = ['*.expires'];
  // without -4/-6, `table all` shows every family
  assertSame(renderRoutes(all, { ifnames }), ns.ipJson('route', 'show', 'table', 'all'), expires, 'route show table all');
  assertSame(renderRoutes(v4, { ifnames }), ns.ipJson('-4', 'route', 'show', 'table', 'all'), [], '-4 route show table all');
  assertSame(renderRoutes(v6, { ifnames }), ns.ipJson('-6', 'route', 'show', 'table', 'all'), expires, '-6 route show table all');
  const main4 = v4.filter((r) => (r.attrs.table ?? r.header.table) === 254);
  assertSame(renderRoutes(main4, { ifnames, table: 254 }), ns.ipJson('route', 'show'), [], 'route show');
  const t100 = v4.filter((r) => r.attrs.table === 100);
  assertSame(renderRoutes(t100, { ifnames, table: 100 }), ns.ipJson('route', 'show', 'table', '100'), [], 'route show table 100');
  assertSame(renderRoutes(all, { ifnames, numeric: true }), ns.ipJson('-N', 'route', 'show', 'table', 'all'), expires, '-N route show table all');
  const nexthops = await dumpNexthops(ns);
  assertSame(renderRoutes(v4, { ifnames, details: true, nexthops }), ns.ipJson('-4', '-d', 'route', 'show', 'table', 'all'), [], '-d route show table all');
  assertSame(renderRoutes(v6, { ifnames, details: true, nexthops }), ns.ipJson('-d', '-6', 'route', 'show', 'table', 'all'), expires, '-d -6 route show table all');
});

// ---- neighbours, rules, nexthops, netconf ------------------------------------------------------------

test('neigh show and -s neigh show match ip -j', async () => {
  const { ns } = sceneOf();
  const links = await dumpLinks(ns);
  const neighs = await dumpNeighs(ns);
  assertSame(renderNeighbours(links, neighs, {}), ns.ipJson('neigh', 'show'), [], 'neigh show');
  assertSame(renderNeighbours(links, neighs, { stats: true }), ns.ipJson('-s', 'neigh', 'show'), NEIGH_TIMES, '-s neigh show');
  assertSame(renderNeighbours(links, neighs, { family: 6 }), ns.ipJson('-6', 'neigh', 'show'), [], '-6 neigh show');
});

test('rule show (v4 and v6) matches ip -j', async () => {
  const { ns } = sceneOf();
  assertSame(renderRules(await dumpRules(ns, 2), {}), ns.ipJson('rule', 'show'), [], 'rule show');
  assertSame(renderRules(await dumpRules(ns, 10), {}), ns.ipJson('-6', 'rule', 'show'), [], '-6 rule show');
  assertSame(renderRules(await dumpRules(ns, 2), { numeric: true, details: true }), ns.ipJson('-N', '-d', 'rule', 'show'), [], '-N -d rule show');
});

test('nexthop show matches ip -j', async () => {
  const { ns } = sceneOf();
  const ifnames = namesOf(await dumpLinks(ns));
  const nhs = await dumpNexthops(ns);
  assertSame(renderNexthops(nhs, { ifnames }), ns.ipJson('nexthop', 'show'), [], 'nexthop show');
  assertSame(renderNexthops(nhs, { ifnames, details: true }), ns.ipJson('-d', 'nexthop', 'show'), [], '-d nexthop show');
});

test('netconf show matches ip -j', async () => {
  const { ns } = sceneOf();
  const links = await dumpLinks(ns);
  const confs = [...await dumpNetconf(ns, 2), ...await dumpNetconf(ns, 10)];
  assertSame(renderNetconf(links, confs, {}), ns.ipJson('netconf', 'show'), [], 'netconf show');
});

// ---- text ----------------------------------------------------------------------------------------------

test('text renderers print what ip prints, byte for byte (moving numbers masked)', async () => {
  const { ns, peer } = sceneOf();
  const links = await dumpLinks(ns);
  const ifnames = namesOf(links);
  const netnsNames = new Map([[0, peer.name]]);
  const mask = (s: string): string => s
    .replace(/valid_lft \d+sec preferred_lft \d+sec/g, 'valid_lft N preferred_lft N')
    .replace(/(gc_timer|hold_timer|message_age_timer|forward_delay_timer|hello_timer|tcn_timer|topology_change_timer) +[\d.]+/g, '$1 N')
    .replace(/^[ \d]+$/gm, '<numbers>')
    .replace(/used \d+\/\d+\/\d+/g, 'used N')
    .replace(/expires \d+sec/g, 'expires N');
  const same = (ours: string, theirs: string, what: string): void => {
    assert.equal(mask(ours).split('\n'), mask(theirs).split('\n'), what);
  };
  same(renderLinksText(links, { netnsNames }), ns.ip('link', 'show'), 'ip link show');
  same(renderLinksText(links, { netnsNames, details: true }), ns.ip('-d', 'link', 'show'), 'ip -d link show');
  same(renderLinksText(links, { netnsNames, stats: true }), ns.ip('-s', 'link', 'show'), 'ip -s link show');
  same(renderLinksText(links, { netnsNames, stats: 2 }), ns.ip('-s', '-s', 'link', 'show'), 'ip -s -s link show');
  const addrs = await dumpAddrs(ns);
  same(renderAddressesText(links, addrs, { netnsNames }), ns.ip('addr', 'show'), 'ip addr show');
  same(renderAddressesText(links, addrs, { netnsNames, family: 4 }), ns.ip('-4', 'addr', 'show'), 'ip -4 addr show');
  same(renderAddressesText(links, addrs, { netnsNames, stats: true, details: true }), ns.ip('-s', '-d', 'addr', 'show'), 'ip -s -d addr show');
  same(renderRoutesText(await dumpRoutes(ns, 0), { ifnames }), ns.ip('route', 'show', 'table', 'all'), 'ip route show table all');
  same(renderRoutesText((await dumpRoutes(ns, 2)).filter((r) => r.header.table === 254), { ifnames, table: 254 }), ns.ip('route', 'show'), 'ip route show');
  same(renderRulesText(await dumpRules(ns, 2), {}), ns.ip('rule', 'show'), 'ip rule show');
  same(renderRulesText(await dumpRules(ns, 10), {}), ns.ip('-6', 'rule', 'show'), 'ip -6 rule show');
  same(renderNexthopsText(await dumpNexthops(ns), { ifnames }), ns.ip('nexthop', 'show'), 'ip nexthop show');
  const neighs = await dumpNeighs(ns);
  same(renderNeighboursText(links, neighs, {}), ns.ip('neigh', 'show'), 'ip neigh show');
  same(renderNeighboursText(links, neighs, { stats: true }), ns.ip('-s', 'neigh', 'show'), 'ip -s neigh show');
  same(renderNetconfText(links, await dumpNetconf(ns, 2), {}), ns.ip('-4', 'netconf', 'show'), 'ip -4 netconf show');
});

test('renderAddressEvent: what ip monitor prints for one address', async () => {
  const { ns } = sceneOf();
  const links = await dumpLinks(ns);
  const a = (await dumpAddrs(ns)).find((x) => x.attrs.local === '10.2.0.1')!;
  const ev = renderAddressEvent(a, { ifnames: namesOf(links) }) as Record<string, unknown>;
  assert.equal(ev.index, a.header.index);
  assert.equal(ev.dev, 'vc');
  assert.equal(ev.local, '10.2.0.1');
  assert.equal(ev.broadcast, '10.2.0.255');
  assert.match(renderAddressEventText(a, { ifnames: namesOf(links) }), /^\d+: vc    inet 10\.2\.0\.1\/24 brd 10\.2\.0\.255 scope global vc\\ +valid_lft forever preferred_lft forever/);
});

test.after(() => {
  scene?.ns.delete();
  scene?.peer.delete();
});

test.run();
