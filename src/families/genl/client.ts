// GenlClient: drives one declared family (a GenlFamilyDef, from TS declarations or a YNL spec)
// over a NetlinkSocket: do, dump, notifications. Replies are decoded with the family's own
// declarations even when the socket was opened for something else (a shared genl socket).
import { NLMSG_HDRLEN } from '../../core/constants.js';
import { NetlinkError } from '../../core/errors.js';
import { dataView, encodeHeader } from '../../core/header.js';
import type { MessageBuilder } from '../../core/message.js';
import { buildMessage, compileFamily, decodeMessageAt, type CompiledFamily, type DecodedMessage, type MessageDef, type MessageFamily } from '../../schema/family.js';
import type {
  AttrSet, AttrValue, BigIntType, DecodedSet, EnumDef, FlagsDef, IntType, ScalarType, StructDef, UnknownAttr,
} from '../../schema/types.js';
import type { ColumnDumpResult, DumpStream, NetlinkSocket, RequestOptions, SubscribeOptions, ViewDumpResult } from '../../socket/netlink-socket.js';
import type { MessageView } from '../../schema/view.js';
import type { ColumnTable } from '../../schema/columns.js';
import { ColumnExtractor } from '../../schema/columns.js';
import { locateAttribute } from '../../socket/extack-resolve.js';
import { familyMessages, type GenlFamilyDef } from './define.js';

/** The names of a family's operations. */
export type OpName<F extends GenlFamilyDef> = keyof F['ops'] & string;
/** The names of a family's notifications. */
export type EventName<F extends GenlFamilyDef> = keyof F['events'] & string;
/** The decoded attributes of replies to `K`. */
export type OpAttrs<F extends GenlFamilyDef, K extends OpName<F>> = DecodedSet<F['ops'][K]['attrs']>;
/** What a request of `K` takes: the decoded form, where enums also take names and flags lists of names. */
export type OpInput<F extends GenlFamilyDef, K extends OpName<F>> = InputOf<SetDefs<F['ops'][K]['attrs']>>;
/** The decoded attributes of notification `K`. */
export type EventAttrs<F extends GenlFamilyDef, K extends EventName<F>> = DecodedSet<F['events'][K]['attrs']>;

type SetDefs<S> = S extends () => infer R ? SetDefs<R> : S extends AttrSet<infer A> ? A : never;
/** Input to the engine's encoder for an attribute set (see OpInput). */
export type InputOf<A> = { -readonly [K in keyof A]?: A[K] extends { multi: true } ? Array<InputValue<A[K]>> : InputValue<A[K]> }
  & { unknown?: UnknownAttr[] };
type InputValue<D> =
  D extends { type: IntType; flags: FlagsDef<infer V> } ? number | ReadonlyArray<(keyof V & string) | number>
  : D extends { type: IntType; enum: EnumDef<infer V> } ? number | (keyof V & string)
  : D extends { type: BigIntType } ? bigint | number
  : D extends { type: 'nest'; header: StructDef } ? AttrValue<D>
  : D extends { type: 'nest'; set: infer S } ? InputOf<SetDefs<S>>
  : D extends { type: 'indexed-array'; item: infer I } ? Array<I extends ScalarType ? number | bigint : InputOf<SetDefs<I>>>
  : AttrValue<D>;

/** Options of one {@link GenlClient} call. */
export interface GenlCallOptions extends Omit<RequestOptions, 'operation'> {
  /** Fields of the family header (genetlink-legacy, netlink-raw), beside genlmsghdr's cmd/version. */
  header?: Readonly<Record<string, unknown>>;
  /** Extra nlmsg_flags (NLM_F.CREATE, ...); REQUEST, ACK and DUMP are set for you. */
  flags?: number;
}

/** What {@link GenlClient.subscribe} yields: a declared notification, another message, or an overrun. */
export type GenlNotification<F extends GenlFamilyDef> =
  | { [K in EventName<F>]: { type: 'event'; name: K; cmd: number; group: number; attrs: EventAttrs<F, K>; message: DecodedMessage } }[EventName<F>]
  /** A message of this family on the group that is not a declared notification. */
  | { type: 'other'; name: string; group: number; message: DecodedMessage }
  /** The kernel dropped notifications (ENOBUFS) or one was truncated: resync state. */
  | { type: 'overrun'; reason: 'ENOBUFS' | 'truncated' | 'queue-full' };

/** The ids a family got from the kernel (genl) or from its declaration (netlink-raw). */
export interface ResolvedIds {
  /** genl family id (the nlmsg_type of its messages); 0 for netlink-raw families. */
  id: number;
  /** Multicast group name → group number. */
  groups: Readonly<Record<string, number>>;
}

/** Typed calls of one generic netlink family over a socket: `do` (a request), `dump`, and `subscribe` to its multicast groups, by the names its declaration gives. Get one from {@link GenericNetlink.bind}. */
export class GenlClient<F extends GenlFamilyDef = GenlFamilyDef> {
  /** The family's message declarations with its resolved id (for decode(), pcaps, sockets). */
  readonly family: MessageFamily;
  readonly id: number;
  readonly groups: Readonly<Record<string, number>>;
  private readonly cf: CompiledFamily;
  private readonly requests: Map<string, MessageDef>;

  constructor(readonly socket: NetlinkSocket, readonly def: F, ids: ResolvedIds) {
    this.id = ids.id;
    this.groups = ids.groups;
    const m = familyMessages(def, ids.id);
    this.family = m.family;
    this.requests = m.requests;
    this.cf = compileFamily(m.family);
  }

  /** The request message of `op` (not sent): for fixtures, pcaps, or sending by hand. */
  build<K extends OpName<F>>(op: K, attrs: OpInput<F, K> = {}, opts: GenlCallOptions = {}): MessageBuilder {
    return this.buildUntyped(op, attrs, opts);
  }

  /** build() for families described at run time (YNL specs): attributes by name, checked by the engine. */
  buildUntyped(op: string, attrs: Readonly<Record<string, unknown>>, opts: GenlCallOptions = {}): MessageBuilder {
    const def = this.requestDef(op);
    const o = this.def.ops[op]!;
    const header = this.def.raw ? { ...opts.header } : { ...opts.header, cmd: o.cmd, version: this.def.version };
    return buildMessage(def, { flags: opts.flags ?? 0, header, attrs: attrs as Record<string, unknown> });
  }

  /**
   * Sends `op` and resolves with every decoded reply (data messages only). `dump` runs it as a
   * dump. Kernel refusals reject with NetlinkError, its attribute path named by this family.
   */
  call<K extends OpName<F>>(op: K, attrs: OpInput<F, K> = {}, opts: GenlCallOptions & { dump?: boolean } = {}): Promise<DecodedMessage[]> {
    return this.send(op, attrs, opts);
  }

  /** call() for families described at run time (YNL specs). */
  async send(op: string, attrs: Readonly<Record<string, unknown>>, opts: GenlCallOptions & { dump?: boolean } = {}): Promise<DecodedMessage[]> {
    const bytes = this.buildUntyped(op, attrs, opts).toBytes();
    const ro = this.requestOptions(op, opts);
    if (opts.expect) ro.expect = opts.expect;
    try {
      const r = opts.dump ? await this.socket.dumpAll(bytes, ro) : await this.socket.request(bytes, ro);
      return r.messages.map((m) => this.decode(m)).filter((m) => m.kind === 'data');
    } catch (e) {
      throw this.explain(e, op, bytes);
    }
  }

  /** A do request: the first reply's attributes, or undefined when the kernel only ACKs. */
  async do<K extends OpName<F>>(op: K, attrs: OpInput<F, K> = {}, opts: GenlCallOptions = {}): Promise<OpAttrs<F, K> | undefined> {
    const [first] = await this.call(op, attrs, opts);
    return first?.kind === 'data' ? (first.attrs ?? {}) as OpAttrs<F, K> : undefined;
  }

  /** A dump: the attributes of every reply. */
  async dump<K extends OpName<F>>(op: K, attrs: OpInput<F, K> = {}, opts: GenlCallOptions = {}): Promise<Array<OpAttrs<F, K>>> {
    const ms = await this.call(op, attrs, { ...opts, dump: true });
    return ms.map((m) => (m.kind === 'data' ? m.attrs ?? {} : {}) as OpAttrs<F, K>);
  }

  /**
   * A dump as lazy views: the replies kept as received, each decoded with this family's
   * declarations when a field is read (`view.attr('ifindex')`, `view.attrs`).
   */
  async dumpViews<K extends OpName<F>>(op: K, attrs: OpInput<F, K> = {}, opts: GenlCallOptions = {}): Promise<ViewDumpResult> {
    const bytes = this.buildUntyped(op, attrs, opts).toBytes();
    try {
      return await this.socket.dumpViews(bytes, { ...this.requestOptions(op, opts), family: this.family });
    } catch (e) {
      throw this.explain(e, op, bytes);
    }
  }

  /**
   * A dump as typed-array columns of chosen fields of the replies: `header.NAME` for a family
   * header field (genlmsghdr's `cmd`, a fixed header's), attribute keys, paths through nests.
   */
  async dumpColumns<K extends OpName<F>>(op: K, fields: readonly string[], attrs: OpInput<F, K> = {}, opts: GenlCallOptions = {}): Promise<ColumnDumpResult> {
    const x = this.replyColumns(op, fields);
    const bytes = this.buildUntyped(op, attrs, opts).toBytes();
    try {
      return await this.socket.dumpColumns(bytes, x, this.requestOptions(op, opts));
    } catch (e) {
      throw this.explain(e, op, bytes);
    }
  }

  /** A dump as a stream of the replies' attributes, read as they arrive (memory stays flat). */
  dumpStream<K extends OpName<F>>(op: K, attrs: OpInput<F, K> = {}, opts: GenlCallOptions = {}): DumpStream<OpAttrs<F, K>> {
    const bytes = this.buildUntyped(op, attrs, opts).toBytes();
    const messages = this.socket.dump(bytes, this.requestOptions(op, opts));
    return this.explained<OpAttrs<F, K>>({
      get interrupted() { return messages.interrupted; },
      [Symbol.asyncIterator]: () => {
        const it = messages[Symbol.asyncIterator]();
        const next = async (): Promise<IteratorResult<OpAttrs<F, K>>> => {
          for (;;) {
            const r = await it.next();
            if (r.done) return { value: undefined, done: true };
            const m = this.decode(r.value);
            if (m.kind === 'data') return { value: (m.attrs ?? {}) as OpAttrs<F, K>, done: false };
          }
        };
        return { next, return: async (): Promise<IteratorResult<OpAttrs<F, K>>> => { await it.return?.(); return { value: undefined, done: true }; } };
      },
    }, op, bytes);
  }

  /** A dump as a stream of lazy views (see dumpViews), one datagram's at a time. */
  viewStream<K extends OpName<F>>(op: K, attrs: OpInput<F, K> = {}, opts: GenlCallOptions = {}): DumpStream<MessageView> {
    const bytes = this.buildUntyped(op, attrs, opts).toBytes();
    return this.explained(this.socket.viewStream(bytes, { ...this.requestOptions(op, opts), family: this.family }), op, bytes);
  }

  /** A dump as a stream of column batches (see dumpColumns), one a datagram, each the caller's to keep. */
  columnStream<K extends OpName<F>>(op: K, fields: readonly string[], attrs: OpInput<F, K> = {}, opts: GenlCallOptions = {}): DumpStream<ColumnTable> {
    const x = this.replyColumns(op, fields);
    const bytes = this.buildUntyped(op, attrs, opts).toBytes();
    return this.explained(this.socket.columnStream(bytes, x, this.requestOptions(op, opts)), op, bytes);
  }

  /** The column extractor of `op`'s replies: the family id (classic netlink: the reply type) with the op's attributes. */
  private replyColumns(op: string, fields: readonly string[]): ColumnExtractor {
    const o = this.def.ops[op];
    if (!o) throw new TypeError(`${this.def.name}: no operation '${op}'`);
    const message: MessageDef = { ...this.requestDef(op), type: this.def.raw ? o.reply ?? o.cmd : this.id };
    return new ColumnExtractor({ message, fields });
  }

  /** A stream whose errors name the refused attribute, as the other calls' do. */
  private explained<T>(s: DumpStream<T>, op: string, request: Uint8Array): DumpStream<T> {
    return {
      get interrupted() { return s.interrupted; },
      [Symbol.asyncIterator]: () => {
        const it = s[Symbol.asyncIterator]();
        return {
          next: async () => { try { return await it.next(); } catch (e) { throw this.explain(e, op, request); } },
          return: async (): Promise<IteratorResult<T>> => { await it.return?.(); return { value: undefined, done: true }; },
        };
      },
    };
  }

  /** The socket's options for a call of `op`: its name for errors, timeout and signal. */
  private requestOptions(op: string, opts: GenlCallOptions): RequestOptions {
    const ro: RequestOptions = { operation: this.operationName(op) };
    if (opts.timeout !== undefined) ro.timeout = opts.timeout;
    if (opts.signal) ro.signal = opts.signal;
    return ro;
  }

  /** Joins multicast groups by name and yields this family's notifications from them. */
  subscribe(groups: string | readonly string[], opts: SubscribeOptions = {}): AsyncIterableIterator<GenlNotification<F>> {
    const names = typeof groups === 'string' ? [groups] : groups;
    const ids = names.map((g) => {
      const id = this.groups[g];
      if (id === undefined) {
        throw new Error(`${this.def.name}: no multicast group '${g}' (groups: ${Object.keys(this.groups).join(', ') || 'none'})`);
      }
      return id;
    });
    const inner = this.socket.subscribe(ids, opts);
    const it: AsyncIterableIterator<GenlNotification<F>> = {
      next: async () => {
        for (;;) {
          const r = await inner.next();
          if (r.done) return { value: undefined, done: true };
          const item = r.value;
          if (item.type === 'overrun') return { value: item, done: false };
          if (!ids.includes(item.group) || !this.owns(item.message.nlmsg.type)) continue;
          return { value: this.notification(this.decode(item.message), item.group), done: false };
        }
      },
      return: async () => {
        await inner.return?.();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() { return it; },
    };
    return it;
  }

  /** Decodes (again, if needed) a message received for this family with its declarations. */
  decode(m: DecodedMessage): DecodedMessage {
    if (m.kind !== 'data' || !m.payload || !this.owns(m.nlmsg.type)) return m;
    const bytes = new Uint8Array(NLMSG_HDRLEN + m.payload.length);
    encodeHeader({ ...m.nlmsg, length: bytes.length }, dataView(bytes), 0);
    bytes.set(m.payload, NLMSG_HDRLEN);
    const d = decodeMessageAt(this.cf, bytes, 0);
    d.offset = m.offset;
    return d;
  }

  /** The C name of an operation (for errors), or 'family op'. */
  operationName(op: string): string {
    return this.def.ops[op]?.enumName ?? `${this.def.name} ${op}`;
  }

  private owns(type: number): boolean {
    return this.cf.byType.has(type);
  }

  private requestDef(op: string): MessageDef {
    const def = this.requests.get(op);
    if (!def) throw new TypeError(`${this.def.name}: no operation '${op}' (operations: ${[...this.requests.keys()].join(', ')})`);
    return def;
  }

  private notification(m: DecodedMessage, group: number): GenlNotification<F> {
    if (m.kind === 'data' && m.def && m.name in this.def.events) {
      const cmd = this.def.raw ? m.nlmsg.type : Number(m.header?.cmd);
      return { type: 'event', name: m.name, cmd, group, attrs: m.attrs ?? {}, message: m } as GenlNotification<F>;
    }
    return { type: 'other', name: m.name, group, message: m };
  }

  /** Names the offending attribute of a refused request with this operation's declarations. */
  private explain(e: unknown, op: string, request: Uint8Array): unknown {
    if (!(e instanceof NetlinkError) || (e.extack.offset === undefined && e.extack.missingType === undefined)) return e;
    const one: MessageFamily = { name: this.def.name, protocol: this.family.protocol, messages: [this.requestDef(op)] };
    try {
      return new NetlinkError(e.errno, e.syscall, locateAttribute(e.extack, request, compileFamily(one)), e.request);
    } catch {
      return e;
    }
  }
}
