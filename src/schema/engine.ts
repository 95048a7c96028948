// The declaration engine: one decoder and one builder for every declared attribute set.
import { encodeUtf8, decodeUtf8, writeNumber, type Encodable } from '../core/attr.js';
import { formatHex, formatIPv4, formatIPv6, formatIP, parseHex, parseIP, parseIPv4, parseIPv6 } from '../core/addr.js';
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK, align4 } from '../core/constants.js';
import { DecodeError } from '../core/errors.js';
import { dataView } from '../core/header.js';
import { enumValue, fieldSize, flagsValue, subMessageFormat } from './define.js';
import type {
  AttrDef, AttrDefs, AttrSet, AttrSetRef, CodecContext, Decoded, ScalarType, StructDef, StructField, UnknownAttr,
} from './types.js';

/**
 * Wire order of a decoded set: the raw nla_type of every attribute, as received, kept where the
 * builder could not give the received bytes back from the keys alone. It is a hidden own property
 * on objects of the interpreter and the general compiled decoders; {@link wireOrderOf} reads it
 * whichever decoder made the object.
 */
export const WIRE_ORDER: unique symbol = Symbol('nlwire.wireOrder');
/** Original payload bytes for values whose canonical encoding would differ (kept for exact re-encoding). */
const EXACT: unique symbol = Symbol('nlwire.exact');
/** Original size and trailing bytes of a struct whose length differs from the declaration. */
const STRUCT_TAIL: unique symbol = Symbol('nlwire.structTail');

/** The deepest nesting of attributes decoded; deeper input is a DecodeError (nesting-too-deep). */
export const MAX_NEST_DEPTH = 32;

export type Obj = Record<string, unknown>;
interface Hidden {
  [WIRE_ORDER]?: number[];
  [EXACT]?: Map<number, { value: unknown; bytes: Uint8Array }>;
  [STRUCT_TAIL]?: { size: number; tail: Uint8Array };
}

// ---- compiled sets --------------------------------------------------------------------------

export interface CompiledAttr { key: string; def: AttrDef }
interface CompiledSet {
  set: AttrSet;
  byId: Array<CompiledAttr | undefined>;
  byKey: Map<string, CompiledAttr>;
}
const compiled = new WeakMap<AttrSet, CompiledSet>();

export function resolveSet(ref: AttrSetRef): AttrSet {
  return typeof ref === 'function' ? ref() : ref;
}

function compile(set: AttrSet): CompiledSet {
  let c = compiled.get(set);
  if (c) return c;
  const byId: Array<CompiledAttr | undefined> = [];
  const byKey = new Map<string, CompiledAttr>();
  for (const [key, def] of Object.entries(set.attrs)) {
    const a = { key, def };
    byId[def.id] = a;
    byKey.set(key, a);
  }
  c = { set, byId, byKey };
  compiled.set(set, c);
  return c;
}

// Shaped decoders (schema/compile.ts) keep the wire order in a private field added to the plain
// object (a base constructor that returns it): a store instead of an Object.defineProperty call
// per object, and as invisible (not enumerable, no own symbol, the prototype untouched).
class PlainObject { constructor(o: object) { return o as PlainObject; } }
class WireOrderField extends PlainObject {
  readonly #order: readonly number[];
  constructor(o: object, order: readonly number[]) { super(o); this.#order = order; }
  static of(o: object): readonly number[] | undefined { return #order in o ? (o as WireOrderField).#order : undefined; }
}
/** Keeps `order` as the wire order of a freshly decoded object (once per object). */
export function keepWireOrder(o: object, order: readonly number[]): void {
  new WireOrderField(o, order);
}
/** The wire order a decoder kept on `o` (raw nla_types as received), else undefined. */
export function wireOrderOf(o: object): readonly number[] | undefined {
  return (o as Hidden)[WIRE_ORDER] ?? WireOrderField.of(o);
}

function hide(obj: object, sym: symbol, value: unknown): void {
  Object.defineProperty(obj, sym, { value, enumerable: false, writable: true, configurable: true });
}

// ---- structs ----------------------------------------------------------------------------------

/**
 * Decodes a struct from `b[off, off+len)`. A shorter payload decodes the fields that fit (older
 * kernels), a longer one keeps the extra bytes (newer kernels); both re-encode exactly.
 */
export function decodeStruct<S extends StructDef>(def: S, b: Uint8Array, off: number, len: number = def.size): Obj {
  return decodeStructInterpreted(def, b, off, len);
}

/** The reference struct decoder (compiled decoders fall back to it for odd sizes). */
export function decodeStructInterpreted(def: StructDef, b: Uint8Array, off: number, len: number = def.size): Obj {
  const v = dataView(b);
  const out: Obj = {};
  let p = off;
  const end = off + len;
  for (const f of def.fields) {
    const size = fieldSize(f);
    if (p + size > end) break;
    if (f.type !== 'pad') out[f.name] = readField(f, b, v, p, size);
    p += size;
  }
  if (len !== def.size) hide(out, STRUCT_TAIL, { size: len, tail: b.slice(Math.min(p, end), end) });
  return out;
}

function readField(f: StructField, b: Uint8Array, v: DataView, p: number, size: number): unknown {
  const le = f.byteOrder !== 'big-endian';
  switch (f.type) {
    case 'u8': return v.getUint8(p);
    case 's8': return v.getInt8(p);
    case 'u16': return v.getUint16(p, le);
    case 's16': return v.getInt16(p, le);
    case 'u32': return v.getUint32(p, le);
    case 's32': return v.getInt32(p, le);
    case 'u64': case 'uint': return v.getBigUint64(p, le);
    case 's64': case 'sint': return v.getBigInt64(p, le);
    case 'ipv4': return formatIPv4(b, p);
    case 'ipv6': return formatIPv6(b, p);
    case 'mac': return formatHex(b.subarray(p, p + size));
    default: return b.slice(p, p + size);
  }
}

export function structByteLength(def: StructDef, value: Obj): number {
  return (value as Hidden)[STRUCT_TAIL]?.size ?? def.size;
}

/** Writes a struct; missing fields are zero. Enum/flag fields accept names. */
export function encodeStructInto(def: StructDef, value: Obj, view: DataView, offset: number): number {
  const tail = (value as Hidden)[STRUCT_TAIL];
  const total = tail?.size ?? def.size;
  const end = offset + total;
  let p = offset;
  for (const f of def.fields) {
    const size = fieldSize(f);
    if (p + size > end) break;
    writeField(f, value[f.name], view, p, size, def.name);
    p += size;
  }
  if (tail && tail.tail.length && p < end) new Uint8Array(view.buffer, view.byteOffset + p, tail.tail.length).set(tail.tail);
  else for (let q = p; q < end; q++) view.setUint8(q, 0);
  return end;
}

function writeField(f: StructField, raw: unknown, view: DataView, p: number, size: number, where: string): void {
  const le = f.byteOrder !== 'big-endian';
  if (f.type === 'pad') { for (let i = 0; i < size; i++) view.setUint8(p + i, 0); return; }
  if (f.type === 'ipv4' || f.type === 'ipv6' || f.type === 'mac' || f.type === 'binary') {
    let bytes: Uint8Array | undefined;
    if (raw === undefined) bytes = new Uint8Array(size);
    else if (raw instanceof Uint8Array) bytes = raw;
    else if (typeof raw === 'string') bytes = f.type === 'ipv4' ? parseIPv4(raw) : f.type === 'ipv6' ? parseIPv6(raw) : parseHex(raw);
    if (!bytes || bytes.length > size) throw new TypeError(`${where}.${f.name}: cannot encode ${String(raw)} as ${f.type}`);
    const dst = new Uint8Array(view.buffer, view.byteOffset + p, size);
    dst.fill(0);
    dst.set(bytes);
    return;
  }
  const n = toNumberish(f, raw, where);
  writeNumber(view, p, size, n, f.type.startsWith('s'), le);
}

function toNumberish(f: { type: string; enum?: import('./types.js').EnumDef; flags?: import('./types.js').FlagsDef; name?: string }, raw: unknown, where: string): number | bigint {
  if (raw === undefined || raw === null) return 0;
  if (typeof raw === 'number' || typeof raw === 'bigint') return raw;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'string' && f.enum) return enumValue(f.enum, raw);
  if (Array.isArray(raw) && f.flags) return flagsValue(f.flags, raw as Array<string | number>);
  if (typeof raw === 'string' && /^-?(0x[0-9a-f]+|\d+)$/i.test(raw)) return BigInt(raw);
  throw new TypeError(`${where}${f.name ? '.' + f.name : ''}: cannot encode ${JSON.stringify(raw)} as ${f.type}`);
}

// ---- attribute sets: decode ---------------------------------------------------------------------

/** Where a decode is: nesting depth, what custom codecs are told, and which engine runs nests. */
export interface DecodeState { depth: number; ctx: CodecContext; compiled?: boolean }

/** A set decoder as schema/compile.ts builds them. */
export type SetDecoderFn = (b: Uint8Array, v: DataView, start: number, end: number, hdr: Obj | undefined, depth: number) => Obj;
let compiledFor: ((set: AttrSet) => SetDecoderFn) | undefined;
/** Installed by schema/compile.ts: compiled decoders for every set (undefined: the interpreter). */
export function setDecoderHook(hook: ((set: AttrSet) => SetDecoderFn) | undefined): void {
  compiledFor = hook;
}

/**
 * Decodes the attributes in `b[start, end)` with a declared set. Unknown attributes (and repeats
 * of single-valued ones) go to `unknown`; the wire order is kept for exact re-encoding.
 * Throws DecodeError (absolute offsets within `b`) for malformed bytes. Uses the compiled
 * decoder of the set when compiled decoders are active, else the interpreter.
 */
export function decodeAttrs<S extends AttrSet>(
  set: S, b: Uint8Array, start = 0, end = b.length, fixedHeader?: Readonly<Obj>, depth = 0,
): Decoded<S['attrs']> {
  if (compiledFor) return compiledFor(set)(b, dataView(b), start, end, fixedHeader as Obj | undefined, depth) as Decoded<S['attrs']>;
  return decodeAttrsInterpreted(set, b, start, end, fixedHeader, depth);
}

/** The reference decoder: interprets the declaration field by field. */
export function decodeAttrsInterpreted<S extends AttrSet>(
  set: S, b: Uint8Array, start = 0, end = b.length, fixedHeader?: Readonly<Obj>, depth = 0,
): Decoded<S['attrs']> {
  return decodeSetInterpreted(set, b, dataView(b), start, end, fixedHeader as Obj | undefined, depth) as Decoded<S['attrs']>;
}

export function decodeSetInterpreted(set: AttrSet, b: Uint8Array, v: DataView, start: number, end: number, hdr: Obj | undefined, depth: number): Obj {
  const st: DecodeState = { depth, ctx: hdr ? { offset: start, fixedHeader: hdr } : { offset: start } };
  return decodeSetAt(compile(set), b, v, start, end, st);
}

/** A nested set, by the engine the enclosing decode runs on (`st.depth` already counts the nest). */
function decodeNested(set: AttrSet, b: Uint8Array, v: DataView, start: number, end: number, st: DecodeState): Obj {
  if (st.compiled && compiledFor) return compiledFor(set)(b, v, start, end, st.ctx.fixedHeader as Obj | undefined, st.depth);
  return decodeSetAt(compile(set), b, v, start, end, st);
}

function decodeSetAt(cs: CompiledSet, b: Uint8Array, v: DataView, start: number, end: number, st: DecodeState): Obj {
  if (st.depth > MAX_NEST_DEPTH) throw new DecodeError('nesting-too-deep', start, `nesting deeper than ${MAX_NEST_DEPTH}`);
  const out: Obj = {};
  const order: number[] = [];
  let unknown: UnknownAttr[] | undefined;
  let pendingSub: Array<[CompiledAttr, number, number, number]> | undefined; // attr, hdr offset, payload off, len
  let exact: Map<number, { value: unknown; bytes: Uint8Array }> | undefined;
  let off = start;
  while (off < end) {
    const remaining = end - off;
    if (remaining < NLA_HDRLEN) throw new DecodeError('attr-truncated', off, `only ${remaining} bytes left for a 4-byte nlattr`);
    const len = v.getUint16(off, true);
    if (len < NLA_HDRLEN) throw new DecodeError('attr-bad-length', off, `nla_len ${len} below 4`);
    if (len > remaining) throw new DecodeError('attr-truncated', off, `nla_len ${len} with ${remaining} bytes left`);
    const raw = v.getUint16(off + 2, true);
    const a = cs.byId[raw & NLA_TYPE_MASK];
    const pOff = off + NLA_HDRLEN, pLen = len - NLA_HDRLEN;
    const single = a && !a.def.multi;
    if (!a || (single && a.key in out)) {
      (unknown ??= []).push({ type: raw, data: b.slice(pOff, pOff + pLen) });
    } else if (a.def.type === 'sub-message') {
      out[a.key] = undefined; // keeps the key's place; decoded once the selector is known
      (pendingSub ??= []).push([a, off, pOff, pLen]);
    } else {
      const value = decodeValue(a, b, v, off, pOff, pLen, raw, st);
      if (a.def.multi) ((out[a.key] ??= []) as unknown[]).push(value);
      else out[a.key] = value;
      const orig = nonCanonical(a.def, value, b, pOff, pLen);
      if (orig) (exact ??= new Map()).set(order.length, { value, bytes: orig });
    }
    order.push(raw);
    off += align4(len);
  }
  if (pendingSub) {
    for (const [a, hOff, pOff, pLen] of pendingSub) out[a.key] = decodeSubMessage(a, out, b, v, hOff, pOff, pLen, st);
  }
  if (unknown) out.unknown = unknown;
  hide(out, WIRE_ORDER, order);
  if (exact) hide(out, EXACT, exact);
  return out;
}

/** A sub-message's value once its selector is known (for compiled decoders too). */
export function subMessageValue(a: CompiledAttr, siblings: Obj, b: Uint8Array, v: DataView, hOff: number, pOff: number, pLen: number, st: DecodeState): unknown {
  return decodeSubMessage(a, siblings, b, v, hOff, pOff, pLen, st);
}

function decodeSubMessage(a: CompiledAttr, siblings: Obj, b: Uint8Array, v: DataView, hOff: number, pOff: number, pLen: number, st: DecodeState): unknown {
  const def = a.def as Extract<AttrDef, { type: 'sub-message' }>;
  const sel = def.selectorIn === 'header' ? st.ctx.fixedHeader?.[def.selector] : siblings[def.selector];
  const fmt = subMessageFormat(def, sel);
  if (!fmt) return b.slice(pOff, pOff + pLen);
  if ('kind' in fmt && fmt.kind === 'struct') {
    if (pLen < fmt.size) throw new DecodeError('attr-bad-size', hOff, `${a.key}: ${pLen} bytes for struct ${fmt.name} of ${fmt.size}`);
    return decodeStruct(fmt, b, pOff, pLen);
  }
  return decodeNested(resolveSet(fmt as AttrSetRef), b, v, pOff, pOff + pLen, { ...st, depth: st.depth + 1 });
}

const INT_SIZE: Record<ScalarType, number> = { u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4, u64: 8, s64: 8, uint: 0, sint: 0 };

export function badSizeError(a: CompiledAttr, hOff: number, len: number, want: string): DecodeError {
  return badSize(a, hOff, len, want);
}
function badSize(a: CompiledAttr, hOff: number, len: number, want: string): DecodeError {
  return new DecodeError('attr-bad-size', hOff, `${a.key} (type ${a.def.id}): ${len} bytes, ${a.def.type} needs ${want}`);
}

function readScalar(t: ScalarType, v: DataView, p: number, len: number, le: boolean): number | bigint | undefined {
  switch (t) {
    case 'u8': return v.getUint8(p);
    case 's8': return v.getInt8(p);
    case 'u16': return v.getUint16(p, le);
    case 's16': return v.getInt16(p, le);
    case 'u32': return v.getUint32(p, le);
    case 's32': return v.getInt32(p, le);
    case 'u64': return v.getBigUint64(p, le);
    case 's64': return v.getBigInt64(p, le);
    case 'uint': return len === 4 ? BigInt(v.getUint32(p, le)) : len === 8 ? v.getBigUint64(p, le) : undefined;
    case 'sint': return len === 4 ? BigInt(v.getInt32(p, le)) : len === 8 ? v.getBigInt64(p, le) : undefined;
  }
}

/** One attribute's value by the interpreter (compiled decoders delegate the rarer types here). */
export function interpretValue(a: CompiledAttr, b: Uint8Array, v: DataView, hOff: number, p: number, len: number, raw: number, st: DecodeState): unknown {
  return decodeValue(a, b, v, hOff, p, len, raw, st);
}

function decodeValue(a: CompiledAttr, b: Uint8Array, v: DataView, hOff: number, p: number, len: number, raw: number, st: DecodeState): unknown {
  const def = a.def;
  switch (def.type) {
    case 'u8': case 's8': case 'u16': case 's16': case 'u32': case 's32': case 'u64': case 's64': {
      const size = INT_SIZE[def.type];
      if (len !== size) throw badSize(a, hOff, len, `${size}`);
      const le = def.byteOrder !== 'big-endian' && !(raw & NLA_F_NET_BYTEORDER);
      return readScalar(def.type, v, p, len, le);
    }
    case 'uint': case 'sint': {
      if (len !== 4 && len !== 8) throw badSize(a, hOff, len, '4 or 8');
      const le = def.byteOrder !== 'big-endian' && !(raw & NLA_F_NET_BYTEORDER);
      return readScalar(def.type, v, p, len, le);
    }
    case 'string': {
      let e = p;
      while (e < p + len && b[e] !== 0) e++;
      return decodeUtf8(b.subarray(p, e));
    }
    case 'binary': return b.slice(p, p + len);
    case 'flag':
      if (len !== 0) throw badSize(a, hOff, len, '0');
      return true;
    case 'ipv4':
      if (len !== 4) throw badSize(a, hOff, len, '4');
      return formatIPv4(b, p);
    case 'ipv6':
      if (len !== 16) throw badSize(a, hOff, len, '16');
      return formatIPv6(b, p);
    case 'ip': return formatIP(b.subarray(p, p + len));
    case 'mac': return formatHex(b.subarray(p, p + len));
    case 'bitfield32':
      if (len !== 8) throw badSize(a, hOff, len, '8');
      return { value: v.getUint32(p, true), selector: v.getUint32(p + 4, true) };
    case 'nest': {
      const inner = { ...st, depth: st.depth + 1 };
      if (def.header) {
        if (len < def.header.size) throw badSize(a, hOff, len, `at least ${def.header.size} (struct ${def.header.name})`);
        const header = decodeStruct(def.header, b, p, def.header.size);
        return { header, attrs: decodeNested(resolveSet(def.set), b, v, p + def.header.size, p + len, inner) };
      }
      return decodeNested(resolveSet(def.set), b, v, p, p + len, inner);
    }
    case 'indexed-array': {
      const items: unknown[] = [];
      const indices: number[] = [];
      const inner = { ...st, depth: st.depth + 1 };
      const itemSet = typeof def.item === 'string' ? undefined : resolveSet(def.item);
      let off = p;
      const end = p + len;
      while (off < end) {
        const remaining = end - off;
        if (remaining < NLA_HDRLEN) throw new DecodeError('attr-truncated', off, `only ${remaining} bytes left for a 4-byte nlattr`);
        const l = v.getUint16(off, true);
        if (l < NLA_HDRLEN) throw new DecodeError('attr-bad-length', off, `nla_len ${l} below 4`);
        if (l > remaining) throw new DecodeError('attr-truncated', off, `nla_len ${l} with ${remaining} bytes left`);
        indices.push(v.getUint16(off + 2, true));
        if (itemSet) items.push(decodeNested(itemSet, b, v, off + NLA_HDRLEN, off + l, inner));
        else {
          const t = def.item as ScalarType;
          const want = INT_SIZE[t];
          const n = l - NLA_HDRLEN;
          if (want ? n !== want : n !== 4 && n !== 8) throw badSize(a, off, n, want ? String(want) : '4 or 8');
          items.push(readScalar(t, v, off + NLA_HDRLEN, n, true));
        }
        off += align4(l);
      }
      hide(items, WIRE_ORDER, indices);
      return items;
    }
    case 'sub-message': return b.slice(p, p + len); // resolved by the caller
    case 'struct':
      return decodeStruct(def.struct, b, p, len);
    case 'array': {
      const size = INT_SIZE[def.item] || 8;
      if (len % size) throw badSize(a, hOff, len, `a multiple of ${size}`);
      const out: Array<number | bigint> = [];
      for (let q = p; q < p + len; q += size) out.push(readScalar(def.item, v, q, size, true)!);
      return out;
    }
    case 'custom':
      return def.codec.decode(b.subarray(p, p + len), { ...st.ctx, offset: p });
  }
}

/** The received bytes of a value whose canonical encoding would differ, else undefined. */
export function nonCanonicalBytes(def: AttrDef, value: unknown, b: Uint8Array, p: number, len: number): Uint8Array | undefined {
  return nonCanonical(def, value, b, p, len);
}

/**
 * Keeps what the builder needs to give back the received bytes of a set whose keys alone do not
 * say it: the wire order (read again from the bytes) and the exact bytes of odd values.
 */
export function attachWireOrder(o: Obj, b: Uint8Array, start: number, end: number, exact: Map<number, { value: unknown; bytes: Uint8Array }> | undefined): void {
  const order: number[] = [];
  for (let off = start; off < end; ) {
    const len = b[off]! | (b[off + 1]! << 8);
    order.push(b[off + 2]! | (b[off + 3]! << 8));
    off += align4(len);
  }
  hide(o, WIRE_ORDER, order);
  if (exact) hide(o, EXACT, exact);
}

/** For values whose canonical encoding would not give back the received bytes, keep the bytes. */
function nonCanonical(def: AttrDef, value: unknown, b: Uint8Array, p: number, len: number): Uint8Array | undefined {
  if (def.type === 'nest' || def.type === 'indexed-array') {
    const end = p + len;
    return nestExact(b, def.type === 'nest' && def.header ? p + def.header.size : p, end) ? undefined : b.slice(p, end);
  }
  if (def.type === 'string') {
    const u = encodeUtf8(value as string);
    if (len === u.length + 1 && b[p + len - 1] === 0 && bytesEqual(u, b, p)) return undefined;
    return b.slice(p, p + len);
  }
  if (def.type === 'uint' || def.type === 'sint') {
    const x = value as bigint;
    const fits = def.type === 'uint' ? x <= 0xffffffffn : x >= -0x80000000n && x <= 0x7fffffffn;
    if ((len === 4) === fits) return undefined;
    return b.slice(p, p + len);
  }
  return undefined;
}

/**
 * Whether the attributes from `p` end exactly at `end` with zero padding, as the builder writes
 * them: a last attribute left unpadded, or padding bytes that are not zero, would not come back.
 */
export function nestExact(b: Uint8Array, p: number, end: number): boolean {
  let off = p;
  while (off + 4 <= end) {
    const len = b[off]! | (b[off + 1]! << 8);
    const next = off + (align4(len) || 4);
    if (len >= 4) for (let q = off + len; q < next && q < end; q++) if (b[q] !== 0) return false;
    off = next;
  }
  return off === end;
}

function bytesEqual(a: Uint8Array, b: Uint8Array, off: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[off + i]) return false;
  return true;
}

// ---- attribute sets: encode ---------------------------------------------------------------------

/** One attribute to write: its raw type and how to size/write its payload. */
interface Planned { raw: number; key: string; size: number; write: (view: DataView, off: number) => number }

/**
 * A builder for a declared set, sized first then written in place (Encodable). `fixedHeader` is
 * the message's family header, for sub-messages laid out by a header field.
 */
export function encodeAttrs<S extends AttrSet>(set: S, value: Decoded<S['attrs']> | Readonly<Obj>, fixedHeader?: Readonly<Obj>): Encodable {
  const plan = planSet(compile(set), value as Obj, fixedHeader);
  return {
    byteLength: () => plan.reduce((n, x) => n + align4(NLA_HDRLEN + x.size), 0),
    encodeInto: (view, offset) => writePlan(plan, view, offset),
  };
}

function writePlan(plan: Planned[], view: DataView, offset: number): number {
  let off = offset;
  for (const x of plan) {
    const end = x.write(view, off + NLA_HDRLEN);
    const len = end - off;
    if (len > 0xffff) throw new RangeError(`attribute ${x.key} is ${len} bytes, over nla_len's 65535`);
    view.setUint16(off, len, true);
    view.setUint16(off + 2, x.raw, true);
    off = align4(end);
    for (let q = end; q < off; q++) view.setUint8(q, 0);
  }
  return off;
}

function planSet(cs: CompiledSet, obj: Obj, header: Readonly<Obj> | undefined): Planned[] {
  const plan: Planned[] = [];
  const h = obj as Hidden;
  const order = wireOrderOf(obj);
  const exact = h[EXACT];
  const unknown = (obj.unknown as UnknownAttr[] | undefined) ?? [];
  let uc = 0;
  const emitted = new Set<string>();
  const multiCursor = new Map<string, number>();
  const pushUnknown = (u: UnknownAttr): void => {
    plan.push({ raw: u.type, key: `type ${u.type & NLA_TYPE_MASK}`, size: u.data.length, write: (v, o) => writeBytes(v, o, u.data) });
  };
  const pushValue = (a: CompiledAttr, value: unknown, raw: number, orig?: Uint8Array): void => {
    if (orig) {
      plan.push({ raw, key: a.key, size: orig.length, write: (v, o) => writeBytes(v, o, orig) });
      return;
    }
    plan.push(planValue(a, value, raw, obj, header, cs));
  };
  if (order) {
    for (let i = 0; i < order.length; i++) {
      const raw = order[i]!;
      const a = cs.byId[raw & NLA_TYPE_MASK];
      if (a && a.def.multi) {
        const arr = obj[a.key] as unknown[] | undefined;
        const k = multiCursor.get(a.key) ?? 0;
        if (arr && k < arr.length) { pushValue(a, arr[k], raw); multiCursor.set(a.key, k + 1); }
        continue;
      }
      if (a && !emitted.has(a.key)) {
        emitted.add(a.key);
        const value = obj[a.key];
        if (value === undefined) continue;
        const e = exact?.get(i);
        pushValue(a, value, raw, e && e.value === value ? e.bytes : undefined);
        continue;
      }
      if (uc < unknown.length) pushUnknown(unknown[uc++]!);
    }
  }
  // Values added by the caller (or all of them, for an object that was not decoded).
  for (const key of Object.keys(obj)) {
    if (key === 'unknown' || emitted.has(key)) continue;
    const a = cs.byKey.get(key);
    const value = obj[key];
    if (value === undefined) continue;
    if (!a) throw new TypeError(`${cs.set.name}: no attribute named '${key}'`);
    if (a.def.multi) {
      const arr = value as unknown[];
      for (let k = multiCursor.get(key) ?? 0; k < arr.length; k++) pushValue(a, arr[k], defaultRaw(a.def));
    } else pushValue(a, value, defaultRaw(a.def));
  }
  for (; uc < unknown.length; uc++) pushUnknown(unknown[uc]!);
  return plan;
}

function defaultRaw(def: AttrDef): number {
  return def.type === 'nest' || def.type === 'indexed-array' ? def.id | NLA_F_NESTED : def.id;
}

function writeBytes(view: DataView, off: number, data: Uint8Array): number {
  new Uint8Array(view.buffer, view.byteOffset + off, data.length).set(data);
  return off + data.length;
}

function planValue(a: CompiledAttr, value: unknown, raw: number, siblings: Obj, header: Readonly<Obj> | undefined, cs?: CompiledSet): Planned {
  const def = a.def;
  const key = a.key;
  const fixed = (size: number, write: (v: DataView, o: number) => void): Planned =>
    ({ raw, key, size, write: (v, o) => { write(v, o); return o + size; } });
  switch (def.type) {
    case 'u8': case 's8': case 'u16': case 's16': case 'u32': case 's32': case 'u64': case 's64': {
      const n = toNumberish({ ...def, name: key }, value, '');
      const le = def.byteOrder !== 'big-endian' && !(raw & NLA_F_NET_BYTEORDER);
      return fixed(INT_SIZE[def.type], (v, o) => writeNumber(v, o, INT_SIZE[def.type], n, def.type.startsWith('s'), le));
    }
    case 'uint': case 'sint': {
      const n = BigInt(toNumberish({ ...def, name: key }, value, ''));
      const fits = def.type === 'uint' ? n <= 0xffffffffn && n >= 0n : n >= -0x80000000n && n <= 0x7fffffffn;
      const size = fits ? 4 : 8;
      const le = def.byteOrder !== 'big-endian' && !(raw & NLA_F_NET_BYTEORDER);
      return fixed(size, (v, o) => writeNumber(v, o, size, size === 4 ? Number(n) : n, def.type === 'sint', le));
    }
    case 'string': {
      const u = encodeUtf8(String(value));
      return fixed(u.length + 1, (v, o) => { writeBytes(v, o, u); v.setUint8(o + u.length, 0); });
    }
    case 'binary': {
      const d = value instanceof Uint8Array ? value : typeof value === 'string' ? parseHex(value, '') : undefined;
      if (!d) throw new TypeError(`${key}: binary needs a Uint8Array`);
      return fixed(d.length, (v, o) => writeBytes(v, o, d));
    }
    case 'flag':
      return fixed(0, () => undefined);
    case 'ipv4': case 'ipv6': case 'ip': case 'mac': {
      const s = String(value);
      const d = def.type === 'mac' ? parseHex(s) : def.type === 'ipv4' ? parseIPv4(s) : def.type === 'ipv6' ? parseIPv6(s) : parseIP(s) ?? parseHex(s);
      if (!d) throw new TypeError(`${key}: '${s}' is not a valid ${def.type} address`);
      return fixed(d.length, (v, o) => writeBytes(v, o, d));
    }
    case 'bitfield32': {
      const bf = value as { value: number; selector: number };
      return fixed(8, (v, o) => { v.setUint32(o, bf.value >>> 0, true); v.setUint32(o + 4, bf.selector >>> 0, true); });
    }
    case 'nest': {
      if (def.header) {
        const hv = value as { header: Obj; attrs: Obj };
        const inner = planSet(compile(resolveSet(def.set)), hv.attrs ?? {}, header);
        const hsize = structByteLength(def.header, hv.header ?? {});
        const nestHeader = def.header;
        return {
          raw, key, size: hsize + inner.reduce((n, x) => n + align4(NLA_HDRLEN + x.size), 0),
          write: (v, o) => writePlan(inner, v, encodeStructInto(nestHeader, hv.header ?? {}, v, o)),
        };
      }
      return nestedPlan(raw, key, planSet(compile(resolveSet(def.set)), value as Obj, header));
    }
    case 'indexed-array': {
      const arr = value as unknown[];
      const indices = (arr as Hidden)[WIRE_ORDER];
      const base = def.indexBase ?? 0;
      const inner: Planned[] = arr.map((item, i) => {
        const t = indices && i < indices.length ? indices[i]! : (typeof def.item === 'string' ? base + i : (base + i) | NLA_F_NESTED);
        if (typeof def.item === 'string') {
          return planValue({ key: `${key}[${i}]`, def: { id: t, type: def.item } as AttrDef }, item, t, siblings, header);
        }
        return nestedPlan(t, `${key}[${i}]`, planSet(compile(resolveSet(def.item)), item as Obj, header));
      });
      return nestedPlan(raw, key, inner);
    }
    case 'sub-message': {
      if (value instanceof Uint8Array) return fixed(value.length, (v, o) => writeBytes(v, o, value));
      let sel = def.selectorIn === 'header' ? header?.[def.selector] : siblings[def.selector];
      // a selector given by enum name (encapType: 'ip') picks the format of its number
      const selDef = def.selectorIn === 'header' ? undefined : cs?.byKey.get(def.selector)?.def;
      if (typeof sel === 'string' && !Object.hasOwn(def.formats, sel) && selDef && 'enum' in selDef && selDef.enum) sel = enumValue(selDef.enum, sel);
      const fmt = subMessageFormat(def, sel);
      if (!fmt) throw new TypeError(`${key}: no format for ${def.selector}=${String(sel)}`);
      if ('kind' in fmt && fmt.kind === 'struct') {
        const sv = value as Obj;
        return fixed(structByteLength(fmt, sv), (v, o) => { encodeStructInto(fmt, sv, v, o); });
      }
      return nestedPlan(raw, key, planSet(compile(resolveSet(fmt as AttrSetRef)), value as Obj, header));
    }
    case 'struct': {
      const sv = value as Obj;
      return fixed(structByteLength(def.struct, sv), (v, o) => { encodeStructInto(def.struct, sv, v, o); });
    }
    case 'array': {
      const arr = value as Array<number | bigint>;
      const size = INT_SIZE[def.item] || 8;
      return fixed(arr.length * size, (v, o) => {
        arr.forEach((x, i) => writeNumber(v, o + i * size, size, size === 8 ? BigInt(x) : Number(x), def.item.startsWith('s'), true));
      });
    }
    case 'custom': {
      const c = def.codec;
      return { raw, key, size: c.byteLength(value), write: (v, o) => c.encodeInto(value, v, o) };
    }
  }
}

function nestedPlan(raw: number, key: string, inner: Planned[]): Planned {
  return {
    raw, key,
    size: inner.reduce((n, x) => n + align4(NLA_HDRLEN + x.size), 0),
    write: (v, o) => writePlan(inner, v, o),
  };
}

/** The declaration of every key in a set (for renderers and the schema command). */
export function setEntries(set: AttrSet): Array<[string, AttrDef]> {
  return Object.entries(set.attrs as AttrDefs);
}
