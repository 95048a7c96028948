// Compiled decoders: every declared attribute set and struct becomes one specialised function
// (generated JS), so decoding a message is a switch on the attribute type with the reads inlined,
// building objects of one shape. The interpreter in engine.ts stays the reference and the
// fallback where code generation is refused (a browser's CSP): both give equal values, equal
// DecodeErrors and equal re-encoded bytes (test/compile.test.ts).
import { formatHex, formatIP, formatIPv4, formatIPv6 } from '../core/addr.js';
import { decodeUtf8 } from '../core/attr.js';
import { NLA_F_NESTED } from '../core/constants.js';
import { DecodeError } from '../core/errors.js';
import { fieldSize, subMessageFormat } from './define.js';
import {
  MAX_NEST_DEPTH, WIRE_ORDER, attachWireOrder, badSizeError, decodeSetInterpreted, decodeStructInterpreted, interpretValue, nestExact, nonCanonicalBytes,
  keepWireOrder, resolveSet, setDecoderHook, type CompiledAttr, type DecodeState, type Obj,
} from './engine.js';
import type { AttrDef, AttrSet, AttrSetRef, ScalarType, StructDef, SubMessageAttr } from './types.js';

/** A compiled set decoder: attributes in `b[start, end)`, `hdr` the message's family header. */
export type SetDecoder = (b: Uint8Array, v: DataView, start: number, end: number, hdr: Obj | undefined, depth: number) => Obj;
/** A compiled struct decoder for `len` bytes at `p`. */
export type StructDecoder = (b: Uint8Array, v: DataView, p: number, len: number) => Obj;

const setDecoders = new WeakMap<AttrSet, SetDecoder>();
const structDecoders = new WeakMap<StructDef, StructDecoder>();

let runtimeAllows: boolean | undefined;
/** Whether this runtime lets us generate code (a CSP may forbid `new Function`). */
export function codegenAvailable(): boolean {
  if (runtimeAllows === undefined) {
    try { runtimeAllows = new Function('return 1')() === 1; } catch { runtimeAllows = false; }
  }
  return runtimeAllows;
}

let enabled = true;
/** Compiled decoders on (default, where the runtime allows it) or off (the interpreter everywhere). */
export function setCompiledDecoders(on: boolean): void {
  enabled = on;
  setDecoderHook(on && codegenAvailable() ? compiledSetDecoder : undefined);
}
/** True when decoders are compiled (not interpreted) here and now. */
export function compiledDecodersActive(): boolean {
  return enabled && codegenAvailable();
}

const ident = (s: string): string => JSON.stringify(s);

// ---- structs ------------------------------------------------------------------------------------

export function compiledStructDecoder(def: StructDef): StructDecoder {
  let d = structDecoders.get(def);
  if (d) return d;
  if (!codegenAvailable()) {
    d = (b, _v, p, len) => decodeStructInterpreted(def, b, p, len);
  } else {
    const parts: string[] = [];
    let at = 0;
    for (const f of def.fields) {
      const size = fieldSize(f);
      const q = `p + ${at}`;
      const le = f.byteOrder === 'big-endian' ? 'false' : 'true';
      let read: string | undefined;
      switch (f.type) {
        case 'pad': break;
        case 'u8': read = `b[${q}]`; break;
        case 's8': read = `v.getInt8(${q})`; break;
        case 'u16': read = `v.getUint16(${q}, ${le})`; break;
        case 's16': read = `v.getInt16(${q}, ${le})`; break;
        case 'u32': read = `v.getUint32(${q}, ${le})`; break;
        case 's32': read = `v.getInt32(${q}, ${le})`; break;
        case 'u64': case 'uint': read = big64(q, le, false); break;
        case 's64': case 'sint': read = big64(q, le, true); break;
        case 'ipv4': read = `fmt4(b, ${q})`; break;
        case 'ipv6': read = `fmt6(b, ${q})`; break;
        case 'mac': read = `fmtMac(b, ${q}, ${size})`; break;
        default: read = `b.slice(${q}, ${q} + ${size})`;
      }
      if (read !== undefined) parts.push(`${ident(f.name)}: ${read}`);
      at += size;
    }
    const body = `return function decode_struct(b, v, p, len) {
  if (len !== ${def.size}) return slow(b, p, len);
  let t;
  return { ${parts.join(', ')} };
};`;
    const slow = (b: Uint8Array, p: number, len: number): Obj => decodeStructInterpreted(def, b, p, len);
    d = new Function('fmt4', 'fmt6', 'fmtMac', 'SB', 'slow', body)(formatIPv4, formatIPv6Fast, formatMac, smallBig, slow) as StructDecoder;
  }
  structDecoders.set(def, d);
  return d;
}

// ---- attribute sets -----------------------------------------------------------------------------

/**
 * An attribute as generated code sees it; a sub-message also keeps the decoder of the format its
 * last selector value chose (a dump's messages mostly share it).
 */
interface GenAttr { key: string; def: AttrDef; subSelector: unknown; subDecode: SubDecode | undefined }
type SubDecode = (b: Uint8Array, v: DataView, hOff: number, p: number, n: number, hdr: Obj | undefined, depth: number) => unknown;
const genAttr = (key: string, def: AttrDef): GenAttr => ({ key, def, subSelector: undefined, subDecode: undefined });

interface Env {
  A: GenAttr[];
  D: SetDecoder[];
  S: StructDecoder[];
}

/** The compiled decoder of a set (the interpreter's when code generation is unavailable). */
export function compiledSetDecoder(set: AttrSet): SetDecoder {
  let d = setDecoders.get(set);
  if (d) return d;
  // Recursive sets reach themselves while being compiled: a trampoline stands in until done.
  let real: SetDecoder | undefined;
  setDecoders.set(set, (b, v, s, e, h, depth) => real!(b, v, s, e, h, depth));
  if (codegenAvailable()) real = learningDecoder(set, generateSetDecoder(set));
  else real = (b, v, s, e, h, depth) => decodeSetInterpreted(set, b, v, s, e, h, depth);
  setDecoders.set(set, real);
  return real;
}

/** How many decodes a set may take to show a shape worth specialising for. */
const LEARN_CALLS = 16;

/**
 * A set's decoder that learns its common shape: the first decodes go through the general decoder,
 * and once a result is plain (every attribute once, of a simple type, in declaration-free wire order,
 * nothing unknown or non-canonical), a decoder specialised for exactly that sequence of attributes
 * takes over. It builds the object as one literal, which V8 can allocate straight into old space
 * when a dump keeps every object (allocation-site pretenuring), and hands any other message to the
 * general decoder, which gives the identical result (or DecodeError) as before.
 */
function learningDecoder(set: AttrSet, general: SetDecoder): SetDecoder {
  let calls = 0;
  let relearns = 0;
  // counts of the specialised decoder: [0] objects it built, [1] messages it handed back
  const counts = new Int32Array(2);
  const learn: SetDecoder = (b, v, s, e, h, depth) => {
    const o = general(b, v, s, e, h, depth);
    const shape = plainShape(set, o);
    if (shape !== undefined) {
      counts[0] = counts[1] = 0;
      cur = generateShapedDecoder(set, shape, fallback, counts);
    } else if (++calls >= LEARN_CALLS) cur = general;
    return o;
  };
  // Messages of another shape go to the general decoder; when they are frequent (a dump of mixed
  // kinds), the shape is learned again a few times, then the general decoder alone serves the set.
  const fallback: SetDecoder = (b, v, s, e, h, depth) => {
    if (++counts[1]! > 32 && counts[1]! * 4 > counts[0]!) {
      calls = 0;
      cur = ++relearns <= MAX_RELEARNS ? learn : general;
    }
    return general(b, v, s, e, h, depth);
  };
  let cur: SetDecoder = learn;
  return (b, v, s, e, h, depth) => cur(b, v, s, e, h, depth);
}

/** How often a set's shape may be learned again before the general decoder takes over for good. */
const MAX_RELEARNS = 4;

const SHAPED_TYPES = new Set(['u8', 's8', 'u16', 's16', 'u32', 's32', 'u64', 's64', 'flag', 'ipv4', 'ipv6', 'ip', 'mac', 'binary', 'string', 'nest', 'struct', 'uint', 'sint', 'indexed-array', 'sub-message', 'array']);
const MAX_SHAPED_KEYS = 64;

/**
 * A sequence of attributes: their keys, the nla_type (flag bits included) each arrives with, and
 * the item count of each array as learned (-1 for others).
 */
interface Shape { keys: string[]; raws: number[]; ordered: boolean; counts: number[] }

/** The shape of a decoded object when the specialised decoder can reproduce it exactly. */
function plainShape(set: AttrSet, o: Obj): Shape | undefined {
  const symbols = Object.getOwnPropertySymbols(o);
  if (symbols.some((x) => x !== WIRE_ORDER)) return undefined; // exact bytes kept: not plain
  const keys = Object.keys(o);
  if (keys.length > MAX_SHAPED_KEYS) return undefined;
  const defaults: number[] = [];
  for (const k of keys) {
    const d = set.attrs[k];
    if (!d || d.multi || !SHAPED_TYPES.has(d.type)) return undefined;
    defaults.push(d.type === 'nest' || d.type === 'indexed-array' ? (d.id | NLA_F_NESTED) : d.id);
  }
  const counts = keys.map((k) => (set.attrs[k]!.type === 'array' ? (o[k] as unknown[]).length : -1));
  const order = (o as { [WIRE_ORDER]?: number[] })[WIRE_ORDER];
  if (order === undefined) return { keys, raws: defaults, ordered: false, counts };
  // received with other flag bits than the builder would set (nests without NLA_F_NESTED): the
  // same sequence of types, and the wire order kept as the general decoder keeps it
  if (order.length !== keys.length) return undefined;
  for (let i = 0; i < keys.length; i++) if ((order[i]! & 0x3fff) !== set.attrs[keys[i]!]!.id) return undefined;
  return { keys, raws: order.slice(), ordered: true, counts };
}

/**
 * The decoder for one sequence of attributes (`keys`, in wire order): any deviation (another
 * attribute, another order, a flag bit, an odd size, bytes that would not re-encode as received)
 * hands the whole set to `general`.
 */
function generateShapedDecoder(set: AttrSet, shape: Shape, general: SetDecoder, counts: Int32Array): SetDecoder {
  const { keys, raws, ordered } = shape;
  const env: Env = { A: [], D: [], S: [] };
  const G = 'return G(b, v, start, end, hdr, depth);';
  const steps: string[] = [];
  const late: string[] = [];
  keys.forEach((key, pos) => {
    const def = set.attrs[key]!;
    env.A.push(genAttr(key, def));
    const raw = raws[pos]!;
    const size = (want: number): string => `if (n !== ${want}) ${G}`;
    const le = (d: AttrDef): string => ('byteOrder' in d && d.byteOrder === 'big-endian') || (raw & 0x4000) ? 'false' : 'true';
    const viaInterpreter = `x${pos} = iv(A[${pos}], b, v, off, p, n, ${raw}, st || (st = state(depth, start, hdr))); if (nonCanon(A[${pos}].def, x${pos}, b, p, n) !== undefined) ${G}`;
    let read: string;
    switch (def.type) {
      case 'u8': read = `${size(1)} x${pos} = b[p];`; break;
      case 's8': read = `${size(1)} x${pos} = v.getInt8(p);`; break;
      case 'u16': read = `${size(2)} x${pos} = v.getUint16(p, ${le(def)});`; break;
      case 's16': read = `${size(2)} x${pos} = v.getInt16(p, ${le(def)});`; break;
      case 'u32': read = `${size(4)} x${pos} = v.getUint32(p, ${le(def)});`; break;
      case 's32': read = `${size(4)} x${pos} = v.getInt32(p, ${le(def)});`; break;
      case 'u64': read = `${size(8)} x${pos} = ${big64('p', le(def), false)};`; break;
      case 's64': read = `${size(8)} x${pos} = ${big64('p', le(def), true)};`; break;
      // a 4-byte value is canonical; an 8-byte one only when it would not fit in 4
      case 'uint': read = `if (n === 4) x${pos} = bigOf(v.getUint32(p, ${le(def)})); else if (n === 8) { x${pos} = u64(v, p, ${le(def)}); if (x${pos} <= 0xffffffffn) ${G} } else ${G}`; break;
      case 'sint': read = `if (n === 4) x${pos} = bigOf(v.getInt32(p, ${le(def)})); else if (n === 8) { x${pos} = s64(v, p, ${le(def)}); if (x${pos} >= -0x80000000n && x${pos} <= 0x7fffffffn) ${G} } else ${G}`; break;
      case 'array': {
        // the length the shape was learned with as one array literal (allocated once, packed); others by the reader
        const size = arraySize(def.item), count = shape.counts[pos]!;
        const literal = count > 0 && count <= MAX_LITERAL_ITEMS ? `if (n === ${count * size}) x${pos} = [${Array.from({ length: count }, (_, i) => itemCode(def.item, `p + ${i * size}`)).join(', ')}]; else ` : '';
        read = `if (n % ${size} !== 0) ${G} ${literal}x${pos} = AR.${def.item}(v, p, n);`;
        break;
      }
      case 'flag': read = `${size(0)} x${pos} = true;`; break;
      case 'ipv4': read = `${size(4)} x${pos} = fmt4(b, p);`; break;
      case 'ipv6': read = `${size(16)} x${pos} = fmt6(b, p);`; break;
      case 'ip': read = `if (n === 4) x${pos} = fmt4(b, p); else if (n === 16) x${pos} = fmt6(b, p); else ${G}`; break;
      case 'mac': read = `x${pos} = fmtMac(b, p, n);`; break;
      case 'binary': read = `x${pos} = b.slice(p, p + n);`; break;
      case 'string': read = `x${pos} = ascii(b, p, n); if (!ASC.canonical) ${G}`; break;
      case 'struct':
        env.S[pos] = compiledStructDecoder(def.struct);
        read = `x${pos} = S[${pos}](b, v, p, n);`;
        break;
      case 'nest':
        if (def.header) { read = viaInterpreter; break; }
        env.D[pos] = lazySet(def.set);
        read = `x${pos} = D[${pos}](b, v, p, p + n, hdr, depth + 1); if (!nestExact(b, p, p + n)) ${G}`;
        break;
      case 'indexed-array':
        read = viaInterpreter;
        break;
      case 'sub-message':
        // decoded once the siblings are known (its format may depend on one), as the general decoder does
        read = `o${pos} = off; p${pos} = p; n${pos} = n;`;
        late.push(`o[${ident(key)}] = subMessage(A[${pos}], o, b, v, o${pos}, p${pos}, n${pos}, hdr, depth);`);
        break;
      default: throw new Error(`unshaped type ${def.type}`);
    }
    // one step per attribute of the shape, in order: no loop, no switch
    steps.push(`if (end - off < 4) ${G}`,
      `len = b[off] | (b[off + 1] << 8); if (len < 4 || len > end - off || (b[off + 2] | (b[off + 3] << 8)) !== ${raw}) ${G}`,
      `p = off + 4; n = len - 4; ${read}`,
      'off += (len + 3) & ~3;');
  });
  const subs = keys.map((k, i) => (set.attrs[k]!.type === 'sub-message' ? i : -1)).filter((i) => i >= 0);
  const locals = [...keys.map((_, i) => `x${i}`), ...subs.flatMap((i) => [`o${i}`, `p${i}`, `n${i}`]), 'st', 't', 'len', 'p', 'n'].join(', ');
  const literal = keys.map((k, i) => `${ident(k)}: x${i}`).join(', ');
  const body = `return function decode_${set.name.replace(/[^A-Za-z0-9_]/g, '_')}_shaped(b, v, start, end, hdr, depth) {
  if (depth > ${MAX_NEST_DEPTH}) ${G}
  let ${locals};
  let off = start;
  ${steps.join('\n  ')}
  if (off < end) ${G}
  const o = { ${literal} };
  C[0]++;
  ${late.join('\n  ')}
  ${ordered ? 'hideOrder(o, ORDER);' : ''}
  return o;
};`;
  // every object of this shape arrived in exactly this order: one frozen copy serves them all
  const order = Object.freeze(raws.slice());
  return new Function('G', 'C', 'A', 'D', 'S', 'nonCanon', 'fmt4', 'fmt6', 'fmtMac', 'ascii', 'ASC', 'iv', 'state', 'subMessage', 'hideOrder', 'ORDER', 'u64', 's64', 'bigOf', 'AR', 'SB', 'nestExact', body)(
    general, counts, env.A, env.D, env.S, nonCanonicalBytes, formatIPv4Cached, formatIPv6Fast, formatMac, asciiString, ASC,
    interpretValue, makeState, subMessageCompiled, keepWireOrder, order, readU64, readS64, bigOf, ARRAY_READERS, smallBig, nestExact,
  ) as SetDecoder;
}


function generateSetDecoder(set: AttrSet): SetDecoder {
  const env: Env = { A: [], D: [], S: [] };
  const entries = Object.entries(set.attrs);
  const cases: string[] = [];
  const seenWords = Math.max(1, Math.ceil(entries.length / 31));
  const subs: number[] = [];
  entries.forEach(([key, def], i) => {
    env.A.push(genAttr(key, def));
    const k = ident(key);
    const word = `s${Math.floor(i / 31)}`;
    const bit = 1 << (i % 31);
    const defaultRaw = def.type === 'nest' || def.type === 'indexed-array' ? (def.id | NLA_F_NESTED) : def.id;
    const lines: string[] = [];
    lines.push(`case ${def.id}: {`);
    if (!def.multi) lines.push(`  if (${word} & ${bit}) { unk = keep(unk, raw, n === 0 ? EMPTY : (uc || (uc = b.slice(start, end))).subarray(p - start, p - start + n)); seenUnknown = true; lastKey = -1; break; }`, `  ${word} |= ${bit};`);
    lines.push(`  if (raw !== ${defaultRaw} || seenUnknown || (lastKey !== ${i} && ${def.multi ? `(${word} & ${bit})` : 'false'})) canon = false;`);
    if (def.multi) lines.push(`  ${word} |= ${bit};`);
    if (def.type === 'sub-message') {
      subs.push(i);
      lines.push(`  o[${k}] = undefined; (pend || (pend = [])).push(${i}, off, p, n);`);
    } else {
      const value = valueCode(def, i, env);
      lines.push(`  const x = ${value.expr};`);
      if (value.exact) lines.push(`  ${value.exact}`);
      if (def.multi) lines.push(`  const arr = o[${k}]; if (arr === undefined) o[${k}] = [x]; else arr.push(x);`);
      else lines.push(`  o[${k}] = x;`);
    }
    lines.push(`  lastKey = ${i}; break;`, '}');
    cases.push(...lines);
  });
  const seenDecl = Array.from({ length: seenWords }, (_, w) => `s${w} = 0`).join(', ');
  const body = `return function decode_${set.name.replace(/[^A-Za-z0-9_]/g, '_')}(b, v, start, end, hdr, depth) {
  if (depth > ${MAX_NEST_DEPTH}) throw new DecodeError('nesting-too-deep', start, 'nesting deeper than ${MAX_NEST_DEPTH}');
  const o = new P();
  let ${seenDecl};
  let unk, uc, pend, exact, st;
  let canon = true, seenUnknown = false, lastKey = -1, count = 0;
  let off = start;
  while (off < end) {
    const rem = end - off;
    if (rem < 4) throw new DecodeError('attr-truncated', off, 'only ' + rem + ' bytes left for a 4-byte nlattr');
    const len = b[off] | (b[off + 1] << 8);
    if (len < 4) throw new DecodeError('attr-bad-length', off, 'nla_len ' + len + ' below 4');
    if (len > rem) throw new DecodeError('attr-truncated', off, 'nla_len ' + len + ' with ' + rem + ' bytes left');
    const raw = b[off + 2] | (b[off + 3] << 8);
    const p = off + 4, n = len - 4;
    switch (raw & 0x3fff) {
${cases.map((l) => '      ' + l).join('\n')}
      default: unk = keep(unk, raw, n === 0 ? EMPTY : (uc || (uc = b.slice(start, end))).subarray(p - start, p - start + n)); seenUnknown = true; lastKey = -1;
    }
    count++;
    off += (len + 3) & ~3;
  }
  if (pend !== undefined) {
    for (let i = 0; i < pend.length; i += 4) {
      const a = A[pend[i]];
      o[a.key] = subMessage(a, o, b, v, pend[i + 1], pend[i + 2], pend[i + 3], hdr, depth);
    }
  }
  if (unk !== undefined) o.unknown = unk;
  if (!canon || exact !== undefined) attach(o, b, start, end, exact);
  return o;
};
function badThrow(i, off, n, want) { throw badSize(A[i], off, n, want); }`;
  const keep = keepUnknown;
  const factory = new Function(
    'P', 'DecodeError', 'A', 'D', 'S', 'keep', 'subMessage', 'state', 'attach', 'iv', 'badSize', 'nonCanon',
    'fmt4', 'fmt6', 'fmtIP', 'fmtMac', 'ascii', 'ASC', 'EMPTY', 'u64', 's64', 'bigOf', 'AR', body,
  );
  // A constructor per set whose prototype is Object.prototype: the objects are plain, and V8 sizes
  // them for the set's usual attributes (in-object slack tracking) instead of growing a `{}`.
  function P(): void { /* plain object */ }
  P.prototype = Object.prototype;
  return factory(
    P, DecodeError, env.A, env.D, env.S, keep, subMessageCompiled, makeState, attachWireOrder, interpretValue,
    badSizeError, nonCanonicalBytes, formatIPv4Cached, formatIPv6Fast, formatIP, formatMac, asciiString, ASC, EMPTY,
    readU64, readS64, bigOf, ARRAY_READERS,
  ) as SetDecoder;
}

/** Code that reads one attribute's value from `b`/`v` at payload `p`, length `n`. */
function valueCode(def: AttrDef, i: number, env: Env): { expr: string; exact?: string } {
  const size = (want: number, text = String(want)): string => `(n !== ${want} ? badThrow(${i}, off, n, '${text}') : 0, `;
  const le = 'byteOrder' in def && def.byteOrder === 'big-endian' ? 'false' : '(raw & 0x4000) === 0';
  const viaInterpreter = { expr: `iv(A[${i}], b, v, off, p, n, raw, st || (st = state(depth, start, hdr)))` };
  switch (def.type) {
    case 'u8': return { expr: `${size(1)}b[p])` };
    case 's8': return { expr: `${size(1)}v.getInt8(p))` };
    case 'u16': return { expr: `${size(2)}v.getUint16(p, ${le}))` };
    case 's16': return { expr: `${size(2)}v.getInt16(p, ${le}))` };
    case 'u32': return { expr: `${size(4)}v.getUint32(p, ${le}))` };
    case 's32': return { expr: `${size(4)}v.getInt32(p, ${le}))` };
    case 'u64': return { expr: `${size(8)}u64(v, p, ${le}))` };
    case 's64': return { expr: `${size(8)}s64(v, p, ${le}))` };
    case 'flag': return { expr: `${size(0)}true)` };
    case 'ipv4': return { expr: `${size(4)}fmt4(b, p))` };
    case 'ipv6': return { expr: `${size(16)}fmt6(b, p))` };
    case 'ip': return { expr: `(n === 4 ? fmt4(b, p) : fmtIP(b.subarray(p, p + n)))` };
    case 'mac': return { expr: `fmtMac(b, p, n)` };
    case 'binary': return { expr: `b.slice(p, p + n)` };
    case 'string':
      return {
        expr: `ascii(b, p, n)`,
        // fast path: ASCII with exactly one NUL at the end re-encodes as received
        exact: `if (!ASC.canonical) { const bytes = nonCanon(A[${i}].def, x, b, p, n); if (bytes !== undefined) { (exact || (exact = new Map())).set(count, { value: x, bytes }); canon = false; } }`,
      };
    case 'uint': case 'sint': {
      const [r32, r64] = def.type === 'uint' ? ['getUint32', 'u64'] : ['getInt32', 's64'];
      return {
        expr: `(n === 4 ? bigOf(v.${r32}(p, ${le})) : n === 8 ? ${r64}(v, p, ${le}) : badThrow(${i}, off, n, '4 or 8'))`,
        // a 4-byte value is always canonical; an 8-byte one is when it would not fit in 4
        exact: `if (n === 8) { const bytes = nonCanon(A[${i}].def, x, b, p, n); if (bytes !== undefined) { (exact || (exact = new Map())).set(count, { value: x, bytes }); canon = false; } }`,
      };
    }
    case 'array': {
      const want = arraySize(def.item);
      return { expr: `(n % ${want} !== 0 ? badThrow(${i}, off, n, 'a multiple of ${want}') : AR.${def.item}(v, p, n))` };
    }
    case 'nest':
      if (def.header) return { ...viaInterpreter, exact: EXACT_CHECK(i) };
      env.D[i] = lazySet(def.set);
      return {
        expr: `D[${i}](b, v, p, p + n, hdr, depth + 1)`,
        exact: EXACT_CHECK(i),
      };
    case 'indexed-array':
      return { ...viaInterpreter, exact: EXACT_CHECK(i) };
    case 'struct':
      env.S[i] = compiledStructDecoder(def.struct);
      return { expr: `S[${i}](b, v, p, n)` };
    default:
      return viaInterpreter;
  }
}

/** Keeps the received bytes of a value whose canonical encoding would differ (an unpadded last attribute of a nest). */
const EXACT_CHECK = (i: number): string =>
  `{ const bytes = nonCanon(A[${i}].def, x, b, p, n); if (bytes !== undefined) { (exact || (exact = new Map())).set(count, { value: x, bytes }); canon = false; } }`;

/** A nested set's decoder, compiled on first use (sets may refer to each other). */
function lazySet(ref: AttrSetRef): SetDecoder {
  let d: SetDecoder | undefined;
  return (b, v, s, e, h, depth) => (d ??= compiledSetDecoder(resolveSet(ref)))(b, v, s, e, h, depth);
}

/**
 * A sub-message's value once its selector is known, as engine.ts decodes it (subMessageValue),
 * with the compiled decoders and no decode state made for it.
 */
function subMessageCompiled(a: GenAttr, siblings: Obj, b: Uint8Array, v: DataView, hOff: number, p: number, n: number, hdr: Obj | undefined, depth: number): unknown {
  const def = a.def as SubMessageAttr;
  const sel = def.selectorIn === 'header' ? hdr?.[def.selector] : siblings[def.selector];
  if (a.subDecode === undefined || a.subSelector !== sel) { a.subSelector = sel; a.subDecode = subMessageDecoder(a, sel); }
  return a.subDecode(b, v, hOff, p, n, hdr, depth);
}

/** The decoder of the format `sel` chooses for sub-message `a` (raw bytes when none). */
function subMessageDecoder(a: GenAttr, sel: unknown): SubDecode {
  const fmt = subMessageFormat(a.def as SubMessageAttr, sel);
  if (!fmt) return (b, _v, _h, p, n) => b.slice(p, p + n);
  if ('kind' in fmt && fmt.kind === 'struct') {
    const decodeStruct = compiledStructDecoder(fmt);
    return (b, v, hOff, p, n) => {
      if (n < fmt.size) throw new DecodeError('attr-bad-size', hOff, `${a.key}: ${n} bytes for struct ${fmt.name} of ${fmt.size}`);
      return decodeStruct(b, v, p, n);
    };
  }
  const decodeSet = compiledSetDecoder(resolveSet(fmt as AttrSetRef));
  return (b, v, _h, p, n, hdr, depth) => decodeSet(b, v, p, p + n, hdr, depth + 1);
}

function makeState(depth: number, start: number, hdr: Obj | undefined): DecodeState {
  return { depth, ctx: hdr ? { offset: start, fixedHeader: hdr } : { offset: start }, compiled: true };
}

// ---- value readers shared by the generated code ---------------------------------------------------

// Counters are mostly small (a veth's stats are zeros): one shared bigint per small value, as
// bigints are immutable and sharing is invisible, instead of a heap object per counter.
const SMALL_BIGS = 1024;
const smallBig: bigint[] = Array.from({ length: SMALL_BIGS }, (_, i) => BigInt(i));
/** A u64 at `p` (exact; small values are shared bigints). */
function readU64(v: DataView, p: number, le: boolean): bigint {
  const lo = v.getUint32(le ? p : p + 4, le);
  return lo < SMALL_BIGS && v.getUint32(le ? p + 4 : p, le) === 0 ? smallBig[lo]! : v.getBigUint64(p, le);
}
/** An s64 at `p` (exact; small non-negative values are shared bigints). */
function readS64(v: DataView, p: number, le: boolean): bigint {
  const lo = v.getUint32(le ? p : p + 4, le);
  return lo < SMALL_BIGS && v.getUint32(le ? p + 4 : p, le) === 0 ? smallBig[lo]! : v.getBigInt64(p, le);
}
/**
 * Code reading a 64-bit integer at `q` with a constant byte order (`le` 'true' or 'false'), as
 * readU64/readS64 do, inlined (`t` a local, `SB` the small bigints); else a call to them.
 */
function big64(q: string, le: string, signed: boolean): string {
  if (le !== 'true' && le !== 'false') return `${signed ? 's64' : 'u64'}(v, ${q}, ${le})`;
  const [lo, hi] = le === 'true' ? [q, `${q} + 4`] : [`${q} + 4`, q];
  return `((t = v.getUint32(${lo}, ${le})) < ${SMALL_BIGS} && v.getUint32(${hi}, ${le}) === 0 ? SB[t] : v.${signed ? 'getBigInt64' : 'getBigUint64'}(${q}, ${le}))`;
}
/** BigInt(x) of a 32-bit integer. */
function bigOf(x: number): bigint {
  return x >= 0 && x < SMALL_BIGS ? smallBig[x]! : BigInt(x);
}

/** Item size of an `array` attribute, as the interpreter takes it (uint/sint items are 8 bytes). */
function arraySize(item: ScalarType): number {
  return ({ u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4 } as Partial<Record<ScalarType, number>>)[item] ?? 8;
}
/** Arrays up to this many items are built as one literal by the shaped decoders. */
const MAX_LITERAL_ITEMS = 128;
/** Code reading one little-endian `array` item at `q`, as ARRAY_READERS does (`t`, `SB` as in big64). */
function itemCode(item: ScalarType, q: string): string {
  switch (item) {
    case 'u8': return `b[${q}]`;
    case 's8': return `v.getInt8(${q})`;
    case 'u16': return `v.getUint16(${q}, true)`;
    case 's16': return `v.getInt16(${q}, true)`;
    case 'u32': return `v.getUint32(${q}, true)`;
    case 's32': return `v.getInt32(${q}, true)`;
    case 'u64': case 'uint': return big64(q, 'true', false);
    case 's64': case 'sint': return big64(q, 'true', true);
  }
}
type ArrayReader = (v: DataView, p: number, n: number) => Array<number | bigint>;
// `array` payloads (little-endian, as the interpreter reads them) into arrays allocated once at their size
const ARRAY_READERS: Record<ScalarType, ArrayReader> = {
  u8: (v, p, n) => { const a = new Array<number>(n); for (let i = 0; i < n; i++) a[i] = v.getUint8(p + i); return a; },
  s8: (v, p, n) => { const a = new Array<number>(n); for (let i = 0; i < n; i++) a[i] = v.getInt8(p + i); return a; },
  u16: (v, p, n) => { const k = n >>> 1, a = new Array<number>(k); for (let i = 0; i < k; i++) a[i] = v.getUint16(p + 2 * i, true); return a; },
  s16: (v, p, n) => { const k = n >>> 1, a = new Array<number>(k); for (let i = 0; i < k; i++) a[i] = v.getInt16(p + 2 * i, true); return a; },
  u32: (v, p, n) => { const k = n >>> 2, a = new Array<number>(k); for (let i = 0; i < k; i++) a[i] = v.getUint32(p + 4 * i, true); return a; },
  s32: (v, p, n) => { const k = n >>> 2, a = new Array<number>(k); for (let i = 0; i < k; i++) a[i] = v.getInt32(p + 4 * i, true); return a; },
  u64: (v, p, n) => {
    const k = n >>> 3, a = new Array<bigint>(k);
    for (let i = 0, q = p; i < k; i++, q += 8) { const lo = v.getUint32(q, true); a[i] = lo < SMALL_BIGS && v.getUint32(q + 4, true) === 0 ? smallBig[lo]! : v.getBigUint64(q, true); }
    return a;
  },
  s64: (v, p, n) => {
    const k = n >>> 3, a = new Array<bigint>(k);
    for (let i = 0, q = p; i < k; i++, q += 8) { const lo = v.getUint32(q, true); a[i] = lo < SMALL_BIGS && v.getUint32(q + 4, true) === 0 ? smallBig[lo]! : v.getBigInt64(q, true); }
    return a;
  },
  uint: (v, p, n) => ARRAY_READERS.u64(v, p, n),
  sint: (v, p, n) => ARRAY_READERS.s64(v, p, n),
};

// MAC text as formatHex gives it, built as one flat string; recently seen addresses (a dump's
// broadcast address on every link) share one string.
const HEX_HI = new Uint8Array(256), HEX_LO = new Uint8Array(256);
for (let i = 0; i < 256; i++) { HEX_HI[i] = '0123456789abcdef'.charCodeAt(i >> 4); HEX_LO[i] = '0123456789abcdef'.charCodeAt(i & 15); }
const macHi = new Uint16Array(256), macLo = new Uint32Array(256);
const macText: Array<string | undefined> = new Array(256).fill(undefined);
const hexCodes: number[] = [];
function formatMac(b: Uint8Array, p: number, n: number): string {
  if (n === 6) {
    const hi = (b[p]! << 8) | b[p + 1]!;
    const lo = ((b[p + 2]! << 24) | (b[p + 3]! << 16) | (b[p + 4]! << 8) | b[p + 5]!) >>> 0;
    const h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 24;
    const t = macText[h];
    if (t !== undefined && macHi[h] === hi && macLo[h] === lo) return t;
    const s = String.fromCharCode(
      HEX_HI[b[p]!]!, HEX_LO[b[p]!]!, 58, HEX_HI[b[p + 1]!]!, HEX_LO[b[p + 1]!]!, 58, HEX_HI[b[p + 2]!]!, HEX_LO[b[p + 2]!]!, 58,
      HEX_HI[b[p + 3]!]!, HEX_LO[b[p + 3]!]!, 58, HEX_HI[b[p + 4]!]!, HEX_LO[b[p + 4]!]!, 58, HEX_HI[b[p + 5]!]!, HEX_LO[b[p + 5]!]!,
    );
    macHi[h] = hi; macLo[h] = lo; macText[h] = s;
    return s;
  }
  if (n === 0) return '';
  if (n > 4096) return formatHex(b.subarray(p, p + n));
  hexCodes.length = 0;
  for (let i = 0; i < n; i++) {
    if (i) hexCodes.push(58);
    hexCodes.push(HEX_HI[b[p + i]!]!, HEX_LO[b[p + i]!]!);
  }
  return String.fromCharCode.apply(null, hexCodes);
}

/** formatIPv6, with the unspecified address (an IPv6 token not set) without the general path. */
function formatIPv6Fast(b: Uint8Array, p: number): string {
  for (let i = 0; i < 16; i++) if (b[p + i] !== 0) return formatIPv6(b, p);
  return '::';
}

type UnknownList = Array<{ type: number; data: Uint8Array }>;
// IPv4 text of recently seen addresses: a dump repeats its gateways and sources on every route,
// and one string serves them all (strings are immutable, so sharing is invisible).
const v4Keys = new Uint32Array(256);
const v4Text: Array<string | undefined> = new Array(256).fill(undefined);
let v4High: Array<string | undefined> | undefined;
let v4Low: Array<string | undefined> | undefined;
function formatIPv4Cached(b: Uint8Array, p: number): string {
  const x = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  const h = Math.imul(x, 0x9e3779b1) >>> 24;
  const s = v4Text[h];
  if (s !== undefined && v4Keys[h] === x) return s;
  // the text is made of two cached halves ("a.b." and "c.d"): one new string per address
  const hi = x >>> 16, lo = x & 0xffff;
  v4High ??= new Array<string | undefined>(65536);
  v4Low ??= new Array<string | undefined>(65536);
  const t = (v4High[hi] ??= `${hi >>> 8}.${hi & 255}.`) + (v4Low[lo] ??= `${lo >>> 8}.${lo & 255}`);
  v4Keys[h] = x;
  v4Text[h] = t;
  return t;
}

// Unknown attributes of one set share one copy of the set's bytes (and empty ones one empty array),
// so that input made of many small unknown attributes costs memory in proportion to its size.
const EMPTY = new Uint8Array(0);
const emptyUnknown = new Map<number, { type: number; data: Uint8Array }>();
function keepUnknown(list: UnknownList | undefined, raw: number, data: Uint8Array): UnknownList {
  // an empty unknown attribute is a value: one frozen object per type serves every occurrence
  let item = data === EMPTY ? emptyUnknown.get(raw) : undefined;
  if (item === undefined) {
    item = { type: raw, data };
    if (data === EMPTY) emptyUnknown.set(raw, Object.freeze(item));
  }
  if (list === undefined) return [item];
  list.push(item);
  return list;
}

/**
 * Decodes ASCII (with one trailing NUL) without TextDecoder; other bytes go through UTF-8.
 * Sets `ASC.canonical` when the payload re-encodes exactly as received.
 */
const ASC = { canonical: false };
// Short strings seen recently (a qdisc, a link kind, repeated on every link of a dump) share one
// string: the slot is picked by a hash of the bytes and checked against them.
const strSlots: Array<string | undefined> = new Array(512).fill(undefined);
export function asciiString(b: Uint8Array, p: number, n: number): string {
  const lim = p + n;
  let e = p;
  let hi = 0;
  let h = 0x811c9dc5;
  while (e < lim) {
    const c = b[e]!;
    if (c === 0) break;
    hi |= c;
    h = Math.imul(h ^ c, 0x01000193);
    e++;
  }
  ASC.canonical = hi < 0x80 && e === lim - 1;
  if (hi >= 0x80) return decodeUtf8(b.subarray(p, e));
  const len = e - p;
  if (len <= 16) {
    const slot = h >>> 23;
    const t = strSlots[slot];
    if (t !== undefined && t.length === len) {
      let q = 0;
      while (q < len && t.charCodeAt(q) === b[p + q]) q++;
      if (q === len) return t;
    }
    // one allocation: a name of up to 8 characters from its char codes, longer ones from the bytes
    let s: string;
    switch (len) {
      case 0: s = ''; break;
      case 1: s = String.fromCharCode(b[p]!); break;
      case 2: s = String.fromCharCode(b[p]!, b[p + 1]!); break;
      case 3: s = String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!); break;
      case 4: s = String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!); break;
      case 5: s = String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!); break;
      case 6: s = String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!); break;
      case 7: s = String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!); break;
      case 8: s = String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!); break;
      default: s = String.fromCharCode.apply(null, b.subarray(p, e) as unknown as number[]);
    }
    strSlots[slot] = s;
    return s;
  }
  return String.fromCharCode.apply(null, b.subarray(p, e) as unknown as number[]);
}

// Compiled decoders serve every decode once this module is loaded (schema/family.ts loads it).
setCompiledDecoders(true);
