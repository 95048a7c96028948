// The protocol-31 echo module of examples/kernel-module, built against the guest kernel's
// headers by scripts/vm/run.mjs, loaded, and answering nlwire's client.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { NetlinkSocket } from '../../src/index.js';
import { runExample, sh, vmDir } from './_guest.js';

const PROTO = 31;
const NLM_F_REQUEST = 1; // netlink_rcv_skb() in the module passes on only requests
const ECHO_MAX_PAYLOAD = 1024; // the module's limit (nlwire_echo.c)
const GREETING = 'Hello Userspace';

function header(len: number, type: number, flags: number, seq: number, pid: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, len, true); v.setUint16(4, type, true); v.setUint16(6, flags, true);
  v.setUint32(8, seq, true); v.setUint32(12, pid, true);
  return b;
}

/** Messages laid one after the other (each padded to 4 bytes), as one datagram. */
function datagram(msgs: { type: number; seq: number; payload: Uint8Array; flags?: number }[], pid: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const m of msgs) {
    parts.push(header(16 + m.payload.length, m.type, NLM_F_REQUEST | (m.flags ?? 0), m.seq, pid), m.payload, new Uint8Array((4 - (m.payload.length % 4)) % 4));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

interface Reply { type: number; flags: number; seq: number; pid: number; payload: Uint8Array }

/** Sends one datagram to the kernel and collects `count` replies (from any number of datagrams). */
async function exchange(sock: NetlinkSocket, bytes: Uint8Array, count: number): Promise<Reply[]> {
  const replies: Reply[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`${replies.length} of ${count} replies within 10 s`)); }, 10_000);
    const stop = sock.onRaw((c) => {
      const v = new DataView(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength);
      for (let off = 0; off + 16 <= c.bytes.length;) {
        const len = v.getUint32(off, true);
        replies.push({
          type: v.getUint16(off + 4, true), flags: v.getUint16(off + 6, true), seq: v.getUint32(off + 8, true),
          pid: v.getUint32(off + 12, true), payload: c.bytes.slice(off + 16, off + len),
        });
        off += (len + 3) & ~3;
      }
      if (replies.length >= count) { clearTimeout(timer); stop(); resolve(); }
    });
  });
  sock.sendTo(bytes, 0);
  await done;
  return replies;
}

function expectEcho(r: Reply, seq: number, type: number, payload: Uint8Array): void {
  assert.is(r.type, type, 'the reply keeps the request type');
  assert.is(r.seq, seq, 'the reply keeps the sequence number');
  const text = new TextDecoder().decode(r.payload.subarray(0, GREETING.length));
  assert.is(text, GREETING);
  assert.is(r.payload[GREETING.length], 0, 'a NUL ends the greeting');
  assert.equal([...r.payload.subarray(GREETING.length + 1)], [...payload], 'the payload comes back');
}

const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
const loaded = (): boolean => sh('cat', '/proc/modules').split('\n').some((l) => l.startsWith('nlwire_echo '));

test('without the module, protocol 31 does not exist: open fails and the client says so', () => {
  assert.not.ok(loaded());
  assert.throws(() => NetlinkSocket.open({ protocol: PROTO }), /EPROTONOSUPPORT|not supported/i);
  const r = runExample('06-echo-client', '--protocol', '31');
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /EPROTONOSUPPORT|not supported/i);
});

test('insmod the module built against the guest kernel headers', () => {
  const ko = join(vmDir(), 'module', 'nlwire_echo.ko');
  const vermagic = sh('modinfo', '-F', 'vermagic', ko);
  assert.ok(vermagic.startsWith(sh('uname', '-r').trim() + ' '), `vermagic ${vermagic} matches the running kernel`);
  sh('insmod', ko);
  assert.ok(loaded());
});

test('the echo example round trip: "Hello Userspace" from the kernel', () => {
  const r = runExample('06-echo-client', '--protocol', '31');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /to port 0 \(protocol 31\)/);
  assert.match(r.stdout, /received: "Hello Userspace"/);
});

test('several messages one after the other, payload sizes up to the module buffer', async () => {
  using sock = NetlinkSocket.open({ protocol: PROTO });
  const sizes = [0, 1, 3, 16, 255, 1000, ECHO_MAX_PAYLOAD - 1, ECHO_MAX_PAYLOAD];
  for (const [i, n] of sizes.entries()) {
    const payload = pattern(n);
    const [r] = await exchange(sock, datagram([{ type: 0x10 + i, seq: 100 + i, payload }], sock.portId), 1);
    expectEcho(r!, 100 + i, 0x10 + i, payload);
  }
});

test('several messages in one datagram: one reply each, in order', async () => {
  using sock = NetlinkSocket.open({ protocol: PROTO });
  const msgs = [5, 64, 300, 7].map((n, i) => ({ type: 0x20, seq: 500 + i, payload: pattern(n) }));
  const replies = await exchange(sock, datagram(msgs, sock.portId), msgs.length);
  assert.is(replies.length, msgs.length);
  msgs.forEach((m, i) => expectEcho(replies[i]!, m.seq, m.type, m.payload));
});

test('a payload over the buffer gets NLMSG_ERROR EMSGSIZE; NLM_F_ACK gets an ACK after the echo', async () => {
  using sock = NetlinkSocket.open({ protocol: PROTO });
  const [err] = await exchange(sock, datagram([{ type: 0x10, seq: 7, payload: pattern(ECHO_MAX_PAYLOAD + 1) }], sock.portId), 1);
  assert.is(err!.type, 2, 'NLMSG_ERROR');
  assert.is(new DataView(err!.payload.buffer).getInt32(0, true), -90, '-EMSGSIZE');
  assert.is(err!.seq, 7);
  const [echo, ack] = await exchange(sock, datagram([{ type: 0x10, seq: 8, flags: 4 /* NLM_F_ACK */, payload: pattern(10) }], sock.portId), 2);
  expectEcho(echo!, 8, 0x10, pattern(10));
  assert.is(ack!.type, 2);
  assert.is(new DataView(ack!.payload.buffer).getInt32(0, true), 0, 'an ACK is an NLMSG_ERROR with error 0');
});

test('rmmod: the protocol is gone again', () => {
  sh('rmmod', 'nlwire_echo');
  assert.not.ok(loaded());
  assert.throws(() => NetlinkSocket.open({ protocol: PROTO }), /EPROTONOSUPPORT|not supported/i);
});

test.run();
