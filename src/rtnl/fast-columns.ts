// Route columns: typed arrays per field, filled chunk by chunk. Two engines with identical
// output: 'wasm' (assembly/columns.ts writing into column areas of its linear memory, into which
// the pipeline also receives) and 'ts' (the reference, plain typed arrays).
import { DecodeError, type DecodeErrorReason } from '../core/errors.js';
import { AF_INET, AF_INET6, RTM_NEWROUTE, parseRouteAt, row } from './fast-parse.js';
import { COLUMNS_WASM_BASE64 } from './fast-columns-wasm.generated.js';

export type ColumnEngine = 'wasm' | 'ts';

/** A table of routes as columns; row i of every array is route i. */
export interface RouteColumns {
  count: number;
  /** NLM_F_DUMP_INTR was seen (always false for stream batches until the end). */
  interrupted: boolean;
  engine: ColumnEngine;
  family: Uint8Array;
  dstLen: Uint8Array;
  srcLen: Uint8Array;
  tos: Uint8Array;
  protocol: Uint8Array;
  scope: Uint8Array;
  type: Uint8Array;
  /** RTA_PREF (IPv6 router preference), 0 when absent */
  pref: Uint8Array;
  /** RoutePresent bits per route */
  present: Uint16Array;
  /** RTA_TABLE, else rtm_table */
  table: Uint32Array;
  flags: Uint32Array;
  oif: Uint32Array;
  priority: Uint32Array;
  /** IPv4 addresses as numbers (10.1.2.0 -> 0x0a010200), 0 when absent or IPv6 */
  dst4: Uint32Array;
  gateway4: Uint32Array;
  prefsrc4: Uint32Array;
  /** IPv6 addresses, 16 bytes per row (zeros when absent or IPv4); only when IPv6 was asked for */
  dst6?: Uint8Array;
  gateway6?: Uint8Array;
  prefsrc6?: Uint8Array;
}

type U8Name = 'family' | 'dstLen' | 'srcLen' | 'tos' | 'protocol' | 'scope' | 'type' | 'pref';
type U32Name = 'table' | 'flags' | 'oif' | 'priority' | 'dst4' | 'gateway4' | 'prefsrc4';
type V6Name = 'dst6' | 'gateway6' | 'prefsrc6';
const U8: readonly U8Name[] = ['family', 'dstLen', 'srcLen', 'tos', 'protocol', 'scope', 'type', 'pref'];
const U32: readonly U32Name[] = ['table', 'flags', 'oif', 'priority', 'dst4', 'gateway4', 'prefsrc4'];
const V6: readonly V6Name[] = ['dst6', 'gateway6', 'prefsrc6'];
/** Column order of the WASM descriptor, with element widths. */
const LAYOUT: ReadonlyArray<readonly [string, number]> = [
  ...U8.map((n) => [n, 1] as const), ['present', 2], ...U32.map((n) => [n, 4] as const), ...V6.map((n) => [n, 16] as const),
];

/** Smallest route message: nlmsghdr + rtmsg. */
const MIN_ROUTE = 28;
export const rowsPerChunk = (bytes: number): number => Math.ceil(bytes / MIN_ROUTE);

export interface ColumnBuilder {
  readonly engine: ColumnEngine;
  readonly count: number;
  /** Receive slot views in the builder's memory (WASM), for the pipeline. */
  readonly slot?: (i: number) => Uint8Array;
  readonly slotSize: number;
  /** Appends the routes of one chunk (rows filtered by table, 0xffffffff = all, and family, 0 = all). */
  appendChunk(b: Uint8Array, table: number, family: number): void;
  /** True when fewer than `chunks` worst-case chunks of rows fit. */
  needsGrowth(chunks: number): boolean;
  /** Doubles the capacity until `chunks` worst-case chunks fit (only when no receive is in flight). */
  grow(chunks: number): void;
  reset(): void;
  /** Views of the first `count` rows (no copy). */
  result(interrupted: boolean): RouteColumns;
}

export function createColumnBuilder(engine: ColumnEngine, v6: boolean, initialCapacity = 4096, slots = 3, slotSize = 65536): ColumnBuilder {
  return engine === 'wasm' ? new WasmColumns(v6, initialCapacity, slots, slotSize) : new TsColumns(v6, initialCapacity, slotSize);
}

// ---- TS engine (reference) -------------------------------------------------------------------

class TsColumns implements ColumnBuilder {
  readonly engine = 'ts' as const;
  count = 0;
  cap: number;
  c: Omit<RouteColumns, 'count' | 'interrupted' | 'engine'>;
  constructor(readonly v6: boolean, cap: number, readonly slotSize: number) {
    this.cap = Math.max(64, cap);
    this.c = this.alloc(this.cap);
  }
  private alloc(cap: number): Omit<RouteColumns, 'count' | 'interrupted' | 'engine'> {
    const c = {
      family: new Uint8Array(cap), dstLen: new Uint8Array(cap), srcLen: new Uint8Array(cap), tos: new Uint8Array(cap),
      protocol: new Uint8Array(cap), scope: new Uint8Array(cap), type: new Uint8Array(cap), pref: new Uint8Array(cap),
      present: new Uint16Array(cap), table: new Uint32Array(cap), flags: new Uint32Array(cap), oif: new Uint32Array(cap),
      priority: new Uint32Array(cap), dst4: new Uint32Array(cap), gateway4: new Uint32Array(cap), prefsrc4: new Uint32Array(cap),
    } as Omit<RouteColumns, 'count' | 'interrupted' | 'engine'>;
    if (this.v6) { c.dst6 = new Uint8Array(cap * 16); c.gateway6 = new Uint8Array(cap * 16); c.prefsrc6 = new Uint8Array(cap * 16); }
    return c;
  }
  private ensure(rows: number): void {
    if (rows <= this.cap) return;
    let cap = this.cap;
    while (cap < rows) cap *= 2;
    const n = this.alloc(cap);
    const o = this.c as unknown as Record<string, Uint8Array>;
    const t = n as unknown as Record<string, Uint8Array>;
    for (const [name] of LAYOUT) if (o[name] && t[name]) t[name].set(o[name]);
    this.c = n;
    this.cap = cap;
  }
  needsGrowth(): boolean { return false; }
  grow(): void {}
  reset(): void { this.count = 0; }
  appendChunk(b: Uint8Array, table: number, family: number): void {
    this.ensure(this.count + rowsPerChunk(b.length));
    this.count = appendChunkTs(this.c, this.v6, this.count, b, table, family);
  }
  result(interrupted: boolean): RouteColumns {
    const n = this.count;
    const c = this.c;
    const r: RouteColumns = {
      count: n, interrupted, engine: 'ts',
      family: c.family.subarray(0, n), dstLen: c.dstLen.subarray(0, n), srcLen: c.srcLen.subarray(0, n), tos: c.tos.subarray(0, n),
      protocol: c.protocol.subarray(0, n), scope: c.scope.subarray(0, n), type: c.type.subarray(0, n), pref: c.pref.subarray(0, n),
      present: c.present.subarray(0, n), table: c.table.subarray(0, n), flags: c.flags.subarray(0, n), oif: c.oif.subarray(0, n),
      priority: c.priority.subarray(0, n), dst4: c.dst4.subarray(0, n), gateway4: c.gateway4.subarray(0, n), prefsrc4: c.prefsrc4.subarray(0, n),
    };
    if (c.dst6 && c.gateway6 && c.prefsrc6) {
      r.dst6 = c.dst6.subarray(0, n * 16); r.gateway6 = c.gateway6.subarray(0, n * 16); r.prefsrc6 = c.prefsrc6.subarray(0, n * 16);
    }
    return r;
  }
}

/** The reference extractor: appends the chunk's route rows at `start`; returns the new count. */
export function appendChunkTs(c: Omit<RouteColumns, 'count' | 'interrupted' | 'engine'>, v6: boolean, start: number, b: Uint8Array, table: number, family: number): number {
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const n = b.length;
  let i = start;
  let off = 0;
  while (off + 16 <= n) {
    const len = v.getUint32(off, true);
    if (len < 16 || off + len > n) throw new DecodeError('message-bad-length', off, `nlmsg_len ${len}`);
    if ((b[off + 4]! | (b[off + 5]! << 8)) === RTM_NEWROUTE) {
      parseRouteAt(b, v, off, len);
      const r = row;
      if ((table === 0xffffffff || r.table === table) && (family === 0 || r.family === family)) {
        c.family[i] = r.family; c.dstLen[i] = r.dstLen; c.srcLen[i] = r.srcLen; c.tos[i] = r.tos;
        c.protocol[i] = r.protocol; c.scope[i] = r.scope; c.type[i] = r.type; c.pref[i] = r.pref;
        c.present[i] = r.present; c.table[i] = r.table; c.flags[i] = r.flags; c.oif[i] = r.oif; c.priority[i] = r.priority;
        const is4 = r.family === AF_INET;
        c.dst4[i] = is4 && r.dstOff >= 0 ? be32(b, r.dstOff) : 0;
        c.gateway4[i] = is4 && r.gwOff >= 0 ? be32(b, r.gwOff) : 0;
        c.prefsrc4[i] = is4 && r.prefsrcOff >= 0 ? be32(b, r.prefsrcOff) : 0;
        if (v6) {
          const is6 = r.family === AF_INET6;
          put16(c.dst6!, i, b, is6 ? r.dstOff : -1);
          put16(c.gateway6!, i, b, is6 ? r.gwOff : -1);
          put16(c.prefsrc6!, i, b, is6 ? r.prefsrcOff : -1);
        }
        i++;
      }
    }
    off += (len + 3) & ~3;
  }
  return i;
}

function be32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function put16(col: Uint8Array, i: number, b: Uint8Array, o: number): void {
  const d = i * 16;
  if (o < 0) { col.fill(0, d, d + 16); return; }
  for (let k = 0; k < 16; k++) col[d + k] = b[o + k]!;
}

// ---- WASM engine ----------------------------------------------------------------------------

type ExtractFn = (base: number, len: number, desc: number, row: number, table: number, family: number, v6: number, err: number) => number;

let compiled: WebAssembly.Module | undefined;
function wasmModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const bin = atob(COLUMNS_WASM_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return (compiled = new WebAssembly.Module(bytes));
}

const PAGE = 65536;
const DESC = 64;
const ERR = 192;
const SLOTS = 1024;
const REASONS: Record<number, DecodeErrorReason> = { 2: 'message-bad-length', 3: 'message-short-for-header', 4: 'attr-truncated', 5: 'attr-bad-length' };

/**
 * Linear memory: [0,64) reserved | descriptor | error words | receive slots (`slots` + one
 * copy slot) | columns, each `cap` rows, in LAYOUT order. Growth doubles `cap`: memory grows,
 * columns move up (last first, so no live data is overwritten) and every view is rebuilt in
 * rebuildViews().
 */
class WasmColumns implements ColumnBuilder {
  readonly engine = 'wasm' as const;
  count = 0;
  private cap: number;
  private readonly memory: WebAssembly.Memory;
  private readonly extract: ExtractFn;
  private readonly colBase: number;
  private readonly nslots: number;
  private readonly layout: ReadonlyArray<readonly [string, number]>;
  private readonly rowBytes: number;
  private offsets: number[] = [];
  private heap!: Uint8Array;
  private slotViews: Uint8Array[] = [];
  readonly slot: (i: number) => Uint8Array;

  constructor(private readonly v6: boolean, cap: number, slots: number, readonly slotSize: number) {
    this.cap = Math.max(64, (cap + 63) & ~63);
    this.nslots = slots + 1;
    this.colBase = SLOTS + this.nslots * slotSize;
    this.layout = v6 ? LAYOUT : LAYOUT.filter(([, w]) => w !== 16);
    this.rowBytes = this.layout.reduce((s, [, w]) => s + w, 0);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((this.colBase + this.rowBytes * this.cap) / PAGE) });
    const inst = new WebAssembly.Instance(wasmModule(), { env: { memory: this.memory, abort: () => { throw new Error('columns.wasm aborted'); } } });
    this.extract = inst.exports['extract'] as ExtractFn;
    this.layoutColumns();
    this.rebuildViews();
    this.slot = (i) => this.slotViews[i]!;
  }

  private layoutColumns(): void {
    let o = this.colBase;
    this.offsets = this.layout.map(([, w]) => { const at = o; o += w * this.cap; return at; });
  }

  /** The one place views are made (memory growth detaches them all). */
  private rebuildViews(): void {
    this.heap = new Uint8Array(this.memory.buffer);
    this.slotViews = Array.from({ length: this.nslots }, (_, i) => new Uint8Array(this.memory.buffer, SLOTS + i * this.slotSize, this.slotSize));
    const d = new Uint32Array(this.memory.buffer, DESC, 19);
    d.fill(0);
    for (let k = 0; k < this.layout.length; k++) {
      const [name] = this.layout[k]!;
      d[LAYOUT.findIndex(([n]) => n === name)] = this.offsets[k]!;
    }
  }

  needsGrowth(chunks: number): boolean {
    return this.count + chunks * rowsPerChunk(this.slotSize) > this.cap;
  }

  grow(chunks: number): void {
    const need = this.count + chunks * rowsPerChunk(this.slotSize);
    if (need <= this.cap) return;
    let cap = this.cap;
    while (cap < need) cap *= 2;
    const old = this.offsets;
    this.cap = cap;
    const bytes = this.colBase + this.rowBytes * cap;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.layoutColumns();
    const heap = new Uint8Array(this.memory.buffer);
    for (let k = this.layout.length - 1; k >= 0; k--) {
      const w = this.layout[k]![1];
      heap.copyWithin(this.offsets[k]!, old[k]!, old[k]! + this.count * w);
    }
    this.rebuildViews();
  }

  reset(): void { this.count = 0; }

  appendChunk(b: Uint8Array, table: number, family: number): void {
    let base: number;
    const len = b.length; // b is detached if grow() below grows the memory (the bytes stay put)
    if (b.buffer === this.memory.buffer) base = b.byteOffset;
    else {
      if (len > this.slotSize) throw new RangeError(`chunk of ${len} bytes exceeds the ${this.slotSize}-byte slot`);
      base = SLOTS + (this.nslots - 1) * this.slotSize;
      this.heap.set(b, base);
    }
    // Safety net for direct use without the pipeline's quiescent points.
    if (this.count + rowsPerChunk(len) > this.cap) this.grow(1);
    const r = this.extract(base, len, DESC, this.count, table >>> 0, family, this.v6 ? 1 : 0, ERR);
    if (r < 0) {
      const e = new Uint32Array(this.memory.buffer, ERR, 2);
      throw new DecodeError(REASONS[e[1]!] ?? 'message-bad-length', e[0]!, 'malformed route message');
    }
    this.count = r;
  }

  result(interrupted: boolean): RouteColumns {
    const n = this.count;
    const buf = this.memory.buffer;
    const at = (name: string): number => this.offsets[this.layout.findIndex(([x]) => x === name)]!;
    const u8 = (name: U8Name | V6Name, w = 1): Uint8Array => new Uint8Array(buf, at(name), n * w);
    const u32 = (name: U32Name): Uint32Array => new Uint32Array(buf, at(name), n);
    const r: RouteColumns = {
      count: n, interrupted, engine: 'wasm',
      family: u8('family'), dstLen: u8('dstLen'), srcLen: u8('srcLen'), tos: u8('tos'), protocol: u8('protocol'),
      scope: u8('scope'), type: u8('type'), pref: u8('pref'), present: new Uint16Array(buf, at('present'), n),
      table: u32('table'), flags: u32('flags'), oif: u32('oif'), priority: u32('priority'),
      dst4: u32('dst4'), gateway4: u32('gateway4'), prefsrc4: u32('prefsrc4'),
    };
    if (this.v6) { r.dst6 = u8('dst6', 16); r.gateway6 = u8('gateway6', 16); r.prefsrc6 = u8('prefsrc6', 16); }
    return r;
  }
}
