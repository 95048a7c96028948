import { errnoName, errnoText } from './errno.js';
import type { MessageHeader } from './constants.js';

/** What was wrong with bytes that could not be decoded. */
export type DecodeErrorReason =
  | 'message-truncated' // fewer than 16 bytes left for an nlmsghdr
  | 'message-bad-length' // nlmsg_len below 16 or past the end of the buffer
  | 'message-short-for-header' // payload shorter than the family's fixed header
  | 'attr-truncated' // fewer than 4 bytes left, or nla_len past the end of its area
  | 'attr-bad-length' // nla_len below 4
  | 'attr-bad-size' // payload size does not fit the declared type
  | 'attr-bad-value' // payload bytes are not a valid value of the declared type
  | 'nesting-too-deep'
  | 'bad-format' // a container format (pcap, hex) is malformed
  | 'unsupported';

/**
 * Raised for malformed bytes, and only for them. `offset` is the byte offset of the offending
 * header or attribute within the buffer that was passed to the decoder.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly reason: DecodeErrorReason,
    readonly offset: number,
    detail?: string,
  ) {
    super(`${detail ?? reason} at byte offset ${offset}`);
  }
}

/** The kernel's extended ACK (NLMSGERR_ATTR_* TLVs) attached to an error or a successful ACK. */
export interface ExtendedAck {
  /** NLMSGERR_ATTR_MSG: the kernel's human-readable text. */
  message?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset of the offending attribute within the request message. */
  offset?: number;
  /** NLMSGERR_ATTR_COOKIE */
  cookie?: Uint8Array;
  /** NLMSGERR_ATTR_POLICY: the policy the attribute failed, decoded. */
  policy?: AttrPolicy;
  /** NLMSGERR_ATTR_MISS_TYPE: type of a required attribute that was missing. */
  missingType?: number;
  /** NLMSGERR_ATTR_MISS_NEST: offset of the nest in which the attribute was missing. */
  missingNest?: number;
  /** The offending attribute resolved against the request (and its declaration, when known). */
  attribute?: AttrLocation;
  /** Resolved name of missingType, when the request's family is declared. */
  missingAttribute?: string;
}

/** An attribute policy as the kernel describes it (NL_POLICY_TYPE_ATTR_*). */
export interface AttrPolicy {
  type?: string;
  minValue?: bigint;
  maxValue?: bigint;
  minLength?: number;
  maxLength?: number;
  policyIndex?: number;
  maxType?: number;
  bitfield32Mask?: number;
  mask?: bigint;
}

/** Where an extended-ACK offset points inside the request. */
export interface AttrLocation {
  /** Byte offset within the request message. */
  offset: number;
  /** Attribute type numbers from the outermost to the offending one. */
  types: number[];
  /** Declared names for the same path (e.g. ['linkinfo', 'kind']), when the family is declared. */
  path?: string[];
}

/**
 * An error the kernel returned (NLMSG_ERROR, or an error carried by NLMSG_DONE at the end of a
 * dump). It looks like a Node system error: `code` is 'EEXIST', `errno` is negative as in Node.
 */
export class NetlinkError extends Error {
  override readonly name = 'NetlinkError';
  /** Node-style: the errno as a negative number (-17 for EEXIST). */
  readonly errno: number;
  /** 'EEXIST' */
  readonly code: string;
  /** What was asked, e.g. 'RTM_NEWROUTE' or 'ETHTOOL_MSG_LINKINFO_GET'. */
  readonly syscall: string;
  readonly extack: ExtendedAck;
  /** The echoed request header (NLMSG_ERROR only). */
  readonly request?: MessageHeader;

  constructor(errno: number, operation: string, extack: ExtendedAck = {}, request?: MessageHeader) {
    const e = Math.abs(errno);
    const name = errnoName(e);
    let text = `${operation}: ${name} (${errnoText(e)})`;
    if (extack.message) text += `: ${extack.message}`;
    const where = extack.attribute?.path?.join('.') ?? extack.missingAttribute;
    if (extack.attribute?.path) text += ` [attribute ${where}]`;
    else if (extack.missingAttribute) text += ` [missing attribute ${extack.missingAttribute}]`;
    else if (extack.missingType !== undefined) text += ` [missing attribute type ${extack.missingType}]`;
    super(text);
    this.errno = -e;
    this.code = name;
    this.syscall = operation;
    this.extack = extack;
    if (request) this.request = request;
  }
}

/** A request that did not complete in time, or was aborted. */
export class NetlinkTimeoutError extends Error {
  override readonly name = 'NetlinkTimeoutError';
  readonly code = 'ETIMEDOUT';
  constructor(operation: string, ms: number) {
    super(`${operation}: no answer from the kernel within ${ms} ms`);
  }
}
