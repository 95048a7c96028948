// Between the engine's decoded values and the JSON the kernel's ynl CLI speaks: enums and flags
// by name, pad attributes hidden, display hints applied (present); and the other way, requests
// checked against the spec (unknown names, flags given as false, `checks` limits) before the
// engine encodes them (prepare).
import { formatHex, formatIPv4, formatIPv6, parseHex, parseIP, parseIPv4 } from '../core/addr.js';
import { AttributeScanner, encodeUtf8 } from '../core/attr.js';
import { NLA_F_NESTED, NLA_HDRLEN, NLA_TYPE_MASK, align4 } from '../core/constants.js';
import { enumName, enumValue, flagNamesOf, subMessageFormat } from '../schema/define.js';
import { decodeAttrs, decodeStruct, resolveSet } from '../schema/engine.js';
import type { AttrDef, AttrSet, AttrSetRef, EnumDef, FlagsDef, StructDef, UnknownAttr } from '../schema/types.js';
import type { AttrMeta, YnlModel } from './convert.js';
import type { YnlDisplayHint } from './spec.js';

type Obj = Record<string, unknown>;

/** How decoded attributes are presented with the spec's names. */
export interface PresentOptions {
  /** Show 'pad' attributes (as bytes), as the kernel's CLI does with --process-unknown. */
  pads?: boolean;
}

/** The attributes decoded so far at each level: sub-message selectors are looked up outwards. */
interface Scope { set: AttrSet; values: Obj; outer?: Scope }

/**
 * The decoded attributes of `set` as the kernel's CLI (tools/net/ynl) shows them: the spec's
 * names, enums and flags by name, display hints applied by length, sub-messages resolved by a
 * selector found at this level or an outer one. Attributes the spec does not describe are never
 * dropped: they show as `UnknownAttr(N)` (a nest of them, or their bytes), like `--process-unknown`.
 */
export function presentAttrs(model: YnlModel, set: AttrSet, obj: Readonly<Obj>, opts: PresentOptions = {}, outer?: Scope): Obj {
  const meta = model.meta.get(set);
  const out: Obj = {};
  const scope: Scope = outer ? { set, values: out, outer } : { set, values: out };
  for (const [key, v] of Object.entries(obj)) {
    if (key === 'unknown') {
      for (const u of v as UnknownAttr[]) presentUnknown(model, set, out, u, opts, scope);
      continue;
    }
    const def = (set.attrs as Record<string, AttrDef>)[key];
    const m = meta?.get(key);
    if (!def || !m || (m.pad && !opts.pads)) continue;
    const one = (x: unknown): unknown => presentValue(model, m, x, opts, scope);
    out[key] = def.multi && Array.isArray(v) ? v.map(one) : one(v);
  }
  return out;
}

/** An attribute the engine set aside: a repeat of a single-valued one (the last wins), or one the spec lacks. */
function presentUnknown(model: YnlModel, set: AttrSet, out: Obj, u: UnknownAttr, opts: PresentOptions, scope: Scope): void {
  const type = u.type & NLA_TYPE_MASK;
  const known = Object.entries(set.attrs as Record<string, AttrDef>).find(([, d]) => d.id === type);
  if (known) {
    const m = model.meta.get(set)?.get(known[0]);
    if (m && (!m.pad || opts.pads)) {
      const decoded = decodeAttrs(set, attrBytes(u), 0, undefined, undefined) as Obj;
      if (known[0] in decoded) out[known[0]] = presentValue(model, m, decoded[known[0]], opts, scope);
    }
    return;
  }
  addRepeated(out, `UnknownAttr(${type})`, unknownValue(u));
}

function unknownValue(u: UnknownAttr): unknown {
  if (!(u.type & NLA_F_NESTED)) return u.data;
  const out: Obj = {};
  const s = new AttributeScanner(u.data);
  while (s.next()) addRepeated(out, `UnknownAttr(${s.type})`, unknownValue({ type: s.rawType, data: s.bytesCopy() }));
  return out;
}

function addRepeated(out: Obj, key: string, v: unknown): void {
  if (!(key in out)) out[key] = v;
  else if (Array.isArray(out[key])) (out[key] as unknown[]).push(v);
  else out[key] = [out[key], v];
}

function attrBytes(u: UnknownAttr): Uint8Array {
  const b = new Uint8Array(align4(NLA_HDRLEN + u.data.length));
  new DataView(b.buffer).setUint16(0, NLA_HDRLEN + u.data.length, true);
  new DataView(b.buffer).setUint16(2, u.type, true);
  b.set(u.data, NLA_HDRLEN);
  return b;
}

function presentValue(model: YnlModel, m: AttrMeta, v: unknown, opts: PresentOptions, scope: Scope): unknown {
  const a = m.spec;
  switch (a.type) {
    case 'nest': return presentAttrs(model, model.sets.get(a['nested-attributes']!)!, v as Obj, opts, scope);
    case 'indexed-array': case 'array-nest': {
      const sub = a.type === 'array-nest' ? 'nest' : a['sub-type'] ?? 'nest';
      if (sub === 'nest') {
        // Items are decoded on their own, without the outer attributes (as the kernel's CLI does).
        const itemSet = model.sets.get(a['nested-attributes']!)!;
        return (v as Array<Record<string, Obj>>).map((item) => Object.fromEntries(Object.entries(item).map(([i, x]) => [i, presentAttrs(model, itemSet, x, opts)])));
      }
      return (v as unknown[]).map((x) => (a['display-hint'] ? formatHint(x, a['display-hint']) : x));
    }
    case 'sub-message': return presentSubMessage(model, m, v, opts, scope);
    case 'nest-type-value': {
      const names = a['type-value'] ?? [];
      const rest: Obj = {};
      const head: Obj = {};
      for (const [k, x] of Object.entries(v as Obj)) (names.includes(k) ? head : rest)[k] = x;
      return { ...head, ...presentAttrs(model, model.sets.get(a['nested-attributes']!)!, rest, opts) };
    }
    case 'binary':
      if (a.struct) return presentStruct(model, a.struct, v as Obj);
      if (a['sub-type']) return v;
      return a['display-hint'] && v instanceof Uint8Array ? formatHint(v, a['display-hint']) : v;
    case 'bitfield32': {
      const bf = v as { value: number; selector: number };
      return m.enum || m.flags ? { value: presentScalar(m, bf.value), selector: presentScalar(m, bf.selector) } : bf;
    }
    case 'string': case 'flag': case 'pad': return v;
    default: return presentScalar(m, v);
  }
}

function presentScalar(m: { enum?: EnumDef; flags?: FlagsDef; hint?: YnlDisplayHint }, v: unknown): unknown {
  if (typeof v !== 'number' && typeof v !== 'bigint') return v;
  if (m.enum) return enumName(m.enum, Number(v)) ?? v;
  if (m.flags) return flagNamesOf(m.flags, v);
  if (m.hint) return formatHint(v, m.hint);
  return v;
}

/** A sub-message: decoded by the engine when the selector was a sibling, else from its bytes here. */
function presentSubMessage(model: YnlModel, m: AttrMeta, v: unknown, opts: PresentOptions, scope: Scope): unknown {
  const formats = model.subMessages.get(m.spec['sub-message']!);
  const selector = lookup(scope, m.spec.selector!);
  const fmt = selector === undefined ? undefined : formats?.get(String(selector));
  // No format for this selector (a link kind the spec lacks): the bytes are kept.
  if (!fmt) return v;
  const out: Obj = {};
  if (v instanceof Uint8Array) {
    let off = 0;
    if (fmt.fixedHeader) {
      if (v.length < fmt.fixedHeader.size) return v;
      Object.assign(out, presentStruct(model, fmt.fixedHeader.name, decodeStruct(fmt.fixedHeader, v, 0, fmt.fixedHeader.size)));
      off = fmt.fixedHeader.size;
    }
    if (fmt.set) Object.assign(out, presentAttrs(model, fmt.set, decodeAttrs(fmt.set, v, off) as Obj, opts, scope));
    return out;
  }
  return fmt.set ? presentAttrs(model, fmt.set, v as Obj, opts, scope) : presentStruct(model, fmt.fixedHeader!.name, v as Obj);
}

/** A selector's value (as shown) at this level or an outer one. */
function lookup(scope: Scope | undefined, name: string): unknown {
  for (let s = scope; s; s = s.outer) {
    if (name in (s.set.attrs as Record<string, AttrDef>)) return s.values[name];
  }
  return undefined;
}

/** A struct's fields as the kernel's CLI shows them: enums, hints, nested structs; pads left out. */
export function presentStruct(model: YnlModel, name: string, v: Readonly<Obj>): Obj {
  const spec = model.structSpecs.get(name);
  if (!spec) return { ...v };
  const out: Obj = {};
  for (const mem of spec.members ?? []) {
    if (mem.type === 'pad' || !(mem.name in v)) continue;
    let x = v[mem.name];
    if (mem.struct && x instanceof Uint8Array) {
      const inner = model.structs.get(mem.struct)!;
      x = presentStruct(model, mem.struct, decodeStruct(inner, x, 0, inner.size));
    } else if (mem.enum) {
      const e = model.enums.get(mem.enum);
      x = e ? presentScalar(e.kind === 'flags' ? { flags: e } : { enum: e }, x) : x;
    } else if (mem['display-hint'] && (typeof x !== 'string')) {
      x = formatHint(x, mem['display-hint']);
    }
    out[mem.name] = x;
  }
  return out;
}

/** The kernel CLI's display hints; a value the hint cannot format (an address of odd length) stays as it is. */
export function formatHint(v: unknown, hint: YnlDisplayHint): unknown {
  if (typeof v === 'number' || typeof v === 'bigint') {
    const n = BigInt(v);
    if (hint === 'hex') return '0x' + n.toString(16);
    if (hint === 'ipv4' || hint === 'ipv6') {
      const len = n < 2n ** 32n ? 4 : 16;
      const b = new Uint8Array(len);
      for (let i = len - 1, r = n; i >= 0; i--, r >>= 8n) b[i] = Number(r & 255n);
      return len === 4 ? formatIPv4(b) : formatIPv6(b);
    }
    return v;
  }
  if (!(v instanceof Uint8Array)) return v;
  switch (hint) {
    case 'mac': return formatHex(v, ':');
    case 'hex': return formatHex(v, ' ');
    case 'ipv4': case 'ipv6': return v.length === 4 ? formatIPv4(v) : v.length === 16 ? formatIPv6(v) : v;
    case 'uuid': return v.length === 16 ? formatUuid(v) : v;
    default: return v;
  }
}

function formatUuid(b: Uint8Array): string {
  const h = formatHex(b, '');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * JSON text exactly as `cli.py --output-json` prints it (Python's json.dumps): ', ' and ': '
 * separators, bytes as hex, integers of any size as digits, non-ASCII escaped.
 */
export function kernelJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  if (v instanceof Uint8Array) return JSON.stringify(formatHex(v, ''));
  if (Array.isArray(v)) return '[' + v.map(kernelJson).join(', ') + ']';
  return '{' + Object.entries(v as Obj).filter(([, x]) => x !== undefined).map(([k, x]) => `${kernelJson(k)}: ${kernelJson(x)}`).join(', ') + '}';
}

/**
 * JSON.parse for requests given as text (the CLI's --json): integers past 2^53 (a u64, an IPv6
 * address as the kernel CLI takes it) become bigint instead of losing their low digits.
 */
export function parseJsonExact(text: string): unknown {
  const tag = `\u0000big${Math.random().toString(36).slice(2)}:`;
  let out = '', big = false;
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === '"') { // copy a string as is
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1); i = j + 1; continue;
    }
    const m = /^-?\d+(?![.\deE])/.exec(text.slice(i, i + 400));
    if (m && (i === 0 || !/[\w.]/.test(text[i - 1]!)) && !Number.isSafeInteger(Number(m[0]))) {
      out += JSON.stringify(tag + m[0]); i += m[0].length; big = true; continue;
    }
    out += c; i++;
  }
  return JSON.parse(out, big ? (_k, v: unknown) => (typeof v === 'string' && v.startsWith(tag) ? BigInt(v.slice(tag.length)) : v) : undefined);
}

// ---- requests ---------------------------------------------------------------------------------

const SKIP = Symbol('skip');

/**
 * Checks request attributes against the spec and turns them into what the engine encodes:
 * unknown names and out-of-range values throw (TypeError / RangeError naming the attribute),
 * flags given as false are left out, enum and flag names become numbers.
 */
export function prepareAttrs(model: YnlModel, set: AttrSet, input: unknown, where = set.name): Obj {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(`${where}: expected an object of attributes of set '${set.name}', got ${JSON.stringify(input)}`);
  }
  const meta = model.meta.get(set);
  const attrs = set.attrs as Record<string, AttrDef>;
  const out: Obj = {};
  for (const [key, v] of Object.entries(input as Obj)) {
    const def = attrs[key];
    if (!def || key === 'unknown') {
      throw new TypeError(`${where}: set '${set.name}' has no attribute '${key}' (attributes: ${Object.keys(attrs).join(', ')})`);
    }
    if (v === undefined || v === null) continue;
    const m = meta?.get(key);
    const one = (x: unknown, i?: number): unknown => prepareValue(model, def, m, x, input as Obj, i === undefined ? `${where}.${key}` : `${where}.${key}[${i}]`);
    if (def.multi) {
      const items = (Array.isArray(v) ? v : [v]).map(one).filter((x) => x !== SKIP);
      if (items.length) out[key] = items;
    } else {
      const x = one(v);
      if (x !== SKIP) out[key] = x;
    }
  }
  return out;
}

function prepareValue(model: YnlModel, def: AttrDef, m: AttrMeta | undefined, v: unknown, siblings: Readonly<Obj>, where: string): unknown {
  if (m && (m.spec.type === 'indexed-array' || m.spec.type === 'array-nest') && def.type === 'custom' && m.spec['nested-attributes']) {
    if (!Array.isArray(v)) throw new TypeError(`${where}: expected a list`);
    const itemSet = model.sets.get(m.spec['nested-attributes'])!;
    return v.map((x: unknown, i) => {
      const keys = typeof x === 'object' && x !== null ? Object.keys(x) : [];
      if (keys.length === 1 && /^\d+$/.test(keys[0]!)) return { [keys[0]!]: prepareAttrs(model, itemSet, (x as Obj)[keys[0]!], `${where}[${i}]`) };
      return prepareAttrs(model, itemSet, x, `${where}[${i}]`);
    });
  }
  switch (def.type) {
    case 'flag': return v === false || v === 0 ? SKIP : true;
    case 'nest': return prepareAttrs(model, resolveSet(def.set), v, where);
    case 'indexed-array': {
      if (!Array.isArray(v)) throw new TypeError(`${where}: expected a list`);
      const item = def.item;
      return v.map((x, i) => (typeof item === 'string' ? prepareScalar(def, m, x, `${where}[${i}]`) : prepareAttrs(model, resolveSet(item), x, `${where}[${i}]`)));
    }
    case 'sub-message': {
      const fmt = subMessageFormat(def, siblings[def.selector]);
      if (!fmt || isStruct(fmt) || v instanceof Uint8Array) return v;
      return prepareAttrs(model, resolveSet(fmt), v, where);
    }
    case 'string':
      checkLength(m, typeof v === 'string' ? encodeUtf8(v).length : (v as Uint8Array).length, where);
      return v;
    case 'binary': {
      const b = binaryInput(m?.hint, v, where);
      checkLength(m, b.length, where);
      return b;
    }
    case 'u8': case 'u16': case 'u32': case 's8': case 's16': case 's32':
    case 'u64': case 's64': case 'uint': case 'sint':
      return prepareScalar(def, m, v, where);
    default: return v;
  }
}

function prepareScalar(def: AttrDef, m: AttrMeta | undefined, v: unknown, where: string): unknown {
  let n: unknown = v;
  if (m?.flags && (typeof v === 'string' || Array.isArray(v))) n = flagBits(m.flags, typeof v === 'string' ? [v] : v as Array<string | number>, where);
  else if (m?.enum && typeof v === 'string') n = enumValue(m.enum, v);
  else if (m?.hint === 'ipv4' && typeof v === 'string') {
    const b = parseIPv4(v);
    if (!b) throw new TypeError(`${where}: '${v}' is not an IPv4 address`);
    n = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  } else if (typeof v === 'string' && /^-?(0x[0-9a-f]+|\d+)$/i.test(v)) n = BigInt(v);
  if (typeof n !== 'number' && typeof n !== 'bigint') throw new TypeError(`${where}: cannot use ${JSON.stringify(v)} as ${def.type}`);
  const c = m?.checks;
  if (c && ((c.min !== undefined && BigInt(n) < c.min) || (c.max !== undefined && BigInt(n) > c.max))) {
    throw new RangeError(`${where}: ${String(n)} is outside ${c.min ?? '-∞'}..${c.max ?? '∞'}`);
  }
  // The engine's 8-byte integers take bigint; small ones take numbers.
  return def.type === 'u64' || def.type === 's64' || def.type === 'uint' || def.type === 'sint' ? BigInt(n) : Number(n);
}

/**
 * Bytes from what a user gives for a binary attribute: bytes, hex (the kernel CLI's form, spaces
 * allowed), or the text its display hint shows (an address, a MAC, a UUID); addresses also as
 * integers (the kernel CLI's ipaddress form).
 */
function binaryInput(hint: YnlDisplayHint | undefined, v: unknown, where: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if ((typeof v === 'number' || typeof v === 'bigint') && (hint === 'ipv4' || hint === 'ipv6')) {
    const n = BigInt(v);
    const len = hint === 'ipv4' && n < 2n ** 32n ? 4 : 16;
    const b = new Uint8Array(len);
    for (let i = len - 1, r = n; i >= 0; i--, r >>= 8n) b[i] = Number(r & 255n);
    return b;
  }
  if (typeof v === 'string') {
    const text = (hint === 'ipv4' || hint === 'ipv6') ? parseIP(v) : hint === 'mac' ? parseHex(v, ':') : undefined;
    const b = text ?? parseHex(v.replace(/[\s:-]/g, ''), '');
    if (b) return b;
  }
  throw new TypeError(`${where}: cannot use ${JSON.stringify(v)} as bytes (give hex${hint ? ` or a ${hint} value` : ''})`);
}

function isStruct(fmt: AttrSetRef | StructDef): fmt is StructDef {
  return typeof fmt !== 'function' && fmt.kind === 'struct';
}

function flagBits(flags: FlagsDef, names: ReadonlyArray<string | number>, where: string): bigint {
  let v = 0n;
  for (const x of names) {
    if (typeof x === 'number') { v |= BigInt(x); continue; }
    const bit = flags.values[x];
    if (bit === undefined) throw new TypeError(`${where}: unknown flag '${x}' (flags of ${flags.name}: ${Object.keys(flags.values).join(', ')})`);
    v |= BigInt(bit);
  }
  return v;
}

function checkLength(m: AttrMeta | undefined, len: number, where: string): void {
  const c = m?.checks;
  if (!c) return;
  if (c.exactLen !== undefined && len !== c.exactLen) throw new RangeError(`${where}: ${len} bytes, needs exactly ${c.exactLen}`);
  if (c.maxLen !== undefined && len > c.maxLen) throw new RangeError(`${where}: ${len} bytes, at most ${c.maxLen}`);
  if (c.minLen !== undefined && len < c.minLen) throw new RangeError(`${where}: ${len} bytes, at least ${c.minLen}`);
}
