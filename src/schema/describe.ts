// A plain description of declarations (for `nlwire schema` and for documentation).
import { resolveSet } from './engine.js';
import type { MessageFamily } from './family.js';
import type { AttrDef, AttrSet, EnumDef, FlagsDef, StructDef } from './types.js';

export interface AttrDescription {
  id: number;
  name: string;
  type: string;
  multi?: boolean;
  byteOrder?: 'big-endian';
  /** Nested attribute set (nest, indexed-array of nests). */
  nested?: string;
  /** Sub-message: selector attribute and format per selector value. */
  selector?: string;
  formats?: Record<string, string>;
  struct?: string;
  enum?: string;
  flags?: string;
  item?: string;
  header?: string;
}
export interface StructDescription { name: string; size: number; fields: Array<{ name: string; type: string; size?: number; enum?: string; flags?: string }> }
/** A family's declarations as plain data (what `nlwire schema FAMILY` prints). */
export interface FamilyDescription {
  name: string;
  protocol: number;
  messages: Array<{ type: number; name: string; header?: string; attrs?: string }>;
  attributeSets: Array<{ name: string; attributes: AttrDescription[] }>;
  structs: StructDescription[];
  enums: Array<{ name: string; kind: 'enum' | 'flags'; values: Record<string, number> }>;
}

/** Describes every message, attribute set, struct, enum and flags a family declares, as plain data. */
export function describeFamily(f: MessageFamily): FamilyDescription {
  const sets = new Map<string, AttrSet>();
  const structs = new Map<string, StructDef>();
  const enums = new Map<string, EnumDef | FlagsDef>();
  const addStruct = (s: StructDef): void => {
    if (structs.has(s.name)) return;
    structs.set(s.name, s);
    for (const fl of s.fields) { if (fl.enum) enums.set(fl.enum.name, fl.enum); if (fl.flags) enums.set(fl.flags.name, fl.flags); }
  };
  const addSet = (s: AttrSet): void => {
    if (sets.has(s.name)) return;
    sets.set(s.name, s);
    for (const d of Object.values(s.attrs) as AttrDef[]) visit(d);
  };
  const visit = (d: AttrDef): void => {
    if ('enum' in d && d.enum) enums.set(d.enum.name, d.enum);
    if ('flags' in d && d.flags) enums.set(d.flags.name, d.flags);
    if (d.type === 'nest') { addSet(resolveSet(d.set)); if (d.header) addStruct(d.header); }
    if (d.type === 'indexed-array' && typeof d.item !== 'string') addSet(resolveSet(d.item));
    if (d.type === 'struct') addStruct(d.struct);
    if (d.type === 'sub-message') {
      for (const fmt of Object.values(d.formats)) {
        if ('kind' in fmt && fmt.kind === 'struct') addStruct(fmt);
        else addSet(resolveSet(fmt as AttrSet));
      }
    }
  };
  const messages = f.messages.map((m) => {
    if (m.header) addStruct(m.header);
    if (m.attrs) addSet(m.attrs);
    return { type: m.type, name: m.name, ...(m.header ? { header: m.header.name } : {}), ...(m.attrs ? { attrs: m.attrs.name } : {}) };
  });
  return {
    name: f.name,
    protocol: f.protocol,
    messages,
    attributeSets: [...sets.values()].map((s) => ({
      name: s.name,
      attributes: (Object.entries(s.attrs) as Array<[string, AttrDef]>).sort((a, b) => a[1].id - b[1].id).map(([name, d]) => describeAttr(name, d)),
    })),
    structs: [...structs.values()].map((s) => ({
      name: s.name, size: s.size,
      fields: s.fields.map((fl) => ({ name: fl.name, type: fl.type, ...(fl.len !== undefined ? { size: fl.len } : {}), ...(fl.enum ? { enum: fl.enum.name } : {}), ...(fl.flags ? { flags: fl.flags.name } : {}) })),
    })),
    enums: [...enums.values()].map((e) => ({ name: e.name, kind: e.kind, values: { ...e.values } })),
  };
}

function describeAttr(name: string, d: AttrDef): AttrDescription {
  const out: AttrDescription = { id: d.id, name, type: d.type };
  if (d.multi) out.multi = true;
  if ('byteOrder' in d && d.byteOrder) out.byteOrder = d.byteOrder;
  if ('enum' in d && d.enum) out.enum = d.enum.name;
  if ('flags' in d && d.flags) out.flags = d.flags.name;
  switch (d.type) {
    case 'nest': out.nested = resolveSet(d.set).name; if (d.header) out.header = d.header.name; break;
    case 'indexed-array': if (typeof d.item === 'string') out.item = d.item; else out.nested = resolveSet(d.item).name; break;
    case 'struct': out.struct = d.struct.name; break;
    case 'array': out.item = d.item; break;
    case 'custom': out.item = d.codec.name; break;
    case 'sub-message':
      out.selector = d.selector;
      out.formats = Object.fromEntries(Object.entries(d.formats).map(([k, f]) => [k, 'kind' in f && f.kind === 'struct' ? f.name : resolveSet(f as AttrSet).name]));
      break;
    default: break;
  }
  return out;
}
