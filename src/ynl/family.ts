// YnlFamily: drive a netlink family from its YNL spec at run time, like the kernel's ynl CLI:
//
//   await using eth = await YnlFamily.load('specs/ethtool.yaml', { netns: 'ns1' });
//   await eth.do('linkinfo-get', { header: { 'dev-name': 'eth0' } });
//   for await (const n of eth.subscribe('monitor')) ...
//
// The spec is converted to engine declarations (convert.ts) and driven by the same GenlClient as
// the shipped TS declarations; keys stay the spec's kebab-case names.
import { readFile } from 'node:fs/promises';
import { NLM_F, Protocol } from '../core/constants.js';
import { GenlClient, type GenlCallOptions } from '../families/genl/client.js';
import { familyMessages } from '../families/genl/define.js';
import { GenericNetlink } from '../families/genl/resolve.js';
import type { DecodedMessage } from '../schema/family.js';
import type { AttrSet, StructDef } from '../schema/types.js';
import { NetlinkSocket, type SubscribeOptions } from '../socket/netlink-socket.js';
import { convertSpec, type YnlModel, type YnlOpInfo } from './convert.js';
import { prepareAttrs, presentAttrs, presentStruct, type PresentOptions } from './present.js';
import { checkSpec, parseSpec, type YnlSpec } from './spec.js';

/** Options of {@link YnlFamily.load}. */
export interface YnlLoadOptions {
  /** Network namespace (name from `ip netns`, path, or fd). */
  netns?: string | number;
  /** Share a generic netlink connection (its cache and socket) instead of opening one. */
  genl?: GenericNetlink;
  timeout?: number;
  /**
   * As the kernel CLI's --process-unknown: 'pad' attributes are shown too (as bytes). Attributes
   * the spec lacks are always shown, as UnknownAttr(N).
   */
  processUnknown?: boolean;
}

/** Request flags of netlink-raw families (ynl's --create, --excl, ...). */
export type YnlRequestFlag = 'create' | 'excl' | 'replace' | 'append';

/** Options of one {@link YnlFamily} call: request flags (netlink-raw families), timeout, cancellation. */
export interface YnlCallOptions {
  flags?: readonly YnlRequestFlag[] | number;
  timeout?: number;
  signal?: AbortSignal;
}

/** What {@link YnlFamily.subscribe} yields: a notification (spec names) or an overrun. */
export type YnlNotification =
  | { type: 'event'; name: string; group: string; msg: Record<string, unknown> }
  | { type: 'overrun'; reason: 'ENOBUFS' | 'truncated' | 'queue-full' };

/** nlctrl's fixed family id, also the id of its 'notify' group. */
const GENL_ID_CTRL = 0x10;
const FLAG_BITS: Record<YnlRequestFlag, number> = { create: NLM_F.CREATE, excl: NLM_F.EXCL, replace: NLM_F.REPLACE, append: NLM_F.APPEND };
/** genlmsghdr's fields, never shown among a message's attributes. */
const GENL_FIELDS = new Set(['cmd', 'version', 'reserved']);

function presentOpts(o: YnlLoadOptions): PresentOptions {
  return o.processUnknown ? { pads: true } : {};
}

/** Parses and converts a spec (YAML text, or an already parsed document) without any socket. */
export function compileSpec(spec: string | YnlSpec): YnlModel {
  return convertSpec(typeof spec === 'string' ? parseSpec(spec) : checkSpec(spec));
}

/** A family driven by its YNL spec at run time, as the kernel's `ynl` tool does: calls and notifications by the spec's names, attributes in and out by the spec's (kebab-case) names. Load one with {@link YnlFamily.load}. */
export class YnlFamily implements AsyncDisposable, Disposable {
  private constructor(
    readonly model: YnlModel,
    readonly client: GenlClient,
    private readonly closeFn: () => void,
    private readonly presentOpts: PresentOptions = {},
  ) {}

  /**
   * Loads a spec (a file path, YAML text, or a parsed document), resolves the family in the
   * kernel (genl) or opens its protocol (netlink-raw). Unknown genl families reject with
   * NetlinkError 'ENOENT'.
   */
  static async load(spec: string | YnlSpec, opts: YnlLoadOptions = {}): Promise<YnlFamily> {
    const text = typeof spec === 'string' && !spec.includes('\n') ? await readFile(spec, 'utf8') : spec;
    const model = compileSpec(text);
    const def = model.family;
    if (def.raw) {
      const sock = NetlinkSocket.open({
        protocol: def.raw.protocol,
        family: familyMessages(def, 0).family,
        ...(opts.netns !== undefined ? { netns: opts.netns } : {}),
        ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
      });
      return new YnlFamily(model, new GenlClient(sock, def, { id: 0, groups: def.raw.groups }), () => sock.close(), presentOpts(opts));
    }
    if (def.name === 'nlctrl') {
      // nlctrl has a fixed id (GENL_ID_CTRL) and its own built-in declaration on shared genl
      // sockets: a socket of its own decodes its messages with this spec's names.
      const sock = NetlinkSocket.open({
        protocol: Protocol.GENERIC,
        family: familyMessages(def, GENL_ID_CTRL).family,
        ...(opts.netns !== undefined ? { netns: opts.netns } : {}),
        ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
      });
      return new YnlFamily(model, new GenlClient(sock, def, { id: GENL_ID_CTRL, groups: { notify: GENL_ID_CTRL } }), () => sock.close(), presentOpts(opts));
    }
    const genl = opts.genl ?? GenericNetlink.open({
      ...(opts.netns !== undefined ? { netns: opts.netns } : {}),
      ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
    });
    try {
      const client = await genl.bind(def);
      return new YnlFamily(model, client, () => { if (!opts.genl) genl.close(); }, presentOpts(opts));
    } catch (e) {
      if (!opts.genl) genl.close();
      throw e;
    }
  }

  /** The family's name, as its spec gives it. */
  get name(): string { return this.model.family.name; }

  /** Operations and notifications of the spec, with their commands and attribute lists. */
  listOps(): YnlOpInfo[] {
    return this.model.ops;
  }

  /** A do request; resolves with the reply (ynl's JSON shape) or undefined when only ACKed. */
  async do(op: string, attrs: Record<string, unknown> = {}, opts: YnlCallOptions = {}): Promise<Record<string, unknown> | undefined> {
    const [first] = await this.call(op, attrs, opts, false);
    return first;
  }

  /** Every reply of a do request (some families answer with several messages). */
  async doAll(op: string, attrs: Record<string, unknown> = {}, opts: YnlCallOptions = {}): Promise<Array<Record<string, unknown>>> {
    return this.call(op, attrs, opts, false);
  }

  /** A dump request; resolves with every reply. */
  async dump(op: string, attrs: Record<string, unknown> = {}, opts: YnlCallOptions = {}): Promise<Array<Record<string, unknown>>> {
    return this.call(op, attrs, opts, true);
  }

  /** Joins multicast groups by name and yields notifications as { name, group, msg }. */
  subscribe(groups: string | readonly string[], opts: SubscribeOptions = {}): AsyncIterableIterator<YnlNotification> {
    const byId = new Map(Object.entries(this.client.groups).map(([n, id]) => [id, n]));
    const inner = this.client.subscribe(groups, opts);
    const it: AsyncIterableIterator<YnlNotification> = {
      next: async () => {
        const r = await inner.next();
        if (r.done) return { value: undefined, done: true };
        const n = r.value;
        if (n.type === 'overrun') return { value: n, done: false };
        return { value: { type: 'event', name: n.name, group: byId.get(n.group) ?? String(n.group), msg: this.present(n.message) }, done: false };
      },
      return: async () => { await inner.return?.(); return { value: undefined, done: true }; },
      [Symbol.asyncIterator]() { return it; },
    };
    return it;
  }

  /**
   * A decoded message of this family as the kernel's CLI shows it: its attributes, then the
   * fields of its fixed header (genlmsghdr's own fields left out).
   */
  present(m: DecodedMessage): Record<string, unknown> {
    if (m.kind !== 'data') return {};
    const family = this.model.family;
    const set = (family.ops[m.name] ?? family.events[m.name])?.attrs;
    const out: Record<string, unknown> = set && m.attrs ? presentAttrs(this.model, set, m.attrs, this.presentOpts) : {};
    const fixed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m.header ?? {})) if (family.raw || !GENL_FIELDS.has(k)) fixed[k] = v;
    const header = this.headerName(m.name);
    Object.assign(out, header ? presentStruct(this.model, header, fixed) : fixed);
    return out;
  }

  /** The spec's name of the fixed header of operation `op`'s messages. */
  private headerName(op: string): string | undefined {
    const o = this.model.spec.operations;
    return o.list.find((x) => x.name === op)?.['fixed-header'] ?? o['fixed-header'];
  }

  /** Closes the socket this family opened (a shared `genl` connection stays open). */
  close(): void { this.closeFn(); }
  /** Closes it at the end of a `using` block. */
  [Symbol.dispose](): void { this.close(); }
  /** Closes it at the end of an `await using` block. */
  async [Symbol.asyncDispose](): Promise<void> { this.close(); }

  private async call(op: string, input: Record<string, unknown>, opts: YnlCallOptions, dump: boolean): Promise<Array<Record<string, unknown>>> {
    const def = this.model.family.ops[op];
    if (!def) {
      const known = Object.keys(this.model.family.ops);
      throw new TypeError(`${this.name}: no operation '${op}' (operations: ${known.join(', ')})`);
    }
    // A dump of a do-only operation is sent as asked: the kernel's CLI does so, and kernels
    // answer some (nftables gettable, tc getqdisc) that their spec marks do-only.
    if (!dump && !def.do) throw new TypeError(`${this.name}: operation '${op}' has no do mode`);
    const { fixed, attrs } = this.split(input, def.fixedHeader ?? this.model.fixedHeader);
    const co: GenlCallOptions & { dump?: boolean } = { dump, header: fixed };
    if (opts.timeout !== undefined) co.timeout = opts.timeout;
    if (opts.signal) co.signal = opts.signal;
    if (opts.flags !== undefined) co.flags = typeof opts.flags === 'number' ? opts.flags : opts.flags.reduce((n, f) => n | FLAG_BITS[f], 0);
    if (dump && !def.dump) {
      // Such a kernel may answer the dump as a do (nftables getgen: one reply and an ACK), so
      // ask for the ACK too: the DONE of a real dump or the ACK ends it.
      co.dump = false;
      co.flags = (co.flags ?? 0) | NLM_F.DUMP;
    }
    const ms = await this.client.send(op, prepareAttrs(this.model, def.attrs as AttrSet, attrs, op), co);
    return ms.map((m) => this.present(m));
  }

  /** Fixed-header fields (by member name) and attributes, given mixed as ynl takes them. */
  private split(input: Record<string, unknown>, header: StructDef | undefined): { fixed: Record<string, unknown>; attrs: Record<string, unknown> } {
    const fixedNames = new Set((header?.fields ?? []).map((f) => f.name));
    const fixed: Record<string, unknown> = {};
    const attrs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) (fixedNames.has(k) ? fixed : attrs)[k] = v;
    return { fixed, attrs };
  }
}
