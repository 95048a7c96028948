// Read-ahead on the fake kernel (no root): its recvBatchAsync fills slots a turn of the event
// loop later, as the addon's thread-pool job does, so the paths the real kernel rarely takes
// (a truncated datagram or ENOBUFS inside a job's group, requests answered between dump
// datagrams, close() while a job is out) give what plain reads give.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NLM_F } from '../src/core/constants.js';
import { RawBytes } from '../src/core/attr.js';
import { MessageBuilder } from '../src/core/message.js';
import { ack, dump, fakeSocket, reply, type FakeHandler } from '../src/testing/index.js';
import type { DecodedMessage, MessageFamily } from '../src/schema/family.js';
import { DecodeError } from '../src/core/errors.js';
import { Rtnl } from '../src/rtnl/rtnl.js';
import '../src/families/registry.js';

const RAW: MessageFamily = { name: 'raw', protocol: 0, messages: [] };
const DUMP = 200, ECHO = 201;
const msg = (type: number, flags = 0): MessageBuilder => new MessageBuilder(type, flags, new RawBytes(new Uint8Array(4)));
/** Datagrams of a dump: `n` messages of `size` payload bytes, each numbered. */
function dumpOf(n: number, size = 4): Uint8Array[] {
  return dump(Array.from({ length: n }, (_, i) => { const p = new Uint8Array(size); new DataView(p.buffer).setUint32(0, i, true); return reply(100, p); }));
}
const numbers = (ms: DecodedMessage[]): number[] => ms.map((m) => (m.kind === 'data' && m.payload ? new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(0, true) : -1));

async function both<T>(handler: FakeHandler, run: (s: ReturnType<typeof fakeSocket>) => Promise<T>, opts: { readBufferSize?: number } = {}): Promise<[T, T]> {
  const out: T[] = [];
  for (const readAhead of [true, false]) {
    const f = fakeSocket(handler, { family: RAW, readAhead, ...opts });
    try { out.push(await run(f)); } finally { f.socket.close(); }
  }
  return [out[0]!, out[1]!];
}
const settle = <T>(p: Promise<T>): Promise<string | T> => p.then((x) => x, (e: Error) => `rejected: ${e.message}`);

test('a dump of 300 datagrams: every message, in order, as with plain reads', async () => {
  const [a, b] = await both(() => dumpOf(300), async ({ socket }) => numbers((await socket.dumpAll(msg(DUMP))).messages));
  assert.is(a.length, 300);
  assert.equal(a, b);
  assert.equal(a, Array.from({ length: 300 }, (_, i) => i));
});

test('requests sent while a dump is read ahead get their answers, and the dump stays whole', async () => {
  const handler: FakeHandler = (req) => (req.header.type === DUMP ? dumpOf(120) : [reply(ECHO, new Uint8Array(4)), ack(req)]);
  const [a, b] = await both(handler, async ({ socket }) => {
    const d = socket.dumpAll(msg(DUMP));
    const r = await Promise.all(Array.from({ length: 20 }, () => socket.request(msg(ECHO, NLM_F.ECHO))));
    return { dump: numbers((await d).messages), answered: r.length };
  });
  assert.equal(a, b);
  assert.is(a.dump.length, 120);
});

test('a datagram too large for the receive area, amid a read-ahead group: the dump fails as with plain reads, the socket goes on', async () => {
  let round = 0;
  const handler: FakeHandler = (req) => {
    if (req.header.type !== DUMP) return [ack(req)];
    const d = dumpOf(40);
    if (round++ === 0) d.splice(5, 0, reply(100, new Uint8Array(9000), NLM_F.MULTI));
    return d;
  };
  const [a, b] = await both(handler, async ({ socket }) => {
    round = 0;
    const first = await settle(socket.dumpAll(msg(DUMP)).then((r) => r.messages.length));
    const second = await settle(socket.dumpAll(msg(DUMP)).then((r) => r.messages.length));
    return { first, second };
  }, { readBufferSize: 4096 });
  assert.equal(a, b);
  assert.ok(String(a.first).startsWith('rejected'), String(a.first));
  assert.is(a.second, 40);
});

test('ENOBUFS while a dump is read ahead: the same outcome as with plain reads', async () => {
  const [a, b] = await both((req, kernel) => {
    if (req.header.type !== DUMP) return [ack(req)];
    setImmediate(() => kernel.overrun());
    return dumpOf(200);
  }, async ({ socket }) => {
    const d = await settle(socket.dumpAll(msg(DUMP)).then((r) => r.messages.length));
    const after = await settle(socket.request(msg(ECHO)).then(() => 'ok'));
    return { d: typeof d === 'number' ? 'whole' : d, after };
  });
  assert.equal(a, b);
  assert.is(a.after, 'ok');
});

test('close() while a read-ahead job is out: the dump rejects, nothing hangs', async () => {
  const { socket } = fakeSocket(() => dumpOf(500), { family: RAW, readAhead: true });
  let chunks = 0;
  const p = settle(socket.dumpRaw(msg(DUMP), () => { if (++chunks === 3) socket.close(); }).then(() => 'resolved'));
  const outcome = await Promise.race([p, new Promise((r) => setTimeout(() => r('hung'), 2000))]);
  assert.ok(String(outcome).startsWith('rejected'), String(outcome));
});

test('a raw dump consumer that throws (hostile bytes, or its own failure) rejects its dump, and the socket goes on', async () => {
  const [a, b] = await both(() => dumpOf(100), async ({ socket }) => {
    let n = 0;
    const first = await settle(socket.dumpRaw(msg(DUMP), () => { if (++n === 5) throw new Error('consumer failed'); }).then(() => 'resolved'));
    const next = await settle(socket.dumpAll(msg(DUMP)).then((r) => r.messages.length));
    return { first, next };
  });
  assert.equal(a, b);
  assert.equal(a, { first: 'rejected: consumer failed', next: 100 });
});

test('Rtnl over the fake kernel: a route dump with a malformed attribute rejects with DecodeError; the next dump works', async () => {
  const route = (bad: boolean): Uint8Array => {
    // rtmsg (family 2, /24, table main, unicast), then RTA_DST (4 bytes), or one claiming 40
    const p = new Uint8Array(12 + 8);
    p.set([2, 24, 0, 0, 254, 4, 0, 1], 0);
    const v = new DataView(p.buffer);
    v.setUint16(12, bad ? 40 : 8, true); v.setUint16(14, 1, true); p.set([10, 1, 2, 0], 16);
    return reply(24, p);
  };
  let calls = 0;
  for (const readAhead of [true, false]) {
    calls = 0;
    const { socket } = fakeSocket((req) => (req.header.type === 26 ? dump(Array.from({ length: 40 }, (_, i) => route(calls === 1 && i === 30))) : [ack(req)]), { readAhead });
    const rt = Rtnl.over(socket);
    try {
      calls = 1;
      const e = await rt.routes({ family: 4 }).then(() => undefined, (x: unknown) => x);
      assert.instance(e, DecodeError, `readAhead ${readAhead}`);
      calls = 2;
      assert.is((await rt.routes({ family: 4 })).length, 40);
    } finally { rt.close(); }
  }
});

test.run();
