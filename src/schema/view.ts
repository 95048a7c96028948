// Lazy views: one small object per message over the received bytes; nothing is decoded until a
// field is read. `attr(key)` decodes one attribute; `header` and `attrs` decode (and keep) the
// whole family header or attribute set with the same compiled decoders as the objects.
import { NLA_TYPE_MASK, NLMSG_HDRLEN, align4 } from '../core/constants.js';
import { dataView, type MessageHeader } from '../core/header.js';
import { compiledSetDecoder, compiledStructDecoder } from './compile.js';
import { decodeMessageAt, type CompiledFamily, type DecodedMessage, type MessageDef } from './family.js';

/** A message seen through its bytes (which must not change while the view is used). */
export class MessageView {
  #fixed: Record<string, unknown> | undefined;
  #attrs: Record<string, unknown> | undefined;
  constructor(
    private readonly bytes: Uint8Array,
    /** Offset of the message in `bytes`. */
    readonly offset: number,
    private readonly def: MessageDef | undefined,
    private readonly cf: CompiledFamily | undefined,
  ) {}

  /** nlmsg_len. */
  get length(): number { const b = this.bytes, o = this.offset; return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0; }
  /** nlmsg_type. */
  get type(): number { return this.bytes[this.offset + 4]! | (this.bytes[this.offset + 5]! << 8); }
  /** nlmsg_flags. */
  get flags(): number { return this.bytes[this.offset + 6]! | (this.bytes[this.offset + 7]! << 8); }
  /** The nlmsghdr as one object (as `nlmsg` of a decode() result). */
  get nlmsg(): MessageHeader {
    const v = dataView(this.bytes), o = this.offset;
    return { length: this.length, type: this.type, flags: this.flags, seq: v.getUint32(o + 8, true), pid: v.getUint32(o + 12, true) };
  }
  /** The declared message name ('RTM_NEWROUTE'), or 'type N' when undeclared. */
  get name(): string { return this.def?.name ?? `type ${this.type}`; }

  /** The family header, decoded on first read. */
  get header(): Record<string, unknown> | undefined {
    if (this.#fixed === undefined && this.def?.header) {
      this.#fixed = compiledStructDecoder(this.def.header)(this.bytes, dataView(this.bytes), this.offset + NLMSG_HDRLEN, this.def.header.size);
    }
    return this.#fixed;
  }

  /** Every attribute, decoded on first read. */
  get attrs(): Record<string, unknown> | undefined {
    if (this.#attrs === undefined && this.def?.attrs) {
      const start = this.offset + NLMSG_HDRLEN + (this.def.header?.size ?? 0);
      this.#attrs = compiledSetDecoder(this.def.attrs)(this.bytes, dataView(this.bytes), start, this.offset + this.length, this.header, 0);
    }
    return this.#attrs;
  }

  /** One top-level attribute by its declared key, decoded alone (undefined when absent). */
  attr(key: string): unknown {
    if (this.#attrs) return this.#attrs[key];
    const d = this.def?.attrs?.attrs[key];
    if (!d) return undefined;
    const b = this.bytes;
    const end = this.offset + this.length;
    for (let off = this.offset + NLMSG_HDRLEN + (this.def!.header?.size ?? 0); off + 4 <= end;) {
      const len = b[off]! | (b[off + 1]! << 8);
      if (len < 4) break;
      if (((b[off + 2]! | (b[off + 3]! << 8)) & NLA_TYPE_MASK) === d.id) {
        // decode just this attribute with the set's decoder over its own bytes
        return compiledSetDecoder(this.def!.attrs!)(b, dataView(b), off, Math.min(end, off + align4(len)), this.header, 0)[key];
      }
      off += align4(len);
    }
    return undefined;
  }

  /** The same message as a plain object (what decode() gives). */
  toMessage(): DecodedMessage {
    return decodeMessageAt(this.cf, this.bytes, this.offset);
  }
  /** The message as plain data, as JSON.stringify writes it. */
  toJSON(): unknown { return this.toMessage(); }
}
