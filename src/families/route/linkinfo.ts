// IFLA_LINKINFO's kind-specific option sets (IFLA_INFO_DATA, selected by IFLA_INFO_KIND) and, for
// a port of a master device, the port options (IFLA_INFO_SLAVE_DATA, selected by
// IFLA_INFO_SLAVE_KIND). The IFLA_LINKINFO set itself, and the veth and netkit sets that nest a
// peer's link message, are in link.ts, beside the link set they refer back to. Kinds without
// options (dummy, ifb, wireguard, nlmon...) send IFLA_INFO_KIND alone. Sources: linux/if_link.h,
// if_tunnel.h, veth.h.
import { attrSet, defineEnum, defineFlags, defineStruct } from '../../schema/define.js';
import type { ValueCodec } from '../../schema/types.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../core/addr.js';
import { NLA_HDRLEN, align4 } from '../../core/constants.js';
import { DecodeError } from '../../core/errors.js';
import { dataView } from '../../core/header.js';
import { portRangeBe } from './constants.js';

const vlanQosMapping = defineStruct('ifla_vlan_qos_mapping', [{ name: 'from', type: 'u32' }, { name: 'to', type: 'u32' }]);
const vlanQosAttrs = attrSet('linkinfo-vlan-qos', { mapping: { id: 1, type: 'struct', struct: vlanQosMapping, multi: true } });
/** vlan (IFLA_VLAN_*). */
export const vlanAttrs = attrSet('linkinfo-vlan', {
  id: { id: 1, type: 'u16' },
  flags: {
    id: 2, type: 'struct',
    struct: defineStruct('ifla_vlan_flags', [{ name: 'flags', type: 'u32' }, { name: 'mask', type: 'u32' }]),
  },
  egressQos: { id: 3, type: 'nest', set: vlanQosAttrs },
  ingressQos: { id: 4, type: 'nest', set: vlanQosAttrs },
  protocol: { id: 5, type: 'u16', byteOrder: 'big-endian' },
});

/** Enum `macvlan-mode` (linux/if_link.h): values by name. */
export const macvlanMode = defineEnum('macvlan-mode', { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 });
const macvlanMacaddrDataAttrs = attrSet('linkinfo-macvlan-macaddr-data', { macaddr: { id: 4, type: 'mac', multi: true } });
/** macvlan and macvtap (IFLA_MACVLAN_*). */
export const macvlanAttrs = attrSet('linkinfo-macvlan', {
  mode: { id: 1, type: 'u32', enum: macvlanMode },
  flags: { id: 2, type: 'u16', flags: defineFlags('macvlan-flags', { nopromisc: 1, nodst: 2 }) },
  macaddrMode: { id: 3, type: 'u32', enum: defineEnum('macvlan-macaddr-mode', { add: 0, del: 1, flush: 2, set: 3 }) },
  macaddr: { id: 4, type: 'mac' },
  macaddrData: { id: 5, type: 'nest', set: macvlanMacaddrDataAttrs },
  macaddrCount: { id: 6, type: 'u32' },
  bcQueueLen: { id: 7, type: 'u32' },
  bcQueueLenUsed: { id: 8, type: 'u32' },
  // newer than the 6.1 headers (6.5)
  bcCutoff: { id: 9, type: 's32' },
});

/** vrf (IFLA_VRF_*). */
export const vrfAttrs = attrSet('linkinfo-vrf', { table: { id: 1, type: 'u32' } });
/** A vrf port (IFLA_VRF_PORT_*). */
export const vrfPortAttrs = attrSet('linkinfo-vrf-port', { table: { id: 1, type: 'u32' } });

/** macsec (IFLA_MACSEC_*). */
export const macsecAttrs = attrSet('linkinfo-macsec', {
  sci: { id: 1, type: 'u64' },
  port: { id: 2, type: 'u16', byteOrder: 'big-endian' },
  icvLen: { id: 3, type: 'u8' },
  cipherSuite: { id: 4, type: 'u64' },
  window: { id: 5, type: 'u32' },
  encodingSa: { id: 6, type: 'u8' },
  encrypt: { id: 7, type: 'u8' },
  protect: { id: 8, type: 'u8' },
  incSci: { id: 9, type: 'u8' },
  es: { id: 10, type: 'u8' },
  scb: { id: 11, type: 'u8' },
  replayProtect: { id: 12, type: 'u8' },
  validation: { id: 13, type: 'u8', enum: defineEnum('macsec-validation', { disabled: 0, check: 1, strict: 2 }) },
  pad: { id: 14, type: 'binary' },
  offload: { id: 15, type: 'u8', enum: defineEnum('macsec-offload', { off: 0, phy: 1, mac: 2 }) },
});

/** xfrm interfaces (IFLA_XFRM_*). */
export const xfrmAttrs = attrSet('linkinfo-xfrm', {
  link: { id: 1, type: 'u32' },
  ifId: { id: 2, type: 'u32' },
  collectMetadata: { id: 3, type: 'flag' },
});

/** ipvlan and ipvtap (IFLA_IPVLAN_*). */
export const ipvlanAttrs = attrSet('linkinfo-ipvlan', {
  mode: { id: 1, type: 'u16', enum: defineEnum('ipvlan-mode', { l2: 0, l3: 1, l3s: 2 }) },
  flags: { id: 2, type: 'u16', flags: defineFlags('ipvlan-flags', { private: 1, vepa: 2 }) },
});

// ---- VXLAN ------------------------------------------------------------------------------------

/**
 * A flag in requests that the kernel reports as a u8 (IFLA_VXLAN_TTL_INHERIT): `true` for the
 * empty flag, a number for the u8, so that either form re-encodes as it came.
 */
const flagOrU8: ValueCodec<true | number> = {
  name: 'flag|u8',
  decode(p, ctx) {
    if (p.length > 1) throw new DecodeError('attr-bad-size', ctx.offset, `flag or u8: ${p.length} bytes`);
    return p.length === 0 ? true : p[0]!;
  },
  byteLength: (v) => (v === true ? 0 : 1),
  encodeInto(v, view, off) {
    if (v === true) return off;
    view.setUint8(off, v);
    return off + 1;
  },
};

/** vxlan (IFLA_VXLAN_*). */
export const vxlanAttrs = attrSet('linkinfo-vxlan', {
  id: { id: 1, type: 'u32' },
  group: { id: 2, type: 'ipv4' },
  link: { id: 3, type: 'u32' },
  local: { id: 4, type: 'ipv4' },
  ttl: { id: 5, type: 'u8' },
  tos: { id: 6, type: 'u8' },
  learning: { id: 7, type: 'u8' },
  ageing: { id: 8, type: 'u32' },
  limit: { id: 9, type: 'u32' },
  portRange: { id: 10, type: 'struct', struct: portRangeBe },
  proxy: { id: 11, type: 'u8' },
  rsc: { id: 12, type: 'u8' },
  l2miss: { id: 13, type: 'u8' },
  l3miss: { id: 14, type: 'u8' },
  port: { id: 15, type: 'u16', byteOrder: 'big-endian' },
  group6: { id: 16, type: 'ipv6' },
  local6: { id: 17, type: 'ipv6' },
  udpCsum: { id: 18, type: 'u8' },
  udpZeroCsum6Tx: { id: 19, type: 'u8' },
  udpZeroCsum6Rx: { id: 20, type: 'u8' },
  remcsumTx: { id: 21, type: 'u8' },
  remcsumRx: { id: 22, type: 'u8' },
  gbp: { id: 23, type: 'flag' },
  remcsumNopartial: { id: 24, type: 'flag' },
  collectMetadata: { id: 25, type: 'u8' },
  label: { id: 26, type: 'u32', byteOrder: 'big-endian' },
  gpe: { id: 27, type: 'flag' },
  ttlInherit: { id: 28, type: 'custom', codec: flagOrU8 },
  df: { id: 29, type: 'u8', enum: defineEnum('vxlan-df', { unset: 0, set: 1, inherit: 2 }) },
  vnifilter: { id: 30, type: 'u8' },
  // newer than the 6.1 headers (6.7 - 6.16)
  localbypass: { id: 31, type: 'u8' },
  labelPolicy: { id: 32, type: 'u32', enum: defineEnum('vxlan-label-policy', { fixed: 0, inherit: 1 }) },
  /** struct vxlanhdr: the header bits that may be set on transmit. */
  reservedBits: { id: 33, type: 'binary' },
  mcRoute: { id: 34, type: 'u8' },
});

/** struct tunnel_msg: the RTM_*TUNNEL family header (VXLAN VNI filtering). */
export const tunnelMsg = defineStruct('tunnel_msg', [
  { name: 'family', type: 'u8' },
  { name: 'flags', type: 'u8', flags: defineFlags('tunnel-msg-flags', { stats: 1 }) },
  { name: 'reserved2', type: 'u16' },
  { name: 'ifindex', type: 'u32' },
]);
const vnifilterStatsAttrs = attrSet('vxlan-vnifilter-entry-stats', {
  rxBytes: { id: 1, type: 'u64' }, rxPkts: { id: 2, type: 'u64' }, rxDrops: { id: 3, type: 'u64' }, rxErrors: { id: 4, type: 'u64' },
  txBytes: { id: 5, type: 'u64' }, txPkts: { id: 6, type: 'u64' }, txDrops: { id: 7, type: 'u64' }, txErrors: { id: 8, type: 'u64' },
  pad: { id: 9, type: 'binary' },
});
const vnifilterEntryAttrs = attrSet('vxlan-vnifilter-entry', {
  start: { id: 1, type: 'u32' },
  end: { id: 2, type: 'u32' },
  group: { id: 3, type: 'ipv4' },
  group6: { id: 4, type: 'ipv6' },
  stats: { id: 5, type: 'nest', set: vnifilterStatsAttrs },
});
/** RTM_*TUNNEL (VXLAN_VNIFILTER_*). */
export const vnifilterAttrs = attrSet('vxlan-vnifilter', {
  entry: { id: 1, type: 'nest', set: vnifilterEntryAttrs, multi: true },
});

/** geneve (IFLA_GENEVE_*). */
export const geneveAttrs = attrSet('linkinfo-geneve', {
  id: { id: 1, type: 'u32' },
  remote: { id: 2, type: 'ipv4' },
  ttl: { id: 3, type: 'u8' },
  tos: { id: 4, type: 'u8' },
  port: { id: 5, type: 'u16', byteOrder: 'big-endian' },
  collectMetadata: { id: 6, type: 'flag' },
  remote6: { id: 7, type: 'ipv6' },
  udpCsum: { id: 8, type: 'u8' },
  udpZeroCsum6Tx: { id: 9, type: 'u8' },
  udpZeroCsum6Rx: { id: 10, type: 'u8' },
  label: { id: 11, type: 'u32', byteOrder: 'big-endian' },
  ttlInherit: { id: 12, type: 'u8' },
  df: { id: 13, type: 'u8', enum: defineEnum('geneve-df', { unset: 0, set: 1, inherit: 2 }) },
  innerProtoInherit: { id: 14, type: 'flag' },
  // newer than the 6.1 headers (6.17)
  portRange: { id: 15, type: 'struct', struct: portRangeBe },
});

/** bareudp (IFLA_BAREUDP_*). */
export const bareudpAttrs = attrSet('linkinfo-bareudp', {
  port: { id: 1, type: 'u16', byteOrder: 'big-endian' },
  ethertype: { id: 2, type: 'u16', byteOrder: 'big-endian' },
  srcportMin: { id: 3, type: 'u16' },
  multiprotoMode: { id: 4, type: 'flag' },
});

/** gtp (IFLA_GTP_*). */
export const gtpAttrs = attrSet('linkinfo-gtp', {
  fd0: { id: 1, type: 'u32' },
  fd1: { id: 2, type: 'u32' },
  pdpHashsize: { id: 3, type: 'u32' },
  role: { id: 4, type: 'u32', enum: defineEnum('gtp-role', { ggsn: 0, sgsn: 1 }) },
  createSockets: { id: 5, type: 'u8' },
  restartCount: { id: 6, type: 'u8' },
  // newer than the 6.1 headers (6.11)
  local: { id: 7, type: 'ipv4' },
  local6: { id: 8, type: 'ipv6' },
});

// ---- bonding ----------------------------------------------------------------------------------

/** Wire types (slot numbers) of an address list, kept beside the decoded array. */
const SLOTS: unique symbol = Symbol('nlwire.addressSlots');

/**
 * IFLA_BOND_ARP_IP_TARGET / IFLA_BOND_NS_IP6_TARGET: a nest of addresses whose attribute type is
 * the target's slot (slots can have holes). Decodes to the address list; the slots are kept out
 * of sight so that the list re-encodes as it came, and new lists are numbered from 0.
 */
function indexedAddresses(size: 4 | 16): ValueCodec<string[]> {
  const name = size === 4 ? 'ipv4' : 'ipv6';
  return {
    name: `${name}[] (indexed)`,
    decode(p, ctx) {
      const v = dataView(p);
      const out: string[] = [];
      const slots: number[] = [];
      for (let off = 0; off < p.length; off = align4(off + v.getUint16(off, true))) {
        const len = p.length - off >= NLA_HDRLEN ? v.getUint16(off, true) : 0;
        if (len !== NLA_HDRLEN + size || off + len > p.length) throw new DecodeError('attr-bad-size', ctx.offset + off, `${name} list entry of ${len} bytes`);
        slots.push(v.getUint16(off + 2, true));
        out.push(size === 4 ? formatIPv4(p, off + NLA_HDRLEN) : formatIPv6(p, off + NLA_HDRLEN));
      }
      Object.defineProperty(out, SLOTS, { value: slots, enumerable: false });
      return out;
    },
    byteLength: (list) => list.length * (NLA_HDRLEN + size),
    encodeInto(list, view, off) {
      const slots = (list as string[] & { [SLOTS]?: number[] })[SLOTS];
      list.forEach((a, i) => {
        const bytes = size === 4 ? parseIPv4(a) : parseIPv6(a);
        if (!bytes) throw new TypeError(`'${a}' is not an ${name} address`);
        view.setUint16(off, NLA_HDRLEN + size, true);
        view.setUint16(off + 2, slots?.[i] ?? i, true);
        new Uint8Array(view.buffer, view.byteOffset + off + NLA_HDRLEN, size).set(bytes);
        off += NLA_HDRLEN + size;
      });
      return off;
    },
  };
}

const bondAdInfoAttrs = attrSet('linkinfo-bond-ad-info', {
  aggregator: { id: 1, type: 'u16' },
  numPorts: { id: 2, type: 'u16' },
  actorKey: { id: 3, type: 'u16' },
  partnerKey: { id: 4, type: 'u16' },
  partnerMac: { id: 5, type: 'mac' },
});
/** Enum `bond-mode` (linux/if_link.h): values by name. */
export const bondMode = defineEnum('bond-mode', {
  'balance-rr': 0, 'active-backup': 1, 'balance-xor': 2, broadcast: 3, '802.3ad': 4, 'balance-tlb': 5, 'balance-alb': 6,
});
/** bond (IFLA_BOND_*). */
export const bondAttrs = attrSet('linkinfo-bond', {
  mode: { id: 1, type: 'u8', enum: bondMode },
  activeSlave: { id: 2, type: 'u32' },
  miimon: { id: 3, type: 'u32' },
  updelay: { id: 4, type: 'u32' },
  downdelay: { id: 5, type: 'u32' },
  useCarrier: { id: 6, type: 'u8' },
  arpInterval: { id: 7, type: 'u32' },
  arpIpTarget: { id: 8, type: 'custom', codec: indexedAddresses(4) },
  arpValidate: { id: 9, type: 'u32' },
  arpAllTargets: { id: 10, type: 'u32' },
  primary: { id: 11, type: 'u32' },
  primaryReselect: { id: 12, type: 'u8' },
  failOverMac: { id: 13, type: 'u8' },
  xmitHashPolicy: { id: 14, type: 'u8' },
  resendIgmp: { id: 15, type: 'u32' },
  numPeerNotif: { id: 16, type: 'u8' },
  allSlavesActive: { id: 17, type: 'u8' },
  minLinks: { id: 18, type: 'u32' },
  lpInterval: { id: 19, type: 'u32' },
  packetsPerSlave: { id: 20, type: 'u32' },
  adLacpRate: { id: 21, type: 'u8' },
  adSelect: { id: 22, type: 'u8' },
  adInfo: { id: 23, type: 'nest', set: bondAdInfoAttrs },
  adActorSysPrio: { id: 24, type: 'u16' },
  adUserPortKey: { id: 25, type: 'u16' },
  adActorSystem: { id: 26, type: 'mac' },
  tlbDynamicLb: { id: 27, type: 'u8' },
  peerNotifDelay: { id: 28, type: 'u32' },
  adLacpActive: { id: 29, type: 'u8' },
  missedMax: { id: 30, type: 'u8' },
  nsIp6Target: { id: 31, type: 'custom', codec: indexedAddresses(16) },
  coupledControl: { id: 32, type: 'u8' },
  // newer than the 6.1 headers (6.17)
  broadcastNeigh: { id: 33, type: 'u8' },
});

/** A bond port (IFLA_BOND_SLAVE_*). */
export const bondSlaveAttrs = attrSet('linkinfo-bond-slave', {
  state: { id: 1, type: 'u8', enum: defineEnum('bond-slave-state', { active: 0, backup: 1 }) },
  miiStatus: { id: 2, type: 'u8', enum: defineEnum('bond-link', { up: 0, fail: 1, down: 2, back: 3 }) },
  linkFailureCount: { id: 3, type: 'u32' },
  permHwaddr: { id: 4, type: 'mac' },
  queueId: { id: 5, type: 'u16' },
  adAggregatorId: { id: 6, type: 'u16' },
  adActorOperPortState: { id: 7, type: 'u8' },
  adPartnerOperPortState: { id: 8, type: 'u16' },
  prio: { id: 9, type: 's32' },
  actorPortPrio: { id: 10, type: 'u16' },
  adChurnActorState: { id: 11, type: 'u8' },
  adChurnPartnerState: { id: 12, type: 'u8' },
});

// ---- IP tunnels (linux/if_tunnel.h) -------------------------------------------------------------

const tunnelEncapType = defineEnum('tunnel-encap', { none: 0, fou: 1, gue: 2, mpls: 3 });
const tunnelEncapFlags = defineFlags('tunnel-encap-flags', { csum: 1, csum6: 2, remcsum: 4 });

/** IFLA_IPTUN_* common to ipip, sit and ip6tnl; only the width of IFLA_IPTUN_FLAGS differs. */
const iptunBase = {
  link: { id: 1, type: 'u32' },
  local: { id: 2, type: 'ip' },
  remote: { id: 3, type: 'ip' },
  ttl: { id: 4, type: 'u8' },
  tos: { id: 5, type: 'u8' },
  encapLimit: { id: 6, type: 'u8' },
  flowinfo: { id: 7, type: 'u32', byteOrder: 'big-endian' },
  proto: { id: 9, type: 'u8' },
  pmtudisc: { id: 10, type: 'u8' },
  '6rdPrefix': { id: 11, type: 'ipv6' },
  '6rdRelayPrefix': { id: 12, type: 'ipv4' },
  '6rdPrefixlen': { id: 13, type: 'u16' },
  '6rdRelayPrefixlen': { id: 14, type: 'u16' },
  encapType: { id: 15, type: 'u16', enum: tunnelEncapType },
  encapFlags: { id: 16, type: 'u16', flags: tunnelEncapFlags },
  encapSport: { id: 17, type: 'u16', byteOrder: 'big-endian' },
  encapDport: { id: 18, type: 'u16', byteOrder: 'big-endian' },
  collectMetadata: { id: 19, type: 'flag' },
  fwmark: { id: 20, type: 'u32' },
} as const;
/** ipip and sit (IFLA_IPTUN_*; sit sends its i_flags as a __be16). */
export const iptunAttrs = attrSet('linkinfo-iptun', { ...iptunBase, flags: { id: 8, type: 'u16', byteOrder: 'big-endian' } });
/** ip6tnl (IFLA_IPTUN_*; IP6_TNL_F_* flags as a u32). */
export const ip6tnlAttrs = attrSet('linkinfo-ip6tnl', { ...iptunBase, flags: { id: 8, type: 'u32' } });

/** gre, gretap, erspan and their IPv6 versions (IFLA_GRE_*). */
export const greAttrs = attrSet('linkinfo-gre', {
  link: { id: 1, type: 'u32' },
  iflags: { id: 2, type: 'u16', byteOrder: 'big-endian' },
  oflags: { id: 3, type: 'u16', byteOrder: 'big-endian' },
  ikey: { id: 4, type: 'u32', byteOrder: 'big-endian' },
  okey: { id: 5, type: 'u32', byteOrder: 'big-endian' },
  local: { id: 6, type: 'ip' },
  remote: { id: 7, type: 'ip' },
  ttl: { id: 8, type: 'u8' },
  tos: { id: 9, type: 'u8' },
  pmtudisc: { id: 10, type: 'u8' },
  encapLimit: { id: 11, type: 'u8' },
  flowinfo: { id: 12, type: 'u32', byteOrder: 'big-endian' },
  flags: { id: 13, type: 'u32' },
  encapType: { id: 14, type: 'u16', enum: tunnelEncapType },
  encapFlags: { id: 15, type: 'u16', flags: tunnelEncapFlags },
  encapSport: { id: 16, type: 'u16', byteOrder: 'big-endian' },
  encapDport: { id: 17, type: 'u16', byteOrder: 'big-endian' },
  collectMetadata: { id: 18, type: 'flag' },
  ignoreDf: { id: 19, type: 'u8' },
  fwmark: { id: 20, type: 'u32' },
  erspanIndex: { id: 21, type: 'u32' },
  erspanVer: { id: 22, type: 'u8' },
  erspanDir: { id: 23, type: 'u8' },
  erspanHwid: { id: 24, type: 'u16' },
});

/** vti and vti6 (IFLA_VTI_*). */
export const vtiAttrs = attrSet('linkinfo-vti', {
  link: { id: 1, type: 'u32' },
  ikey: { id: 2, type: 'u32', byteOrder: 'big-endian' },
  okey: { id: 3, type: 'u32', byteOrder: 'big-endian' },
  local: { id: 4, type: 'ip' },
  remote: { id: 5, type: 'ip' },
  fwmark: { id: 6, type: 'u32' },
});

// ---- other kinds ------------------------------------------------------------------------------

/** tun and tap (IFLA_TUN_*), read-only: tun devices are created through /dev/net/tun. */
export const tunAttrs = attrSet('linkinfo-tun', {
  owner: { id: 1, type: 'u32' },
  group: { id: 2, type: 'u32' },
  type: { id: 3, type: 'u8', enum: defineEnum('tun-type', { tun: 1, tap: 2 }) },
  pi: { id: 4, type: 'u8' },
  vnetHdr: { id: 5, type: 'u8' },
  persist: { id: 6, type: 'u8' },
  multiQueue: { id: 7, type: 'u8' },
  numQueues: { id: 8, type: 'u32' },
  numDisabledQueues: { id: 9, type: 'u32' },
});

/** hsr and prp (IFLA_HSR_*). */
export const hsrAttrs = attrSet('linkinfo-hsr', {
  slave1: { id: 1, type: 'u32' },
  slave2: { id: 2, type: 'u32' },
  multicastSpec: { id: 3, type: 'u8' },
  supervisionAddr: { id: 4, type: 'mac' },
  seqNr: { id: 5, type: 'u16' },
  version: { id: 6, type: 'u8' },
  protocol: { id: 7, type: 'u8', enum: defineEnum('hsr-protocol', { hsr: 0, prp: 1 }) },
  // newer than the 6.1 headers (6.11)
  interlink: { id: 8, type: 'u32' },
});

/** ipoib (IFLA_IPOIB_*). */
export const ipoibAttrs = attrSet('linkinfo-ipoib', {
  pkey: { id: 1, type: 'u16' },
  mode: { id: 2, type: 'u16', enum: defineEnum('ipoib-mode', { datagram: 0, connected: 1 }) },
  umcast: { id: 3, type: 'u16' },
});
/** ppp (IFLA_PPP_*). */
export const pppAttrs = attrSet('linkinfo-ppp', { devFd: { id: 1, type: 's32' } });
/** rmnet (IFLA_RMNET_*). */
export const rmnetAttrs = attrSet('linkinfo-rmnet', {
  muxId: { id: 1, type: 'u16' },
  flags: { id: 2, type: 'struct', struct: defineStruct('ifla_rmnet_flags', [{ name: 'flags', type: 'u32' }, { name: 'mask', type: 'u32' }]) },
});
/** mctp (IFLA_MCTP_*). */
export const mctpAttrs = attrSet('linkinfo-mctp', {
  net: { id: 1, type: 'u32' },
  // newer than the 6.1 headers (6.13)
  physBinding: { id: 2, type: 'u8' },
});
/** dsa (IFLA_DSA_*; IFLA_DSA_MASTER is the older name of conduit). */
export const dsaAttrs = attrSet('linkinfo-dsa', { conduit: { id: 1, type: 'u32' } });
/** ovpn (IFLA_OVPN_*, newer than the 6.1 headers). */
export const ovpnAttrs = attrSet('linkinfo-ovpn', {
  mode: { id: 1, type: 'u8', enum: defineEnum('ovpn-mode', { p2p: 0, mp: 1 }) },
});
