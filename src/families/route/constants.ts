// rtnetlink numbers, enums, flag sets and the structs several object kinds share. Values are
// the UAPI's (linux/rtnetlink.h, if_link.h, if_addr.h, neighbour.h, fib_rules.h, nexthop.h,
// lwtunnel.h, if_arp.h, if.h); names drop the kernel prefix and are lowercase, so IFF_LOWER_UP
// is 'lower_up' and RT_SCOPE_LINK is 'link'.
import { defineEnum, defineFlags, defineStruct } from '../../schema/define.js';

/** Message types (RTM_*). */
export const RTM = {
  NEWLINK: 16, DELLINK: 17, GETLINK: 18, SETLINK: 19,
  NEWADDR: 20, DELADDR: 21, GETADDR: 22,
  NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26,
  NEWNEIGH: 28, DELNEIGH: 29, GETNEIGH: 30,
  NEWRULE: 32, DELRULE: 33, GETRULE: 34,
  NEWQDISC: 36, DELQDISC: 37, GETQDISC: 38,
  NEWTCLASS: 40, DELTCLASS: 41, GETTCLASS: 42,
  NEWTFILTER: 44, DELTFILTER: 45, GETTFILTER: 46,
  NEWACTION: 48, DELACTION: 49, GETACTION: 50,
  NEWPREFIX: 52,
  NEWMULTICAST: 56, DELMULTICAST: 57, GETMULTICAST: 58,
  NEWANYCAST: 60, DELANYCAST: 61, GETANYCAST: 62,
  NEWNEIGHTBL: 64, GETNEIGHTBL: 66, SETNEIGHTBL: 67,
  NEWNDUSEROPT: 68,
  NEWADDRLABEL: 72, DELADDRLABEL: 73, GETADDRLABEL: 74,
  GETDCB: 78, SETDCB: 79,
  NEWNETCONF: 80, DELNETCONF: 81, GETNETCONF: 82,
  NEWMDB: 84, DELMDB: 85, GETMDB: 86,
  NEWNSID: 88, DELNSID: 89, GETNSID: 90,
  NEWSTATS: 92, GETSTATS: 94, SETSTATS: 95,
  NEWCACHEREPORT: 96,
  NEWCHAIN: 100, DELCHAIN: 101, GETCHAIN: 102,
  NEWNEXTHOP: 104, DELNEXTHOP: 105, GETNEXTHOP: 106,
  NEWLINKPROP: 108, DELLINKPROP: 109, GETLINKPROP: 110,
  NEWVLAN: 112, DELVLAN: 113, GETVLAN: 114,
  NEWNEXTHOPBUCKET: 116, DELNEXTHOPBUCKET: 117, GETNEXTHOPBUCKET: 118,
  NEWTUNNEL: 120, DELTUNNEL: 121, GETTUNNEL: 122,
} as const;

/** Multicast groups (RTNLGRP_*); the bit of group N in the legacy nl_groups mask is 1 << (N - 1). */
export const rtnlGroup = defineEnum('rtnlgrp', {
  none: 0, link: 1, notify: 2, neigh: 3, tc: 4, ipv4_ifaddr: 5, ipv4_mroute: 6, ipv4_route: 7,
  ipv4_rule: 8, ipv6_ifaddr: 9, ipv6_mroute: 10, ipv6_route: 11, ipv6_ifinfo: 12, decnet_ifaddr: 13,
  nop2: 14, decnet_route: 15, decnet_rule: 16, nop4: 17, ipv6_prefix: 18, ipv6_rule: 19,
  nd_useropt: 20, phonet_ifaddr: 21, phonet_route: 22, dcb: 23, ipv4_netconf: 24, ipv6_netconf: 25,
  mdb: 26, mpls_route: 27, nsid: 28, mpls_netconf: 29, ipv4_mroute_r: 30, ipv6_mroute_r: 31,
  nexthop: 32, brvlan: 33, mctp_ifaddr: 34, tunnel: 35, stats: 36,
  // newer than the 6.1 headers (6.13+)
  ipv4_mcaddr: 37, ipv6_mcaddr: 38, ipv6_acaddr: 39,
});

/** Address families seen in rtnetlink headers (linux/socket.h). */
export const addressFamily = defineEnum('address-family', {
  unspec: 0, unix: 1, inet: 2, ax25: 3, ipx: 4, appletalk: 5, netrom: 6, bridge: 7, atmpvc: 8,
  x25: 9, inet6: 10, rose: 11, decnet: 12, netbeui: 13, security: 14, key: 15, netlink: 16,
  packet: 17, can: 29, mpls: 28, mctp: 45,
});
/** Address family numbers (linux/socket.h) used in family headers: any family. */
export const AF_UNSPEC = 0;
/** IPv4. */
export const AF_INET = 2;
/** Bridge (fdb, vlan and bridge port messages). */
export const AF_BRIDGE = 7;
/** IPv6. */
export const AF_INET6 = 10;
/** MPLS. */
export const AF_MPLS = 28;

/** ifi_type (ARPHRD_*, linux/if_arp.h). */
export const arphrd = defineEnum('arphrd', {
  netrom: 0, ether: 1, eether: 2, ax25: 3, pronet: 4, chaos: 5, ieee802: 6, arcnet: 7, appletlk: 8,
  dlci: 15, atm: 19, metricom: 23, ieee1394: 24, eui64: 27, infiniband: 32,
  slip: 256, cslip: 257, slip6: 258, cslip6: 259, rsrvd: 260, adapt: 264, rose: 270, x25: 271,
  hwx25: 272, can: 280, mctp: 290, ppp: 512, cisco: 513, lapb: 516, ddcmp: 517, rawhdlc: 518,
  rawip: 519, tunnel: 768, tunnel6: 769, frad: 770, skip: 771, loopback: 772, localtlk: 773,
  fddi: 774, bif: 775, sit: 776, ipddp: 777, ipgre: 778, pimreg: 779, hippi: 780, ash: 781,
  econet: 782, irda: 783, fcpp: 784, fcal: 785, fcpl: 786, fcfabric: 787, ieee802_tr: 800,
  ieee80211: 801, ieee80211_prism: 802, ieee80211_radiotap: 803, ieee802154: 804,
  ieee802154_monitor: 805, phonet: 820, phonet_pipe: 821, caif: 822, ip6gre: 823, netlink: 824,
  '6lowpan': 825, vsockmon: 826, void: 0xffff, none: 0xfffe,
});

/** ifi_flags (IFF_*, linux/if.h). */
export const iff = defineFlags('iff', {
  up: 1 << 0, broadcast: 1 << 1, debug: 1 << 2, loopback: 1 << 3, pointopoint: 1 << 4,
  notrailers: 1 << 5, running: 1 << 6, noarp: 1 << 7, promisc: 1 << 8, allmulti: 1 << 9,
  master: 1 << 10, slave: 1 << 11, multicast: 1 << 12, portsel: 1 << 13, automedia: 1 << 14,
  dynamic: 1 << 15, lower_up: 1 << 16, dormant: 1 << 17, echo: 1 << 18,
});

/** IFLA_OPERSTATE (RFC 2863, IF_OPER_*). */
export const operstate = defineEnum('operstate', {
  unknown: 0, notpresent: 1, down: 2, lowerlayerdown: 3, testing: 4, dormant: 5, up: 6,
});
/** IFLA_LINKMODE (IF_LINK_MODE_*). */
export const linkmode = defineEnum('linkmode', { default: 0, dormant: 1, testing: 2 });

/** IFLA_EXT_MASK and friends (RTEXT_FILTER_*): what a link dump should include. */
export const rtextFilter = defineFlags('rtext-filter', {
  vf: 1 << 0, brvlan: 1 << 1, brvlan_compressed: 1 << 2, skip_stats: 1 << 3, mrp: 1 << 4,
  cfm_config: 1 << 5, cfm_status: 1 << 6, mst: 1 << 7,
});

/** ifa_scope and rtm_scope (RT_SCOPE_*). */
export const rtScope = defineEnum('rt-scope', { universe: 0, site: 200, link: 253, host: 254, nowhere: 255 });

/** ifa_flags / IFA_FLAGS (IFA_F_*). IFA_F_TEMPORARY shares 0x01 with secondary. */
export const ifaFlags = defineFlags('ifa-flags', {
  secondary: 0x01, nodad: 0x02, optimistic: 0x04, dadfailed: 0x08, homeaddress: 0x10,
  deprecated: 0x20, tentative: 0x40, permanent: 0x80, managetempaddr: 0x100, noprefixroute: 0x200,
  mcautojoin: 0x400, stable_privacy: 0x800,
});
/** IFA_PROTO (IFAPROT_*). */
export const ifaProto = defineEnum('ifa-proto', { unspec: 0, kernel_lo: 1, kernel_ra: 2, kernel_ll: 3 });

/** rtm_type (RTN_*). */
export const rtnType = defineEnum('rtn-type', {
  unspec: 0, unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6,
  unreachable: 7, prohibit: 8, throw: 9, nat: 10, xresolve: 11,
});
/** rtm_protocol, nh_protocol, FRA_PROTOCOL, NDA_PROTOCOL (RTPROT_*). */
export const rtProtocol = defineEnum('rt-protocol', {
  unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11,
  bird: 12, dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16, mrouted: 17, keepalived: 18, babel: 42,
  openr: 99, bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
});
/** rtm_table and RTA_TABLE (RT_TABLE_*); any other number is a table id. */
export const rtTable = defineEnum('rt-table', { unspec: 0, compat: 252, default: 253, main: 254, local: 255 });

/** rtnh_flags and nh_flags (RTNH_F_*). */
export const rtnhFlags = defineFlags('rtnh-flags', {
  dead: 1, pervasive: 2, onlink: 4, offload: 8, linkdown: 16, unresolved: 32, trap: 64,
});
/**
 * rtm_flags: the nexthop bits (RTNH_F_*, for single-path routes) and the RTM_F_* bits; RTM_F_OFFLOAD
 * and RTM_F_TRAP are 'route_offload' and 'route_trap' to keep apart from RTNH_F_OFFLOAD/TRAP.
 */
export const rtmFlags = defineFlags('rtm-flags', {
  ...rtnhFlags.values,
  notify: 0x100, cloned: 0x200, equalize: 0x400, prefix: 0x800, lookup_table: 0x1000,
  fib_match: 0x2000, route_offload: 0x4000, route_trap: 0x8000, offload_failed: 0x20000000,
});

/** RTA_ENCAP_TYPE, NHA_ENCAP_TYPE (LWTUNNEL_ENCAP_*). */
export const lwtunnelEncap = defineEnum('lwtunnel-encap', {
  none: 0, mpls: 1, ip: 2, ila: 3, ip6: 4, seg6: 5, bpf: 6, seg6_local: 7, rpl: 8, ioam6: 9, xfrm: 10,
});

/** ndm_state (NUD_*). */
export const nudState = defineFlags('nud-state', {
  incomplete: 0x01, reachable: 0x02, stale: 0x04, delay: 0x08, probe: 0x10, failed: 0x20,
  noarp: 0x40, permanent: 0x80,
});
/** ndm_flags (NTF_*). */
export const ntfFlags = defineFlags('ntf-flags', {
  use: 0x01, self: 0x02, master: 0x04, proxy: 0x08, ext_learned: 0x10, offloaded: 0x20,
  sticky: 0x40, router: 0x80,
});
/** NDA_FLAGS_EXT (NTF_EXT_*); ext_validated is newer than the 6.1 headers. */
export const ntfExtFlags = defineFlags('ntf-ext-flags', { managed: 1 << 0, locked: 1 << 1, ext_validated: 1 << 2 });

/** fib_rule_hdr.action (FR_ACT_*). */
export const frAction = defineEnum('fr-action', {
  unspec: 0, to_tbl: 1, goto: 2, nop: 3, res3: 4, res4: 5, blackhole: 6, unreachable: 7, prohibit: 8,
});
/** fib_rule_hdr.flags (FIB_RULE_*). */
export const fibRuleFlags = defineFlags('fib-rule-flags', {
  permanent: 0x1, invert: 0x2, unresolved: 0x4, iif_detached: 0x8, oif_detached: 0x10, find_saddr: 0x10000,
});

/** NHA_GROUP_TYPE (NEXTHOP_GRP_TYPE_*). */
export const nexthopGroupType = defineEnum('nexthop-grp-type', { mpath: 0, res: 1 });

/** IFLA_INET6_ADDR_GEN_MODE (IN6_ADDR_GEN_MODE_*). */
export const in6AddrGenMode = defineEnum('in6-addr-gen-mode', { eui64: 0, none: 1, stable_privacy: 2, random: 3 });

// ---- family headers and shared structs ------------------------------------------------------

/** struct ifinfomsg: RTM_*LINK, and the peer of veth/netkit. */
export const ifinfomsg = defineStruct('ifinfomsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'pad', type: 'pad', len: 1 },
  { name: 'type', type: 'u16', enum: arphrd },
  { name: 'index', type: 's32' },
  { name: 'flags', type: 'u32', flags: iff },
  { name: 'change', type: 'u32', flags: iff },
]);

/** struct ifaddrmsg: RTM_*ADDR, RTM_*MULTICAST, RTM_*ANYCAST. */
export const ifaddrmsg = defineStruct('ifaddrmsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'prefixlen', type: 'u8' },
  { name: 'flags', type: 'u8', flags: ifaFlags },
  { name: 'scope', type: 'u8', enum: rtScope },
  { name: 'index', type: 'u32' },
]);

/** struct rtmsg: RTM_*ROUTE. */
export const rtmsg = defineStruct('rtmsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'dstLen', type: 'u8' },
  { name: 'srcLen', type: 'u8' },
  { name: 'tos', type: 'u8' },
  { name: 'table', type: 'u8', enum: rtTable },
  { name: 'protocol', type: 'u8', enum: rtProtocol },
  { name: 'scope', type: 'u8', enum: rtScope },
  { name: 'type', type: 'u8', enum: rtnType },
  { name: 'flags', type: 'u32', flags: rtmFlags },
]);

/** struct ndmsg: RTM_*NEIGH. */
export const ndmsg = defineStruct('ndmsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'pad1', type: 'pad', len: 1 },
  { name: 'pad2', type: 'pad', len: 2 },
  { name: 'ifindex', type: 's32' },
  { name: 'state', type: 'u16', flags: nudState },
  { name: 'flags', type: 'u8', flags: ntfFlags },
  { name: 'type', type: 'u8', enum: rtnType },
]);

/** struct fib_rule_hdr: RTM_*RULE. */
export const fibRuleHdr = defineStruct('fib_rule_hdr', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'dstLen', type: 'u8' },
  { name: 'srcLen', type: 'u8' },
  { name: 'tos', type: 'u8' },
  { name: 'table', type: 'u8', enum: rtTable },
  { name: 'res1', type: 'u8' },
  { name: 'res2', type: 'u8' },
  { name: 'action', type: 'u8', enum: frAction },
  { name: 'flags', type: 'u32', flags: fibRuleFlags },
]);

/** struct nhmsg: RTM_*NEXTHOP and RTM_*NEXTHOPBUCKET. */
export const nhmsg = defineStruct('nhmsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'scope', type: 'u8', enum: rtScope },
  { name: 'protocol', type: 'u8', enum: rtProtocol },
  { name: 'resvd', type: 'u8' },
  { name: 'flags', type: 'u32', flags: rtnhFlags },
]);

/** struct netconfmsg (one byte, aligned to 4 on the wire). */
export const netconfmsg = defineStruct('netconfmsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'pad', type: 'pad', len: 3 },
]);

/** struct rtgenmsg (one byte, aligned to 4 on the wire): RTM_*NSID. */
export const rtgenmsg = defineStruct('rtgenmsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'pad', type: 'pad', len: 3 },
]);

/** struct rtnl_link_stats64 (IFLA_STATS64, IFLA_STATS_LINK_64, IFLA_OFFLOAD_XSTATS_CPU_HIT). */
export const rtnlLinkStats64 = defineStruct('rtnl_link_stats64', [
  { name: 'rxPackets', type: 'u64' }, { name: 'txPackets', type: 'u64' },
  { name: 'rxBytes', type: 'u64' }, { name: 'txBytes', type: 'u64' },
  { name: 'rxErrors', type: 'u64' }, { name: 'txErrors', type: 'u64' },
  { name: 'rxDropped', type: 'u64' }, { name: 'txDropped', type: 'u64' },
  { name: 'multicast', type: 'u64' }, { name: 'collisions', type: 'u64' },
  { name: 'rxLengthErrors', type: 'u64' }, { name: 'rxOverErrors', type: 'u64' },
  { name: 'rxCrcErrors', type: 'u64' }, { name: 'rxFrameErrors', type: 'u64' },
  { name: 'rxFifoErrors', type: 'u64' }, { name: 'rxMissedErrors', type: 'u64' },
  { name: 'txAbortedErrors', type: 'u64' }, { name: 'txCarrierErrors', type: 'u64' },
  { name: 'txFifoErrors', type: 'u64' }, { name: 'txHeartbeatErrors', type: 'u64' },
  { name: 'txWindowErrors', type: 'u64' },
  { name: 'rxCompressed', type: 'u64' }, { name: 'txCompressed', type: 'u64' },
  { name: 'rxNohandler', type: 'u64' }, { name: 'rxOtherhostDropped', type: 'u64' },
]);

/** struct ifla_bridge_id: IFLA_BR_ROOT_ID/BRIDGE_ID, IFLA_BRPORT_ROOT_ID/BRIDGE_ID. */
export const iflaBridgeId = defineStruct('ifla_bridge_id', [
  { name: 'prio', type: 'binary', len: 2 },
  { name: 'addr', type: 'mac' },
]);

/** struct bridge_vlan_info: IFLA_BRIDGE_VLAN_INFO, BRIDGE_VLANDB_ENTRY_INFO. */
export const bridgeVlanInfo = defineStruct('bridge_vlan_info', [
  { name: 'flags', type: 'u16', flags: defineFlags('bridge-vlan-info-flags', {
    master: 1 << 0, pvid: 1 << 1, untagged: 1 << 2, range_begin: 1 << 3, range_end: 1 << 4,
    brentry: 1 << 5, only_opts: 1 << 6,
  }) },
  { name: 'vid', type: 'u16' },
]);

/** A __be16 low/high port pair (struct ifla_vxlan_port_range, ifla_geneve_port_range). */
export const portRangeBe = defineStruct('port_range_be', [
  { name: 'low', type: 'u16', byteOrder: 'big-endian' },
  { name: 'high', type: 'u16', byteOrder: 'big-endian' },
]);
