// Links: RTM_NEWLINK/DELLINK/GETLINK/SETLINK and RTM_*LINKPROP (ifinfomsg + IFLA_*, linux/if_link.h).
import { attrSet, defineEnum, defineFlags, defineStruct } from '../../schema/define.js';
import type { AttrSet } from '../../schema/types.js';
import { bridgeAfSpecAttrs, bridgeAttrs, bridgePortAttrs } from './bridge.js';
import {
  AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC, ifinfomsg, in6AddrGenMode, linkmode, operstate, rtextFilter, rtnlLinkStats64,
} from './constants.js';
import {
  bareudpAttrs, bondAttrs, bondSlaveAttrs, dsaAttrs, geneveAttrs, greAttrs, gtpAttrs, hsrAttrs, ip6tnlAttrs, ipoibAttrs,
  iptunAttrs, ipvlanAttrs, macsecAttrs, macvlanAttrs, mctpAttrs, ovpnAttrs, pppAttrs, rmnetAttrs, tunAttrs, vlanAttrs,
  vrfAttrs, vrfPortAttrs, vtiAttrs, vxlanAttrs, xfrmAttrs,
} from './linkinfo.js';

/** The 24 counters struct rtnl_link_stats has: all of rtnl_link_stats64's but rx_otherhost_dropped. */
type LinkStats32Fields = ReadonlyArray<{ readonly name: Exclude<(typeof rtnlLinkStats64.fields)[number]['name'], 'rxOtherhostDropped'>; readonly type: 'u32' }>;
/** struct rtnl_link_stats (IFLA_STATS): the 32-bit counters. */
export const rtnlLinkStats = defineStruct('rtnl_link_stats',
  // slice() loses the tuple's names: the cast says which 24 fields it keeps
  rtnlLinkStats64.fields.slice(0, 24).map((f) => ({ ...f, type: 'u32' as const })) as LinkStats32Fields);

/** struct rtnl_link_ifmap (IFLA_MAP); 4 bytes of tail padding. */
export const rtnlLinkIfmap = defineStruct('rtnl_link_ifmap', [
  { name: 'memStart', type: 'u64' },
  { name: 'memEnd', type: 'u64' },
  { name: 'baseAddr', type: 'u64' },
  { name: 'irq', type: 'u16' },
  { name: 'dma', type: 'u8' },
  { name: 'port', type: 'u8' },
  { name: 'pad', type: 'pad', len: 4 },
]);

/** struct ifla_cacheinfo (IFLA_INET6_CACHEINFO). */
export const iflaCacheinfo = defineStruct('ifla_cacheinfo', [
  { name: 'maxReasmLen', type: 'u32' },
  { name: 'tstamp', type: 'u32' },
  { name: 'reachableTime', type: 'u32' },
  { name: 'retransTime', type: 'u32' },
]);

// ---- IFLA_AF_SPEC ---------------------------------------------------------------------------

/** AF_INET: the IPv4 devconf values, indexed by IPV4_DEVCONF_* - 1. */
export const inetAfAttrs = attrSet('link-af-inet', {
  conf: { id: 1, type: 'array', item: 'u32' },
});

/** AF_INET6 (IFLA_INET6_*): also the IFLA_PROTINFO of AF_INET6 link messages. */
export const inet6AfAttrs = attrSet('link-af-inet6', {
  flags: { id: 1, type: 'u32', flags: defineFlags('inet6-if-flags', { rs_sent: 0x10, ra_rcvd: 0x20, ra_managed: 0x40, ra_othercon: 0x80, ready: 0x80000000 }) },
  /** ipv6_devconf values, indexed by DEVCONF_*. */
  conf: { id: 2, type: 'array', item: 's32' },
  /** IPSTATS_MIB_* counters (the first is the count). */
  stats: { id: 3, type: 'array', item: 'u64' },
  mcast: { id: 4, type: 'binary' },
  cacheinfo: { id: 5, type: 'struct', struct: iflaCacheinfo },
  /** ICMP6_MIB_* counters (the first is the count). */
  icmp6stats: { id: 6, type: 'array', item: 'u64' },
  token: { id: 7, type: 'ipv6' },
  addrGenMode: { id: 8, type: 'u8', enum: in6AddrGenMode },
  raMtu: { id: 9, type: 'u32' },
});

/** IFLA_AF_SPEC of non-bridge link messages: one nest per address family. */
export const linkAfSpecAttrs = attrSet('link-af-spec', {
  inet: { id: AF_INET, type: 'nest', set: inetAfAttrs },
  bridge: { id: AF_BRIDGE, type: 'nest', set: bridgeAfSpecAttrs },
  inet6: { id: AF_INET6, type: 'nest', set: inet6AfAttrs },
});

// ---- other nests ------------------------------------------------------------------------------

const xdpAttached = defineEnum('xdp-attached', { none: 0, drv: 1, skb: 2, hw: 3, multi: 4 });
/** IFLA_XDP (IFLA_XDP_*). */
export const xdpAttrs = attrSet('link-xdp', {
  fd: { id: 1, type: 's32' },
  attached: { id: 2, type: 'u8', enum: xdpAttached },
  flags: { id: 3, type: 'u32', flags: defineFlags('xdp-flags', { update_if_noexist: 1, skb_mode: 2, drv_mode: 4, hw_mode: 8, replace: 16 }) },
  progId: { id: 4, type: 'u32' },
  drvProgId: { id: 5, type: 'u32' },
  skbProgId: { id: 6, type: 'u32' },
  hwProgId: { id: 7, type: 'u32' },
  expectedFd: { id: 8, type: 's32' },
});

/** IFLA_PROP_LIST: alternative names (the nest reuses IFLA_ALT_IFNAME). */
export const propListAttrs = attrSet('link-prop-list', {
  altIfname: { id: 53, type: 'string', multi: true },
});

/** IFLA_PROTO_DOWN_REASON. */
export const protoDownReasonAttrs = attrSet('link-proto-down-reason', {
  mask: { id: 1, type: 'u32' },
  value: { id: 2, type: 'u32' },
});

/** IFLA_DEVLINK_PORT: the devlink handle of the port (DEVLINK_ATTR_BUS_NAME/DEV_NAME/PORT_INDEX). */
export const devlinkPortAttrs = attrSet('link-devlink-port', {
  busName: { id: 1, type: 'string' },
  devName: { id: 2, type: 'string' },
  portIndex: { id: 3, type: 'u32' },
});

/** IFLA_DPLL_PIN: the DPLL pin handle (DPLL_A_PIN_ID). */
export const dpllPinAttrs = attrSet('link-dpll-pin', {
  id: { id: 1, type: 'u32' },
});

// SR-IOV: IFLA_VFINFO_LIST > IFLA_VF_INFO > IFLA_VF_*, each mostly a small struct led by the VF number.
const vfStruct = (name: string, setting: string) => defineStruct(name, [{ name: 'vf', type: 'u32' }, { name: setting, type: 'u32' }]);
const vfMac = defineStruct('ifla_vf_mac', [{ name: 'vf', type: 'u32' }, { name: 'mac', type: 'mac', len: 32 }]);
const vfVlan = defineStruct('ifla_vf_vlan', [{ name: 'vf', type: 'u32' }, { name: 'vlan', type: 'u32' }, { name: 'qos', type: 'u32' }]);
const vfVlanInfo = defineStruct('ifla_vf_vlan_info', [
  { name: 'vf', type: 'u32' }, { name: 'vlan', type: 'u32' }, { name: 'qos', type: 'u32' },
  { name: 'vlanProto', type: 'u16', byteOrder: 'big-endian' }, { name: 'pad', type: 'pad', len: 2 },
]);
const vfRate = defineStruct('ifla_vf_rate', [{ name: 'vf', type: 'u32' }, { name: 'minTxRate', type: 'u32' }, { name: 'maxTxRate', type: 'u32' }]);
const vfGuid = defineStruct('ifla_vf_guid', [{ name: 'vf', type: 'u32' }, { name: 'pad', type: 'pad', len: 4 }, { name: 'guid', type: 'u64' }]);
const vfBroadcast = defineStruct('ifla_vf_broadcast', [{ name: 'broadcast', type: 'mac', len: 32 }]);
const vfStatsAttrs = attrSet('link-vf-stats', {
  rxPackets: { id: 0, type: 'u64' }, txPackets: { id: 1, type: 'u64' },
  rxBytes: { id: 2, type: 'u64' }, txBytes: { id: 3, type: 'u64' },
  broadcast: { id: 4, type: 'u64' }, multicast: { id: 5, type: 'u64' }, pad: { id: 6, type: 'binary' },
  rxDropped: { id: 7, type: 'u64' }, txDropped: { id: 8, type: 'u64' },
});
const vfVlanListAttrs = attrSet('link-vf-vlan-list', { info: { id: 1, type: 'struct', struct: vfVlanInfo, multi: true } });
/** Attribute set `link-vf-info` (linux/if_link.h). */
export const vfInfoAttrs = attrSet('link-vf-info', {
  mac: { id: 1, type: 'struct', struct: vfMac },
  vlan: { id: 2, type: 'struct', struct: vfVlan },
  txRate: { id: 3, type: 'struct', struct: vfStruct('ifla_vf_tx_rate', 'rate') },
  spoofchk: { id: 4, type: 'struct', struct: vfStruct('ifla_vf_spoofchk', 'setting') },
  linkState: { id: 5, type: 'struct', struct: vfStruct('ifla_vf_link_state', 'linkState') },
  rate: { id: 6, type: 'struct', struct: vfRate },
  rssQueryEn: { id: 7, type: 'struct', struct: vfStruct('ifla_vf_rss_query_en', 'setting') },
  stats: { id: 8, type: 'nest', set: vfStatsAttrs },
  trust: { id: 9, type: 'struct', struct: vfStruct('ifla_vf_trust', 'setting') },
  ibNodeGuid: { id: 10, type: 'struct', struct: vfGuid },
  ibPortGuid: { id: 11, type: 'struct', struct: vfGuid },
  vlanList: { id: 12, type: 'nest', set: vfVlanListAttrs },
  broadcast: { id: 13, type: 'struct', struct: vfBroadcast },
});
const vfInfoListAttrs = attrSet('link-vfinfo-list', { info: { id: 1, type: 'nest', set: vfInfoAttrs, multi: true } });

const portVsi = defineStruct('ifla_port_vsi', [
  { name: 'vsiMgrId', type: 'u8' }, { name: 'vsiTypeId', type: 'binary', len: 3 },
  { name: 'vsiTypeVersion', type: 'u8' }, { name: 'pad', type: 'pad', len: 3 },
]);
/** IFLA_PORT_SELF and each IFLA_VF_PORT (802.1Qbg/bh port profiles). */
export const portAttrs = attrSet('link-port', {
  vf: { id: 1, type: 'u32' },
  profile: { id: 2, type: 'string' },
  vsiType: { id: 3, type: 'struct', struct: portVsi },
  instanceUuid: { id: 4, type: 'binary' },
  hostUuid: { id: 5, type: 'binary' },
  request: { id: 6, type: 'u8' },
  response: { id: 7, type: 'u16' },
});
const vfPortsAttrs = attrSet('link-vf-ports', { port: { id: 1, type: 'nest', set: portAttrs, multi: true } });

const iflaEvent = defineEnum('ifla-event', {
  none: 0, reboot: 1, features: 2, bonding_failover: 3, notify_peers: 4, igmp_resend: 5, bonding_options: 6,
});

// ---- the link attribute set -------------------------------------------------------------------

const linkAttrDefs = {
  address: { id: 1, type: 'mac' },
  broadcast: { id: 2, type: 'mac' },
  ifname: { id: 3, type: 'string' },
  mtu: { id: 4, type: 'u32' },
  link: { id: 5, type: 'u32' },
  qdisc: { id: 6, type: 'string' },
  stats: { id: 7, type: 'struct', struct: rtnlLinkStats },
  // IFLA_COST, IFLA_PRIORITY, IFLA_WIRELESS and IFLA_WEIGHT are reserved; nothing sends them today
  cost: { id: 8, type: 'binary' },
  priority: { id: 9, type: 'binary' },
  master: { id: 10, type: 'u32' },
  wireless: { id: 11, type: 'binary' },
  /** Bridge port options in AF_BRIDGE messages, IFLA_INET6_* in AF_INET6 ones. */
  protinfo: {
    id: 12, type: 'sub-message', selector: 'family', selectorIn: 'header',
    formats: { [AF_BRIDGE]: bridgePortAttrs, [AF_INET6]: inet6AfAttrs },
  },
  txqlen: { id: 13, type: 'u32' },
  map: { id: 14, type: 'struct', struct: rtnlLinkIfmap },
  weight: { id: 15, type: 'binary' },
  operstate: { id: 16, type: 'u8', enum: operstate },
  linkmode: { id: 17, type: 'u8', enum: linkmode },
  linkinfo: { id: 18, type: 'nest', set: (): LinkInfoAttrSet => linkInfoAttrs },
  netNsPid: { id: 19, type: 'u32' },
  ifalias: { id: 20, type: 'string' },
  numVf: { id: 21, type: 'u32' },
  vfinfoList: { id: 22, type: 'nest', set: vfInfoListAttrs },
  stats64: { id: 23, type: 'struct', struct: rtnlLinkStats64 },
  vfPorts: { id: 24, type: 'nest', set: vfPortsAttrs },
  portSelf: { id: 25, type: 'nest', set: portAttrs },
  /** One nest per address family; AF_BRIDGE messages carry IFLA_BRIDGE_* directly. */
  afSpec: {
    id: 26, type: 'sub-message', selector: 'family', selectorIn: 'header',
    formats: { [AF_UNSPEC]: linkAfSpecAttrs, [AF_INET]: linkAfSpecAttrs, [AF_INET6]: linkAfSpecAttrs, [AF_BRIDGE]: bridgeAfSpecAttrs },
  },
  group: { id: 27, type: 'u32' },
  netNsFd: { id: 28, type: 's32' },
  extMask: { id: 29, type: 'u32', flags: rtextFilter },
  promiscuity: { id: 30, type: 'u32' },
  numTxQueues: { id: 31, type: 'u32' },
  numRxQueues: { id: 32, type: 'u32' },
  carrier: { id: 33, type: 'u8' },
  physPortId: { id: 34, type: 'binary' },
  carrierChanges: { id: 35, type: 'u32' },
  physSwitchId: { id: 36, type: 'binary' },
  linkNetnsid: { id: 37, type: 's32' },
  physPortName: { id: 38, type: 'string' },
  protoDown: { id: 39, type: 'u8' },
  gsoMaxSegs: { id: 40, type: 'u32' },
  gsoMaxSize: { id: 41, type: 'u32' },
  pad: { id: 42, type: 'binary' },
  xdp: { id: 43, type: 'nest', set: xdpAttrs },
  event: { id: 44, type: 'u32', enum: iflaEvent },
  newNetnsid: { id: 45, type: 's32' },
  /** IFLA_TARGET_NETNSID (formerly IFLA_IF_NETNSID). */
  targetNetnsid: { id: 46, type: 's32' },
  carrierUpCount: { id: 47, type: 'u32' },
  carrierDownCount: { id: 48, type: 'u32' },
  newIfindex: { id: 49, type: 's32' },
  minMtu: { id: 50, type: 'u32' },
  maxMtu: { id: 51, type: 'u32' },
  propList: { id: 52, type: 'nest', set: propListAttrs },
  altIfname: { id: 53, type: 'string' },
  permAddress: { id: 54, type: 'mac' },
  protoDownReason: { id: 55, type: 'nest', set: protoDownReasonAttrs },
  parentDevName: { id: 56, type: 'string' },
  parentDevBusName: { id: 57, type: 'string' },
  groMaxSize: { id: 58, type: 'u32' },
  tsoMaxSize: { id: 59, type: 'u32' },
  tsoMaxSegs: { id: 60, type: 'u32' },
  allmulti: { id: 61, type: 'u32' },
  // newer than the 6.1 headers (6.4 - 6.18)
  devlinkPort: { id: 62, type: 'nest', set: devlinkPortAttrs },
  gsoIpv4MaxSize: { id: 63, type: 'u32' },
  groIpv4MaxSize: { id: 64, type: 'u32' },
  dpllPin: { id: 65, type: 'nest', set: dpllPinAttrs },
  maxPacingOffloadHorizon: { id: 66, type: 'uint' },
  netnsImmutable: { id: 67, type: 'u8' },
  headroom: { id: 68, type: 'u16' },
  tailroom: { id: 69, type: 'u16' },
} as const;

/**
 * The link attribute set's type, spelled as an interface so that the sets nested in it can refer
 * back to it (a veth peer is an ifinfomsg plus link attributes) without a circular type.
 */
export interface LinkAttrSet extends AttrSet<typeof linkAttrDefs> {}

/** IFLA_*: RTM_*LINK and RTM_*LINKPROP attributes. */
export const linkAttrs: LinkAttrSet = attrSet('link', linkAttrDefs);

// ---- IFLA_LINKINFO: the kind and its options ---------------------------------------------------
// The kinds' option sets are in linkinfo.ts; the sets that nest a whole link message (a veth or
// netkit peer) and the IFLA_LINKINFO set that selects among them are here, beside the link set
// they refer back to.

/** The peer of a veth or netkit pair: an ifinfomsg then link attributes (a link message nested). */
interface PeerInfoAttr { readonly id: 1; readonly type: 'nest'; readonly header: typeof ifinfomsg; readonly set: () => LinkAttrSet }
const peerInfo: PeerInfoAttr = { id: 1, type: 'nest', header: ifinfomsg, set: () => linkAttrs };

// The two sets that hold a peer are typed by interfaces: their types refer back to the link set.
export interface VethAttrSet extends AttrSet<{ readonly peer: PeerInfoAttr }> {}
/** veth (VETH_INFO_*). */
export const vethAttrs: VethAttrSet = attrSet('linkinfo-veth', { peer: peerInfo });

const netkitAttrDefs = {
  primary: { id: 2, type: 'u8' },
  policy: { id: 3, type: 's32' },
  peerPolicy: { id: 4, type: 's32' },
  mode: { id: 5, type: 'u32' },
  scrub: { id: 6, type: 'u32' },
  peerScrub: { id: 7, type: 'u32' },
  headroom: { id: 8, type: 'u16' },
  tailroom: { id: 9, type: 'u16' },
  pairing: { id: 10, type: 'u32' },
} as const;
export interface NetkitAttrSet extends AttrSet<typeof netkitAttrDefs & { readonly peerInfo: PeerInfoAttr }> {}
/** netkit (IFLA_NETKIT_*, newer than the 6.1 headers). */
export const netkitAttrs: NetkitAttrSet = attrSet('linkinfo-netkit', { peerInfo, ...netkitAttrDefs });

const linkInfoAttrDefs = {
  kind: { id: 1, type: 'string' },
  data: {
    id: 2, type: 'sub-message', selector: 'kind',
    formats: {
      veth: vethAttrs, netkit: netkitAttrs, bridge: bridgeAttrs, vlan: vlanAttrs,
      macvlan: macvlanAttrs, macvtap: macvlanAttrs, vxlan: vxlanAttrs, geneve: geneveAttrs,
      bareudp: bareudpAttrs, bond: bondAttrs, vrf: vrfAttrs, macsec: macsecAttrs, xfrm: xfrmAttrs,
      ipvlan: ipvlanAttrs, ipvtap: ipvlanAttrs, ipip: iptunAttrs, sit: iptunAttrs, ip6tnl: ip6tnlAttrs,
      gre: greAttrs, gretap: greAttrs, erspan: greAttrs, ip6gre: greAttrs, ip6gretap: greAttrs, ip6erspan: greAttrs,
      vti: vtiAttrs, vti6: vtiAttrs, tun: tunAttrs, hsr: hsrAttrs, gtp: gtpAttrs, ipoib: ipoibAttrs,
      ppp: pppAttrs, rmnet: rmnetAttrs, mctp: mctpAttrs, dsa: dsaAttrs, ovpn: ovpnAttrs,
    },
  },
  /** Kind-specific statistics (can, bond...), kept as bytes. */
  xstats: { id: 3, type: 'binary' },
  slaveKind: { id: 4, type: 'string' },
  slaveData: {
    id: 5, type: 'sub-message', selector: 'slaveKind',
    formats: { bridge: bridgePortAttrs, bond: bondSlaveAttrs, vrf: vrfPortAttrs },
  },
} as const;

/** The IFLA_LINKINFO set's type as an interface: the link set refers to it and it (veth) to the link set. */
export interface LinkInfoAttrSet extends AttrSet<typeof linkInfoAttrDefs> {}

/** IFLA_INFO_* (the IFLA_LINKINFO nest). */
export const linkInfoAttrs: LinkInfoAttrSet = attrSet('linkinfo', linkInfoAttrDefs);
