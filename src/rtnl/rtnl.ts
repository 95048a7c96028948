// Rtnl: the rtnetlink verbs (what `ip link|addr|route|neigh|rule|nexthop` do), over NetlinkSocket,
// in any network namespace. Reads return typed objects; changes return when the kernel ACKs and
// reject with NetlinkError carrying the kernel's message.
import { parseIP, parsePrefix } from '../core/addr.js';
import { NLM_F, Protocol } from '../core/constants.js';
import { NetlinkError } from '../core/errors.js';
import { enumValue } from '../schema/define.js';
import { buildMessage, compileFamily, type DecodedMessage, type MessageDef } from '../schema/family.js';
import type { StructDef, AttrSet } from '../schema/types.js';
import {
  rtnetlinkMessages as M, rtnetlink, rtProtocol, rtScope, rtTable, rtnType, nudState, frAction, macvlanMode,
} from '../families/route/index.js';
import { NetlinkSocket, type BatchOptions, type BatchResult, type CaptureSink, type SubscriptionItem } from '../socket/netlink-socket.js';
import type { Encodable } from '../core/attr.js';
import { ipv4At, ROUTE_CHANGE_WIRE, RouteWire, type RouteChangeOp } from './route-wire.js';
import { jsonSafe } from '../core/json.js';
import { ColumnExtractor, ownedTable, type ColumnEngine, type ColumnTable } from '../schema/columns.js';
import { MessageViews, type MessageView } from '../schema/view.js';
import { appendViewsIndexed, decodeEach, decodeEachIndexed } from '../decode.js';
import { batchItems } from '../core/batch-items.js';
import { batchStream } from '../socket/batch-stream.js';
import type { WalkIndex } from '../walk/index.js';
import type { Address, Link, Neighbour, Netconf, Nexthop, Nsid, Route, RtKind, RtObject, Rule } from './types.js';

const AF_INET = 2, AF_INET6 = 10, AF_UNSPEC = 0, AF_BRIDGE = 7;
const IFF_UP = 1;
const RT_TABLE_MAIN = 254;
const RTPROT_BOOT = 3;
const RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254;
const RTNH_F_ONLINK = 4;
const RTN_UNICAST = 1;
const IFA_F_NODAD = 0x02;

/** How {@link Rtnl.open} opens its socket. */
export interface RtnlOptions {
  /** Network namespace: a name from `ip netns`, a path (/proc/PID/ns/net) or an fd. */
  netns?: string | number;
  /** Request timeout in ms (default 30 s). */
  timeout?: number;
  /** Record traffic (e.g. a PcapWriter). */
  capture?: CaptureSink;
  /** SO_RCVBUF(FORCE) of the request socket, bytes (default 1 MiB: more requests in flight). */
  receiveBufferSize?: number;
  /** Flow-control window override (see NetlinkSocketOptions.replyWindow). */
  replyWindow?: number;
  /** Dumps read ahead on a thread-pool job while this thread decodes (see NetlinkSocketOptions.readAhead; default on). */
  readAhead?: boolean;
}

/** A network device by name ('eth0') or by interface index. */
export type Dev = string | number;
/** An address family by IP version: 4 (AF_INET) or 6 (AF_INET6). */
export type Family = 4 | 6;

/** Which routes {@link Rtnl.routes} and {@link Rtnl.routeStream} return; names are iproute2's (`table: 'main'`, `protocol: 'kernel'`, `type: 'unicast'`). */
export interface RouteFilter {
  family?: Family;
  /** Table id or name ('main', 'local', 'all'); default: all tables. */
  table?: number | string;
  protocol?: number | string;
  type?: number | string;
  dev?: Dev;
}

/** A link for {@link Rtnl.addLink}: its name and kind, with the kind's parameters. */
export interface LinkSpec {
  name: string;
  /** Link kind: 'veth', 'bridge', 'vxlan', 'macvlan', 'ifb', ... */
  type: string;
  /** veth: the peer's name (and namespace). */
  peer?: { name: string; netns?: string | number };
  mtu?: number;
  address?: string;
  master?: Dev;
  up?: boolean;
  /** Create the link directly in another namespace (name, path or fd). */
  netns?: string | number;
  /** vxlan parameters. */
  vxlan?: { id: number; local?: string; group?: string; remote?: string; port?: number; dev?: Dev; learning?: boolean; ttl?: number };
  /** macvlan: mode and parent device. */
  macvlan?: { mode?: 'private' | 'vepa' | 'bridge' | 'passthru' | 'source'; link: Dev };
  /** The lower device (IFLA_LINK): a vlan's or macsec's parent, a tunnel's underlying device. */
  link?: Dev;
  /** bridge: e.g. { stpState: 0 } with the linkinfo-bridge attribute names. */
  data?: Record<string, unknown>;
}

/** Changes for {@link Rtnl.setLink}; absent fields stay as they are. */
export interface LinkChanges {
  up?: boolean;
  mtu?: number;
  name?: string;
  address?: string;
  /** A bridge to enslave to, or null to leave the current master (nomaster). */
  master?: Dev | null;
  /** Move the link to another namespace (name, path or fd). */
  netns?: string | number;
  alias?: string;
  txqlen?: number;
  /** Kind-specific changes (`ip link set DEV type KIND ...`): IFLA_LINKINFO with this kind and data. */
  kind?: { type: string; data?: Record<string, unknown> };
}

/** Optional parameters of an address for {@link Rtnl.addAddress} and {@link Rtnl.replaceAddress} (lifetimes in seconds). */
export interface AddressOptions {
  validLifetime?: number;
  preferredLifetime?: number;
  label?: string;
  broadcast?: string;
  /** Point-to-point peer address. */
  peer?: string;
  noDad?: boolean;
  metric?: number;
}

/** A route for {@link Rtnl.addRoute} and the other route changes, in iproute2's terms. */
export interface RouteSpec {
  /** 'default' or a prefix ('10.0.0.0/8', '2001:db8::/32'); a bare address is a host route. */
  dst: string;
  gateway?: string;
  dev?: Dev;
  table?: number | string;
  metric?: number;
  protocol?: number | string;
  scope?: number | string;
  /** 'unicast' (default), 'blackhole', 'unreachable', 'prohibit', 'local', 'broadcast', ... */
  type?: string;
  prefsrc?: string;
  src?: string;
  nhid?: number;
  multipath?: Array<{ gateway?: string; dev?: Dev; weight?: number; onlink?: boolean }>;
  /** RTNH_F_ONLINK (`ip route ... onlink`): the gateway is on the link even if no prefix says so. */
  onlink?: boolean;
  /** RTAX_* by attribute name: { mtu: 1400, advmss: 1360, hoplimit: 64 } */
  metrics?: Record<string, number | string>;
  /** IPv6 router preference: 'low' | 'medium' | 'high'. */
  pref?: 'low' | 'medium' | 'high';
}

/** A neighbour (ARP or NDP) entry for {@link Rtnl.addNeighbour} and the other neighbour changes. */
export interface NeighbourSpec {
  dst: string;
  dev: Dev;
  lladdr?: string;
  /** 'permanent' (default for add), 'reachable', 'stale', 'noarp', ... */
  state?: string;
  router?: boolean;
  proxy?: boolean;
}

/** A policy routing rule for {@link Rtnl.addRule} and {@link Rtnl.deleteRule}, in `ip rule` terms. */
export interface RuleSpec {
  family?: Family;
  priority?: number;
  from?: string;
  to?: string;
  table?: number | string;
  iif?: string;
  oif?: string;
  fwmark?: number;
  fwmask?: number;
  /** 'to_tbl' (default when a table is given), 'goto', 'nop', 'blackhole', 'unreachable', 'prohibit'. */
  action?: string;
  goto?: number;
  ipproto?: number;
  sport?: number | [number, number];
  dport?: number | [number, number];
  uidrange?: [number, number];
  suppressPrefixlength?: number;
  protocol?: number | string;
  tos?: number;
}

/** A nexthop object (or group) for {@link Rtnl.addNexthop}. */
export interface NexthopSpec {
  id: number;
  gateway?: string;
  dev?: Dev;
  blackhole?: boolean;
  fdb?: boolean;
  group?: Array<{ id: number; weight?: number }>;
  /** A resilient group with this many buckets. */
  resilient?: { buckets: number; idleTimer?: number; unbalancedTimer?: number };
  protocol?: number | string;
  family?: Family;
}

/** The object kinds {@link Rtnl.monitor} can watch. */
export type MonitorKind = 'link' | 'address' | 'route' | 'neighbour' | 'rule' | 'nexthop' | 'netconf' | 'nsid';

/**
 * A change the kernel announced: a union by `kind`, so `ev.kind === 'link'` narrows `ev.object`
 * to {@link Link}.
 */
export type RouteEvent<T extends RtObject = RtObject> = T extends RtObject ? {
  action: 'new' | 'del';
  kind: T['kind'];
  object: T;
  /** Multicast group it came on. */
  group: number;
  /** Set for events of a peer namespace (with listenAllNsid). */
  nsid?: number;
} : never;
/** Events were lost (the kernel dropped them: ENOBUFS); with `resync`, a fresh state follows. */
export interface MonitorOverrun { action: 'overrun'; reason: string }
/** The current state of a kind after an overrun (monitor `resync: true`). */
export type MonitorResync = { [K in MonitorKind]: { action: 'resync'; kind: K; objects: Array<Extract<RtObject, { kind: K }>> } }[MonitorKind];
/** What {@link Rtnl.monitor} yields: a change, an overrun, or the state after an overrun. */
export type MonitorItem = RouteEvent | MonitorOverrun | MonitorResync;

/** How a monitor reads: its signal, and whether an overrun brings a resync snapshot. */
export interface MonitorOptions {
  /**
   * After each overrun, a fresh dump per kind ('resync' items). Contract: events received before
   * the overrun are dropped, so none arrives after the resync; a consumer that replaces its state
   * with each resync snapshot and applies the events that follow ends equal to the kernel.
   */
  resync?: boolean;
  /** SO_RCVBUF(FORCE) of the monitor socket (default 4 MiB). */
  receiveBufferSize?: number;
  /** Events read ahead of the consumer before reading stops (default 50,000). */
  highWaterMark?: number;
  signal?: AbortSignal;
  families?: Family[];
}

/** One change of a batch (`Rtnl.batch`): the verb's name and its arguments. */
export type RtChange =
  | { op: RouteChangeOp; route: RouteSpec }
  | { op: 'addAddress' | 'replaceAddress' | 'changeAddress' | 'deleteAddress'; dev: Dev; address: string; options?: AddressOptions }
  | { op: 'addNeighbour' | 'replaceNeighbour' | 'changeNeighbour' | 'deleteNeighbour'; neighbour: NeighbourSpec }
  | { op: 'addRule' | 'deleteRule'; rule: RuleSpec }
  | { op: 'deleteLink'; dev: Dev }
  | { op: 'deleteNexthop'; id: number };

/** Per-call options of every verb. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Milliseconds (default: the Rtnl's timeout). */
  timeout?: number;
}

/** Options of dump verbs: a dump the kernel flags interrupted (NLM_F_DUMP_INTR) is re-run. */
export interface ReadOptions extends CallOptions {
  /** Re-runs of an interrupted dump (default 3). If it is still interrupted, `onInterrupted` decides. */
  retryInterrupted?: number;
  /** 'accept' (default): return the last (possibly inconsistent) result; 'throw': reject with DumpInterruptedError. */
  onInterrupted?: 'accept' | 'throw';
}

/** A dump stayed interrupted (the table kept changing) after the retries. */
export class DumpInterruptedError extends Error {
  override readonly name = 'DumpInterruptedError';
  readonly code = 'EINTR';
  constructor(operation: string, attempts: number) {
    super(`${operation}: the dump was interrupted by concurrent changes ${attempts} times (NLM_F_DUMP_INTR)`);
  }
}

/** rtnetlink multicast groups (RTNLGRP_*) per object kind. */
export const MONITOR_GROUPS: Record<MonitorKind, number[]> = {
  link: [1],
  address: [5, 9],
  route: [7, 11],
  neighbour: [3],
  rule: [8, 19],
  nexthop: [32],
  netconf: [24, 25],
  nsid: [28],
};

/** The columns routeColumns() fills unless told otherwise. */
export const DEFAULT_ROUTE_COLUMNS: readonly string[] = [
  'header.family', 'header.dstLen', 'header.table', 'header.protocol', 'header.scope', 'header.type', 'table', 'dst', 'gateway', 'oif', 'priority', 'prefsrc',
];

function familyNumber(f: Family | undefined): number {
  return f === 4 ? AF_INET : f === 6 ? AF_INET6 : AF_UNSPEC;
}
function addrFamily(a: string): number {
  return a.includes(':') ? AF_INET6 : AF_INET;
}

/** Turns a decoded data message into a typed object (or undefined for other messages). */
export function toRtObject(m: DecodedMessage): RtObject | undefined {
  if (m.kind !== 'data' || !m.def?.object) return undefined;
  const kind = m.def.object as RtKind;
  if (!['link', 'address', 'route', 'neighbour', 'rule', 'nexthop', 'netconf', 'nsid'].includes(kind)) return undefined;
  return new (entryClass(m.def))(kind, m.header ?? {}, m.attrs ?? {});
}

/**
 * The typed objects Rtnl returns: plain data (kind, the family header, the attributes) whose
 * JSON form writes 64-bit values as numbers (decimal strings past 2^53) and bytes as hex. `def`
 * (the declaration, for names()) is a getter, which neither JSON nor console.log shows.
 *
 * An entry is an instance of a small class per declaration, whose prototype carries `def` and
 * `toJSON`: `new` of a known class costs ~20 ns, a literal with `__proto__` a runtime call
 * (~100 ns, 0.1 s over a 1M-route dump).
 */
type EntryClass = new (kind: string, header: Record<string, unknown>, attrs: Record<string, unknown>) => RtObject;
const entryClasses = new WeakMap<MessageDef, EntryClass>();
const ENTRY_METHODS = {
  toJSON(this: RtObject): unknown { return jsonSafe({ kind: this.kind, header: this.header, attrs: this.attrs }); },
};
function entryClass(def: MessageDef): EntryClass {
  let c = entryClasses.get(def);
  if (c === undefined) {
    const E = class {
      declare kind: string;
      declare header: Record<string, unknown>;
      declare attrs: Record<string, unknown>;
      constructor(kind: string, header: Record<string, unknown>, attrs: Record<string, unknown>) { this.kind = kind; this.header = header; this.attrs = attrs; }
    };
    Object.setPrototypeOf(E.prototype, ENTRY_METHODS);
    // console.log shows a plain object, as for any data
    delete (E.prototype as { constructor?: unknown }).constructor;
    Object.defineProperty(E.prototype, 'def', { get: () => def });
    c = E as unknown as EntryClass;
    entryClasses.set(def, c);
  }
  return c;
}

const RT_KINDS = new Set<string>(['link', 'address', 'route', 'neighbour', 'rule', 'nexthop', 'netconf', 'nsid']);

/**
 * Decodes a datagram of rtnetlink messages into typed objects, appended to `out`; with the
 * socket's walker index of it, the bytes are not walked again.
 */
function collectObjects<T extends RtObject>(chunk: Uint8Array, out: T[], index?: WalkIndex): void {
  let lastDef: MessageDef | undefined, Entry: EntryClass | undefined;
  const each = (def: MessageDef, header: Record<string, unknown> | undefined, attrs: Record<string, unknown> | undefined): void => {
    const kind = def.object;
    if (kind === undefined || !RT_KINDS.has(kind)) return;
    if (def !== lastDef) { lastDef = def; Entry = entryClass(def); }
    out.push(new Entry!(kind, header ?? {}, attrs ?? {}) as T);
  };
  if (index) decodeEachIndexed(chunk, index, { family: rtnetlink }, each);
  else decodeEach(chunk, { family: rtnetlink }, each);
}

function tableNumber(t: number | string): number {
  return typeof t === 'number' ? t : enumValue(rtTable, t);
}

/** Device name or index -> index, for names resolved beforehand. */
type IndexOf = (dev: Dev) => number;

function routeDevs(s: RouteSpec): Array<Dev | undefined> {
  return [s.dev, ...(s.multipath ?? []).map((nh) => nh.dev)];
}

/**
 * The common IPv4 route change as a RouteWire (the header as routeMessage computes it), or
 * undefined for anything else (IPv6, via, multipath, metrics, an explicit type or scope, ...),
 * which takes the declared encoder.
 */
function fastRoute(type: number, flags: number, s: RouteSpec, forDelete: boolean, idx: IndexOf): RouteWire | undefined {
  if (s.type !== undefined || s.scope !== undefined || s.prefsrc !== undefined || s.src !== undefined || s.nhid !== undefined
    || s.multipath !== undefined || s.metrics !== undefined || s.pref !== undefined || s.onlink) return undefined;
  let dst = -1, dstLen = 0;
  const d = s.dst;
  if (d !== 'default' && d !== 'all') {
    const slash = d.indexOf('/');
    dst = ipv4At(d, 0, slash < 0 ? d.length : slash);
    if (dst < 0) return undefined;
    if (slash < 0) dstLen = 32;
    else {
      // One or two digits, no leading zero (anything else is left to parsePrefix).
      const digits = d.length - slash - 1;
      if (digits < 1 || digits > 2 || (digits === 2 && d.charCodeAt(slash + 1) === 48)) return undefined;
      for (let i = slash + 1; i < d.length; i++) {
        const c = d.charCodeAt(i);
        if (c < 48 || c > 57) return undefined;
        dstLen = dstLen * 10 + c - 48;
      }
      if (dstLen > 32) return undefined;
    }
  }
  let gateway = -1;
  if (s.gateway) { gateway = ipv4At(s.gateway, 0, s.gateway.length); if (gateway < 0) return undefined; }
  const m = s.metric;
  if (m !== undefined && !(Number.isInteger(m) && m >= 0 && m <= 0xffffffff)) return undefined;
  const oif = s.dev !== undefined ? idx(s.dev) : -1;
  if (!(Number.isInteger(oif) && oif >= -1 && oif <= 0x7fffffff)) return undefined;
  const table = s.table !== undefined ? tableNumber(s.table) : RT_TABLE_MAIN;
  if (!(Number.isInteger(table) && table >= 0 && table <= 0xffffffff)) return undefined;
  const protocol = s.protocol === undefined ? -1 : typeof s.protocol === 'number' ? s.protocol : enumValue(rtProtocol, s.protocol);
  if (s.protocol !== undefined && !(Number.isInteger(protocol) && protocol >= 0 && protocol <= 255)) return undefined;
  return new RouteWire().set(type, flags, forDelete, dst, dstLen, gateway, oif, m ?? -1, table, protocol);
}

function socketCall(call: CallOptions): { signal?: AbortSignal; timeout?: number } {
  return { ...(call.signal ? { signal: call.signal } : {}), ...(call.timeout !== undefined ? { timeout: call.timeout } : {}) };
}

/**
 * rtnetlink (NETLINK_ROUTE) over one socket: lists links, addresses, routes, neighbours, rules,
 * nexthops, netconf and nsids as typed objects, changes them (each change resolves on the
 * kernel's ACK and rejects with a NetlinkError carrying the kernel's message), and monitors
 * them. Open it with {@link Rtnl.open}, close it with {@link Rtnl.close} (or `using`).
 */
export class Rtnl implements AsyncDisposable {
  readonly socket: NetlinkSocket;
  private readonly opts: RtnlOptions;
  private readonly monitors = new Set<NetlinkSocket>();
  private closed = false;

  private constructor(socket: NetlinkSocket, opts: RtnlOptions) {
    this.socket = socket;
    this.opts = opts;
  }

  /** Opens an rtnetlink socket (strict checking on, so kernel-side filters work or fail loudly). */
  static open(opts: RtnlOptions = {}): Rtnl {
    const socket = NetlinkSocket.open({
      protocol: Protocol.ROUTE,
      family: rtnetlink,
      strict: true,
      ...(opts.netns !== undefined ? { netns: opts.netns } : {}),
      ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
      ...(opts.capture ? { capture: opts.capture } : {}),
      receiveBufferSize: opts.receiveBufferSize ?? 1 << 20,
      ...(opts.replyWindow !== undefined ? { replyWindow: opts.replyWindow } : {}),
      ...(opts.readAhead !== undefined ? { readAhead: opts.readAhead } : {}),
    });
    return new Rtnl(socket, opts);
  }

  /**
   * Rtnl verbs over a socket you opened (e.g. nlwire/testing's fake kernel). It is closed with
   * the Rtnl. Monitors still open sockets of their own (with `opts`).
   */
  static over(socket: NetlinkSocket, opts: RtnlOptions = {}): Rtnl {
    return new Rtnl(socket, opts);
  }

  /** Closes the socket and every monitor: their iterators end, pending calls reject. */
  close(): void {
    this.closed = true;
    this.socket.close();
    for (const m of [...this.monitors]) m.close();
    this.monitors.clear();
  }
  /** Closes it at the end of an `await using` block. */
  async [Symbol.asyncDispose](): Promise<void> { this.close(); }
  /** Closes it at the end of a `using` block. */
  [Symbol.dispose](): void { this.close(); }

  // ---- reading -----------------------------------------------------------------------------

  private async dumpObjects<T extends RtObject>(def: MessageDef, fixed: Record<string, unknown>, attrs: Record<string, unknown> = {}, call: ReadOptions = {}): Promise<T[]> {
    const msg = buildMessage(def as MessageDef<StructDef, AttrSet>, { flags: 0, header: fixed, attrs });
    const retries = call.retryInterrupted ?? 3;
    for (let attempt = 1; ; attempt++) {
      // Each datagram is decoded straight into objects: no intermediate message objects.
      const out: T[] = [];
      // the socket's index serves when it walked with these declarations' header sizes
      const own = this.socket.family === rtnetlink;
      const r = await this.socket.dumpRaw(msg, (chunk, index) => collectObjects(chunk, out, own ? index : undefined), socketCall(call));
      if (!r.interrupted) return out;
      if (attempt > retries) {
        if (call.onInterrupted === 'throw') throw new DumpInterruptedError(def.name, attempt);
        return out;
      }
    }
  }

  /** A dump as a stream; it cannot be re-run, so an interrupted one rejects at its end with onInterrupted 'throw'. */
  private streamObjects<T extends RtObject>(def: MessageDef, fixed: Record<string, unknown>, attrs: Record<string, unknown> = {}, call: ReadOptions = {}): AsyncGenerator<T, void, undefined> {
    return batchItems(this.streamBatches(def, fixed, attrs, (chunk, index) => { const out: T[] = []; collectObjects(chunk, out, index); return out; }, call));
  }

  /**
   * A dump handed over one batch per datagram (a hand-off per ~500 objects, not per object);
   * `map` turns a datagram into the batch while it is valid. Stopping early ends the dump.
   */
  private streamBatches<B>(def: MessageDef, fixed: Record<string, unknown>, attrs: Record<string, unknown>, map: (chunk: Uint8Array, index: WalkIndex) => B, call: ReadOptions = {}): AsyncGenerator<B, void, undefined> {
    const msg = buildMessage(def as MessageDef<StructDef, AttrSet>, { flags: 0, header: fixed, attrs });
    return batchStream(this.socket, msg, map, socketCall(call), (interrupted) => {
      if (interrupted && call.onInterrupted === 'throw') throw new DumpInterruptedError(def.name, 1);
    });
  }

  /** Resolves the device names among `devs` (concurrently, once each) into a lookup. */
  private async indexOf(devs: ReadonlyArray<Dev | undefined>, call: CallOptions = {}): Promise<IndexOf> {
    const names = [...new Set(devs.filter((d): d is string => typeof d === 'string' && !/^\d+$/.test(d)))];
    const found = new Map(await Promise.all(names.map(async (n) => [n, await this.ifindex(n, call)] as const)));
    return (d) => (typeof d === 'number' ? d : found.get(d) ?? Number(d));
  }

  /** Index of a device given by name or index (an index is returned as is). */
  async ifindex(dev: Dev, call: CallOptions = {}): Promise<number> {
    if (typeof dev === 'number') return dev;
    if (/^\d+$/.test(dev)) return Number(dev);
    return (await this.link(dev, call)).header.index;
  }

  /** All links; `kind` and `master` filter in the kernel. */
  async links(filter: { kind?: string; master?: Dev; family?: Family } = {}, call: ReadOptions = {}): Promise<Link[]> {
    const attrs: Record<string, unknown> = {};
    if (filter.kind) attrs.linkinfo = { kind: filter.kind };
    if (filter.master !== undefined) attrs.master = await this.ifindex(filter.master, call);
    // family 6 asks for the AF_INET6 link dump (per-device IPv6 state), as `ip -6` does.
    const links = await this.dumpObjects<Link>(M.RTM_GETLINK, { family: familyNumber(filter.family) }, attrs, call);
    return links.filter((l) => (!filter.kind || l.attrs.linkinfo?.kind === filter.kind));
  }
  /** Every link, streamed as the dump arrives (memory stays flat). */
  linkStream(call: ReadOptions = {}): AsyncGenerator<Link> { return this.streamObjects<Link>(M.RTM_GETLINK, {}, {}, call); }

  /** One link by name or index; rejects with NetlinkError ENODEV when there is none. */
  async link(dev: Dev, call: CallOptions = {}): Promise<Link> {
    const byIndex = typeof dev === 'number' || /^\d+$/.test(dev);
    const msg = buildMessage(M.RTM_GETLINK, {
      flags: 0,
      header: byIndex ? { index: Number(dev) } : {},
      attrs: byIndex ? { extMask: 1 } : { ifname: String(dev), extMask: 1 },
    });
    const r = await this.socket.request(msg, { idempotent: true, ...socketCall(call) });
    const o = r.messages.map(toRtObject).find((x) => x?.kind === 'link');
    if (!o) throw new NetlinkError(19, 'RTM_GETLINK', { message: `no device ${dev}` });
    return o as Link;
  }

  /** Addresses; `dev` and `family` filter in the kernel where it can, and again here. */
  async addresses(filter: { family?: Family; dev?: Dev } = {}, call: ReadOptions = {}): Promise<Address[]> {
    const index = filter.dev !== undefined ? await this.ifindex(filter.dev, call) : 0;
    const all = await this.dumpObjects<Address>(M.RTM_GETADDR, { family: familyNumber(filter.family), index }, {}, call);
    return all.filter((a) => (!index || a.header.index === index) && (!filter.family || a.header.family === familyNumber(filter.family)));
  }
  /** Every address (of one family if given), streamed as the dump arrives. */
  addressStream(family?: Family, call: ReadOptions = {}): AsyncGenerator<Address> { return this.streamObjects<Address>(M.RTM_GETADDR, { family: familyNumber(family) }, {}, call); }

  /** Routes; table/protocol/type/dev are filtered by the kernel (strict checking) and again here. */
  async routes(filter: RouteFilter = {}, call: ReadOptions = {}): Promise<Route[]> {
    const { fixed, attrs, keep } = await this.routeQuery(filter);
    try {
      const all = await this.dumpObjects<Route>(M.RTM_GETROUTE, fixed, attrs, call);
      return all.filter(keep);
    } catch (e) {
      // A namespace without routes has no main table yet: empty, as ip shows it.
      if (fixed.table === RT_TABLE_MAIN && e instanceof NetlinkError && e.code === 'ENOENT') return [];
      throw e;
    }
  }
  /** Routes as a stream (memory stays flat for tables of any size). */
  routeStream(filter: RouteFilter = {}, call: ReadOptions = {}): AsyncGenerator<Route, void, undefined> {
    return batchItems(this.routeBatchStream(filter, call));
  }

  /**
   * Routes as a stream of arrays, one a datagram read (memory stays flat): for a consumer that
   * does little a route (a JSON writer), where one async step a route would cost more than it.
   */
  async *routeBatchStream(filter: RouteFilter = {}, call: ReadOptions = {}): AsyncGenerator<Route[], void, undefined> {
    const { fixed, attrs, keep } = await this.routeQuery(filter);
    try {
      for await (const batch of this.streamBatches(M.RTM_GETROUTE, fixed, attrs, (chunk, index) => {
        const out: Route[] = [];
        collectObjects(chunk, out, index);
        return out.filter(keep);
      }, call)) {
        if (batch.length) yield batch;
      }
    } catch (e) {
      if (fixed.table === RT_TABLE_MAIN && e instanceof NetlinkError && e.code === 'ENOENT') return;
      throw e;
    }
  }

  /**
   * Routes as columns: one typed array per chosen field (family-header fields as `header.NAME`,
   * attributes by key), filled by the column extractor (WASM where it loads) as the dump arrives.
   * Rows are every route the kernel sends for the filter's family and table.
   */
  async routeColumns(filter: RouteFilter = {}, fields: readonly string[] = DEFAULT_ROUTE_COLUMNS, engine?: ColumnEngine, call: ReadOptions = {}): Promise<ColumnTable & { interrupted: boolean }> {
    const { fixed, attrs } = await this.routeQuery(filter);
    const x = new ColumnExtractor({ message: M.RTM_NEWROUTE, fields }, engine);
    const acc = x.collector();
    const msg = buildMessage(M.RTM_GETROUTE as MessageDef<StructDef, AttrSet>, { flags: 0, header: fixed, attrs });
    try {
      const r = await this.socket.dumpRaw(msg, (chunk) => acc.add(chunk), socketCall(call));
      return { ...acc.result(), interrupted: r.interrupted };
    } catch (e) {
      if (fixed.table === RT_TABLE_MAIN && e instanceof NetlinkError && e.code === 'ENOENT') return { ...acc.result(), interrupted: false };
      throw e;
    }
  }

  /** Routes as column batches, one per datagram (memory stays flat); each batch is the caller's to keep. */
  async *routeColumnStream(filter: RouteFilter = {}, fields: readonly string[] = DEFAULT_ROUTE_COLUMNS, engine?: ColumnEngine, call: ReadOptions = {}): AsyncGenerator<ColumnTable> {
    const { fixed, attrs } = await this.routeQuery(filter);
    const x = new ColumnExtractor({ message: M.RTM_NEWROUTE, fields }, engine);
    try {
      for await (const t of this.streamBatches(M.RTM_GETROUTE, fixed, attrs, (chunk) => ownedTable(x.extract(chunk)), call)) yield t;
    } catch (e) {
      if (!(fixed.table === RT_TABLE_MAIN && e instanceof NetlinkError && e.code === 'ENOENT')) throw e;
    }
  }

  /** Routes as a stream of lazy views. */
  routeViewStream(filter: RouteFilter = {}, call: ReadOptions = {}): AsyncGenerator<MessageView, void, undefined> {
    return batchItems(this.routeViewBatches(filter, call));
  }
  private async *routeViewBatches(filter: RouteFilter, call: ReadOptions): AsyncGenerator<MessageView[], void, undefined> {
    const { fixed, attrs } = await this.routeQuery(filter);
    try {
      for await (const batch of this.streamBatches(M.RTM_GETROUTE, fixed, attrs, (chunk, index) => { const list = new MessageViews(compileFamily(rtnetlink)); appendViewsIndexed(list, chunk.slice(), index); return list.toArray(); }, call)) yield batch;
    } catch (e) {
      if (!(fixed.table === RT_TABLE_MAIN && e instanceof NetlinkError && e.code === 'ENOENT')) throw e;
    }
  }

  /** Routes as lazy views: one offset per route until a route is read, then its fields decoded when read. */
  async routeViews(filter: RouteFilter = {}, call: ReadOptions = {}): Promise<MessageViews> {
    const { fixed, attrs } = await this.routeQuery(filter);
    const msg = buildMessage(M.RTM_GETROUTE as MessageDef<StructDef, AttrSet>, { flags: 0, header: fixed, attrs });
    const out = new MessageViews(compileFamily(rtnetlink));
    try {
      // each datagram is copied once; the list keeps the copies and one offset per route
      await this.socket.dumpRaw(msg, (chunk, index) => appendViewsIndexed(out, chunk.slice(), index), socketCall(call));
    } catch (e) {
      if (!(fixed.table === RT_TABLE_MAIN && e instanceof NetlinkError && e.code === 'ENOENT')) throw e;
    }
    return out;
  }

  private async routeQuery(f: RouteFilter): Promise<{ fixed: Record<string, unknown>; attrs: Record<string, unknown>; keep: (r: Route) => boolean }> {
    const fixed: Record<string, unknown> = { family: familyNumber(f.family) };
    const attrs: Record<string, unknown> = {};
    let table: number | undefined;
    if (f.table !== undefined && f.table !== 'all') {
      table = tableNumber(f.table);
      if (table < 256) fixed.table = table;
      else attrs.table = table;
    }
    const protocol = f.protocol !== undefined ? (typeof f.protocol === 'number' ? f.protocol : enumValue(rtProtocol, f.protocol)) : undefined;
    const type = f.type !== undefined ? (typeof f.type === 'number' ? f.type : enumValue(rtnType, f.type)) : undefined;
    if (protocol !== undefined) fixed.protocol = protocol;
    if (type !== undefined) fixed.type = type;
    const oif = f.dev !== undefined ? await this.ifindex(f.dev) : undefined;
    if (oif !== undefined) attrs.oif = oif;
    const fam = familyNumber(f.family);
    const keep = (r: Route): boolean =>
      (!fam || r.header.family === fam) &&
      (table === undefined || (r.attrs.table ?? r.header.table) === table) &&
      (protocol === undefined || r.header.protocol === protocol) &&
      (type === undefined || r.header.type === type) &&
      (oif === undefined || r.attrs.oif === oif || (r.attrs.multipath ?? []).some((nh) => nh.ifindex === oif));
    return { fixed, attrs, keep };
  }

  /** Neighbour (ARP/NDP) entries, of one family or device if given. */
  async neighbours(filter: { family?: Family; dev?: Dev } = {}, call: ReadOptions = {}): Promise<Neighbour[]> {
    const ifindex = filter.dev !== undefined ? await this.ifindex(filter.dev, call) : 0;
    // The device filter is NDA_IFINDEX: strict checking refuses a non-zero ndm_ifindex in a dump.
    const all = await this.dumpObjects<Neighbour>(M.RTM_GETNEIGH, { family: familyNumber(filter.family) }, ifindex ? { ifindex } : {}, call);
    return all.filter((n) => !ifindex || n.header.ifindex === ifindex);
  }

  /** Every neighbour entry (of one family if given), streamed as the dump arrives. */
  neighbourStream(family?: Family, call: ReadOptions = {}): AsyncGenerator<Neighbour> { return this.streamObjects<Neighbour>(M.RTM_GETNEIGH, { family: familyNumber(family) }, {}, call); }
  /** Every policy routing rule (of one family if given), streamed as the dump arrives. */
  ruleStream(family?: Family, call: ReadOptions = {}): AsyncGenerator<Rule> { return this.streamObjects<Rule>(M.RTM_GETRULE, { family: familyNumber(family) }, {}, call); }
  /** Every nexthop object, streamed as the dump arrives. */
  nexthopStream(call: ReadOptions = {}): AsyncGenerator<Nexthop> { return this.streamObjects<Nexthop>(M.RTM_GETNEXTHOP, {}, {}, call); }

  /** Policy routing rules (`ip rule`), of one family if given. */
  async rules(filter: { family?: Family } = {}, call: ReadOptions = {}): Promise<Rule[]> {
    return this.dumpObjects<Rule>(M.RTM_GETRULE, { family: familyNumber(filter.family) }, {}, call);
  }

  /** Nexthop objects: one by `id` (a get), or a dump filtered by the kernel to groups or to a device. */
  async nexthops(filter: { id?: number; groups?: boolean; dev?: Dev } = {}, call: ReadOptions = {}): Promise<Nexthop[]> {
    if (filter.id !== undefined) {
      const r = await this.socket.request(buildMessage(M.RTM_GETNEXTHOP, { flags: 0, header: {}, attrs: { id: filter.id } }), { idempotent: true, ...socketCall(call) });
      return r.messages.map(toRtObject).filter((o): o is Nexthop => o?.kind === 'nexthop');
    }
    const attrs: Record<string, unknown> = {};
    if (filter.groups) attrs.groups = true;
    if (filter.dev !== undefined) attrs.oif = await this.ifindex(filter.dev, call);
    return this.dumpObjects<Nexthop>(M.RTM_GETNEXTHOP, {}, attrs, call);
  }

  /** Per-device and default IP configuration (forwarding, rp_filter, ...), as `ip netconf` shows it. */
  async netconf(filter: { family?: Family } = {}, call: ReadOptions = {}): Promise<Netconf[]> {
    return this.dumpObjects<Netconf>(M.RTM_GETNETCONF, { family: familyNumber(filter.family) }, {}, call);
  }

  /** The ids this namespace has assigned to other network namespaces (`ip netns list-id`). */
  async nsids(call: ReadOptions = {}): Promise<Nsid[]> {
    return this.dumpObjects<Nsid>(M.RTM_GETNSID, {}, {}, call);
  }

  // ---- changing: links -------------------------------------------------------------------------

  private async change(def: MessageDef, flags: number, fixed: Record<string, unknown>, attrs: Record<string, unknown>, call: CallOptions = {}): Promise<void> {
    await this.socket.request(buildMessage(def as MessageDef<StructDef, AttrSet>, { flags, header: fixed, attrs }), socketCall(call));
  }

  /** Creates a link (`ip link add`); rejects with EEXIST when the name is taken. */
  async addLink(spec: LinkSpec, call: CallOptions = {}): Promise<void> {
    const attrs: Record<string, unknown> = { ifname: spec.name };
    if (spec.mtu !== undefined) attrs.mtu = spec.mtu;
    if (spec.address) attrs.address = spec.address;
    if (spec.master !== undefined) attrs.master = await this.ifindex(spec.master);
    if (spec.link !== undefined) attrs.link = await this.ifindex(spec.link);
    const linkinfo: Record<string, unknown> = { kind: spec.type };
    let data: Record<string, unknown> | undefined = spec.data ? { ...spec.data } : undefined;
    if (spec.type === 'veth' && spec.peer) {
      const peerAttrs: Record<string, unknown> = { ifname: spec.peer.name };
      const fd = spec.peer.netns !== undefined ? await netnsAttr(spec.peer.netns) : undefined;
      if (fd) Object.assign(peerAttrs, fd.attrs);
      data = { ...data, peer: { header: {}, attrs: peerAttrs } };
      try { linkinfo.data = data; attrs.linkinfo = linkinfo; return await this.createLink(attrs, spec, call); } finally { fd?.close(); }
    }
    if (spec.type === 'vxlan' && spec.vxlan) {
      const v = spec.vxlan;
      data = { ...data, id: v.id };
      if (v.local) data[v.local.includes(':') ? 'local6' : 'local'] = v.local;
      const grp = v.group ?? v.remote;
      if (grp) data[grp.includes(':') ? 'group6' : 'group'] = grp;
      if (v.port !== undefined) data.port = v.port;
      if (v.dev !== undefined) data.link = await this.ifindex(v.dev);
      if (v.learning !== undefined) data.learning = v.learning ? 1 : 0;
      if (v.ttl !== undefined) data.ttl = v.ttl;
    }
    if ((spec.type === 'macvlan' || spec.type === 'macvtap') && spec.macvlan) {
      data = { ...data, mode: enumValue(macvlanMode, spec.macvlan.mode ?? 'vepa') };
      attrs.link = await this.ifindex(spec.macvlan.link);
    }
    if (data) linkinfo.data = data;
    attrs.linkinfo = linkinfo;
    await this.createLink(attrs, spec, call);
  }

  private async createLink(attrs: Record<string, unknown>, spec: LinkSpec, call: CallOptions = {}): Promise<void> {
    const fd = spec.netns !== undefined ? await netnsAttr(spec.netns) : undefined;
    try {
      if (fd) Object.assign(attrs, fd.attrs);
      await this.change(M.RTM_NEWLINK, NLM_F.CREATE | NLM_F.EXCL, spec.up ? { flags: IFF_UP, change: IFF_UP } : {}, attrs, call);
    } finally { fd?.close(); }
  }

  /** Deletes a link (`ip link del`); deleting one end of a veth deletes both. */
  async deleteLink(dev: Dev, call: CallOptions = {}): Promise<void> {
    const byIndex = typeof dev === 'number' || /^\d+$/.test(dev);
    await this.change(M.RTM_DELLINK, 0, byIndex ? { index: Number(dev) } : {}, byIndex ? {} : { ifname: dev }, call);
  }

  /** Changes a link (`ip link set`): up/down, mtu, name, address, master, namespace, alias, txqlen. */
  async setLink(dev: Dev, c: LinkChanges, call: CallOptions = {}): Promise<void> {
    const index = await this.ifindex(dev);
    const fixed: Record<string, unknown> = { index };
    if (c.up !== undefined) { fixed.flags = c.up ? IFF_UP : 0; fixed.change = IFF_UP; }
    const attrs: Record<string, unknown> = {};
    if (c.mtu !== undefined) attrs.mtu = c.mtu;
    if (c.name !== undefined) attrs.ifname = c.name;
    if (c.address !== undefined) attrs.address = c.address;
    if (c.alias !== undefined) attrs.ifalias = c.alias;
    if (c.txqlen !== undefined) attrs.txqlen = c.txqlen;
    if (c.master !== undefined) attrs.master = c.master === null ? 0 : await this.ifindex(c.master);
    if (c.kind) attrs.linkinfo = c.kind.data ? { kind: c.kind.type, data: c.kind.data } : { kind: c.kind.type };
    const fd = c.netns !== undefined ? await netnsAttr(c.netns) : undefined;
    try {
      if (fd) Object.assign(attrs, fd.attrs);
      await this.change(M.RTM_NEWLINK, 0, fixed, attrs, call);
    } finally { fd?.close(); }
  }

  // ---- addresses --------------------------------------------------------------------------------

  private addressMessage(dev: Dev, cidr: string, o: AddressOptions, idx: IndexOf): { fixed: Record<string, unknown>; attrs: Record<string, unknown> } {
    const p = parsePrefix(cidr);
    if (!p) throw new TypeError(`'${cidr}' is not an address with an optional /prefix`);
    const family = p.address.length === 4 ? AF_INET : AF_INET6;
    const addr = cidr.split('/')[0]!;
    const index = idx(dev);
    const attrs: Record<string, unknown> = { local: addr, address: o.peer ?? addr };
    if (o.label) attrs.label = o.label;
    if (o.broadcast) attrs.broadcast = o.broadcast;
    if (o.validLifetime !== undefined || o.preferredLifetime !== undefined) {
      const forever = 0xffffffff;
      attrs.cacheinfo = { prefered: o.preferredLifetime ?? o.validLifetime ?? forever, valid: o.validLifetime ?? forever, cstamp: 0, tstamp: 0 };
    }
    if (o.metric !== undefined) attrs.rtPriority = o.metric;
    if (o.noDad) attrs.flags = IFA_F_NODAD;
    if (family === AF_INET6) delete attrs.local; // IPv6 uses IFA_ADDRESS (IFA_LOCAL only for peers)
    if (family === AF_INET6 && o.peer) { attrs.local = addr; attrs.address = o.peer; }
    return { fixed: { family, prefixlen: p.prefixLength, index, scope: 0, flags: o.noDad ? IFA_F_NODAD : 0 }, attrs };
  }
  /** Adds an address in CIDR form ('10.0.0.1/24', '2001:db8::1/64'); rejects with EEXIST if present. */
  async addAddress(dev: Dev, cidr: string, o: AddressOptions = {}, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.addressMessage(dev, cidr, o, await this.indexOf([dev], call));
    await this.change(M.RTM_NEWADDR, NLM_F.CREATE | NLM_F.EXCL, fixed, attrs, call);
  }
  /** Adds an address, or updates it (lifetimes, label, ...) if present (`ip addr replace`). */
  async replaceAddress(dev: Dev, cidr: string, o: AddressOptions = {}, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.addressMessage(dev, cidr, o, await this.indexOf([dev], call));
    await this.change(M.RTM_NEWADDR, NLM_F.CREATE | NLM_F.REPLACE, fixed, attrs, call);
  }
  /** Updates an address that exists (NLM_F_REPLACE without CREATE: ENOENT if it does not), as `ip addr change`. */
  async changeAddress(dev: Dev, cidr: string, o: AddressOptions = {}, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.addressMessage(dev, cidr, o, await this.indexOf([dev], call));
    await this.change(M.RTM_NEWADDR, NLM_F.REPLACE, fixed, attrs, call);
  }

  /** Removes an address in CIDR form from a device. */
  async deleteAddress(dev: Dev, cidr: string, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.addressMessage(dev, cidr, {}, await this.indexOf([dev], call));
    await this.change(M.RTM_DELADDR, 0, fixed, attrs, call);
  }

  // ---- routes -----------------------------------------------------------------------------------

  private routeMessage(s: RouteSpec, forDelete: boolean, idx: IndexOf): { fixed: Record<string, unknown>; attrs: Record<string, unknown> } {
    const attrs: Record<string, unknown> = {};
    let family = 0;
    let dstLen = 0;
    if (s.dst !== 'default' && s.dst !== 'all') {
      const p = parsePrefix(s.dst);
      if (!p) throw new TypeError(`'${s.dst}' is not a prefix`);
      family = p.address.length === 4 ? AF_INET : AF_INET6;
      dstLen = p.prefixLength;
      attrs.dst = s.dst.split('/')[0];
    }
    const gwFamily = s.gateway ? addrFamily(s.gateway) : s.multipath?.find((n) => n.gateway)?.gateway ? addrFamily(s.multipath.find((n) => n.gateway)!.gateway!) : 0;
    if (!family) family = gwFamily || (s.prefsrc ? addrFamily(s.prefsrc) : AF_INET);
    if (s.gateway) {
      if (addrFamily(s.gateway) === family) attrs.gateway = s.gateway;
      else attrs.via = { family: addrFamily(s.gateway), address: s.gateway };
    }
    if (s.dev !== undefined) attrs.oif = idx(s.dev);
    if (s.metric !== undefined) attrs.priority = s.metric;
    if (s.prefsrc) attrs.prefsrc = s.prefsrc;
    if (s.src) attrs.src = s.src;
    if (s.nhid !== undefined) attrs.nhId = s.nhid;
    if (s.pref) attrs.pref = { low: 3, medium: 0, high: 1 }[s.pref];
    if (s.metrics) attrs.metrics = { ...s.metrics };
    if (s.multipath) {
      attrs.multipath = s.multipath.map((nh) => {
        const a: Record<string, unknown> = {};
        if (nh.gateway) a.gateway = nh.gateway;
        return { flags: nh.onlink ? RTNH_F_ONLINK : 0, hops: (nh.weight ?? 1) - 1, ifindex: nh.dev !== undefined ? idx(nh.dev) : 0, attrs: a };
      });
    }
    const table = s.table !== undefined ? tableNumber(s.table) : RT_TABLE_MAIN;
    if (table >= 256) attrs.table = table;
    const type = s.type ? enumValue(rtnType, s.type) : RTN_UNICAST;
    let scope: number;
    if (s.scope !== undefined) scope = typeof s.scope === 'number' ? s.scope : enumValue(rtScope, s.scope);
    else if (forDelete) scope = 255; // RT_SCOPE_NOWHERE: match any scope, as ip route del does
    else if (type === 2 /* local */ || type === 3 /* broadcast */) scope = RT_SCOPE_HOST;
    else if (type === RTN_UNICAST && !s.gateway && !s.multipath && s.nhid === undefined && s.dev !== undefined) scope = RT_SCOPE_LINK;
    else scope = RT_SCOPE_UNIVERSE;
    if (type === 2 && s.scope === undefined && !forDelete) scope = RT_SCOPE_HOST;
    const protocol = s.protocol !== undefined ? (typeof s.protocol === 'number' ? s.protocol : enumValue(rtProtocol, s.protocol)) : forDelete ? 0 : RTPROT_BOOT;
    return {
      fixed: { family, dstLen, srcLen: 0, tos: 0, table: table < 256 ? table : 252 /* RT_TABLE_COMPAT */, protocol, scope, type: forDelete && !s.type ? 0 : type, flags: s.onlink ? RTNH_F_ONLINK : 0 },
      attrs,
    };
  }
  /** Adds a route; rejects with EEXIST when an identical route exists. */
  async addRoute(s: RouteSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.routeMessage(s, false, await this.indexOf(routeDevs(s), call));
    await this.change(M.RTM_NEWROUTE, NLM_F.CREATE | NLM_F.EXCL, fixed, attrs, call);
  }
  /** Adds a route, or replaces the one with the same destination, table, metric and tos (`ip route replace`). */
  async replaceRoute(s: RouteSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.routeMessage(s, false, await this.indexOf(routeDevs(s), call));
    await this.change(M.RTM_NEWROUTE, NLM_F.CREATE | NLM_F.REPLACE, fixed, attrs, call);
  }
  /** Changes the route with the same destination, table, metric and tos; ENOENT if there is none (`ip route change`). */
  async changeRoute(s: RouteSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.routeMessage(s, false, await this.indexOf(routeDevs(s), call));
    await this.change(M.RTM_NEWROUTE, NLM_F.REPLACE, fixed, attrs, call);
  }
  /** Adds a route before existing ones to the same destination (NLM_F_CREATE alone, `ip route prepend`). */
  async prependRoute(s: RouteSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.routeMessage(s, false, await this.indexOf(routeDevs(s), call));
    await this.change(M.RTM_NEWROUTE, NLM_F.CREATE, fixed, attrs, call);
  }

  /** Adds a route beside existing ones to the same destination (`ip route append`). */
  async appendRoute(s: RouteSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.routeMessage(s, false, await this.indexOf(routeDevs(s), call));
    await this.change(M.RTM_NEWROUTE, NLM_F.CREATE | NLM_F.APPEND, fixed, attrs, call);
  }
  /** Deletes the route matching `s` (destination, table and whatever else it gives). */
  async deleteRoute(s: RouteSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.routeMessage(s, true, await this.indexOf(routeDevs(s), call));
    await this.change(M.RTM_DELROUTE, 0, fixed, attrs, call);
  }

  // ---- neighbours -------------------------------------------------------------------------------

  private neighMessage(s: NeighbourSpec, forDelete: boolean, idx: IndexOf): { fixed: Record<string, unknown>; attrs: Record<string, unknown> } {
    const ifindex = idx(s.dev);
    const attrs: Record<string, unknown> = { dst: s.dst };
    if (s.lladdr) attrs.lladdr = s.lladdr;
    const state = s.state ? enumValue(nudState as unknown as import('../schema/types.js').EnumDef, s.state) : forDelete ? 0 : 0x80 /* NUD_PERMANENT */;
    const flags = (s.router ? 0x80 : 0) | (s.proxy ? 0x08 : 0);
    return { fixed: { family: addrFamily(s.dst), ifindex, state, flags, type: 0 }, attrs };
  }
  /** Adds a neighbour entry (default state permanent); rejects with EEXIST if present. */
  async addNeighbour(s: NeighbourSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.neighMessage(s, false, await this.indexOf([s.dev], call));
    await this.change(M.RTM_NEWNEIGH, NLM_F.CREATE | NLM_F.EXCL, fixed, attrs, call);
  }
  /** Adds a neighbour entry, or updates it if present (`ip neigh replace`). */
  async replaceNeighbour(s: NeighbourSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.neighMessage(s, false, await this.indexOf([s.dev], call));
    await this.change(M.RTM_NEWNEIGH, NLM_F.CREATE | NLM_F.REPLACE, fixed, attrs, call);
  }
  /** Updates a neighbour entry that exists; ENOENT if there is none (`ip neigh change`). */
  async changeNeighbour(s: NeighbourSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.neighMessage(s, false, await this.indexOf([s.dev], call));
    await this.change(M.RTM_NEWNEIGH, NLM_F.REPLACE, fixed, attrs, call);
  }

  /** Deletes the neighbour entry of `s.dst` on `s.dev`. */
  async deleteNeighbour(s: NeighbourSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.neighMessage(s, true, await this.indexOf([s.dev], call));
    await this.change(M.RTM_DELNEIGH, 0, fixed, attrs, call);
  }

  // ---- rules ----------------------------------------------------------------------------------------

  private ruleMessage(s: RuleSpec, forDelete = false): { fixed: Record<string, unknown>; attrs: Record<string, unknown> } {
    const attrs: Record<string, unknown> = {};
    let family = familyNumber(s.family);
    let srcLen = 0, dstLen = 0;
    if (s.from && s.from !== 'all') { const p = parsePrefix(s.from); if (!p) throw new TypeError(`bad prefix ${s.from}`); attrs.src = s.from.split('/')[0]; srcLen = p.prefixLength; family ||= p.address.length === 4 ? AF_INET : AF_INET6; }
    if (s.to && s.to !== 'all') { const p = parsePrefix(s.to); if (!p) throw new TypeError(`bad prefix ${s.to}`); attrs.dst = s.to.split('/')[0]; dstLen = p.prefixLength; family ||= p.address.length === 4 ? AF_INET : AF_INET6; }
    family ||= AF_INET;
    if (s.priority !== undefined) attrs.priority = s.priority;
    if (s.iif) attrs.iifname = s.iif;
    if (s.oif) attrs.oifname = s.oif;
    if (s.fwmark !== undefined) attrs.fwmark = s.fwmark;
    if (s.fwmask !== undefined) attrs.fwmask = s.fwmask;
    if (s.goto !== undefined) attrs.goto = s.goto;
    if (s.ipproto !== undefined) attrs.ipProto = s.ipproto;
    const range = (r: number | [number, number]): { start: number; end: number } => (typeof r === 'number' ? { start: r, end: r } : { start: r[0], end: r[1] });
    if (s.sport !== undefined) attrs.sportRange = range(s.sport);
    if (s.dport !== undefined) attrs.dportRange = range(s.dport);
    if (s.uidrange) attrs.uidRange = { start: s.uidrange[0], end: s.uidrange[1] };
    if (s.suppressPrefixlength !== undefined) attrs.suppressPrefixlen = s.suppressPrefixlength;
    if (s.protocol !== undefined) attrs.protocol = typeof s.protocol === 'number' ? s.protocol : enumValue(rtProtocol, s.protocol);
    let table = 0;
    if (s.table !== undefined) { table = tableNumber(s.table); attrs.table = table; }
    const action = s.action ? enumValue(frAction, s.action) : forDelete && s.table === undefined ? 0 : s.goto !== undefined ? 2 : 1;
    return { fixed: { family, dstLen, srcLen, tos: s.tos ?? 0, table: table < 256 ? table : 252, action }, attrs };
  }
  /** Adds a policy routing rule (`ip rule add`); rejects with EEXIST when an identical rule exists. */
  async addRule(s: RuleSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.ruleMessage(s);
    await this.change(M.RTM_NEWRULE, NLM_F.CREATE | NLM_F.EXCL, fixed, attrs, call);
  }
  /** Deletes the first rule matching `s` (`ip rule del`). */
  async deleteRule(s: RuleSpec, call: CallOptions = {}): Promise<void> {
    const { fixed, attrs } = this.ruleMessage(s, true);
    await this.change(M.RTM_DELRULE, 0, fixed, attrs, call);
  }

  // ---- nexthops -------------------------------------------------------------------------------------

  /** Adds a nexthop or nexthop group (`ip nexthop add`), or replaces the one with the same id when `replace`. */
  async addNexthop(s: NexthopSpec, replace = false, call: CallOptions = {}): Promise<void> {
    const attrs: Record<string, unknown> = { id: s.id };
    let family = familyNumber(s.family);
    if (s.gateway) { attrs.gateway = s.gateway; family ||= addrFamily(s.gateway); }
    if (s.dev !== undefined) attrs.oif = await this.ifindex(s.dev);
    if (s.blackhole) attrs.blackhole = true;
    if (s.fdb) attrs.fdb = true;
    if (s.group) {
      attrs.group = s.group.map((g) => ({ id: g.id, weight: g.weight ?? 1 }));
      if (s.resilient) {
        attrs.groupType = 1;
        const rg: Record<string, unknown> = { buckets: s.resilient.buckets };
        if (s.resilient.idleTimer !== undefined) rg.idleTimer = s.resilient.idleTimer;
        if (s.resilient.unbalancedTimer !== undefined) rg.unbalancedTimer = s.resilient.unbalancedTimer;
        attrs.resGroup = rg;
      }
    }
    const protocol = s.protocol !== undefined ? (typeof s.protocol === 'number' ? s.protocol : enumValue(rtProtocol, s.protocol)) : RTPROT_BOOT;
    await this.change(M.RTM_NEWNEXTHOP, NLM_F.CREATE | (replace ? NLM_F.REPLACE : NLM_F.EXCL), { family: s.group ? AF_UNSPEC : s.blackhole ? family || AF_INET : family, protocol, scope: 0 }, attrs, call);
  }
  /** Deletes a nexthop object by id. */
  async deleteNexthop(id: number, call: CallOptions = {}): Promise<void> {
    await this.change(M.RTM_DELNEXTHOP, 0, {}, { id }, call);
  }

  // ---- many changes at once -----------------------------------------------------------------------

  /**
   * Applies many changes at the kernel's pace: packed many per datagram, one ACK each (see
   * NetlinkSocket.batch for the result and the 'stop' / 'continue' semantics). Device names are
   * resolved once per batch. A change that cannot be built (a bad prefix) fails as its own item.
   */
  async batch(changes: Iterable<RtChange>, opts: BatchOptions = {}): Promise<BatchResult> {
    const list = Array.isArray(changes) ? (changes as RtChange[]) : [...changes];
    const devs: Array<Dev | undefined> = [];
    for (const c of list) {
      if ('route' in c) {
        const r = c.route;
        if (r.dev !== undefined) devs.push(r.dev);
        if (r.multipath) for (const nh of r.multipath) if (nh.dev !== undefined) devs.push(nh.dev);
      } else if ('neighbour' in c) devs.push(c.neighbour.dev);
      else if ('dev' in c) devs.push(c.dev);
    }
    const idx = await this.indexOf(devs, opts);
    const self = this;
    function* messages(): Generator<Encodable | Error> {
      for (const c of list) {
        try { yield self.changeMessage(c, idx); } catch (e) { yield e as Error; }
      }
    }
    return this.socket.batch(messages(), opts);
  }

  private changeMessage(c: RtChange, idx: IndexOf): Encodable {
    const build = (def: MessageDef, flags: number, m: { fixed: Record<string, unknown>; attrs: Record<string, unknown> }): Encodable =>
      buildMessage(def as MessageDef<StructDef, AttrSet>, { flags, header: m.fixed, attrs: m.attrs });
    const { CREATE, EXCL, REPLACE, APPEND } = NLM_F;
    switch (c.op) {
      case 'addRoute': case 'replaceRoute': case 'changeRoute': case 'prependRoute': case 'appendRoute': case 'deleteRoute': {
        const [type, flags] = ROUTE_CHANGE_WIRE[c.op];
        const forDelete = c.op === 'deleteRoute';
        return fastRoute(type, flags, c.route, forDelete, idx) ?? build(forDelete ? M.RTM_DELROUTE : M.RTM_NEWROUTE, flags, this.routeMessage(c.route, forDelete, idx));
      }
      case 'addAddress': return build(M.RTM_NEWADDR, CREATE | EXCL, this.addressMessage(c.dev, c.address, c.options ?? {}, idx));
      case 'replaceAddress': return build(M.RTM_NEWADDR, CREATE | REPLACE, this.addressMessage(c.dev, c.address, c.options ?? {}, idx));
      case 'changeAddress': return build(M.RTM_NEWADDR, REPLACE, this.addressMessage(c.dev, c.address, c.options ?? {}, idx));
      case 'deleteAddress': return build(M.RTM_DELADDR, 0, this.addressMessage(c.dev, c.address, {}, idx));
      case 'addNeighbour': return build(M.RTM_NEWNEIGH, CREATE | EXCL, this.neighMessage(c.neighbour, false, idx));
      case 'replaceNeighbour': return build(M.RTM_NEWNEIGH, CREATE | REPLACE, this.neighMessage(c.neighbour, false, idx));
      case 'changeNeighbour': return build(M.RTM_NEWNEIGH, REPLACE, this.neighMessage(c.neighbour, false, idx));
      case 'deleteNeighbour': return build(M.RTM_DELNEIGH, 0, this.neighMessage(c.neighbour, true, idx));
      case 'addRule': return build(M.RTM_NEWRULE, CREATE | EXCL, this.ruleMessage(c.rule));
      case 'deleteRule': return build(M.RTM_DELRULE, 0, this.ruleMessage(c.rule, true));
      case 'deleteLink': return build(M.RTM_DELLINK, 0, { fixed: { index: idx(c.dev) }, attrs: {} });
      case 'deleteNexthop': return build(M.RTM_DELNEXTHOP, 0, { fixed: {}, attrs: { id: c.id } });
    }
  }

  // ---- monitor ----------------------------------------------------------------------------------

  /**
   * Live events for the given kinds ('all' for every kind), on a socket of its own. Overruns are
   * reported in band; with `resync: true` each overrun is followed by a fresh dump per kind.
   */
  monitor(kinds: readonly MonitorKind[] | 'all' = 'all', opts: MonitorOptions = {}): AsyncIterableIterator<MonitorItem> {
    const list = kinds === 'all' ? (Object.keys(MONITOR_GROUPS) as MonitorKind[]) : [...kinds];
    let groups = list.flatMap((k) => MONITOR_GROUPS[k]);
    if (opts.families?.length === 1) {
      const v4 = new Set([5, 7, 8, 24]), v6 = new Set([9, 11, 19, 25]);
      groups = groups.filter((g) => !(opts.families![0] === 4 ? v6 : v4).has(g));
    }
    if (this.closed) throw new Error('Rtnl is closed');
    const sock = NetlinkSocket.open({
      protocol: Protocol.ROUTE, family: rtnetlink,
      receiveBufferSize: opts.receiveBufferSize ?? 4 << 20,
      ...(this.opts.netns !== undefined ? { netns: this.opts.netns } : {}),
      ...(this.opts.capture ? { capture: this.opts.capture } : {}),
    });
    // Rtnl.close() ends the monitor too.
    this.monitors.add(sock);
    const sub = sock.subscribe(groups, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.highWaterMark !== undefined ? { highWaterMark: opts.highWaterMark } : {}),
      onOverrun: opts.resync ? 'discard' : 'keep',
      closeSocket: true,
    });
    const self = this;
    const pendingResync: MonitorResync[] = [];
    const done = (): IteratorResult<MonitorItem> => { sock.close(); self.monitors.delete(sock); return { value: undefined, done: true }; };
    const it: AsyncIterableIterator<MonitorItem> = {
      async next(): Promise<IteratorResult<MonitorItem>> {
        for (;;) {
          if (sock.isClosed && pendingResync.length === 0) return done();
          const queued = pendingResync.shift();
          if (queued) return { value: queued, done: false };
          let r: IteratorResult<SubscriptionItem>;
          try { r = await sub.next(); } catch (e) { done(); throw e; }
          if (r.done) return done();
          const item = r.value;
          if (item.type === 'overrun') {
            if (opts.resync) {
              try {
                for (const k of list) pendingResync.push({ action: 'resync', kind: k, objects: await self.objectsOf(k, opts.signal ? { signal: opts.signal } : {}) } as MonitorResync);
              } catch (e) { done(); throw e; }
            }
            return { value: { action: 'overrun', reason: item.reason }, done: false };
          }
          const o = toRtObject(item.message);
          const action = item.message.kind === 'data' ? item.message.def?.action : undefined;
          if (!o || (action !== 'new' && action !== 'del')) continue;
          // kind and object come from one object, so they match (what the union says)
          const ev = { action, kind: o.kind, object: o, group: item.group } as RouteEvent;
          if (item.nsid !== undefined) ev.nsid = item.nsid;
          return { value: ev, done: false };
        }
      },
      async return(): Promise<IteratorResult<MonitorItem>> {
        await sub.return?.();
        pendingResync.length = 0;
        return done();
      },
      [Symbol.asyncIterator]() { return it; },
    };
    return it;
  }

  /** The current objects of a kind (what a resync after an overrun reads). */
  async objectsOf(kind: MonitorKind, call: ReadOptions = {}): Promise<RtObject[]> {
    switch (kind) {
      case 'link': return this.links({}, call);
      case 'address': return this.addresses({}, call);
      case 'route': return this.routes({}, call);
      case 'neighbour': return this.neighbours({}, call);
      case 'rule': return this.rules({}, call);
      case 'nexthop': return this.nexthops({}, call);
      case 'netconf': return this.netconf({}, call);
      case 'nsid': return this.nsids(call);
    }
  }
}

/** IFLA_NET_NS_FD for a namespace given by name/path, or IFLA_NET_NS_PID... by fd number. */
async function netnsAttr(ns: string | number): Promise<{ attrs: Record<string, unknown>; close(): void }> {
  if (typeof ns === 'number') return { attrs: { netNsFd: ns }, close: () => undefined };
  const { openSync, closeSync } = await import('node:fs');
  const path = ns.includes('/') ? ns : `/var/run/netns/${ns}`;
  const fd = openSync(path, 'r');
  return { attrs: { netNsFd: fd }, close: () => closeSync(fd) };
}

export { AF_INET, AF_INET6, AF_BRIDGE, parseIP };
