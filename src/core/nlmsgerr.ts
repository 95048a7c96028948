import { AttributeScanner } from './attr.js';
import { NLM_F, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSGERR_ATTR, NL_ATTR_TYPE, NL_POLICY_TYPE_ATTR } from './constants.js';
import { DecodeError, type AttrPolicy, type ExtendedAck } from './errors.js';
import { dataView, decodeHeader, type MessageHeader } from './header.js';

/** NLMSG_ERROR decoded: error 0 is an ACK. */
export interface ErrorMessage {
  /** 0 for an ACK, a negative errno otherwise (as the kernel sends it). */
  error: number;
  /** The echoed request's header. */
  request: MessageHeader;
  /** The echoed request's payload when the ACK is not capped (NLM_F_CAPPED unset). */
  requestPayload?: Uint8Array;
  extack: ExtendedAck;
}

/**
 * Decodes the payload of an NLMSG_ERROR message (`payload` starts after the nlmsghdr; `base` is
 * its offset in the original buffer, for error offsets).
 */
export function decodeErrorPayload(payload: Uint8Array, flags: number, base = 0): ErrorMessage {
  if (payload.length < 4 + NLMSG_HDRLEN) {
    throw new DecodeError('message-short-for-header', base, `NLMSG_ERROR payload of ${payload.length} bytes, needs 20`);
  }
  const v = dataView(payload);
  const error = v.getInt32(0, true);
  // The echoed header's nlmsg_len is the original request's length, not what was echoed back.
  const request: MessageHeader = {
    length: v.getUint32(4, true),
    type: v.getUint16(8, true),
    flags: v.getUint16(10, true),
    seq: v.getUint32(12, true),
    pid: v.getUint32(16, true),
  };
  let tlvStart = 4 + NLMSG_HDRLEN;
  let requestPayload: Uint8Array | undefined;
  if (!(flags & NLM_F.CAPPED)) {
    const echoed = Math.max(request.length, NLMSG_HDRLEN);
    const end = Math.min(payload.length, 4 + ((echoed + 3) & ~3));
    if (request.length > NLMSG_HDRLEN) requestPayload = payload.subarray(4 + NLMSG_HDRLEN, Math.min(payload.length, 4 + echoed));
    tlvStart = end;
  }
  const extack = flags & NLM_F.ACK_TLVS ? decodeExtack(payload, tlvStart, payload.length, base) : {};
  const out: ErrorMessage = { error, request, extack };
  if (requestPayload) out.requestPayload = requestPayload;
  return out;
}

/** NLMSG_DONE of a dump: the 4-byte status (0, or a negative errno) and any ext-ack TLVs. */
export interface DoneMessage {
  error: number;
  extack: ExtendedAck;
}

/** Decodes the payload of NLMSG_DONE: the dump's error code and, with NLM_F_ACK_TLVS, its extended ACK. */
export function decodeDonePayload(payload: Uint8Array, flags: number, base = 0): DoneMessage {
  if (payload.length < 4) return { error: 0, extack: {} }; // some families send an empty DONE
  const error = dataView(payload).getInt32(0, true);
  const extack = flags & NLM_F.ACK_TLVS ? decodeExtack(payload, 4, payload.length, base) : {};
  return { error, extack };
}

/** Decodes the extended-ACK TLVs (NLMSGERR_ATTR_*) between `start` and `end`; `base` makes offsets absolute. */
export function decodeExtack(b: Uint8Array, start: number, end: number, base = 0): ExtendedAck {
  const ack: ExtendedAck = {};
  const s = new AttributeScanner(b, start, end);
  while (s.next()) {
    switch (s.type) {
      case NLMSGERR_ATTR.MSG: ack.message = s.string(); break;
      case NLMSGERR_ATTR.OFFS: ack.offset = s.u32(); break;
      case NLMSGERR_ATTR.COOKIE: ack.cookie = s.bytesCopy(); break;
      case NLMSGERR_ATTR.POLICY: s.nest((n) => { ack.policy = decodePolicy(n); }); break;
      case NLMSGERR_ATTR.MISS_TYPE: ack.missingType = s.u32(); break;
      case NLMSGERR_ATTR.MISS_NEST: ack.missingNest = s.u32(); break;
      default: break; // newer TLVs: ignored here, the raw bytes stay in the message
    }
  }
  if (s.err) throw new DecodeError(s.err.reason, s.err.offset + base, s.err.message);
  return ack;
}

/** Decodes NL_POLICY_TYPE_ATTR_* TLVs (used by extack and by CTRL_CMD_GETPOLICY dumps). */
export function decodePolicy(s: AttributeScanner): AttrPolicy {
  const p: AttrPolicy = {};
  while (s.next()) {
    switch (s.type) {
      case NL_POLICY_TYPE_ATTR.TYPE: { const t = s.u32(); p.type = NL_ATTR_TYPE[t] ?? String(t); break; }
      case NL_POLICY_TYPE_ATTR.MIN_VALUE_S: p.minValue = s.s64(); break;
      case NL_POLICY_TYPE_ATTR.MAX_VALUE_S: p.maxValue = s.s64(); break;
      case NL_POLICY_TYPE_ATTR.MIN_VALUE_U: p.minValue = s.u64(); break;
      case NL_POLICY_TYPE_ATTR.MAX_VALUE_U: p.maxValue = s.u64(); break;
      case NL_POLICY_TYPE_ATTR.MIN_LENGTH: p.minLength = s.u32(); break;
      case NL_POLICY_TYPE_ATTR.MAX_LENGTH: p.maxLength = s.u32(); break;
      case NL_POLICY_TYPE_ATTR.POLICY_IDX: p.policyIndex = s.u32(); break;
      case NL_POLICY_TYPE_ATTR.POLICY_MAXTYPE: p.maxType = s.u32(); break;
      case NL_POLICY_TYPE_ATTR.BITFIELD32_MASK: p.bitfield32Mask = s.u32(); break;
      case NL_POLICY_TYPE_ATTR.MASK: p.mask = s.length === 4 ? BigInt(s.u32()) : s.u64(); break;
      default: break;
    }
  }
  return p;
}

export function isErrorOrDone(type: number): boolean {
  return type === NLMSG_ERROR || type === NLMSG_DONE;
}

/** Decodes the first message of `b` as an NLMSG_ERROR (convenience for tests and tools). */
export function decodeErrorMessage(b: Uint8Array, offset = 0): ErrorMessage {
  const h = decodeHeader(b, offset);
  if (h.type !== NLMSG_ERROR) throw new DecodeError('unsupported', offset, `message type ${h.type} is not NLMSG_ERROR`);
  return decodeErrorPayload(b.subarray(offset + NLMSG_HDRLEN, offset + h.length), h.flags, offset + NLMSG_HDRLEN);
}
