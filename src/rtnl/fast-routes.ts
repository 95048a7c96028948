// Fast route dumps (issue 6): a full routing table at the kernel's pace without blocking the
// event loop. Receives are pipelined on the libuv thread pool (src/socket/pipeline.ts); each
// 32 KiB chunk is decoded on the event loop in one short synchronous step. Four consumers:
//
//   dumpRoutes()      RouteView[]: one small object per route, numbers in fields, addresses in a
//                     shared byte store, formatted to strings only when read (then cached).
//   streamRoutes()    async iterable of RouteBatch (typed-array columns of one chunk, reused):
//                     flat memory whatever the table size.
//   routeColumns()    RouteColumns: typed arrays per field for the whole table, built by the WASM
//                     extractor (assembly/columns.ts) or the identical TS fallback.
//   writeRoutesJson() what `ip -j route show` prints, streamed chunk by chunk.
import { formatIPv6 } from '../core/addr.js';
import { DecodeError, NetlinkError } from '../core/errors.js';
import { DumpSocket, pipelinedDump, type PipelineOptions } from '../socket/pipeline.js';
import { AF_INET, AF_INET6, P, P_EXOTIC, RTM_NEWROUTE, familyNumber, forEachMessage, linkDumpRequest, parseRouteAt, routeDumpRequest, row, tableNumber } from './fast-parse.js';
import { ColumnBuilder, createColumnBuilder, type ColumnEngine, type RouteColumns } from './fast-columns.js';

export { P as RoutePresent } from './fast-parse.js';
export type { RouteColumns, ColumnEngine } from './fast-columns.js';

export interface FastRouteOptions {
  /** `ip netns` name, a /proc/PID/ns/net path or an open fd. */
  netns?: string | number;
  /** 'inet', 'inet6', 'all' or an AF_* number (default 'all'). */
  family?: 'inet' | 'inet6' | 'all' | number;
  /** Table id or name ('main', 'local', 'default', 'all'); default all tables. */
  table?: number | 'main' | 'local' | 'default' | 'all';
  /** Use this socket instead of opening one (it stays open). */
  socket?: DumpSocket;
  /** Receive strategy (see PipelineOptions.mode): 'hybrid' (default) or 'threadpool'. */
  mode?: 'hybrid' | 'threadpool' | 'batch';
  /** Receives in flight (only 1 is supported; see pipelinedDump). */
  depth?: number;
  /** Gap allowed between datagrams, ms (default 30 s). */
  timeout?: number;
  signal?: AbortSignal;
}

export interface FastDumpInfo {
  /** The kernel flagged NLM_F_DUMP_INTR: the table changed during the dump. */
  interrupted: boolean;
}

// ---- dotted quads ---------------------------------------------------------------------------

const DEC: string[] = Array.from({ length: 256 }, (_, i) => String(i));
/** 10.1.2.3 from 4 bytes at off. */
export function ipv4At(b: Uint8Array, off: number): string {
  return DEC[b[off]!]! + '.' + DEC[b[off + 1]!]! + '.' + DEC[b[off + 2]!]! + '.' + DEC[b[off + 3]!]!;
}
/** 10.1.2.3 from the u32 0x0a010203 (the columns' encoding). */
export function ipv4FromU32(x: number): string {
  return DEC[x >>> 24]! + '.' + DEC[(x >>> 16) & 255]! + '.' + DEC[(x >>> 8) & 255]! + '.' + DEC[x & 255]!;
}

// ---- objects --------------------------------------------------------------------------------

const STORE_BLOCK = 256 * 1024;

/** Append-only byte store shared by the RouteViews of a dump (addresses live here). */
class AddrStore {
  block = new Uint8Array(STORE_BLOCK);
  used = 0;
  reserve(n: number): void {
    if (this.used + n > this.block.length) {
      this.block = new Uint8Array(Math.max(STORE_BLOCK, n));
      this.used = 0;
    }
  }
}

/**
 * A route, cheaply: numbers in fields, addresses as bytes in a shared store, formatted on first
 * read. Field names follow rtmsg / RTA_* (`table` is RTA_TABLE when present).
 */
export class RouteView {
  readonly family: number;
  readonly dstLen: number;
  readonly srcLen: number;
  readonly tos: number;
  readonly table: number;
  readonly protocol: number;
  readonly scope: number;
  readonly type: number;
  /** rtm_flags (RTNH_F_* / RTM_F_*) */
  readonly flags: number;
  /** RTA_OIF, 0 when absent */
  readonly oif: number;
  /** RTA_PRIORITY (the metric), 0 when absent */
  readonly priority: number;
  /** RoutePresent bits: which attributes the message had (and which ones the view does not model). */
  readonly present: number;
  private readonly _b: Uint8Array;
  private readonly _o: number;
  private _dst: string | undefined;
  private _gw: string | undefined;
  private _ps: string | undefined;

  /** @internal built by the dump from the scanner's current row */
  constructor(store: Uint8Array, off: number) {
    const r = row;
    this.family = r.family;
    this.dstLen = r.dstLen;
    this.srcLen = r.srcLen;
    this.tos = r.tos;
    this.table = r.table;
    this.protocol = r.protocol;
    this.scope = r.scope;
    this.type = r.type;
    this.flags = r.flags;
    this.oif = r.oif;
    this.priority = r.priority;
    this.present = r.present;
    this._b = store;
    this._o = off;
    this._dst = undefined;
    this._gw = undefined;
    this._ps = undefined;
  }

  private addrLen(): number { return this.family === AF_INET6 ? 16 : 4; }
  /** Store offset of the k-th address (0 dst, 1 gateway, 2 prefsrc, 3 src) or -1 when absent. */
  private slot(bit: number): number {
    const p = this.present;
    if (!(p & bit)) return -1;
    const before = p & (bit - 1) & 0xf;
    const n = (before & 1) + ((before >> 1) & 1) + ((before >> 2) & 1);
    return this._o + n * this.addrLen();
  }
  private fmt(o: number): string {
    return this.family === AF_INET6 ? formatIPv6(this._b, o) : ipv4At(this._b, o);
  }

  /** Destination address ('10.1.2.0'), undefined for a default route. */
  get dst(): string | undefined {
    if (this._dst !== undefined) return this._dst;
    const o = this.slot(P.DST);
    return o < 0 ? undefined : (this._dst = this.fmt(o));
  }
  get gateway(): string | undefined {
    if (this._gw !== undefined) return this._gw;
    const o = this.slot(P.GATEWAY);
    return o < 0 ? undefined : (this._gw = this.fmt(o));
  }
  get prefsrc(): string | undefined {
    if (this._ps !== undefined) return this._ps;
    const o = this.slot(P.PREFSRC);
    return o < 0 ? undefined : this._ps = this.fmt(o);
  }
  get src(): string | undefined {
    const o = this.slot(P.SRC);
    return o < 0 ? undefined : this.fmt(o);
  }
  /** IPv4 destination as a number (0x0a010200), 0 when absent or IPv6. */
  get dst4(): number { return this.u32(P.DST); }
  get gateway4(): number { return this.u32(P.GATEWAY); }
  get prefsrc4(): number { return this.u32(P.PREFSRC); }
  private u32(bit: number): number {
    if (this.family !== AF_INET) return 0;
    const o = this.slot(bit);
    if (o < 0) return 0;
    const b = this._b;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }
  /** 'dst/len' or 'default', as ip prints it. */
  get prefix(): string {
    const d = this.dst;
    if (d === undefined) return this.dstLen ? `${this.family === AF_INET6 ? '::' : '0'}/${this.dstLen}` : 'default';
    return this.dstLen === this.addrLen() * 8 ? d : `${d}/${this.dstLen}`;
  }
  /** Address bytes (a copy) of dst / gateway / prefsrc / src. */
  addressBytes(which: 'dst' | 'gateway' | 'prefsrc' | 'src'): Uint8Array | undefined {
    const o = this.slot(which === 'dst' ? P.DST : which === 'gateway' ? P.GATEWAY : which === 'prefsrc' ? P.PREFSRC : P.SRC);
    return o < 0 ? undefined : this._b.slice(o, o + this.addrLen());
  }
  toJSON(): Record<string, string | number> {
    const o: Record<string, string | number> = {
      family: this.family, dstLen: this.dstLen, table: this.table, protocol: this.protocol, scope: this.scope,
      type: this.type, flags: this.flags, oif: this.oif, priority: this.priority,
    };
    if (this.dst !== undefined) o.dst = this.dst;
    if (this.gateway !== undefined) o.gateway = this.gateway;
    if (this.prefsrc !== undefined) o.prefsrc = this.prefsrc;
    return o;
  }
}

function request(opts: FastRouteOptions): { sock: DumpSocket; own: boolean; req: Uint8Array; table: number | undefined; family: number } {
  const family = familyNumber(opts.family);
  const table = tableNumber(opts.table);
  const sock = opts.socket ?? DumpSocket.open(opts.netns !== undefined ? { netns: opts.netns } : {});
  return { sock, own: !opts.socket, req: routeDumpRequest(family, table), table, family };
}

function pipeOpts(opts: FastRouteOptions, extra: PipelineOptions = {}): PipelineOptions {
  const o: PipelineOptions = { operation: 'RTM_GETROUTE', ...extra };
  if (opts.depth !== undefined) o.depth ??= opts.depth;
  if (opts.mode !== undefined) o.mode = opts.mode;
  if (opts.timeout !== undefined) o.timeout = opts.timeout;
  if (opts.signal) o.signal = opts.signal;
  return o;
}

interface ScanHooks {
  /** Per route message kept by the filters, with the scanner's `row` filled in. */
  each?: (b: Uint8Array) => void;
  /** After each chunk's routes (e.g. to flush output). */
  after?: () => void;
  /** Replaces the per-route scan: gets the whole chunk. */
  chunk?: (b: Uint8Array) => void | Promise<void>;
}

/** Runs the pipelined route dump with the options' socket / filters (building block of the consumers). */
async function scanDump(opts: FastRouteOptions, hooks: ScanHooks, extra?: PipelineOptions): Promise<FastDumpInfo> {
  const { sock, own, req, table, family } = request(opts);
  const each = hooks.each;
  const after = hooks.after;
  try {
    const r = await pipelinedDump(sock, req, hooks.chunk ?? ((b) => {
      const v = new DataView(b.buffer, b.byteOffset, b.length);
      const n = b.length;
      let off = 0;
      while (off + 16 <= n) {
        const len = v.getUint32(off, true);
        if (len < 16 || off + len > n) throw new DecodeError('message-bad-length', off, `nlmsg_len ${len}`);
        if ((b[off + 4]! | (b[off + 5]! << 8)) === RTM_NEWROUTE) {
          parseRouteAt(b, v, off, len);
          if ((table === undefined || row.table === table) && (family === 0 || row.family === family)) each!(b);
        }
        off += (len + 3) & ~3;
      }
      if (after) after();
    }), pipeOpts(opts, extra));
    return { interrupted: r.interrupted };
  } catch (e) {
    // A namespace without routes has no main table yet: ip shows it as empty, not as an error.
    if (table === 254 && e instanceof NetlinkError && e.code === 'ENOENT') return { interrupted: false };
    throw e;
  } finally {
    if (own) sock.close();
  }
}

/** Routes as RouteViews (≈ 100 bytes of heap each). The array carries `interrupted`. */
export async function dumpRoutes(opts: FastRouteOptions = {}): Promise<RouteView[] & FastDumpInfo> {
  const out: RouteView[] = [];
  const store = new AddrStore();
  const info = await scanDump(opts, {
    each: (b) => {
      const r = row;
      const alen = r.family === AF_INET6 ? 16 : 4;
      const p = r.present;
      if (store.used + 4 * alen > store.block.length) store.reserve(4 * alen);
      const blk = store.block;
      const start = store.used;
      let o = start;
      if (p & 1) { copy(b, r.dstOff, blk, o, alen); o += alen; }
      if (p & 2) { copy(b, r.gwOff, blk, o, alen); o += alen; }
      if (p & 4) { copy(b, r.prefsrcOff, blk, o, alen); o += alen; }
      if (p & 8) { copy(b, r.srcOff, blk, o, alen); o += alen; }
      store.used = o;
      out.push(new RouteView(blk, start));
    },
  });
  return Object.assign(out, info);
}

// Faster than subarray+set for 4 or 16 bytes (no view allocation).
function copy(src: Uint8Array, so: number, dst: Uint8Array, d: number, n: number): void {
  for (let i = 0; i < n; i++) dst[d + i] = src[so + i]!;
}

// ---- stream ---------------------------------------------------------------------------------

/** One chunk of routes as columns; valid until the iterator is advanced. */
export type RouteBatch = RouteColumns;

export interface RouteStream extends AsyncIterable<RouteBatch> {
  /** Set once the dump has ended. */
  readonly interrupted: boolean;
}

/**
 * Routes in batches (one per datagram, ~500 routes of a 32 KiB chunk) over reused storage: a
 * batch is valid until the iterator is advanced. Receiving continues one chunk ahead while the
 * consumer works; nothing accumulates. Breaking out of the loop abandons the dump.
 */
export function streamRoutes(opts: FastRouteOptions = {}): RouteStream {
  let interrupted = false;
  return {
    get interrupted() { return interrupted; },
    [Symbol.asyncIterator](): AsyncIterator<RouteBatch> {
      const family = familyNumber(opts.family);
      const table = tableNumber(opts.table);
      const batch = createColumnBuilder('ts', family === 0 || family === AF_INET6, 4096);
      const abort = new AbortController();
      opts.signal?.addEventListener('abort', () => abort.abort(opts.signal?.reason), { once: true });
      type Waiter = { resolve: (r: IteratorResult<RouteBatch>) => void; reject: (e: Error) => void };
      let waiter: Waiter | undefined;
      let ready = false; // a filled batch not yet handed out
      let handedOut = false; // the consumer holds the batch
      let release: (() => void) | undefined; // lets the producer refill the batch
      let ended = false;
      let error: Error | undefined;
      let abandoned = false;
      const finish = (): void => {
        const w = waiter;
        if (!w || ready) return;
        waiter = undefined;
        if (error) w.reject(error);
        else w.resolve({ value: undefined, done: true });
      };
      scanDump({ ...opts, signal: abort.signal }, {
        chunk: (b) => {
          if (abandoned) return;
          batch.reset();
          batch.appendChunk(b, table ?? 0xffffffff, family);
          if (batch.count === 0) return;
          return new Promise<void>((resolve) => {
            release = resolve;
            const w = waiter;
            if (w) { waiter = undefined; handedOut = true; w.resolve({ value: batch.result(false), done: false }); }
            else ready = true;
          });
        },
      }).then((r) => { interrupted = r.interrupted; ended = true; finish(); },
        (e: Error) => { if (!abandoned) error = e; ended = true; finish(); });
      return {
        next(): Promise<IteratorResult<RouteBatch>> {
          if (handedOut) {
            handedOut = false;
            const r = release;
            release = undefined;
            r?.();
          }
          return new Promise((resolve, reject) => {
            if (ready) { ready = false; handedOut = true; resolve({ value: batch.result(false), done: false }); return; }
            if (ended) { if (error) reject(error); else resolve({ value: undefined, done: true }); return; }
            waiter = { resolve, reject };
          });
        },
        async return(): Promise<IteratorResult<RouteBatch>> {
          abandoned = true;
          ready = false;
          const r = release;
          release = undefined;
          r?.();
          if (!ended) abort.abort(new Error('stream abandoned'));
          return { value: undefined, done: true };
        },
      };
    },
  };
}

// ---- columns --------------------------------------------------------------------------------

export interface RouteColumnsOptions extends FastRouteOptions {
  /** 'wasm' (default) or 'ts' (the reference implementation; identical output). */
  engine?: ColumnEngine;
  /** Initial row capacity (default 4096; doubles as needed). */
  initialCapacity?: number;
}

/** The whole table as typed-array columns. */
export async function routeColumns(opts: RouteColumnsOptions = {}): Promise<RouteColumns> {
  const family = familyNumber(opts.family);
  const table = tableNumber(opts.table);
  const depth = Math.max(1, Math.min(4, opts.depth ?? 2));
  const builder: ColumnBuilder = createColumnBuilder(opts.engine ?? 'wasm', family === 0 || family === AF_INET6, opts.initialCapacity ?? 4096, depth + 1);
  const extra: PipelineOptions = {
    depth,
    wantQuiescence: () => builder.needsGrowth(depth + 1),
    onQuiescent: () => builder.grow(depth + 1),
  };
  if (builder.slot) { extra.slot = builder.slot; extra.slotSize = builder.slotSize; }
  const info = await scanDump(opts, { chunk: (b) => { builder.appendChunk(b, table ?? 0xffffffff, family); } }, extra);
  const r = builder.result(info.interrupted);
  return r;
}

// ---- links (names for dev) ------------------------------------------------------------------

/** ifindex -> name of every link (a pipelined RTM_GETLINK dump reading only IFLA_IFNAME). */
export async function linkNames(opts: { netns?: string | number; socket?: DumpSocket; depth?: number } = {}): Promise<Map<number, string>> {
  const sock = opts.socket ?? DumpSocket.open(opts.netns !== undefined ? { netns: opts.netns } : {});
  const names = new Map<number, string>();
  const dec = new TextDecoder();
  try {
    await pipelinedDump(sock, linkDumpRequest(), (b) => {
      const v = new DataView(b.buffer, b.byteOffset, b.length);
      forEachMessage(b, v, (off, len, type) => {
        if (type !== 16 /* RTM_NEWLINK */ || len < 32) return;
        const index = v.getInt32(off + 20, true);
        let a = off + 32;
        const end = off + len;
        while (a + 4 <= end) {
          const nlen = v.getUint16(a, true);
          if (nlen < 4 || a + nlen > end) break;
          if ((v.getUint16(a + 2, true) & 0x3fff) === 3 /* IFLA_IFNAME */) {
            let e = a + nlen;
            while (e > a + 4 && b[e - 1] === 0) e--;
            names.set(index, dec.decode(b.subarray(a + 4, e)));
            break;
          }
          a += (nlen + 3) & ~3;
        }
      });
    }, { operation: 'RTM_GETLINK', ...(opts.depth !== undefined ? { depth: opts.depth } : {}) });
  } finally {
    if (!opts.socket) sock.close();
  }
  return names;
}

// ---- ip -j route show -------------------------------------------------------------------------

export interface RoutesJsonOptions extends FastRouteOptions {
  /** ifindex -> name; dumped from the kernel when not given. */
  linkNames?: Map<number, string>;
  /**
   * Renders a route the fast path does not model (multipath, encap, metrics, via, expires, ...)
   * as one JSON object text, given the route message bytes. Without it, such routes are printed
   * with the fields the fast path knows (the exotic attributes are left out).
   */
  fallback?: (message: Uint8Array) => string | undefined;
}

const TYPE_NAMES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];
const PROTO_NAMES: Record<number, string> = {
  0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 8: 'gated', 9: 'ra', 10: 'mrt', 11: 'zebra', 12: 'bird',
  13: 'dnrouted', 14: 'xorp', 15: 'ntk', 16: 'dhcp', 17: 'mrouted', 18: 'keepalived', 42: 'babel', 99: 'openr', 186: 'bgp',
  187: 'isis', 188: 'ospf', 189: 'rip', 192: 'eigrp',
};
const SCOPE_NAMES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };
const TABLE_NAMES: Record<number, string> = { 0: 'unspec', 253: 'default', 254: 'main', 255: 'local' };
const PREF_NAMES: Record<number, string> = { 0: 'medium', 1: 'high', 3: 'low' };
// print_rt_flags order
const FLAG_NAMES: Array<[number, string]> = [
  [1, 'dead'], [4, 'onlink'], [2, 'pervasive'], [8, 'offload'], [64, 'trap'], [0x100, 'notify'], [16, 'linkdown'],
  [32, 'unresolved'], [0x2000, 'rt_offload'], [0x4000, 'rt_trap'], [0x20000, 'rt_offload_failed'],
];

const protoCache = new Map<number, string>();
function quoted(s: string): string { return JSON.stringify(s); }
function protoField(p: number): string {
  let s = protoCache.get(p);
  if (s === undefined) { s = ',"protocol":' + quoted(PROTO_NAMES[p] ?? String(p)); protoCache.set(p, s); }
  return s;
}

/**
 * Streams what `ip -j route show` prints (default IPv4, table main; pass table 'all' for
 * `ip -j route show table all`, which is every family): one JSON array, written piecewise (one string per chunk).
 * Resolves when the closing bracket has been written.
 */
export async function writeRoutesJson(opts: RoutesJsonOptions, write: (s: string) => void): Promise<FastDumpInfo> {
  // Like ip: IPv4 by default, except for `table all`, which lists every family.
  const o: FastRouteOptions = { ...opts, family: opts.family ?? (opts.table === 'all' ? 'all' : 'inet'), table: opts.table ?? 'main' };
  const sock = opts.socket ?? DumpSocket.open(opts.netns !== undefined ? { netns: opts.netns } : {});
  try {
    const names = opts.linkNames ?? await linkNames({ socket: sock });
    const devCache = new Map<number, string>();
    const gwCache = new Map<number, string>();
    const devField = (i: number): string => {
      let s = devCache.get(i);
      if (s === undefined) { s = ',"dev":' + quoted(names.get(i) ?? `if${i}`); devCache.set(i, s); }
      return s;
    };
    // ip prints the table unless it lists one table (`table all` lists every table).
    const showTable = tableNumber(o.table) === undefined;
    let first = true;
    let out = '';
    write('[');
    const info = await scanDump({ ...o, socket: sock }, {
      after: () => { if (out) { write(out); out = ''; } },
      each: (b) => {
      const r = row;
      const p = r.present;
      if (p & P_EXOTIC && opts.fallback) {
        const s = opts.fallback(b.subarray(r.msgOff, r.msgOff + r.msgLen));
        if (s !== undefined) { out += first ? s : ',' + s; first = false; return; }
      }
      const v6 = r.family === AF_INET6;
      let s = first ? '{' : ',{';
      first = false;
      let sep = '';
      if (r.type !== 1) { s += '"type":' + quoted(TYPE_NAMES[r.type] ?? String(r.type)); sep = ','; }
      s += sep + '"dst":"';
      if (p & P.DST) {
        s += v6 ? formatIPv6(b, r.dstOff) : ipv4At(b, r.dstOff);
        if (r.dstLen !== (v6 ? 128 : 32)) s += '/' + DEC[r.dstLen];
      } else s += r.dstLen ? (v6 ? '::/' : '0/') + r.dstLen : 'default';
      s += '"';
      if (r.tos) s += ',"tos":"0x' + r.tos.toString(16).padStart(2, '0') + '"';
      if (p & P.GATEWAY) {
        if (v6) s += ',"gateway":"' + formatIPv6(b, r.gwOff) + '"';
        else {
          // Big tables share a few gateways: format each once.
          const gw = ((b[r.gwOff]! << 24) | (b[r.gwOff + 1]! << 16) | (b[r.gwOff + 2]! << 8) | b[r.gwOff + 3]!) >>> 0;
          let g = gwCache.get(gw);
          if (g === undefined) { g = ',"gateway":"' + ipv4At(b, r.gwOff) + '"'; if (gwCache.size < 4096) gwCache.set(gw, g); }
          s += g;
        }
      }
      if (p & P.OIF) s += devField(r.oif);
      if (showTable && r.table !== 254) s += ',"table":' + quoted(TABLE_NAMES[r.table] ?? String(r.table));
      if (r.protocol !== 3) s += protoField(r.protocol);
      if (r.scope !== 0) s += ',"scope":' + quoted(SCOPE_NAMES[r.scope] ?? String(r.scope));
      if (p & P.PREFSRC) s += ',"prefsrc":"' + (v6 ? formatIPv6(b, r.prefsrcOff) : ipv4At(b, r.prefsrcOff)) + '"';
      if (p & P.PRIORITY) s += ',"metric":' + r.priority;
      s += ',"flags":[';
      if (r.flags) {
        let fs = '';
        for (const [bit, name] of FLAG_NAMES) if (r.flags & bit) fs += (fs ? ',"' : '"') + name + '"';
        s += fs;
      }
      s += ']';
      if (p & P.PREF) s += ',"pref":' + quoted(PREF_NAMES[r.pref] ?? String(r.pref));
      out += s + '}';
    } });
    if (out) write(out);
    write(']\n');
    return info;
  } finally {
    if (!opts.socket) sock.close();
  }
}
