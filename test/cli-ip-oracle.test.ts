// nlwire's show commands byte for byte against ip 6.1 (text, JSON, -j -p, -d, -s, -s -s, -o, -br,
// -4/-6, -N, -c, every selector nlwire supports, and the exits of bad selectors), in one namespace with
// rich state; and `nlwire monitor` against `ip monitor` for every object kind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { monitorCommand } from '../src/cli/monitor.js';
import type { CliContext } from '../src/cli/context.js';
import { createNetns, sleep, type TestNetns } from './helpers/netns.js';
import { ip, nlwire, sameErr, type Out } from './helpers/cli-twins.js';

/** Bridge timers tick between any two dumps; they are compared as present, not by value. */
const timers = (s: string): string => s.replace(/(_timer\s+)\s*\d+\.\d+/g, '$1T').replace(/("\w+_timer"):\s*[\d.]+/g, '$1:T');
const same = (a: Out, b: Out): boolean => a.code === b.code && timers(a.out) === timers(b.out) && sameErr(a.err, b.err);

/** One comparison; counters and lifetimes may move, so ip is asked before and after nlwire. */
async function compare(ns: string, args: string[]): Promise<string | undefined> {
  let last: { ours: Out; theirs: Out } | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    const before = ip(ns, args), ours = await nlwire(ns, args), after = ip(ns, args);
    if (same(ours, before) || same(ours, after)) return undefined;
    last = { ours, theirs: after };
    if (before.code === after.code && timers(before.out) === timers(after.out) && before.err === after.err) break; // ip is stable and nlwire differs: a real difference
  }
  const { ours, theirs } = last!;
  const lo = timers(ours.out).split('\n'), li = timers(theirs.out).split('\n');
  const at = lo.findIndex((l, i) => l !== li[i]);
  return `nlwire ${args.join(' ')}: exit ${ours.code} (ip ${theirs.code})` + (ours.err !== theirs.err ? `\n  stderr nlwire: ${JSON.stringify(ours.err)}\n  stderr ip:     ${JSON.stringify(theirs.err)}` : '')
    + (at >= 0 ? `\n  first differing line ${at + 1}:\n  nlwire: ${JSON.stringify(lo[at])}\n  ip:     ${JSON.stringify(li[at])}` : '');
}

const RICH: string[] = [
  'link add va type veth peer name vb', 'link add br0 type bridge', 'link set vb master br0',
  'link add vx0 type vxlan id 42 dstport 4789 local 10.1.0.1 dev va', 'link add link va name mv0 type macvlan mode bridge', 'link add d0 type ifb',
  'link set va up', 'link set vb up', 'link set br0 up', 'link set mv0 up', 'link set d0 up', 'link set d0 mtu 1400 alias "dummy one"',
  'addr add 10.1.0.1/24 dev va', 'addr add 10.1.0.2/24 dev va label va:1', 'addr add 10.2.0.1/16 brd + dev br0', 'addr add 10.3.0.1 peer 10.3.0.2/32 dev d0',
  'addr add 10.4.0.1/24 dev d0 valid_lft 3000 preferred_lft 2000', 'addr add 2001:db8:1::1/64 dev va nodad', 'addr add 2001:db8:2::1/64 dev br0 nodad',
  'addr add 2001:db8:3::1/64 dev d0 nodad valid_lft 3000 preferred_lft 2000',
  'route add 10.5.0.0/16 via 10.1.0.254 metric 20', 'route add 10.6.0.0/16 via 10.1.0.254 proto bird', 'route add 10.7.0.0/16 dev d0 proto static scope link',
  'route add 10.8.0.0/16 nexthop via 10.1.0.253 dev va weight 2 nexthop via 10.4.0.254 dev d0', 'route add blackhole 10.10.0.0/16', 'route add unreachable 10.11.0.0/16',
  'route add prohibit 10.12.0.0/16 metric 7', 'route add 10.13.0.0/16 via 10.1.0.254 mtu lock 1300 advmss 1200 rtt 3s',
  'route add 10.14.0.0/16 via 10.1.0.254 table 100 proto static', 'route add default via 10.1.0.254 table 100', 'route add 10.15.0.0/16 dev d0 table 200 src 10.4.0.1',
  'route add 2001:db8:9::/48 via 2001:db8:1::2 proto bird', 'route add 2001:db8:a::/48 nexthop via 2001:db8:1::2 dev va nexthop via 2001:db8:3::2 dev d0',
  'route add 2001:db8:b::/48 dev d0 metric 512 pref high table 100', 'route add unreachable 2001:db8:c::/48',
  'neigh add 10.1.0.254 lladdr 02:00:00:00:01:fe dev va', 'neigh add 10.1.0.253 lladdr 02:00:00:00:01:fd dev va nud reachable',
  'neigh add 10.4.0.254 lladdr 02:00:00:00:02:fe dev d0 nud stale router', 'neigh add 2001:db8:1::2 lladdr 02:00:00:00:01:02 dev va router', 'neigh add proxy 10.1.0.100 dev va',
  'rule add from 10.1.0.0/24 table 100 priority 1000', 'rule add fwmark 0x10/0xff table 200 priority 1001', 'rule add iif va ipproto tcp dport 80 table 100 priority 1002',
  'rule add not to 10.99.0.0/16 oif br0 sport 1000-2000 priority 1003 table 200', 'rule add uidrange 100-200 goto 1006 priority 1004',
  'rule add table main suppress_prefixlength 0 priority 1005', 'rule add blackhole priority 1006 tos 0x10',
  'nexthop add id 1 via 10.1.0.254 dev va', 'nexthop add id 2 via 10.4.0.254 dev d0', 'nexthop add id 3 blackhole', 'nexthop add id 4 via 2001:db8:1::2 dev va',
  'nexthop add id 10 group 1/2,3', 'nexthop add id 11 group 1/2 type resilient buckets 8 idle_timer 10',
  'route add 10.16.0.0/16 nhid 10', 'route add 10.17.0.0/16 nhid 1 proto bird',
];

function rich(tag: string): { ns: TestNetns; peer: TestNetns } {
  const ns = createNetns(tag), peer = createNetns(`${tag}p`);
  // No link-local addresses: nothing is sent on the links, so counters stay still.
  ns.exec('sysctl', ['-qw', 'net.ipv6.conf.default.addr_gen_mode=1', 'net.ipv6.conf.all.addr_gen_mode=1']);
  ns.batch(RICH);
  ns.ip('link', 'add', 'vc', 'type', 'veth', 'peer', 'name', 'vd', 'netns', peer.name); // link-netns NAME
  ns.ip('link', 'set', 'vc', 'up');
  ns.ip('-6', 'rule', 'add', 'from', '2001:db8:1::/64', 'table', '100', 'priority', '1000');
  return { ns, peer };
}

const SHOWS: Record<string, string[]> = {
  link: ['link show', 'link show group default', 'link show group 5', 'link show dev va', 'link show va', 'link show type veth', 'link show master br0', 'link show up', 'link show dev vx0', 'link show dev mv0', 'link show dev br0', 'link show dev vc', 'link list'],
  addr: ['addr show', 'addr show dev va', 'addr show dev d0', 'addr show to 10.1.0.0/16', 'addr show to 10.1.0.2', 'addr show scope host', 'addr show scope global', 'addr show secondary',
    'addr show primary', 'addr show dynamic', 'addr show permanent', 'addr show nodad', 'addr show master br0', 'addr show type veth', 'addr show up', 'addr show group 5', 'addr list'],
  route: ['route show', 'route show table all', 'route show table 100', 'route show table 200', 'route show dev va', 'route show dev d0', 'route show proto bird',
    'route show proto static', 'route show table all proto static', 'route show type blackhole', 'route show table all type local', 'route show scope link', 'route show via 10.1.0.254',
    'route show 10.8.0.0/16', 'route show root 10.0.0.0/8', 'route show match 10.5.1.1', 'route show exact 10.5.0.0/16', 'route show src 10.4.0.1 table 200', 'route show metric 20',
    'route list', 'route show 2001:db8:a::/48', 'route show table all root 2001:db8::/32'],
  neigh: ['neigh show', 'neigh show dev va', 'neigh show nud reachable', 'neigh show nud all', 'neigh show nud permanent', 'neigh show proxy', 'neigh show 10.1.0.254', 'neigh show to 10.1.0.0/24'],
  rule: ['rule show', 'rule show table 100', 'rule show pref 1002', 'rule show priority 1003', 'rule list'],
  nexthop: ['nexthop show', 'nexthop show id 11', 'nexthop show id 10', 'nexthop show groups', 'nexthop show dev va'],
  netconf: ['netconf show', 'netconf show dev va'],
};
const MODES: Record<string, string[][]> = {
  link: [[], ['-j'], ['-j', '-p'], ['-d'], ['-d', '-j'], ['-s'], ['-s', '-s'], ['-s', '-j'], ['-s', '-s', '-j', '-p'], ['-o'], ['-br'], ['-br', '-j'], ['-c'], ['-c', '-br'], ['-color=auto'], ['-c', '-j']],
  addr: [[], ['-j'], ['-j', '-p'], ['-d'], ['-s'], ['-o'], ['-4'], ['-6'], ['-6', '-j'], ['-br'], ['-br', '-j'], ['-4', '-br'], ['-6', '-br'], ['-c'], ['-c', '-br'], ['-c', '-o']],
  route: [[], ['-j'], ['-j', '-p'], ['-d'], ['-d', '-j'], ['-o'], ['-6'], ['-6', '-j'], ['-N'], ['-4'], ['-c'], ['-c', '-6']],
  neigh: [[], ['-j'], ['-j', '-p'], ['-s'], ['-4'], ['-6'], ['-o'], ['-c']],
  rule: [[], ['-j'], ['-j', '-p'], ['-6'], ['-6', '-j'], ['-N'], ['-c']],
  nexthop: [[], ['-j'], ['-j', '-p'], ['-d'], ['-o'], ['-c']],
  netconf: [[], ['-j'], ['-j', '-p'], ['-4'], ['-6'], ['-6', '-j']],
};
/** Mistyped selectors: the same exit and message as ip, nothing shown. */
const BAD = ['link show nosuch', 'addr show dev nosuch', 'route show table nosuch', 'route show proto nosuch', 'route show type nosuch', 'route show 10.0.0.0/33',
  'route show via nosuch', 'neigh show dev nosuch', 'neigh show nud nosuch', 'neigh show router', 'nexthop show blackhole', 'nexthop show dev nosuch', 'nexthop show id x1',
  'rule show pref x', 'rule show table nosuch', 'addr show scope nosuch', 'netconf show dev nosuch', 'route get', 'route get 10.5.1.1 mark 1e3', 'route shwo', 'neigh fluhs'];
const GETS = ['route get 10.5.1.1', 'route get fibmatch 10.5.1.1', 'route get 10.1.0.9 from 10.1.0.2', 'route get 127.0.0.1', '-j route get 10.6.0.1 mark 0x10 uid 5',
  '-6 route get 2001:db8:9::1', 'route get 10.1.0.9 iif va from 10.4.0.9', '-j -p route get 10.16.1.1', 'route get 10.13.0.1'];

test('every show command and flag nlwire supports: text and JSON byte for byte as ip 6.1, exits and messages too', async () => {
  const { ns, peer } = rich('orc');
  try {
    const failures: string[] = [];
    let n = 0;
    for (const [object, cmds] of Object.entries(SHOWS)) {
      for (const cmd of cmds) {
        for (const mode of MODES[object]!) {
          n++;
          const f = await compare(ns.name, [...mode, ...cmd.split(' ')]);
          if (f) failures.push(f);
        }
      }
    }
    for (const c of [...BAD, ...GETS, 'addr show label va*', 'addr show dev va label va:1', 'netns list']) {
      n++;
      const f = await compare(ns.name, c.split(' '));
      if (f) failures.push(f);
    }
    assert.ok(n > 800, `${n} comparisons`);
    console.log(`  ${n} comparisons with ip`);
    assert.is(failures.length, 0, `${failures.length} of ${n} differ:\n${failures.join('\n')}`);
  } finally { ns.delete(); peer.delete(); }
});

/** Changes run in twin namespaces (nlwire in one, ip in the other), the state compared after each. */
const CHANGES = [
  // change and prepend mean what they mean to ip (change never creates); addresses as ip reads them.
  'route change 10.77.0.0/16 dev va', 'route prepend 10.78.0.0/16 dev va', 'route prepend 10.78.0.0/16 dev va metric 5',
  'route change 10.78.0.0/16 dev va metric 5 proto static', 'neigh change 10.4.9.9 dev va lladdr 00:11:22:33:44:55',
  'route add 10.79.0.0/16 via 10.200.0.254 dev va onlink', 'route add 010.80.0.0/16 dev va', 'route add 10.81.0.0/0x10 dev va', 'route add 10.82/16 dev va',
  'rule del', 'route del table 100', 'route add table 100 dev va', 'route del dev va', 'rule add', 'nexthop del', 'addr del dev va',
  'route del 10.5.0.0/16 metric 21', 'route del 10.5.0.0/16 table nosuch', 'rule del fwmark 0xzz', 'rule del ipproto nosuch', 'route flush proto nosuch',
  'addr flush dev va scope nosuch', 'neigh flush dev va nud nosuch', 'route flush 10.5.0.0/33',
  'addr del 10.1.0.1 dev va', 'addr del 10.3.0.1 peer 10.3.0.2 dev d0', 'addr add 10.3.0.1 peer 10.3.0.2/32 dev d0', 'addr flush to 10.3.0.0/16',
  'addr flush dev va label va:1', 'addr add 10.1.0.1/24 dev va', 'addr add 10.1.0.2/24 dev va', 'addr flush dev va secondary', 'addr flush dev d0 dynamic',
  '-6 addr flush dev d0', 'neigh flush dev va nud permanent', 'neigh flush to 10.4.0.0/16', 'neigh flush all',
  'route flush type blackhole', 'route flush root 10.12.0.0/16', 'route flush 10.13.0.0/16', 'route flush table 200', 'route flush cache', '-6 route flush proto bird',
  'rule flush pref 1003', 'rule flush table 100', 'nexthop flush dev d0', 'nexthop flush', '-6 route flush table all', 'rule flush', 'route flush table all',
  'link set dev d0 group 5', 'link set group 5 mtu 1300', 'link set group nosuch up', 'link set group 5 down', 'link set group default down',
];

test('changes as ip makes them: deletions and flushes with every selector, the same exits and the same state after each', async () => {
  const a = rich('orca'), b = rich('orcb');
  const state = (ns: TestNetns): string => ['link show', 'addr show', 'route show table all', '-6 route show table all', 'neigh show', 'neigh show proxy', 'rule show', '-6 rule show', 'nexthop show']
    .map((c) => ip(ns.name, c.split(' ')).out.replace(/\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b/g, 'MAC').replace(/link-netns \S+/g, 'link-netns NS').replace(/(valid|preferred)_lft \d+sec|expires \d+sec/g, 'T')
      .replace(/\n\t/g, '\t').split('\n').sort().join('\n')).join('\n');
  try {
    const failures: string[] = [];
    for (const c of CHANGES) {
      const ours = await nlwire(a.ns.name, c.split(' ')), theirs = ip(b.ns.name, c.split(' '));
      if (ours.code !== theirs.code || !sameErr(ours.err, theirs.err) || ours.out !== theirs.out) {
        failures.push(`${c}: exit ${ours.code} (ip ${theirs.code}) ${JSON.stringify(ours.err + ours.out)} (ip ${JSON.stringify(theirs.err + theirs.out)})`);
      }
      const sa = state(a.ns), sb = state(b.ns);
      if (sa !== sb) {
        const la = sa.split('\n'), lb = sb.split('\n');
        failures.push(`${c}: state differs: nlwire only ${JSON.stringify(la.filter((l) => !lb.includes(l)))}, ip only ${JSON.stringify(lb.filter((l) => !la.includes(l)))}`);
        break; // later steps would only repeat it
      }
    }
    assert.is(failures.length, 0, failures.join('\n'));
  } finally { a.ns.delete(); a.peer.delete(); b.ns.delete(); b.peer.delete(); }
});

test('monitor: the text of ip monitor for links, addresses, routes, neighbours, rules, nexthops, netconf and nsid', async () => {
  const ns = createNetns('orm');
  const peerName = `nlw-ormp-${process.pid}`;
  ns.exec('sysctl', ['-qw', 'net.ipv6.conf.default.addr_gen_mode=1', 'net.ipv6.conf.all.addr_gen_mode=1']);
  const child = spawn('ip', ['-n', ns.name, 'monitor', 'all'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let theirs = '';
  child.stdout.on('data', (d: Buffer) => { theirs += d.toString(); });
  let ours = '';
  const ac = new AbortController();
  const ctx: CliContext = { io: { stdout: (s) => { ours += s; }, stderr: () => {}, readStdin: async () => new Uint8Array() }, json: false, pretty: false, details: false, stats: 0, numeric: false, timestamps: false, netns: ns.name };
  const done = monitorCommand(['all'], ctx, undefined, ac.signal);
  try {
    await sleep(800);
    ns.batch([
      'link add va type veth peer name vb', 'link set va up', 'link set vb up', 'addr add 10.1.0.1/24 dev va', 'addr add 10.3.0.1 peer 10.3.0.2/32 dev va',
      'addr add 2001:db8:1::1/64 dev va nodad', 'route add 10.5.0.0/16 via 10.1.0.254 proto bird', 'route add 10.8.0.0/16 nexthop via 10.1.0.253 dev va nexthop via 10.1.0.252 dev va',
      'route add 2001:db8:9::/48 via 2001:db8:1::2', 'route add blackhole 10.9.0.0/16 table 100', 'neigh add 10.1.0.254 lladdr 02:00:00:00:01:fe dev va',
      'neigh add 2001:db8:1::2 lladdr 02:00:00:00:01:02 dev va router', 'neigh add proxy 10.1.0.100 dev va', 'rule add from 10.1.0.0/24 table 100 priority 1000',
      'rule add fwmark 0x10/0xff ipproto tcp dport 80 table 100 priority 1001', 'nexthop add id 1 via 10.1.0.254 dev va', 'nexthop add id 2 via 10.1.0.253 dev va',
      'nexthop add id 10 group 1/2', 'nexthop del id 10', 'nexthop del id 1', 'rule del priority 1000', 'neigh del 10.1.0.254 dev va', 'neigh del proxy 10.1.0.100 dev va',
      'route del 10.5.0.0/16', 'addr del 10.1.0.1/24 dev va', 'link set va mtu 1400', 'link set va down', 'link del va',
    ]);
    // Run without blocking: nlwire (in this process) names the namespace while it still exists.
    const sh = promisify(execFile);
    await sh('ip', ['netns', 'exec', ns.name, 'sysctl', '-qw', 'net.ipv4.conf.all.forwarding=1']);
    await sh('ip', ['netns', 'add', peerName]);
    await sh('ip', ['-n', ns.name, 'link', 'add', 'vx', 'type', 'veth', 'peer', 'name', 'vy', 'netns', peerName]);
    await sleep(300);
    await sh('ip', ['-n', ns.name, 'link', 'del', 'vx']);
    await sleep(300);
    await sh('ip', ['netns', 'del', peerName]);
    await sleep(1500);
  } finally {
    ac.abort();
    child.kill();
    await done;
    ns.delete();
    spawnSync('ip', ['netns', 'del', peerName]);
  }
  // A new device's first netconf events race its registration: ip (and nlwire) may name it ifN.
  const norm = (s: string): string => s.replace(/^(\[NETCONF\](?:Deleted )?inet6? )\S+/gm, '$1DEV');
  assert.ok(theirs.split('\n').length > 60, `ip monitor saw ${theirs.split('\n').length} lines`);
  assert.fixture(norm(ours), norm(theirs));
});

test.run();
