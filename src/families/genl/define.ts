// Generic netlink family declarations on top of the engine: operations (request and reply
// commands, attribute set, do/dump), notifications and multicast groups. The shipped TS
// declarations (ethtool.ts, netdev.ts, ...) and the runtime YNL specs (src/ynl) both produce a
// GenlFamilyDef, and GenlClient drives either. A family whose messages are classic netlink
// (YNL's netlink-raw, e.g. rtnetlink specs) is described the same way with `raw` set: the
// message type is then the command, and there is no genlmsghdr.
import { NLM_F, Protocol } from '../../core/constants.js';
import type { MessageHeader } from '../../core/header.js';
import { defineStruct } from '../../schema/define.js';
import type { MessageDef, MessageFamily } from '../../schema/family.js';
import type { AttrSet, StructDef, StructField } from '../../schema/types.js';
import { genlmsghdr } from './static.js';

/** What one mode (do or dump) of an operation carries; attribute names are informational. */
export interface GenlOpMode {
  readonly request?: readonly string[];
  readonly reply?: readonly string[];
}

/** One operation: the command of requests, the command of replies, and their attribute set. */
export interface GenlOp<S extends AttrSet = AttrSet> {
  /** genlmsghdr.cmd of requests (the message type for netlink-raw families). */
  readonly cmd: number;
  /** genlmsghdr.cmd of replies; absent when the operation sends none. */
  readonly reply?: number;
  readonly attrs: S;
  readonly do?: GenlOpMode;
  readonly dump?: GenlOpMode;
  /** The C name, used to name errors ('ETHTOOL_MSG_LINKINFO_GET'). */
  readonly enumName?: string;
  /** netlink-raw: the fixed header of this operation's messages, when it differs from the family's. */
  readonly fixedHeader?: StructDef;
  readonly flags?: readonly string[];
  readonly doc?: string;
}

/** A notification (kernel to user, usually multicast). */
export interface GenlEvent<S extends AttrSet = AttrSet> {
  readonly cmd: number;
  readonly attrs: S;
  /** Multicast group that carries it. */
  readonly group?: string;
  readonly enumName?: string;
  readonly doc?: string;
}

/** A family's operations, by name. */
export type GenlOps = Readonly<Record<string, GenlOp>>;
/** A family's notifications, by name. */
export type GenlEvents = Readonly<Record<string, GenlEvent>>;

/** A declared generic netlink family: its name, version, operations, notifications and multicast groups. Bind it with {@link GenericNetlink.bind}. */
export interface GenlFamilyDef<O extends GenlOps = GenlOps, E extends GenlEvents = GenlEvents> {
  readonly kind: 'genl-family';
  /** The kernel's family name ('ethtool', 'tcp_metrics'). */
  readonly name: string;
  /** genlmsghdr.version sent in requests. */
  readonly version: number;
  readonly ops: O;
  readonly events: E;
  readonly mcastGroups: readonly string[];
  /** A protocol header after genlmsghdr (YNL genetlink-legacy `fixed-header`). */
  readonly fixedHeader?: StructDef;
  /** Classic netlink instead of generic: protocol number and multicast group numbers. */
  readonly raw?: { readonly protocol: number; readonly groups: Readonly<Record<string, number>> };
  readonly doc?: string;
}

/** Declares a generic netlink family (the types of its ops and events stay precise for the typed client). */
export function defineGenlFamily<const O extends GenlOps, const E extends GenlEvents = Record<never, GenlEvent>>(f: {
  name: string; version?: number; ops: O; events?: E; mcastGroups?: readonly string[]; fixedHeader?: StructDef;
  /** Prefix of the C names of the commands, e.g. 'ETHTOOL_MSG_': ops without enumName get one. */
  enumPrefix?: string; doc?: string;
}): GenlFamilyDef<O, E> {
  const withNames = <T extends GenlOp | GenlEvent>(r: Readonly<Record<string, T>>): Record<string, T> => {
    const out: Record<string, T> = {};
    for (const [k, v] of Object.entries(r)) {
      out[k] = v.enumName || !f.enumPrefix ? v : { ...v, enumName: f.enumPrefix + constantCase(k) };
    }
    return out;
  };
  return {
    kind: 'genl-family',
    name: f.name,
    version: f.version ?? 1,
    ops: withNames(f.ops) as O,
    events: withNames(f.events ?? {}) as E,
    mcastGroups: f.mcastGroups ?? [],
    ...(f.fixedHeader ? { fixedHeader: f.fixedHeader } : {}),
    ...(f.doc ? { doc: f.doc } : {}),
  };
}

/** 'linkinfoGet' or 'linkinfo-get' → 'LINKINFO_GET'. */
export function constantCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-\s.]/g, '_').toUpperCase();
}

/**
 * A get-style operation: replies with the same attribute set. `reply` defaults to `cmd`
 * (families whose two directions are numbered apart, like ethtool, give it).
 */
export function getOp<S extends AttrSet>(cmd: number, attrs: S, opts: { reply?: number; dump?: boolean; do?: boolean; doc?: string } = {}): GenlOp<S> {
  return {
    cmd, reply: opts.reply ?? cmd, attrs,
    ...(opts.do === false ? {} : { do: {} }),
    ...(opts.dump === false ? {} : { dump: {} }),
    ...(opts.doc ? { doc: opts.doc } : {}),
  };
}

/** A set/act-style operation: a request, answered by an ACK (or by a reply when `reply` is given). */
export function setOp<S extends AttrSet>(cmd: number, attrs: S, opts: { reply?: number; doc?: string } = {}): GenlOp<S> {
  return { cmd, attrs, do: {}, ...(opts.reply !== undefined ? { reply: opts.reply } : {}), ...(opts.doc ? { doc: opts.doc } : {}) };
}

/** A notification: its command, attributes and the multicast group that carries it. */
export function event<S extends AttrSet>(cmd: number, attrs: S, group?: string): GenlEvent<S> {
  return group ? { cmd, attrs, group } : { cmd, attrs };
}

/** genlmsghdr followed by a family's own fixed header, as one struct. */
export function genlHeader(fixed?: StructDef): StructDef {
  if (!fixed) return genlmsghdr;
  const fields: StructField[] = [...genlmsghdr.fields, ...fixed.fields];
  return defineStruct(`genlmsghdr+${fixed.name}`, fields);
}

/**
 * The MessageFamily of a family once its id is known (the message type of genl families), so
 * that decode(), pcap files and sockets name every message and attribute. genlmsghdr.cmd (and
 * the direction) selects the operation: requests by request command; kernel messages by reply
 * command, with multicast ones (seq 0) looked up among notifications first.
 */
export function familyMessages(def: GenlFamilyDef, familyId: number): FamilyMessages {
  let byId = memo.get(def);
  if (!byId) memo.set(def, byId = new Map());
  let m = byId.get(familyId);
  if (!m) byId.set(familyId, m = buildFamilyMessages(def, familyId));
  return m;
}

/** A family's message declarations once its id is known (for decode(), sockets and pcaps). */
export interface FamilyMessages {
  family: MessageFamily;
  /** Operation name → the declaration its requests are built with. */
  requests: Map<string, MessageDef>;
}

/** One MessageFamily per (declaration, id), so sockets and clients share declarations. */
const memo = new WeakMap<GenlFamilyDef, Map<number, FamilyMessages>>();

function buildFamilyMessages(def: GenlFamilyDef, familyId: number): FamilyMessages {
  const requests = new Map<string, MessageDef>();
  const dirs: Directions = { req: new Map(), rsp: new Map(), ntf: new Map() };
  const add = (map: Map<number, MessageDef>, key: number, m: MessageDef): void => { if (!map.has(key)) map.set(key, m); };
  if (def.raw) {
    // Classic netlink: the message type is the command; each type gets a declaration of its own.
    const headers = new Map<number, StructDef | undefined>();
    for (const [name, op] of Object.entries(def.ops)) {
      const header = op.fixedHeader ?? def.fixedHeader;
      const m: MessageDef = { name, type: op.cmd, header, attrs: op.attrs };
      requests.set(name, m);
      add(dirs.req, op.cmd, m);
      if (!headers.has(op.cmd)) headers.set(op.cmd, header);
      if (op.reply !== undefined) {
        add(dirs.rsp, op.reply, { ...m, type: op.reply });
        if (!headers.has(op.reply)) headers.set(op.reply, header);
      }
    }
    for (const [name, ev] of Object.entries(def.events)) {
      add(dirs.ntf, ev.cmd, { name, type: ev.cmd, header: def.fixedHeader, attrs: ev.attrs });
      if (!headers.has(ev.cmd)) headers.set(ev.cmd, def.fixedHeader);
    }
    const messages: MessageDef[] = [...headers].map(([type, header]) => ({
      name: (dirs.rsp.get(type) ?? dirs.req.get(type) ?? dirs.ntf.get(type))!.name, type, header, attrs: undefined,
      select: (_fixed, h) => pick(dirs, type, h),
    }));
    return { family: { name: def.name, protocol: def.raw.protocol, messages }, requests };
  }
  // Generic netlink: one message type (the family id); genlmsghdr.cmd selects the operation.
  const header = genlHeader(def.fixedHeader);
  for (const [name, op] of Object.entries(def.ops)) {
    const m: MessageDef = { name, type: familyId, header, attrs: op.attrs };
    requests.set(name, m);
    add(dirs.req, op.cmd, m);
    if (op.reply !== undefined) add(dirs.rsp, op.reply, m);
  }
  for (const [name, ev] of Object.entries(def.events)) add(dirs.ntf, ev.cmd, { name, type: familyId, header, attrs: ev.attrs });
  const base: MessageDef = {
    name: def.name, type: familyId, header, attrs: undefined,
    select: (fixed, h) => pick(dirs, Number(fixed.cmd), h),
  };
  return { family: { name: def.name, protocol: Protocol.GENERIC, messages: [base], defaultHeaderSize: header.size }, requests };
}

/** Declarations by command, per direction (requests, replies, notifications). */
interface Directions { req: Map<number, MessageDef>; rsp: Map<number, MessageDef>; ntf: Map<number, MessageDef> }

function pick(d: Directions, cmd: number, h: MessageHeader): MessageDef | undefined {
  if (h.flags & NLM_F.REQUEST) return d.req.get(cmd);
  // A kernel message of a command that has no reply nor notification declared (rtnetlink's
  // RTM_DELLINK notification) has the request's layout.
  return (h.seq === 0 ? d.ntf.get(cmd) ?? d.rsp.get(cmd) : d.rsp.get(cmd) ?? d.ntf.get(cmd)) ?? d.req.get(cmd);
}
