// nlwire -batch against ip -batch on the same files: exit status, failure lines, kernel state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { batchWords, quickRouteWire, routeChange } from '../src/cli/batch.js';
import { Rtnl } from '../src/rtnl/rtnl.js';
import { RouteWire } from '../src/rtnl/route-wire.js';
import { fakeSocket } from '../src/testing/index.js';
import { normalizedRequest } from './helpers/messages.js';
import { withNetns, type TestNetns } from './helpers/netns.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

function setup(ns: TestNetns): void {
  ns.ip('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd0p');
  ns.ip('link', 'set', 'd0', 'up');
  ns.ip('link', 'set', 'd0p', 'up');
  ns.ip('addr', 'add', '10.0.0.1/24', 'dev', 'd0');
}
const routes = (ns: TestNetns): string[] => ns.ipJson<Array<{ dst: string; gateway?: string }>>('route', 'show', 'proto', 'boot').map((r) => `${r.dst} ${r.gateway ?? ''}`).sort();
const failedLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('Command failed'));

const SCRIPT = [
  'route add 20.0.0.1/32 via 10.0.0.2',
  '# a comment',
  '',
  'route add 20.0.0.1/32 via 10.0.0.2   # exists',
  'addr add 10.0.0.5/32 dev d0',
  'route add 20.0.0.2/32 via 10.0.0.2',
  'route add 20.0.0.3/32 via 198.51.100.1',
  'route add 20.0.0.4/32 via 10.0.0.2',
  'route add 20.0.0.6/32 via 10.0.0.2 dev nosuch',
  'route del 20.9.9.9/32',
  'ro a 20.0.0.7/32 via 10.0.0.2 metric 7',
  'route add 20.0.0.9/32 via 10.0.0.2 bogus',
  'route add 20.0.0.10/32 via 10.0.0.2',
].join('\n') + '\n';
// ip exits at a line its parser refuses (exit status 1 here, 255 for an unknown verb), -force or not.
const BAD_PREFIX = 'route add 20.0.1.1/32 via 10.0.0.2\nroute add 20.0.1.2/33 via 10.0.0.2\nroute add 20.0.1.3/32 via 10.0.0.2\n';
const BAD_VERB = 'route add 20.0.2.1/32 via 10.0.0.2\nroute frob 20.0.2.2/32\nroute add 20.0.2.3/32 via 10.0.0.2\n';
// ip's own name in its messages is nlwire's in nlwire's.
const normalized = (stderr: string): string => stderr.replaceAll('"ip ', '"X ').replaceAll('"nlwire ', '"X ');

for (const [name, script] of [['mixed failures', SCRIPT], ['a bad prefix', BAD_PREFIX], ['an unknown verb', BAD_VERB]] as const) {
  for (const force of [false, true]) {
    test(`-batch${force ? ' -force' : ''}, ${name}: same messages, exit status and kernel state as ip -batch`, async () => {
      const run = (cmd: string, args: string[]): Promise<{ status: number | null; stderr: string; routes: string[] }> =>
        withNetns('cli-batch', (ns) => {
          setup(ns);
          const r = spawnSync(cmd, [...args.map((a) => a.replace('NS', ns.name)), ...(force ? ['-force'] : [])], { input: script, encoding: 'utf8' });
          return { status: r.status, stderr: r.stderr, routes: routes(ns) };
        });
      const ip = await run('ip', ['-n', 'NS', '-batch', '-']);
      const nl = await run(process.execPath, [...CLI, '-n', 'NS', '-batch', '-']);
      assert.is(nl.status, ip.status, nl.stderr);
      assert.ok(failedLines(ip.stderr).length > 0 || ip.status !== 0, 'the script failed nowhere');
      assert.is(normalized(nl.stderr), normalized(ip.stderr));
      assert.equal(nl.routes, ip.routes);
    });
  }
}

// More lines than nlwire sends in one Rtnl.batch, failures on both sides of a chunk boundary.
const LONG = Array.from({ length: 40_000 }, (_, i) => `route add 21.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32 via 10.0.0.2`);
LONG[16_384] = LONG[16_383]!; // exists
LONG[30_000] = 'route add 21.9.0.1/32 via 198.51.100.1'; // unreachable gateway
for (const force of [false, true]) {
  test(`-batch${force ? ' -force' : ''} of 40,000 lines: same messages, exit status and route count as ip -batch`, async () => {
    const run = (cmd: string, args: string[]): Promise<{ status: number | null; stderr: string; count: number }> =>
      withNetns('cli-batch-long', (ns) => {
        setup(ns);
        const r = spawnSync(cmd, [...args.map((a) => a.replace('NS', ns.name)), ...(force ? ['-force'] : [])], { input: LONG.join('\n') + '\n', encoding: 'utf8' });
        return { status: r.status, stderr: r.stderr, count: ns.ip('route', 'show', 'proto', 'boot').split('\n').filter((l) => l.startsWith('21.')).length };
      });
    const ip = await run('ip', ['-n', 'NS', '-batch', '-']);
    const nl = await run(process.execPath, [...CLI, '-n', 'NS', '-batch', '-']);
    assert.is(nl.status, ip.status, nl.stderr);
    assert.is(normalized(nl.stderr), normalized(ip.stderr));
    assert.is(nl.count, ip.count);
  });
}

test('batch lines split as ip makeargs does', () => {
  assert.equal(batchWords('  route add 1.2.3.0/24   via 10.0.0.2 # c'), ['route', 'add', '1.2.3.0/24', 'via', '10.0.0.2']);
  assert.equal(batchWords('link set d0 alias "two words"'), ['link', 'set', 'd0', 'alias', 'two words']);
  assert.equal(batchWords('# only a comment'), []);
});

test('the in-place reading of bulk route lines makes the bytes of the command parser and Rtnl, or leaves the line to them', async () => {
  const lines = [
    'route add 20.0.0.1/32 via 10.0.0.2', 'r a 20.0.0.1 via 10.0.0.2', 'route replace 20.0.0.0/8', 'ro del 20.0.0.0/8 via 10.0.0.2',
    'route change 1.2.3.4/0 via 1.1.1.1', 'route  append\t20.0.0.1/32   via 10.0.0.2 ', 'route prepend 20.0.0.0/8', 'route chg 20.0.0.0/8',
  ];
  const { socket, kernel } = fakeSocket(() => []);
  const rt = Rtnl.over(socket);
  try {
    for (const l of lines) {
      const wire = new RouteWire();
      assert.ok(quickRouteWire(l, 0, l.length, wire), l);
      const bytes = new Uint8Array(wire.byteLength());
      wire.encodeInto(new DataView(bytes.buffer), 0);
      const mark = kernel.requests.length;
      const r = await rt.batch([routeChange(batchWords(l), {})!]);
      assert.is(r.ok, 1, l);
      assert.equal(kernel.requests.slice(mark).map((q) => normalizedRequest(q.bytes)), [normalizedRequest(bytes)], l);
    }
  } finally { rt.close(); }
  // Lines the command code reads: devices, other families and forms, ip's octal/hex/short addresses.
  for (const l of ['route add 20.0.0.1/32 via 10.0.0.2 dev d0', 'route add default via 10.0.0.2', 'route add 2001:db8::/32 via fe80::1',
    'route add 20.0.0.1/33 via 10.0.0.2', 'route add 20.0.0.1/32 via 10.0.0.256', 'route add 20.0.0.1/32 "via" 10.0.0.2', 'route get 1.2.3.4',
    'rule add 20.0.0.1/32 via 10.0.0.2', 'route add 20.0.0.1/32 gw 10.0.0.2', 'route add to 20.0.0.1/32', 'route add 010.0.0.0/8',
    'route add 10.0.0.0/08', 'route add 10/8', 'route add 10.0.0.0/0x8', 'route add 10.0.0.1 via 010.0.0.1', 'route test 10.0.0.0/8']) {
    assert.is(quickRouteWire(l, 0, l.length, new RouteWire()), false, l);
  }
});

test.run();
