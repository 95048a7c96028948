// nlwire/testing's fake kernel: the socket's request, dump, batch and subscription paths with no
// kernel at all (these tests need no root and no namespace).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NLM_F } from '../src/core/constants.js';
import { DecodeError, NetlinkError, NetlinkTimeoutError } from '../src/core/errors.js';
import { MessageBuilder } from '../src/core/message.js';
import { RawBytes } from '../src/core/attr.js';
import { Rtnl } from '../src/rtnl/rtnl.js';
import { ack, dump, error, fakeSocket, replayPcap, reply } from '../src/testing/index.js';
import { PcapWriter } from '../src/pcap/pcap.js';
import type { MessageFamily } from '../src/schema/family.js';

const RAW: MessageFamily = { name: 'raw', protocol: 0, messages: [] };
const msg = (type: number, flags = 0, body: Uint8Array = new Uint8Array(4)): MessageBuilder => new MessageBuilder(type, flags, new RawBytes(body));

test('request: ACK, and an error with the kernel message', async () => {
  const { socket, kernel } = fakeSocket((req) => (req.header.type === 99 ? [error(req, 17, { message: 'already there' })] : []), { family: RAW });
  try {
    await socket.request(msg(98));
    const e = await socket.request(msg(99)).then(() => undefined, (x: unknown) => x);
    assert.instance(e, NetlinkError);
    assert.is((e as NetlinkError).code, 'EEXIST');
    assert.is((e as NetlinkError).extack.message, 'already there');
    assert.is(kernel.requests.length, 2);
    assert.ok(kernel.requests[0]!.header.flags & NLM_F.ACK);
  } finally { socket.close(); }
});

test('dump: messages then DONE; DUMP_INTR is reported', async () => {
  const { socket } = fakeSocket(() => dump([reply(100, new Uint8Array([1, 0, 0, 0])), reply(100, new Uint8Array([2, 0, 0, 0]))], { interrupted: true }), { family: RAW });
  try {
    const r = await socket.dumpAll(msg(101));
    assert.is(r.messages.length, 2);
    assert.is(r.interrupted, true);
  } finally { socket.close(); }
});

test('a dump stream whose consumer is behind stops reading (the kernel keeps the rest): nothing lost, in order', async () => {
  const N = 10_000;
  const { socket, kernel } = fakeSocket(() => dump(Array.from({ length: N }, (_, i) => reply(100, new Uint8Array([i & 255, i >> 8, 0, 0])))), { family: RAW });
  try {
    const it = socket.dump(msg(101))[Symbol.asyncIterator]();
    const first = await it.next();
    assert.is(first.done, false);
    // the consumer waits: the socket reads up to its high-water mark, then leaves the rest queued
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.ok(kernel.queued > N / 2, `the socket held its reads (${kernel.queued} datagrams still queued)`);
    let n = 1;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const m = r.value as { payload?: Uint8Array };
      assert.is(m.payload![0]! | (m.payload![1]! << 8), n & 0xffff, 'in order');
      n++;
    }
    assert.is(n, N);
    assert.is(kernel.queued, 0);
    // the socket answers after it
    assert.is((await socket.dumpAll(msg(101))).messages.length, N);
  } finally { socket.close(); }
});

test('a dump stream stopped early releases the socket', async () => {
  const { socket } = fakeSocket(() => dump(Array.from({ length: 6000 }, () => reply(100, new Uint8Array(4)))), { family: RAW });
  try {
    const it = socket.dump(msg(101))[Symbol.asyncIterator]();
    await it.next();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    await it.return!();
    assert.is((await socket.dumpAll(msg(101))).messages.length, 6000);
  } finally { socket.close(); }
});

test('after a held dump stream, a reply that comes later is still read (the poller restarts)', async () => {
  const { socket, kernel } = fakeSocket((req) => (req.header.type === 101 ? dump(Array.from({ length: 6000 }, () => reply(100, new Uint8Array(4)))) : false), { family: RAW, timeout: 1000 });
  try {
    let n = 0;
    const it = socket.dump(msg(101))[Symbol.asyncIterator]();
    await it.next();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    for (let r = await it.next(); !r.done; r = await it.next()) n++;
    assert.is(n, 5999);
    // the kernel answers this request only later: the socket must be polling by then
    const answered = socket.request(msg(102));
    await new Promise((r) => setTimeout(r, 20));
    const req = kernel.requests[kernel.requests.length - 1]!;
    const late = ack(req);
    new DataView(late.buffer, late.byteOffset).setUint32(8, req.header.seq, true);
    kernel.inject(late);
    await answered;
  } finally { socket.close(); }
});

test('10,000 concurrent requests and a batch with a failing item: every one settles with its own result', async () => {
  const { socket } = fakeSocket((req) => (new DataView(req.payload.buffer, req.payload.byteOffset).getUint32(0, true) === 7 ? [error(req, 22)] : [ack(req)]), { family: RAW });
  try {
    const body = (i: number): Uint8Array => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, i, true); return b; };
    const r = await Promise.allSettled(Array.from({ length: 10_000 }, (_, i) => socket.request(msg(50, 0, body(i)))));
    assert.is(r.filter((x) => x.status === 'rejected').length, 1);
    assert.is(r[7]!.status, 'rejected');
    const b = await socket.batch(Array.from({ length: 5000 }, (_, i) => msg(50, 0, body(i))), { onError: 'continue' });
    assert.is(b.ok, 4999);
    assert.equal(b.failed.map((f) => [f.index, (f.error as NetlinkError).code]), [[7, 'EINVAL']]);
    const each = await socket.batch(Array.from({ length: 3000 }, (_, i) => msg(50, 0, body(i))), { onError: 'continue', acks: 'each' });
    assert.is(each.ok, 2999);
    const stopped = await socket.batch(Array.from({ length: 3000 }, (_, i) => msg(50, 0, body(i))), { onError: 'stop', maxDatagram: 64 });
    assert.equal(stopped.failed.map((f) => f.index), [7]);
    assert.is(stopped.ok + stopped.skipped + 1, 3000);
    assert.ok(stopped.skipped > 2900);
  } finally { socket.close(); }
});

test('subscriptions get multicast events; close() ends them', async () => {
  const { socket, kernel } = fakeSocket(() => [], { family: RAW });
  const sub = socket.subscribe([]);
  kernel.multicast(5, reply(20, new Uint8Array(8)));
  const first = await sub.next();
  assert.is(first.done, false);
  assert.is(first.value?.type === 'message' && first.value.group, 5);
  const pending = sub.next();
  socket.close();
  assert.equal(await pending, { value: undefined, done: true });
});

test('Rtnl over the fake kernel: a verb gets the kernel error', async () => {
  const { socket, kernel } = fakeSocket((req) => (req.header.type === 20 /* RTM_NEWADDR */ ? [error(req, 17)] : []));
  const rt = Rtnl.over(socket);
  try {
    const e = await rt.addAddress(3, '192.0.2.1/24').then(() => undefined, (x: unknown) => x);
    assert.is((e as NetlinkError).code, 'EEXIST');
    assert.is(kernel.requests[0]!.header.type, 20);
  } finally { rt.close(); }
});

test('replaying a recorded pcap answers the same requests the same way', async () => {
  const rec = new PcapWriter();
  const live = fakeSocket((req) => (req.header.type === 101 ? dump([reply(100, new Uint8Array([9, 0, 0, 0]))]) : [error(req, 17, { message: 'exists' })]), { family: RAW, capture: rec });
  await live.socket.dumpAll(msg(101));
  await live.socket.request(msg(60)).catch(() => undefined);
  live.socket.close();
  const { socket } = fakeSocket(replayPcap(rec.toBytes()), { family: RAW });
  try {
    const d = await socket.dumpAll(msg(101));
    assert.is(d.messages.length, 1);
    const e = await socket.request(msg(60)).then(() => undefined, (x: unknown) => x);
    assert.is((e as NetlinkError).code, 'EEXIST');
    assert.is((e as NetlinkError).extack.message, 'exists');
    const wrong = await socket.request(msg(61)).then(() => undefined, (x: unknown) => x);
    assert.match((wrong as Error).message, /replay/);
  } finally { socket.close(); }
});

test('a malformed reply fails its request with a DecodeError and its offset, not a timeout', async () => {
  const bad = reply(70, new Uint8Array(4));
  new DataView(bad.buffer).setUint32(0, 200, true); // nlmsg_len past the end of the datagram
  const { socket } = fakeSocket((req) => (req.header.type === 70 ? [bad] : []), { family: RAW, timeout: 60_000 });
  try {
    const e = await socket.request(msg(70)).then(() => undefined, (x: unknown) => x);
    assert.instance(e, DecodeError);
    assert.is((e as DecodeError).reason, 'message-bad-length');
    assert.is((e as DecodeError).offset, 0);
    await socket.request(msg(71)); // the socket keeps working
  } finally { socket.close(); }
});

// Socket behaviour that needs no kernel (moved here from test/socket.test.ts).
test('requests time out and honour AbortSignal (a peer that never answers)', async () => {
  const { socket } = fakeSocket(() => false, { family: RAW });
  try {
    const e = await socket.request(msg(0x10), { timeout: 100 }).then(() => undefined, (x: unknown) => x);
    assert.instance(e, NetlinkTimeoutError);
    const ac = new AbortController();
    const q = socket.request(msg(0x10), { signal: ac.signal, timeout: 0 });
    ac.abort(new Error('stop'));
    const a = await q.then(() => undefined, (x: unknown) => x);
    assert.match(String(a), /stop/);
    // An already-aborted signal settles at once, and nothing is sent.
    const sent = (await socket.request(msg(0x10), { signal: AbortSignal.abort(new Error('before')) }).then(() => undefined, (x: unknown) => x));
    assert.match(String(sent), /before/);
  } finally { socket.close(); }
});

test('breaking out of a subscription with closeSocket closes the socket', async () => {
  const { socket } = fakeSocket(() => [], { family: RAW });
  const events = socket.subscribe([1], { closeSocket: true });
  const p = (async () => { for await (const _ of events) break; })();
  await events.return?.();
  await p;
  assert.ok(socket.isClosed);
});

test('a closed socket rejects new work, and close is idempotent', async () => {
  const { socket } = fakeSocket(() => [], { family: RAW });
  socket.close();
  socket.close();
  const e = await socket.request(msg(1)).then(() => undefined, (x: unknown) => x);
  assert.match(String(e), /closed/);
  const b = await socket.batch([msg(1)]).then(() => undefined, (x: unknown) => x);
  assert.match(String(b), /closed/);
});

test.run();
