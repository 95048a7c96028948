// Names for enum and flag values, driven by the declarations' own enum and flags tables (the
// ones the encoder takes names from), so decoded numbers and names never disagree.
import { enumName, flagNamesOf, subMessageFormat } from './define.js';
import { resolveSet } from './engine.js';
import type { AttrDef, AttrSet, EnumDef, FlagsDef, StructDef } from './types.js';
import type { MessageDef } from './family.js';

type Obj = Record<string, unknown>;

/** An enum value's declared name; a value the table lacks stays a number. */
function enumOrNumber(e: EnumDef, v: unknown): unknown {
  return typeof v === 'number' ? enumName(e, v) ?? v : v;
}
/** A flags value as the list of its names; bits the table lacks are one '0x..' entry. */
function flagList(f: FlagsDef, v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'bigint' ? flagNamesOf(f, v) : v;
}

/**
 * A copy of a decoded struct value (a family header, a struct attribute) with its enum fields as
 * names and its flags fields as lists of names.
 */
export function structNames(def: StructDef, value: Readonly<Obj>): Obj {
  const out: Obj = { ...value };
  for (const f of def.fields) {
    if (!(f.name in out)) continue;
    if (f.enum) out[f.name] = enumOrNumber(f.enum, out[f.name]);
    else if (f.flags) out[f.name] = flagList(f.flags, out[f.name]);
  }
  return out;
}

/**
 * A copy of decoded attributes with every enum and flags value named, nests and sub-messages
 * included. `header` is the enclosing message's family header (decoded numbers), which picks the
 * format of header-selected sub-messages (IFLA_AF_SPEC by ifi_family).
 */
export function attrNames(set: AttrSet, attrs: Readonly<Obj>, header?: Readonly<Obj>): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(attrs)) {
    const d = set.attrs[k];
    out[k] = d === undefined ? v : d.multi && Array.isArray(v) ? v.map((x) => valueNames(d, x, attrs, header)) : valueNames(d, v, attrs, header);
  }
  return out;
}

function valueNames(d: AttrDef, v: unknown, siblings: Readonly<Obj>, header: Readonly<Obj> | undefined): unknown {
  if (v === null || v === undefined) return v;
  switch (d.type) {
    case 'nest': {
      const set = resolveSet(d.set);
      if (d.header) {
        const n = v as { header?: Obj; attrs?: Obj };
        return { header: n.header ? structNames(d.header, n.header) : n.header, attrs: n.attrs ? attrNames(set, n.attrs, header) : n.attrs };
      }
      return typeof v === 'object' ? attrNames(set, v as Obj, header) : v;
    }
    case 'indexed-array':
      if (!Array.isArray(v) || typeof d.item === 'string') return v;
      { const set = resolveSet(d.item); return v.map((x) => (x && typeof x === 'object' ? attrNames(set, x as Obj, header) : x)); }
    case 'struct':
      return typeof v === 'object' && !(v instanceof Uint8Array) ? structNames(d.struct, v as Obj) : v;
    case 'sub-message': {
      if (v instanceof Uint8Array || typeof v !== 'object') return v;
      const sel = d.selectorIn === 'header' ? header?.[d.selector] : siblings[d.selector];
      const fmt = subMessageFormat(d, sel);
      if (!fmt) return v;
      if ('kind' in fmt && fmt.kind === 'struct') return structNames(fmt, v as Obj);
      return attrNames(resolveSet(fmt as AttrSet | (() => AttrSet)), v as Obj, header);
    }
    default:
      if ('enum' in d && d.enum) return enumOrNumber(d.enum, v);
      if ('flags' in d && d.flags) return flagList(d.flags, v);
      return v;
  }
}

/** What {@link names} takes: a decoded message or a typed object, with the declaration it was decoded with. */
export interface NamedInput {
  readonly def?: MessageDef | undefined;
  readonly header?: Readonly<Obj> | undefined;
  readonly attrs?: Readonly<Obj> | undefined;
}
/** The family header and attributes with enum values as names and flags as lists of names. */
export interface Names {
  header: Obj | undefined;
  attrs: Obj | undefined;
}

/**
 * Names for every enum and flag field of a decoded message (`decode()`) or a typed object (`Rtnl`):
 * `names(route).header` is `{ protocol: 'kernel', scope: 'host', type: 'local', flags: [], ... }`.
 * The names are the declarations' (the ones the encoder takes), so `names()` output can be sent
 * back; values a table lacks stay numbers. The input is not changed.
 */
export function names(x: NamedInput, def: MessageDef | undefined = x.def): Names {
  if (!def) throw new TypeError('names(): no declaration (an undeclared message type, or pass one)');
  const header = x.header && def.header ? structNames(def.header, x.header) : x.header ? { ...x.header } : undefined;
  const attrs = x.attrs && def.attrs ? attrNames(def.attrs, x.attrs, x.header) : x.attrs ? { ...x.attrs } : undefined;
  return { header, attrs };
}
