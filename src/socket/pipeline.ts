// Pipelined dump receive: while JS decodes chunk N, the recvmsg that fetches chunk N+1 (and makes
// the kernel build chunk N+2: a netlink dump is produced inside the reader's recvmsg) already runs
// on the libuv thread pool (`recvAsync`). End to end, a dump then costs about
// max(kernel, decode) + per-chunk hand-off instead of kernel + decode, and the event loop only
// ever runs one chunk's decode at a time (~0.1-0.5 ms for a 32 KiB chunk).
//
// NetlinkSocket keeps its fd and port id private, so this module opens its own socket
// (`openDumpSocket`) with the same conventions (EXT_ACK, CAP_ACK, STRICT_CHK, netns) and reports
// errors the same way: NetlinkError for an error in DONE / NLMSG_ERROR, `interrupted` for
// NLM_F_DUMP_INTR, NetlinkTimeoutError when the kernel goes quiet.
import type { Encodable } from '../core/attr.js';
import { NETLINK_OPT, NLM_F, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_NOOP, Protocol, SOL_NETLINK, SOL_SOCKET, SO_RCVBUF, SO_RCVBUFFORCE } from '../core/constants.js';
import { DecodeError, NetlinkError, NetlinkTimeoutError } from '../core/errors.js';
import { decodeDonePayload, decodeErrorPayload } from '../core/nlmsgerr.js';
import { encodeToBytes, systemError } from './netlink-socket.js';
import { loadNative, RECV_INFO_LENGTH, RecvInfo, type NativeBinding } from './native.js';

const MSG_TRUNC = 0x20;
const ETIMEDOUT = 110;
const EINTR = 4;
const EAGAIN = 11;

export interface DumpSocketOptions {
  /** Netlink protocol number (default NETLINK_ROUTE). */
  protocol?: number;
  /** `ip netns` name, a path (/proc/PID/ns/net) or an open fd. */
  netns?: string | number;
  /** NETLINK_EXT_ACK (default true). */
  extendedAck?: boolean;
  /** NETLINK_GET_STRICT_CHK (default true for NETLINK_ROUTE). */
  strict?: boolean;
  /** SO_RCVBUF(FORCE) in bytes; the default is fine for dumps (one chunk is queued at a time). */
  receiveBufferSize?: number;
  /** Native binding (tests); defaults to the addon. */
  binding?: NativeBinding;
}

/** A bare netlink socket for pipelined dumps: exposes what NetlinkSocket keeps private. */
export class DumpSocket {
  private seq = (Math.random() * 0x7fff0000) >>> 0;
  private open = true;
  /** Receives in flight; the fd is closed only once they have completed. */
  inFlight = 0;
  private closeRequested = false;
  private constructor(readonly native: NativeBinding, readonly fd: number, readonly portId: number, readonly protocol: number) {}

  static open(opts: DumpSocketOptions = {}): DumpSocket {
    const native = opts.binding ?? loadNative();
    const protocol = opts.protocol ?? Protocol.ROUTE;
    const fd = opts.netns === undefined ? native.open(protocol) : native.open(protocol, netnsPath(opts.netns));
    try {
      const tryopt = (name: number, want: boolean | undefined, dflt: boolean): void => {
        if (!(want ?? dflt)) return;
        try { native.setsockoptInt(fd, SOL_NETLINK, name, 1); } catch (e) { if (want) throw e; }
      };
      tryopt(NETLINK_OPT.EXT_ACK, opts.extendedAck, true);
      tryopt(NETLINK_OPT.CAP_ACK, undefined, true);
      tryopt(NETLINK_OPT.GET_STRICT_CHK, opts.strict, protocol === Protocol.ROUTE);
      if (opts.receiveBufferSize) {
        try { native.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, opts.receiveBufferSize); } catch {
          native.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUF, opts.receiveBufferSize);
        }
      }
      native.bind(fd, 0, 0);
      return new DumpSocket(native, fd, native.getPortId(fd), protocol);
    } catch (e) {
      native.close(fd);
      throw e;
    }
  }

  get isOpen(): boolean { return this.open && !this.closeRequested; }

  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  /** Closes the fd (deferred until receives in flight have completed). Idempotent. */
  close(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    if (this.inFlight === 0) this.finalClose();
    else this.wake(this.inFlight);
  }

  /** @internal called by the pipeline when a receive completes. */
  settle(): void {
    this.inFlight--;
    if (this.closeRequested && this.inFlight === 0) this.finalClose();
  }

  /**
   * Sends an NLMSG_NOOP to our own port: a receive blocked in poll() on the thread pool returns
   * with it (and the pipeline discards it). Used to release receives that are still in flight
   * when a dump ends or is abandoned.
   */
  wake(count = 1): void {
    if (!this.open) return;
    const b = new Uint8Array(NLMSG_HDRLEN);
    const v = new DataView(b.buffer);
    v.setUint32(0, NLMSG_HDRLEN, true);
    v.setUint16(4, NLMSG_NOOP, true);
    v.setUint32(12, this.portId, true);
    for (let i = 0; i < count; i++) this.native.sendTo(this.fd, b, 0, b.length, this.portId, 0);
  }

  private finalClose(): void {
    if (!this.open) return;
    this.open = false;
    this.native.close(this.fd);
  }

  [Symbol.dispose](): void { this.close(); }
}

function netnsPath(ns: string | number): string | number {
  if (typeof ns === 'number') return ns;
  return ns.includes('/') ? ns : `/var/run/netns/${ns}`;
}

export interface PipelineOptions {
  /**
   * 'hybrid' (default): when a pooled receive completes, the chunks the kernel has already
   * queued are read synchronously (non-blocking recvmsg) for up to `sliceMs`, then the next
   * receive goes to the pool and the event loop gets its turn. No thread hand-off per chunk.
   * 'threadpool': every receive runs on the pool (the next one is issued before the current
   * chunk is decoded), overlapping the kernel's work with decoding but paying a thread
   * hand-off per chunk.
   * 'batch': one thread-pool job reads as many chunks as the kernel has ready (up to
   * `batchSlots`) into one half of a double buffer while JS decodes the other half: the kernel's
   * work overlaps decoding with one hand-off per batch. Needs plain slots (no `slot` option).
   */
  mode?: 'hybrid' | 'threadpool' | 'batch';
  /** 'batch' mode: slots filled per thread-pool job (default 16). */
  batchSlots?: number;
  /** Time slice of synchronous reading in hybrid mode, ms (default 4). */
  sliceMs?: number;
  /** Receives in flight at once. Only 1 is supported (see pipelinedDump); kept for the API. */
  depth?: number;
  /** Size of each receive slot (default 64 KiB; the kernel builds chunks of at most ~32 KiB). */
  slotSize?: number;
  /**
   * Where received bytes go: returns the view for slot `i` (0 <= i < depth + 1), called on every
   * receive and delivery so views rebuilt after a WebAssembly.Memory growth are picked up.
   * Default: plain Uint8Arrays.
   */
  slot?: (i: number) => Uint8Array;
  /**
   * Called after each delivered chunk. Return true to ask for a quiescent point (no receive in
   * flight), e.g. to grow the WebAssembly.Memory the slots live in; `onQuiescent` then runs
   * before any further receive is issued. Chunks already in flight are delivered first.
   */
  wantQuiescence?: () => boolean;
  onQuiescent?: () => void;
  /** Gap allowed between two datagrams, ms (default 30 s). */
  timeout?: number;
  /** Operation name used in errors (default 'dump'). */
  operation?: string;
  signal?: AbortSignal;
}

export interface PipelineResult {
  /** NLM_F_DUMP_INTR was set on a message: the table changed during the dump. */
  interrupted: boolean;
  /** Datagrams delivered to onChunk. */
  chunks: number;
  /** Payload bytes delivered to onChunk. */
  bytes: number;
}

/**
 * `onChunk` receives the data messages of each datagram (DONE/ERROR stripped), as a view valid
 * only until it returns (or until its promise settles: a returned promise holds the slot and
 * delays later chunks, which gives back-pressure to async consumers).
 */
export type ChunkHandler = (bytes: Uint8Array, index: number) => void | Promise<void>;

/**
 * Runs one dump over `sock` with receives pipelined on the thread pool. The request's
 * NLM_F_REQUEST|NLM_F_DUMP, seq and port id are set here. Resolves after NLMSG_DONE; rejects
 * with NetlinkError (errno in DONE / NLMSG_ERROR), NetlinkTimeoutError, DecodeError, or
 * whatever onChunk throws. The socket can run another dump afterwards.
 */
export function pipelinedDump(sock: DumpSocket, request: Encodable | Uint8Array, onChunk: ChunkHandler, opts: PipelineOptions = {}): Promise<PipelineResult> {
  // 'batch' is the default wherever the slots are plain buffers (WASM-memory slots that may be
  // moved by memory growth keep the one-receive-at-a-time strategies).
  const mode = opts.mode ?? (opts.slot || opts.wantQuiescence ? 'hybrid' : 'batch');
  if (mode === 'batch' && !opts.slot && !opts.wantQuiescence && typeof sock.native.recvBatchAsync === 'function') {
    return batchedDump(sock, request, onChunk, opts);
  }
  const native = sock.native;
  const hybrid = mode !== 'threadpool';
  // One receive in flight at a time: with two, both can sit in poll() and the kernel hands the
  // next chunk to either, so issue order no longer says chunk order (and a DONE taken by the
  // later receive leaves the earlier one waiting for data that never comes). Measured, a second
  // receive in flight did not help anyway (the hand-off latency is in the wake-ups).
  const depth = 1;
  void opts.depth;
  const sliceMs = opts.sliceMs ?? 4;
  let sliceStart = performance.now();
  const nslots = depth + 1;
  const slotSize = opts.slotSize ?? 65536;
  const timeoutMs = opts.timeout ?? 30_000;
  const operation = opts.operation ?? 'dump';
  let slotView: (i: number) => Uint8Array;
  if (opts.slot) slotView = opts.slot;
  else {
    const own = Array.from({ length: nslots }, () => new Uint8Array(slotSize));
    slotView = (i) => own[i]!;
  }
  const infos = Array.from({ length: nslots }, () => new Int32Array(RECV_INFO_LENGTH));

  return new Promise<PipelineResult>((resolve, reject) => {
    if (!sock.isOpen) { reject(new Error('netlink socket is closed')); return; }
    let bytes: Uint8Array;
    try { bytes = request instanceof Uint8Array ? request.slice() : encodeToBytes(request); } catch (e) { reject(e as Error); return; }
    if (bytes.length < NLMSG_HDRLEN) { reject(new RangeError('a request needs at least a 16-byte nlmsghdr')); return; }
    const rv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const seq = sock.nextSeq();
    rv.setUint16(6, rv.getUint16(6, true) | NLM_F.REQUEST | NLM_F.DUMP, true);
    rv.setUint32(8, seq, true);
    rv.setUint32(12, sock.portId, true);

    const free: number[] = [];
    for (let i = nslots - 1; i >= 0; i--) free.push(i);
    // Completed receives, by issue ordinal, waiting for their turn (delivery is in issue order).
    const ready = new Map<number, { slot: number; n: number }>();
    let issued = 0; // ordinals handed out
    let nextDeliver = 0;
    let inFlight = 0;
    let finished = false; // DONE/ERROR seen or failed
    let settled = false;
    let delivering = false; // a chunk (possibly async) is being consumed
    let quiescing = false;
    let inPump = false;
    let interrupted = false;
    let chunks = 0;
    let total = 0;
    let failure: Error | undefined;
    let outcome: PipelineResult | undefined;

    const onAbort = (): void => fail(opts.signal?.reason instanceof Error ? opts.signal.reason : new Error(`${operation}: aborted`));
    if (opts.signal?.aborted) { onAbort(); return; }
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const settle = (): void => {
      // Resolve/reject only once nothing of ours is in flight or being consumed.
      if (settled || inFlight > 0 || delivering) return;
      if (!failure && !outcome) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else resolve(outcome!);
    };
    function fail(e: Error): void {
      if (!failure && !outcome) failure = e;
      if (!finished) {
        finished = true;
        if (inFlight > 0) sock.wake(inFlight);
      }
      settle();
    }

    const issue = (): void => {
      if (quiescing) {
        if (inFlight > 0) return;
        // Quiescent point requested and reached: nothing in flight now.
        quiescing = false;
        opts.onQuiescent?.();
      }
      if (hybrid) {
        // Read what the kernel has already queued, right here, until the time slice is used up;
        // then hand the next receive to the pool (which also gives the event loop its turn).
        while (!finished && inFlight === 0 && free.length > 0 && ready.size === 0 && performance.now() - sliceStart < sliceMs) {
          const slot = free.pop()!;
          const view = slotView(slot);
          const n = native.recvInto(sock.fd, view, 0, Math.min(slotSize, view.length), infos[slot]!);
          if (n === -EAGAIN) { free.push(slot); break; }
          ready.set(issued++, { slot, n });
          if (!inPump) pump();
          return;
        }
      }
      while (!finished && inFlight < depth && free.length > 0) {
        const slot = free.pop()!;
        const ordinal = issued++;
        inFlight++;
        sock.inFlight++;
        const view = slotView(slot);
        native.recvAsync(sock.fd, view, 0, Math.min(slotSize, view.length), timeoutMs, infos[slot]!, (n: number) => {
          inFlight--;
          sock.settle();
          sliceStart = performance.now();
          ready.set(ordinal, { slot, n });
          pump();
        });
      }
    };

    const release = (slot: number): void => { free.push(slot); };

    // Delivers completed receives in order; issues new receives before decoding.
    const pump = (): void => {
      if (delivering || inPump) return;
      inPump = true;
      try {
        do { pumpLoop(); issue(); } while (!delivering && ready.has(nextDeliver));
      } finally { inPump = false; }
      settle();
    };
    const pumpLoop = (): void => {
      for (;;) {
        const r = ready.get(nextDeliver);
        if (!r) break;
        ready.delete(nextDeliver);
        nextDeliver++;
        const { slot, n } = r;
        if (finished) { release(slot); continue; } // late receive after the end: drop it
        if (n < 0) {
          release(slot);
          const errno = -n;
          if (errno === EINTR || errno === EAGAIN) continue;
          if (errno === ETIMEDOUT) fail(new NetlinkTimeoutError(operation, timeoutMs));
          else fail(systemError(errno, 'recvmsg'));
          continue;
        }
        const info = infos[slot]!;
        if ((info[RecvInfo.PORT_ID]! >>> 0) !== 0 || info[RecvInfo.GROUP] !== 0) { release(slot); continue; } // wake-up or stray
        if (info[RecvInfo.FLAGS]! & MSG_TRUNC) {
          release(slot);
          fail(new NetlinkError(90 /* EMSGSIZE */, operation, { message: `a ${info[RecvInfo.LENGTH]}-byte reply did not fit the ${slotSize}-byte receive slot` }));
          continue;
        }
        // Keep the kernel busy while this chunk is decoded (may first run onQuiescent: views
        // are fetched after it).
        issue();
        const buf = slotView(slot);
        // Scan headers: seq check, DUMP_INTR, DONE/ERROR.
        let end = n;
        let terminal = -1;
        const v = new DataView(buf.buffer, buf.byteOffset, n);
        let off = 0;
        let bad: Error | undefined;
        let foreign = false;
        while (off + NLMSG_HDRLEN <= n) {
          const len = v.getUint32(off, true);
          if (len < NLMSG_HDRLEN || off + len > n) { bad = new DecodeError('message-bad-length', off, 'malformed dump datagram'); break; }
          if (v.getUint32(off + 8, true) !== seq) { foreign = true; break; }
          const type = v.getUint16(off + 4, true);
          if (v.getUint16(off + 6, true) & NLM_F.DUMP_INTR) interrupted = true;
          if (type === NLMSG_DONE || type === NLMSG_ERROR) { end = off; terminal = off; break; }
          off += (len + 3) & ~3;
        }
        if (bad) { release(slot); fail(bad); continue; }
        if (foreign && off === 0) { release(slot); issue(); continue; } // an old dump's leftovers
        if (foreign) end = off;
        let err: Error | undefined;
        let done = false;
        if (terminal >= 0) {
          done = true;
          const len = v.getUint32(terminal, true);
          const type = v.getUint16(terminal + 4, true);
          const flags = v.getUint16(terminal + 6, true);
          const payload = buf.subarray(terminal + NLMSG_HDRLEN, terminal + len);
          try {
            if (type === NLMSG_ERROR) {
              const e = decodeErrorPayload(payload, flags, terminal + NLMSG_HDRLEN);
              if (e.error !== 0) err = new NetlinkError(e.error, operation, e.extack, e.request);
            } else {
              const d = decodeDonePayload(payload, flags, terminal + NLMSG_HDRLEN);
              if (d.error < 0) err = new NetlinkError(d.error, operation, d.extack);
            }
          } catch (e) { err = e as Error; }
          finished = true;
          if (inFlight > 0) sock.wake(inFlight);
        }
        if (end > 0) {
          let ret: void | Promise<void>;
          try {
            ret = onChunk(buf.subarray(0, end), chunks++);
            total += end;
          } catch (e) { release(slot); fail(e as Error); continue; }
          if (ret && typeof (ret as Promise<void>).then === 'function') {
            delivering = true;
            (ret as Promise<void>).then(() => {
              delivering = false;
              release(slot);
              afterChunk(done, err);
              issue();
              pump();
              settle();
            }, (e: Error) => { delivering = false; release(slot); fail(e); });
            return;
          }
        }
        release(slot);
        afterChunk(done, err);
      }
      issue();
      settle();
    };

    const afterChunk = (done: boolean, err: Error | undefined): void => {
      if (done) {
        if (err) failure ??= err;
        else outcome ??= { interrupted, chunks, bytes: total };
        return;
      }
      if (opts.wantQuiescence?.()) quiescing = true;
    };

    const sent = native.sendTo(sock.fd, bytes, 0, bytes.length, 0, 0);
    if (sent < 0) { fail(systemError(-sent, 'sendto')); return; }
    issue();
  });
}

/**
 * The 'batch' strategy: a double buffer of `batchSlots` slots per half. While JS delivers the
 * chunks of one half, one thread-pool job fills the other with every chunk the kernel builds
 * (each recvmsg of a dump builds the next chunk, so they are ready back to back).
 */
async function batchedDump(sock: DumpSocket, request: Encodable | Uint8Array, onChunk: ChunkHandler, opts: PipelineOptions): Promise<PipelineResult> {
  const native = sock.native;
  const slotSize = opts.slotSize ?? 65536;
  const nslots = opts.batchSlots ?? 16;
  const timeoutMs = opts.timeout ?? 30_000;
  const operation = opts.operation ?? 'dump';
  const halves = [0, 1].map(() => ({
    buf: new Uint8Array(slotSize * nslots),
    info: new Int32Array(nslots * RECV_INFO_LENGTH),
    results: new Int32Array(nslots),
  }));
  if (!sock.isOpen) throw new Error('netlink socket is closed');
  const bytes = request instanceof Uint8Array ? request.slice() : encodeToBytes(request);
  if (bytes.length < NLMSG_HDRLEN) throw new RangeError('a request needs at least a 16-byte nlmsghdr');
  const rv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const seq = sock.nextSeq();
  rv.setUint16(6, rv.getUint16(6, true) | NLM_F.REQUEST | NLM_F.DUMP, true);
  rv.setUint32(8, seq, true);
  rv.setUint32(12, sock.portId, true);

  let inFlight: Promise<number> | undefined;
  const receive = (h: number): Promise<number> => {
    const half = halves[h]!;
    sock.inFlight++;
    inFlight = new Promise<number>((resolve) => native.recvBatchAsync(sock.fd, half.buf, 0, slotSize, nslots, timeoutMs, half.info, half.results, (n) => {
      sock.settle();
      resolve(n);
    }));
    return inFlight;
  };
  // On any early exit, release a receive still waiting for data (the buffers stay referenced).
  const abandon = async (): Promise<void> => {
    if (!inFlight) return;
    sock.wake(1);
    await inFlight;
  };

  const sent = native.sendTo(sock.fd, bytes, 0, bytes.length, 0, 0);
  if (sent < 0) throw systemError(-sent, 'sendto');
  let interrupted = false;
  let chunks = 0;
  let total = 0;
  let h = 0;
  let pending: Promise<number> | undefined = receive(0);
  try {
    for (;;) {
      if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error(`${operation}: aborted`);
      const count = await pending!;
      pending = undefined;
      inFlight = undefined;
      if (count < 0) {
        const errno = -count;
        if (errno === EINTR || errno === EAGAIN) { pending = receive(h); continue; }
        if (errno === ETIMEDOUT) throw new NetlinkTimeoutError(operation, timeoutMs);
        throw systemError(errno, 'recvmsg');
      }
      const half = halves[h]!;
      // Start filling the other half now, unless this batch already holds the end of the dump.
      if (!batchHasEnd(half, count, slotSize)) pending = receive(1 - h);
      for (let i = 0; i < count; i++) {
        const n = half.results[i]!;
        if (n < 0) throw systemError(-n, 'recvmsg');
        const info = half.info.subarray(i * RECV_INFO_LENGTH, (i + 1) * RECV_INFO_LENGTH);
        if ((info[RecvInfo.PORT_ID]! >>> 0) !== 0 || info[RecvInfo.GROUP] !== 0) continue; // a wake-up, or stray
        if (info[RecvInfo.FLAGS]! & MSG_TRUNC) {
          throw new NetlinkError(90 /* EMSGSIZE */, operation, { message: `a ${info[RecvInfo.LENGTH]}-byte reply did not fit the ${slotSize}-byte receive slot` });
        }
        const buf = half.buf.subarray(i * slotSize, i * slotSize + n);
        const v = new DataView(buf.buffer, buf.byteOffset, n);
        let off = 0;
        let end = n;
        let terminal = -1;
        let foreign = false;
        while (off + NLMSG_HDRLEN <= n) {
          const len = v.getUint32(off, true);
          if (len < NLMSG_HDRLEN || off + len > n) throw new DecodeError('message-bad-length', off, 'malformed dump datagram');
          if (v.getUint32(off + 8, true) !== seq) { foreign = true; break; }
          const type = v.getUint16(off + 4, true);
          if (v.getUint16(off + 6, true) & NLM_F.DUMP_INTR) interrupted = true;
          if (type === NLMSG_DONE || type === NLMSG_ERROR) { terminal = off; break; }
          off += (len + 3) & ~3;
        }
        if (foreign) end = off;
        else if (terminal >= 0) end = terminal;
        if (end > 0) {
          const ret = onChunk(buf.subarray(0, end), chunks++);
          total += end;
          if (ret && typeof (ret as Promise<void>).then === 'function') await ret;
        }
        if (terminal >= 0) {
          const len = v.getUint32(terminal, true);
          const type = v.getUint16(terminal + 4, true);
          const flags = v.getUint16(terminal + 6, true);
          const payload = buf.subarray(terminal + NLMSG_HDRLEN, terminal + len);
          if (type === NLMSG_ERROR) {
            const e = decodeErrorPayload(payload, flags, terminal + NLMSG_HDRLEN);
            if (e.error !== 0) throw new NetlinkError(e.error, operation, e.extack, e.request);
          } else {
            const d = decodeDonePayload(payload, flags, terminal + NLMSG_HDRLEN);
            if (d.error < 0) throw new NetlinkError(d.error, operation, d.extack);
          }
          return { interrupted, chunks, bytes: total };
        }
      }
      if (!pending) pending = receive(1 - h); // the end was announced but not found: keep reading
      h = 1 - h;
    }
  } finally {
    await abandon();
  }
}

/** Whether the datagrams of a batch contain this dump's NLMSG_DONE or NLMSG_ERROR (a header walk). */
function batchHasEnd(half: { buf: Uint8Array; results: Int32Array }, count: number, slotSize: number): boolean {
  for (let i = 0; i < count; i++) {
    const n = half.results[i]!;
    if (n < 0) return true;
    const base = i * slotSize;
    const v = new DataView(half.buf.buffer, half.buf.byteOffset + base, n);
    let off = 0;
    while (off + NLMSG_HDRLEN <= n) {
      const len = v.getUint32(off, true);
      if (len < NLMSG_HDRLEN || off + len > n) return true; // malformed: stop reading, report it
      const type = v.getUint16(off + 4, true);
      if (type === NLMSG_DONE || type === NLMSG_ERROR) return true;
      off += (len + 3) & ~3;
    }
  }
  return false;
}
