// Index format shared by the WASM walker (assembly/walker.ts) and the TypeScript walker
// (ts-walker.ts). Both write exactly these tables, so one reader (WalkIndex) serves both.
// All values are u32 little-endian; offsets are relative to the start of the walked region.

/** Message entry: offset, nlmsg_len, type | flags << 16, firstAttr, attrCount. */
export const MSG_STRIDE = 5;
export const MSG_OFFSET = 0;
export const MSG_LENGTH = 1;
export const MSG_TYPE_FLAGS = 2;
export const MSG_FIRST_ATTR = 3;
export const MSG_ATTR_COUNT = 4;

/** Attribute entry: offset of the nlattr header, nla_len | raw nla_type << 16, parent, depth. */
export const ATTR_STRIDE = 4;
export const ATTR_OFFSET = 0;
export const ATTR_LEN_TYPE = 1;
export const ATTR_PARENT = 2;
export const ATTR_DEPTH = 3;

/** Result block: six u32. */
export const RESULT_WORDS = 6;
export const RESULT_STATUS = 0;
export const RESULT_ERROR_OFFSET = 1;
export const RESULT_MESSAGE_COUNT = 2;
export const RESULT_ATTR_COUNT = 3;
export const RESULT_CONSUMED = 4;
export const RESULT_ERROR_MESSAGE_INDEX = 5;

/** "No parent" (top-level attribute) and "no message" (errorMessageIndex when status is OK). */
export const NO_INDEX = 0xffffffff;

/** Header-table value meaning "do not walk the attributes of this message type". */
export const SKIP_ATTRS = 0xff;
export const HEADER_TABLE_SIZE = 65536;
/** Types below NLMSG_MIN_TYPE are control messages (NOOP/ERROR/DONE/OVERRUN): never walked. */
export const NLMSG_MIN_TYPE = 0x10;

export const NLMSG_HDRLEN = 16;
export const NLA_HDRLEN = 4;
export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = 0x3fff;

/** Why a walk stopped: OK, or the first structural fault found (the walkers agree on it byte for byte). */
export const WalkStatus = {
  OK: 0,
  /** 0 < remaining < 16 bytes where a message header should start. */
  MSG_TRUNCATED: 1,
  /** nlmsg_len < 16 or nlmsg_len > remaining. */
  MSG_BAD_LENGTH: 2,
  /** nlmsg_len - 16 is smaller than the family header size for this type. */
  MSG_SHORT_FOR_HEADER: 3,
  /** 0 < remaining < 4 in an attribute area, or nla_len > remaining. */
  ATTR_TRUNCATED: 4,
  /** nla_len < 4. */
  ATTR_BAD_LENGTH: 5,
  /** An attribute nested deeper than maxDepth. */
  DEPTH: 6,
  /** Message or attribute table full; resume from `consumed`. */
  CAPACITY: 7,
} as const;
export type WalkStatus = (typeof WalkStatus)[keyof typeof WalkStatus];

const STATUS_TEXT: readonly string[] = [
  'ok',
  'message truncated: fewer than 16 bytes left for a netlink header',
  'bad message length: nlmsg_len < 16 or larger than the bytes left',
  'message too short for its family header',
  'attribute truncated: fewer than 4 bytes left, or nla_len larger than the bytes left',
  'bad attribute length: nla_len < 4',
  'attributes nested deeper than maxDepth',
  'index capacity reached: resume from `consumed`',
];

/** A sentence describing a {@link WalkStatus} value. */
export function walkStatusText(status: number): string {
  return STATUS_TEXT[status] ?? `unknown walk status ${status}`;
}

export interface WalkResult {
  status: number;
  /** Byte offset of the offending header (0 when status is OK). */
  errorOffset: number;
  /** Complete messages indexed. */
  messageCount: number;
  /** Attribute entries belonging to the complete messages. */
  attrCount: number;
  /** Bytes of whole messages fully indexed (equals the region length when OK). */
  consumed: number;
  /** Index of the message in which the error occurred, or NO_INDEX. */
  errorMessageIndex: number;
}

/** Optional output limits; by default the tables are sized for the worst case (never CAPACITY). */
export interface WalkLimits {
  maxMessages?: number;
  maxAttrs?: number;
}

export interface PlainMessage {
  offset: number;
  length: number;
  type: number;
  flags: number;
  firstAttr: number;
  attrCount: number;
}

export interface PlainAttr {
  offset: number;
  length: number;
  /** Raw nla_type including the NESTED / NET_BYTEORDER bits. */
  rawType: number;
  parent: number;
  depth: number;
}

export interface PlainWalk extends WalkResult {
  messages: PlainMessage[];
  attrs: PlainAttr[];
}

/** Worst-case table sizes for a region of `len` bytes (each entry needs at least 16 / 4 bytes). */
export function maxMessagesFor(len: number): number {
  return Math.floor(len / NLMSG_HDRLEN);
}
export function maxAttrsFor(len: number): number {
  return Math.floor(len / NLA_HDRLEN);
}

export const MAX_DEPTH_LIMIT = 0xffff;
export function checkMaxDepth(maxDepth: number): void {
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > MAX_DEPTH_LIMIT) {
    throw new RangeError(`maxDepth must be an integer in [0, ${MAX_DEPTH_LIMIT}]`);
  }
}

/** A table capacity: the caller's limit clamped to [0, worst case]. */
export function tableCapacity(limit: number | undefined, worstCase: number): number {
  return limit === undefined ? worstCase : Math.max(0, Math.min(Math.floor(limit), worstCase));
}

/**
 * Lazy reader over the walker's output tables. The tables belong to the walker and are
 * overwritten by its next walk (for the WASM engine they live in linear memory), so keep
 * an index only until the next walk, or call toPlain() to copy it.
 */
export class WalkIndex implements WalkResult {
  readonly status: number;
  readonly errorOffset: number;
  readonly messageCount: number;
  readonly attrCount: number;
  readonly consumed: number;
  readonly errorMessageIndex: number;
  private view: DataView | undefined;

  constructor(
    /** The walked bytes; offsets in the tables are relative to data[0]. */
    readonly data: Uint8Array,
    private readonly msgs: Uint32Array,
    private readonly attrs: Uint32Array,
    result: Uint32Array,
  ) {
    this.status = result[RESULT_STATUS]!;
    this.errorOffset = result[RESULT_ERROR_OFFSET]!;
    this.messageCount = result[RESULT_MESSAGE_COUNT]!;
    this.attrCount = result[RESULT_ATTR_COUNT]!;
    this.consumed = result[RESULT_CONSUMED]!;
    this.errorMessageIndex = result[RESULT_ERROR_MESSAGE_INDEX]!;
  }

  /** True when the whole input was walked without a fault. */
  get ok(): boolean {
    return this.status === WalkStatus.OK;
  }

  /** The status as a sentence. */
  get statusText(): string {
    return walkStatusText(this.status);
  }

  /** Byte offset of message `i`'s nlmsghdr. */
  msgOffset(i: number): number {
    return this.msgs[i * MSG_STRIDE + MSG_OFFSET]!;
  }
  /** nlmsg_len of message `i`. */
  msgLength(i: number): number {
    return this.msgs[i * MSG_STRIDE + MSG_LENGTH]!;
  }
  /** nlmsg_type of message `i`. */
  msgType(i: number): number {
    return this.msgs[i * MSG_STRIDE + MSG_TYPE_FLAGS]! & 0xffff;
  }
  /** nlmsg_flags of message `i`. */
  msgFlags(i: number): number {
    return this.msgs[i * MSG_STRIDE + MSG_TYPE_FLAGS]! >>> 16;
  }
  /** Index of the message's first attribute entry; its attributes are [first, first + count). */
  msgFirstAttr(i: number): number {
    return this.msgs[i * MSG_STRIDE + MSG_FIRST_ATTR]!;
  }
  /** Attribute entries of message i, nested ones included. */
  msgAttrCount(i: number): number {
    return this.msgs[i * MSG_STRIDE + MSG_ATTR_COUNT]!;
  }
  /** The message bytes (header included). */
  msgBytes(i: number): Uint8Array {
    const off = this.msgOffset(i);
    return this.data.subarray(off, off + this.msgLength(i));
  }

  /** First attribute of message i with this type (flag bits ignored) at `depth`, or -1. */
  findAttr(i: number, type: number, depth = 0): number {
    // Literal strides/offsets: this runs per message in consumers' loops.
    const msgs = this.msgs;
    const attrs = this.attrs;
    const first = msgs[i * 5 + 3]!;
    const end = first + msgs[i * 5 + 4]!;
    for (let j = first; j < end; j++) {
      const base = j << 2;
      if (((attrs[base + 1]! >>> 16) & 0x3fff) === type && attrs[base + 3] === depth) return j;
    }
    return -1;
  }

  /** Direct children of attribute j (or the top-level attributes of message i with childrenOf(-1, i)). */
  *childrenOf(j: number, msg?: number): IterableIterator<number> {
    let first: number, end: number, parent: number;
    if (j < 0) {
      if (msg === undefined) throw new RangeError('childrenOf(-1, msg) needs a message index');
      first = this.msgFirstAttr(msg);
      end = first + this.msgAttrCount(msg);
      parent = NO_INDEX;
    } else {
      first = j + 1;
      end = this.attrCount;
      parent = j;
    }
    const depth = j < 0 ? 0 : this.attrDepth(j) + 1;
    for (let k = first; k < end; k++) {
      const d = this.attrDepth(k);
      if (d < depth) break; // pre-order: left the subtree
      if (this.attrParent(k) === parent) yield k;
    }
  }

  /** Byte offset of attribute entry `j`'s nlattr header. */
  attrOffset(j: number): number {
    return this.attrs[j * ATTR_STRIDE + ATTR_OFFSET]!;
  }
  /** nla_len (header included, unaligned). */
  attrLength(j: number): number {
    return this.attrs[j * ATTR_STRIDE + ATTR_LEN_TYPE]! & 0xffff;
  }
  /** nla_type without the NESTED / NET_BYTEORDER bits. */
  attrType(j: number): number {
    return (this.attrs[j * ATTR_STRIDE + ATTR_LEN_TYPE]! >>> 16) & NLA_TYPE_MASK;
  }
  /** nla_type of attribute `j`, flag bits included. */
  attrRawType(j: number): number {
    return this.attrs[j * ATTR_STRIDE + ATTR_LEN_TYPE]! >>> 16;
  }
  /** True when attribute `j` has NLA_F_NESTED set. */
  attrNested(j: number): boolean {
    return (this.attrs[j * ATTR_STRIDE + ATTR_LEN_TYPE]! & (NLA_F_NESTED << 16)) !== 0;
  }
  /** True when attribute `j` has NLA_F_NET_BYTEORDER set. */
  attrNetByteOrder(j: number): boolean {
    return (this.attrs[j * ATTR_STRIDE + ATTR_LEN_TYPE]! & (NLA_F_NET_BYTEORDER << 16)) !== 0;
  }
  /** Index of the enclosing nested attribute, or NO_INDEX at top level. */
  attrParent(j: number): number {
    return this.attrs[j * ATTR_STRIDE + ATTR_PARENT]!;
  }
  /** Nesting depth of attribute `j` (0 at the top level of a message). */
  attrDepth(j: number): number {
    return this.attrs[j * ATTR_STRIDE + ATTR_DEPTH]!;
  }
  /** Byte offset of attribute `j`'s payload. */
  attrPayloadOffset(j: number): number {
    return this.attrOffset(j) + NLA_HDRLEN;
  }
  /** Length of attribute `j`'s payload (padding excluded). */
  attrPayloadLength(j: number): number {
    return this.attrLength(j) - NLA_HDRLEN;
  }
  /** Attribute `j`'s payload, as a view into the walked bytes. */
  attrPayload(j: number): Uint8Array {
    const off = this.attrOffset(j) + NLA_HDRLEN;
    return this.data.subarray(off, off + this.attrLength(j) - NLA_HDRLEN);
  }
  /** Host-order (little-endian) u32 payload; the caller checks the payload length. */
  attrU32(j: number): number {
    return this.dataView().getUint32(this.attrs[(j << 2) + 0]! + 4, true);
  }
  /** Host-order (little-endian) u16 payload; the caller checks the payload length. */
  attrU16(j: number): number {
    return this.dataView().getUint16(this.attrs[(j << 2) + 0]! + 4, true);
  }
  /** u8 payload; the caller checks the payload length. */
  attrU8(j: number): number {
    return this.data[this.attrs[(j << 2) + 0]! + 4]!;
  }

  private dataView(): DataView {
    let view = this.view;
    if (view === undefined) {
      view = new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength);
      this.view = view;
    }
    return view;
  }

  /** A plain, detached copy for comparisons and logging. */
  toPlain(): PlainWalk {
    const messages: PlainMessage[] = [];
    for (let i = 0; i < this.messageCount; i++) {
      messages.push({
        offset: this.msgOffset(i),
        length: this.msgLength(i),
        type: this.msgType(i),
        flags: this.msgFlags(i),
        firstAttr: this.msgFirstAttr(i),
        attrCount: this.msgAttrCount(i),
      });
    }
    const attrs: PlainAttr[] = [];
    for (let j = 0; j < this.attrCount; j++) {
      attrs.push({
        offset: this.attrOffset(j),
        length: this.attrLength(j),
        rawType: this.attrRawType(j),
        parent: this.attrParent(j),
        depth: this.attrDepth(j),
      });
    }
    return {
      status: this.status,
      errorOffset: this.errorOffset,
      messageCount: this.messageCount,
      attrCount: this.attrCount,
      consumed: this.consumed,
      errorMessageIndex: this.errorMessageIndex,
      messages,
      attrs,
    };
  }
}
