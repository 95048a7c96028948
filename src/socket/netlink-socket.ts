// NetlinkSocket: requests, dumps and subscriptions over one netlink socket, in Node's event loop.
//
// Concurrency model: any number of requests may be in flight (replies are matched by sequence
// number and port id); dumps are queued so that one runs at a time (the kernel answers a second
// concurrent dump on one socket with EBUSY). Multicast messages (seq 0 from a group) go to
// subscriptions. A single libuv poll handle drives all of it; nothing blocks the event loop.
import type { Encodable } from '../core/attr.js';
import {
  NETLINK_OPT, NLM_F, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_MIN_TYPE, NLMSG_OVERRUN, Protocol, SOL_NETLINK, SOL_SOCKET,
  SO_RCVBUF, SO_RCVBUFFORCE, SO_SNDBUF, align4, protocolNumber, type ProtocolName,
} from '../core/constants.js';
import { errnoName } from '../core/errno.js';
import { DecodeError, NetlinkError, NetlinkTimeoutError, type ExtendedAck } from '../core/errors.js';
import { dataView, type MessageHeader } from '../core/header.js';
import { decodeDonePayload, decodeErrorPayload } from '../core/nlmsgerr.js';
import { compileFamily, decodeMessageAt, type CompiledFamily, type DecodedMessage, type MessageFamily } from '../schema/family.js';
import { familyForProtocol } from '../schema/registry.js';
import { locateAttribute } from './extack-resolve.js';
import { batchStream } from './batch-stream.js';
import { batchItems } from '../core/batch-items.js';
import { appendViewsIndexed } from '../decode.js';
import { ColumnExtractor, ownedTable, type ColumnSpec, type ColumnTable } from '../schema/columns.js';
import { MessageViews, type MessageView } from '../schema/view.js';
import { createWalker, WalkStatus, type WalkEngine, type WalkIndex, type Walker } from '../walk/index.js';
import { loadNative, RECV_INFO_LENGTH, RecvInfo, type NativeBinding, type Poller } from './native.js';

const EAGAIN = 11;
const ETIMEDOUT = 110;
/**
 * Datagrams one read-ahead job may receive (two jobs' slots alternate): 16 of a dump's 32 KiB
 * hold the event loop ~5 ms to decode. With 4, the many more turns of the loop were seen to make V8 scavenge
 * four times as often in a 1M-route dump (its objects were no longer pretenured).
 */
const AHEAD_SLOTS = 16;
const ENOBUFS = 105;
const EINTR = 4;
const MSG_TRUNC = 0x20;

/** How {@link NetlinkSocket.open} opens and binds a socket. */
export interface NetlinkSocketOptions {
  /** Netlink protocol: 'route', 'generic', ... or its number. */
  protocol: ProtocolName | number;
  /**
   * Network namespace for the socket: a name from `ip netns` (/var/run/netns/NAME), a path
   * (/proc/PID/ns/net) or an open fd. The calling thread is switched only while the socket is
   * created; the process stays where it is.
   */
  netns?: string | number;
  /** Port id to bind; 0 (default) lets the kernel choose. */
  portId?: number;
  /** Multicast groups (numbers) to join at open. */
  groups?: readonly number[];
  /** Declarations used to decode replies and to name attributes in errors (default: the protocol's built-in ones). */
  family?: MessageFamily;
  /** NETLINK_EXT_ACK (default true): errors carry the kernel's message and attribute offset. */
  extendedAck?: boolean;
  /** NETLINK_CAP_ACK (default true): errors do not echo the whole request. */
  capAck?: boolean;
  /** NETLINK_GET_STRICT_CHK (default true for route): dump filters work or fail loudly. */
  strict?: boolean;
  /** SO_RCVBUF in bytes (SO_RCVBUFFORCE when permitted). Larger buffers lose fewer events. */
  receiveBufferSize?: number;
  /** Walker that indexes received datagrams: 'wasm' (default where it loads; bytes are received into its memory) or 'js'. */
  walker?: WalkEngine;
  /** Initial receive buffer in user space (default 64 KiB); grows when a datagram is truncated. */
  readBufferSize?: number;
  /** Default timeout of requests and of the gap between dump datagrams, ms (default 30 s). */
  timeout?: number;
  /** Accept messages from user-space senders (port id != 0). Default: only for USERSOCK. */
  acceptNonKernel?: boolean;
  /** NETLINK_LISTEN_ALL_NSID: receive events of peer namespaces (they carry `nsid`). */
  listenAllNsid?: boolean;
  /** Native binding to use (tests may pass a fake kernel); defaults to the addon. */
  binding?: NativeBinding;
  /** Receives a copy of every datagram sent and received (for pcap recording). */
  capture?: CaptureSink;
  /**
   * Bytes of replies allowed in flight (flow control). Default: half the receive buffer
   * (SO_RCVBUF as the kernel reports it), so the kernel never drops an ACK for want of room.
   */
  replyWindow?: number;
  /**
   * Read the answers right after each send (default true): the kernel answers most requests
   * inside sendmsg (rtnetlink, genetlink, nfnetlink), so this frees the window without waiting
   * for a poll wake-up. false: only the event loop's poll reads (the receive queue fills sooner).
   */
  readAfterSend?: boolean;
  /**
   * While a dump runs, a thread-pool job receives the next datagrams (the kernel builds each
   * dump chunk inside recvmsg) while this thread decodes the ones before, so the kernel's work
   * and ours overlap. Default: on with the built-in addon, off with a `binding` of your own.
   */
  readAhead?: boolean;
  /**
   * Sequence number of the first request (default: random). For reproducible recordings, and
   * for tests of the wrap at 2^32 (0 is skipped: it marks multicast).
   */
  sequenceStart?: number;
}

let processCapture: CaptureSink | undefined;
/**
 * Records the traffic of every socket opened afterwards in this process (sockets given their
 * own `capture` keep it). For tools: the CLI's `--pcap-out` uses it, so every command records.
 */
export function captureAllSockets(sink: CaptureSink | undefined): void {
  processCapture = sink;
}

/** Where a socket's traffic is recorded, e.g. a PcapWriter (`--pcap-out`). */
export interface CaptureSink {
  /** 'out' = user to kernel, 'in' = kernel to user. `bytes` is only valid during the call. */
  record(direction: 'in' | 'out', protocol: number, bytes: Uint8Array): void;
}

/** Options of one {@link NetlinkSocket.request}. */
export interface RequestOptions {
  /** Milliseconds; defaults to the socket's timeout. */
  timeout?: number;
  signal?: AbortSignal;
  /**
   * 'ack' (default): set NLM_F_ACK and resolve with the replies received before the ACK.
   * 'reply': do not ask for an ACK; resolve with the first reply (or DONE of a multipart reply).
   */
  expect?: 'ack' | 'reply';
  /** Operation name for errors (default: the declared message name, or the type number). */
  operation?: string;
  /**
   * The request only reads (a GET): if the kernel drops its reply (receive buffer overrun), it is
   * sent again instead of failing with ReplyLostError. Default: true for `expect: 'reply'`.
   */
  idempotent?: boolean;
}

/** How a batch of requests is sent: stop at the first error or continue, ACKs, framing. */
export interface BatchOptions {
  /** 'stop' (default): send nothing more after the first error; 'continue': send every item. */
  onError?: 'stop' | 'continue';
  /** Per datagram, ms without an answer (default: the socket's timeout). */
  timeout?: number;
  signal?: AbortSignal;
  /** Operation name for errors (default: each message's declared name). */
  operation?: string;
  /**
   * Called once per item put in a datagram (and per item that could not be built), in order of
   * completion: `error` is undefined when the kernel ACKed it; `messages` are the data replies it
   * got before its ACK, e.g. the echo of an item with NLM_F_ECHO (a shared frozen empty array when
   * none, and always for a failed item: copy to keep). Items skipped before they were put in a
   * datagram are only counted in BatchResult.skipped. A batch the socket's close() ends rejects
   * with the close error: the outcomes reported here are all there is.
   */
  onResult?: (index: number, error: Error | undefined, messages: DecodedMessage[]) => void;
  /** Largest datagram to send, bytes (default: min(SO_SNDBUF / 2, 256 KiB)). */
  maxDatagram?: number;
  /**
   * Most items per datagram (default: as many as the flow-control window takes). 1 sends each
   * item only after the previous one is answered, so onError 'stop' sends nothing after a
   * failure (as `ip -batch` without -force).
   */
  perDatagram?: number;
  /**
   * 'errors' (default): only the last message of each datagram asks for an ACK; the kernel
   * reports the others only when they fail (it always does), and since it processes a datagram
   * in order, that last ACK proves every earlier item without an error succeeded. The results
   * are the same as with 'each' (every message asks for an ACK), with far fewer replies to read.
   */
  acks?: 'each' | 'errors';
  /**
   * A transaction frame (nfnetlink's NFNL_MSG_BATCH_BEGIN / _END): sent unacknowledged before and
   * after the items, all in ONE datagram (RangeError if they do not fit the send buffer), so
   * that the kernel applies all of them or none. Implies acks 'each'.
   */
  frame?: { begin: Uint8Array; end: Uint8Array };
}

/** A failed (or skipped) batch item. `error` is a NetlinkError with the kernel's extack when the kernel refused it. */
export interface BatchFailure { index: number; error: Error }

/** What a batch did: how many items the kernel applied, which failed (index and error), and how many were skipped. */
export interface BatchResult {
  /** Items the kernel ACKed. */
  ok: number;
  /** Items that failed, in index order (NetlinkError, ReplyLostError, ...). */
  failed: BatchFailure[];
  /** Items never sent because of onError 'stop' or an abort (BatchSkippedError each, not listed in failed). */
  skipped: number;
}

/**
 * The kernel dropped the reply of a change (the receive buffer overran): whether it was applied
 * is unknown. Re-read the state to find out. Flow control makes this rare (it needs other traffic
 * filling the receive buffer, e.g. multicast on the same socket).
 */
export class ReplyLostError extends Error {
  override readonly name = 'ReplyLostError';
  readonly code = 'ENOBUFS';
  readonly errno = -ENOBUFS;
  /** The change may or may not have been applied. */
  readonly outcome = 'unknown';
  constructor(readonly syscall: string) {
    super(`${syscall}: the kernel dropped the reply (receive buffer overrun); the change may or may not have been applied`);
  }
}

/** A batch item that was not sent (onError 'stop' after an earlier failure, abort, or close). */
export class BatchSkippedError extends Error {
  override readonly name = 'BatchSkippedError';
  readonly code = 'ECANCELED';
  constructor(readonly index: number, why: string) {
    super(`batch item ${index} not sent: ${why}`);
  }
}

/** What a request resolves with: the replies, and a warning the kernel attached to its ACK. */
export interface RequestResult {
  messages: DecodedMessage[];
  /** Extended-ACK warning attached to a successful ACK (the kernel's message), if any. */
  warning?: ExtendedAck;
}

/** Options of {@link NetlinkSocket.dump} and {@link NetlinkSocket.dumpAll}. */
export interface DumpOptions extends RequestOptions {
  /** Re-run the dump up to this many times if the kernel flags it interrupted (collect() only). */
  retryInterrupted?: number;
}

/** A whole dump ({@link NetlinkSocket.dumpAll}): every message, and whether the kernel flagged it interrupted. */
export interface DumpResult {
  messages: DecodedMessage[];
  /** NLM_F_DUMP_INTR was set on a message: the table changed during the dump; it may be inconsistent. */
  interrupted: boolean;
  /** How many attempts were made (1 without retries). */
  attempts: number;
}

/** Options of the view dumps: the declarations the views decode with. */
export interface ViewDumpOptions extends DumpOptions {
  /** Declarations to decode the views with (default: the socket's; a genl client passes its family's). */
  family?: MessageFamily;
}

/** A whole dump as lazy views ({@link NetlinkSocket.dumpViews}). */
export interface ViewDumpResult {
  views: MessageViews;
  /** NLM_F_DUMP_INTR was set on a message: the table changed during the dump. */
  interrupted: boolean;
  attempts: number;
}

/** A whole dump as columns ({@link NetlinkSocket.dumpColumns}). */
export interface ColumnDumpResult {
  table: ColumnTable;
  /** NLM_F_DUMP_INTR was set on a message: the table changed during the dump. */
  interrupted: boolean;
  attempts: number;
}

/** A received datagram handed to raw consumers: valid only until the consumer returns. */
export interface RawChunk {
  bytes: Uint8Array;
  group: number;
  portId: number;
  nsid: number;
}

/** What {@link NetlinkSocket.subscribe} yields: a multicast message with its group (and peer nsid), or an overrun. */
export type SubscriptionItem =
  | { type: 'message'; message: DecodedMessage; group: number; nsid?: number }
  /** The kernel dropped events (ENOBUFS, or a truncated datagram): state may be stale; resync. */
  | { type: 'overrun'; reason: 'ENOBUFS' | 'truncated' | 'queue-full' };

/** Options of {@link NetlinkSocket.subscribe}. */
export interface SubscribeOptions {
  /** Stop reading when this many items wait unconsumed (the kernel then reports ENOBUFS). Default 50,000. */
  highWaterMark?: number;
  signal?: AbortSignal;
  /** Close the socket when the iteration ends (break, return, abort): a socket per monitor. */
  closeSocket?: boolean;
  /**
   * What an overrun does to the events received before it. 'keep' (default) delivers them before
   * the overrun item. 'discard' drops them, and every event still queued in the kernel when the
   * overrun is reported (they predate the loss), and delivers the overrun item once those are
   * gone: after it, only events the kernel queued later arrive, so a consumer that re-reads the
   * state (a dump) on 'overrun' and applies the events that follow ends equal to the kernel.
   */
  onOverrun?: 'keep' | 'discard';
}

/**
 * A dump read as it arrives ({@link NetlinkSocket.dump}, {@link NetlinkSocket.viewStream},
 * {@link NetlinkSocket.columnStream}): iterate it once.
 */
export interface DumpStream<T = DecodedMessage> extends AsyncIterable<T> {
  /** True once a message of the dump carried NLM_F_DUMP_INTR (final after iteration ends). */
  readonly interrupted: boolean;
}

/** A timer that does not keep the process alive by itself (the open socket does while it matters). */
function unref<T>(t: T): T {
  (t as { unref?: () => void }).unref?.();
  return t;
}

const extractorOf = (c: ColumnExtractor | ColumnSpec): ColumnExtractor => (c instanceof ColumnExtractor ? c : new ColumnExtractor(c));

/** A stream whose iterator `run` makes; `run` reports through its callback whether the dump was interrupted. */
function streamOf<T>(run: (onEnd: (interrupted: boolean) => void) => AsyncIterator<T>): DumpStream<T> {
  let interrupted = false;
  return {
    get interrupted() { return interrupted; },
    [Symbol.asyncIterator]: () => run((i) => { interrupted = i; }),
  };
}

// --- pending operations ------------------------------------------------------------------------

interface Pending {
  seq: number;
  operation: string;
  dump: boolean;
  expect: 'ack' | 'reply';
  /** The message as sent, for extack resolution and resending. */
  request: Uint8Array;
  messages: DecodedMessage[];
  interrupted: boolean;
  /** Called for each data message of a dump (streaming); undefined collects into `messages`. */
  onMessage?: (m: DecodedMessage) => void;
  onRaw?: (chunk: Uint8Array, index: WalkIndex) => void;
  /** Reply bytes reserved in the flow-control window while in flight. */
  cost: number;
  /** May be sent again when its reply is lost (a read). */
  idempotent: boolean;
  resends: number;
  /** The datagram it went out in; undefined while queued. */
  unit: Unit | undefined;
  settled: boolean;
  /** A dump settled before the kernel ended it (aborted, timed out, its consumer failed): its remaining replies are read and dropped. */
  abandoned?: { timer: ReturnType<typeof setTimeout> | undefined; touched: boolean };
  resolve(this: Pending, r: RequestResult & { interrupted: boolean }): void;
  reject(this: Pending, e: Error): void;
}

/** The replies of a request that got none (shared; replaced by an array of its own on the first reply). */
const NO_MESSAGES: DecodedMessage[] = Object.freeze([]) as unknown as DecodedMessage[];

/** The batch a datagram of items belongs to: where each item's outcome goes. */
interface BatchSink {
  /** BatchOptions.operation, or '' to name each item by its message type. */
  operation: string;
  /** Item `index` has its outcome: `error` undefined when the kernel ACKed it. */
  done(index: number, error: Error | undefined, messages: DecodedMessage[]): void;
  /** Why the batch's queued datagrams are not to be sent (a stopped batch), if they are not. */
  cancelled(): Error | undefined;
}

/**
 * A datagram of batch items held as one record, not an object per item: items are consecutive
 * in the batch and get consecutive sequence numbers, so a reply finds its item by arithmetic.
 * An item is settled once its flag is set; the kernel's bytes are read only for a failing item.
 */
interface BatchRun {
  sink: BatchSink;
  /** Batch index of item 0. */
  first: number;
  count: number;
  /** Item i is encoded at at[i] of `view` (its length in its own nlmsghdr). */
  view: DataView;
  at: Int32Array;
  settled: Uint8Array;
  /** Sequence number of item 0 (item i has firstSeq + i), set when sent. */
  firstSeq: number;
  /** Sent: its open items hold window room and are in NetlinkSocket.runs. */
  sent: boolean;
  /** Only the last item asks for an ACK: its answer settles the unanswered others as ACKed. */
  ackLast: boolean;
  /** The items' messages back to back, as sent. */
  bytes: Uint8Array;
  /** Unacknowledged messages around the items (a transaction), see BatchOptions.frame. */
  frame?: { begin: Uint8Array; end: Uint8Array };
  /** Data replies of items (e.g. NLM_F_ECHO): rare, so made on the first. */
  replies?: Map<number, DecodedMessage[]>;
  /** Items a data reply of which could not be decoded: that error is their outcome once answered. */
  replyErrors?: Map<number, Error>;
}

/** One datagram: a request (request(), a dump, a resend) or a run of batch items, and the timer that watches it. */
interface Unit {
  p: Pending | undefined;
  run: BatchRun | undefined;
  /** Items not settled yet. */
  open: number;
  timeoutMs: number;
  timer?: ReturnType<typeof setTimeout>;
  /** A reply arrived since the timer was armed (the timer re-arms instead of firing). */
  touched: boolean;
}

/** Produces the next datagram of a batch when the window has room; undefined when done, null when not yet. */
interface UnitSource { next(): Unit | undefined | null; abort(err: Error): void }

/** Window bytes a reply is assumed to take in the receive queue (skb truesize, with margin). */
const ACK_COST = 2048;
const REPLY_COST = 16384;
const MAX_RESENDS = 3;
/**
 * Batches encode their datagrams into an arena: the first is small (a batch of a few items pays
 * for a few KiB, not a megabyte), and one that runs short is followed by one twice its size, up
 * to ARENA_BYTES. A socket keeps one of up to SPARE_ARENA_BYTES for its next batch.
 */
const FIRST_ARENA_BYTES = 16 * 1024;
const ARENA_BYTES = 1 << 20;
const SPARE_ARENA_BYTES = 64 * 1024;
/** Messages a dump stream holds for a consumer that is behind before its socket stops reading. */
const DUMP_STREAM_HIGH_WATER = 4096;
/** How long an abandoned dump of a socket without a timeout may go without a reply before its slot is freed. */
const DEFAULT_ABANDON_MS = 30_000;
/** Datagrams one pump call sends (and reads the answers of) before yielding to the event loop. */
const PUMP_UNITS_PER_TURN = 64;

class AsyncQueue<T> {
  private items: T[] = [];
  private waiters: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: Error) => void }> = [];
  private ended = false;
  private error: Error | undefined;
  constructor(private readonly onDrain?: () => void) {}
  get length(): number { return this.items.length; }
  /** Drops the items not consumed yet. */
  clear(): void { this.items.length = 0; }
  push(item: T): void {
    if (this.ended) return;
    const w = this.waiters.shift();
    if (w) w.resolve({ value: item, done: false });
    else this.items.push(item);
  }
  end(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.error = err;
    for (const w of this.waiters.splice(0)) err && this.items.length === 0 ? w.reject(err) : w.resolve({ value: undefined, done: true });
  }
  iterator(onReturn: () => void): AsyncIterableIterator<T> {
    const it: AsyncIterableIterator<T> = {
      next: () => this.next(),
      return: async () => { onReturn(); this.end(); return { value: undefined, done: true }; },
      [Symbol.asyncIterator]() { return it; },
    };
    return it;
  }
  next(): Promise<IteratorResult<T>> {
    if (this.items.length) {
      const value = this.items.shift()!;
      if (this.items.length === 0) this.onDrain?.();
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return this.error ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
    this.onDrain?.();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
}

function netnsPath(ns: string | number): string | number {
  if (typeof ns === 'number') return ns;
  return ns.includes('/') ? ns : `/var/run/netns/${ns}`;
}

/**
 * A netlink socket bound to one protocol, in one network namespace. Open it with
 * `NetlinkSocket.open({ protocol: 'route' })`; close it with `close()` or `await using`.
 */
export class NetlinkSocket implements AsyncDisposable {
  readonly protocol: number;
  readonly portId: number;
  readonly family: MessageFamily | undefined;
  private readonly cf: CompiledFamily | undefined;
  private readonly native: NativeBinding;
  private fd: number;
  private poller: Poller | undefined;
  private readBuf: Uint8Array | undefined;
  private readSize: number;
  private readonly walkerEngine: WalkEngine | undefined;
  /** Indexes every datagram in one pass; with WASM, `readBuf` is its receive slot (recvmsg writes into linear memory). */
  private walker!: Walker;
  private readonly info = new Int32Array(RECV_INFO_LENGTH);
  /** The last sequence number used. */
  private seq: number;
  private readonly pending = new Map<number, Pending>();
  private readonly dumpQueue: Array<() => void> = [];
  private dumpRunning = false;
  private readonly subscriptions = new Set<{ queue: AsyncQueue<SubscriptionItem>; hwm: number; discard: boolean; overrun?: 'ENOBUFS' | 'truncated' }>();
  /** After an overrun: events read until the kernel queue is empty predate the loss and are dropped. */
  private discardingEvents = false;
  private readonly rawListeners = new Set<(c: RawChunk) => void>();
  private readonly closeListeners: Array<() => void> = [];
  private readonly timeoutMs: number;
  private readonly acceptNonKernel: boolean;
  private readonly capture: CaptureSink | undefined;
  private closed = false;
  /** What close() failed the work in progress with. */
  private closeError: Error | undefined;
  private paused = false;
  /** Open holdReads() holds. */
  private holds = 0;
  private draining = false;
  /** Flow control: datagrams waiting for window room, and batches producing more of them. */
  private readonly sendQueue: Unit[] = [];
  private readonly sources: UnitSource[] = [];
  private pumping = false;
  private pumpScheduled = false;
  /** The poll handle is started. */
  private polling = false;
  private readonly readAfterSend: boolean;
  private pumpWanted = false;
  /** Reply bytes reserved by the requests in flight, and the most allowed. */
  private inFlight = 0;
  private replyWindow: number;
  private readonly receiveBuffer: number;
  private readonly maxDatagram: number;
  /** The largest datagram the send buffer takes (a transaction must fit). */
  private readonly maxSendBytes: number;
  /** Requests in flight when the kernel reported ENOBUFS: their replies may be lost. */
  private readonly suspects = new Set<Pending>();
  /** Batch datagrams sent with items unanswered (few: the window holds a datagram or two). */
  private readonly runs = new Set<Unit>();
  /** Batch datagrams in flight when the kernel reported ENOBUFS. */
  private readonly suspectRuns = new Set<Unit>();
  /** Set by runOf(): the index of the item found. */
  private runItem = 0;
  private readonly readAhead: boolean;
  /** The read-ahead slots (two groups of AHEAD_SLOTS in the walker's memory), made on first use. */
  private ahead: AheadRing | undefined;
  /** A read-ahead job is in flight: nothing else may read the socket (order), nor close its fd. */
  private aheadJob = false;
  /** The last job found nothing queued: the next one waits for the poller's readiness. */
  private aheadIdle = false;
  /** close() came while a job was in flight: the fd is closed when it returns. */
  private fdToClose = -1;
  /** An arena a finished batch left for the next one (no batch is using it). */
  private spareArena: Uint8Array | undefined;

  private constructor(fd: number, native: NativeBinding, opts: NetlinkSocketOptions, protocol: number) {
    this.fd = fd;
    this.native = native;
    this.protocol = protocol;
    // Built-in declarations for the protocol unless the caller brings its own.
    this.family = opts.family ?? familyForProtocol(protocol);
    this.cf = compileFamily(this.family);
    this.portId = native.getPortId(fd);
    this.readSize = opts.readBufferSize ?? 65536;
    this.walkerEngine = opts.walker;
    this.timeoutMs = opts.timeout ?? 30_000;
    this.acceptNonKernel = opts.acceptNonKernel ?? protocol === Protocol.USERSOCK;
    this.capture = opts.capture ?? processCapture;
    this.readAfterSend = opts.readAfterSend ?? true;
    this.readAhead = (opts.readAhead ?? opts.binding === undefined) && typeof native.recvBatchAsync === 'function';
    this.seq = opts.sequenceStart === undefined ? Math.floor(Math.random() * 0x7fff0000) + 1 : (opts.sequenceStart - 1) >>> 0;
    const sockopt = (name: number, fallback: number): number => { try { return native.getsockoptInt(fd, SOL_SOCKET, name); } catch { return fallback; } };
    // Half the receive buffer: the other half absorbs dump chunks and estimate errors.
    this.receiveBuffer = sockopt(SO_RCVBUF, 212992);
    this.replyWindow = Math.max(ACK_COST * 4, opts.replyWindow ?? Math.floor(this.receiveBuffer / 2));
    const sndbuf = sockopt(SO_SNDBUF, 212992);
    this.maxDatagram = Math.min(256 * 1024, Math.max(4096, Math.floor(sndbuf / 2)));
    this.maxSendBytes = Math.max(4096, sndbuf - 1024);
  }

  /** Opens, configures and binds a socket. Throws a system error (code 'EPERM', ...) on failure. */
  static open(opts: NetlinkSocketOptions): NetlinkSocket {
    const native = opts.binding ?? loadNative();
    const protocol = protocolNumber(opts.protocol);
    const fd = opts.netns === undefined ? native.open(protocol) : native.open(protocol, netnsPath(opts.netns));
    try {
      const setopt = (name: number, v: boolean | undefined, dflt: boolean): void => {
        if (v ?? dflt) native.setsockoptInt(fd, SOL_NETLINK, name, 1);
      };
      // Options the kernel does not support for a protocol are not fatal, except when asked for.
      const tryopt = (name: number, v: boolean | undefined, dflt: boolean): void => {
        try { setopt(name, v, dflt); } catch (e) { if (v) throw e; }
      };
      tryopt(NETLINK_OPT.EXT_ACK, opts.extendedAck, true);
      tryopt(NETLINK_OPT.CAP_ACK, opts.capAck, true);
      tryopt(NETLINK_OPT.GET_STRICT_CHK, opts.strict, protocol === Protocol.ROUTE);
      setopt(NETLINK_OPT.PKTINFO, true, true);
      if (opts.listenAllNsid) setopt(NETLINK_OPT.LISTEN_ALL_NSID, true, true);
      if (opts.receiveBufferSize) {
        try { native.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, opts.receiveBufferSize); } catch {
          native.setsockoptInt(fd, SOL_SOCKET, SO_RCVBUF, opts.receiveBufferSize);
        }
      }
      native.bind(fd, opts.portId ?? 0, 0);
      for (const g of opts.groups ?? []) native.setsockoptInt(fd, SOL_NETLINK, NETLINK_OPT.ADD_MEMBERSHIP, g);
      return new NetlinkSocket(fd, native, opts, protocol);
    } catch (e) {
      native.close(fd);
      throw e;
    }
  }

  /** True once {@link NetlinkSocket.close} has been called. */
  get isClosed(): boolean { return this.closed; }

  /** Joins a multicast group (by number). */
  join(group: number): void {
    this.assertOpen();
    this.native.setsockoptInt(this.fd, SOL_NETLINK, NETLINK_OPT.ADD_MEMBERSHIP, group);
  }
  /** Leaves a multicast group (by number). */
  leave(group: number): void {
    this.assertOpen();
    this.native.setsockoptInt(this.fd, SOL_NETLINK, NETLINK_OPT.DROP_MEMBERSHIP, group);
  }
  /** Sets an integer socket option (level SOL_NETLINK unless given). */
  setOption(name: number, value: number, level = SOL_NETLINK): void {
    this.assertOpen();
    this.native.setsockoptInt(this.fd, level, name, value);
  }
  /** Reads an integer socket option (level SOL_NETLINK unless given). */
  getOption(name: number, level = SOL_NETLINK): number {
    this.assertOpen();
    return this.native.getsockoptInt(this.fd, level, name);
  }

  /** Next sequence number (monotonic, wraps, never 0: 0 marks multicast). */
  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  /**
   * Sends a request and resolves with its replies once the kernel ACKs it. Rejects with
   * NetlinkError (errno, code, extended ACK) when the kernel refuses it.
   */
  request(message: Encodable | Uint8Array, opts: RequestOptions = {}): Promise<RequestResult> {
    return this.start(message, false, opts).then(({ messages, warning }) => (warning ? { messages, warning } : { messages }));
  }

  /** Runs a dump and collects every message; `interrupted` tells if the kernel flagged DUMP_INTR. */
  dumpAll(message: Encodable | Uint8Array, opts: DumpOptions = {}): Promise<DumpResult> {
    return this.retried(opts, async () => {
      const r = await this.start(message, true, opts);
      return { messages: r.messages, interrupted: r.interrupted };
    });
  }

  /** Runs `once` (a whole dump) again while the kernel flags it interrupted, up to `retryInterrupted` times. */
  private async retried<R extends { interrupted: boolean }>(opts: DumpOptions, once: () => Promise<R>): Promise<R & { attempts: number }> {
    const retries = opts.retryInterrupted ?? 0;
    for (let attempt = 1; ; attempt++) {
      const r = await once();
      if (!r.interrupted || attempt > retries) return { ...r, attempts: attempt };
    }
  }

  /** Streams a dump: messages are yielded as datagrams arrive, so memory stays flat. */
  dump(message: Encodable | Uint8Array, opts: DumpOptions = {}): DumpStream {
    const self = this;
    let interrupted = false;
    return {
      get interrupted() { return interrupted; },
      [Symbol.asyncIterator](): AsyncIterator<DecodedMessage> {
        // Backpressure: with the consumer this far behind, reading stops (the kernel keeps the
        // rest of the dump) until it has taken every message waiting.
        let release: (() => void) | undefined;
        const resume = (): void => { release?.(); release = undefined; };
        const queue = new AsyncQueue<DecodedMessage>(resume);
        const done = self.start(message, true, opts, (m) => {
          queue.push(m);
          if (release === undefined && queue.length >= DUMP_STREAM_HIGH_WATER) release = self.holdReads();
        });
        done.then((r) => { interrupted = r.interrupted; resume(); queue.end(); }, (e: Error) => { resume(); queue.end(e); });
        return {
          next: () => queue.next(),
          // the rest of the dump is read and dropped; what waited is let go
          return: async () => { queue.end(); queue.clear(); resume(); return { value: undefined, done: true }; },
        };
      },
    };
  }

  /**
   * A dump at the byte level: `onChunk` gets every received datagram (a view valid only during
   * the call) for walkers and column extractors, with the walker's index of it (also valid only
   * during the call; it may index messages past the chunk's end). Resolves when the dump is done.
   */
  dumpRaw(message: Encodable | Uint8Array, onChunk: (bytes: Uint8Array, index: WalkIndex) => void, opts: DumpOptions = {}): Promise<{ interrupted: boolean }> {
    return this.start(message, true, opts, undefined, onChunk).then((r) => ({ interrupted: r.interrupted }));
  }

  /**
   * A whole dump as lazy views: every datagram is copied once and kept with one offset per
   * message; a view decodes a field (with the socket's declarations) when it is read.
   */
  dumpViews(message: Encodable | Uint8Array, opts: ViewDumpOptions = {}): Promise<ViewDumpResult> {
    const cf = opts.family ? compileFamily(opts.family) : this.cf;
    return this.retried(opts, async () => {
      const views = new MessageViews(cf);
      const r = await this.dumpRaw(message, (chunk, index) => appendViewsIndexed(views, chunk.slice(), index), opts);
      return { views, interrupted: r.interrupted };
    });
  }

  /** A dump as a stream of lazy views, read as it arrives (memory stays flat). */
  viewStream(message: Encodable | Uint8Array, opts: ViewDumpOptions = {}): DumpStream<MessageView> {
    const cf = opts.family ? compileFamily(opts.family) : this.cf;
    return streamOf((onEnd) => batchItems(batchStream(this, message, (chunk, index) => {
      const list = new MessageViews(cf);
      appendViewsIndexed(list, chunk.slice(), index);
      return list.toArray();
    }, opts, onEnd)));
  }

  /**
   * A whole dump as typed-array columns of chosen fields of one message type (a
   * {@link ColumnExtractor}, or the spec to make one), filled as the datagrams arrive.
   */
  dumpColumns(message: Encodable | Uint8Array, columns: ColumnExtractor | ColumnSpec, opts: DumpOptions = {}): Promise<ColumnDumpResult> {
    const x = extractorOf(columns);
    return this.retried(opts, async () => {
      const acc = x.collector();
      const r = await this.dumpRaw(message, (chunk) => acc.add(chunk), opts);
      return { table: acc.result(), interrupted: r.interrupted };
    });
  }

  /** A dump as a stream of column batches, one a datagram, each the caller's to keep (memory stays flat). */
  columnStream(message: Encodable | Uint8Array, columns: ColumnExtractor | ColumnSpec, opts: DumpOptions = {}): DumpStream<ColumnTable> {
    const x = extractorOf(columns);
    return streamOf((onEnd) => batchStream(this, message, (chunk) => ownedTable(x.extract(chunk)), opts, onEnd));
  }

  /**
   * Multicast events as an async iterator. Overruns (events lost to ENOBUFS) arrive in band as
   * `{ type: 'overrun' }`; the subscription keeps working. Breaking out of `for await` ends it.
   */
  subscribe(groups: readonly number[] = [], opts: SubscribeOptions = {}): AsyncIterableIterator<SubscriptionItem> {
    for (const g of groups) this.join(g);
    const hwm = opts.highWaterMark ?? 50_000;
    const sub = { queue: new AsyncQueue<SubscriptionItem>(() => this.resumeIfPaused()), hwm, discard: opts.onOverrun === 'discard' };
    if (opts.signal?.aborted || this.closed) {
      // Settles at once: the iterator is already done.
      sub.queue.end();
      if (opts.closeSocket) this.close();
      return sub.queue.iterator(() => undefined);
    }
    this.subscriptions.add(sub);
    this.ensurePolling();
    const end = (): void => {
      sub.queue.end();
      this.subscriptions.delete(sub);
      if (opts.closeSocket) this.close();
      else this.maybeStopPolling();
    };
    opts.signal?.addEventListener('abort', end, { once: true });
    return sub.queue.iterator(end);
  }

  /** Every datagram received (before decoding); returns an unsubscribe function. */
  onRaw(listener: (c: RawChunk) => void): () => void {
    this.rawListeners.add(listener);
    this.ensurePolling();
    return () => { this.rawListeners.delete(listener); this.maybeStopPolling(); };
  }

  /** Sends bytes to a port id and/or groups (custom protocols such as USERSOCK). */
  sendTo(bytes: Uint8Array, portId = 0, groups = 0): void {
    this.assertOpen();
    const n = this.native.sendTo(this.fd, bytes, 0, bytes.length, portId, groups);
    if (n < 0) throw systemError(-n, 'sendto');
    this.capture?.record('out', this.protocol, bytes);
  }

  /** Closes the socket: pending requests reject, subscriptions end. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.poller?.close();
    this.polling = false;
    this.poller = undefined;
    // a read-ahead job still reads the fd: it is closed when the job returns (a job never waits)
    if (this.aheadJob) this.fdToClose = this.fd;
    else this.native.close(this.fd);
    this.fd = -1;
    const err = new Error('netlink socket closed');
    this.closeError = err;
    // Everything on the socket ends: requests in flight or queued, batches, dumps waiting their
    // turn, subscriptions.
    for (const source of this.sources.splice(0)) source.abort(err);
    for (const p of [...this.pending.values()]) { p.reject(err); clearTimeout(p.abandoned?.timer); }
    this.pending.clear();
    for (const u of [...this.runs]) this.failOpen(u, () => err);
    for (const u of this.sendQueue.splice(0)) if (u.p) u.p.reject(err); else this.failOpen(u, () => err);
    for (const launch of this.dumpQueue.splice(0)) launch();
    for (const s of this.subscriptions) s.queue.end();
    this.subscriptions.clear();
    for (const l of this.closeListeners.splice(0)) l();
  }

  /** Closes it at the end of an `await using` block. */
  async [Symbol.asyncDispose](): Promise<void> { this.close(); }
  /** Closes it at the end of a `using` block. */
  [Symbol.dispose](): void { this.close(); }

  // --- internals ---------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new Error('netlink socket is closed');
  }

  private operationName(type: number): string {
    return this.cf?.byType.get(type)?.name ?? `message type ${type}`;
  }

  private start(
    message: Encodable | Uint8Array, dump: boolean, opts: RequestOptions,
    onMessage?: (m: DecodedMessage) => void, onRaw?: (chunk: Uint8Array, index: WalkIndex) => void,
  ): Promise<RequestResult & { interrupted: boolean }> {
    if (this.closed) return Promise.reject(new Error('netlink socket is closed'));
    if (opts.signal?.aborted) return Promise.reject(abortError(opts.signal, opts.operation ?? 'request'));
    return new Promise((resolve, reject) => {
      const launch = (): void => {
        if (this.closed) { reject(new Error('netlink socket is closed')); return; }
        let bytes: Uint8Array;
        try {
          bytes = message instanceof Uint8Array ? message.slice() : encodeToBytes(message);
        } catch (e) { if (dump) this.nextDump(); reject(e as Error); return; }
        if (bytes.length < NLMSG_HDRLEN) { if (dump) this.nextDump(); reject(new RangeError('a request needs at least a 16-byte nlmsghdr')); return; }
        const expect = opts.expect ?? 'ack';
        const v = dataView(bytes);
        let flags = v.getUint16(6, true) | NLM_F.REQUEST;
        if (dump) flags |= NLM_F.DUMP;
        else if (expect === 'ack') flags |= NLM_F.ACK;
        v.setUint16(6, flags, true);
        const operation = opts.operation ?? this.operationName(v.getUint16(4, true));
        const idempotent = opts.idempotent ?? expect === 'reply';
        const onAbort = (): void => p.reject(abortError(opts.signal!, operation));
        const p: Pending = {
          seq: 0, operation, dump, expect, request: bytes, messages: [], interrupted: false,
          ...(onMessage ? { onMessage } : {}), ...(onRaw ? { onRaw } : {}),
          cost: dump ? 0 : idempotent ? REPLY_COST : ACK_COST, idempotent, resends: 0, unit: undefined, settled: false,
          resolve: (r) => { if (this.settle(p)) { opts.signal?.removeEventListener('abort', onAbort); resolve(r); } },
          reject: (e) => { if (this.settle(p)) { opts.signal?.removeEventListener('abort', onAbort); reject(e); } },
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        this.enqueue({ p, run: undefined, open: 1, timeoutMs: opts.timeout ?? this.timeoutMs, touched: false });
      };
      if (dump) {
        if (this.dumpRunning) this.dumpQueue.push(launch);
        else { this.dumpRunning = true; launch(); }
      } else launch();
    });
  }

  /**
   * Sends many requests, packed into as few datagrams as the send buffer and the flow-control
   * window allow; the kernel ACKs each one. Resolves once every item has an outcome (see
   * BatchResult). With onError 'stop', items already sent in the datagram of the failing item
   * are still processed by the kernel (netlink does not stop mid-datagram); later datagrams are
   * not sent and their items count as skipped.
   */
  batch(messages: Iterable<Encodable | Uint8Array | Error>, opts: BatchOptions = {}): Promise<BatchResult> {
    if (this.closed) return Promise.reject(new Error('netlink socket is closed'));
    const stopOnError = (opts.onError ?? 'stop') === 'stop';
    const frame = opts.frame;
    const ackLast = !frame && (opts.acks ?? 'errors') === 'errors';
    // A framed batch is one datagram whatever its size: atomicity needs it.
    const maxDatagram = frame ? Number.MAX_SAFE_INTEGER : Math.max(NLMSG_HDRLEN, opts.maxDatagram ?? this.maxDatagram);
    const perUnit = frame ? Number.MAX_SAFE_INTEGER : Math.max(1, Math.min(opts.perDatagram ?? Infinity, Math.floor(this.replyWindow / ACK_COST)));
    const timeoutMs = opts.timeout ?? this.timeoutMs;
    const onResult = opts.onResult;
    const iter = messages[Symbol.iterator]();
    const result: BatchResult = { ok: 0, failed: [], skipped: 0 };
    let nextIndex = 0;
    let carried: Encodable | Uint8Array | undefined;
    let exhausted = false;
    /** Items in datagrams made and not settled yet. */
    let inFlightItems = 0;
    let stopReason: string | undefined;
    // The socket's spare arena, if no other batch has taken it.
    let arena = this.spareArena ?? new Uint8Array(0);
    this.spareArena = undefined;
    let arenaView = dataView(arena);
    let arenaOff = 0;
    let finished = false;
    /** Offsets of the items of the datagram being built (each datagram keeps a copy of its own). */
    let at = new Int32Array(64);
    return new Promise<BatchResult>((resolveBatch, rejectBatch) => {
      const finishIfDone = (): void => {
        if (finished || !exhausted || inFlightItems > 0) return;
        finished = true;
        opts.signal?.removeEventListener('abort', onAbort);
        // Every item is settled: nothing reads the arena any more.
        if (arena.length <= SPARE_ARENA_BYTES && arena.length > (this.spareArena?.length ?? 0)) this.spareArena = arena;
        result.failed.sort((a, b) => a.index - b.index);
        // Closed half-way: rejected whether or not the batch had datagrams left to make (onResult
        // has told each item's outcome).
        if (this.closeError) rejectBatch(this.closeError);
        else resolveBatch(result);
      };
      const stop = (why: string): void => {
        if (stopReason) return;
        stopReason = why;
        // Count what will never be sent.
        if (carried !== undefined) { carried = undefined; result.skipped++; nextIndex++; }
        for (let r = iter.next(); !r.done; r = iter.next()) { result.skipped++; nextIndex++; }
        exhausted = true;
      };
      /** Items that were errors already (could not be built): their result, without sending. */
      const buildFailed = (index: number, error: Error): void => {
        result.failed.push({ index, error });
        onResult?.(index, error, []);
        if (stopOnError) stop(`item ${index} failed`);
      };
      const sink: BatchSink = {
        operation: opts.operation ?? '',
        done: (index, error, replies) => {
          inFlightItems--;
          if (!error) result.ok++;
          else if (error instanceof BatchSkippedError) result.skipped++;
          else { result.failed.push({ index, error }); if (stopOnError) stop(`item ${index} failed`); }
          onResult?.(index, error, error ? [] : replies);
          finishIfDone();
        },
        cancelled: () => (stopReason ? new Error(stopReason) : undefined),
      };
      const onAbort = (): void => {
        stop('aborted');
        for (const u of [...this.runs]) if (u.run!.sink === sink) this.failOpen(u, (i) => abortError(opts.signal!, this.itemOperation(u.run!, i)));
        // Datagrams made and waiting for window room (behind other requests, perhaps) are not sent.
        for (const u of this.sendQueue) {
          const r = u.run;
          if (r?.sink === sink && u.open > 0) this.failOpen(u, (i) => new BatchSkippedError(r.first + i, 'aborted'));
        }
        finishIfDone();
      };
      const makeRun = (first: number, count: number, view: DataView, offsets: Int32Array, bytes: Uint8Array, runFrame?: BatchRun['frame']): Unit => {
        inFlightItems += count;
        const run: BatchRun = { sink, first, count, view, at: offsets, settled: new Uint8Array(count), firstSeq: 0, sent: false, ackLast, bytes, ...(runFrame ? { frame: runFrame } : {}) };
        return { p: undefined, run, open: count, timeoutMs, touched: false };
      };
      const next = (): Unit | undefined | null => {
        if (stopReason || exhausted) return undefined;
        // 'stop' means nothing is sent after a failure: the next datagram waits for the answers
        // of the previous one (the kernel mostly answers within sendmsg, so this costs nothing).
        if (stopOnError && inFlightItems > 0) return null;
        if (frame) return framedUnit();
        // Units are carved out of the arena in turn (a larger one when it runs short): no
        // datagram-sized allocation per unit. Once every datagram made is answered (the kernel
        // answers within sendmsg), nothing reads the arena: the next starts at its beginning.
        if (inFlightItems === 0) arenaOff = 0;
        let base = arenaOff;
        let view = arenaView;
        // A datagram's items are consecutive in the batch: one that cannot be built ends it.
        let first = nextIndex;
        let count = 0;
        let off = 0;
        while (count < perUnit) {
          let m: Encodable | Uint8Array;
          if (carried !== undefined) { m = carried; carried = undefined; } else {
            const r = iter.next();
            if (r.done) { exhausted = true; break; }
            if (r.value instanceof Error) { buildFailed(nextIndex++, r.value); if (stopReason || count) break; first = nextIndex; continue; }
            m = r.value;
          }
          let len: number;
          try { len = m instanceof Uint8Array ? m.length : m.byteLength(); } catch (e) {
            buildFailed(nextIndex++, e as Error);
            if (stopReason || count) break;
            first = nextIndex;
            continue;
          }
          if (off + align4(len) > maxDatagram) {
            if (count) { carried = m; break; }
            // Larger than a datagram: send it alone in a buffer of its own.
            const own = m instanceof Uint8Array ? m.slice() : encodeToBytes(m);
            const v = dataView(own);
            v.setUint32(0, len, true);
            v.setUint16(6, v.getUint16(6, true) | NLM_F.REQUEST | NLM_F.ACK, true);
            return makeRun(nextIndex++, 1, v, Int32Array.of(0), own);
          }
          if (len < NLMSG_HDRLEN) { stop(`item ${nextIndex} is shorter than an nlmsghdr`); break; }
          if (base + off + align4(len) > arena.length) {
            // The arena is short: the datagram so far moves to the start of a larger one.
            const size = Math.max(off + align4(len), Math.min(ARENA_BYTES, Math.max(FIRST_ARENA_BYTES, arena.length * 2)));
            const grown = new Uint8Array(size);
            grown.set(arena.subarray(base, base + off));
            for (let k = 0; k < count; k++) at[k]! -= base;
            arena = grown;
            arenaView = view = dataView(grown);
            arenaOff = base = 0;
          }
          const o = base + off;
          if (m instanceof Uint8Array) arena.set(m, o); else m.encodeInto(view, o);
          // REQUEST, and ACK on every item or (acks 'errors') on the datagram's last only.
          view.setUint32(o, len, true);
          const flags = view.getUint16(o + 6, true) | NLM_F.REQUEST;
          view.setUint16(o + 6, ackLast ? flags & ~NLM_F.ACK : flags | NLM_F.ACK, true);
          if (count === at.length) { const grown = new Int32Array(at.length * 2); grown.set(at); at = grown; }
          at[count++] = o;
          nextIndex++;
          off += align4(len);
        }
        arenaOff += off;
        if (count === 0) { finishIfDone(); return undefined; }
        if (ackLast) { const o = at[count - 1]!; view.setUint16(o + 6, view.getUint16(o + 6, true) | NLM_F.ACK, true); }
        return makeRun(first, count, view, at.slice(0, count), arena.subarray(base, base + off));
      };
      const framedUnit = (): Unit | undefined => {
        const owns: Uint8Array[] = [];
        const indexes: number[] = [];
        for (let r = iter.next(); !r.done; r = iter.next()) {
          if (r.value instanceof Error) { buildFailed(nextIndex++, r.value); continue; }
          const own = r.value instanceof Uint8Array ? r.value.slice() : encodeToBytes(r.value);
          const v = dataView(own);
          v.setUint32(0, own.length, true);
          v.setUint16(6, v.getUint16(6, true) | NLM_F.REQUEST | NLM_F.ACK, true);
          owns.push(own);
          indexes.push(nextIndex++);
        }
        exhausted = true;
        if (result.failed.length) {
          inFlightItems += indexes.length;
          for (const i of indexes) sink.done(i, new BatchSkippedError(i, 'an item of the transaction could not be built'), NO_MESSAGES);
          return undefined;
        }
        if (owns.length === 0) { finishIfDone(); return undefined; }
        let total = 0;
        for (const b of owns) total += align4(b.length);
        const size = frame!.begin.length + frame!.end.length + total;
        if (size > this.maxSendBytes) {
          const e = new RangeError(`a transaction of ${size} bytes does not fit the send buffer (${this.maxSendBytes} bytes); raise SO_SNDBUF`);
          inFlightItems += indexes.length;
          for (const i of indexes) sink.done(i, e, NO_MESSAGES);
          return undefined;
        }
        // The items back to back in one buffer: a run like any other.
        const bytes = new Uint8Array(total);
        const offsets = new Int32Array(owns.length);
        let off = 0;
        for (let k = 0; k < owns.length; k++) { offsets[k] = off; bytes.set(owns[k]!, off); off += align4(owns[k]!.length); }
        return makeRun(indexes[0]!, owns.length, dataView(bytes), offsets, bytes, { begin: frame!.begin.slice(), end: frame!.end.slice() });
      };
      if (opts.signal?.aborted) { stop('aborted'); finishIfDone(); return; }
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.sources.push({ next, abort: () => { stop('socket closed'); finishIfDone(); } });
      this.pump();
      finishIfDone();
    });
  }

  /** The operation name of batch item i (for its errors). */
  private itemOperation(r: BatchRun, i: number): string {
    return r.sink.operation || this.operationName(r.view.getUint16(r.at[i]! + 4, true));
  }

  /** The bytes of batch item i as sent (for extack resolution). */
  private itemBytes(r: BatchRun, i: number): Uint8Array {
    const at = r.at[i]!;
    return new Uint8Array(r.view.buffer, r.view.byteOffset + at, r.view.getUint32(at, true));
  }

  /** Marks a pending operation settled and releases its window share; false if it already was. */
  private settle(p: Pending): boolean {
    if (p.settled) return false;
    p.settled = true;
    const u = p.unit;
    // The kernel runs one dump per socket: until this one's DONE (or error) is read, another
    // would fail with EBUSY, so an abandoned dump keeps the dump slot while its rest is dropped.
    // (A DONE or ERROR takes its request out of `pending` before settling it.)
    const abandon = p.dump && u !== undefined && !this.closed && this.pending.get(p.seq) === p;
    if (u) {
      if (!abandon) this.pending.delete(p.seq);
      this.inFlight -= p.cost;
      if (--u.open === 0 && u.timer) clearTimeout(u.timer);
    }
    if (abandon) this.abandonDump(p, u.timeoutMs);
    else if (p.dump) this.nextDump();
    if (u && !this.closed) {
      // While reading replies, send once after the read loop rather than after each reply.
      if (this.draining) this.pumpWanted = true;
      else this.pump();
    }
    if (this.pending.size === 0 && this.runs.size === 0) this.maybeStopPolling();
    return true;
  }

  /**
   * Batch item i has its outcome (nothing if it had one): releases its window share and tells
   * its batch. The caller calls released() once after a group of these.
   */
  private itemDone(u: Unit, i: number, error: Error | undefined): void {
    const r = u.run!;
    if (r.settled[i]) return;
    r.settled[i] = 1;
    u.open--;
    if (r.sent) {
      this.inFlight -= ACK_COST;
      if (u.open === 0) { if (u.timer) clearTimeout(u.timer); this.runs.delete(u); }
    }
    r.sink.done(r.first + i, error, error ? NO_MESSAGES : r.replies?.get(i) ?? NO_MESSAGES);
  }

  /** Every open item of a batch datagram fails (timeout, abort, close, lost replies, ...). */
  private failOpen(u: Unit, error: (i: number) => Error): void {
    const r = u.run!;
    for (let i = 0; i < r.count && u.open > 0; i++) if (!r.settled[i]) this.itemDone(u, i, error(i));
    if (r.sent) this.released();
  }

  /** Window room was released: send more (once after the read loop while reading); stop polling when idle. */
  private released(): void {
    if (!this.closed) {
      if (this.draining) this.pumpWanted = true;
      else this.pump();
    }
    if (this.pending.size === 0 && this.runs.size === 0) this.maybeStopPolling();
  }

  private enqueue(u: Unit): void {
    this.sendQueue.push(u);
    this.pump();
  }

  /** Sends queued datagrams while the flow-control window has room (always at least one). */
  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    let sent = 0;
    try {
      for (;;) {
        let u: Unit | undefined = this.sendQueue[0];
        if (!u) {
          const source = this.sources[0];
          if (!source) return;
          const made = source.next();
          if (made === null) return;
          if (!made) { this.sources.shift(); continue; }
          u = made;
          this.sendQueue.push(u);
        }
        // A queued run's items settle all together (skipped, closed), never some of them.
        if (u.p ? u.p.settled : u.open === 0) { this.sendQueue.shift(); continue; }
        const cost = u.p ? u.p.cost : u.open * ACK_COST;
        if (this.inFlight > 0 && this.inFlight + cost > this.replyWindow) return;
        this.sendQueue.shift();
        const why = u.run?.sink.cancelled();
        if (why) { const r = u.run!; this.failOpen(u, (i) => new BatchSkippedError(r.first + i, why.message)); continue; }
        this.transmit(u, cost);
        // The kernel answers most requests inside sendmsg (rtnetlink, genetlink, nfnetlink): read
        // the answers now rather than after a poll wake-up, so the window frees at once (and a
        // datagram answered at once needs no timer). Bounded per call, so a long batch leaves
        // the event loop turns.
        if (this.readAfterSend) this.drain(u);
        if (u.open > 0) { this.ensurePolling(); this.armTimer(u); }
        if (++sent >= PUMP_UNITS_PER_TURN) {
          if (!this.pumpScheduled) { this.pumpScheduled = true; setImmediate(() => { this.pumpScheduled = false; this.pump(); }); }
          return;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private transmit(u: Unit, cost: number): void {
    const p = u.p;
    let bytes: Uint8Array;
    if (p) {
      p.seq = this.nextSeq();
      p.unit = u;
      const v = dataView(p.request);
      v.setUint32(8, p.seq, true);
      v.setUint32(12, this.portId, true);
      this.pending.set(p.seq, p);
      bytes = p.request;
    } else {
      const r = u.run!;
      // Consecutive sequence numbers, not wrapping inside the run (0 marks multicast): a reply
      // finds its item as seq - firstSeq.
      if (this.seq + r.count > 0xffffffff) this.seq = 0;
      r.firstSeq = this.seq + 1;
      this.seq += r.count;
      const v = r.view;
      const at = r.at;
      const port = this.portId;
      for (let i = 0; i < r.count; i++) {
        v.setUint32(at[i]! + 8, r.firstSeq + i, true);
        v.setUint32(at[i]! + 12, port, true);
      }
      r.sent = true;
      this.runs.add(u);
      bytes = r.bytes;
      if (r.frame) {
        const framed = new Uint8Array(r.frame.begin.length + bytes.length + r.frame.end.length);
        framed.set(r.frame.begin, 0);
        framed.set(bytes, r.frame.begin.length);
        framed.set(r.frame.end, r.frame.begin.length + bytes.length);
        for (const at of [0, framed.length - r.frame.end.length]) {
          const fv = dataView(framed.subarray(at));
          fv.setUint32(8, this.nextSeq(), true);
          fv.setUint32(12, this.portId, true);
        }
        bytes = framed;
      }
    }
    this.inFlight += cost;
    if (!this.readAfterSend) this.ensurePolling();
    const n = this.native.sendTo(this.fd, bytes, 0, bytes.length, 0, 0);
    if (n < 0) {
      const e = systemError(-n, 'sendto');
      if (p) p.reject(e); else this.failOpen(u, () => e);
      return;
    }
    this.capture?.record('out', this.protocol, bytes);
  }

  private nextDump(): void {
    const next = this.dumpQueue.shift();
    if (next) next();
    else this.dumpRunning = false;
  }

  private armTimer(u: Unit): void {
    if (u.timer) clearTimeout(u.timer);
    if (!(u.timeoutMs > 0 && Number.isFinite(u.timeoutMs))) return;
    u.touched = false;
    u.timer = setTimeout(() => {
      if (u.open === 0) return;
      // a held socket is not reading: silence is the consumer's, not the kernel's
      if (u.touched || this.holds > 0) { this.armTimer(u); return; }
      if (u.p) u.p.reject(new NetlinkTimeoutError(u.p.operation, u.timeoutMs));
      else this.failOpen(u, (i) => new NetlinkTimeoutError(this.itemOperation(u.run!, i), u.timeoutMs));
    }, u.timeoutMs);
  }

  /**
   * After ENOBUFS, once the receive queue is empty: the replies of the requests that were in
   * flight when the overrun was reported and are still unanswered are lost (the kernel answers
   * a request inside its sendmsg, so by now every reply has been queued or dropped). Reads are
   * sent again; changes fail with ReplyLostError (their outcome is unknown).
   */
  private settleLost(): void {
    const lost = [...this.suspects].filter((p) => !p.settled && p.unit);
    const lostRuns = [...this.suspectRuns].filter((u) => u.open > 0);
    this.suspects.clear();
    this.suspectRuns.clear();
    // The estimate was too generous for this traffic: halve the window (the kernel had less room).
    if (lost.length || lostRuns.length) this.replyWindow = Math.max(ACK_COST * 4, Math.floor(Math.min(this.replyWindow / 2, this.receiveBuffer / 4)));
    for (const p of lost) {
      if (p.idempotent && p.resends < MAX_RESENDS) {
        const u = p.unit!;
        this.pending.delete(p.seq);
        this.inFlight -= p.cost;
        if (--u.open === 0 && u.timer) clearTimeout(u.timer);
        p.unit = undefined;
        p.resends++;
        this.sendQueue.push({ p, run: undefined, open: 1, timeoutMs: u.timeoutMs, touched: false });
      } else p.reject(new ReplyLostError(p.operation));
    }
    for (const u of lostRuns) this.failOpen(u, (i) => new ReplyLostError(this.itemOperation(u.run!, i)));
    this.pump();
  }

  private ensurePolling(): void {
    if (this.closed || this.paused) return;
    if (!this.poller) {
      this.poller = new this.native.Poller(this.fd, (status) => {
        // libuv reports POLLERR as UV_EBADF and stops the handle. On netlink, POLLERR means a
        // pending socket error (ENOBUFS after an overflow): recvmsg reports and clears it.
        this.aheadIdle = false;
        this.drain();
        if (status < 0) { this.polling = false; this.ensurePolling(); }
      });
    }
    // Started only when stopped: each start/stop pair costs epoll_ctl calls.
    if (!this.polling) { this.poller.start(); this.polling = true; }
    // Only outstanding requests keep the process alive; subscriptions too (a monitor is a job).
    if (this.pending.size || this.runs.size || this.subscriptions.size || this.rawListeners.size) this.poller.ref();
  }

  private maybeStopPolling(): void {
    if (!this.poller || this.closed) return;
    if (this.polling && this.pending.size === 0 && this.runs.size === 0 && this.subscriptions.size === 0 && this.rawListeners.size === 0) { this.poller.stop(); this.polling = false; }
  }

  /**
   * Stops reading datagrams until the returned release is called: a stream whose consumer is
   * behind holds its socket, and the kernel keeps the rest of a dump (or queues events) meanwhile.
   * Other requests on the socket wait too; their timeouts do not run while it is held.
   */
  holdReads(): () => void {
    this.holds++;
    this.pauseReads();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.resumeIfPaused();
    };
  }

  /** Stops reading (a consumer is behind) until resumeIfPaused() finds no reason to wait. */
  private pauseReads(): void {
    if (this.paused) return;
    this.paused = true;
    this.poller?.stop();
    this.polling = false;
  }

  private resumeIfPaused(): void {
    if (!this.paused || this.holds > 0) return;
    for (const s of this.subscriptions) if (s.queue.length >= s.hwm) return;
    this.paused = false;
    this.ensurePolling();
    this.drain();
  }

  private failAll(err: Error): void {
    for (const p of [...this.pending.values()]) p.reject(err);
    for (const u of [...this.runs]) this.failOpen(u, () => err);
    for (const s of this.subscriptions) s.queue.end(err);
  }

  /** Reads every queued datagram (bounded per tick so a flood cannot starve the event loop). */
  private drain(until?: Unit): void {
    if (this.draining || this.closed || this.aheadJob) return;
    if (this.wantsReadAhead()) { this.startAhead(); return; }
    this.draining = true;
    try {
      for (let i = 0; i < 256; i++) {
        if (this.closed || this.paused) return;
        // Reading right after a send: once its datagram is answered, probing for more would
        // cost a recvmsg per datagram (unless an overrun's aftermath needs the queue emptied).
        if (until && until.open === 0 && !this.suspects.size && !this.suspectRuns.size && !this.discardingEvents) return;
        const buf = this.receiveSlot();
        const n = this.native.recvInto(this.fd, buf, 0, buf.length, this.info);
        if (n < 0) {
          if (-n === EAGAIN) { this.queueEmpty(); return; }
          if (this.recvFailed(-n)) continue;
          return;
        }
        if (this.info[RecvInfo.FLAGS]! & MSG_TRUNC) { this.truncated(this.info[RecvInfo.LENGTH]!); continue; }
        this.handleDatagram(buf.subarray(0, n), this.info, 0, this.walker, 0);
        // a dump began: its next datagrams are read ahead
        if (this.wantsReadAhead()) { this.startAhead(); return; }
      }
      // More may be waiting: continue on the next turn of the loop.
      setImmediate(() => this.drain());
    } finally {
      this.draining = false;
      if (this.pumpWanted) { this.pumpWanted = false; this.pump(); }
    }
  }

  /** The kernel queue is empty (EAGAIN): what an overrun left pending settles now. */
  private queueEmpty(): void {
    if (this.discardingEvents) this.endDiscard();
    if (this.suspects.size || this.suspectRuns.size) this.settleLost();
  }

  /** A receive failed with `errno`: true when reading may go on. */
  private recvFailed(errno: number): boolean {
    if (errno === EINTR) return true;
    if (errno === ENOBUFS) {
      for (const p of this.pending.values()) if (!p.dump) this.suspects.add(p);
      for (const u of this.runs) this.suspectRuns.add(u);
      this.overrun('ENOBUFS');
      return true;
    }
    this.failAll(systemError(errno, 'recvmsg'));
    return false;
  }

  /** A datagram of `want` bytes did not fit: it is lost; the receive area grows for the next one. */
  private truncated(want: number): void {
    this.readSize = Math.max(this.readSize * 2, align4(want) + 4096);
    this.readBuf = undefined;
    this.ahead = undefined;
    this.overrun('truncated');
  }

  /**
   * Read-ahead runs while a dump does, when nothing asks for the careful path (an overrun's
   * aftermath, a held or closed socket, event subscribers) and the last job found data.
   */
  private wantsReadAhead(): boolean {
    return this.readAhead && this.dumpRunning && !this.aheadIdle && !this.paused && !this.closed && this.subscriptions.size === 0
      && !this.discardingEvents && this.suspects.size === 0 && this.suspectRuns.size === 0;
  }

  private startAhead(): void {
    const ring = this.ahead ??= this.makeAheadRing();
    const group = ring.next;
    ring.next ^= 1;
    this.aheadJob = true;
    // the job reads; readiness callbacks would only spin meanwhile
    if (this.polling) { this.poller!.stop(); this.polling = false; }
    const at = group * AHEAD_SLOTS;
    this.native.recvBatchAsync(this.fd, ring.bytes, ring.offset + at * ring.slotSize, ring.slotSize, AHEAD_SLOTS, 0,
      ring.info[group]!, ring.results[group]!, (count) => this.aheadDone(ring, group, count));
  }

  /** A job's datagrams: the next job starts first, so that it receives while these are decoded. */
  private aheadDone(ring: AheadRing, group: number, count: number): void {
    this.aheadJob = false;
    if (this.closed) {
      if (this.fdToClose >= 0) { this.native.close(this.fdToClose); this.fdToClose = -1; }
      return;
    }
    if (count < 0) {
      if (-count === ETIMEDOUT || -count === EAGAIN) {
        // nothing queued: wait for readiness (the poller) before the next job
        this.aheadIdle = true;
        this.queueEmpty();
        this.ensurePolling();
      } else if (this.recvFailed(-count)) {
        this.ensurePolling();
        this.drain();
      }
      return;
    }
    if (this.wantsReadAhead()) this.startAhead();
    const info = ring.info[group]!;
    const results = ring.results[group]!;
    this.draining = true;
    try {
      for (let i = 0; i < count; i++) {
        if (this.closed) return;
        const n = results[i]!;
        if (n < 0) { if (this.recvFailed(-n)) continue; return; }
        const at = i * RECV_INFO_LENGTH;
        if (info[at + RecvInfo.FLAGS]! & MSG_TRUNC) { this.truncated(info[at + RecvInfo.LENGTH]!); continue; }
        const slot = 1 + group * AHEAD_SLOTS + i;
        const start = ring.offset + (group * AHEAD_SLOTS + i) * ring.slotSize;
        this.handleDatagram(ring.bytes.subarray(start, start + n), info, at, ring.walker, slot);
      }
    } finally {
      this.draining = false;
      if (this.pumpWanted) { this.pumpWanted = false; this.pump(); }
    }
    if (!this.aheadJob && !this.closed) {
      // read-ahead ends (the dump did, or the careful path is needed): back to readiness
      this.ensurePolling();
      this.drain();
    }
  }

  /** The read-ahead slots: one walker for the socket, slot 0 for plain reads, then two groups. */
  private makeAheadRing(): AheadRing {
    const slotSize = (this.readSize + 63) & ~63;
    const walker = this.makeWalker(1 + 2 * AHEAD_SLOTS, slotSize);
    this.walker = walker;
    let bytes: Uint8Array, offset: number;
    if (walker.engine === 'wasm') {
      this.readBuf = walker.receiveSlot(0);
      // the slots are consecutive in linear memory, which this walker never grows
      const first = walker.receiveSlot(1);
      bytes = new Uint8Array(first.buffer);
      offset = first.byteOffset;
    } else {
      this.readBuf = new Uint8Array(slotSize);
      bytes = new Uint8Array(2 * AHEAD_SLOTS * slotSize);
      offset = 0;
    }
    const info = [new Int32Array(AHEAD_SLOTS * RECV_INFO_LENGTH), new Int32Array(AHEAD_SLOTS * RECV_INFO_LENGTH)];
    const results = [new Int32Array(AHEAD_SLOTS), new Int32Array(AHEAD_SLOTS)];
    return { walker, bytes, offset, slotSize, info, results, next: 0 };
  }

  private overrun(reason: 'ENOBUFS' | 'truncated'): void {
    for (const s of this.subscriptions) {
      if (s.discard) {
        // The overrun item waits until the stale events still queued in the kernel are read and
        // dropped (endDiscard): a consumer that re-reads the state on it then reads it after
        // them, and no event of a change made after that re-read is dropped.
        s.queue.clear();
        this.discardingEvents = true;
        s.overrun ??= reason;
      } else s.queue.push({ type: 'overrun', reason });
    }
    if (reason === 'truncated') {
      // A dump chunk that did not fit cannot be recovered: fail running dumps loudly.
      for (const p of [...this.pending.values()]) {
        if (p.dump) p.reject(new NetlinkError(90 /* EMSGSIZE */, p.operation, { message: 'a reply did not fit the receive buffer and was lost' }));
      }
    }
  }

  /** The kernel queue is empty after an overrun: subscriptions that discard get their overrun item now. */
  private endDiscard(): void {
    this.discardingEvents = false;
    for (const s of this.subscriptions) {
      if (s.overrun) { s.queue.push({ type: 'overrun', reason: s.overrun }); delete s.overrun; }
    }
  }

  /**
   * The receive area: a receive slot of the walker's linear memory where WebAssembly runs (the
   * kernel's bytes land where the walker reads them, no copy), else a plain buffer.
   */
  private receiveArea(size: number): Uint8Array {
    const slotSize = (size + 63) & ~63;
    this.walker = this.makeWalker(1, slotSize);
    return this.walker.engine === 'wasm' ? this.walker.receiveSlot(0) : new Uint8Array(slotSize);
  }

  /** The socket's walker: `slotCount` receive slots of `slotSize` bytes in its memory (with WASM). */
  private makeWalker(slotCount: number, slotSize: number): Walker {
    return createWalker({ headerSizes: this.cf!.headerSizes, slotCount, slotSize, ...(this.walkerEngine ? { engine: this.walkerEngine } : {}) });
  }

  /** The receive area, made on the first read: a socket that only sends, or is opened and closed, costs no walker. */
  private receiveSlot(): Uint8Array {
    return this.readBuf ??= this.receiveArea(this.readSize);
  }

  /**
   * One datagram: `b` was received into `walker`'s slot `slot` (with WASM), `info[at...]` its
   * receive info. One pass of the walker indexes it (bounds as NLMSG_OK/NLA_OK).
   */
  private handleDatagram(b: Uint8Array, info: Int32Array, at: number, walker: Walker, slot: number): void {
    const n = b.length;
    const senderPort = info[at + RecvInfo.PORT_ID]! >>> 0;
    const group = info[at + RecvInfo.GROUP]!;
    const nsid = info[at + RecvInfo.NSID]!;
    if (senderPort !== 0 && !this.acceptNonKernel) return;
    this.capture?.record('in', this.protocol, b);
    if (this.rawListeners.size) {
      const chunk = { bytes: b, group, portId: senderPort, nsid };
      for (const l of this.rawListeners) l(chunk);
    }
    const index = walker.engine === 'wasm' ? walker.walkSlot(slot, n) : walker.walk(b);
    const v = dataView(b);
    // Raw dump consumers get the datagram whole when its first message belongs to their dump.
    if (index.messageCount > 0 && group === 0) {
      const p = this.pending.get(v.getUint32(index.msgOffset(0) + 8, true));
      if (p?.onRaw) { this.handleRawDump(p, b, v, index); return; }
    }
    // Headers come from the index; the messages before a malformed one are still delivered.
    const count = index.messageCount;
    const headers: Array<MessageHeader & { offset: number }> = new Array(count);
    for (let i = 0; i < count; i++) headers[i] = indexedHeader(index, v, i);
    const failure = index.ok ? undefined : walkError(index);
    for (let i = 0; i < count; i++) {
      const h = headers[i]!;
      this.handleMessage(b, h.offset, h, group, nsid, v);
    }
    if (failure) {
      // the malformed message names its request when at least its seq field is there
      const at = count ? headers[count - 1]!.offset + align4(headers[count - 1]!.length) : 0;
      const seq = group === 0 && n - at >= 12 ? v.getUint32(at + 8, true) : 0;
      this.malformed(failure, group, seq, v.getUint16(at + 4, true));
    }
  }

  private handleRawDump(p: Pending, b: Uint8Array, v: DataView, index: WalkIndex): void {
    // DUMP_INTR, and the final DONE / ERROR, read from the index.
    const count = index.messageCount;
    for (let i = 0; i < count; i++) {
      const type = index.msgType(i);
      if (index.msgFlags(i) & NLM_F.DUMP_INTR) p.interrupted = true;
      if (type === NLMSG_DONE || type === NLMSG_ERROR) {
        const h = indexedHeader(index, v, i);
        if (h.offset > 0 && !this.deliverRaw(p, b.subarray(0, h.offset), index)) return;
        this.handleMessage(b, h.offset, h, 0, -1, v);
        return;
      }
    }
    if (!index.ok) { p.reject(walkError(index)); return; }
    if (p.unit) p.unit.touched = true;
    this.deliverRaw(p, b, index);
  }

  /**
   * A raw dump's consumer gets a datagram. What it throws (a DecodeError of hostile bytes, its
   * own failure) rejects its dump, as a reply's decode failure does: it must not escape into the
   * read loop (a read-ahead job's callback would take the process down with it).
   */
  private deliverRaw(p: Pending, chunk: Uint8Array, index: WalkIndex): boolean {
    try {
      p.onRaw!(chunk, index);
      return true;
    } catch (e) {
      p.reject(e instanceof Error ? e : new Error(String(e)));
      return false;
    }
  }

  /**
   * Malformed bytes fail what they belong to with the DecodeError (its offset within the
   * datagram): the request they name, else the running dump; events become an overrun.
   */
  private malformed(err: DecodeError, group: number, seq = 0, type = NLMSG_ERROR): void {
    if (group) for (const s of this.subscriptions) s.queue.push({ type: 'overrun', reason: 'truncated' });
    const owner = seq ? this.pending.get(seq) : undefined;
    if (owner) { owner.reject(err); return; }
    const run = seq && this.runs.size ? this.runOf(seq) : undefined;
    if (run) {
      // A data reply (an echo) is the item's outcome once its answer comes, as in handleItemReply.
      if (type >= NLMSG_MIN_TYPE) { const r = run.run!; const errors = (r.replyErrors ??= new Map<number, Error>()); if (!errors.has(this.runItem)) errors.set(this.runItem, err); }
      else this.unreadableAnswer(run, this.runItem, err);
      return;
    }
    for (const p of [...this.pending.values()]) if (p.dump) p.reject(err);
  }

  private handleMessage(b: Uint8Array, off: number, h: MessageHeader, group: number, nsid: number, v?: DataView): void {
    // Replies to our requests carry our port id; anything else is not a reply.
    if (group === 0 && (h.pid === this.portId || h.pid === 0)) {
      const p = this.pending.get(h.seq);
      if (p) { this.handleReply(p, b, off, h, v); return; }
      const run = this.runs.size ? this.runOf(h.seq) : undefined;
      if (run) { this.handleItemReply(run, this.runItem, b, off, h, v); return; }
    } else if (group !== 0 && h.pid === this.portId && h.type >= NLMSG_MIN_TYPE) {
      // The echo of a request with NLM_F_ECHO: the kernel unicasts the notification it multicasts
      // (leaving us out of the multicast), and the datagram keeps the group. Without ECHO, a
      // message naming our request is the multicast copy: an event for the subscriptions.
      const p = this.pending.get(h.seq);
      if (p) {
        if (dataView(p.request).getUint16(6, true) & NLM_F.ECHO) { this.handleReply(p, b, off, h, v); return; }
      } else if (this.runs.size) {
        const run = this.runOf(h.seq);
        const r = run?.run;
        if (r && r.view.getUint16(r.at[this.runItem]! + 6, true) & NLM_F.ECHO) { this.handleItemReply(run!, this.runItem, b, off, h, v); return; }
      }
    }
    if (h.type === NLMSG_ERROR || h.type === NLMSG_DONE || h.type === NLMSG_OVERRUN) return; // stray
    if (this.subscriptions.size === 0) return;
    if (this.discardingEvents) {
      // Only subscriptions that asked for it lose these events; the others still get them.
      if ([...this.subscriptions].every((s) => s.discard)) return;
    }
    let message: DecodedMessage;
    try {
      message = decodeMessageAt(this.cf, b, off, h, v);
    } catch (e) {
      if (e instanceof DecodeError) { this.malformed(e, group || 1); return; }
      throw e;
    }
    for (const s of this.subscriptions) {
      if (this.discardingEvents && s.discard) continue;
      s.queue.push(nsid >= 0 ? { type: 'message', message, group, nsid } : { type: 'message', message, group });
      // Stop reading: the kernel queue fills and reports ENOBUFS, which we pass on in band.
      if (s.queue.length >= s.hwm) this.pauseReads();
    }
  }

  private handleReply(p: Pending, b: Uint8Array, off: number, h: MessageHeader, v?: DataView): void {
    if (p.abandoned) {
      if (h.type === NLMSG_DONE || h.type === NLMSG_ERROR) this.endAbandoned(p);
      else p.abandoned.touched = true;
      return;
    }
    const payload = b.subarray(off + NLMSG_HDRLEN, off + h.length);
    if (h.flags & NLM_F.DUMP_INTR) p.interrupted = true;
    if (p.unit) p.unit.touched = true;
    try {
      if (h.type === NLMSG_ERROR) {
        this.pending.delete(p.seq);
        const e = decodeErrorPayload(payload, h.flags, off + NLMSG_HDRLEN);
        if (e.error === 0) {
          const warning = e.extack.message !== undefined || e.extack.offset !== undefined ? this.resolveExtack(p.request, e.extack) : undefined;
          p.resolve(warning ? { messages: p.messages, warning, interrupted: p.interrupted } : { messages: p.messages, interrupted: p.interrupted });
        } else {
          p.reject(new NetlinkError(e.error, p.operation, this.resolveExtack(p.request, e.extack), e.request));
        }
        return;
      }
      if (h.type === NLMSG_DONE) {
        this.pending.delete(p.seq);
        const d = decodeDonePayload(payload, h.flags, off + NLMSG_HDRLEN);
        if (d.error < 0) p.reject(new NetlinkError(d.error, p.operation, this.resolveExtack(p.request, d.extack)));
        else p.resolve({ messages: p.messages, interrupted: p.interrupted });
        return;
      }
      const m = decodeMessageAt(this.cf, b, off, h, v);
      if (p.onMessage) p.onMessage(m);
      else (p.messages === NO_MESSAGES ? (p.messages = []) : p.messages).push(m);
      if (!p.dump && p.expect === 'reply' && !(h.flags & NLM_F.MULTI)) p.resolve({ messages: p.messages, interrupted: p.interrupted });
    } catch (e) {
      p.reject(e as Error);
    }
  }

  /** Keeps an abandoned dump's slot until the kernel ends it, or its replies stop for `timeoutMs`. */
  private abandonDump(p: Pending, timeoutMs: number): void {
    const a: NonNullable<Pending['abandoned']> = { timer: undefined, touched: false };
    p.abandoned = a;
    p.onMessage = undefined;
    p.onRaw = undefined;
    const ms = timeoutMs > 0 && Number.isFinite(timeoutMs) ? timeoutMs : DEFAULT_ABANDON_MS;
    const check = (): void => {
      if (a.touched) { a.touched = false; a.timer = unref(setTimeout(check, ms)); return; }
      this.endAbandoned(p);
    };
    a.timer = unref(setTimeout(check, ms));
    // its rest may be queued already, with no request of ours to read it for
    this.ensurePolling();
    setImmediate(() => { if (!this.closed && this.pending.get(p.seq) === p) this.drain(); });
  }

  private endAbandoned(p: Pending): void {
    if (this.pending.get(p.seq) !== p) return;
    clearTimeout(p.abandoned?.timer);
    this.pending.delete(p.seq);
    this.nextDump();
    if (this.pending.size === 0 && this.runs.size === 0) this.maybeStopPolling();
  }

  /** The batch datagram in flight whose open item has this sequence number (the item's index in runItem). */
  private runOf(seq: number): Unit | undefined {
    for (const u of this.runs) {
      const r = u.run!;
      const i = (seq - r.firstSeq) >>> 0;
      if (i < r.count && !r.settled[i]) { this.runItem = i; return u; }
    }
    return undefined;
  }

  /**
   * A reply to batch item i (an ACK, its error, or a message it asked for, e.g. NLM_F_ECHO).
   * Messages are kept for the item's onResult; the item settles on its ACK or error, and under
   * acks 'errors' the answer of the datagram's last item settles the unanswered others as ACKed.
   */
  private handleItemReply(u: Unit, i: number, b: Uint8Array, off: number, h: MessageHeader, v?: DataView): void {
    const r = u.run!;
    const payload = b.subarray(off + NLMSG_HDRLEN, off + h.length);
    u.touched = true;
    if (h.type !== NLMSG_ERROR && h.type !== NLMSG_DONE) {
      // One that cannot be decoded is the item's outcome, but only once the item is answered:
      // until then the answer of the datagram's last item is still to come and proves the rest.
      try {
        const m = decodeMessageAt(this.cf, b, off, h, v);
        const replies = (r.replies ??= new Map<number, DecodedMessage[]>());
        const got = replies.get(i);
        if (got) got.push(m); else replies.set(i, [m]);
      } catch (e) {
        const errors = (r.replyErrors ??= new Map<number, Error>());
        if (!errors.has(i)) errors.set(i, e as Error);
      }
      return;
    }
    const answersDatagram = r.ackLast && i === r.count - 1;
    let error: Error | undefined;
    try {
      if (h.type === NLMSG_ERROR) {
        const e = decodeErrorPayload(payload, h.flags, off + NLMSG_HDRLEN);
        if (e.error !== 0) error = new NetlinkError(e.error, this.itemOperation(r, i), this.resolveExtack(this.itemBytes(r, i), e.extack), e.request);
      } else {
        const d = decodeDonePayload(payload, h.flags, off + NLMSG_HDRLEN);
        if (d.error < 0) error = new NetlinkError(d.error, this.itemOperation(r, i), this.resolveExtack(this.itemBytes(r, i), d.extack));
      }
    } catch (e) {
      this.unreadableAnswer(u, i, e as Error);
      return;
    }
    if (answersDatagram) {
      // The datagram's last message is answered: the kernel has processed all of it, and
      // reported every earlier failure before this (in order). The rest succeeded.
      for (let k = 0; k < i; k++) if (!r.settled[k]) this.itemDone(u, k, r.replyErrors?.get(k));
    }
    this.itemDone(u, i, error ?? r.replyErrors?.get(i));
    this.released();
  }

  /**
   * Item i's answer cannot be read (a truncated NLMSG_ERROR, a malformed header): it fails with
   * the DecodeError, and so do the open items that the answer of a datagram's last item would
   * have proved (acks 'errors'): their outcome is unknown.
   */
  private unreadableAnswer(u: Unit, i: number, err: Error): void {
    const r = u.run!;
    if (r.ackLast && i === r.count - 1) { this.failOpen(u, () => err); return; }
    this.itemDone(u, i, err);
    this.released();
  }

  private resolveExtack(request: Uint8Array, ack: ExtendedAck): ExtendedAck {
    if (ack.offset === undefined && ack.missingType === undefined) return ack;
    try {
      return locateAttribute(ack, request, this.cf);
    } catch {
      return ack;
    }
  }
}

function abortError(signal: AbortSignal, operation: string): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(`${operation}: aborted`);
}

/** The nlmsghdr of indexed message i (length, type and flags from the index, seq and pid from the bytes). */
function indexedHeader(index: WalkIndex, v: DataView, i: number): MessageHeader & { offset: number } {
  const offset = index.msgOffset(i);
  return { offset, length: index.msgLength(i), type: index.msgType(i), flags: index.msgFlags(i), seq: v.getUint32(offset + 8, true), pid: v.getUint32(offset + 12, true) };
}

const WALK_REASON: Record<number, DecodeError['reason']> = {
  [WalkStatus.MSG_TRUNCATED]: 'message-truncated',
  [WalkStatus.MSG_BAD_LENGTH]: 'message-bad-length',
  [WalkStatus.MSG_SHORT_FOR_HEADER]: 'message-short-for-header',
  [WalkStatus.ATTR_TRUNCATED]: 'attr-truncated',
  [WalkStatus.ATTR_BAD_LENGTH]: 'attr-bad-length',
  [WalkStatus.DEPTH]: 'nesting-too-deep',
};
function walkError(index: WalkIndex): DecodeError {
  return new DecodeError(WALK_REASON[index.status] ?? 'unsupported', index.errorOffset, `malformed datagram: ${index.statusText}`);
}

export function encodeToBytes(e: Encodable): Uint8Array {
  const out = new Uint8Array(e.byteLength());
  e.encodeInto(dataView(out), 0);
  return out;
}

/** A Node-style system error for a failed syscall. */
export function systemError(errno: number, syscall: string): Error & { code: string; errno: number; syscall: string } {
  const code = errnoName(errno);
  const e = new Error(`${syscall} failed: ${code}`) as Error & { code: string; errno: number; syscall: string };
  e.code = code;
  e.errno = -errno;
  e.syscall = syscall;
  return e;
}

/** Where read-ahead jobs receive: two groups of AHEAD_SLOTS slots, used in turn. */
interface AheadRing {
  walker: Walker;
  /** The slots are `bytes[offset, offset + 2 * AHEAD_SLOTS * slotSize)`. */
  bytes: Uint8Array;
  offset: number;
  slotSize: number;
  info: Int32Array[];
  results: Int32Array[];
  /** The group the next job fills. */
  next: number;
}
