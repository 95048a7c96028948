// A fake kernel for tests of code built on nlwire (in the spirit of Go's nltest.Dial): a real
// NetlinkSocket whose syscalls go to an in-process handler instead of the kernel. No root, no
// namespaces, no addon needed. The handler gets each request message and returns the replies;
// helpers build ACKs, errors with extended ACK, and dumps with the headers the kernel would set.
import type { Encodable } from '../core/attr.js';
import { NLM_F, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, align4, protocolNumber, type ProtocolName } from '../core/constants.js';
import { dataView, type MessageHeader } from '../core/header.js';
import { NetlinkSocket, encodeToBytes, type NetlinkSocketOptions } from '../socket/netlink-socket.js';
import { RECV_INFO_LENGTH, RecvInfo, type NativeBinding, type PollCallback, type Poller } from '../socket/native.js';
import { readPcap } from '../pcap/pcap.js';

const EAGAIN = 11;
const ENOBUFS = 105;
const ETIMEDOUT = 110;
const NLMSGERR_ATTR_MSG = 1;
const NLMSGERR_ATTR_OFFS = 2;

/** One message the code under test sent. */
export interface FakeRequest {
  header: MessageHeader;
  /** The whole message (header included). */
  bytes: Uint8Array;
  /** The bytes after the 16-byte header. */
  payload: Uint8Array;
}

/** A reply: message bytes or an Encodable (seq and port id are filled in from the request). */
export type FakeReply = Uint8Array | Encodable;

/**
 * Answers one request. Return the replies (helpers: `ack`, `error`, `dump`, `reply`); when none
 * of them is an ACK or error and the request asked for an ACK, an ACK is added, as the kernel does.
 * Return `false` for no answer at all (a peer that never replies: timeouts, aborts).
 */
export type FakeHandler = (req: FakeRequest, kernel: FakeKernel) => FakeReply[] | void | false;

export interface FakeKernel {
  /** Every request received so far, in order. */
  readonly requests: FakeRequest[];
  /** Delivers a multicast event (group number) to the socket. */
  multicast(group: number, message: FakeReply): void;
  /**
   * Queues a datagram as is, as a unicast from the kernel: its seq and port id are not filled in
   * (stray, duplicate or malformed replies).
   */
  inject(datagram: Uint8Array): void;
  /**
   * The socket's next read fails with ENOBUFS, before any queued datagram, as after the kernel
   * dropped a message for want of room (which replies were dropped is the handler's choice: it
   * returns `false` for them).
   */
  overrun(): void;
  /** Datagrams queued for the socket that it has not read yet. */
  readonly queued: number;
}

/** The socket's options (`readAhead: true` reads dumps ahead as the real addon does; default off). */
export interface FakeSocketOptions extends Omit<NetlinkSocketOptions, 'binding' | 'protocol' | 'netns'> {
  protocol?: ProtocolName | number;
  /** The port id the fake kernel assigns (default 4242). */
  fakePortId?: number;
}

/** Opens a NetlinkSocket whose peer is `handler`. Returns the socket and the fake kernel's view. */
export function fakeSocket(handler: FakeHandler, opts: FakeSocketOptions = {}): { socket: NetlinkSocket; kernel: FakeKernel } {
  const portId = opts.fakePortId ?? 4242;
  const queue: Array<{ bytes: Uint8Array; group: number }> = [];
  const requests: FakeRequest[] = [];
  let poller: FakePoller | undefined;
  /** The socket error ENOBUFS is pending (reported by the next read). */
  let overrunPending = false;
  const deliver = (bytes: Uint8Array, group = 0): void => { queue.push({ bytes, group }); poller?.kick(); };
  const kernel: FakeKernel = {
    requests,
    multicast: (group, m) => deliver(toBytes(m), group),
    inject: (datagram) => deliver(datagram.slice()),
    overrun: () => { overrunPending = true; poller?.kick(); },
    get queued() { return queue.length; },
  };
  class FakePoller implements Poller {
    private active = false;
    private scheduled = false;
    private closed = false;
    private refd = true;
    constructor(readonly fd: number, private readonly cb: PollCallback) { poller = this; }
    kick(): void {
      if (!this.active || this.scheduled || this.closed || (queue.length === 0 && !overrunPending)) return;
      this.scheduled = true;
      setImmediate(() => { this.scheduled = false; if (this.active && !this.closed) { this.cb(0, 1); this.kick(); } });
    }
    start(): void { this.active = true; this.kick(); }
    stop(): void { this.active = false; }
    close(): void { this.closed = true; this.active = false; }
    ref(): void { this.refd = true; }
    unref(): void { this.refd = false; }
    hasRef(): boolean { return this.refd; }
  }
  const options = new Map<string, number>();
  const binding: NativeBinding = {
    open: () => 1000,
    bind: () => undefined,
    getPortId: () => portId,
    setsockoptInt: (_fd, level, name, value) => { options.set(`${level}/${name}`, value); },
    getsockoptInt: (_fd, level, name) => options.get(`${level}/${name}`) ?? 212992,
    getsockoptBytes: () => 0,
    sendTo: (_fd, buf, offset, length) => {
      const datagram = buf.slice(offset, offset + length);
      const v = dataView(datagram);
      for (let off = 0; off + NLMSG_HDRLEN <= datagram.length;) {
        const len = v.getUint32(off, true);
        if (len < NLMSG_HDRLEN || off + len > datagram.length) break;
        const bytes = datagram.subarray(off, off + len);
        const header: MessageHeader = { length: len, type: v.getUint16(off + 4, true), flags: v.getUint16(off + 6, true), seq: v.getUint32(off + 8, true), pid: v.getUint32(off + 12, true) };
        const req: FakeRequest = { header, bytes, payload: bytes.subarray(NLMSG_HDRLEN) };
        requests.push(req);
        const out = handler(req, kernel);
        if (out === false) { off += align4(len); continue; }
        const replies = (out ?? []).map(toBytes);
        const answered = replies.some((r) => { const t = dataView(r).getUint16(4, true); return t === NLMSG_ERROR || t === NLMSG_DONE; });
        if (!answered && header.flags & NLM_F.ACK) replies.push(toBytes(ack(req)));
        for (const r of replies) {
          const rv = dataView(r);
          rv.setUint32(8, header.seq, true);
          rv.setUint32(12, 0, true);
          deliver(r);
        }
        off += align4(len);
      }
      return length;
    },
    recvInto: (_fd, buf, offset, length, info) => {
      // As the kernel's recvmsg: a pending socket error is reported (and cleared) first.
      if (overrunPending) { overrunPending = false; return -ENOBUFS; }
      const d = queue.shift();
      if (!d) return -EAGAIN;
      const n = Math.min(length, d.bytes.length);
      buf.set(d.bytes.subarray(0, n), offset);
      info[RecvInfo.PORT_ID] = 0;
      info[RecvInfo.GROUP] = d.group;
      info[RecvInfo.FLAGS] = n < d.bytes.length ? 0x20 : 0;
      info[RecvInfo.NSID] = -1;
      info[RecvInfo.LENGTH] = d.bytes.length;
      info[RecvInfo.GROUPS] = 0;
      return n;
    },
    recvAsync: () => { throw new Error('fake kernel: recvAsync is not supported'); },
    // As the addon's thread-pool job, a turn of the event loop later: the first slot reports
    // -ETIMEDOUT when nothing is queued (timeouts are not waited for), the next ones end at EAGAIN.
    recvBatchAsync: (fd, buf, offset, slotSize, nslots, _timeoutMs, info, results, callback) => {
      setImmediate(() => {
        let count = 0;
        while (count < nslots) {
          const n = binding.recvInto(fd, buf, offset + count * slotSize, slotSize, info.subarray(count * RECV_INFO_LENGTH, (count + 1) * RECV_INFO_LENGTH));
          if (n === -EAGAIN) break;
          if (n < 0 && count === 0) { callback(n); return; }
          results[count++] = n;
          if (n < 0) break;
        }
        callback(count > 0 ? count : -ETIMEDOUT);
      });
    },
    close: () => undefined,
    Poller: FakePoller,
    SOL_NETLINK: 270,
  };
  const socket = NetlinkSocket.open({ ...opts, protocol: protocolNumber(opts.protocol ?? 'route'), binding });
  return { socket, kernel };
}

function toBytes(m: FakeReply): Uint8Array {
  return m instanceof Uint8Array ? m.slice() : encodeToBytes(m);
}

/** A message with the given type, flags and payload (seq/port id filled in on delivery). */
export function reply(type: number, payload: Uint8Array = new Uint8Array(0), flags = 0): Uint8Array {
  const out = new Uint8Array(align4(NLMSG_HDRLEN + payload.length));
  const v = dataView(out);
  v.setUint32(0, NLMSG_HDRLEN + payload.length, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  out.set(payload, NLMSG_HDRLEN);
  return out;
}

/** The successful ACK of a request. */
export function ack(req: FakeRequest): Uint8Array {
  return error(req, 0);
}

/**
 * An NLMSG_ERROR answering `req` with `errno` (positive, e.g. 17 for EEXIST), echoing the request
 * header as NETLINK_CAP_ACK does, with an extended ACK: the kernel's message, and the offset
 * (within the request) of the offending attribute.
 */
export function error(req: FakeRequest, errno: number, extack: { message?: string; offset?: number } = {}): Uint8Array {
  const tlvs: Uint8Array[] = [];
  if (extack.message !== undefined) {
    const s = new TextEncoder().encode(extack.message + '\0');
    tlvs.push(tlv(NLMSGERR_ATTR_MSG, s));
  }
  if (extack.offset !== undefined) {
    const b = new Uint8Array(4);
    dataView(b).setUint32(0, extack.offset, true);
    tlvs.push(tlv(NLMSGERR_ATTR_OFFS, b));
  }
  const tlvLen = tlvs.reduce((n, t) => n + t.length, 0);
  const payload = new Uint8Array(4 + NLMSG_HDRLEN + tlvLen);
  const v = dataView(payload);
  v.setInt32(0, -Math.abs(errno), true);
  payload.set(req.bytes.subarray(0, NLMSG_HDRLEN), 4);
  let off = 4 + NLMSG_HDRLEN;
  for (const t of tlvs) { payload.set(t, off); off += t.length; }
  return reply(NLMSG_ERROR, payload, NLM_F.CAPPED | (tlvs.length ? NLM_F.ACK_TLVS : 0));
}

/** A dump's answer: each message flagged NLM_F_MULTI, then NLMSG_DONE. */
export function dump(messages: FakeReply[], opts: { interrupted?: boolean } = {}): Uint8Array[] {
  const flags = NLM_F.MULTI | (opts.interrupted ? NLM_F.DUMP_INTR : 0);
  const out = messages.map((m) => {
    const b = toBytes(m);
    const v = dataView(b);
    v.setUint16(6, v.getUint16(6, true) | flags, true);
    return b;
  });
  out.push(reply(NLMSG_DONE, new Uint8Array(4), flags));
  return out;
}

function tlv(type: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(align4(4 + value.length));
  const v = dataView(out);
  v.setUint16(0, 4 + value.length, true);
  v.setUint16(2, type, true);
  out.set(value, 4);
  return out;
}

/**
 * A handler that replays a recorded conversation (a pcap as `--pcap-out` or PcapWriter writes
 * it): the n-th request gets the replies that answered the n-th recorded request (matched by
 * sequence number in the recording). A request of another type than recorded gets EINVAL with
 * a message saying what was expected, so a test fails loudly when the code's traffic changes.
 */
export function replayPcap(pcap: Uint8Array, opts: { protocol?: number } = {}): FakeHandler {
  const records = readPcap(pcap).records.filter((r) => opts.protocol === undefined || r.protocol === opts.protocol);
  const requests: MessageHeader[] = [];
  const replies = new Map<number, Uint8Array[]>();
  for (const r of records) {
    const v = dataView(r.data);
    for (let off = 0; off + NLMSG_HDRLEN <= r.data.length;) {
      const len = v.getUint32(off, true);
      if (len < NLMSG_HDRLEN || off + len > r.data.length) break;
      const h: MessageHeader = { length: len, type: v.getUint16(off + 4, true), flags: v.getUint16(off + 6, true), seq: v.getUint32(off + 8, true), pid: v.getUint32(off + 12, true) };
      if (r.direction === 'out') requests.push(h);
      else if (r.direction === 'in' && h.seq !== 0) {
        const list = replies.get(h.seq) ?? [];
        list.push(r.data.slice(off, off + len));
        replies.set(h.seq, list);
      }
      off += align4(len);
    }
  }
  let next = 0;
  return (req) => {
    const recorded = requests[next++];
    if (!recorded) return [error(req, 22, { message: `replay: the recording has only ${requests.length} requests` })];
    if (recorded.type !== req.header.type) return [error(req, 22, { message: `replay: request ${next} has type ${req.header.type}, the recording has ${recorded.type}` })];
    return (replies.get(recorded.seq) ?? []).map((b) => b.slice());
  };
}
