import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK, align4 } from './constants.js';
import { DecodeError } from './errors.js';
import { dataView } from './header.js';
import { formatIP, formatHex } from './addr.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();
export function decodeUtf8(b: Uint8Array): string {
  return utf8.decode(b);
}
export function encodeUtf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/**
 * Zero-copy attribute scanner in the style of mdlayher/netlink's AttributeDecoder:
 *
 *   const s = new AttributeScanner(bytes, start, end);
 *   while (s.next()) switch (s.type) { case 3: name = s.string(); break; case 4: mtu = s.u32(); }
 *   if (s.err) throw s.err;
 *
 * It never throws: a malformed attribute or a wrong-sized read sets the sticky `err` and stops
 * the walk. Bounds checks are NLA_OK: remaining >= 4, nla_len >= 4, nla_len <= remaining.
 */
export class AttributeScanner {
  /** Attribute type without the NESTED / NET_BYTEORDER flag bits. */
  type = 0;
  /** Raw nla_type including flag bits. */
  rawType = 0;
  /** Offset of the current attribute's header. */
  headerOffset = -1;
  /** Offset and length of the current payload. */
  offset = 0;
  length = 0;
  err: DecodeError | null = null;
  private next_: number;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.next_ = start;
    this.view = dataView(bytes);
  }

  /** True when the current attribute has NLA_F_NESTED set. */
  get nested(): boolean {
    return (this.rawType & NLA_F_NESTED) !== 0;
  }
  /** True when the current attribute has NLA_F_NET_BYTEORDER set (its integers are big-endian). */
  get netByteOrder(): boolean {
    return (this.rawType & NLA_F_NET_BYTEORDER) !== 0;
  }

  /** Moves to the next attribute; false at the end or on malformed input (then `err` says why). */
  next(): boolean {
    if (this.err) return false;
    const off = this.next_;
    const remaining = this.end - off;
    if (remaining <= 0) return false;
    if (remaining < NLA_HDRLEN) {
      this.err = new DecodeError('attr-truncated', off, `only ${remaining} bytes left for a 4-byte nlattr`);
      return false;
    }
    const len = this.view.getUint16(off, true);
    if (len < NLA_HDRLEN) {
      this.err = new DecodeError('attr-bad-length', off, `nla_len ${len} below 4`);
      return false;
    }
    if (len > remaining) {
      this.err = new DecodeError('attr-truncated', off, `nla_len ${len} with ${remaining} bytes left`);
      return false;
    }
    this.rawType = this.view.getUint16(off + 2, true);
    this.type = this.rawType & NLA_TYPE_MASK;
    this.headerOffset = off;
    this.offset = off + NLA_HDRLEN;
    this.length = len - NLA_HDRLEN;
    this.next_ = off + align4(len);
    return true;
  }

  private want(size: number, what: string): boolean {
    if (this.err) return false;
    if (this.length !== size) {
      this.err = new DecodeError('attr-bad-size', this.headerOffset,
        `attribute type ${this.type}: ${what} needs ${size} bytes, payload has ${this.length}`);
      return false;
    }
    return true;
  }

  /** The payload as a view (no copy). */
  bytesView(): Uint8Array {
    return this.bytes.subarray(this.offset, this.offset + this.length);
  }
  /** The payload copied out (safe to keep after the receive buffer is reused). */
  bytesCopy(): Uint8Array {
    return this.bytes.slice(this.offset, this.offset + this.length);
  }
  /** The payload as u8 (0, with `err` set, when it is too short). The integer readers honour NLA_F_NET_BYTEORDER. */
  u8(): number { return this.want(1, 'u8') ? this.view.getUint8(this.offset) : 0; }
  /** The payload as s8. */
  s8(): number { return this.want(1, 's8') ? this.view.getInt8(this.offset) : 0; }
  /** The payload as u16. */
  u16(): number {
    return this.want(2, 'u16') ? this.view.getUint16(this.offset, !this.netByteOrder) : 0;
  }
  /** The payload as s16. */
  s16(): number {
    return this.want(2, 's16') ? this.view.getInt16(this.offset, !this.netByteOrder) : 0;
  }
  /** The payload as u32. */
  u32(): number {
    return this.want(4, 'u32') ? this.view.getUint32(this.offset, !this.netByteOrder) : 0;
  }
  /** The payload as s32. */
  s32(): number {
    return this.want(4, 's32') ? this.view.getInt32(this.offset, !this.netByteOrder) : 0;
  }
  /** The payload as u64. */
  u64(): bigint {
    return this.want(8, 'u64') ? this.view.getBigUint64(this.offset, !this.netByteOrder) : 0n;
  }
  /** The payload as s64. */
  s64(): bigint {
    return this.want(8, 's64') ? this.view.getBigInt64(this.offset, !this.netByteOrder) : 0n;
  }
  /** Big-endian u16 regardless of the NET_BYTEORDER flag (ports and the like). */
  be16(): number { return this.want(2, 'be16') ? this.view.getUint16(this.offset, false) : 0; }
  /** Big-endian u32 regardless of the NET_BYTEORDER flag (IPv4 addresses as numbers, ...). */
  be32(): number { return this.want(4, 'be32') ? this.view.getUint32(this.offset, false) : 0; }
  /** The kernel's variable-width NLA_UINT: 4 or 8 bytes. */
  uint(): bigint {
    if (this.length === 4) return BigInt(this.u32());
    return this.u64();
  }
  /** The kernel's variable-width NLA_SINT: 4 or 8 bytes, signed. */
  sint(): bigint {
    if (this.length === 4) return BigInt(this.s32());
    return this.s64();
  }
  /** NUL-terminated (or not) string; stops at the first NUL. */
  string(): string {
    if (this.err) return '';
    let end = this.offset;
    const stop = this.offset + this.length;
    while (end < stop && this.bytes[end] !== 0) end++;
    return decodeUtf8(this.bytes.subarray(this.offset, end));
  }
  /** A flag attribute: its presence is the value, so true. */
  flag(): boolean {
    return this.want(0, 'flag');
  }
  /** The payload as an IPv4 or IPv6 address (by length), in text form. */
  ip(): string { return this.err ? '' : formatIP(this.bytesView()); }
  /** The payload as a hardware address, colon-separated hex. */
  mac(): string { return this.err ? '' : formatHex(this.bytesView()); }
  /** A scanner over the payload of the current attribute. */
  nestedScanner(): AttributeScanner {
    const s = new AttributeScanner(this.bytes, this.offset, this.offset + this.length);
    if (this.err) s.err = this.err;
    return s;
  }
  /** Walks the nested attributes with `fn`; a nested error becomes this scanner's error. */
  nest(fn: (s: AttributeScanner) => void): void {
    const s = this.nestedScanner();
    fn(s);
    if (s.err && !this.err) this.err = s.err;
  }
}

// ---------------------------------------------------------------------------------------------
// Builder: sizes first (byteLength), then writes in place (encodeInto), as rust-netlink's Emitable.

/** Something that can size itself and then write itself into a buffer. */
export interface Encodable {
  /** Size of the encoded bytes, padding included. */
  byteLength(): number;
  /** Writes at `offset`; returns the offset after the written bytes (padding included). */
  encodeInto(view: DataView, offset: number): number;
}

type Item =
  | { kind: 'bytes'; type: number; data: Uint8Array }
  | { kind: 'num'; type: number; size: 1 | 2 | 4 | 8; value: number | bigint; signed: boolean; be: boolean }
  | { kind: 'nest'; type: number; body: Encodable };

/** Builds a list of attributes. Chain calls, then `byteLength()` / `encodeInto()`. */
export class AttributeBuilder implements Encodable {
  private readonly items: Item[] = [];

  /** An attribute with `data` as its payload. */
  bytes(type: number, data: Uint8Array): this {
    this.items.push({ kind: 'bytes', type, data });
    return this;
  }
  /** A flag attribute (empty payload). */
  flag(type: number): this { return this.bytes(type, new Uint8Array(0)); }
  /** A NUL-terminated UTF-8 string attribute (NLA_NUL_STRING / NLA_STRING). */
  string(type: number, s: string): this {
    const u = encodeUtf8(s);
    const d = new Uint8Array(u.length + 1);
    d.set(u);
    return this.bytes(type, d);
  }
  /** A u8 attribute (the integer writers use host byte order, as the kernel expects). */
  u8(type: number, v: number): this { return this.num(type, 1, v, false, false); }
  /** A u16 attribute. */
  u16(type: number, v: number): this { return this.num(type, 2, v, false, false); }
  /** A u32 attribute. */
  u32(type: number, v: number): this { return this.num(type, 4, v, false, false); }
  /** A u64 attribute. */
  u64(type: number, v: bigint | number): this { return this.num(type, 8, BigInt(v), false, false); }
  /** An s8 attribute. */
  s8(type: number, v: number): this { return this.num(type, 1, v, true, false); }
  /** An s16 attribute. */
  s16(type: number, v: number): this { return this.num(type, 2, v, true, false); }
  /** An s32 attribute. */
  s32(type: number, v: number): this { return this.num(type, 4, v, true, false); }
  /** An s64 attribute. */
  s64(type: number, v: bigint | number): this { return this.num(type, 8, BigInt(v), true, false); }
  /** Big-endian value with NLA_F_NET_BYTEORDER set. */
  be16(type: number, v: number): this { return this.num(type | NLA_F_NET_BYTEORDER, 2, v, false, true); }
  /** Big-endian u32 with NLA_F_NET_BYTEORDER set. */
  be32(type: number, v: number): this { return this.num(type | NLA_F_NET_BYTEORDER, 4, v, false, true); }
  /** NLA_UINT: 4 bytes when the value fits, else 8 (as the kernel's nla_put_uint). */
  uint(type: number, v: bigint | number): this {
    const b = BigInt(v);
    return b <= 0xffffffffn ? this.num(type, 4, Number(b), false, false) : this.num(type, 8, b, false, false);
  }
  /** NLA_SINT: 4 bytes when the value fits, else 8 (as the kernel's nla_put_sint). */
  sint(type: number, v: bigint | number): this {
    const b = BigInt(v);
    return b >= -0x80000000n && b <= 0x7fffffffn ? this.num(type, 4, Number(b), true, false) : this.num(type, 8, b, true, false);
  }
  /** A nested attribute; NLA_F_NESTED is set unless `flagged` is false (old rtnetlink nests). */
  nested(type: number, fill: (b: AttributeBuilder) => void, flagged = true): this {
    const body = new AttributeBuilder();
    fill(body);
    this.items.push({ kind: 'nest', type: flagged ? type | NLA_F_NESTED : type, body });
    return this;
  }
  /** Any Encodable as the payload (a struct, a prepared builder). */
  payload(type: number, body: Encodable): this {
    this.items.push({ kind: 'nest', type, body });
    return this;
  }

  private num(type: number, size: 1 | 2 | 4 | 8, value: number | bigint, signed: boolean, be: boolean): this {
    this.items.push({ kind: 'num', type, size, value, signed, be });
    return this;
  }

  /** How many attributes have been added (top level). */
  get count(): number { return this.items.length; }

  /** Size of the encoded attributes, padding included. */
  byteLength(): number {
    let n = 0;
    for (const it of this.items) {
      const payload = it.kind === 'bytes' ? it.data.length : it.kind === 'num' ? it.size : it.body.byteLength();
      n += align4(NLA_HDRLEN + payload);
    }
    return n;
  }

  encodeInto(view: DataView, offset: number): number {
    let off = offset;
    for (const it of this.items) {
      let end: number;
      if (it.kind === 'bytes') {
        new Uint8Array(view.buffer, view.byteOffset + off + NLA_HDRLEN, it.data.length).set(it.data);
        end = off + NLA_HDRLEN + it.data.length;
      } else if (it.kind === 'num') {
        writeNumber(view, off + NLA_HDRLEN, it.size, it.value, it.signed, !it.be);
        end = off + NLA_HDRLEN + it.size;
      } else {
        end = it.body.encodeInto(view, off + NLA_HDRLEN);
      }
      const len = end - off;
      if (len > 0xffff) throw new RangeError(`attribute type ${it.type & NLA_TYPE_MASK} is ${len} bytes, over nla_len's 65535`);
      view.setUint16(off, len, true);
      view.setUint16(off + 2, it.type, true);
      off = align4(end);
      for (let p = end; p < off; p++) view.setUint8(p, 0);
    }
    return off;
  }

  /** Encodes the attributes into a new array. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength());
    this.encodeInto(dataView(out), 0);
    return out;
  }
}

export function writeNumber(view: DataView, off: number, size: number, value: number | bigint, signed: boolean, le: boolean): void {
  switch (size) {
    case 1: signed ? view.setInt8(off, Number(value)) : view.setUint8(off, Number(value)); break;
    case 2: signed ? view.setInt16(off, Number(value), le) : view.setUint16(off, Number(value), le); break;
    case 4: signed ? view.setInt32(off, Number(value), le) : view.setUint32(off, Number(value), le); break;
    case 8: signed ? view.setBigInt64(off, BigInt(value), le) : view.setBigUint64(off, BigInt(value), le); break;
    default: throw new RangeError(`bad integer size ${size}`);
  }
}

/** Raw bytes as an Encodable (a prebuilt family header, for instance). */
export class RawBytes implements Encodable {
  constructor(readonly data: Uint8Array) {}
  /** Size of the bytes. */
  byteLength(): number { return this.data.length; }
  encodeInto(view: DataView, offset: number): number {
    new Uint8Array(view.buffer, view.byteOffset + offset, this.data.length).set(this.data);
    return offset + this.data.length;
  }
}

/** Several Encodables written one after the other (a family header, then attributes). */
export class Concat implements Encodable {
  constructor(readonly parts: Encodable[]) {}
  /** Sum of the parts' sizes. */
  byteLength(): number { return this.parts.reduce((n, p) => n + p.byteLength(), 0); }
  encodeInto(view: DataView, offset: number): number {
    let off = offset;
    for (const p of this.parts) off = p.encodeInto(view, off);
    return off;
  }
}
