import { NLM_F, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_NOOP, NLMSG_OVERRUN, type MessageHeader } from './constants.js';
import { DecodeError } from './errors.js';

export type { MessageHeader } from './constants.js';

/** A DataView over exactly the bytes of `b` (respecting its offset into the buffer). */
export function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Reads the nlmsghdr at `offset`; checks exactly NLMSG_OK against `end`. */
export function decodeHeader(b: Uint8Array, offset = 0, end = b.length): MessageHeader {
  const remaining = end - offset;
  if (remaining < NLMSG_HDRLEN) {
    throw new DecodeError('message-truncated', offset, `only ${remaining} bytes left for a 16-byte nlmsghdr`);
  }
  const v = dataView(b);
  const length = v.getUint32(offset, true);
  if (length < NLMSG_HDRLEN || length > remaining) {
    throw new DecodeError('message-bad-length', offset, `nlmsg_len ${length} with ${remaining} bytes left`);
  }
  return {
    length,
    type: v.getUint16(offset + 4, true),
    flags: v.getUint16(offset + 6, true),
    seq: v.getUint32(offset + 8, true),
    pid: v.getUint32(offset + 12, true),
  };
}

/** Writes an nlmsghdr at `offset` (host byte order, little-endian here). */
export function encodeHeader(h: MessageHeader, v: DataView, offset: number): void {
  v.setUint32(offset, h.length, true);
  v.setUint16(offset + 4, h.type, true);
  v.setUint16(offset + 6, h.flags, true);
  v.setUint32(offset + 8, h.seq >>> 0, true);
  v.setUint32(offset + 12, h.pid >>> 0, true);
}

const CONTROL_NAMES: Record<number, string> = {
  [NLMSG_NOOP]: 'NLMSG_NOOP',
  [NLMSG_ERROR]: 'NLMSG_ERROR',
  [NLMSG_DONE]: 'NLMSG_DONE',
  [NLMSG_OVERRUN]: 'NLMSG_OVERRUN',
};
export function controlTypeName(type: number): string | undefined {
  return CONTROL_NAMES[type];
}

/** Which meaning the high flag bits carry: they differ between GET, NEW, DELETE and ACK messages. */
export type FlagsContext = 'get' | 'new' | 'delete' | 'ack' | 'plain';

const COMMON: Array<[number, string]> = [
  [NLM_F.REQUEST, 'REQUEST'], [NLM_F.MULTI, 'MULTI'], [NLM_F.ACK, 'ACK'], [NLM_F.ECHO, 'ECHO'],
  [NLM_F.DUMP_INTR, 'DUMP_INTR'], [NLM_F.DUMP_FILTERED, 'DUMP_FILTERED'],
];
const HIGH: Record<Exclude<FlagsContext, 'plain'>, Array<[number, string]>> = {
  get: [[NLM_F.ROOT, 'ROOT'], [NLM_F.MATCH, 'MATCH'], [NLM_F.ATOMIC, 'ATOMIC']],
  new: [[NLM_F.REPLACE, 'REPLACE'], [NLM_F.EXCL, 'EXCL'], [NLM_F.CREATE, 'CREATE'], [NLM_F.APPEND, 'APPEND']],
  delete: [[NLM_F.NONREC, 'NONREC'], [NLM_F.BULK, 'BULK']],
  ack: [[NLM_F.CAPPED, 'CAPPED'], [NLM_F.ACK_TLVS, 'ACK_TLVS']],
};

/**
 * Names of the set flags, e.g. ['REQUEST', 'DUMP'] or ['MULTI', 'DUMP_INTR']. ROOT|MATCH reads as
 * DUMP in a GET context. Unknown bits appear as hex.
 */
export function flagNames(flags: number, context: FlagsContext = 'plain'): string[] {
  const out: string[] = [];
  let rest = flags;
  for (const [bit, name] of COMMON) if (flags & bit) { out.push(name); rest &= ~bit; }
  if (context !== 'plain') {
    if (context === 'get' && (flags & NLM_F.DUMP) === NLM_F.DUMP) { out.push('DUMP'); rest &= ~NLM_F.DUMP; }
    for (const [bit, name] of HIGH[context]) if (rest & bit) { out.push(name); rest &= ~bit; }
  }
  if (rest) out.push('0x' + rest.toString(16));
  return out;
}

/** 'REQUEST|DUMP' style text; '0' when no flag is set. */
export function flagsToString(flags: number, context: FlagsContext = 'plain'): string {
  const names = flagNames(flags, context);
  return names.length ? names.join('|') : '0';
}

/** A guess of the flag context from a message: requests by the rtnetlink/genl verb convention. */
export function guessFlagsContext(type: number, flags: number): FlagsContext {
  if (type === NLMSG_ERROR) return 'ack';
  if (type === NLMSG_DONE) return 'ack';
  if (!(flags & NLM_F.REQUEST)) return 'plain';
  return (flags & NLM_F.DUMP) === NLM_F.DUMP ? 'get' : 'plain';
}
