import { NLMSG_HDRLEN, align4 } from './constants.js';
import { decodeHeader, type MessageHeader } from './header.js';

/** One netlink message as a zero-copy view: header plus payload bytes (after the nlmsghdr). */
export interface RawMessage {
  /** The nlmsghdr (named `nlmsg` as on decoded messages). */
  nlmsg: MessageHeader;
  /** Offset of the nlmsghdr within the walked buffer. */
  offset: number;
  /** The payload (family header + attributes), a view into the original bytes. */
  payload: Uint8Array;
}

/**
 * Splits a buffer into messages with libmnl's NLMSG_OK checks. Throws DecodeError on the first
 * malformed header; an empty buffer gives no messages.
 */
export function splitMessages(b: Uint8Array, start = 0, end = b.length): RawMessage[] {
  const out: RawMessage[] = [];
  let off = start;
  while (off < end) {
    const header = decodeHeader(b, off, end);
    out.push({ nlmsg: header, offset: off, payload: b.subarray(off + NLMSG_HDRLEN, off + header.length) });
    off += align4(header.length);
  }
  return out;
}

import type { Encodable } from './attr.js';
import { dataView, encodeHeader } from './header.js';

/** A whole netlink message: nlmsghdr (length computed) + a payload Encodable. */
export class MessageBuilder implements Encodable {
  constructor(
    public type: number,
    public flags: number,
    readonly body?: Encodable,
    public seq = 0,
    public pid = 0,
  ) {}
  /** Size of the encoded message, padding included. */
  byteLength(): number {
    return align4(NLMSG_HDRLEN + (this.body?.byteLength() ?? 0));
  }
  encodeInto(view: DataView, offset: number): number {
    const end = this.body ? this.body.encodeInto(view, offset + NLMSG_HDRLEN) : offset + NLMSG_HDRLEN;
    encodeHeader({ length: end - offset, type: this.type, flags: this.flags, seq: this.seq, pid: this.pid }, view, offset);
    const aligned = align4(end);
    for (let p = end; p < aligned; p++) view.setUint8(p, 0);
    return aligned;
  }
  /** Encodes the message into a new array. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength());
    this.encodeInto(dataView(out), 0);
    return out;
  }
}
