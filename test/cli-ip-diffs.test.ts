// The behaviours of ip 6.1 that nlwire once refused or did differently, each compared with the
// installed ip on a real kernel (stdout, stderr, exit status, and the state left after a change):
// route flush meeting routes that use nhid, route show cache, route get ... vrf|connected,
// addr show label under -j/-o/-br, and ip's usage text (from `ip OBJECT help` at test time).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createNetns, sleep, type TestNetns } from './helpers/netns.js';
import { ip, nlwire, sameErr, type Out } from './helpers/cli-twins.js';

const same = (a: Out, b: Out): boolean => a.code === b.code && a.out === b.out && sameErr(a.err, b.err);

/** Lifetimes tick between two reads: ip is asked before and after nlwire, and one must agree. */
async function compare(ns: string, cmd: string): Promise<string | undefined> {
  const args = cmd.split(' ');
  let last: { ours: Out; theirs: Out } | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = ip(ns, args), ours = await nlwire(ns, args), after = ip(ns, args);
    if (same(ours, before) || same(ours, after)) return undefined;
    last = { ours, theirs: after };
  }
  const { ours, theirs } = last!;
  return `${cmd}: nlwire exit ${ours.code} ${JSON.stringify(ours.err + ours.out).slice(0, 300)}\n   ip exit ${theirs.code} ${JSON.stringify(theirs.err + theirs.out).slice(0, 300)}`;
}
async function compareAll(ns: string, cmds: readonly string[]): Promise<void> {
  const failures: string[] = [];
  for (const c of cmds) { const f = await compare(ns, c); if (f) failures.push(f); }
  assert.is(failures.length, 0, `${failures.length} of ${cmds.length} differ from ip:\n${failures.join('\n')}`);
}

// ---- 1. route flush and routes using nhid --------------------------------------------------------

/** n routes via 10.1.0.253 (or 2001:db8:1::253), those at the positions in `nhid` using nexthop 2 (6) instead. */
function flushRoutes(n: number, nhid: readonly number[], v6 = false): string[] {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    const dst = v6 ? `2001:db8:20:${i.toString(16)}::/64` : `10.20.${i >> 8}.${i & 255}`;
    out.push(nhid.includes(i) ? `route add ${dst} nhid ${v6 ? 6 : 2}` : `route add ${dst} via ${v6 ? '2001:db8:1::253' : '10.1.0.253'}`);
  }
  return out;
}
const FLUSH_BASE = ['link add d0 type veth peer name d1', 'link set d0 up', 'link set d1 up', 'addr add 10.1.0.1/24 dev d0', 'addr add 2001:db8:1::1/64 dev d0 nodad',
  'nexthop add id 2 via 10.1.0.253 dev d0', 'nexthop add id 6 via 2001:db8:1::253 dev d0'];
/**
 * ip sends its deletions in 3584-byte batches and notices a refusal only when an error is the first
 * datagram on its socket: all in one batch, mid-dump (Flush terminated), late, IPv6, sparse matches
 * (errors skipped unseen), every table, a device filter, -s, and -s -s (each deleted route printed).
 */
const FLUSH_CASES: ReadonlyArray<readonly [string, string[], string]> = [
  ['one batch', flushRoutes(10, [1]), 'route flush via 10.1.0.253'],
  ['no nhid route', flushRoutes(10, []), 'route flush via 10.1.0.253'],
  ['exact prefix', flushRoutes(10, [3]), 'route flush 10.20.0.3'],
  ['stopped mid-dump', flushRoutes(200, [1]), 'route flush via 10.1.0.253'],
  ['refused late', flushRoutes(700, [650]), 'route flush via 10.1.0.253'],
  ['two refusals', flushRoutes(1500, [100, 1400]), 'route flush via 10.1.0.253'],
  ['IPv6', flushRoutes(150, [1], true), '-6 route flush via 2001:db8:1::253'],
  ['IPv6 mid-dump', flushRoutes(1200, [2, 900], true), '-6 route flush via 2001:db8:1::253'],
  ['sparse', [...flushRoutes(3, [1]), ...Array.from({ length: 1000 }, (_, i) => `route add 10.30.${(i + 1) >> 8}.${(i + 1) & 255} via 10.1.0.254`), ...Array.from({ length: 150 }, (_, i) => `route add 10.40.${(i + 1) >> 8}.${(i + 1) & 255} via 10.1.0.253`)], 'route flush via 10.1.0.253'],
  ['table all', flushRoutes(300, [4]), 'route flush table all via 10.1.0.253'],
  ['dev', flushRoutes(300, [2]), 'route flush dev d0 via 10.1.0.253'],
  ['-s', flushRoutes(100, []), '-s route flush via 10.1.0.253'],
  ['-s refused', flushRoutes(100, [3]), '-s route flush via 10.1.0.253'],
  ['-s -s', flushRoutes(20, []), '-s -s route flush via 10.1.0.253'],
  ['-s -s refused', flushRoutes(20, [3]), '-s -s route flush via 10.1.0.253'],
  ['-s -s IPv6', flushRoutes(10, [], true), '-6 -s -s route flush via 2001:db8:1::253'],
  ['-s -s table all', flushRoutes(10, []), '-s -s route flush table all root 10.20.0.0/16'],
];

test('route flush reaching routes that use nhid: what ip prints, its exit, and what it leaves deleted', async () => {
  const state = (ns: TestNetns): string => ['route show table all', '-6 route show table all'].map((c) => ip(ns.name, c.split(' ')).out).join('').split('\n').sort().join('\n');
  const failures: string[] = [];
  for (const [name, routes, cmd] of FLUSH_CASES) {
    const a = createNetns('dfa'), b = createNetns('dfb');
    try {
      for (const ns of [a, b]) ns.batch([...FLUSH_BASE, ...routes]);
      const theirs = ip(a.name, cmd.split(' ')), ours = await nlwire(b.name, cmd.split(' '));
      if (!same(ours, theirs)) failures.push(`${name} (${cmd}): nlwire exit ${ours.code} ${JSON.stringify(ours.err + ours.out)}, ip exit ${theirs.code} ${JSON.stringify(theirs.err + theirs.out)}`);
      const sa = state(a), sb = state(b);
      if (sa !== sb) failures.push(`${name} (${cmd}): left ${sb.split('\n').length} route lines, ip ${sa.split('\n').length}`);
      if (!/^(no nhid route|-s|-s -s|-s -s IPv6|-s -s table all)$/.test(name) && theirs.code !== 2) failures.push(`${name}: ip did not refuse (exit ${theirs.code}): the case does not test what it should`);
    } finally { a.delete(); b.delete(); }
  }
  assert.is(failures.length, 0, failures.join('\n'));
  // A new namespace has no main table yet: ip's dump is refused ("Flush terminated", exit 2).
  const empty = createNetns('dfe');
  try {
    await compareAll(empty.name, ['route flush table main', 'route flush root 10.0.0.0/8', '-s route flush root 10.0.0.0/8', 'route flush table 100',
      '-6 route flush table 100', 'route flush dev lo', 'route flush table all', '-6 route flush root 2001:db8::/32']);
  } finally { empty.delete(); }
});

// ---- 2. route show cache -----------------------------------------------------------------------

/** Sends two 1400-byte UDP datagrams (DF set by the kernel's PMTU discovery) from inside a namespace. */
function udpFrom(ns: TestNetns, family: 4 | 6, addr: string): void {
  const script = `const s=require('dgram').createSocket('udp${family}');const b=Buffer.alloc(1400);s.send(b,9,'${addr}',()=>setTimeout(()=>s.send(b,9,'${addr}',()=>setTimeout(()=>s.close(),100)),100));`;
  const r = spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sending from ${ns.name}: ${r.stderr}`);
}

test('route show cache: PMTU and redirect exceptions (IPv4 and IPv6), text and JSON, with selectors, as ip', async () => {
  // a ── b ── c: b forwards onto a 1300-byte link (PMTU exceptions in a); 10.201/24 it sends
  // back out of a's link to a third host (a redirect exception in a).
  const a = createNetns('dca'), b = createNetns('dcb'), c = createNetns('dcc');
  try {
    a.ip('link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'b0', 'netns', b.name);
    b.ip('link', 'add', 'b1', 'type', 'veth', 'peer', 'name', 'c0', 'netns', c.name);
    a.batch(['addr add 10.100.0.1/24 dev a0', 'addr add 2001:db8:100::1/64 dev a0 nodad', 'link set a0 up', 'route add default via 10.100.0.2',
      'route add default via 2001:db8:100::2', 'neigh add 10.100.0.3 lladdr 02:00:00:00:00:03 dev a0']);
    b.batch(['addr add 10.100.0.2/24 dev b0', 'addr add 2001:db8:100::2/64 dev b0 nodad', 'link set b0 up', 'addr add 10.200.0.1/24 dev b1',
      'addr add 2001:db8:200::1/64 dev b1 nodad', 'link set b1 mtu 1300 up', 'route add 10.201.0.0/24 via 10.100.0.3', 'neigh add 10.100.0.3 lladdr 02:00:00:00:00:03 dev b0']);
    c.batch(['addr add 10.200.0.2/24 dev c0', 'addr add 2001:db8:200::2/64 dev c0 nodad', 'link set c0 mtu 1300 up', 'route add default via 10.200.0.1', 'route add default via 2001:db8:200::1']);
    b.exec('sysctl', ['-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1', 'net.ipv4.conf.all.send_redirects=1', 'net.ipv4.conf.b0.send_redirects=1']);
    // Neighbour discovery can hold the first datagrams: sent again until the kernel has the exception.
    const made = async (family: 4 | 6, to: string, want: RegExp, what: string): Promise<void> => {
      let seen = '';
      for (let i = 0; i < 20; i++) {
        udpFrom(a, family, to);
        seen = ip(a.name, family === 6 ? ['-6', 'route', 'show', 'cache'] : ['route', 'show', 'cache']).out;
        if (want.test(seen)) return;
        await sleep(250);
      }
      assert.unreachable(`no ${what} exception was made: ${JSON.stringify(seen)}`);
    };
    await made(4, '10.200.0.2', /10\.200\.0\.2[^\n]*\n\s+cache expires \d+sec mtu 1300/, 'IPv4 PMTU');
    await made(6, '2001:db8:200::2', /2001:db8:200::2 .*mtu 1300/, 'IPv6 PMTU');
    await made(4, '10.201.0.2', /10\.201\.0\.2 via 10\.100\.0\.3[^\n]*\n\s+cache <redirected>/, 'IPv4 redirect');
    await compareAll(a.name, [
      'route show cache', 'route show cached', 'route show cloned', 'route show table cache', '-j route show cache', '-j -p route show cache', '-d route show cache',
      '-s route show cache', '-o route show cache', '-c route show cache', '-N route show cache', 'route show cache dev a0', 'route show cache 10.200.0.2',
      'route show cache 10.0.0.0/8', 'route show cache root 10.0.0.0/8', 'route show cache via 10.100.0.3', 'route show cache proto kernel', 'route show cache dev lo',
      'route show table all cache', '-j route show table all cache', '-4 route show table all cache', 'route show cache table 100', '-j route show cache table 100',
      '-6 route show cache', '-6 -j route show cache', '-6 -d route show cache', '-6 -o route show cache', '-6 route show cache dev a0', '-6 route show cache 2001:db8:200::2',
      '-6 route show table all cache', 'route show', '-6 route show',
    ]);
  } finally { a.delete(); b.delete(); c.delete(); }
});

// ---- 3. route get ... vrf NAME | connected --------------------------------------------------------

test('route get ... connected and vrf NAME as ip', async () => {
  const ns = createNetns('dg');
  try {
    ns.batch(['link add d0 type veth peer name d1', 'link set d0 up', 'link set d1 up', 'addr add 10.1.0.1/24 dev d0', 'route add 10.99.0.0/16 via 10.1.0.254',
      'route add 10.98.0.0/16 via 10.1.0.254 src 10.1.0.1', 'link add e0 type veth peer name e1']);
    // A VRF needs CONFIG_NET_VRF; without it ip (and nlwire) can only refuse the name.
    const vrf = spawnSync('ip', ['-n', ns.name, 'link', 'add', 'blue', 'type', 'vrf', 'table', '10'], { encoding: 'utf8' }).status === 0;
    const cmds = ['route get 10.99.1.1 vrf blue', 'route get 10.99.1.1 vrf e0', 'route get 10.99.1.1 vrf nosuch', '-j route get 10.99.1.1 vrf e0', 'route get 10.99.1.1 v e0',
      'route get 10.99.1.1 vrf', 'route get 10.99.1.1 connected', 'route get 10.99.1.1 c', 'route get 10.99.1.1 conn', 'route get 10.1.0.9 connected',
      'route get 10.99.1.1 from 10.1.0.1 connected', 'route get 127.0.0.1 connected', '-6 route get 2001:db8:1::5 connected', 'route get fibmatch 10.99.1.1 connected',
      'route get fibmatch 10.98.1.1 connected', '-d route get 10.99.1.1 connected', '-j route get 10.99.1.1 connected', '-j -p route get 10.99.1.1 connected',
      '-j route get fibmatch 10.99.1.1 connected', '-j -p route get fibmatch 10.99.1.1 connected', 'route get 10.99.1.1 connected from 10.1.0.1 iif d0'];
    if (vrf) {
      ns.batch(['link set blue up', 'link set e0 master blue', 'link set e0 up', 'link set e1 up', 'addr add 10.9.0.1/24 dev e0', 'route add 10.99.0.0/16 via 10.9.0.254 vrf blue']);
      cmds.push('route get 10.99.1.1 vrf blue', '-j route get 10.99.1.1 vrf blue', 'route get 10.99.1.1 vrf blue connected', 'route get 10.9.0.5 vrf blue fibmatch');
    } else console.log('  this kernel has no VRF devices (CONFIG_NET_VRF): route get ... vrf is compared on non-VRF names only');
    await compareAll(ns.name, cmds);
  } finally { ns.delete(); }
});

// ---- 4. addr show label PATTERN under -j, -o, -br ------------------------------------------------

test('addr show label PATTERN under -j, -o, -br (and -o -j) as ip', async () => {
  const ns = createNetns('dl');
  try {
    ns.exec('sysctl', ['-qw', 'net.ipv6.conf.default.addr_gen_mode=1', 'net.ipv6.conf.all.addr_gen_mode=1']);
    ns.batch(['link add d0 type veth peer name d1', 'link set d0 up', 'link set d1 up', 'link add h0 type veth peer name h1', 'link set dev h0 group 5',
      'addr add 10.1.0.1/24 dev d0', 'addr add 10.1.0.2/24 dev d0 label d0:1', 'addr add 10.1.0.3/24 dev d0 label d0:2', 'addr add 10.1.5.1/24 dev d0 label d0x',
      'addr add 10.3.0.1 peer 10.3.0.2/32 dev d0 label d0:p', 'addr add 2001:db8:1::1/64 dev d0 nodad', 'addr add 10.7.0.1/24 dev h0 label h0:1']);
    const cmds: string[] = [];
    for (const sel of ['label d0:1', 'label d0*', 'label lo', 'label nosuch', 'label h*', 'label d0:p', 'dev d0 label d0:*', 'up label h*', 'label d0* group 5', 'label d0* type veth', 'label d0* type bridge']) {
      for (const mode of ['', '-j', '-j -p', '-o', '-o -j', '-br', '-br -j', '-4 -br', '-6 -j', '-c -br', '-c -o', '-s -j', '-d -j']) cmds.push(`${mode ? mode + ' ' : ''}addr show ${sel}`);
    }
    cmds.push('-4 -j addr show type bridge', '-4 -o addr show type bridge', '-4 -o -j addr show type bridge', '-4 addr show label d0* type bridge', '-o -j addr show', '-o -j -p addr show dev d0', '-o -j addr show up', '-o addr show up', '-o -j -4 addr show', '-6 -o -j addr show', '-o -j addr show type veth');
    await compareAll(ns.name, cmds);
  } finally { ns.delete(); }
});

// ---- 5. usage text -------------------------------------------------------------------------------

/** `help` where ip's parsers test for it, ip's abbreviations, and the usage errors around them. */
const USAGE = [
  'link help', 'addr help', 'route help', 'neigh help', 'rule help', 'nexthop help', 'netns help', 'monitor help', 'a help', 'r help', 'l help', 'n help', 'ru help',
  'netn help', 'mo help', 'route h', 'route he', 'link add help', 'link set help', 'link show help', 'link del help', 'link set va help', 'link set va h',
  'link add name x help', 'link show dev va help', 'link show h', 'link add', 'addr add help', 'addr show help', 'addr del help', 'addr flush help', 'addr show he',
  'addr add 10.0.0.1/24 dev va help', 'addr show dev va help', 'route add help', 'route show help', 'route get help', 'route flush help', 'route del help',
  'route add 10.0.0.0/8 help', 'route add 10.0.0.0/8 h', 'route add', 'route del', 'route add via 10.0.0.1', 'route get 1.1.1.1 help', 'route show table main help',
  'neigh add help', 'neigh show help', 'neigh flush help', 'neigh del help', 'neigh add 10.0.0.1 help', 'neigh show dev va help', 'neigh add h', 'neigh add 10.0.0.1 h 10.0.0.2 dev va',
  'rule add help', 'rule show help', 'rule del help', 'rule flush help', 'rule add from 1.1.1.1 help', '-6 rule show help', 'rule show x', 'rule show from x',
  'nexthop add help', 'nexthop show help', 'nexthop show h', 'nexthop del help', 'nexthop flush help', 'nexthop add id 1 help', 'nexthop get help',
  'nexthop get', 'nexthop get foo', 'nexthop get i 1', 'nexthop get id x', 'nexthop get id 99', 'nexthop get id 1', '-j nexthop get id 1', 'nexthop get id 1 id 2', '-d nexthop get id 1',
  'route get 1.1.1.1 from help', 'route get to help', 'route get 1.1.1.1 foo', 'route get from 10.1.0.1 2001:db8::1',
  'netns add', 'netns del', 'netns exec', 'netns foo', 'netns identify help', 'netns identify self', 'netns exec help',
  'monitor foo', 'monitor link help', 'monitor all help', 'monitor label help', 'monitor h', 'link foo', 'route foo', 'link shwo', 'route shwo',
];

test("usage: ip 6.1's text for OBJECT help and for usage errors (taken from ip now), with ip's exit", async () => {
  const ns = createNetns('du');
  try {
    ns.batch(['link add va type veth peer name vb', 'link set va up', 'link set vb up', 'addr add 10.1.0.1/24 dev va', 'nexthop add id 1 via 10.1.0.254 dev va', 'nexthop add id 2 via 10.1.0.253 dev va']);
    for (const o of ['link', 'address', 'route', 'neigh', 'rule', 'nexthop', 'netns', 'monitor']) {
      const theirs = ip(ns.name, [o, 'help']);
      assert.ok(theirs.code === 255 && theirs.err.startsWith('Usage:'), `ip ${o} help: exit ${theirs.code} ${theirs.err.slice(0, 80)}`);
    }
    await compareAll(ns.name, USAGE);
    // nlwire's own --help stays its own (stdout, exit 0).
    const own = await nlwire(ns.name, ['route', '--help']);
    assert.is(own.code, 0);
    assert.ok(own.out.startsWith('Usage: nlwire route show'), own.out.slice(0, 60));
  } finally { ns.delete(); }
});

test('route encap ip and ip6: ip\'s text (two spaces before encap; ip6 keys hoplimit and tc), and ip -j\'s values', async () => {
  const ns = createNetns('encap');
  try {
    ns.batch(['link add v0 type veth peer name v1', 'link set v0 up', 'addr add 2001:db8::1/64 dev v0 nodad',
      'route add 10.9.0.0/16 encap ip id 5 dst 192.0.2.9 ttl 4 tos 1 dev v0',
      'route add 2001:db8:5::/64 encap ip6 id 7 dst 2001:db8::9 hoplimit 3 tc 2 dev v0']);
    await compareAll(ns.name, ['route show', '-6 route show 2001:db8:5::/64', 'route show 10.9.0.0/16']);
    for (const cmd of ['-j route show', '-6 -j route show 2001:db8:5::/64']) {
      const args = cmd.split(' ');
      const ours = await nlwire(ns.name, args), theirs = ip(ns.name, args);
      // ip writes `dst` twice (the route's, then the tunnel's); parsed, the last one stands, as here
      assert.equal(JSON.parse(ours.out), JSON.parse(theirs.out), cmd);
    }
  } finally { ns.delete(); }
});

test.run();
