// Every example runs as a user would run it (npx tsx examples/X.ts), in a namespace of its own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { withNetns, sleep, type TestNetns } from './helpers/netns.js';

const TSX = ['--import', 'tsx'];
function run(file: string, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [...TSX, `examples/${file}`, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
function start(file: string, ...args: string[]): { child: ChildProcess; output: () => string; exit: Promise<number> } {
  const child = spawn(process.execPath, [...TSX, `examples/${file}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exit = new Promise<number>((r) => child.on('exit', (c) => r(c ?? -1)));
  return { child, output: () => out, exit };
}
async function until(p: { output: () => string }, re: RegExp, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!re.test(p.output())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${re}: ${p.output()}`);
    await sleep(50);
  }
}
function setup(ns: TestNetns): void {
  // No IPv6 autoconfiguration: its late events would race with the ones the tests make.
  ns.exec('sysctl', ['-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
  ns.exec('sysctl', ['-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
  ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
  ns.ip('link', 'set', 'va', 'up');
  ns.ip('link', 'set', 'vb', 'up');
  ns.ip('addr', 'add', '10.0.0.1/24', 'dev', 'va');
  ns.ip('route', 'add', '10.9.0.0/16', 'via', '10.0.0.2', 'metric', '5');
}

test('03: interfaces with index, name, type, flags, MTU and MAC', async () => {
  await withNetns('ex3', (ns) => {
    setup(ns);
    const r = run('03-list-interfaces.ts', '--netns', ns.name);
    assert.is(r.code, 0, r.err);
    const mac = ns.ipJson<Array<{ address: string }>>('link', 'show', 'dev', 'va')[0]!.address;
    assert.match(r.out, new RegExp(`va\\s+veth\\s+1500\\s+${mac}\\s+UP,BROADCAST,RUNNING,MULTICAST,LOWER_UP`));
    assert.match(r.out, /lo\s+loopback\s+65536/);
  });
});

test('08: links as columns: names, kinds, counters and per-kind options as ip -d -s -j shows them', async () => {
  await withNetns('ex8', (ns) => {
    setup(ns);
    ns.ip('link', 'add', 'vx7', 'type', 'vxlan', 'id', '4242', 'dstport', '4789', 'local', '10.0.0.1');
    ns.ip('link', 'add', 'br0', 'type', 'bridge');
    ns.ip('link', 'set', 'vb', 'master', 'br0');
    ns.ip('link', 'set', 'vb', 'type', 'bridge_slave', 'cost', '33');
    const r = run('08-link-columns.ts', '--netns', ns.name);
    assert.is(r.code, 0, r.err);
    const ip = ns.ipJson<Array<{ ifindex: number; ifname: string; mtu: number; stats64: { rx: { bytes: number } } }>>('-s', 'link', 'show');
    for (const l of ip) assert.match(r.out, new RegExp(`^${l.ifindex}\\s+${l.ifname}\\s+\\S+\\s+${l.mtu}\\s`, 'm'));
    assert.match(r.out, /\svx7\s+vxlan\s+1500\s+\d+\s+4242\s+-$/m);
    assert.match(r.out, /\svb\s+veth\s+1500\s+\d+\s+-\s+33$/m);
    assert.match(r.out, /\sbr0\s+bridge\s/);
    assert.match(r.out, new RegExp(`^${ip.length} links$`, 'm'));
  });
});

test('02: every route of the main table, with its fields', async () => {
  await withNetns('ex2', (ns) => {
    setup(ns);
    const r = run('02-route-dump.ts', '--netns', ns.name);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /10\.9\.0\.0\/16 via 10\.0\.0\.2 dev va proto boot scope universe metric 5/);
    assert.match(r.out, /10\.0\.0\.0\/24 dev va proto kernel scope link src 10\.0\.0\.1/);
    assert.match(r.out, /2 routes in the main table/);
  });
});

test('01 and 04: monitors say what happened to links, addresses and routes', async () => {
  await withNetns('ex14', async (ns) => {
    setup(ns);
    const m1 = start('01-monitor-links-addresses.ts', '--netns', ns.name, '--count', '2');
    const m4 = start('04-detailed-monitor.ts', '--netns', ns.name, '--count', '3');
    await until(m1, /watching/);
    await sleep(1500); // 04 has no banner: give it time to subscribe
    ns.ip('addr', 'add', '10.0.0.7/24', 'dev', 'va');
    ns.ip('route', 'add', '10.8.0.0/16', 'via', '10.0.0.2');
    ns.ip('link', 'set', 'vb', 'mtu', '1400');
    assert.is(await m1.exit, 0, m1.output());
    assert.is(await m4.exit, 0, m4.output());
    assert.match(m1.output(), /address 10\.0\.0\.7\/24 added on va/);
    assert.match(m1.output(), /link vb \(index \d+\) is now <[A-Z_,]*> mtu 1400/);
    assert.match(m4.output(), /\[NEW ADDR\] 10\.0\.0\.7\/24 dev va scope universe/);
    assert.match(m4.output(), /\[NEW ROUTE\] 10\.8\.0\.0\/16 via 10\.0\.0\.2 dev va table 254 proto boot/);
  });
});

test('05: the async monitor keeps doing other work while events arrive', async () => {
  await withNetns('ex5', async (ns) => {
    setup(ns);
    const m = start('05-async-monitor.ts', '--netns', ns.name, '--count', '2');
    await until(m, /\[work\] tick 3/);
    ns.ip('addr', 'add', '10.0.0.8/24', 'dev', 'va'); // a new address and its local route
    assert.is(await m.exit, 0, m.output());
    assert.match(m.output(), /\[event\] new address/);
    assert.match(m.output(), /\[event\] new route/);
    const ticks = Number(/done: 2 events, (\d+) ticks/.exec(m.output())?.[1] ?? 0);
    assert.ok(ticks >= 3, m.output());
  });
});

test('06: custom protocol echo over NETLINK_USERSOCK, the server answering "Hello Userspace"', async () => {
  await withNetns('ex6', async (ns) => {
    const server = start('06-echo-server.ts', '--netns', ns.name, '--count', '1');
    await until(server, /listening on NETLINK_USERSOCK port 19280/);
    const client = run('06-echo-client.ts', '--netns', ns.name);
    assert.is(client.code, 0, client.err);
    assert.match(client.out, /received: "Hello Userspace"/);
    assert.is(await server.exit, 0);
    assert.match(server.output(), /got "Hello from user space" from port \d+/);
  });
});

test('06: the protocol-31 client fails clearly where no module is loaded', () => {
  const r = run('06-echo-client.ts', '--protocol', '31');
  assert.is(r.code, 1);
  assert.match(r.err + r.out, /EPROTONOSUPPORT|no answer|ECONNREFUSED/);
});

test('07: generic netlink, a YNL spec, sockets and nf_tables in one namespace', async () => {
  await withNetns('ex7', (ns) => {
    setup(ns);
    const r = run('07-other-families.ts', '--netns', ns.name, '--dev', 'va');
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /ethtool: family id \d+, \d+ operations, groups monitor/);
    assert.match(r.out, /va: link up/);
    assert.is((r.out.match(/^netdev /gm) ?? []).length, 3);
    assert.match(r.out, /nf_tables: 0 tables/);
  });
});

test.run();
