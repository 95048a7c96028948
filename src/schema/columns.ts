// Columns: chosen fields of one message type as typed arrays, one row per message, for any
// declared family. The extraction plan comes from the declaration; the engines give the identical
// output: 'wasm' runs a module generated for the plan (columns-wasm.ts), or where compiling it is
// refused the shipped table-driven assembly/extract.ts; 'js' (JsEngine below) is the reference
// and the fallback where WebAssembly is unavailable.
import { formatHex } from '../core/addr.js';
import { DecodeError, type DecodeErrorReason } from '../core/errors.js';
import { moduleSync } from '../walk/wasm-walker.js';
import { CTL_COLUMNS, KIND, PAYLOAD, bigKind, elementBytes, extractorModuleBytes, levelsOf, netByteOrder, selectedName, signedKind, textKind, variableKind, wideKind as wide, type FieldPlan, type Kind, type LevelPlan, type NestStep, type SubStep } from './columns-wasm.js';
import { asciiString } from './compile.js';
import { resolveSet } from './engine.js';
import type { MessageDef, MessageMatch } from './family.js';
import type { AttrDef, AttrSet, AttrSetRef, EnumDef, StructDef, StructField, SubMessageAttr } from './types.js';

/** Which column extractor runs: the WebAssembly one, or the identical JavaScript one. */
export type ColumnEngine = 'wasm' | 'js';

/**
 * A column of numbers: integers up to 32 bits as u32/s32 values; addresses: IPv4 as a number,
 * IPv6 as 16 bytes per row, and family-dependent ones (`ip`) as 16 bytes per row with an IPv4
 * address in the first 4.
 */
export type Column = Uint32Array | Int32Array | Uint8Array;
/** A column of 64-bit integers (and of the kernel's variable-width uint/sint): bigints. */
export type BigColumn = BigUint64Array | BigInt64Array;

/** A batch of rows: one array per chosen field, plus `present` (bit i = field i was in the message). */
export interface ColumnTable {
  count: number;
  /** Field names in column order (bit i of `present` is fields[i]). */
  fields: readonly string[];
  /** The columns of the fields up to 32 bits and of the addresses. */
  columns: Record<string, Column>;
  /** The columns of the 64-bit fields (absent from `columns`). */
  bigColumns: Record<string, BigColumn>;
  /** The columns of string and MAC address attributes, as decode() gives them ('' where absent; absent from `columns`). */
  strings: Record<string, string[]>;
  present: Uint32Array;
}
type AnyColumn = Column | BigColumn;

/**
 * What to extract: the message declaration and field names: `header.NAME` for a family-header
 * field, an attribute key of the message's set, a path of keys through nests
 * (`tupleOrig.proto.srcPort`), a path through a sub-message naming its format
 * (`linkinfo.data.vlan.id`: the column of the links whose `linkinfo.kind` is 'vlan'), or a
 * field of a struct attribute (`stats64.rxBytes`). Integers
 * (64-bit ones as bigints), flags, IPv4 and IPv6 addresses can be columns, and string and MAC
 * address attributes (`ifname`, `address`) string columns; in a nest that repeats, or an
 * attribute that does, the first one counts.
 */
export interface ColumnSpec {
  message: MessageDef;
  fields: readonly string[];
}

/** The column kind of an integer or address type, or undefined when it cannot be a column. */
function kindOfType(type: string, be: boolean): Kind | undefined {
  let k: Kind;
  switch (type) {
    case 'u8': return KIND.u8;
    case 's8': return KIND.s8;
    case 'ipv4': return KIND.ipv4;
    case 'ipv6': return KIND.ipv6;
    case 'u16': k = KIND.u16; break;
    case 'u32': k = KIND.u32; break;
    case 's16': k = KIND.s16; break;
    case 's32': k = KIND.s32; break;
    case 'u64': k = KIND.u64; break;
    case 's64': k = KIND.s64; break;
    case 'uint': k = KIND.uint; break;
    case 'sint': k = KIND.sint; break;
    default: return undefined;
  }
  return be ? netByteOrder(k) : k;
}

function kindOfAttr(d: AttrDef, name: string): Kind {
  const k = d.type === 'ip' ? KIND.ip : d.type === 'flag' ? KIND.flag : d.type === 'string' ? KIND.string : d.type === 'mac' ? KIND.mac
    : kindOfType(d.type, 'byteOrder' in d && d.byteOrder === 'big-endian');
  if (k === undefined) throw new TypeError(`${name}: a ${d.type} attribute cannot be a column (integers, flags, ipv4, ipv6, ip, string, mac)`);
  return k;
}

function kindOfField(f: StructField, name: string): Kind {
  // in a struct, uint and sint are 8 bytes (fieldBytes)
  const type = f.type === 'uint' ? 'u64' : f.type === 'sint' ? 's64' : f.type;
  const k = kindOfType(type, f.byteOrder === 'big-endian');
  if (k === undefined) throw new TypeError(`${name}: a ${f.type} struct field cannot be a column`);
  return k;
}

/** The offset and declaration of a struct's field `key`. */
function structField(s: StructDef, key: string, name: string): { at: number; field: StructField } {
  let at = 0;
  for (const f of s.fields) {
    if (f.name === key) return { at, field: f };
    at += fieldBytes(f);
  }
  throw new TypeError(`${name}: ${s.name} has no field '${key}'`);
}

/** A batch whose arrays the caller owns (an extractor's batches are views of its scratch memory). */
export function ownedTable(t: ColumnTable): ColumnTable {
  const columns: ColumnTable['columns'] = {};
  for (const [k, c] of Object.entries(t.columns)) columns[k] = c.slice();
  const bigColumns: ColumnTable['bigColumns'] = {};
  for (const [k, c] of Object.entries(t.bigColumns)) bigColumns[k] = c.slice();
  const strings: ColumnTable['strings'] = {};
  for (const [k, c] of Object.entries(t.strings)) strings[k] = c.slice();
  return { count: t.count, fields: t.fields, columns, bigColumns, strings, present: t.present.slice() };
}

function plan(spec: ColumnSpec): FieldPlan[] {
  if (spec.fields.length > 32) throw new RangeError('at most 32 columns');
  if (new Set(spec.fields).size !== spec.fields.length) throw new TypeError('a field is named twice');
  const m = spec.message;
  return spec.fields.map((name, i): FieldPlan => {
    const bit = (1 << i) >>> 0;
    if (name.startsWith('header.')) {
      if (!m.header) throw new TypeError(`${m.name} has no family header`);
      const { at, field } = structField(m.header, name.slice(7), name);
      return { name, source: 'header', at, kind: kindOfField(field, name), bit, path: [], offset: 0, inStruct: false };
    }
    // keys through nests, then an attribute (or a struct attribute and one of its fields)
    const keys = name.split('.');
    const path: NestStep[] = [];
    let set: AttrSet | undefined = m.attrs;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const d: AttrDef | undefined = set && Object.hasOwn(set.attrs, key) ? set.attrs[key] : undefined;
      if (!d) throw new TypeError(`${m.name}: no attribute named '${keys.slice(0, k + 1).join('.')}'`);
      const last = k === keys.length - 1;
      if (last) return { name, source: 'attr', at: d.id, kind: kindOfAttr(d, name), bit, path, offset: 0, inStruct: false };
      if (d.type === 'struct' && k === keys.length - 2) {
        const { at, field } = structField(d.struct, keys[k + 1]!, name);
        return { name, source: 'attr', at: d.id, kind: kindOfField(field, name), bit, path, offset: at, inStruct: true };
      }
      const here = keys.slice(0, k + 1).join('.');
      if (d.type === 'sub-message') {
        // the next key names the format: the column holds the messages whose selector names it
        const select = subStep(m, set!, d, keys[k + 1]!, name, here);
        const fmt = d.formats[select.name]!;
        if ('kind' in fmt && fmt.kind === 'struct') throw new TypeError(`${name}: format '${keys[k + 1]}' of '${here}' is a struct, not an attribute set`);
        if (k + 2 >= keys.length) throw new TypeError(`${name}: name a field of format '${keys[k + 1]}' of '${here}'`);
        path.push({ type: d.id, hdr: 0, select });
        set = resolveSet(fmt as AttrSetRef);
        k++;
        continue;
      }
      if (d.type !== 'nest') throw new TypeError(`${name}: '${here}' is a ${d.type} attribute, not a nest`);
      path.push({ type: d.id, hdr: d.header?.size ?? 0 });
      set = resolveSet(d.set);
    }
    throw new TypeError(`${name}: no field`);
  });
}

/**
 * How a sub-message's format `format` is picked, as decode() picks it: by the string or integer
 * (up to 32 bits) attribute beside it, or the family-header field, its declaration names. An
 * integer selector's format may be named by its number or by the selector's enum name for it.
 */
function subStep(m: MessageDef, set: AttrSet, d: SubMessageAttr, format: string, name: string, here: string): SubStep {
  const formats = Object.keys(d.formats).join(', ');
  const noFormat = (): never => { throw new TypeError(`${name}: '${here}' has no format '${format}' (${formats})`); };
  if (format === undefined) noFormat();
  const intKey = (e: EnumDef | undefined): { key: string; value: number } => {
    const key = Object.hasOwn(d.formats, format) ? format : e && Object.hasOwn(e.values, format) ? String(e.values[format]) : noFormat();
    if (!/^-?\d+$/.test(key) || !Object.hasOwn(d.formats, key)) noFormat();
    return { key, value: Number(key) };
  };
  if (d.selectorIn === 'header') {
    if (!m.header) throw new TypeError(`${name}: '${here}' is chosen by a family-header field, and ${m.name} has none`);
    const { at, field } = structField(m.header, d.selector, name);
    const kind = kindOfField(field, name);
    if (bigKind(kind) || wide(kind) || kind === KIND.ipv4) throw new TypeError(`${name}: '${here}' is chosen by header.${d.selector}, not an integer of up to 32 bits`);
    const { key, value } = intKey('enum' in field ? field.enum : undefined);
    return { from: 'header', selector: at, kind, name: key, value };
  }
  const sel = set.attrs[d.selector];
  if (!sel) throw new TypeError(`${name}: '${here}' is chosen by '${d.selector}', which ${set.name} lacks`);
  if (sel.type === 'string') {
    if (!Object.hasOwn(d.formats, format) || !/^[\x01-\x7f]*$/.test(format)) noFormat();
    return { from: 'attr', selector: sel.id, kind: KIND.string, name: format, value: 0 };
  }
  const kind = ['u8', 's8', 'u16', 's16', 'u32', 's32'].includes(sel.type) ? kindOfType(sel.type, 'byteOrder' in sel && sel.byteOrder === 'big-endian') : undefined;
  if (kind === undefined) throw new TypeError(`${name}: '${here}' is chosen by '${d.selector}', a ${sel.type} attribute: columns follow string or integer (up to 32 bits) selectors`);
  const { key, value } = intKey('enum' in sel ? sel.enum : undefined);
  return { from: 'attr', selector: sel.id, kind, name: key, value };
}

/** Plans the shipped table-driven module can run: top-level attributes of one column each, kinds up to 32 bits. */
function tableDrivable(plan: readonly FieldPlan[]): boolean {
  const types = new Set<number>();
  for (const f of plan) {
    if (bigKind(f.kind) || textKind(f.kind)) return false;
    if (f.source !== 'attr') continue;
    if (f.path.length || f.inStruct || types.has(f.at)) return false;
    types.add(f.at);
  }
  return true;
}

function fieldBytes(f: StructField): number {
  switch (f.type) {
    case 'u8': case 's8': return 1;
    case 'u16': case 's16': return 2;
    case 'u32': case 's32': case 'ipv4': return 4;
    case 'u64': case 's64': case 'uint': case 'sint': return 8;
    case 'ipv6': return 16;
    case 'mac': return f.len ?? 6;
    default: return f.len ?? 0;
  }
}

const REASONS: Record<number, DecodeErrorReason> = {
  1: 'message-truncated', 2: 'message-bad-length', 3: 'message-short-for-header', 4: 'attr-truncated', 5: 'attr-bad-length', 6: 'attr-bad-size',
};
/** Array elements one row takes in a column of this kind. */
const cells = (k: Kind): number => (wide(k) ? 16 : textKind(k) ? 2 : 1);

/**
 * Appends the text columns' strings of rows [from, to) to `into`, from the input those rows were
 * extracted from: `pairsOf(i)` holds, per row, the payload's offset in `input` and its length.
 */
function textCells(plan: readonly FieldPlan[], pairsOf: (i: number) => Uint32Array, present: Uint32Array, input: Uint8Array, from: number, to: number, into: Record<string, string[]>): void {
  plan.forEach((f, i) => {
    if (!textKind(f.kind)) return;
    const pairs = pairsOf(i);
    const out = (into[f.name] ??= []);
    for (let r = from; r < to; r++) {
      if ((present[r]! & f.bit) === 0) { out.push(''); continue; }
      const p = pairs[2 * r]!, n = pairs[2 * r + 1]!;
      out.push(f.kind === KIND.mac ? formatHex(input.subarray(p, p + n)) : asciiString(input, p, n));
    }
  });
}

/** Smallest message with this header: the most rows one chunk can hold. */
const maxRows = (bytes: number, hdr: number): number => Math.ceil(bytes / (16 + hdr)) + 1;

/**
 * Extracts columns chunk by chunk. `extract(chunk)` returns a batch whose arrays are views valid
 * until the next call (copy what you keep, or use `collect()`).
 */
export class ColumnExtractor {
  readonly engine: ColumnEngine;
  /** With the 'wasm' engine: true when its module was generated for these fields, false when the shipped table-driven one runs. */
  readonly generated: boolean;
  readonly fields: readonly string[];
  private readonly plan: FieldPlan[];
  private readonly type: number;
  private readonly when: MessageMatch | undefined;
  private readonly hdrSize: number;
  private impl: Engine;
  private reusedWasm: WasmEngine | undefined;
  private reusedRows: JsRows | undefined;
  private reuseGeneration = 0;

  constructor(spec: ColumnSpec, engine?: ColumnEngine) {
    this.plan = plan(spec);
    this.fields = spec.fields;
    this.type = spec.message.type;
    // a variant (sock_diag's inet_diag_msg) takes only the messages of its type it matches
    this.when = spec.message.when;
    this.hdrSize = spec.message.header?.size ?? 0;
    const want = engine ?? (typeof WebAssembly === 'object' ? 'wasm' : 'js');
    let impl: WasmEngine | undefined;
    if (want === 'wasm') {
      try { impl = new WasmEngine(this.plan, this.type, this.hdrSize, this.when); } catch (e) { if (engine === 'wasm') throw e; }
    }
    this.impl = impl ?? new JsEngine(this.plan, this.type, this.hdrSize, this.when);
    this.engine = impl ? 'wasm' : 'js';
    this.generated = impl?.generated ?? false;
  }

  /** Rows of one chunk of messages (other message types are skipped). Throws DecodeError. */
  extract(chunk: Uint8Array): ColumnTable {
    return this.impl.run(chunk);
  }

  /**
   * Accumulates every chunk's rows (for a whole dump). With the WASM engine the rows are appended
   * in the collector's own linear memory and `result()` gives views of it, so no row is copied;
   * `result()` ends the collection.
   *
   * With `reuse`, the rows go into memory this extractor keeps from one reusing collector to the
   * next (a program that collects the same dump again and again writes into memory it has
   * already touched, rather than into fresh pages the kernel must fault in one by one): a new
   * reusing collector overwrites the previous one's result (copy what you keep) and ends it.
   */
  collector(options: { reuse?: boolean } = {}): {
    /** Extracts one chunk's rows and appends them. */
    add(chunk: Uint8Array): void;
    /** The accumulated columns. */
    result(): ColumnTable;
  } {
    const generation = options.reuse ? ++this.reuseGeneration : 0;
    const check = (done: boolean): void => {
      if (done) throw new Error('ColumnExtractor collector: add() after result()');
      if (generation !== 0 && generation !== this.reuseGeneration) throw new Error('ColumnExtractor collector: a later reusing collector took over its memory');
    };
    if (this.engine === 'wasm') {
      const w = options.reuse ? (this.reusedWasm ??= new WasmEngine(this.plan, this.type, this.hdrSize, this.when)) : new WasmEngine(this.plan, this.type, this.hdrSize, this.when);
      let count = 0;
      let done = false;
      const strings: ColumnTable['strings'] = {};
      return {
        add: (chunk) => {
          check(done);
          const n = w.append(chunk, count);
          w.textCellsOf(chunk, count, count + n, strings);
          count += n;
        },
        result: () => { done = true; return w.tableOf(count, strings); },
      };
    }
    const rows = options.reuse ? (this.reusedRows ??= new JsRows(this.plan)) : new JsRows(this.plan);
    let count = 0;
    let done = false;
    return {
      add: (chunk) => { check(done); count = rows.append(this.extract(chunk), count); },
      result: () => { done = true; return rows.tableOf(count, this.fields); },
    };
  }
}

/** The JS engine's collected rows: one array per column, grown 2x. */
class JsRows {
  private present = new Uint32Array(1024);
  private readonly cols = new Map<string, { kind: Kind; data: AnyColumn }>();
  private readonly strings = new Map<string, string[]>();
  constructor(plan: FieldPlan[]) {
    for (const f of plan) {
      if (textKind(f.kind)) this.strings.set(f.name, []);
      else this.cols.set(f.name, { kind: f.kind, data: newColumn(f.kind, 1024) });
    }
  }
  /** Appends a batch after the first `count` rows; returns the new count. */
  append(t: ColumnTable, count: number): number {
    const need = count + t.count;
    if (need > this.present.length) {
      let cap = this.present.length;
      while (cap < need) cap *= 2;
      const p2 = new Uint32Array(cap); p2.set(this.present.subarray(0, count)); this.present = p2;
      for (const c of this.cols.values()) {
        const d2 = newColumn(c.kind, cap);
        d2.set(c.data.subarray(0, count * (wide(c.kind) ? 16 : 1)) as never);
        c.data = d2;
      }
    }
    this.present.set(t.present.subarray(0, t.count), count);
    for (const [name, list] of this.strings) {
      list.length = count;
      for (const s of t.strings[name]!) list.push(s);
    }
    for (const [name, c] of this.cols) {
      const src = (bigKind(c.kind) ? t.bigColumns[name] : t.columns[name])!;
      const w = wide(c.kind) ? 16 : 1;
      c.data.set(src.subarray(0, t.count * w) as never, count * w);
    }
    return need;
  }
  tableOf(count: number, fields: readonly string[]): ColumnTable {
    const columns: ColumnTable['columns'] = {};
    const bigColumns: ColumnTable['bigColumns'] = {};
    for (const [name, c] of this.cols) {
      const data = c.data.subarray(0, count * (wide(c.kind) ? 16 : 1));
      if (bigKind(c.kind)) bigColumns[name] = data as BigColumn; else columns[name] = data as Column;
    }
    const strings: ColumnTable['strings'] = {};
    for (const [name, list] of this.strings) strings[name] = list.slice(0, count);
    return { count, fields, columns, bigColumns, strings, present: this.present.subarray(0, count) };
  }
}

function newColumn(kind: Kind, rows: number): AnyColumn {
  if (wide(kind)) return new Uint8Array(rows * 16);
  if (textKind(kind)) return new Uint32Array(rows * 2);
  if (bigKind(kind)) return signedKind(kind) ? new BigInt64Array(rows) : new BigUint64Array(rows);
  return signedKind(kind) ? new Int32Array(rows) : new Uint32Array(rows);
}

/** A column of `kind` over memory at `at` (`count` rows). */
function columnOver(buf: ArrayBuffer, at: number, kind: Kind, count: number): AnyColumn {
  if (wide(kind)) return new Uint8Array(buf, at, count * 16);
  if (textKind(kind)) return new Uint32Array(buf, at, count * 2);
  if (bigKind(kind)) return signedKind(kind) ? new BigInt64Array(buf, at, count) : new BigUint64Array(buf, at, count);
  return signedKind(kind) ? new Int32Array(buf, at, count) : new Uint32Array(buf, at, count);
}

interface Engine { run(chunk: Uint8Array): ColumnTable }

// ---- JS engine (the reference) -------------------------------------------------------------------

class JsEngine implements Engine {
  private cap = 0;
  private present = new Uint32Array(0);
  private cols: AnyColumn[] = [];
  /** Plan indices of the attribute and the header columns. */
  private readonly attrs: number[];
  private readonly headers: number[];
  private readonly top: LevelPlan;
  constructor(private readonly plan: FieldPlan[], private readonly type: number, private readonly hdrSize: number, private readonly when: MessageMatch | undefined) {
    this.attrs = plan.flatMap((f, i) => (f.source === 'attr' ? [i] : []));
    this.headers = plan.flatMap((f, i) => (f.source === 'header' ? [i] : []));
    this.top = levelsOf(plan);
  }
  private ensure(rows: number): void {
    if (rows <= this.cap) return;
    this.cap = Math.max(rows, this.cap * 2);
    this.present = new Uint32Array(this.cap);
    this.cols = this.plan.map((f) => newColumn(f.kind, this.cap));
  }
  run(b: Uint8Array): ColumnTable {
    this.ensure(maxRows(b.length, this.hdrSize));
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const cols = this.cols;
    /** An integer of up to 32 bits (or an IPv4 address as a number) at `p`. */
    const intAt = (kind: Kind, p: number): number => {
      switch (kind) {
        case KIND.u8: return b[p]!;
        case KIND.u16: return v.getUint16(p, true);
        case KIND.u32: return v.getUint32(p, true);
        case KIND.s8: return v.getInt8(p);
        case KIND.s16: return v.getInt16(p, true);
        case KIND.s32: return v.getInt32(p, true);
        case KIND.ipv4: case KIND.u32be: return v.getUint32(p, false);
        case KIND.u16be: return v.getUint16(p, false);
        case KIND.s16be: return v.getInt16(p, false);
        case KIND.s32be: return v.getInt32(p, false);
        default: return 1; // a flag
      }
    };
    const store = (i: number, kind: Kind, row: number, p: number, len: number): void => {
      const col = cols[i]!;
      if (textKind(kind)) { (col as Uint32Array)[row * 2] = p; (col as Uint32Array)[row * 2 + 1] = len; return; }
      if (kind === KIND.ipv6) { (col as Uint8Array).set(b.subarray(p, p + 16), row * 16); return; }
      if (kind === KIND.ip) { (col as Uint8Array).set(b.subarray(p, p + 4), row * 16); return; } // 4-byte payload
      if (bigKind(kind)) {
        const be = kind === KIND.u64be || kind === KIND.s64be || kind === KIND.uintbe || kind === KIND.sintbe;
        const signed = signedKind(kind);
        let x: bigint;
        if (variableKind(kind) && len === 4) x = BigInt(signed ? v.getInt32(p, !be) : v.getUint32(p, !be));
        else x = signed ? v.getBigInt64(p, !be) : v.getBigUint64(p, !be);
        (col as BigUint64Array)[row] = x;
        return;
      }
      (col as Uint32Array)[row] = intAt(kind, p);
    };
    const fail = (off: number, reason: number): never => {
      throw new DecodeError(REASONS[reason]!, off, `column extraction: ${REASONS[reason]}`);
    };
    let row = 0;
    let present = 0;
    // the attributes of [at, end) at one level: every one checked, the plan's stored, its nests walked
    const walk = (level: LevelPlan, at: number, end: number): void => {
      // sub-messages: the case each selector matched (by slot; -1 none, undefined not seen), each sub-message's first place
      const subs = level.subs.size > 0;
      const selected = subs ? new Array<number | undefined>(level.selectors.length) : undefined;
      const places = subs ? new Map<number, [number, number]>() : undefined;
      // a family-header field: known before the attributes
      if (subs) {
        for (const sel of level.selectors) {
          if (sel.from === 'header') { const x = intAt(sel.kind, off + 16 + sel.selector); selected![sel.slot] = sel.cases.findIndex((e) => e.value === x); }
        }
      }
      while (at < end) {
        const left = end - at;
        if (left < 4) fail(at, 4);
        const alen = v.getUint16(at, true);
        if (alen < 4) fail(at, 5);
        if (alen > left) fail(at, 4);
        const raw = v.getUint16(at + 2, true);
        const type = raw & 0x3fff;
        for (const i of level.leaves.get(type) ?? []) {
          const f = this.plan[i]!;
          if ((present & f.bit) >>> 0) continue;
          let kind = f.kind;
          if (f.inStruct) {
            if (alen - 4 < f.offset + PAYLOAD[kind]) fail(at, 6);
            store(i, kind, row, at + 4 + f.offset, PAYLOAD[kind]);
          } else {
            if (raw & 0x4000) kind = netByteOrder(kind);
            if (kind === KIND.ip) {
              if (alen === 20) kind = KIND.ipv6;
              else if (alen !== 8) fail(at, 6);
            } else if (variableKind(kind)) {
              if (alen !== 8 && alen !== 12) fail(at, 6);
            } else if (!textKind(kind) && alen - 4 !== PAYLOAD[kind]) fail(at, 6);
            store(i, kind, row, at + 4, alen - 4);
          }
          present |= f.bit;
        }
        const nest = level.nests.get(type);
        if (nest) {
          if (alen - 4 < nest.hdr) fail(at, 6);
          walk(nest.level, at + 4 + nest.hdr, at + alen);
        }
        if (subs) {
          const sel = level.attrSelectors.get(type);
          if (sel && selected![sel.slot] === undefined) {
            let k = -1;
            if (sel.kind === KIND.string) k = selectedName(b, at + 4, alen - 4, sel.cases);
            else if (alen - 4 === PAYLOAD[sel.kind]) { const x = intAt(raw & 0x4000 ? netByteOrder(sel.kind) : sel.kind, at + 4); k = sel.cases.findIndex((e) => e.value === x); }
            selected![sel.slot] = k;
          }
          if (level.subs.has(type) && !places!.has(type)) places!.set(type, [at, alen]);
        }
        at += (alen + 3) & ~3;
      }
      if (subs) {
        for (const [t, list] of level.subs) {
          const place = places!.get(t);
          if (!place) continue;
          for (const e of list) {
            if (selected![e.selector.slot] === e.case) walk(e.level, place[0] + 4, place[0] + place[1]);
          }
        }
      }
    };
    let off = 0;
    while (off < b.length) {
      const remaining = b.length - off;
      if (remaining < 16) fail(off, 1);
      const mlen = v.getUint32(off, true);
      if (mlen < 16 || mlen > remaining) fail(off, 2);
      const when = this.when;
      if (v.getUint16(off + 4, true) === this.type
        && (when === undefined || (mlen > 16 && when.firstByte.includes(b[off + 16]!) && ((v.getUint16(off + 6, true) & 1) === 1) === when.request))) {
        if (mlen - 16 < this.hdrSize) fail(off, 3);
        present = 0;
        for (const i of this.headers) { const f = this.plan[i]!; store(i, f.kind, row, off + 16 + f.at, PAYLOAD[f.kind]); present |= f.bit; }
        for (const i of this.attrs) {
          const f = this.plan[i]!;
          const col = cols[i]!;
          if (wide(f.kind)) col.fill(0 as never, row * 16, row * 16 + 16);
          else if (textKind(f.kind)) col.fill(0 as never, row * 2, row * 2 + 2);
          else if (bigKind(f.kind)) (col as BigUint64Array)[row] = 0n;
          else (col as Uint32Array)[row] = 0;
        }
        walk(this.top, off + 16 + this.hdrSize, off + mlen);
        this.present[row] = present >>> 0;
        row++;
      }
      off += (mlen + 3) & ~3;
    }
    const strings: ColumnTable['strings'] = {};
    textCells(this.plan, (i) => cols[i] as Uint32Array, this.present, b, 0, row, strings);
    return table(this.plan, this.cols, this.present, row, strings);
  }
}

function table(plan: FieldPlan[], cols: AnyColumn[], present: Uint32Array, count: number, strings: ColumnTable['strings']): ColumnTable {
  const columns: ColumnTable['columns'] = {};
  const bigColumns: ColumnTable['bigColumns'] = {};
  plan.forEach((f, i) => {
    if (textKind(f.kind)) return;
    const data = cols[i]!.subarray(0, count * cells(f.kind));
    if (bigKind(f.kind)) bigColumns[f.name] = data as BigColumn; else columns[f.name] = data as Column;
  });
  return { count, fields: plan.map((f) => f.name), columns, bigColumns, strings, present: present.subarray(0, count) };
}

// ---- WASM engines -----------------------------------------------------------------------------------

/** extract(input, len, row0, ctl): rows written, or -1 with ctl[0] = offset, ctl[1] = reason. */
type GeneratedExport = (input: number, len: number, row0: number, ctl: number) => number;
/** assembly/extract.ts: the same, with the program at `prog` and the error words at `err`. */
type TableExport = (input: number, len: number, prog: number, row0: number, err: number) => number;
const PAGE = 65536;
const align64 = (n: number): number => (n + 63) & ~63;
/** Rows capacity grows by this factor: fewer moves of the kept rows (pages not yet written cost no memory). */
const ROW_GROWTH = 8;

let generatedAllowed = true;
/** Turns the generated extractors off (the shipped table-driven one runs instead), for tests and comparisons. */
export function setGeneratedExtractors(on: boolean): void { generatedAllowed = on; }

// compiled modules by plan: a program making columns of the same fields compiles once
const generatedModules = new Map<string, WebAssembly.Module>();
const MODULE_CACHE_SIZE = 64;
function generatedModule(plan: FieldPlan[], type: number, hdrSize: number, when: MessageMatch | undefined): WebAssembly.Module {
  // everything the module's bytes depend on (names and bits do not change them)
  const key = `${type}${when ? `[${when.firstByte.join('|')}${when.request ? 'q' : 'r'}]` : ''}/${hdrSize}/${plan.map((f) => `${f.path.map((p) => `${p.type}+${p.hdr}${p.select ? `?${p.select.selector}=${p.select.name}` : ''}>`).join('')}${f.source[0]}${f.at}${f.inStruct ? `@${f.offset}` : ''}:${f.kind}`).join(',')}`;
  let m = generatedModules.get(key);
  if (!m) {
    m = new WebAssembly.Module(extractorModuleBytes(type, hdrSize, plan, when));
    if (generatedModules.size >= MODULE_CACHE_SIZE) generatedModules.delete(generatedModules.keys().next().value!);
    generatedModules.set(key, m);
  }
  return m;
}

/**
 * Where everything lives in the engine's linear memory: the fixed part (control words, the
 * table program) first, then the rows (present, then each column), then the input area last, so
 * that a larger input never moves the rows.
 */
interface Layout { present: number; cols: number[]; input: number; inputCap: number; rowsCap: number; end: number }

class WasmEngine implements Engine {
  /** True when the module was generated for this plan (else the shipped table-driven one runs). */
  readonly generated: boolean;
  private readonly memory: WebAssembly.Memory;
  private readonly call: (input: number, len: number, row0: number) => number;
  private readonly ctl: number;
  private readonly prog: number;
  private readonly fixedEnd: number;
  private readonly headers: FieldPlan[];
  private readonly attrs: FieldPlan[];
  private readonly tableLen: number;
  private readonly hasText: boolean;
  private at!: Layout;
  private u8!: Uint8Array;
  private words!: Uint32Array;

  constructor(private readonly plan: FieldPlan[], private readonly type: number, private readonly hdrSize: number, when: MessageMatch | undefined) {
    this.memory = new WebAssembly.Memory({ initial: 1 });
    this.headers = plan.filter((f) => f.source === 'header');
    this.attrs = plan.filter((f) => f.source === 'attr');
    this.hasText = plan.some((f) => textKind(f.kind));
    // attribute types above 0x3fff cannot occur (the type field has 14 bits)
    this.tableLen = this.attrs.length ? Math.max(...this.attrs.map((f) => f.at)) + 1 : 0;
    this.ctl = 64;
    this.prog = align64(this.ctl + (CTL_COLUMNS + plan.length) * 4);
    let module: WebAssembly.Module | undefined;
    if (generatedAllowed) {
      try { module = generatedModule(plan, type, hdrSize, when); } catch { /* code generation refused: the shipped module */ }
    }
    this.generated = module !== undefined;
    if (!module && (!tableDrivable(plan) || when)) throw new TypeError('column extraction: these fields need a generated module (nested, struct or 64-bit fields, or a variant message), and compiling one was refused');
    const { ctl, prog } = this;
    if (module) {
      const fn = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports['extract'] as GeneratedExport;
      this.call = (input, len, row0) => fn(input, len, row0, ctl);
      this.fixedEnd = prog;
    } else {
      const instance = new WebAssembly.Instance(moduleSync(), { env: { memory: this.memory, abort: () => { throw new Error('extract.wasm aborted'); } } });
      const fn = instance.exports['extract'] as TableExport;
      this.call = (input, len, row0) => fn(input, len, prog, row0, ctl);
      this.fixedEnd = align64(prog + 28 + plan.length * 16 + this.tableLen);
    }
    this.place(65536, maxRows(65536, hdrSize), 0);
  }

  private layoutFor(inputCap: number, rowsCap: number): Layout {
    let p = this.fixedEnd;
    const present = p; p += align64(rowsCap * 4);
    const cols = this.plan.map((f) => { const c = p; p += align64(rowsCap * elementBytes(f.kind)); return c; });
    const input = p; p += align64(inputCap);
    return { present, cols, input, inputCap, rowsCap, end: p };
  }

  /** Grows the memory to hold `layout` (false when it cannot). */
  private fits(layout: Layout): boolean {
    const pages = Math.ceil(layout.end / PAGE);
    const now = this.memory.buffer.byteLength / PAGE;
    if (pages <= now) return true;
    try { this.memory.grow(pages - now); return true; } catch { return false; }
  }

  /**
   * Lays the memory out for `inputCap` bytes of input and at least `needRows` rows (room for
   * `wantRows` when the memory can grow so far), moving the `keepRows` rows kept so far.
   */
  private place(inputCap: number, needRows: number, keepRows: number, wantRows = needRows): void {
    const old = this.at;
    let next = this.layoutFor(inputCap, wantRows);
    if (!this.fits(next)) {
      next = this.layoutFor(inputCap, needRows);
      if (!this.fits(next)) throw new RangeError(`column extraction: no memory for ${needRows} rows`);
    }
    this.u8 = new Uint8Array(this.memory.buffer);
    this.words = new Uint32Array(this.memory.buffer);
    if (old && keepRows > 0 && next.rowsCap !== old.rowsCap) {
      // every region only moves up: move the last one first
      for (let i = this.plan.length - 1; i >= 0; i--) {
        this.u8.copyWithin(next.cols[i]!, old.cols[i]!, old.cols[i]! + keepRows * elementBytes(this.plan[i]!.kind));
      }
      this.u8.copyWithin(next.present, old.present, old.present + keepRows * 4);
    }
    this.at = next;
    const w = this.words;
    w[this.ctl / 4 + 2] = next.present;
    this.plan.forEach((_, i) => { w[this.ctl / 4 + CTL_COLUMNS + i] = next.cols[i]!; });
    if (!this.generated) this.writeTableProgram();
  }

  /** The program of the shipped extractor (see assembly/extract.ts). */
  private writeTableProgram(): void {
    const w = new Uint32Array(this.memory.buffer, this.prog, 7 + this.plan.length * 4);
    const table = this.prog + 28 + this.plan.length * 16;
    w[0] = this.type; w[1] = this.hdrSize; w[2] = this.headers.length; w[3] = this.attrs.length; w[4] = this.at.present;
    w[5] = table; w[6] = this.tableLen;
    let k = 7;
    for (const f of [...this.headers, ...this.attrs]) {
      w[k++] = f.at; w[k++] = f.kind; w[k++] = this.at.cols[this.plan.indexOf(f)]!; w[k++] = f.bit;
    }
    const slots = this.u8.subarray(table, table + this.tableLen);
    slots.fill(0);
    this.attrs.forEach((f, i) => { if (slots[f.at] === 0) slots[f.at] = i + 1; });
  }

  /** Extracts `b`'s rows starting at row `row0` (earlier rows stay); returns how many. */
  append(b: Uint8Array, row0: number): number {
    const rows = row0 + maxRows(b.length, this.hdrSize);
    const at = this.at;
    if (rows > at.rowsCap) this.place(Math.max(b.length, at.inputCap), rows, row0, Math.max(rows, at.rowsCap * ROW_GROWTH));
    else if (b.length > at.inputCap) this.place(b.length, at.rowsCap, row0);
    this.u8.set(b, this.at.input);
    const n = this.call(this.at.input, b.length, row0);
    if (n < 0) {
      const reason = REASONS[this.words[this.ctl / 4 + 1]!] ?? 'unsupported';
      throw new DecodeError(reason, this.words[this.ctl / 4]!, `column extraction: ${reason}`);
    }
    return n;
  }

  /** Views of the first `count` rows (valid until the memory is laid out again), with the text columns' strings. */
  tableOf(count: number, strings: ColumnTable['strings']): ColumnTable {
    const buf = this.memory.buffer;
    const cols = this.plan.map((f, i): AnyColumn => columnOver(buf, this.at.cols[i]!, f.kind, count));
    return table(this.plan, cols, new Uint32Array(buf, this.at.present, count), count, strings);
  }

  /** Appends the strings of the text columns of rows [from, to), which `input` gave. */
  textCellsOf(input: Uint8Array, from: number, to: number, into: ColumnTable['strings']): void {
    if (!this.hasText) return;
    const buf = this.memory.buffer;
    textCells(this.plan, (i) => new Uint32Array(buf, this.at.cols[i]!, to * 2), new Uint32Array(buf, this.at.present, to), input, from, to, into);
  }

  run(b: Uint8Array): ColumnTable {
    const n = this.append(b, 0);
    const strings: ColumnTable['strings'] = {};
    this.textCellsOf(b, 0, n, strings);
    return this.tableOf(n, strings);
  }
}
