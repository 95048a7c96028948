// The common route change (an IPv4 destination, maybe a gateway, device, metric, table and
// protocol) written straight into the batch's datagram: no attribute plan, no intermediate
// objects. Rtnl's batch uses it for 100,000s of routes; anything else takes the declared encoder.
// The bytes are the declared encoder's, attribute for attribute (test/route-wire.test.ts).
import type { Encodable } from '../core/attr.js';
import { NLMSG_HDRLEN } from '../core/constants.js';

const RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6, RTA_TABLE = 15;
const RTM_HDRLEN = 12;

/** Dotted-quad IPv4 text in s[from, to) as a number (network order when written big-endian), or -1. As parseIPv4: 1-3 digits, <= 255, no leading zero. */
export function ipv4At(s: string, from: number, to: number): number {
  let value = 0, part = 0, digits = 0, dots = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0; digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return -1; // a leading zero
      if (++digits > 3) return -1;
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** A 4-byte attribute: addresses in network order (littleEndian false), numbers in host order. */
function attr32(v: DataView, p: number, type: number, value: number, littleEndian: boolean): number {
  v.setUint16(p, 8, true);
  v.setUint16(p + 2, type, true);
  v.setUint32(p + 4, value, littleEndian);
  return p + 8;
}

const RTM_NEWROUTE = 24, RTM_DELROUTE = 25;
const NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800;
/** Each route change's message type and flags, as iproute_modify() sends them (`change` never creates). */
export const ROUTE_CHANGE_WIRE = {
  addRoute: [RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL],
  replaceRoute: [RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE],
  changeRoute: [RTM_NEWROUTE, NLM_F_REPLACE],
  prependRoute: [RTM_NEWROUTE, NLM_F_CREATE],
  appendRoute: [RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND],
  deleteRoute: [RTM_DELROUTE, 0],
} as const satisfies Record<string, readonly [number, number]>;
export type RouteChangeOp = keyof typeof ROUTE_CHANGE_WIRE;

const RTPROT_BOOT = 3, RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_NOWHERE = 255, RTN_UNICAST = 1, RT_TABLE_COMPAT = 252;

/**
 * A route message of the common shape; see the file comment. Mutable, so that a bulk producer
 * can fill one object per change: a batch encodes each item before it takes the next.
 */
export class RouteWire implements Encodable {
  type = 0;
  flags = 0;
  /** rtmsg: dst_len, table (the header's), protocol, scope, rtm_type. */
  dstLen = 0;
  hdrTable = 0;
  protocol = 0;
  scope = 0;
  rtype = 0;
  /** Attributes, -1 when absent. */
  dst = -1;
  gateway = -1;
  oif = -1;
  priority = -1;
  table = -1;

  /**
   * Sets every field as Rtnl's route changes compute them: a change is RTPROT_BOOT unless a
   * protocol is given (-1: none), scope link for a device route without a gateway, a table
   * above 255 in RTA_TABLE; a deletion matches any protocol and scope (0 and RT_SCOPE_NOWHERE).
   */
  set(type: number, flags: number, forDelete: boolean, dst: number, dstLen: number, gateway: number, oif: number, metric: number, table: number, protocol: number): this {
    this.type = type;
    this.flags = flags;
    this.dstLen = dstLen;
    this.hdrTable = table < 256 ? table : RT_TABLE_COMPAT;
    this.protocol = protocol >= 0 ? protocol : forDelete ? 0 : RTPROT_BOOT;
    this.scope = forDelete ? RT_SCOPE_NOWHERE : gateway < 0 && oif >= 0 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
    this.rtype = forDelete ? 0 : RTN_UNICAST;
    this.dst = dst;
    this.gateway = gateway;
    this.oif = oif;
    this.priority = metric;
    this.table = table >= 256 ? table : -1;
    return this;
  }
  byteLength(): number {
    return NLMSG_HDRLEN + RTM_HDRLEN + 8 * (+(this.dst >= 0) + +(this.gateway >= 0) + +(this.oif >= 0) + +(this.priority >= 0) + +(this.table >= 0));
  }
  encodeInto(v: DataView, o: number): number {
    v.setUint16(o + 4, this.type, true);
    v.setUint16(o + 6, this.flags, true);
    v.setUint32(o + 8, 0, true);
    v.setUint32(o + 12, 0, true);
    let p = o + NLMSG_HDRLEN;
    v.setUint8(p, 2 /* AF_INET */);
    v.setUint8(p + 1, this.dstLen);
    v.setUint16(p + 2, 0); // src_len, tos
    v.setUint8(p + 4, this.hdrTable);
    v.setUint8(p + 5, this.protocol);
    v.setUint8(p + 6, this.scope);
    v.setUint8(p + 7, this.rtype);
    v.setUint32(p + 8, 0, true);
    p += RTM_HDRLEN;
    if (this.dst >= 0) p = attr32(v, p, RTA_DST, this.dst, false);
    if (this.gateway >= 0) p = attr32(v, p, RTA_GATEWAY, this.gateway, false);
    if (this.oif >= 0) p = attr32(v, p, RTA_OIF, this.oif, true);
    if (this.priority >= 0) p = attr32(v, p, RTA_PRIORITY, this.priority, true);
    if (this.table >= 0) p = attr32(v, p, RTA_TABLE, this.table, true);
    v.setUint32(o, p - o, true);
    return p;
  }
}
