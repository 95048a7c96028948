// Routes: RTM_NEWROUTE/DELROUTE/GETROUTE (rtmsg + RTA_*, linux/rtnetlink.h), with the metrics
// (RTAX_*), the multipath list (struct rtnexthop), RTA_VIA (struct rtvia) and the lightweight
// tunnel encapsulations shared with nexthops (linux/lwtunnel.h, mpls_iptunnel.h, seg6_*.h, ila.h,
// ioam6_iptunnel.h, rpl_iptunnel.h).
import { formatHex, formatIPv4, formatIPv6, parseHex, parseIP } from '../../core/addr.js';
import { DecodeError } from '../../core/errors.js';
import { dataView } from '../../core/header.js';
import { attrSet, defineEnum, defineFlags, defineStruct } from '../../schema/define.js';
import { decodeAttrs, encodeAttrs } from '../../schema/engine.js';
import type { AttrSet, CodecContext, DecodedSet, ValueCodec } from '../../schema/types.js';
import { AF_INET, AF_INET6, lwtunnelEncap, rtTable } from './constants.js';

// ---- lightweight tunnel encapsulations (RTA_ENCAP / NHA_ENCAP by ENCAP_TYPE) -----------------

/** LWTUNNEL_ENCAP_MPLS (MPLS_IPTUNNEL_*). */
export const mplsEncapAttrs = attrSet('encap-mpls', {
  /** The label stack: 4-byte MPLS shim headers. */
  dst: { id: 1, type: 'binary' },
  ttl: { id: 2, type: 'u8' },
});

const geneveOptAttrs = attrSet('encap-ip-opt-geneve', {
  class: { id: 1, type: 'u16', byteOrder: 'big-endian' },
  type: { id: 2, type: 'u8' },
  data: { id: 3, type: 'binary' },
});
const vxlanOptAttrs = attrSet('encap-ip-opt-vxlan', { gbp: { id: 1, type: 'u32' } });
const erspanOptAttrs = attrSet('encap-ip-opt-erspan', {
  ver: { id: 1, type: 'u8' },
  index: { id: 2, type: 'u32', byteOrder: 'big-endian' },
  dir: { id: 3, type: 'u8' },
  hwid: { id: 4, type: 'u8' },
});
/** LWTUNNEL_IP_OPTS / LWTUNNEL_IP6_OPTS (LWTUNNEL_IP_OPTS_*). */
const ipOptsAttrs = attrSet('encap-ip-opts', {
  geneve: { id: 1, type: 'nest', set: geneveOptAttrs, multi: true },
  vxlan: { id: 2, type: 'nest', set: vxlanOptAttrs },
  erspan: { id: 3, type: 'nest', set: erspanOptAttrs },
});
/** TUNNEL_* flags of a tunnel key, as the 16-bit set the kernel reports. */
const tunnelKeyFlags = defineFlags('tunnel-key-flags', {
  csum: 0x01, routing: 0x02, key: 0x04, seq: 0x08, strict: 0x10, rec: 0x20, version: 0x40,
  no_key: 0x80, dont_fragment: 0x100, oam: 0x200, crit_opt: 0x400, geneve_opt: 0x800,
  vxlan_opt: 0x1000, nocache: 0x2000, erspan_opt: 0x4000, gtp_opt: 0x8000,
});
/** LWTUNNEL_ENCAP_IP (LWTUNNEL_IP_*): metadata for a collect_md tunnel device. */
export const ipEncapAttrs = attrSet('encap-ip', {
  id: { id: 1, type: 'u64', byteOrder: 'big-endian' },
  dst: { id: 2, type: 'ipv4' },
  src: { id: 3, type: 'ipv4' },
  ttl: { id: 4, type: 'u8' },
  tos: { id: 5, type: 'u8' },
  flags: { id: 6, type: 'u16', byteOrder: 'big-endian', flags: tunnelKeyFlags },
  pad: { id: 7, type: 'binary' },
  opts: { id: 8, type: 'nest', set: ipOptsAttrs },
});
/** LWTUNNEL_ENCAP_IP6 (LWTUNNEL_IP6_*). */
export const ip6EncapAttrs = attrSet('encap-ip6', {
  id: { id: 1, type: 'u64', byteOrder: 'big-endian' },
  dst: { id: 2, type: 'ipv6' },
  src: { id: 3, type: 'ipv6' },
  hoplimit: { id: 4, type: 'u8' },
  tc: { id: 5, type: 'u8' },
  flags: { id: 6, type: 'u16', byteOrder: 'big-endian', flags: tunnelKeyFlags },
  pad: { id: 7, type: 'binary' },
  opts: { id: 8, type: 'nest', set: ipOptsAttrs },
});
/** LWTUNNEL_ENCAP_ILA (ILA_ATTR_*). */
export const ilaEncapAttrs = attrSet('encap-ila', {
  locator: { id: 1, type: 'u64' },
  identifier: { id: 2, type: 'u64' },
  locatorMatch: { id: 3, type: 'u64' },
  ifindex: { id: 4, type: 's32' },
  dir: { id: 5, type: 'u32' },
  pad: { id: 6, type: 'binary' },
  csumMode: { id: 7, type: 'u8' },
  identType: { id: 8, type: 'u8' },
  hookType: { id: 9, type: 'u8' },
});
/** LWTUNNEL_ENCAP_SEG6 (SEG6_IPTUNNEL_*). */
export const seg6EncapAttrs = attrSet('encap-seg6', {
  /** struct seg6_iptunnel_encap: an int mode then the IPv6 segment routing header. */
  srh: { id: 1, type: 'binary' },
});
const bpfProgAttrs = attrSet('encap-bpf-prog', { fd: { id: 1, type: 'u32' }, name: { id: 2, type: 'string' } });
/** LWTUNNEL_ENCAP_BPF (LWT_BPF_*). */
export const bpfEncapAttrs = attrSet('encap-bpf', {
  in: { id: 1, type: 'nest', set: bpfProgAttrs },
  out: { id: 2, type: 'nest', set: bpfProgAttrs },
  xmit: { id: 3, type: 'nest', set: bpfProgAttrs },
  xmitHeadroom: { id: 4, type: 'u32' },
});
const seg6LocalAction = defineEnum('seg6-local-action', {
  unspec: 0, end: 1, end_x: 2, end_t: 3, end_dx2: 4, end_dx6: 5, end_dx4: 6, end_dt6: 7, end_dt4: 8,
  end_b6: 9, end_b6_encap: 10, end_bm: 11, end_s: 12, end_as: 13, end_am: 14, end_bpf: 15, end_dt46: 16,
});
const seg6LocalBpfAttrs = attrSet('encap-seg6-local-bpf', { prog: { id: 1, type: 'u32' }, progName: { id: 2, type: 'string' } });
const seg6LocalCountersAttrs = attrSet('encap-seg6-local-counters', {
  pad: { id: 1, type: 'binary' },
  packets: { id: 2, type: 'u64' },
  bytes: { id: 3, type: 'u64' },
  errors: { id: 4, type: 'u64' },
});
const seg6LocalFlavorsAttrs = attrSet('encap-seg6-local-flavors', {
  operation: { id: 1, type: 'u32' },
  lcblockBits: { id: 2, type: 'u8' },
  lcnodeFnBits: { id: 3, type: 'u8' },
});
/** LWTUNNEL_ENCAP_SEG6_LOCAL (SEG6_LOCAL_*). */
export const seg6LocalEncapAttrs = attrSet('encap-seg6-local', {
  action: { id: 1, type: 'u32', enum: seg6LocalAction },
  srh: { id: 2, type: 'binary' },
  table: { id: 3, type: 'u32' },
  nh4: { id: 4, type: 'ipv4' },
  nh6: { id: 5, type: 'ipv6' },
  iif: { id: 6, type: 'u32' },
  oif: { id: 7, type: 'u32' },
  bpf: { id: 8, type: 'nest', set: seg6LocalBpfAttrs },
  vrftable: { id: 9, type: 'u32' },
  counters: { id: 10, type: 'nest', set: seg6LocalCountersAttrs },
  flavors: { id: 11, type: 'nest', set: seg6LocalFlavorsAttrs },
});
/** LWTUNNEL_ENCAP_RPL (RPL_IPTUNNEL_*). */
export const rplEncapAttrs = attrSet('encap-rpl', { srh: { id: 1, type: 'binary' } });
/** LWTUNNEL_ENCAP_IOAM6 (IOAM6_IPTUNNEL_*). */
export const ioam6EncapAttrs = attrSet('encap-ioam6', {
  mode: { id: 1, type: 'u8', enum: defineEnum('ioam6-mode', { inline: 1, encap: 2, auto: 3 }) },
  dst: { id: 2, type: 'ipv6' },
  /** struct ioam6_trace_hdr. */
  trace: { id: 3, type: 'binary' },
  freqK: { id: 4, type: 'u32' },
  freqN: { id: 5, type: 'u32' },
});
/** LWTUNNEL_ENCAP_XFRM (LWT_XFRM_*). */
export const xfrmEncapAttrs = attrSet('encap-xfrm', { ifId: { id: 1, type: 'u32' }, link: { id: 2, type: 'u32' } });

/** ENCAP formats by LWTUNNEL_ENCAP_* value, for RTA_ENCAP and NHA_ENCAP. */
export const encapFormats = {
  [lwtunnelEncap.values.mpls]: mplsEncapAttrs,
  [lwtunnelEncap.values.ip]: ipEncapAttrs,
  [lwtunnelEncap.values.ila]: ilaEncapAttrs,
  [lwtunnelEncap.values.ip6]: ip6EncapAttrs,
  [lwtunnelEncap.values.seg6]: seg6EncapAttrs,
  [lwtunnelEncap.values.bpf]: bpfEncapAttrs,
  [lwtunnelEncap.values.seg6_local]: seg6LocalEncapAttrs,
  [lwtunnelEncap.values.rpl]: rplEncapAttrs,
  [lwtunnelEncap.values.ioam6]: ioam6EncapAttrs,
  [lwtunnelEncap.values.xfrm]: xfrmEncapAttrs,
} as const;

// ---- metrics, structs -------------------------------------------------------------------------

/** RTA_METRICS (RTAX_*). */
export const metricsAttrs = attrSet('route-metrics', {
  /** Bit (1 << RTAX_x) set: metric x is locked. */
  lock: { id: 1, type: 'u32' },
  mtu: { id: 2, type: 'u32' },
  window: { id: 3, type: 'u32' },
  rtt: { id: 4, type: 'u32' },
  rttvar: { id: 5, type: 'u32' },
  ssthresh: { id: 6, type: 'u32' },
  cwnd: { id: 7, type: 'u32' },
  advmss: { id: 8, type: 'u32' },
  reordering: { id: 9, type: 'u32' },
  hoplimit: { id: 10, type: 'u32' },
  initcwnd: { id: 11, type: 'u32' },
  features: { id: 12, type: 'u32', flags: defineFlags('rtax-features', { ecn: 1, sack: 2, timestamp: 4, allfrag: 8, tcp_usec_ts: 16 }) },
  rtoMin: { id: 13, type: 'u32' },
  initrwnd: { id: 14, type: 'u32' },
  quickack: { id: 15, type: 'u32' },
  ccAlgo: { id: 16, type: 'string' },
  fastopenNoCookie: { id: 17, type: 'u32' },
});

/** struct rta_cacheinfo. */
export const rtaCacheinfo = defineStruct('rta_cacheinfo', [
  { name: 'clntref', type: 'u32' },
  { name: 'lastuse', type: 'u32' },
  { name: 'expires', type: 's32' },
  { name: 'error', type: 'u32' },
  { name: 'used', type: 'u32' },
  { name: 'id', type: 'u32' },
  { name: 'ts', type: 'u32' },
  { name: 'tsage', type: 'u32' },
]);

/** struct rta_mfc_stats (multicast routes). */
export const rtaMfcStats = defineStruct('rta_mfc_stats', [
  { name: 'packets', type: 'u64' },
  { name: 'bytes', type: 'u64' },
  { name: 'wrongIf', type: 'u64' },
]);

/** RTA_PREF (ICMPV6_ROUTER_PREF_*). */
export const routerPref = defineEnum('router-pref', { medium: 0, high: 1, invalid: 2, low: 3 });

// ---- custom codecs ----------------------------------------------------------------------------

/** A DecodeError from a nested decode, moved to the offsets of the enclosing buffer. */
function rebase(e: unknown, base: number): unknown {
  if (!(e instanceof DecodeError)) return e;
  return new DecodeError(e.reason, e.offset + base, e.message.replace(/ at byte offset \d+$/, ''));
}

/** RTA_VIA (struct rtvia): a gateway of another family, e.g. an IPv6 next hop of an IPv4 route. */
export interface RouteVia {
  /** Address family (AF_INET, AF_INET6, AF_PACKET...). */
  family: number;
  /** Dotted or RFC 5952 text for AF_INET/AF_INET6, colon-separated hex otherwise. */
  address: string;
}
/** RTA_VIA (a gateway of another address family, such as IPv4 via IPv6): family and address. */
export const viaCodec: ValueCodec<RouteVia> = {
  name: 'rtvia',
  decode(p, ctx) {
    if (p.length < 2) throw new DecodeError('attr-bad-size', ctx.offset, `rtvia: ${p.length} bytes, needs at least 2`);
    const family = dataView(p).getUint16(0, true);
    const a = p.subarray(2);
    const address = family === AF_INET && a.length === 4 ? formatIPv4(a) : family === AF_INET6 && a.length === 16 ? formatIPv6(a) : formatHex(a);
    return { family, address };
  },
  byteLength: (v) => 2 + viaAddressBytes(v).length,
  encodeInto(v, view, off) {
    const a = viaAddressBytes(v);
    view.setUint16(off, v.family, true);
    new Uint8Array(view.buffer, view.byteOffset + off + 2, a.length).set(a);
    return off + 2 + a.length;
  },
};
function viaAddressBytes(v: RouteVia): Uint8Array {
  // an address of another length than its family's was decoded as hex: it encodes back as hex
  const a = v.family === AF_INET || v.family === AF_INET6 ? parseIP(v.address) ?? (v.address.includes(':') && /^[0-9a-f]{2}(:[0-9a-f]{2})*$/i.test(v.address) ? parseHex(v.address) : undefined) : parseHex(v.address);
  if (!a) throw new TypeError(`via: '${v.address}' is not an address of family ${v.family}`);
  return a;
}

/** One path of RTA_MULTIPATH: a struct rtnexthop and the route attributes that follow it. */
export interface RouteNexthop {
  /** RTNH_F_* (rtnhFlags) */
  flags: number;
  /** Weight - 1. */
  hops: number;
  ifindex: number;
  /** RTA_GATEWAY, RTA_VIA, RTA_ENCAP, RTA_FLOW... of this path. */
  attrs: DecodedSet<RouteAttrSet>;
}

const RTNH_SIZE = 8;
/** RTA_MULTIPATH: a packed list of struct rtnexthop, each followed by its attributes. */
export const multipathCodec: ValueCodec<RouteNexthop[]> = {
  name: 'rtnexthop[]',
  decode(p: Uint8Array, ctx: CodecContext): RouteNexthop[] {
    const v = dataView(p);
    const out: RouteNexthop[] = [];
    let off = 0;
    while (off < p.length) {
      if (p.length - off < RTNH_SIZE) throw new DecodeError('attr-truncated', ctx.offset + off, `rtnexthop: ${p.length - off} bytes left, needs 8`);
      const len = v.getUint16(off, true);
      if (len < RTNH_SIZE || off + len > p.length) throw new DecodeError('attr-bad-length', ctx.offset + off, `rtnh_len ${len} with ${p.length - off} bytes left`);
      let attrs: DecodedSet<RouteAttrSet>;
      try {
        attrs = decodeAttrs(routeAttrs, p, off + RTNH_SIZE, off + len, ctx.fixedHeader);
      } catch (e) {
        throw rebase(e, ctx.offset);
      }
      out.push({ flags: v.getUint8(off + 2), hops: v.getUint8(off + 3), ifindex: v.getInt32(off + 4, true), attrs });
      off += (len + 3) & ~3;
    }
    return out;
  },
  byteLength: (list) => list.reduce((n, nh) => n + RTNH_SIZE + encodeAttrs(routeAttrs, nh.attrs ?? {}).byteLength(), 0),
  encodeInto(list, view, offset) {
    let off = offset;
    for (const nh of list) {
      const end = encodeAttrs(routeAttrs, nh.attrs ?? {}).encodeInto(view, off + RTNH_SIZE);
      view.setUint16(off, end - off, true);
      view.setUint8(off + 2, nh.flags);
      view.setUint8(off + 3, nh.hops);
      view.setInt32(off + 4, nh.ifindex, true);
      off = end;
    }
    return off;
  },
};

// ---- the route attribute set ------------------------------------------------------------------

const routeAttrDefs = {
  dst: { id: 1, type: 'ip' },
  src: { id: 2, type: 'ip' },
  iif: { id: 3, type: 'u32' },
  oif: { id: 4, type: 'u32' },
  gateway: { id: 5, type: 'ip' },
  priority: { id: 6, type: 'u32' },
  prefsrc: { id: 7, type: 'ip' },
  metrics: { id: 8, type: 'nest', set: metricsAttrs },
  multipath: { id: 9, type: 'custom', codec: multipathCodec },
  // RTA_PROTOINFO, RTA_SESSION and RTA_MP_ALGO are no longer used by the kernel
  protoinfo: { id: 10, type: 'binary' },
  /** Routing realms: (from << 16) | to. */
  flow: { id: 11, type: 'u32' },
  cacheinfo: { id: 12, type: 'struct', struct: rtaCacheinfo },
  session: { id: 13, type: 'binary' },
  mpAlgo: { id: 14, type: 'binary' },
  /** The table id, also for ids above 255 (rtm_table then says RT_TABLE_COMPAT). */
  table: { id: 15, type: 'u32', enum: rtTable },
  mark: { id: 16, type: 'u32' },
  mfcStats: { id: 17, type: 'struct', struct: rtaMfcStats },
  via: { id: 18, type: 'custom', codec: viaCodec },
  /** MPLS label stack to swap in. */
  newdst: { id: 19, type: 'binary' },
  pref: { id: 20, type: 'u8', enum: routerPref },
  encapType: { id: 21, type: 'u16', enum: lwtunnelEncap },
  encap: { id: 22, type: 'sub-message', selector: 'encapType', formats: encapFormats },
  /** Seconds left (IPv6 routes). */
  expires: { id: 23, type: 'u32' },
  pad: { id: 24, type: 'binary' },
  uid: { id: 25, type: 'u32' },
  ttlPropagate: { id: 26, type: 'u8' },
  ipProto: { id: 27, type: 'u8' },
  sport: { id: 28, type: 'u16', byteOrder: 'big-endian' },
  dport: { id: 29, type: 'u16', byteOrder: 'big-endian' },
  nhId: { id: 30, type: 'u32' },
  // newer than the 6.1 headers (6.14)
  flowlabel: { id: 31, type: 'u32', byteOrder: 'big-endian' },
} as const;

/** The route set's type as an interface: RTA_MULTIPATH entries hold route attributes again. */
export interface RouteAttrSet extends AttrSet<typeof routeAttrDefs> {}

/** RTA_*. */
export const routeAttrs: RouteAttrSet = attrSet('route', routeAttrDefs);
