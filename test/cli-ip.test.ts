// nlwire next to ip 6.1: the same exit codes and messages for the mistakes of the issue, ip's
// abbreviations, and byte-identical show output under filters. Run in twin namespaces.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { run } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/io.js';
import { createNetns, type TestNetns } from './helpers/netns.js';

async function nlwire(ns: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: CliIO = { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, readStdin: async () => new Uint8Array() };
  const code = await run(['-n', ns, ...args], io);
  return { code, out, err };
}
function ip(ns: string, args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync('ip', ['-n', ns, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
/** ip's hints name ip; nlwire's name nlwire. A suggestion line may follow. */
const asNlwire = (s: string): string => s.replace(/"ip /g, '"nlwire ');
/** What differs between twin namespaces by chance: random MACs, link-local addresses, peer ifindexes. */
const twinNormal = (s: string): string => s.replace(/@if\d+|link-netns \S+/g, '').replace(/\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b/g, 'MAC').replace(/fe80::[0-9a-f:]+/g, 'LL');

function twins(fn: (ours: TestNetns, theirs: TestNetns) => Promise<void>): () => Promise<void> {
  return async () => {
    const ours = createNetns('ipn'), theirs = createNetns('ipi');
    try {
      for (const ns of [ours, theirs]) ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
      await fn(ours, theirs);
    } finally { ours.delete(); theirs.delete(); }
  };
}

const MISTAKES: string[][] = [
  ['route', 'add', '10.1.0.0/16', 'dev', 'lo', 'table', '99999999999'], ['route', 'add', '10.1.0.0/16', 'dev', 'lo', 'metric', '-5'],
  ['route', 'add', '10.1.0.0/16', 'dev', 'lo', 'metric', '4294967296'], ['rule', 'add', 'pref', '-1', 'table', '100'],
  ['rule', 'add', 'fwmark', '0xzz', 'table', '100'], ['rule', 'add', 'ipproto', 'nosuch', 'table', '100'],
  ['link', 'set', 'va', 'mtu', '99999999999999999999'], ['link', 'set', 'va', 'mtu', '1e3'],
  ['link', 'add', 'vx0', 'type', 'vxlan', 'id', '5', 'dstport', '70000'], ['route', 'add', '10.1.0.0/16', 'dev', 'lo', 'proto', '999'],
  ['nexthop', 'add', 'id', '4294967348', 'blackhole'], ['route', 'add', '10.2.0.0/16', 'nexthop', 'dev', 'lo', 'weight', '257'],
  ['addr', 'add', '10.9.0.1/24', 'dev', 'lo', 'valid_lft', '-3'], ['link', 'set', 'lo', 'txqueuelen', '99999999999'],
  ['foo'], ['link', 'shwo'], ['r', 'a', '10.61.0.0/16', 'via', '1.2.3.4'], ['route', 'add', '10.1.0.0/16', 'dev', 'nosuchdev'],
  ['link', 'set', 'nosuch', 'up'], ['link', 'set', 'va', 'master', 'nosuch'], ['nexthop', 'add', 'id', '9', 'via', '10.9.9.2', 'dev', 'nosuch'],
  ['addr', 'add', '10.3.0.1/24'], ['neigh', 'add', '10.9.9.7'], ['rule', 'add', 'nosuch'], ['route', 'add', 'x1', 'dev', 'lo'],
  ['route', 'add', '10.44.0.0/16', 'dev', 'va', '10.45.0.0/16'], ['neigh', 'add', '10.9.9.5', 'dev', 'va', 'lladdr', 'x1'],
  ['link', 'add', 'vx2', 'type', 'vxlan', 'id', '16777216'], ['link', 'add', 'vx2', 'type', 'vxlan', 'id', '7', 'ttl', '300'],
  ['addr', 'add', '10.3.0.1/24', 'dev', 'va', 'valid_lft', '10', 'preferred_lft', '20'], ['neigh', 'add', '10.9.9.7', 'dev', 'va', 'nud', '0x3'],
  ['route', 'add', '10.46.0.0/16', 'dev', 'va', 'quickack', '2'], ['link', 'show', 'shwo'], ['route', 'show', 'table', 'nosuch'],
  ['route', 'list', 'proto', 'nosuch'], ['addr', 'show', 'dev', 'nosuch'], ['neigh', 'show', 'dev', 'nosuch'],
  ['nexthop', 'show', 'dev', 'nosuch'], ['nexthop', 'del', 'id', 'x1'], ['route', 'add', '10.47.0.0/16', 'dev', 'va', 'pref', 'x'],
  ['link', 'add', 'v7', 'type', 'veth', 'peer', 'v8', 'mtu', '1e3'], ['route', 'del', '10.99.0.0/16'],
];

test('the mistakes of the issue: the same exit code and message as ip, and nothing changed', twins(async (ours, theirs) => {
  for (const args of MISTAKES) {
    const a = await nlwire(ours.name, args), b = ip(theirs.name, args);
    assert.is(a.code, b.code, `exit code of ${args.join(' ')}: ${a.err}`);
    assert.ok(a.err === asNlwire(b.err) || a.err.startsWith(asNlwire(b.err)) && /^Did you mean/.test(a.err.slice(asNlwire(b.err).length)),
      `message of ${args.join(' ')}:\n  nlwire: ${JSON.stringify(a.err)}\n  ip:     ${JSON.stringify(b.err)}`);
  }
  for (const what of [['route', 'show', 'table', 'all'], ['rule', 'show'], ['nexthop', 'show'], ['link', 'show']]) {
    assert.is(twinNormal(ip(ours.name, what).out), twinNormal(ip(theirs.name, what).out), what.join(' '));
  }
}));

test('a near miss gets a suggestion', async () => {
  const ns = createNetns('ipsug');
  try {
    assert.is((await nlwire(ns.name, ['link', 'shwo'])).err, 'Command "shwo" is unknown, try "nlwire link help".\nDid you mean "show"?\n');
    assert.match((await nlwire(ns.name, ['rotue', 'show'])).err, /Did you mean "route"\?/);
  } finally { ns.delete(); }
});

test('ip abbreviations and short forms: a a, r d, l s NAME up, peer NAME, brd +, nexthop blackhole', twins(async (ours, theirs) => {
  const both = async (...args: string[]): Promise<void> => {
    const a = await nlwire(ours.name, args), b = ip(theirs.name, args);
    assert.is(a.code, b.code, `${args.join(' ')}: ${a.err} / ${b.err}`);
    assert.is(a.err, b.err, args.join(' '));
  };
  await both('l', 's', 'va', 'up');
  await both('l', 's', 'vb', 'up');
  await both('a', 'a', '10.7.0.1/24', 'brd', '+', 'dev', 'va');
  await both('a', 'a', '10.8.0.1/16', 'broadcast', '-', 'dev', 'va');
  await both('r', 'a', '10.61.0.0/16', 'via', '10.7.0.2');
  await both('ro', 'add', '10.62.0.0/16', 'via', '10.7.0.2', 'metric', '0x10', 'table', '0x20');
  await both('r', 'd', '10.61.0.0/16');
  await both('link', 'add', 'p1', 'type', 'veth', 'peer', 'p2');
  await both('nexthop', 'add', 'id', '50', 'blackhole');
  await both('nexthop', 'add', 'id', '51', 'via', '10.7.0.2', 'dev', 'va');
  await both('nexthop', 'add', 'id', '52', 'group', '50/51,3');
  await both('ru', 'a', 'fwmark', '0x10/0xff', 'ipproto', 'tcp', 'table', '100', 'pref', '77');
  await both('n', 'a', '10.7.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'va', 'nud', 'reachable');
  for (const what of [['-d', 'route', 'show', 'table', 'all'], ['rule', 'show'], ['nexthop', 'show'], ['-br', 'link', 'show'], ['neigh', 'show']]) {
    assert.is(twinNormal(ip(ours.name, what).out), twinNormal(ip(theirs.name, what).out), what.join(' '));
  }
}));

test('show with filters: text and JSON byte for byte as ip', twins(async (ours) => {
  const ns = ours.name;
  ours.ip('link', 'set', 'va', 'up');
  ours.ip('link', 'set', 'vb', 'up');
  ours.ip('addr', 'add', '10.7.0.1/24', 'dev', 'va');
  ours.ip('addr', 'add', '2001:db8:7::1/64', 'dev', 'va', 'nodad');
  ours.batch([
    'route add 10.20.0.0/16 via 10.7.0.2 proto bird', 'route add 10.21.0.0/16 dev vb', 'route add 10.22.0.0/16 via 10.7.0.2 metric 5 mtu lock 1300 rtt 3s',
    'route add 10.23.0.0/16 nexthop via 10.7.0.2 dev va weight 2 nexthop dev vb', 'route add 2001:db8:9::/48 via 2001:db8:7::2 proto bird',
    'route add 10.24.0.0/16 via 10.7.0.2 table 100 proto static',
  ]);
  const cases: string[][] = [
    ['route', 'show', 'dev', 'va'], ['route', 'show', 'dev', 'vb'], ['route', 'show', 'proto', 'bird'], ['-6', 'route', 'show', 'proto', 'bird'],
    ['route', 'show', 'table', '100'], ['route', 'show', 'table', 'all', 'proto', 'static'], ['-6', 'route', 'show', 'dev', 'va'],
    ['route', 'show', 'type', 'unicast'], ['rule', 'show'], ['addr', 'show', 'dev', 'va'], ['-4', 'addr', 'show', 'dev', 'va'],
    ['route', 'show'], ['addr', 'show'], ['-6', 'addr', 'show'], ['link', 'show'], ['-d', 'link', 'show', 'dev', 'va'], ['neigh', 'show'],
  ];
  for (const c of cases) {
    const brief = c.includes('link') || c.includes('addr');
    for (const mode of ['text', 'json', 'oneline', ...(brief ? ['brief', 'brief-json'] : [])]) {
      const args = mode === 'json' ? ['-j', ...c] : mode === 'oneline' ? ['-o', ...c] : mode === 'brief' ? ['-br', ...c] : mode === 'brief-json' ? ['-j', '-br', ...c] : c;
      const a = await nlwire(ns, args), b = ip(ns, args);
      assert.is(a.code, b.code, args.join(' '));
      assert.is(a.out.replace(/"(valid|preferred)_life_time":\d+/g, ''), b.out.replace(/"(valid|preferred)_life_time":\d+/g, ''), `nlwire ${args.join(' ')}`);
    }
  }
}));

test('route get and flush: the kernel\'s answer and the deletions as ip', twins(async (ours, theirs) => {
  for (const ns of [ours, theirs]) {
    ns.ip('link', 'set', 'va', 'up');
    ns.ip('link', 'set', 'vb', 'up');
    ns.batch(['addr add 10.7.0.1/24 dev va', 'addr add 10.7.0.2/24 dev va', 'addr add 10.8.0.1/24 dev vb', 'addr add 2001:db8:7::1/64 dev va nodad',
      'route add 10.20.0.0/16 via 10.7.0.5 proto bird', 'route add 10.21.0.0/16 dev vb', 'route add 10.22.0.0/16 via 10.7.0.5 table 100',
      'neigh add 10.7.0.9 lladdr 02:00:00:00:00:09 dev va nud reachable', 'neigh add 10.7.0.10 lladdr 02:00:00:00:00:0a dev va']);
  }
  const gets = [['route', 'get', '10.20.1.1'], ['route', 'get', 'fibmatch', '10.20.1.1'], ['route', 'get', '10.7.0.9', 'from', '10.7.0.2'],
    ['route', 'get', '127.0.0.1'], ['-j', 'route', 'get', '10.21.0.1', 'mark', '0x10', 'uid', '5'], ['-6', 'route', 'get', '2001:db8:7::9'],
    ['route', 'get', '10.7.0.9', 'iif', 'vb', 'from', '10.8.0.9'], ['route', 'get', '10.7.0.9', 'oif', 'nosuch'], ['route', 'get', '10.7.0.9', 'mark', '1e3'], ['route', 'get']];
  for (const g of gets) {
    const a = await nlwire(ours.name, g), b = ip(ours.name, g);
    assert.is(a.code, b.code, g.join(' '));
    assert.is(a.out + a.err, b.out + b.err, g.join(' '));
  }
  for (const f of [['route', 'flush', 'proto', 'bird'], ['route', 'flush', 'dev', 'vb'], ['route', 'flush', 'table', '100'], ['addr', 'flush', 'dev', 'vb'],
    ['neigh', 'flush', 'dev', 'va'], ['route', 'flush', 'table', 'nosuch'], ['addr', 'flush', 'dev', 'nosuch'], ['neigh', 'flush']]) {
    const a = await nlwire(ours.name, f), b = ip(theirs.name, f);
    assert.is(a.code, b.code, f.join(' '));
    assert.is(a.err, b.err, f.join(' '));
  }
  for (const what of [['route', 'show', 'table', 'all'], ['addr', 'show'], ['neigh', 'show']]) {
    assert.is(twinNormal(ip(ours.name, what).out), twinNormal(ip(theirs.name, what).out), what.join(' '));
  }
}));

test('netns: add, list, exec, identify, delete as ip', async () => {
  const name = `nlw-nsx-${process.pid}`;
  const cli = (...a: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = '', err = '';
    const io: CliIO = { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, readStdin: async () => new Uint8Array() };
    return run(a, io).then((code) => ({ code, out, err }));
  };
  try {
    assert.is((await cli('netns', 'add', name)).code, 0);
    assert.ok(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').some((l) => l.split(' ')[0] === name), 'ip sees it');
    assert.ok((await cli('netns', 'list')).out.split('\n').some((l) => l.split(' ')[0] === name));
    const dup = await cli('netns', 'add', name);
    assert.is(dup.code, 1);
    assert.is(dup.err, `Cannot create namespace file "/run/netns/${name}": File exists\n`);
    const ex = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'netns', 'exec', name, 'sh', '-c', 'readlink /proc/self/ns/net; exit 3'], { encoding: 'utf8' });
    assert.is(ex.status, 3, 'exec exits with the command\'s status');
    const inNs = spawnSync('ip', ['netns', 'exec', name, 'readlink', '/proc/self/ns/net'], { encoding: 'utf8' }).stdout;
    assert.is(ex.stdout, inNs, 'exec runs the command in the namespace');
    assert.is((await cli('netns', 'identify', String(process.pid))).out, spawnSync('ip', ['netns', 'identify', String(process.pid)], { encoding: 'utf8' }).stdout);
    assert.is((await cli('netns', 'exec', 'nlw-no-such-ns', 'true')).code, 255);
  } finally {
    assert.is((await cli('netns', 'del', name)).code, 0);
  }
  assert.is((await cli('netns', 'del', name)).err, `Cannot remove namespace file "/run/netns/${name}": No such file or directory\n`);
});

test('a closed pipe ends the command quietly (no EPIPE stack trace)', twins(async (ours) => {
  ours.batch(Array.from({ length: 3000 }, (_, i) => `route add 10.${100 + (i >> 8)}.${i & 255}.0/24 dev lo`));
  const cli = `${JSON.stringify(process.execPath)} --import tsx src/cli/main.ts`;
  for (const cmd of [`${cli} -n ${ours.name} -j route show | head -c 10`, `${cli} -n ${ours.name} route show | head -1`,
    `${cli} decode --pcap test/fixtures/corpus/link.pcap | head -1`]) {
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { encoding: 'utf8' });
    assert.is(r.stderr, '', `${cmd}: ${r.stderr}`);
    assert.ok(r.stdout.length > 0, cmd);
  }
}));

test.run();
