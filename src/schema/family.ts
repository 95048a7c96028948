// Message-level declarations: which fixed header and attribute set each message type carries.
import { type Encodable, Concat } from '../core/attr.js';
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_NOOP, NLMSG_OVERRUN, align4 } from '../core/constants.js';
import { DecodeError, type ExtendedAck } from '../core/errors.js';
import { controlTypeName, decodeHeader, type MessageHeader } from '../core/header.js';
import { MessageBuilder } from '../core/message.js';
import { decodeDonePayload, decodeErrorPayload } from '../core/nlmsgerr.js';
import { enumValue } from './define.js';
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
   * selects the operation. The selected declaration's name and attribute set are used; its fixed
   * header is taken to be the same as this one's.
   */
  readonly select?: (fixed: Readonly<Record<string, unknown>>, header: MessageHeader) => MessageDef | undefined;
}

/** Declares one message type: its number, family header and attribute set (types stay precise for buildMessage). */
export function defineMessage<const H extends StructDef | undefined, const A extends AttrSet | undefined>(
  m: { name: string; type: number; header: H; attrs: A; object?: string; action?: 'new' | 'del' | 'get' | 'set' },
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
    // a type declared without an attribute set has none to walk (RTM_NEWNDUSEROPT carries raw ND options)
    headerSizes[m.type] = m.attrs ? (m.header ? m.header.size : 0) : 0xff;
  }
  c = { family: f, byType, byName, headerSizes };
  compiledFamilies.set(f, c);
  return c;
}

/** A decoded message of any kind. */
export type DecodedMessage =
  | { kind: 'data'; header: MessageHeader; offset: number; name: string; def?: MessageDef; fixed?: Record<string, unknown>; attrs?: Record<string, unknown> & { unknown?: UnknownAttr[] }; payload?: Uint8Array }
  | { kind: 'error'; header: MessageHeader; offset: number; name: 'NLMSG_ERROR'; error: number; request: MessageHeader; extack: ExtendedAck }
  | { kind: 'done'; header: MessageHeader; offset: number; name: 'NLMSG_DONE'; error: number; extack: ExtendedAck }
  | { kind: 'control'; header: MessageHeader; offset: number; name: string; payload: Uint8Array };

/** Decodes one message at `offset` (its nlmsghdr already validated by the walker or here). */
export function decodeMessageAt(cf: CompiledFamily | undefined, b: Uint8Array, offset: number, header?: MessageHeader): DecodedMessage {
  const h = header ?? decodeHeader(b, offset);
  const pOff = offset + NLMSG_HDRLEN;
  const payload = b.subarray(pOff, offset + h.length);
  if (h.type === NLMSG_ERROR) {
    const e = decodeErrorPayload(payload, h.flags, pOff);
    return { kind: 'error', header: h, offset, name: 'NLMSG_ERROR', error: e.error, request: e.request, extack: e.extack };
  }
  if (h.type === NLMSG_DONE) {
    const d = decodeDonePayload(payload, h.flags, pOff);
    return { kind: 'done', header: h, offset, name: 'NLMSG_DONE', error: d.error, extack: d.extack };
  }
  if (h.type === NLMSG_NOOP || h.type === NLMSG_OVERRUN || h.type < 16) {
    return { kind: 'control', header: h, offset, name: controlTypeName(h.type) ?? `NLMSG_${h.type}`, payload: payload.slice() };
  }
  const def = cf?.byType.get(h.type);
  if (!def) {
    const size = cf?.headerSizes[h.type];
    return { kind: 'data', header: h, offset, name: `type ${h.type}`, payload: payload.slice(), ...(size !== undefined && size !== 0xff ? {} : {}) };
  }
  let p = pOff;
  let fixed: Record<string, unknown> | undefined;
  if (def.header) {
    if (payload.length < def.header.size) {
      throw new DecodeError('message-short-for-header', offset, `${def.name}: payload ${payload.length} bytes, ${def.header.name} needs ${def.header.size}`);
    }
    fixed = decodeStruct(def.header, b, p, def.header.size);
    p += def.header.size;
  }
  const use = (def.select && def.select(fixed ?? {}, h)) || def;
  const out: DecodedMessage = { kind: 'data', header: h, offset, name: use.name, def: use };
  if (fixed) out.fixed = fixed;
  if (use.attrs) out.attrs = decodeAttrs(use.attrs, b, p, offset + h.length, fixed) as Record<string, unknown>;
  else if (p < offset + h.length) out.payload = b.slice(p, offset + h.length);
  return out;
}

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

/** Input to build a declared message: fixed header fields and attributes (enum names allowed). */
export interface BuildInput<H, A> {
  flags: number;
  seq?: number;
  pid?: number;
  fixed?: H extends StructDef ? Partial<StructValue<H>> | Record<string, unknown> : never;
  attrs?: A extends AttrSet ? Decoded<A['attrs']> | Record<string, unknown> : never;
}

/** Builds a declared message (Encodable; `.toBytes()` gives the bytes). */
export function buildMessage<H extends StructDef | undefined, A extends AttrSet | undefined>(
  def: MessageDef<H, A>, input: BuildInput<H, A>,
): MessageBuilder {
  const parts: Encodable[] = [];
  if (def.header) {
    const header = def.header;
    const fixed = (input.fixed ?? {}) as Record<string, unknown>;
    parts.push({ byteLength: () => structByteLength(header, fixed), encodeInto: (v, o) => encodeStructInto(header, fixed, v, o) });
  }
  if (def.attrs && input.attrs) {
    // header fields given by enum name still select sub-message formats by number (ifi_family)
    const fixed = input.fixed as Record<string, unknown> | undefined;
    const selectors = fixed && def.header ? { ...fixed } : fixed;
    if (selectors && def.header) {
      for (const f of def.header.fields) if (f.enum && typeof selectors[f.name] === 'string') selectors[f.name] = enumValue(f.enum, selectors[f.name] as string);
    }
    parts.push(encodeAttrs(def.attrs, input.attrs as Record<string, unknown>, selectors));
  }
  return new MessageBuilder(def.type, input.flags, new Concat(parts), input.seq ?? 0, input.pid ?? 0);
}
