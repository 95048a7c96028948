// YNL spec → engine declarations. Every attribute set becomes an engine AttrSet (keys are the
// spec's kebab-case names), definitions become EnumDef / FlagsDef / StructDef, and operations
// become a GenlFamilyDef, so a loaded spec runs through the same engine and client as the
// shipped TS declarations. What the engine's declarations do not carry (enum names on decode,
// display hints, checks, pad attributes) is kept beside them as AttrMeta for presentation.
import { attrSet, defineEnum, defineFlags, defineStruct } from '../schema/define.js';
import type { AttrDef, AttrSet, AttrSetRef, EnumDef, FlagsDef, ScalarType, StructDef, StructField } from '../schema/types.js';
import { constantCase, type GenlEvent, type GenlFamilyDef, type GenlOp, type GenlOpMode } from '../families/genl/define.js';
import { binaryArrayCodec, indexedNestCodec, nestTypeValueCodec } from './codecs.js';
import {
  YnlSpecError, type YnlAttr, type YnlAttrSet, type YnlChecks, type YnlDefinition, type YnlDisplayHint, type YnlMode, type YnlOperation, type YnlSpec,
} from './spec.js';

/** What the presentation and request checks need to know beyond the engine declaration. */
export interface AttrMeta {
  /** The spec's type ('u32', 'nest', ...). */
  type: string;
  enum?: EnumDef;
  flags?: FlagsDef;
  hint?: YnlDisplayHint;
  /** The spec's `checks`, resolved to numbers (what the kernel will validate). */
  checks?: AttrChecks;
  /** A 'pad' attribute: shown only in the kernel CLI's form. */
  pad?: boolean;
  /** The spec's attribute (merged with its parent's for subsets): sub-messages, nests, hints. */
  spec: YnlAttr;
}

/** One format of a sub-message: a fixed header, an attribute set, or both (netem). */
export interface SubMessageFormat { fixedHeader?: StructDef; set?: AttrSet }

/** The value and length limits a spec's `checks` put on an attribute. */
export interface AttrChecks { min?: bigint; max?: bigint; minLen?: number; maxLen?: number; exactLen?: number }

/** One operation or notification, as listOps() reports it. */
export interface YnlOpInfo {
  name: string;
  /** The C name ('ETHTOOL_MSG_LINKINFO_GET'). */
  enumName: string;
  kind: 'call' | 'notification';
  /** Command of requests (calls). */
  request?: number;
  /** Command of replies / of the notification. */
  reply?: number;
  attributeSet: string;
  do?: GenlOpMode;
  dump?: GenlOpMode;
  flags?: string[];
  mcgrp?: string;
  doc?: string;
}

/** A converted spec: the family declaration nlwire's engine runs, with its attribute sets, operations and checks. */
export interface YnlModel {
  spec: YnlSpec;
  family: GenlFamilyDef;
  sets: ReadonlyMap<string, AttrSet>;
  /** Per engine set: attribute name → metadata. */
  meta: WeakMap<AttrSet, ReadonlyMap<string, AttrMeta>>;
  enums: ReadonlyMap<string, EnumDef | FlagsDef>;
  structs: ReadonlyMap<string, StructDef>;
  /** The spec's struct definitions by name (member enums, hints and nested structs). */
  structSpecs: ReadonlyMap<string, YnlDefinition>;
  /** Sub-messages by name: selector value → format. */
  subMessages: ReadonlyMap<string, ReadonlyMap<string, SubMessageFormat>>;
  consts: ReadonlyMap<string, number | string>;
  /** The protocol header after genlmsghdr (or the netlink-raw family header), if any. */
  fixedHeader?: StructDef;
  ops: YnlOpInfo[];
}

const SCALARS = new Set(['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'uint', 'sint']);

/** Converts a checked spec (see parseSpec) into engine declarations. */
export function convertSpec(spec: YnlSpec): YnlModel {
  return new Converter(spec).run();
}

class Converter {
  private readonly consts = new Map<string, number | string>();
  private readonly enums = new Map<string, EnumDef | FlagsDef>();
  private readonly enumKinds = new Map<string, 'enum' | 'flags'>();
  private readonly enumAsFlags = new Map<string, FlagsDef>();
  private readonly structs = new Map<string, StructDef>();
  /** Struct definitions not built yet: a struct may use one defined further down. */
  private readonly pendingStructs = new Map<string, YnlDefinition>();
  private readonly sets = new Map<string, AttrSet>();
  private readonly meta = new WeakMap<AttrSet, ReadonlyMap<string, AttrMeta>>();
  /** Resolved ids and merged attribute specs of every set (subsets inherit from their parent). */
  private readonly layouts = new Map<string, Array<{ attr: YnlAttr; id: number }>>();
  /** Set names referenced by nests, indexed arrays and sub-messages, checked once all are built. */
  private readonly wanted: Array<[string, string]> = [];

  constructor(private readonly spec: YnlSpec) {}

  run(): YnlModel {
    const defs = this.spec.definitions ?? [];
    for (const d of defs) if (d.type === 'struct') this.pendingStructs.set(d.name, d);
    for (const d of defs) if (d.type !== 'struct') this.definition(d);
    for (const d of defs) if (d.type === 'struct') this.struct(d.name, `definitions.${d.name}`);
    this.layoutSets();
    for (const s of this.spec['attribute-sets']) this.buildSet(s);
    this.checkRefs();
    const fixedName = this.spec.operations['fixed-header'];
    const fixedHeader = fixedName ? this.struct(fixedName, 'operations.fixed-header') : undefined;
    const { family, ops } = this.operations(fixedHeader);
    const structSpecs = new Map(defs.filter((d) => d.type === 'struct').map((d) => [d.name, d]));
    const subMessages = new Map((this.spec['sub-messages'] ?? []).map((sm) => [sm.name, new Map(sm.formats.map((f) => {
      const fmt: SubMessageFormat = {};
      if (f['fixed-header']) fmt.fixedHeader = this.struct(f['fixed-header'], `sub-messages.${sm.name}.${f.value}`);
      if (f['attribute-set']) fmt.set = this.sets.get(f['attribute-set'])!;
      return [String(f.value), fmt];
    }))]));
    return {
      spec: this.spec, family, sets: this.sets, meta: this.meta, enums: this.enums, structs: this.structs, structSpecs, subMessages, consts: this.consts, ops,
      ...(fixedHeader ? { fixedHeader } : {}),
    };
  }

  // ---- definitions ------------------------------------------------------------------------------

  private definition(d: YnlDefinition): void {
    const where = `definitions.${d.name}`;
    switch (d.type) {
      case 'const':
        if (d.value === undefined) throw new YnlSpecError(where, 'a const needs a value');
        this.consts.set(d.name, d.value);
        return;
      case 'enum': case 'flags': {
        const values: Record<string, number> = {};
        let next = d['value-start'] ?? 0;
        for (const e of d.entries ?? []) {
          const entry = typeof e === 'string' ? { name: e } : e;
          const v = entry.value ?? next;
          values[entry.name] = d.type === 'flags' ? 2 ** v : v;
          next = v + 1;
        }
        this.enums.set(d.name, d.type === 'flags' ? defineFlags(d.name, values) : defineEnum(d.name, values));
        this.enumKinds.set(d.name, d.type);
        return;
      }
      case 'struct': {
        const fields: StructField[] = [];
        for (const m of d.members ?? []) fields.push(this.member(m, `${where}.${m.name}`));
        this.structs.set(d.name, defineStruct(d.name, fields));
        return;
      }
    }
  }

  private member(m: NonNullable<YnlDefinition['members']>[number], where: string): StructField {
    const base: { name: string; byteOrder?: 'big-endian'; enum?: EnumDef; doc?: string } = { name: m.name };
    if (m['byte-order'] === 'big-endian') base.byteOrder = 'big-endian';
    if (m.enum) {
      const e = this.enums.get(m.enum);
      if (e?.kind === 'enum') base.enum = e;
    }
    if (SCALARS.has(m.type)) return { ...base, type: m.type as ScalarType };
    if (m.type === 'pad') return { ...base, type: 'pad', len: this.len(m.len, where) };
    if (m.struct) return { ...base, type: 'binary', len: this.struct(m.struct, where).size };
    const hint = m['display-hint'];
    if (m.type === 'binary' && (hint === 'ipv4' || hint === 'ipv6')) return { ...base, type: hint };
    if (m.type === 'binary' && hint === 'mac') return { ...base, type: 'mac', len: this.len(m.len ?? 6, where) };
    return { ...base, type: 'binary', len: this.len(m.len, where) };
  }

  /** len-or-define: a number, a const name, or 'NAME - 1'. */
  private len(v: number | string | undefined, where: string): number {
    if (v === undefined) throw new YnlSpecError(where, 'needs a len');
    const n = this.limit(v, where);
    return Number(n);
  }

  /** len-or-limit: a number, a const, 'NAME - 1', or u8-min ... s64-max. */
  private limit(v: number | string, where: string): bigint {
    if (typeof v === 'number') return BigInt(v);
    const m = /^([su])(8|16|32|64)-(min|max)$/.exec(v);
    if (m) {
      const bits = BigInt(m[2]!);
      if (m[1] === 'u') return m[3] === 'min' ? 0n : (1n << bits) - 1n;
      return m[3] === 'min' ? -(1n << (bits - 1n)) : (1n << (bits - 1n)) - 1n;
    }
    const minus = /^(\w+)\s*-\s*1$/.exec(v);
    const c = this.consts.get(minus ? minus[1]! : v);
    if (c === undefined || !/^-?\d+$/.test(String(c))) throw new YnlSpecError(where, `'${v}' is not a number or a known const`);
    return BigInt(c) - (minus ? 1n : 0n);
  }

  private checks(c: YnlChecks, where: string): AttrChecks {
    const out: AttrChecks = {};
    if (c.min !== undefined) out.min = this.limit(c.min, `${where}.checks.min`);
    if (c.max !== undefined) out.max = this.limit(c.max, `${where}.checks.max`);
    if (c['min-len'] !== undefined) out.minLen = this.len(c['min-len'], `${where}.checks.min-len`);
    if (c['max-len'] !== undefined) out.maxLen = this.len(c['max-len'], `${where}.checks.max-len`);
    if (c['exact-len'] !== undefined) out.exactLen = this.len(c['exact-len'], `${where}.checks.exact-len`);
    return out;
  }

  private struct(name: string, where: string): StructDef {
    const built = this.structs.get(name);
    if (built) return built;
    const d = this.pendingStructs.get(name);
    if (!d) throw new YnlSpecError(where, `no struct definition named '${name}'`);
    // Built on first use; deleting first turns a struct that contains itself into an error.
    this.pendingStructs.delete(name);
    this.definition(d);
    return this.structs.get(name)!;
  }

  private flagsOf(name: string, asFlags: boolean, where: string): { enum?: EnumDef; flags?: FlagsDef } {
    const e = this.enums.get(name);
    if (!e) throw new YnlSpecError(where, `no enum definition named '${name}'`);
    if (e.kind === 'flags') return { flags: e };
    if (!asFlags) return { enum: e };
    let f = this.enumAsFlags.get(name);
    if (!f) {
      const values: Record<string, number> = {};
      for (const [k, v] of Object.entries(e.values)) values[k] = 2 ** v;
      this.enumAsFlags.set(name, f = defineFlags(name, values));
    }
    return { flags: f };
  }

  // ---- attribute sets ---------------------------------------------------------------------------

  /** Attribute ids: explicit `value`s, implicit ones counting on from the previous (from 1). */
  private layoutSets(): void {
    const all = this.spec['attribute-sets'];
    for (const s of all) {
      if (s['subset-of'] !== undefined) continue;
      let next = 1;
      this.layouts.set(s.name, s.attributes.map((attr) => {
        const id = attr.value ?? next;
        next = id + 1;
        return { attr, id };
      }));
    }
    for (const s of all) {
      const parentName = s['subset-of'];
      if (parentName === undefined) continue;
      const parent = this.layouts.get(parentName);
      if (!parent) throw new YnlSpecError(`attribute-sets.${s.name}`, `subset of unknown set '${parentName}'`);
      this.layouts.set(s.name, s.attributes.map((elem) => {
        const real = parent.find((p) => p.attr.name === elem.name);
        if (!real) throw new YnlSpecError(`attribute-sets.${s.name}.${elem.name}`, `not an attribute of '${parentName}'`);
        return { attr: { ...real.attr, ...elem }, id: real.id };
      }));
    }
  }

  private setRef(name: string | undefined, where: string): AttrSetRef {
    if (!name) throw new YnlSpecError(where, 'needs nested-attributes');
    this.wanted.push([name, where]);
    return () => {
      const s = this.sets.get(name);
      if (!s) throw new YnlSpecError(where, `no attribute set named '${name}'`);
      return s;
    };
  }
  private checkRefs(): void {
    for (const [name, where] of this.wanted) if (!this.sets.has(name)) throw new YnlSpecError(where, `no attribute set named '${name}'`);
  }

  private buildSet(s: YnlAttrSet): void {
    const attrs: Record<string, AttrDef> = {};
    const meta = new Map<string, AttrMeta>();
    for (const { attr, id } of this.layouts.get(s.name)!) {
      const where = `attribute-sets.${s.name}.${attr.name}`;
      if (attr.type === 'unused' || attr.type === undefined) continue;
      const m: AttrMeta = { type: attr.type, spec: attr };
      if (attr.enum) Object.assign(m, this.flagsOf(attr.enum, attr['enum-as-flags'] === true, where));
      if (attr['display-hint']) m.hint = attr['display-hint'];
      if (attr.checks) m.checks = this.checks(attr.checks, where);
      if (attr.type === 'pad') m.pad = true;
      const def = this.attr(attr, id, m, where);
      attrs[attr.name] = attr['multi-attr'] ? { ...def, multi: true } : def;
      meta.set(attr.name, m);
    }
    let set: AttrSet;
    try {
      set = attrSet(s.name, attrs);
    } catch (e) {
      throw new YnlSpecError(`attribute-sets.${s.name}`, (e as Error).message);
    }
    this.sets.set(s.name, set);
    this.meta.set(set, meta);
  }

  private attr(a: YnlAttr, id: number, m: AttrMeta, where: string): AttrDef {
    const be = a['byte-order'] === 'big-endian' ? { byteOrder: 'big-endian' as const } : {};
    const doc = a.doc ? { doc: a.doc } : {};
    switch (a.type) {
      case 'u8': case 'u16': case 'u32': case 's8': case 's16': case 's32':
        if (a.type === 'u32' && m.hint === 'ipv4' && be.byteOrder) return { id, type: 'ipv4', ...doc };
        return { id, type: a.type, ...be, ...(m.enum ? { enum: m.enum } : {}), ...(m.flags ? { flags: m.flags } : {}), ...doc };
      case 'u64': case 's64': case 'uint': case 'sint':
        return { id, type: a.type, ...be, ...doc };
      case 'string': return { id, type: 'string', ...doc };
      case 'flag': return { id, type: 'flag', ...doc };
      case 'pad': return { id, type: 'binary', ...doc };
      case 'bitfield32': return { id, type: 'bitfield32', ...doc };
      case 'binary': {
        if (a.struct) return { id, type: 'struct', struct: this.struct(a.struct, where), ...doc };
        const sub = a['sub-type'];
        if (sub && SCALARS.has(sub) && sub !== 'uint' && sub !== 'sint') return { id, type: 'array', item: sub as ScalarType, ...doc };
        // Display hints are applied when presenting, by length as the kernel's CLI does (an ipv4
        // hint on 16 bytes shows an IPv6 address): the engine keeps the bytes.
        return { id, type: 'binary', ...doc };
      }
      case 'nest':
        return { id, type: 'nest', set: this.setRef(a['nested-attributes'], where), ...doc };
      case 'indexed-array': case 'array-nest': {
        const sub = a.type === 'array-nest' ? 'nest' : a['sub-type'] ?? 'nest';
        if (sub === 'nest') return { id, type: 'custom', codec: indexedNestCodec(this.setRef(a['nested-attributes'], where)), ...doc } as AttrDef;
        if (SCALARS.has(sub)) return { id, type: 'indexed-array', item: sub as ScalarType, ...doc };
        if (sub === 'binary') return { id, type: 'custom', codec: binaryArrayCodec, ...doc } as AttrDef;
        throw new YnlSpecError(where, `indexed-array of '${sub}' is not supported`);
      }
      case 'nest-type-value':
        return { id, type: 'custom', codec: nestTypeValueCodec(a['type-value'] ?? [], this.setRef(a['nested-attributes'], where)), ...doc } as AttrDef;
      case 'sub-message': {
        const name = a['sub-message'];
        const sm = (this.spec['sub-messages'] ?? []).find((x) => x.name === name);
        if (!sm) throw new YnlSpecError(where, `no sub-message named '${String(name)}'`);
        if (!a.selector) throw new YnlSpecError(where, 'a sub-message needs a selector');
        const formats: Record<string, AttrSetRef | StructDef> = {};
        for (const f of sm.formats) {
          // A header followed by attributes (netem) stays bytes here; present() decodes both.
          if (f['attribute-set'] && f['fixed-header']) continue;
          if (f['attribute-set']) formats[String(f.value)] = this.setRef(f['attribute-set'], `sub-messages.${sm.name}.${f.value}`);
          else if (f['fixed-header']) formats[String(f.value)] = this.struct(f['fixed-header'], `sub-messages.${sm.name}.${f.value}`);
        }
        return { id, type: 'sub-message', selector: a.selector, formats, ...doc };
      }
      default:
        throw new YnlSpecError(where, `unsupported attribute type '${String(a.type)}'`);
    }
  }

  // ---- operations ---------------------------------------------------------------------------------

  private operations(fixedHeader: StructDef | undefined): { family: GenlFamilyDef; ops: YnlOpInfo[] } {
    const spec = this.spec;
    const o = spec.operations;
    const directional = o['enum-model'] === 'directional';
    const prefix = o['name-prefix'] ?? `${spec.name}-cmd-`;
    const asyncPrefix = o['async-prefix'] ?? prefix;
    const ops: Record<string, GenlOp> = {};
    const events: Record<string, GenlEvent> = {};
    const infos: YnlOpInfo[] = [];
    const byName = new Map(o.list.map((op) => [op.name, op]));
    const groups = (spec['mcast-groups']?.list ?? []);
    let req = 1, rsp = 1;
    for (const op of o.list) {
      const where = `operations.${op.name}`;
      const isEvent = op.notify !== undefined || op.event !== undefined;
      const call = op.do ?? op.dump;
      // Message ids: one counter (unified), or one per direction (directional).
      let reqValue: number | undefined, rspValue: number;
      if (!directional) {
        if (op.value !== undefined) rsp = op.value;
        reqValue = rspValue = rsp;
        rsp += 1;
      } else if (isEvent) {
        if (op.value !== undefined) rsp = op.value;
        reqValue = undefined;
        rspValue = rsp;
        rsp += 1;
      } else if (call) {
        if (call.request?.value) req = call.request.value;
        if (call.reply?.value) rsp = call.reply.value;
        reqValue = req;
        rspValue = rsp;
        req += 1;
        rsp += call.reply ? 1 : 0;
      } else {
        throw new YnlSpecError(where, 'an operation needs do, dump, notify or event (directional model)');
      }
      const setName = op['attribute-set'] ?? (op.notify ? byName.get(op.notify)?.['attribute-set'] : undefined);
      // A placeholder (fou's and mptcp_pm's 'unspec' = 0) only reserves its id, as in the kernel's CLI.
      if (!setName && !call && !isEvent) continue;
      if (!setName) throw new YnlSpecError(where, 'no attribute-set (nor a notify target that has one)');
      const set = this.sets.get(setName);
      if (!set) throw new YnlSpecError(where, `no attribute set named '${setName}'`);
      const info: YnlOpInfo = { name: op.name, enumName: '', kind: isEvent ? 'notification' : 'call', attributeSet: setName };
      if (op.doc) info.doc = op.doc.trim();
      if (op.flags) info.flags = op.flags;
      if (op.mcgrp) info.mcgrp = op.mcgrp;
      if (isEvent) {
        const ev: GenlEvent = { cmd: rspValue, attrs: set, enumName: constantCase(asyncPrefix + op.name), ...(op.mcgrp ? { group: op.mcgrp } : {}) };
        events[op.name] = ev;
        info.enumName = ev.enumName!;
        info.reply = rspValue;
      } else if (call && reqValue !== undefined) {
        const hasReply = Boolean(op.do?.reply ?? op.dump?.reply);
        const g: { -readonly [K in keyof GenlOp]: GenlOp[K] } = { cmd: reqValue, attrs: set, enumName: constantCase(prefix + op.name) };
        if (hasReply) g.reply = rspValue;
        if (op.do) g.do = mode(op.do);
        if (op.dump) g.dump = mode(op.dump);
        if (op.flags) g.flags = op.flags;
        if (op['fixed-header'] && spec.protocol === 'netlink-raw') g.fixedHeader = this.struct(op['fixed-header'], where);
        if (op.doc) g.doc = op.doc.trim();
        ops[op.name] = g;
        Object.assign(info, { enumName: g.enumName, request: reqValue, ...(hasReply ? { reply: rspValue } : {}), ...(g.do ? { do: g.do } : {}), ...(g.dump ? { dump: g.dump } : {}) });
      } else {
        continue; // a reserved id
      }
      infos.push(info);
    }
    const family: GenlFamilyDef = {
      kind: 'genl-family',
      name: spec.name,
      version: spec.version ?? 1,
      ops, events,
      mcastGroups: groups.map((g) => g.name),
      ...(fixedHeader ? { fixedHeader } : {}),
      ...(spec.doc ? { doc: spec.doc.trim() } : {}),
      ...(spec.protocol === 'netlink-raw' ? { raw: { protocol: spec.protonum!, groups: Object.fromEntries(groups.filter((g) => g.value !== undefined).map((g) => [g.name, g.value!])) } } : {}),
    };
    return { family, ops: infos };
  }
}

function mode(m: YnlMode): GenlOpMode {
  return {
    ...(m.request?.attributes ? { request: m.request.attributes } : {}),
    ...(m.reply?.attributes ? { reply: m.reply.attributes } : {}),
  };
}
