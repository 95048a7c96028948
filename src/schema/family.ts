// Message-level declarations: which fixed header and attribute set each message type carries.
import { type Encodable, Concat } from '../core/attr.js';
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, align4 } from '../core/constants.js';
import { DecodeError, type ExtendedAck } from '../core/errors.js';
import { controlTypeName, dataView, decodeHeader, type MessageHeader } from '../core/header.js';
import { MessageBuilder } from '../core/message.js';
import { decodeDonePayload, decodeErrorPayload } from '../core/nlmsgerr.js';
import { enumValue } from './define.js';
import { jsonSafe } from '../core/json.js';
import { compiledDecodersActive, compiledSetDecoder, compiledStructDecoder } from './compile.js';
import { decodeAttrs, decodeStruct, encodeAttrs, encodeStructInto, structByteLength } from './engine.js';
import type { AttrSet, Decoded, StructDef, StructValue, UnknownAttr } from './types.js';

/** One message type of a family: its number, fixed header and attribute set. */
export interface MessageDef<H extends StructDef | undefined = StructDef | undefined, A extends AttrSet | undefined = AttrSet | undefined> {
  readonly name: string;
  readonly type: number;
  readonly header: H;
  readonly attrs: A;
  /** Object kind for NEW/DEL pairs ('link' for RTM_NEWLINK and RTM_DELLINK). */
  readonly object?: string;
  readonly action?: 'new' | 'del' | 'get' | 'set';
  /**
   * Picks a more specific declaration once the fixed header is decoded: generic netlink families
   * share one message type, and genlmsghdr.cmd (with the direction, NLM_F_REQUEST in `header`)
   * selects the operation (`nlmsg` the nlmsghdr). The selected declaration's name and attribute set are used; its fixed
   * header is taken to be the same as this one's.
   */
  readonly select?: (header: Readonly<Record<string, unknown>>, nlmsg: MessageHeader) => MessageDef | undefined;
  /**
   * Declarations of this type whose family headers differ, one of which each message's first
   * payload byte and direction pick (see `when`): a sock_diag reply is an inet_diag_msg for
   * AF_INET and AF_INET6, a unix_diag_msg for AF_UNIX. A message no variant matches keeps its
   * payload as bytes.
   */
  readonly variants?: ReadonlyArray<MessageDef>;
  /** A variant's match: the first payload bytes (an address family) and the direction it is for. */
  readonly when?: MessageMatch;
}

/** Which messages of its type a variant declaration is for. */
export interface MessageMatch {
  /** Values of the payload's first byte (the address family of sock_diag). */
  readonly firstByte: readonly number[];
  /** True for requests (NLM_F_REQUEST set), false for the kernel's replies and events. */
  readonly request: boolean;
}

/** The variant of `def` a message (payload [pOff, end), nlmsg_flags `flags`) is, or undefined for none. */
export function variantOf(def: MessageDef, b: Uint8Array, pOff: number, end: number, flags: number): MessageDef | undefined {
  if (pOff >= end) return undefined;
  const first = b[pOff]!;
  const request = (flags & 1) !== 0;
  for (const v of def.variants ?? []) if (v.when !== undefined && v.when.request === request && v.when.firstByte.includes(first)) return v;
  return undefined;
}

/** Declares one message type: its number, family header and attribute set (types stay precise for buildMessage). */
export function defineMessage<const H extends StructDef | undefined, const A extends AttrSet | undefined>(
  m: { name: string; type: number; header: H; attrs: A; object?: string; action?: 'new' | 'del' | 'get' | 'set'; variants?: ReadonlyArray<MessageDef>; when?: MessageMatch },
): MessageDef<H, A> {
  return m;
}

/** A protocol's messages (rtnetlink, or one genl family once resolved). */
export interface MessageFamily {
  readonly name: string;
  readonly protocol: number;
  readonly messages: ReadonlyArray<MessageDef>;
  /** Size of the fixed header that precedes attributes, for types that are not declared. */
  readonly defaultHeaderSize?: number;
}

export interface CompiledFamily {
  family: MessageFamily;
  byType: Map<number, MessageDef>;
  byName: Map<string, MessageDef>;
  /** u8 per message type: header size, 0xFF for "no attributes" (the walkers' table). */
  headerSizes: Uint8Array;
}

const compiledFamilies = new WeakMap<MessageFamily, CompiledFamily>();
/** Indexes a family's messages by type and by name, once per family object (cached). */
export function compileFamily(f: MessageFamily): CompiledFamily {
  let c = compiledFamilies.get(f);
  if (c) return c;
  const byType = new Map<number, MessageDef>();
  const byName = new Map<string, MessageDef>();
  const headerSizes = new Uint8Array(65536).fill(0xff);
  if (f.defaultHeaderSize !== undefined) headerSizes.fill(f.defaultHeaderSize, 16);
  for (const m of f.messages) {
    byType.set(m.type, m);
    byName.set(m.name, m);
    // a type declared without an attribute set has none to walk (RTM_NEWNDUSEROPT carries raw ND
    // options); nor has one of variants for the walker (their decoders check the attributes)
    headerSizes[m.type] = m.attrs && !m.variants ? (m.header ? m.header.size : 0) : 0xff;
  }
  c = { family: f, byType, byName, headerSizes };
  compiledFamilies.set(f, c);
  return c;
}

/**
 * A decoded data message: plain data (JSON-serialisable own properties). Naming, the same on
 * every layer: `header` is the family header (ifinfomsg, rtmsg, genlmsghdr, ...), `attrs` the
 * attributes; the nlmsghdr is in the flat fields (`length`, `type`, `flags`, `seq`, `pid`) and,
 * as one object, in `nlmsg`. `nlmsg` and `def` (the declaration used) are getters, which neither
 * JSON nor console.log shows.
 */
export class DataMessage {
  readonly kind = 'data' as const;
  /** The family header (ifinfomsg, rtmsg, genlmsghdr, ...); undefined when the type has none. */
  header: Record<string, unknown> | undefined = undefined;
  attrs: (Record<string, unknown> & { unknown?: UnknownAttr[] }) | undefined = undefined;
  payload: Uint8Array | undefined = undefined;
  readonly #def: MessageDef | undefined;
  constructor(
    /** Offset of the message in the decoded buffer. */
    public offset: number,
    public name: string,
    /** nlmsg_len, nlmsg_type, nlmsg_flags, nlmsg_seq, nlmsg_pid. */
    public length: number,
    public type: number,
    public flags: number,
    public seq: number,
    public pid: number,
    def: MessageDef | undefined,
  ) {
    this.#def = def;
  }
  /** The nlmsghdr as one object (as on error, done and control messages). */
  get nlmsg(): MessageHeader {
    return { length: this.length, type: this.type, flags: this.flags, seq: this.seq, pid: this.pid };
  }
  /** The declaration this message was decoded with (undefined for undeclared types). */
  get def(): MessageDef | undefined { return this.#def; }
  /**
   * @deprecated The family header's earlier name: use `header`. A getter, so neither JSON nor
   * console.log shows it; kept for code written against the earlier name.
   */
  get fixed(): Record<string, unknown> | undefined { return this.header; }
  /** JSON form: 64-bit values as numbers (or decimal strings past 2^53), bytes as hex. */
  toJSON(): unknown {
    return jsonSafe({ kind: this.kind, name: this.name, type: this.type, flags: this.flags, seq: this.seq, pid: this.pid, header: this.header, attrs: this.attrs, payload: this.payload });
  }
}

/** A decoded message of any kind. */
export type DecodedMessage =
  | DataMessage
  /** An NLMSG_ERROR: `error` is 0 (an ACK) or a negative errno; `request` the nlmsghdr it answers. */
  | { kind: 'error'; nlmsg: MessageHeader; offset: number; name: 'NLMSG_ERROR'; error: number; request: MessageHeader; extack: ExtendedAck }
  /** The NLMSG_DONE that ends a dump. */
  | { kind: 'done'; nlmsg: MessageHeader; offset: number; name: 'NLMSG_DONE'; error: number; extack: ExtendedAck }
  /** Another control message (NLMSG_NOOP, NLMSG_OVERRUN, ...). */
  | { kind: 'control'; nlmsg: MessageHeader; offset: number; name: string; payload: Uint8Array };

/** Decodes one message at `offset` (its nlmsghdr already validated by the walker or here). */
export function decodeMessageAt(cf: CompiledFamily | undefined, b: Uint8Array, offset: number, header?: MessageHeader, view?: DataView): DecodedMessage {
  const v = view ?? dataView(b);
  if (header === undefined && (b.length - offset < NLMSG_HDRLEN || v.getUint32(offset, true) < NLMSG_HDRLEN || v.getUint32(offset, true) > b.length - offset)) {
    decodeHeader(b, offset); // throws the precise DecodeError
  }
  const length = header ? header.length : v.getUint32(offset, true);
  const type = header ? header.type : v.getUint16(offset + 4, true);
  const pOff = offset + NLMSG_HDRLEN;
  const end = offset + length;
  if (type < 16) {
    if (header !== undefined) return decodeControl(header, b, offset, pOff, end, false);
    // a run of identical control headers (NOOPs, hostile or not) shares one frozen header object,
    // so such input costs memory and time in proportion to its size like any other
    const last = lastControl;
    if (type !== NLMSG_ERROR && type !== NLMSG_DONE && last !== undefined && last.length === length && last.type === type
      && last.flags === v.getUint16(offset + 6, true) && last.seq === v.getUint32(offset + 8, true) && last.pid === v.getUint32(offset + 12, true)) {
      return decodeControl(last, b, offset, pOff, end, false);
    }
    return decodeControl(decodeHeader(b, offset), b, offset, pOff, end, true);
  }
  const flags = header ? header.flags : v.getUint16(offset + 6, true);
  const seq = header ? header.seq : v.getUint32(offset + 8, true);
  const pid = header ? header.pid : v.getUint32(offset + 12, true);
  const def = cf?.byType.get(type);
  if (!def) {
    return new Undeclared(offset, `type ${type}`, length, type, flags, seq, pid, undefined, undefined, b.slice(pOff, end));
  }
  if (def.select === undefined && def.variants === undefined && compiledDecodersActive()) return directDecoder(cf!, def)(b, v, offset, length, flags, seq, pid);
  const parts = decodeParts(cf!, def, b, v, offset, end, header);
  return new (messageClassOf(parts.def))(offset, parts.def.name, length, type, flags, seq, pid, parts.header, parts.attrs, parts.attrs ? undefined : parts.payload);
}

type MessageClass = new (
  offset: number, name: string, length: number, type: number, flags: number, seq: number, pid: number,
  header: Record<string, unknown> | undefined, attrs: Record<string, unknown> | undefined, payload: Uint8Array | undefined,
) => DataMessage;

/**
 * A small class per declaration whose instances are DataMessages (its prototype inherits
 * DataMessage's, with `def` answered by the declaration): the fields in DataMessage's order, set
 * by a plain constructor. `new` of it costs ~20 ns; a literal with `__proto__` is a runtime call
 * (~100 ns) and DataMessage's own constructor (class fields, a private field) more.
 */
function messageClass(def: MessageDef | undefined): MessageClass {
  const M = class {
    declare offset: number; declare name: string; declare length: number; declare type: number; declare flags: number;
    declare seq: number; declare pid: number; declare kind: 'data';
    declare header: Record<string, unknown> | undefined; declare attrs: Record<string, unknown> | undefined; declare payload: Uint8Array | undefined;
    constructor(
      offset: number, name: string, length: number, type: number, flags: number, seq: number, pid: number,
      header: Record<string, unknown> | undefined, attrs: Record<string, unknown> | undefined, payload: Uint8Array | undefined,
    ) {
      this.offset = offset; this.name = name; this.length = length; this.type = type; this.flags = flags;
      this.seq = seq; this.pid = pid; this.kind = 'data'; this.header = header; this.attrs = attrs; this.payload = payload;
    }
  };
  Object.setPrototypeOf(M.prototype, DataMessage.prototype);
  Object.defineProperty(M.prototype, 'def', { get: () => def });
  // console.log names DataMessage, whose prototype's constructor this leaves visible
  delete (M.prototype as { constructor?: unknown }).constructor;
  return M as unknown as MessageClass;
}
const messageClasses = new WeakMap<MessageDef, MessageClass>();
const Undeclared = messageClass(undefined);
/** The class of `def`'s decoded messages. */
function messageClassOf(def: MessageDef | undefined): MessageClass {
  if (def === undefined) return Undeclared;
  let c = messageClasses.get(def);
  if (c === undefined) { c = messageClass(def); messageClasses.set(def, c); }
  return c;
}

type DirectDecoder = (b: Uint8Array, v: DataView, offset: number, length: number, flags: number, seq: number, pid: number) => DataMessage;
const directDecoders = new WeakMap<MessageDef, DirectDecoder>();
/**
 * The whole decode of one declared message type without a selector, with its compiled header and
 * set decoders bound once (a dump decodes thousands of messages of one type).
 */
function directDecoder(cf: CompiledFamily, def: MessageDef): DirectDecoder {
  let d = directDecoders.get(def);
  if (d) return d;
  // the caller checked: compiled decoders are active and the type has no selector
  const parts = partsDecoder(cf, def);
  const { name, type } = def;
  const Message = messageClassOf(def);
  d = (b, v, offset, length, flags, seq, pid) => {
    const p = parts(b, v, offset, offset + length);
    return new Message(offset, name, length, type, flags, seq, pid, p.header, p.attrs, p.payload);
  };
  directDecoders.set(def, d);
  return d;
}

/** What a declared data message decodes to (one reused object: read it before the next call). */
export interface MessageParts {
  def: MessageDef;
  header: Record<string, unknown> | undefined;
  attrs: Record<string, unknown> | undefined;
  payload: Uint8Array | undefined;
}
const PARTS: MessageParts = { def: undefined as unknown as MessageDef, header: undefined, attrs: undefined, payload: undefined };

/**
 * The family header and attributes of a declared data message at `offset` (nlmsghdr validated,
 * `end` its end), with the compiled decoders where they are active.
 */
export function decodeParts(cf: CompiledFamily, def: MessageDef, b: Uint8Array, v: DataView, offset: number, end: number, header?: MessageHeader): MessageParts {
  const compiled = compiledDecodersActive();
  const pOff = offset + NLMSG_HDRLEN;
  if (def.variants !== undefined) {
    const variant = variantOf(def, b, pOff, end, header ? header.flags : v.getUint16(offset + 6, true));
    if (variant === undefined) {
      PARTS.def = def; PARTS.header = undefined; PARTS.attrs = undefined;
      PARTS.payload = pOff < end ? b.slice(pOff, end) : undefined;
      return PARTS;
    }
    def = variant;
  }
  let p = pOff;
  let fixed: Record<string, unknown> | undefined;
  if (def.header) {
    const size = def.header.size;
    if (end - pOff < size) {
      throw new DecodeError('message-short-for-header', offset, `${def.name}: payload ${end - pOff} bytes, ${def.header.name} needs ${size}`);
    }
    fixed = compiled ? compiledStructDecoder(def.header)(b, v, p, size) : decodeStruct(def.header, b, p, size);
    p += size;
  }
  const use = (def.select && def.select(fixed ?? {}, header ?? decodeHeader(b, offset))) || def;
  PARTS.def = use;
  PARTS.header = fixed;
  PARTS.attrs = undefined;
  PARTS.payload = undefined;
  if (use.attrs) {
    PARTS.attrs = (compiled ? compiledSetDecoder(use.attrs)(b, v, p, end, fixed, 0) : decodeAttrs(use.attrs, b, p, end, fixed)) as Record<string, unknown>;
  } else if (p < end) PARTS.payload = b.slice(p, end);
  void cf;
  return PARTS;
}

/** decodeParts() for one declaration, its decoders bound once: what a dump's loop calls per message. */
export type PartsDecoder = (b: Uint8Array, v: DataView, offset: number, end: number) => MessageParts;
const partsDecoders = new WeakMap<MessageDef, PartsDecoder>();
/**
 * The parts decoder of `def`: with compiled decoders and no selector, the header and set
 * decoders are looked up once here rather than for every message; otherwise decodeParts().
 * Take it again after setCompiledDecoders() (a dump's loop takes it per datagram).
 */
export function partsDecoder(cf: CompiledFamily, def: MessageDef): PartsDecoder {
  if (def.select !== undefined || def.variants !== undefined || !compiledDecodersActive()) return (b, v, offset, end) => decodeParts(cf, def, b, v, offset, end);
  let d = partsDecoders.get(def);
  if (d) return d;
  const hdr = def.header;
  const size = hdr ? hdr.size : 0;
  const decodeHdr = hdr ? compiledStructDecoder(hdr) : undefined;
  const decodeSet = def.attrs ? compiledSetDecoder(def.attrs) : undefined;
  d = (b, v, offset, end) => {
    const p = offset + NLMSG_HDRLEN;
    let fixed: Record<string, unknown> | undefined;
    if (decodeHdr !== undefined) {
      if (end - p < size) throw new DecodeError('message-short-for-header', offset, `${def.name}: payload ${end - p} bytes, ${hdr!.name} needs ${size}`);
      fixed = decodeHdr(b, v, p, size);
    }
    PARTS.def = def;
    PARTS.header = fixed;
    PARTS.attrs = undefined;
    PARTS.payload = undefined;
    if (decodeSet !== undefined) PARTS.attrs = decodeSet(b, v, p + size, end, fixed, 0);
    else if (p + size < end) PARTS.payload = b.slice(p + size, end);
    return PARTS;
  };
  partsDecoders.set(def, d);
  return d;
}

/** `own`: `h` was made here for this message (so it may be frozen and shared with the next ones). */
function decodeControl(h: MessageHeader, b: Uint8Array, offset: number, pOff: number, end: number, own: boolean): DecodedMessage {
  const payload = b.subarray(pOff, end);
  if (h.type === NLMSG_ERROR) {
    const e = decodeErrorPayload(payload, h.flags, pOff);
    return { kind: 'error', nlmsg: h, offset, name: 'NLMSG_ERROR', error: e.error, request: e.request, extack: e.extack };
  }
  if (h.type === NLMSG_DONE) {
    const d = decodeDonePayload(payload, h.flags, pOff);
    return { kind: 'done', nlmsg: h, offset, name: 'NLMSG_DONE', error: d.error, extack: d.extack };
  }
  const nlmsg = own ? (lastControl = Object.freeze(h)) : h;
  return { kind: 'control', nlmsg, offset, name: controlTypeName(h.type) ?? `NLMSG_${h.type}`, payload: payload.length ? payload.slice() : EMPTY };
}
const EMPTY = new Uint8Array(0);
let lastControl: MessageHeader | undefined;

/** Decodes every message in `b` with a family's declarations. */
export function decodeAll(family: MessageFamily | undefined, b: Uint8Array): DecodedMessage[] {
  const cf = family ? compileFamily(family) : undefined;
  const out: DecodedMessage[] = [];
  let off = 0;
  while (off < b.length) {
    const h = decodeHeader(b, off);
    out.push(decodeMessageAt(cf, b, off, h));
    off += align4(h.length);
  }
  return out;
}

/** Input to build a declared message: family header fields and attributes (enum names allowed). */
export interface BuildInput<H, A> {
  flags: number;
  seq?: number;
  pid?: number;
  /** The family header's fields (ifinfomsg, rtmsg, ...), as decode() gives them in `header`. */
  header?: H extends StructDef ? Partial<StructValue<H>> | Record<string, unknown> : never;
  attrs?: A extends AttrSet ? Decoded<A['attrs']> | Record<string, unknown> : never;
}

/** Builds a declared message (Encodable; `.toBytes()` gives the bytes). */
export function buildMessage<H extends StructDef | undefined, A extends AttrSet | undefined>(
  def: MessageDef<H, A>, input: BuildInput<H, A>,
): MessageBuilder {
  // `fixed` was this field's old name: refuse it rather than send an all-zero header
  if ('fixed' in input) throw new TypeError(`${def.name}: the family header is given as \`header\`, not \`fixed\``);
  const parts: Encodable[] = [];
  if (def.header) {
    const header = def.header;
    const fixed = (input.header ?? {}) as Record<string, unknown>;
    parts.push({ byteLength: () => structByteLength(header, fixed), encodeInto: (v, o) => encodeStructInto(header, fixed, v, o) });
  }
  if (def.attrs && input.attrs) {
    // header fields given by enum name still select sub-message formats by number (ifi_family)
    const fixed = input.header as Record<string, unknown> | undefined;
    const selectors = fixed && def.header ? { ...fixed } : fixed;
    if (selectors && def.header) {
      for (const f of def.header.fields) if (f.enum && typeof selectors[f.name] === 'string') selectors[f.name] = enumValue(f.enum, selectors[f.name] as string);
    }
    parts.push(encodeAttrs(def.attrs, input.attrs as Record<string, unknown>, selectors));
  }
  return new MessageBuilder(def.type, input.flags, new Concat(parts), input.seq ?? 0, input.pid ?? 0);
}
