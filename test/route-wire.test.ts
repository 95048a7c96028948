// Rtnl.batch's direct route encoder writes exactly the bytes of the declared encoder (the one
// single changes use), and leaves every other shape to it. No kernel: the fake kernel records.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, type RouteSpec, type RtChange } from '../src/rtnl/rtnl.js';
import { ipv4At } from '../src/rtnl/route-wire.js';
import { fakeSocket } from '../src/testing/index.js';
import { normalizedRequest } from './helpers/messages.js';

const SPECS: RouteSpec[] = [
  { dst: '20.0.0.1/32', gateway: '10.0.0.2' },
  { dst: '20.0.0.0/8' },
  { dst: '20.1.2.3' },
  { dst: 'default', gateway: '10.0.0.2' },
  { dst: 'default', dev: 3 },
  { dst: '10.9.0.0/16', dev: 3, metric: 100 },
  { dst: '10.9.0.0/16', gateway: '192.168.1.1', dev: 7, metric: 4294967295, table: 1000 },
  { dst: '10.9.0.0/16', gateway: '192.168.1.1', table: 'main', protocol: 'static' },
  { dst: '10.9.0.0/16', gateway: '192.168.1.1', table: 100, protocol: 42 },
  // Shapes the direct encoder leaves to the declared one:
  { dst: '2001:db8::/32', gateway: 'fe80::1', dev: 3 },
  { dst: '10.0.0.0/8', gateway: 'fe80::1', dev: 3 },
  { dst: '10.0.0.0/8', type: 'blackhole' },
  { dst: '10.0.0.0/8', gateway: '10.0.0.2', dev: 3, onlink: true },
  { dst: '10.0.0.0/8', dev: 3, scope: 'host' },
  { dst: '10.0.0.0/8', gateway: '10.0.0.2', prefsrc: '10.0.0.1', metrics: { mtu: 1400 } },
  { dst: '10.0.0.0/8', multipath: [{ gateway: '10.0.0.2', dev: 3 }, { gateway: '10.0.0.3', dev: 3, weight: 2 }] },
];

test('route changes in a batch are byte-identical to the single-change encoder', async () => {
  const { socket, kernel } = fakeSocket(() => []);
  const rt = Rtnl.over(socket);
  try {
    for (const op of ['addRoute', 'replaceRoute', 'appendRoute', 'deleteRoute'] as const) {
      for (const spec of SPECS) {
        const before = kernel.requests.length;
        if (op === 'addRoute') await rt.addRoute(spec);
        else if (op === 'replaceRoute') await rt.replaceRoute(spec);
        else if (op === 'appendRoute') await rt.appendRoute(spec);
        else await rt.deleteRoute(spec);
        const single = kernel.requests.slice(before).map((r) => normalizedRequest(r.bytes));
        const mark = kernel.requests.length;
        const r = await rt.batch([{ op, route: spec } as RtChange]);
        assert.is(r.ok, 1, `${op} ${JSON.stringify(spec)}`);
        const batched = kernel.requests.slice(mark).map((q) => normalizedRequest(q.bytes));
        assert.equal(batched, single, `${op} ${JSON.stringify(spec)}`);
      }
    }
  } finally { rt.close(); }
});

test('a bad route in a batch fails as its own item, as the single change does', async () => {
  const { socket } = fakeSocket(() => []);
  const rt = Rtnl.over(socket);
  try {
    // Leading zeros are ambiguous (octal to inet_aton and ip, decimal elsewhere): refused, never guessed.
    for (const dst of ['20.0.0.256/32', '20.0.0.1/33', '20.0.0/24', 'x', '010.009.000.000/16', '10.0.0.0/08', '10.0.0.0/', '10.0.0.0/8/9']) {
      const single = await rt.addRoute({ dst }).then(() => undefined, (e: Error) => e);
      const r = await rt.batch([{ op: 'addRoute', route: { dst, gateway: '10.0.0.2' } }], { onError: 'continue' });
      assert.ok(single instanceof Error, dst);
      assert.is(r.failed.length, 1, dst);
      assert.is(r.failed[0]!.error.constructor, single!.constructor, dst);
    }
  } finally { rt.close(); }
});

test('ipv4At: dotted quads as parseIPv4 takes them', () => {
  assert.is(ipv4At('1.2.3.4', 0, 7), 0x01020304);
  assert.is(ipv4At('255.255.255.255', 0, 15), 0xffffffff);
  assert.is(ipv4At('0.0.0.0', 0, 7), 0);
  for (const bad of ['001.2.3.4', '1.2.3.010', '00.0.0.0', '1.2.3', '1.2.3.4.5', '1..2.3', '1.2.3.', '.1.2.3', '256.1.1.1', '1.2.3.4444', '1.2.3.a', '', '1.2.3.-1']) assert.is(ipv4At(bad, 0, bad.length), -1, bad);
});

test.run();
