// NetlinkSocket.batch()'s rarely hit paths (issue 11): a datagram of items is one record (first
// index, count, first seq, offsets, settled flags), and a reply finds its item by seq - firstSeq.
// Data replies to items, stray / duplicate / truncated replies, the seq wrap at 2^32, timeouts,
// aborts and close half-way through, ENOBUFS. Most run on the fake kernel; the echo and the wrap
// are also checked against a real kernel in a namespace.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NLM_F, NLMSG_ERROR } from '../src/core/constants.js';
import { DecodeError, NetlinkError, NetlinkTimeoutError } from '../src/core/errors.js';
import { MessageBuilder } from '../src/core/message.js';
import { RawBytes } from '../src/core/attr.js';
import { ack, error, fakeSocket, reply, type FakeRequest } from '../src/testing/index.js';
import { BatchSkippedError, NetlinkSocket, ReplyLostError, type BatchOptions, type BatchResult } from '../src/socket/netlink-socket.js';
import type { DecodedMessage, MessageFamily } from '../src/schema/family.js';
import { rtnetlink } from '../src/families/route/index.js';
import { withNetns } from './helpers/netns.js';

const RAW: MessageFamily = { name: 'raw', protocol: 0, messages: [] };
const ITEM_TYPE = 50;

/** Batch item i: its index in the first 4 bytes of the payload, so a handler knows which it got. */
const item = (i: number, flags = 0): MessageBuilder => {
  const body = new Uint8Array(4);
  new DataView(body.buffer).setUint32(0, i, true);
  return new MessageBuilder(ITEM_TYPE, flags, new RawBytes(body));
};
const items = (n: number, flags = 0): MessageBuilder[] => Array.from({ length: n }, (_, i) => item(i, flags));
const indexOf = (req: FakeRequest): number => new DataView(req.payload.buffer, req.payload.byteOffset).getUint32(0, true);

/** onResult's calls, by index (a second call for one index fails the test). */
function recorder(): { onResult: NonNullable<BatchOptions['onResult']>; outcomes: Map<number, { error: Error | undefined; messages: DecodedMessage[] }> } {
  const outcomes = new Map<number, { error: Error | undefined; messages: DecodedMessage[] }>();
  return {
    outcomes,
    onResult: (i, e, messages) => {
      assert.not.ok(outcomes.has(i), `item ${i} got a second outcome`);
      outcomes.set(i, { error: e, messages: [...messages] });
    },
  };
}

/** An NLMSG_ERROR datagram with the given seq, as is (for kernel.inject). */
function rawError(seq: number, errno: number): Uint8Array {
  const m = reply(NLMSG_ERROR, new Uint8Array(20), NLM_F.CAPPED);
  const v = new DataView(m.buffer);
  v.setInt32(16, -errno, true);
  v.setUint32(8, seq, true);
  return m;
}

const failedIndexes = (r: BatchResult): number[] => r.failed.map((f) => f.index);
const settledIn = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms).unref())]);

// --- 1. data replies ------------------------------------------------------------------------------

test('a data reply to an item (NLM_F_ECHO) is handed to onResult with its outcome, not lost or given to another item', async () => {
  // The kernel echoes a request with NLM_F_ECHO (same seq), then answers it (ACK or error).
  const { socket, kernel } = fakeSocket((req) => {
    const i = indexOf(req);
    const echo = req.header.flags & NLM_F.ECHO ? [reply(ITEM_TYPE, req.payload)] : [];
    if (i === 3) return [...echo, error(req, 22)];
    return echo;
  }, { family: RAW });
  try {
    for (const acks of ['errors', 'each'] as const) {
      kernel.requests.length = 0;
      const { onResult, outcomes } = recorder();
      const list = [item(0, NLM_F.ECHO), item(1), item(2, NLM_F.ECHO), item(3, NLM_F.ECHO), item(4, NLM_F.ECHO)];
      const r = await socket.batch(list, { onError: 'continue', acks, onResult });
      assert.is(r.ok, 4, acks);
      assert.equal(failedIndexes(r), [3], acks);
      for (const i of [0, 2, 4]) {
        const got = outcomes.get(i)!;
        assert.is(got.error, undefined);
        assert.is(got.messages.length, 1, `item ${i} (${acks}) gets its echo`);
        const m = got.messages[0]!;
        assert.is(m.kind, 'data');
        assert.is(m.nlmsg.seq, kernel.requests[i]!.header.seq);
        assert.is(m.kind === 'data' && new DataView(m.payload!.buffer, m.payload!.byteOffset).getUint32(0, true), i);
      }
      assert.equal(outcomes.get(1)!.messages, [], 'an item without ECHO gets no message');
      // A failed item's outcome is its error: the messages before it are dropped (documented).
      assert.instance(outcomes.get(3)!.error, NetlinkError);
      assert.equal(outcomes.get(3)!.messages, []);
    }
  } finally { socket.close(); }
});

test('an item whose data reply cannot be decoded fails with the DecodeError; its ACK still proves the items before it', async () => {
  // The route family's RTM_NEWLINK needs a 16-byte ifinfomsg: a 4-byte payload cannot be decoded.
  const { socket } = fakeSocket((req) => (req.header.flags & NLM_F.ECHO ? [reply(16 /* RTM_NEWLINK */, new Uint8Array(4))] : []), { family: rtnetlink });
  try {
    const { onResult, outcomes } = recorder();
    // acks 'errors': only the last item asks for an ACK, and its echo is the bad one.
    const r = await settledIn(socket.batch([item(0), item(1), item(2, NLM_F.ECHO)], { onError: 'continue', onResult, timeout: 60_000 }), 5000, 'batch');
    assert.is(r.ok, 2);
    assert.equal(failedIndexes(r), [2]);
    assert.instance(outcomes.get(2)!.error, DecodeError);
  } finally { socket.close(); }
});

// --- 2. bad replies -------------------------------------------------------------------------------

test('a reply whose seq matches no item, and duplicate answers of settled items, are ignored', async () => {
  const { socket } = fakeSocket((req, k) => {
    const i = indexOf(req);
    // Before the real answers: an ACK and an error for sequence numbers of no item.
    if (i === 0) { k.inject(rawError(req.header.seq + 1000, 0)); k.inject(rawError(req.header.seq - 1000, 17)); }
    if (i === 1) return [error(req, 22), ack(req)]; // an error, then a duplicate (an ACK)
    if (i === 2) return [ack(req), error(req, 17)]; // an ACK, then a duplicate (an error)
    if (i === 4) return [ack(req), ack(req)];
    return [];
  }, { family: RAW });
  try {
    const { onResult, outcomes } = recorder();
    const r = await socket.batch(items(6), { onError: 'continue', acks: 'each', onResult });
    assert.is(r.ok, 5);
    assert.equal(failedIndexes(r), [1]);
    assert.is((r.failed[0]!.error as NetlinkError).code, 'EINVAL');
    assert.is(outcomes.size, 6);
    // With acks 'errors', an error for an item the last ACK already settled (out of order) is ignored.
    const late = fakeSocket((req, k) => {
      if (indexOf(req) === 2) { const seq = req.header.seq; setImmediate(() => k.inject(rawError(seq - 2, 22))); }
      return [];
    }, { family: RAW });
    try {
      const seen = recorder();
      const again = await late.socket.batch(items(3), { onError: 'continue', onResult: seen.onResult });
      assert.is(again.ok, 3);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.is(seen.outcomes.size, 3); // (a second outcome would have failed in onResult)
      await late.socket.request(item(9)); // the socket keeps working
    } finally { late.socket.close(); }
  } finally { socket.close(); }
});

test('a truncated NLMSG_ERROR fails its item with a DecodeError; as the answer of the last item, it fails the open items of its datagram', async () => {
  // An NLMSG_ERROR whose payload is the errno alone (no echoed header): 20 bytes.
  const truncatedError = (req: FakeRequest): Uint8Array => { const m = reply(NLMSG_ERROR, new Uint8Array(4)); new DataView(m.buffer).setInt32(16, -22, true); return m; };
  const { socket } = fakeSocket((req) => (indexOf(req) === 1 || indexOf(req) === 5 ? [truncatedError(req)] : []), { family: RAW, timeout: 60_000 });
  try {
    // acks 'errors', three per datagram: item 1 is in the middle of the first, item 5 last of the second.
    const { onResult, outcomes } = recorder();
    const r = await settledIn(socket.batch(items(9), { onError: 'continue', perDatagram: 3, onResult }), 5000, 'batch');
    assert.equal(failedIndexes(r), [1, 3, 4, 5]);
    for (const f of r.failed) assert.instance(f.error, DecodeError, `item ${f.index}`);
    assert.is(r.ok, 5);
    assert.is(outcomes.size, 9);
  } finally { socket.close(); }
});

test('a malformed reply (nlmsg_len shorter than a header) fails the item its seq names, and the open items it would have proved', async () => {
  const { socket, kernel } = fakeSocket((req, k) => {
    if (indexOf(req) !== 2) return [];
    const bad = reply(NLMSG_ERROR, new Uint8Array(4));
    const v = new DataView(bad.buffer);
    v.setUint32(0, 12, true); // shorter than an nlmsghdr: the walker stops at it
    v.setUint32(8, req.header.seq, true);
    k.inject(bad);
    return false;
  }, { family: RAW, timeout: 60_000 });
  try {
    const r = await settledIn(socket.batch(items(6), { onError: 'continue', perDatagram: 3 }), 5000, 'batch');
    assert.equal(failedIndexes(r), [0, 1, 2]);
    for (const f of r.failed) assert.instance(f.error, DecodeError);
    assert.is(r.ok, 3);
    assert.is(kernel.requests.length, 6);
  } finally { socket.close(); }
});

// --- 3. sequence numbers wrapping at 2^32 --------------------------------------------------------

test('sequence numbers wrap at 2^32 in the middle of a batch: every item gets its own outcome, no item has seq 0', async () => {
  // The last variant's first datagram would cross 2^32: it starts again at 1 instead.
  for (const [acks, perDatagram, start] of [['each', 1, 0xfffffffd], ['each', 2, 0xfffffffd], ['errors', 3, 0xfffffffd], ['errors', 4, 0xfffffffe]] as const) {
    const { socket, kernel } = fakeSocket((req) => (indexOf(req) % 4 === 1 ? [error(req, 22)] : []), { family: RAW, sequenceStart: start });
    try {
      const { onResult, outcomes } = recorder();
      const r = await socket.batch(items(12), { onError: 'continue', acks, perDatagram, onResult });
      const what = `acks ${acks}, ${perDatagram} per datagram`;
      assert.equal(failedIndexes(r), [1, 5, 9], what);
      for (const f of r.failed) assert.is((f.error as NetlinkError).code, 'EINVAL', what);
      assert.is(r.ok, 9, what);
      assert.is(outcomes.size, 12, what);
      const seqs = kernel.requests.map((q) => q.header.seq);
      assert.ok(seqs.every((s) => s !== 0), what);
      assert.is(new Set(seqs).size, seqs.length, what);
      assert.ok(seqs[0]! === (start + perDatagram - 1 > 0xffffffff ? 1 : start) && seqs.some((s) => s < 100), `${what}: wrapped (${seqs.join(',')})`);
      // A datagram's items have consecutive numbers (the wrap falls between datagrams).
      for (let d = 0; d < seqs.length; d += perDatagram) {
        for (let k = 1; k < perDatagram && d + k < seqs.length; k++) assert.is(seqs[d + k], seqs[d]! + k, what);
      }
      await socket.request(item(99)); // and a request after the wrap
    } finally { socket.close(); }
  }
});

// --- 4. timeouts, aborts and close half-way --------------------------------------------------------

/** A kernel that answers the first `answered` requests (item 1 with EINVAL), then goes silent. */
function silentAfter(answered: number, opts: { replyWindow?: number } = {}): ReturnType<typeof fakeSocket> {
  let seen = 0;
  return fakeSocket((req) => {
    if (seen++ >= answered) return false;
    return indexOf(req) === 1 ? [error(req, 22)] : [];
  }, { family: RAW, ...opts });
}

test('timeout half-way (continue): items answered keep their outcome, the open ones time out', async () => {
  const { socket } = silentAfter(3);
  try {
    const { onResult, outcomes } = recorder();
    const r = await settledIn(socket.batch(items(9), { onError: 'continue', perDatagram: 3, timeout: 50, onResult }), 5000, 'batch');
    assert.is(r.ok, 2);
    assert.is(r.skipped, 0);
    assert.equal(failedIndexes(r), [1, 3, 4, 5, 6, 7, 8]);
    assert.is((r.failed[0]!.error as NetlinkError).code, 'EINVAL');
    for (const f of r.failed.slice(1)) assert.instance(f.error, NetlinkTimeoutError);
    assert.is(outcomes.size, 9);
  } finally { socket.close(); }
});

test('timeout half-way (stop): the open datagram times out, the rest is skipped', async () => {
  const { socket } = silentAfter(4);
  try {
    // Payload indexes from 2 (silentAfter fails payload 1, which would stop the batch at once).
    const { onResult, outcomes } = recorder();
    const r = await settledIn(socket.batch(items(10).slice(2), { onError: 'stop', perDatagram: 4, timeout: 50, onResult }), 5000, 'batch');
    // Batch indexes 0..3 (items 2..5) answered, 4..7 sent and unanswered: timeouts; nothing is left to skip.
    assert.is(r.ok, 4);
    assert.equal(failedIndexes(r), [4, 5, 6, 7]);
    for (const f of r.failed) assert.instance(f.error, NetlinkTimeoutError);
    assert.is(outcomes.size, 8);
    const s2 = silentAfter(4);
    try {
      const more = await settledIn(s2.socket.batch(items(14).slice(2), { onError: 'stop', perDatagram: 4, timeout: 50 }), 5000, 'batch');
      assert.is(more.ok, 4);
      assert.equal(failedIndexes(more), [4, 5, 6, 7]);
      assert.is(more.skipped, 4);
    } finally { s2.socket.close(); }
  } finally { socket.close(); }
});

test('an item answered inside a datagram that then goes silent keeps its error; the others of the datagram time out', async () => {
  const { socket } = fakeSocket((req) => (indexOf(req) === 1 ? [error(req, 22)] : false), { family: RAW });
  try {
    const r = await settledIn(socket.batch(items(3), { onError: 'continue', timeout: 50 }), 5000, 'batch');
    assert.equal(failedIndexes(r), [0, 1, 2]);
    assert.instance(r.failed[0]!.error, NetlinkTimeoutError);
    assert.is((r.failed[1]!.error as NetlinkError).code, 'EINVAL');
    assert.instance(r.failed[2]!.error, NetlinkTimeoutError);
  } finally { socket.close(); }
});

test('abort half-way: answered items keep their outcome, sent ones fail with the reason, unsent ones are skipped', async () => {
  // stop: the second datagram waits for the first's answers, the third for the second's.
  {
    const { socket } = silentAfter(4);
    const ac = new AbortController();
    const { onResult, outcomes } = recorder();
    const done = socket.batch(items(14).slice(2), { onError: 'stop', perDatagram: 4, signal: ac.signal, timeout: 60_000, onResult });
    setTimeout(() => ac.abort(new Error('enough')), 20);
    try {
      const r = await settledIn(done, 5000, 'batch');
      assert.is(r.ok, 4);
      assert.equal(failedIndexes(r), [4, 5, 6, 7]);
      for (const f of r.failed) assert.match(f.error.message, /enough/);
      assert.is(r.skipped, 4);
      assert.is(outcomes.size, 8);
    } finally { socket.close(); }
  }
  // continue, with a window of four items: one datagram in flight, the next made and waiting for room.
  {
    const { socket, kernel } = silentAfter(4, { replyWindow: 8192 });
    const ac = new AbortController();
    const done = socket.batch(items(14).slice(2), { onError: 'continue', signal: ac.signal, timeout: 60_000 });
    setTimeout(() => ac.abort(new Error('enough')), 20);
    try {
      const r = await settledIn(done, 5000, 'batch');
      assert.is(r.ok, 4);
      assert.equal(failedIndexes(r), [4, 5, 6, 7]);
      assert.is(r.skipped, 4);
      assert.is(kernel.requests.length, 8);
    } finally { socket.close(); }
  }
});

test('abort while other requests fill the window: the waiting batch settles at once, all skipped', async () => {
  const { socket } = fakeSocket(() => false, { family: RAW, replyWindow: 8192 });
  const requests = Array.from({ length: 4 }, (_, i) => socket.request(item(100 + i), { timeout: 60_000 }).then(() => undefined, (e: Error) => e));
  const ac = new AbortController();
  const done = socket.batch(items(3), { signal: ac.signal });
  setTimeout(() => ac.abort(new Error('enough')), 20);
  try {
    const r = await settledIn(done, 5000, 'batch');
    assert.equal(r, { ok: 0, failed: [], skipped: 3 });
  } finally { socket.close(); }
  for (const e of await Promise.all(requests)) assert.match(String(e), /closed/);
});

test('close() half-way rejects the batch with the close error, whether or not it has datagrams left to make', async () => {
  // 4 per datagram, the first answered, the second open at close; with 'stop' and 12 items a
  // third waits to be made (skipped), with 'continue' and 8 every datagram is made and sent.
  for (const [onError, n] of [['stop', 12], ['continue', 8]] as const) {
    const { socket } = silentAfter(4);
    const { onResult, outcomes } = recorder();
    // Payload indexes from 2: no item is the one silentAfter fails.
    const done = socket.batch(items(n + 2).slice(2), { onError, perDatagram: 4, timeout: 60_000, onResult });
    setTimeout(() => socket.close(), 20);
    const e = await settledIn(done.then(() => undefined, (x: Error) => x), 5000, 'batch');
    assert.match(String(e), /closed/, onError);
    for (let i = 0; i < 4; i++) assert.is(outcomes.get(i)?.error, undefined, `item ${i} keeps its ACK`);
    for (let i = 4; i < 8; i++) assert.match(String(outcomes.get(i)?.error), /closed/, `item ${i} open at close`);
  }
});

// --- 5. ENOBUFS --------------------------------------------------------------------------------------

test('ENOBUFS during a batch: items whose answers are lost fail with ReplyLostError, the others keep their outcome', async () => {
  const { socket, kernel } = fakeSocket((req, k) => {
    const i = indexOf(req);
    if (i === 1) return [error(req, 22)];
    if (i === 4) return [error(req, 17)]; // reported before the loss
    if (i === 5) { k.overrun(); return false; } // the last item's ACK is dropped
    return [];
  }, { family: RAW });
  try {
    const { onResult, outcomes } = recorder();
    const r = await settledIn(socket.batch(items(9), { onError: 'continue', perDatagram: 3, onResult }), 5000, 'batch');
    assert.equal(failedIndexes(r), [1, 3, 4, 5]);
    assert.is((r.failed[0]!.error as NetlinkError).code, 'EINVAL');
    assert.instance(r.failed[1]!.error, ReplyLostError);
    assert.is((r.failed[2]!.error as NetlinkError).code, 'EEXIST');
    assert.instance(r.failed[3]!.error, ReplyLostError);
    assert.is(r.ok, 5);
    assert.is(outcomes.size, 9);
    assert.is(kernel.requests.length, 9);
    await socket.request(item(99)); // the socket keeps working
  } finally { socket.close(); }
});

test('ENOBUFS with onError stop: the datagram whose answer is lost fails with ReplyLostError, the rest is skipped', async () => {
  const { socket } = fakeSocket((req, k) => {
    if (indexOf(req) === 5) { k.overrun(); return false; }
    return [];
  }, { family: RAW });
  try {
    const r = await settledIn(socket.batch(items(12), { onError: 'stop', perDatagram: 3 }), 5000, 'batch');
    assert.is(r.ok, 3);
    assert.equal(failedIndexes(r), [3, 4, 5]);
    for (const f of r.failed) assert.instance(f.error, ReplyLostError);
    assert.is(r.skipped, 6);
  } finally { socket.close(); }
});

// --- the arena the datagrams are encoded into ----------------------------------------------------

test('arena: datagrams larger than the first arena, many small batches, and batches in flight together keep every item\'s bytes', async () => {
  /** Item `i` of batch `b`: its index, then `size` bytes of a pattern of both. */
  const patterned = (b: number, i: number, size: number): MessageBuilder => {
    const body = new Uint8Array(8 + size);
    const v = new DataView(body.buffer);
    v.setUint32(0, i, true);
    v.setUint32(4, b, true);
    for (let k = 8; k < body.length; k++) body[k] = (b * 31 + i * 7 + k) & 255;
    return new MessageBuilder(ITEM_TYPE + (i % 5), 0, new RawBytes(body));
  };
  const intact = (req: FakeRequest): boolean => {
    const v = new DataView(req.payload.buffer, req.payload.byteOffset, req.payload.length);
    const i = v.getUint32(0, true), b = v.getUint32(4, true);
    for (let k = 8; k < req.payload.length; k++) if (req.payload[k] !== ((b * 31 + i * 7 + k) & 255)) return false;
    return true;
  };
  // Answers come a little later (from a timer): several datagrams, and batches, are in flight at
  // once. Every tenth item fails: its error is named from the item's bytes as sent (the arena), read
  // when the answer comes.
  let bad = 0;
  const { socket } = fakeSocket((req, k) => {
    if (!intact(req)) bad++;
    const fails = indexOf(req) % 10 === 3;
    if (fails || req.header.flags & NLM_F.ACK) {
      const m = fails ? error(req, 22) : ack(req);
      new DataView(m.buffer).setUint32(8, req.header.seq, true);
      setTimeout(() => k.inject(m), 1);
    }
    return false;
  }, { family: RAW });
  try {
    // 1 KiB items, 64 KiB datagrams: the first arena (16 KiB) is outgrown inside a datagram.
    const named = (r: BatchResult, n: number): void => {
      assert.equal(failedIndexes(r), Array.from({ length: n }, (_, i) => i).filter((i) => i % 10 === 3));
      for (const f of r.failed) assert.is((f.error as NetlinkError).syscall, `message type ${ITEM_TYPE + (f.index % 5)}`, `item ${f.index}`);
      assert.is(r.ok, n - r.failed.length);
    };
    const big = await socket.batch(Array.from({ length: 300 }, (_, i) => patterned(0, i, 1024)), { onError: 'continue', maxDatagram: 65536 });
    named(big, 300);
    // Three batches at once, of different sizes, each several datagrams.
    const together = await Promise.all([1, 2, 3].map((b) => socket.batch(Array.from({ length: 40 * b }, (_, i) => patterned(b, i, 100 * b)), { onError: 'continue', perDatagram: 7 })));
    together.forEach((r, b) => named(r, 40 * (b + 1)));
    // Small batches one after another reuse the socket's arena.
    for (let b = 4; b < 50; b++) named(await socket.batch(Array.from({ length: 5 }, (_, i) => patterned(b, i, [40, 3000, 8, 500, 20][i]!)), { onError: 'continue' }), 5);
    assert.is(bad, 0, 'every item arrived as encoded');
  } finally { socket.close(); }
});

// --- real kernel ------------------------------------------------------------------------------------

/** RTM_NEWADDR of 10.9.0.i/32 on the loopback device (ifindex 1), by hand. */
function newAddr(i: number, flags: number): MessageBuilder {
  const body = new Uint8Array(8 + 8 + 8);
  const v = new DataView(body.buffer);
  body[0] = 2; // AF_INET
  body[1] = 32;
  v.setUint32(4, 1, true);
  for (const [at, type] of [[8, 2 /* IFA_LOCAL */], [16, 1 /* IFA_ADDRESS */]] as const) {
    v.setUint16(at, 8, true);
    v.setUint16(at + 2, type, true);
    body.set([10, 9, 0, i], at + 4);
  }
  return new MessageBuilder(20 /* RTM_NEWADDR */, NLM_F.CREATE | NLM_F.EXCL | flags, new RawBytes(body));
}

test('real kernel: NLM_F_ECHO items get the kernel\'s echo in onResult; seq wrapping mid-batch', async () => {
  await withNetns('batch-rec', async (ns) => {
    for (const acks of ['errors', 'each'] as const) {
      const socket = NetlinkSocket.open({ protocol: 'route', netns: ns.name, sequenceStart: 0xfffffffe });
      try {
        const { onResult, outcomes } = recorder();
        const base = acks === 'errors' ? 0 : 100;
        // Item 2 adds item 1's address again (EEXIST); one per datagram, then three: the wrap falls inside.
        const list = [0, 1, 1, 3, 4, 5, 6].map((a, i) => newAddr(base + a, i % 2 === 0 ? NLM_F.ECHO : 0));
        const r = await socket.batch(list, { onError: 'continue', acks, perDatagram: 3, onResult });
        assert.equal(failedIndexes(r), [2], acks);
        assert.is((r.failed[0]!.error as NetlinkError).code, 'EEXIST');
        assert.is(r.ok, 6);
        for (const [i, o] of outcomes) {
          if (i === 2) { assert.equal(o.messages, []); continue; }
          if (i % 2 === 1) { assert.equal(o.messages, [], `item ${i} asked for no echo`); continue; }
          assert.is(o.messages.length, 1, `item ${i} (${acks}) gets its echo`);
          const m = o.messages[0]!;
          assert.is(m.kind === 'data' && m.name, 'RTM_NEWADDR');
          assert.is(m.kind === 'data' && (m.attrs as { local?: string }).local, `10.9.0.${base + [0, 1, 1, 3, 4, 5, 6][i]!}`);
        }
        const shown = ns.ipJson<Array<{ addr_info: Array<{ local: string }> }>>('-4', 'addr', 'show', 'dev', 'lo').flatMap((l) => l.addr_info.map((a) => a.local));
        for (const a of [0, 1, 3, 4, 5, 6]) assert.ok(shown.includes(`10.9.0.${base + a}`), `10.9.0.${base + a} added`);
        // Without ECHO, the notification of our own change is an event (same pid and seq as the
        // request, on its group): a subscription gets it, the item does not.
        const events = socket.subscribe([5 /* RTNLGRP_IPV4_IFADDR */]);
        const quiet = recorder();
        const plain = await socket.batch([newAddr(base + 40, 0), newAddr(base + 41, 0)], { acks, onResult: quiet.onResult });
        assert.is(plain.ok, 2);
        for (const [, o] of quiet.outcomes) assert.equal(o.messages, []);
        for (const want of [40, 41]) {
          const ev = await events.next();
          assert.ok(ev.value?.type === 'message' && ev.value.group === 5);
          const m = ev.value.type === 'message' ? ev.value.message : undefined;
          assert.is(m?.kind === 'data' && (m.attrs as { local?: string }).local, `10.9.0.${base + want}`);
        }
        await events.return?.();
        // request() alike: the echo arrives on the address group's datagram, and is the request's.
        const one = await socket.request(newAddr(base + 50, NLM_F.ECHO));
        assert.is(one.messages.length, 1);
        assert.is(one.messages[0]!.kind === 'data' && one.messages[0]!.name, 'RTM_NEWADDR');
      } finally { socket.close(); }
    }
  });
});

test.run();
