import type { AttrDefs, AttrSet, AttrSetRef, EnumDef, FlagsDef, StructDef, StructField, SubMessageAttr } from './types.js';

/** Declares an enum: names and their numbers (the first name of a number is its canonical name). */
export function defineEnum<const V extends Record<string, number>>(name: string, values: V): EnumDef<V> {
  const byValue = new Map<number, string>();
  for (const [k, v] of Object.entries(values)) if (!byValue.has(v)) byValue.set(v, k);
  return { kind: 'enum', name, values, byValue };
}

/** Declares a set of flag bits: names and their bit values. */
export function defineFlags<const V extends Record<string, number>>(name: string, values: V): FlagsDef<V> {
  return { kind: 'flags', name, values };
}

const FIELD_SIZE: Record<string, number> = {
  u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4, u64: 8, s64: 8, uint: 8, sint: 8, ipv4: 4, ipv6: 16,
};

/**
 * The format a sub-message's selector value picks, or undefined. Only the declaration's own keys
 * count: a selector read from hostile bytes ("__proto__", "constructor") never finds an inherited one.
 */
export function subMessageFormat(def: SubMessageAttr, selector: unknown): AttrSetRef | StructDef | undefined {
  if (selector === undefined) return undefined;
  const key = String(selector);
  return Object.hasOwn(def.formats, key) ? def.formats[key] : undefined;
}

export function fieldSize(f: StructField): number {
  if (f.type === 'pad' || f.type === 'binary') return f.len ?? 0;
  if (f.type === 'mac') return f.len ?? 6;
  return FIELD_SIZE[f.type]!;
}

/** A fixed struct; declare C padding explicitly with { type: 'pad', len } as YNL does. */
export function defineStruct<const F extends readonly StructField[]>(name: string, fields: F): StructDef<F> {
  const size = fields.reduce((n, f) => n + fieldSize(f), 0);
  return { kind: 'struct', name, fields, size };
}

/** An attribute set; keys are the TS names (camelCase), ids are the kernel's numbers. */
export function attrSet<const A extends AttrDefs>(name: string, attrs: A): AttrSet<A> {
  const seen = new Map<number, string>();
  for (const [key, def] of Object.entries(attrs)) {
    if (key === 'unknown') throw new Error(`${name}: 'unknown' is reserved for unknown attributes`);
    const prev = seen.get(def.id);
    if (prev !== undefined) throw new Error(`${name}: attributes ${prev} and ${key} share id ${def.id}`);
    seen.set(def.id, key);
  }
  return { kind: 'attr-set', name, attrs };
}

/** The declared name of an enum value, or undefined for a number the declaration lacks. */
export function enumName(def: EnumDef, value: number): string | undefined {
  return def.byValue.get(value);
}

/**
 * Names as written by hand or by other tools ('LISTEN', 'lower-up', 'replacePeers') match a
 * declared name ('listen', 'lower_up', 'replace_peers') when they differ only in case and word
 * breaks: the key drops '_', '-' and case. A key two declared names share matches neither.
 */
export function looseKey(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}
const looseIndexes = new WeakMap<object, Map<string, string | null>>();
function looseName(values: Readonly<Record<string, number>>, name: string): string | undefined {
  let idx = looseIndexes.get(values);
  if (!idx) {
    idx = new Map();
    for (const k of Object.keys(values)) { const lk = looseKey(k); idx.set(lk, idx.has(lk) && idx.get(lk) !== k ? null : k); }
    looseIndexes.set(values, idx);
  }
  return idx.get(looseKey(name)) ?? undefined;
}

/** A number, or a declared name mapped to its number (any case, '_' or '-' between words). */
export function enumValue(def: EnumDef, v: number | string): number {
  if (typeof v === 'number') return v;
  let n = def.values[v];
  if (n === undefined) {
    if (/^\d+$/.test(v)) return Number(v);
    const k = looseName(def.values, v);
    if (k !== undefined) n = def.values[k];
    if (n === undefined) throw new TypeError(`${def.name}: unknown value '${v}' (known: ${Object.keys(def.values).join(', ')})`);
  }
  return n;
}

/** Names of the bits set in `value`; bits without a name are given as hex. */
export function flagNamesOf(def: FlagsDef, value: number | bigint): string[] {
  const out: string[] = [];
  let rest = BigInt(value);
  for (const [k, bit] of Object.entries(def.values)) {
    const b = BigInt(bit);
    if (b !== 0n && (rest & b) === b) { out.push(k); rest &= ~b; }
  }
  if (rest) out.push('0x' + rest.toString(16));
  return out;
}

/** OR of named bits (or numbers); names match as in {@link enumValue}. */
export function flagsValue(def: FlagsDef, names: ReadonlyArray<string | number>): number {
  let v = 0;
  for (const n of names) {
    if (typeof n === 'number') { v |= n; continue; }
    let bit = def.values[n];
    if (bit === undefined) { const k = looseName(def.values, n); if (k !== undefined) bit = def.values[k]; }
    if (bit === undefined) throw new TypeError(`${def.name}: unknown flag '${n}'`);
    v |= bit;
  }
  return v >>> 0;
}
