// The YNL spec format (the kernel's Documentation/netlink/specs/*.yaml): TypeScript shapes of
// the parts nlwire reads, and a parser that checks them with errors naming the offending place.
import { parse } from 'yaml';

/** A spec's `protocol`: which netlink flavour the family speaks. */
export type YnlProtocol = 'genetlink' | 'genetlink-c' | 'genetlink-legacy' | 'netlink-raw';
/** Integer attribute and member types of a spec. */
export type YnlScalar = 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64' | 'uint' | 'sint';
/** Every attribute `type` a spec may give. */
export type YnlAttrType = YnlScalar | 'unused' | 'pad' | 'flag' | 'binary' | 'bitfield32' | 'string' | 'nest'
  | 'indexed-array' | 'array-nest' | 'nest-type-value' | 'sub-message';
/** A spec's `display-hint`: how a binary or integer value is shown. */
export type YnlDisplayHint = 'hex' | 'mac' | 'fddi' | 'ipv4' | 'ipv6' | 'uuid';

/** One entry of an enum or flags definition, with its explicit value if any. */
export interface YnlEnumEntry { name: string; value?: number; doc?: string }
/** One member of a struct definition. */
export interface YnlStructMember {
  name: string;
  type: YnlScalar | 'string' | 'binary' | 'pad';
  len?: number | string;
  'byte-order'?: 'little-endian' | 'big-endian';
  enum?: string;
  'display-hint'?: YnlDisplayHint;
  struct?: string;
  doc?: string;
}
/** An entry of `definitions`: a constant, enum, flags or struct. */
export interface YnlDefinition {
  name: string;
  type: 'const' | 'enum' | 'flags' | 'struct';
  value?: number | string;
  'value-start'?: number;
  entries?: Array<string | YnlEnumEntry>;
  members?: YnlStructMember[];
  doc?: string;
  [more: string]: unknown;
}
/** An attribute's `checks`: value ranges and lengths the kernel enforces. */
export interface YnlChecks {
  min?: number | string;
  max?: number | string;
  'min-len'?: number | string;
  'max-len'?: number | string;
  'exact-len'?: number | string;
  [more: string]: unknown;
}
/** One attribute of an attribute set. */
export interface YnlAttr {
  name: string;
  type?: YnlAttrType;
  value?: number;
  'multi-attr'?: boolean;
  'nested-attributes'?: string;
  'byte-order'?: 'little-endian' | 'big-endian';
  enum?: string;
  'enum-as-flags'?: boolean;
  struct?: string;
  'sub-type'?: YnlAttrType;
  'sub-message'?: string;
  selector?: string;
  'type-value'?: string[];
  'display-hint'?: YnlDisplayHint;
  checks?: YnlChecks;
  doc?: string;
  [more: string]: unknown;
}
/** An entry of `attribute-sets` (a `subset-of` another set reuses its attributes). */
export interface YnlAttrSet {
  name: string;
  'name-prefix'?: string;
  'enum-name'?: string;
  'subset-of'?: string;
  attributes: YnlAttr[];
  doc?: string;
  [more: string]: unknown;
}
/** An entry of `sub-messages`: the formats an attribute takes, chosen by a selector value. */
export interface YnlSubMessage {
  name: string;
  formats: Array<{ value: string; 'attribute-set'?: string; 'fixed-header'?: string }>;
}
/** The request or reply of an operation mode: its command value and attributes. */
export interface YnlMsgPart { value?: number; attributes?: string[] }
/** An operation's `do`, `dump` or `event` mode. */
export interface YnlMode { request?: YnlMsgPart; reply?: YnlMsgPart; pre?: string; post?: string }
/** One entry of `operations.list`: a call or a notification. */
export interface YnlOperation {
  name: string;
  value?: number;
  doc?: string;
  'attribute-set'?: string;
  'fixed-header'?: string;
  flags?: string[];
  do?: YnlMode;
  dump?: YnlMode;
  notify?: string;
  event?: { attributes?: string[] };
  mcgrp?: string;
  [more: string]: unknown;
}
/** A YNL spec document (the kernel's Documentation/netlink/specs/*.yaml), as parsed. */
export interface YnlSpec {
  name: string;
  doc?: string;
  protocol?: YnlProtocol;
  protonum?: number;
  version?: number;
  definitions?: YnlDefinition[];
  'attribute-sets': YnlAttrSet[];
  'sub-messages'?: YnlSubMessage[];
  operations: {
    'enum-model'?: 'unified' | 'directional';
    'name-prefix'?: string;
    'async-prefix'?: string;
    'fixed-header'?: string;
    list: YnlOperation[];
    [more: string]: unknown;
  };
  'mcast-groups'?: { list: Array<{ name: string; value?: number; flags?: string[] }> };
  [more: string]: unknown;
}

/** A spec that cannot be used: `where` is the path in the document ('attribute-sets[2].attributes[0]'). */
export class YnlSpecError extends Error {
  override readonly name = 'YnlSpecError';
  constructor(readonly where: string, detail: string) {
    super(`${where}: ${detail}`);
  }
}

const ATTR_TYPES = new Set<string>(['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'uint', 'sint', 'unused', 'pad', 'flag',
  'binary', 'bitfield32', 'string', 'nest', 'indexed-array', 'array-nest', 'nest-type-value', 'sub-message']);
const PROTOCOLS = new Set<string>(['genetlink', 'genetlink-c', 'genetlink-legacy', 'netlink-raw']);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function need(cond: boolean, where: string, detail: string): asserts cond {
  if (!cond) throw new YnlSpecError(where, detail);
}
function list(v: unknown, where: string): unknown[] {
  need(v === undefined || Array.isArray(v), where, 'must be a list');
  return (v ?? []) as unknown[];
}
function named(v: unknown, where: string): Record<string, unknown> {
  need(isObj(v), where, 'must be a mapping');
  need(typeof v.name === 'string' && v.name !== '', where, 'needs a name');
  return v;
}

/** Parses YAML text and checks the structure nlwire relies on. */
export function parseSpec(text: string): YnlSpec {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new YnlSpecError('spec', `not valid YAML: ${(e as Error).message}`);
  }
  return checkSpec(doc);
}

/** Checks an already parsed spec document. */
export function checkSpec(doc: unknown): YnlSpec {
  const s = named(doc, 'spec');
  need(s.protocol === undefined || PROTOCOLS.has(String(s.protocol)), 'protocol', `unknown protocol '${String(s.protocol)}'`);
  if (s.protocol === 'netlink-raw') need(typeof s.protonum === 'number', 'protonum', 'a netlink-raw spec needs protonum');
  list(s.definitions, 'definitions').forEach((d, i) => {
    const where = `definitions[${i}]`;
    const def = named(d, where);
    need(['const', 'enum', 'flags', 'struct'].includes(String(def.type)), where, `unknown definition type '${String(def.type)}'`);
    if (def.type === 'enum' || def.type === 'flags') list(def.entries, `${where}.entries`);
    if (def.type === 'struct') list(def.members, `${where}.members`).forEach((m, j) => named(m, `${where}.members[${j}]`));
  });
  need(Array.isArray(s['attribute-sets']), 'attribute-sets', 'is required (a list)');
  (s['attribute-sets'] as unknown[]).forEach((a, i) => {
    const where = `attribute-sets[${i}]`;
    const set = named(a, where);
    list(set.attributes, `${where}.attributes`).forEach((x, j) => {
      const w = `${where}.attributes[${j}]`;
      const attr = named(x, w);
      if (set['subset-of'] === undefined || attr.type !== undefined) {
        need(ATTR_TYPES.has(String(attr.type)), `${w} (${String(attr.name)})`, `unknown attribute type '${String(attr.type)}'`);
      }
      need(attr.value === undefined || (Number.isInteger(attr.value) && (attr.value as number) >= 0), `${w} (${String(attr.name)})`, 'value must be a non-negative integer');
    });
  });
  list(s['sub-messages'], 'sub-messages').forEach((m, i) => {
    const sm = named(m, `sub-messages[${i}]`);
    list(sm.formats, `sub-messages[${i}].formats`);
  });
  need(isObj(s.operations) && Array.isArray(s.operations.list), 'operations', 'needs a list');
  const model = s.operations['enum-model'];
  need(model === undefined || model === 'unified' || model === 'directional', 'operations.enum-model', `unknown model '${String(model)}'`);
  (s.operations.list as unknown[]).forEach((o, i) => named(o, `operations.list[${i}]`));
  if (s['mcast-groups'] !== undefined) {
    need(isObj(s['mcast-groups']), 'mcast-groups', 'must be a mapping with a list');
    list(s['mcast-groups'].list, 'mcast-groups.list').forEach((g, i) => named(g, `mcast-groups.list[${i}]`));
  }
  return s as unknown as YnlSpec;
}
