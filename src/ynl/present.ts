// Between the engine's decoded values and the JSON the kernel's ynl CLI speaks: enums and flags
// by name, pad attributes hidden, display hints applied (present); and the other way, requests
// checked against the spec (unknown names, flags given as false, `checks` limits) before the
// engine encodes them (prepare).
import { formatIPv4, parseIPv4 } from '../core/addr.js';
import { encodeUtf8 } from '../core/attr.js';
import { enumName, enumValue, flagNamesOf } from '../schema/define.js';
import { resolveSet } from '../schema/engine.js';
import type { AttrDef, AttrSet, AttrSetRef, FlagsDef, StructDef } from '../schema/types.js';
import type { AttrMeta, YnlModel } from './convert.js';

type Obj = Record<string, unknown>;

/**
 * The decoded attributes of `set` in ynl's terms. Attributes the spec does not describe are left
 * out unless `keepUnknown` (then under 'unknown', as { type, data }).
 */
export function presentAttrs(model: YnlModel, set: AttrSet, obj: Readonly<Obj>, keepUnknown = false): Obj {
  const meta = model.meta.get(set);
  const out: Obj = {};
  for (const [key, v] of Object.entries(obj)) {
    if (key === 'unknown') { if (keepUnknown) out[key] = v; continue; }
    const def = (set.attrs as Record<string, AttrDef>)[key];
    const m = meta?.get(key);
    if (!def || m?.pad) continue;
    const one = (x: unknown): unknown => presentValue(model, def, m, x, obj, keepUnknown);
    out[key] = def.multi && Array.isArray(v) ? v.map(one) : one(v);
  }
  return out;
}

function presentValue(model: YnlModel, def: AttrDef, m: AttrMeta | undefined, v: unknown, siblings: Readonly<Obj>, keep: boolean): unknown {
  switch (def.type) {
    case 'nest': return presentAttrs(model, resolveSet(def.set), v as Obj, keep);
    case 'indexed-array': {
      const item = def.item;
      return (v as unknown[]).map((x) => (typeof item === 'string' ? presentScalar(m, x) : presentAttrs(model, resolveSet(item), x as Obj, keep)));
    }
    case 'sub-message': {
      const fmt = def.formats[String(siblings[def.selector])];
      if (!fmt || v instanceof Uint8Array) return v;
      return isStruct(fmt) ? presentStruct(fmt, v as Obj) : presentAttrs(model, resolveSet(fmt), v as Obj, keep);
    }
    case 'struct': return presentStruct(def.struct, v as Obj);
    case 'array': return (v as unknown[]).map((x) => presentScalar(m, x));
    case 'bitfield32': {
      const bf = v as { value: number; selector: number };
      return m?.flags ? { value: flagNamesOf(m.flags, bf.value), selector: flagNamesOf(m.flags, bf.selector) } : bf;
    }
    case 'binary': return m?.hint === 'uuid' && v instanceof Uint8Array && v.length === 16 ? formatUuid(v) : v;
    default: return presentScalar(m, v);
  }
}

function presentScalar(m: AttrMeta | undefined, v: unknown): unknown {
  if (typeof v !== 'number' && typeof v !== 'bigint') return v;
  if (m?.enum) return enumName(m.enum, Number(v)) ?? v;
  if (m?.flags) return flagNamesOf(m.flags, v);
  if (m?.hint === 'ipv4') return formatIPv4(Uint8Array.of(Number(v) >>> 24, (Number(v) >>> 16) & 255, (Number(v) >>> 8) & 255, Number(v) & 255));
  return v;
}

function presentStruct(def: StructDef, v: Readonly<Obj>): Obj {
  const out: Obj = { ...v };
  for (const f of def.fields) {
    const x = out[f.name];
    if (f.enum && typeof x === 'number') out[f.name] = enumName(f.enum, x) ?? x;
  }
  return out;
}

function isStruct(fmt: AttrSetRef | StructDef): fmt is StructDef {
  return typeof fmt !== 'function' && fmt.kind === 'struct';
}

function formatUuid(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
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
  switch (def.type) {
    case 'flag': return v === false || v === 0 ? SKIP : true;
    case 'nest': return prepareAttrs(model, resolveSet(def.set), v, where);
    case 'indexed-array': {
      if (!Array.isArray(v)) throw new TypeError(`${where}: expected a list`);
      const item = def.item;
      return v.map((x, i) => (typeof item === 'string' ? prepareScalar(def, m, x, `${where}[${i}]`) : prepareAttrs(model, resolveSet(item), x, `${where}[${i}]`)));
    }
    case 'sub-message': {
      const fmt = def.formats[String(siblings[def.selector])];
      if (!fmt || isStruct(fmt) || v instanceof Uint8Array) return v;
      return prepareAttrs(model, resolveSet(fmt), v, where);
    }
    case 'string': case 'binary':
      checkLength(m, typeof v === 'string' ? (def.type === 'string' ? encodeUtf8(v).length : v.length / 2) : (v as Uint8Array).length, where);
      return v;
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
