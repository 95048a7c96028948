// GenericNetlink: the nlctrl side of generic netlink over one socket (one network namespace):
// resolve families by name (id, version, ops, multicast groups), list them, dump their attribute
// policies, and bind declared families (GenlFamilyDef) to clients. Resolved families are cached
// per instance.
import { AttributeScanner, encodeUtf8 } from '../../core/attr.js';
import { Protocol } from '../../core/constants.js';
import { NetlinkError, type AttrPolicy } from '../../core/errors.js';
import { decodePolicy } from '../../core/nlmsgerr.js';
import { buildMessage, type DecodedMessage, type MessageFamily } from '../../schema/family.js';
import type { DecodedSet } from '../../schema/types.js';
import { NetlinkSocket, type SubscribeOptions, type SubscriptionItem } from '../../socket/netlink-socket.js';
import { GenlClient } from './client.js';
import type { GenlFamilyDef } from './define.js';
import { CTRL_CMD, ctrlAttrs, ctrlMessage, genericStatic } from './static.js';

/** genl_ops flags (GENL_*), as reported in CTRL_ATTR_OPS. */
export const GENL_OP_FLAGS = {
  'admin-perm': 0x01,
  'cmd-cap-do': 0x02,
  'cmd-cap-dump': 0x04,
  'cmd-cap-haspol': 0x08,
  'uns-admin-perm': 0x10,
} as const;

/** One operation of a resolved family: its command number and flags. */
export interface GenlOpInfo {
  cmd: number;
  flags: number;
  /** Names of the set flags ('admin-perm', 'cmd-cap-do', ...). */
  flagNames: string[];
}

/** A family as nlctrl describes it. */
export interface GenlFamilyInfo {
  name: string;
  /** The family id: the nlmsg_type of its messages. */
  id: number;
  version: number;
  hdrsize: number;
  maxattr: number;
  ops: GenlOpInfo[];
  /** Multicast group name → group id. */
  mcastGroups: Record<string, number>;
}

/** A family's attribute policies (CTRL_CMD_GETPOLICY). */
export interface GenlPolicyDump {
  family: string;
  id: number;
  /** Command → the policy index of its do and dump requests. */
  ops: Map<number, { do?: number; dump?: number }>;
  /** Policy index → attribute type → policy. Nested policies refer to others by policyIndex. */
  policies: Map<number, Map<number, AttrPolicy>>;
}

/** How {@link GenericNetlink.open} opens its socket. */
export interface GenericNetlinkOptions {
  /** Network namespace (name from `ip netns`, path, or fd). */
  netns?: string | number;
  /** Request timeout, ms. */
  timeout?: number;
  /** Socket receive buffer, bytes (more room for notification bursts). */
  receiveBufferSize?: number;
}

const CTRL_VERSION = 2;
const ENOENT = 2;
const GENL_NAMSIZ = 16;

type CtrlAttrs = DecodedSet<typeof ctrlAttrs>;

/** Generic netlink's controller (nlctrl) over one socket: resolves families by name (id, version, operations, multicast groups), dumps their policies, and binds declared families to typed clients. */
export class GenericNetlink implements AsyncDisposable, Disposable {
  private readonly cache = new Map<string, GenlFamilyInfo>();

  /** Wraps a socket of protocol generic (closed by close() only when `ownsSocket`). */
  constructor(readonly socket: NetlinkSocket, private readonly ownsSocket = false) {
    if (socket.protocol !== Protocol.GENERIC) throw new TypeError(`GenericNetlink needs a generic netlink socket, got protocol ${socket.protocol}`);
  }

  /** Opens a generic netlink socket (in `netns`) and wraps it. */
  static open(opts: GenericNetlinkOptions = {}): GenericNetlink {
    const sock = NetlinkSocket.open({
      protocol: 'generic', family: genlSocketFamily(),
      ...(opts.netns !== undefined ? { netns: opts.netns } : {}),
      ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
      ...(opts.receiveBufferSize !== undefined ? { receiveBufferSize: opts.receiveBufferSize } : {}),
    });
    return new GenericNetlink(sock, true);
  }

  /**
   * Resolves a family by name (cached; `refresh` asks again). Rejects with NetlinkError code
   * 'ENOENT' when the kernel has no such family (or its module cannot be loaded).
   */
  async resolve(name: string, opts: { refresh?: boolean } = {}): Promise<GenlFamilyInfo> {
    const hit = this.cache.get(name);
    if (hit && !opts.refresh) return hit;
    if (encodeUtf8(name).length >= GENL_NAMSIZ) {
      // The kernel would refuse the attribute (EINVAL); no family can have such a name.
      throw new NetlinkError(ENOENT, 'CTRL_CMD_GETFAMILY', { message: `no generic netlink family named '${name}' (names are at most ${GENL_NAMSIZ - 1} bytes)` });
    }
    let replies: DecodedMessage[];
    try {
      replies = (await this.socket.request(ctrlRequest(CTRL_CMD.GETFAMILY, { familyName: name }), { operation: 'CTRL_CMD_GETFAMILY' })).messages;
    } catch (e) {
      if (e instanceof NetlinkError && e.errno === -ENOENT) {
        throw new NetlinkError(ENOENT, 'CTRL_CMD_GETFAMILY', {
          ...e.extack, message: e.extack.message ?? `no generic netlink family named '${name}' (not built in, or its module is not loaded)`,
        });
      }
      throw e;
    }
    const info = replies.map(ctrlData).find((a) => a?.familyName === name);
    if (!info) throw new NetlinkError(ENOENT, 'CTRL_CMD_GETFAMILY', { message: `no reply describing generic netlink family '${name}'` });
    const f = familyInfo(info);
    this.cache.set(name, f);
    return f;
  }

  /** Every registered family (CTRL_CMD_GETFAMILY dump); refreshes the cache. */
  async list(): Promise<GenlFamilyInfo[]> {
    const r = await this.socket.dumpAll(ctrlRequest(CTRL_CMD.GETFAMILY, {}), { operation: 'CTRL_CMD_GETFAMILY' });
    const out: GenlFamilyInfo[] = [];
    for (const m of r.messages) {
      const a = ctrlData(m);
      if (!a?.familyName) continue;
      const f = familyInfo(a);
      this.cache.set(f.name, f);
      out.push(f);
    }
    return out;
  }

  /** The attribute policies of a family, of all its operations or of command `op` only. */
  async policy(name: string, opts: { op?: number } = {}): Promise<GenlPolicyDump> {
    const attrs: CtrlAttrs = { familyName: name };
    if (opts.op !== undefined) attrs.op = opts.op;
    let r;
    try {
      r = await this.socket.dumpAll(ctrlRequest(CTRL_CMD.GETPOLICY, attrs), { operation: 'CTRL_CMD_GETPOLICY' });
    } catch (e) {
      if (e instanceof NetlinkError && e.errno === -ENOENT && opts.op === undefined) await this.resolve(name); // a clearer ENOENT
      throw e;
    }
    const out: GenlPolicyDump = { family: name, id: 0, ops: new Map(), policies: new Map() };
    for (const m of r.messages) {
      const a = ctrlData(m);
      if (!a) continue;
      if (a.familyId !== undefined) out.id = a.familyId;
      if (a.opPolicy) readOpPolicy(a.opPolicy, out.ops);
      if (a.policy) readPolicies(a.policy, out.policies);
    }
    return out;
  }

  /** Resolves a declared family and returns a client for it on this socket. */
  async bind<F extends GenlFamilyDef>(def: F): Promise<GenlClient<F>> {
    if (def.raw) throw new TypeError(`${def.name} is not a generic netlink family (protocol ${def.raw.protocol})`);
    const info = await this.resolve(def.name);
    return new GenlClient(this.socket, def, { id: info.id, groups: info.mcastGroups });
  }

  /** Joins a family's multicast groups by name; yields the raw decoded items of those groups. */
  async subscribe(family: string, groups: string | readonly string[], opts: SubscribeOptions = {}): Promise<AsyncIterableIterator<SubscriptionItem>> {
    const info = await this.resolve(family);
    const ids = (typeof groups === 'string' ? [groups] : groups).map((g) => {
      const id = info.mcastGroups[g];
      if (id === undefined) throw new Error(`${family}: no multicast group '${g}' (groups: ${Object.keys(info.mcastGroups).join(', ') || 'none'})`);
      return id;
    });
    return this.socket.subscribe(ids, opts);
  }

  /** Closes the socket, if this object opened it. Idempotent. */
  close(): void {
    if (this.ownsSocket) this.socket.close();
  }
  /** Closes it at the end of a `using` block. */
  [Symbol.dispose](): void { this.close(); }
  /** Closes it at the end of an `await using` block. */
  async [Symbol.asyncDispose](): Promise<void> { this.close(); }
}

/** A fresh MessageFamily for a genl socket: nlctrl declared, other families' headers known. */
export function genlSocketFamily(): MessageFamily {
  return { ...genericStatic, messages: [...genericStatic.messages] };
}

function ctrlRequest(cmd: number, attrs: CtrlAttrs): Uint8Array {
  return buildMessage(ctrlMessage, { flags: 0, header: { cmd, version: CTRL_VERSION }, attrs }).toBytes();
}

function ctrlData(m: DecodedMessage): CtrlAttrs | undefined {
  return m.kind === 'data' && m.def === ctrlMessage ? m.attrs as CtrlAttrs : undefined;
}

/** The names of the GENL_* flags set on an operation ('admin-perm', 'cmd-cap-do', ...). */
export function genlOpFlagNames(flags: number): string[] {
  return Object.entries(GENL_OP_FLAGS).filter(([, bit]) => flags & bit).map(([n]) => n);
}

function familyInfo(a: CtrlAttrs): GenlFamilyInfo {
  const groups: Record<string, number> = {};
  for (const g of a.mcastGroups ?? []) if (g.name !== undefined && g.id !== undefined) groups[g.name] = g.id;
  return {
    name: a.familyName ?? '',
    id: a.familyId ?? 0,
    version: a.version ?? 0,
    hdrsize: a.hdrsize ?? 0,
    maxattr: a.maxattr ?? 0,
    ops: (a.ops ?? []).map((o) => ({ cmd: o.id ?? 0, flags: o.flags ?? 0, flagNames: genlOpFlagNames(o.flags ?? 0) })),
    mcastGroups: groups,
  };
}

/** CTRL_ATTR_OP_POLICY: [cmd] { CTRL_ATTR_POLICY_DO: idx, CTRL_ATTR_POLICY_DUMP: idx }. */
function readOpPolicy(b: Uint8Array, into: GenlPolicyDump['ops']): void {
  const s = new AttributeScanner(b);
  while (s.next()) {
    const cmd = s.type;
    const entry = into.get(cmd) ?? {};
    s.nest((n) => {
      while (n.next()) {
        if (n.type === 1) entry.do = n.u32();
        else if (n.type === 2) entry.dump = n.u32();
      }
    });
    into.set(cmd, entry);
  }
  if (s.err) throw s.err;
}

/** CTRL_ATTR_POLICY: [policy index] { [attribute type] { NL_POLICY_TYPE_ATTR_* } }. */
function readPolicies(b: Uint8Array, into: GenlPolicyDump['policies']): void {
  const s = new AttributeScanner(b);
  while (s.next()) {
    let byAttr = into.get(s.type);
    if (!byAttr) into.set(s.type, byAttr = new Map());
    const target = byAttr;
    s.nest((n) => {
      while (n.next()) {
        const type = n.type;
        n.nest((p) => { target.set(type, decodePolicy(p)); });
      }
    });
  }
  if (s.err) throw s.err;
}
