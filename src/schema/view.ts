// Lazy views: a list of messages over the received bytes that holds one 4-byte offset per message
// until a message is read; then a small view object reads its fields. `attr(key)` decodes one
// attribute; `header` and `attrs` decode (and keep) the whole family header or attribute set with
// the same compiled decoders as the objects.
import { NLA_TYPE_MASK, NLMSG_HDRLEN, align4 } from '../core/constants.js';
import { DecodeError } from '../core/errors.js';
import { dataView, type MessageHeader } from '../core/header.js';
import { compiledSetDecoder, compiledStructDecoder } from './compile.js';
import { decodeMessageAt, variantOf, type CompiledFamily, type DecodedMessage, type MessageDef } from './family.js';

/** A message seen through its bytes (which must not change while the view is used). */
export class MessageView {
  #fixed: Record<string, unknown> | undefined;
  #attrs: Record<string, unknown> | undefined;
  /** The declaration of the family header (a variant's, by the first payload byte); null until looked up. */
  #layout: MessageDef | undefined | null = null;
  /** The declaration of the attributes (the layout's, or the one its selector picks); null until looked up. */
  #use: MessageDef | undefined | null = null;
  constructor(
    private readonly bytes: Uint8Array,
    /** Offset of the message in `bytes`. */
    readonly offset: number,
    private readonly typeDef: MessageDef | undefined,
    private readonly cf: CompiledFamily | undefined,
  ) {}

  private get layout(): MessageDef | undefined {
    if (this.#layout === null) {
      const d = this.typeDef;
      this.#layout = d?.variants ? variantOf(d, this.bytes, this.offset + NLMSG_HDRLEN, this.offset + this.length, this.flags) : d;
    }
    return this.#layout;
  }
  private get def(): MessageDef | undefined {
    if (this.#use === null) {
      const d = this.layout;
      this.#use = d?.select ? (d.select(this.header ?? {}, this.nlmsg) ?? d) : d;
    }
    return this.#use;
  }

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
  get name(): string { return this.def?.name ?? this.typeDef?.name ?? `type ${this.type}`; }

  /** The family header, decoded on first read. */
  get header(): Record<string, unknown> | undefined {
    const h = this.layout?.header;
    if (this.#fixed === undefined && h) {
      // the walker checked the size for types of one header; a variant's is checked here
      if (this.length - NLMSG_HDRLEN < h.size) throw new DecodeError('message-short-for-header', this.offset, `${h.name} needs ${h.size} bytes, the payload has ${this.length - NLMSG_HDRLEN}`);
      this.#fixed = compiledStructDecoder(h)(this.bytes, dataView(this.bytes), this.offset + NLMSG_HDRLEN, h.size);
    }
    return this.#fixed;
  }

  /** Every attribute, decoded on first read. */
  get attrs(): Record<string, unknown> | undefined {
    if (this.#attrs === undefined && this.def?.attrs) {
      const start = this.offset + NLMSG_HDRLEN + (this.layout?.header?.size ?? 0);
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
    for (let off = this.offset + NLMSG_HDRLEN + (this.layout?.header?.size ?? 0); off + 4 <= end;) {
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

/**
 * Lazy views of many messages (a dump): the bytes (one buffer per received datagram) and one
 * offset per message; `at(i)` or iteration makes a {@link MessageView} when a message is read, so
 * a million routes cost their bytes and 4 MB of offsets until then.
 */
export class MessageViews implements Iterable<MessageView> {
  #bufs: Uint8Array[] = [];
  /** Index of the first message of each buffer (ascending). */
  #firsts: number[] = [];
  #offsets = new Uint32Array(256);
  #count = 0;
  readonly #cf: CompiledFamily | undefined;
  /** @internal Use decodeViews() or Rtnl.routeViews(). */
  constructor(cf: CompiledFamily | undefined) { this.#cf = cf; }

  /** How many messages. */
  get length(): number { return this.#count; }

  /** @internal Adds a buffer and the offsets of its messages (already validated). */
  addBuffer(bytes: Uint8Array): (offset: number) => void {
    this.#bufs.push(bytes);
    this.#firsts.push(this.#count);
    return (offset) => {
      if (this.#count === this.#offsets.length) {
        const next = new Uint32Array(this.#offsets.length * 2);
        next.set(this.#offsets);
        this.#offsets = next;
      }
      this.#offsets[this.#count++] = offset;
    };
  }

  /** The view of message `i` (negative counts from the end, as Array.prototype.at), or undefined. */
  at(i: number): MessageView | undefined {
    const n = this.#count;
    const k = Math.trunc(i) < 0 ? Math.trunc(i) + n : Math.trunc(i);
    if (!(k >= 0 && k < n)) return undefined;
    // the buffer holding message k: the last one whose first message is <= k
    const f = this.#firsts;
    let lo = 0, hi = f.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (f[mid]! <= k) lo = mid; else hi = mid - 1; }
    const b = this.#bufs[lo]!;
    const off = this.#offsets[k]!;
    return new MessageView(b, off, this.#cf?.byType.get(b[off + 4]! | (b[off + 5]! << 8)), this.#cf);
  }

  /** Every message's view, in order. */
  *[Symbol.iterator](): IterableIterator<MessageView> {
    const bufs = this.#bufs, f = this.#firsts;
    for (let j = 0; j < bufs.length; j++) {
      const b = bufs[j]!, end = j + 1 < f.length ? f[j + 1]! : this.#count;
      for (let k = f[j]!; k < end; k++) {
        const off = this.#offsets[k]!;
        yield new MessageView(b, off, this.#cf?.byType.get(b[off + 4]! | (b[off + 5]! << 8)), this.#cf);
      }
    }
  }

  /** Every view, as an array (one object per message from here on). */
  toArray(): MessageView[] { return Array.from(this); }
  /** Array.prototype.map over the views. */
  map<T>(fn: (view: MessageView, index: number) => T): T[] { const out: T[] = []; let i = 0; for (const v of this) out.push(fn(v, i++)); return out; }
  /** Array.prototype.filter over the views. */
  filter(fn: (view: MessageView, index: number) => boolean): MessageView[] { const out: MessageView[] = []; let i = 0; for (const v of this) if (fn(v, i++)) out.push(v); return out; }
  /** Array.prototype.find over the views. */
  find(fn: (view: MessageView, index: number) => boolean): MessageView | undefined { let i = 0; for (const v of this) if (fn(v, i++)) return v; return undefined; }
  /** Array.prototype.forEach over the views. */
  forEach(fn: (view: MessageView, index: number) => void): void { let i = 0; for (const v of this) fn(v, i++); }
  /** JSON form: the messages as plain objects. */
  toJSON(): unknown { return this.map((v) => v.toJSON()); }
}
