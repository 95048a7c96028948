// iproute2's names, the one set the project uses: ip's numbers to names (the renderers) and names
// to numbers (the CLI's value parsers), with ip's /etc/iproute2 files read as ip reads them.
import { readdirSync, readFileSync } from 'node:fs';
import { bondMode } from '../families/route/linkinfo.js';
import { ifaFlags, type iff, type in6AddrGenMode, type lwtunnelEncap, type rtmFlags } from '../families/route/constants.js';

const AF_INET = 2, AF_INET6 = 10, AF_BRIDGE = 7, AF_MPLS = 28, AF_PACKET = 17;

// iproute2's name tables (lib/rt_names.c and the Debian 12 /etc/iproute2 files).
export const RT_PROTOS: Record<number, string> = {
  0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 8: 'gated', 9: 'ra', 10: 'mrt', 11: 'zebra',
  12: 'bird', 13: 'dnrouted', 14: 'xorp', 15: 'ntk', 16: 'dhcp', 18: 'keepalived', 42: 'babel', 99: 'openr',
  186: 'bgp', 187: 'isis', 188: 'ospf', 189: 'rip', 192: 'eigrp',
};
export const RT_SCOPES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };
export const RT_TABLES: Record<number, string> = { 0: 'unspec', 253: 'default', 254: 'main', 255: 'local' };
export const RT_REALMS: Record<number, string> = { 0: 'cosmos' };
export const RT_DSFIELD: Record<number, string> = {
  0x28: 'AF11', 0x30: 'AF12', 0x38: 'AF13', 0x48: 'AF21', 0x50: 'AF22', 0x58: 'AF23', 0x68: 'AF31', 0x70: 'AF32',
  0x78: 'AF33', 0x88: 'AF41', 0x90: 'AF42', 0x98: 'AF43', 0x20: 'CS1', 0x40: 'CS2', 0x60: 'CS3', 0x80: 'CS4',
  0xa0: 'CS5', 0xc0: 'CS6', 0xe0: 'CS7', 0xb8: 'EF',
};
export const LINK_GROUPS: Record<number, string> = { 0: 'default' };
export const RTN_TYPES = ['none', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];
export const FAMILY_NAMES: Record<number, string> = { 0: 'none', [AF_INET]: 'inet', [AF_INET6]: 'inet6', [AF_PACKET]: 'link', [AF_MPLS]: 'mpls', [AF_BRIDGE]: 'bridge', 4: 'ipx', 12: 'dnet' };
/** getprotobynumber() over Debian's /etc/protocols (first names). */
export const IP_PROTOS: Record<number, string> = {
  0: 'ip', 1: 'icmp', 2: 'igmp', 3: 'ggp', 4: 'ipencap', 5: 'st', 6: 'tcp', 8: 'egp', 9: 'igp', 12: 'pup', 17: 'udp',
  20: 'hmp', 22: 'xns-idp', 27: 'rdp', 29: 'iso-tp4', 33: 'dccp', 36: 'xtp', 37: 'ddp', 38: 'idpr-cmtp', 41: 'ipv6',
  43: 'ipv6-route', 44: 'ipv6-frag', 45: 'idrp', 46: 'rsvp', 47: 'gre', 50: 'esp', 51: 'ah', 57: 'skip', 58: 'ipv6-icmp',
  59: 'ipv6-nonxt', 60: 'ipv6-opts', 73: 'rspf', 81: 'vmtp', 88: 'eigrp', 89: 'ospf', 93: 'ax.25', 94: 'ipip',
  97: 'etherip', 98: 'encap', 103: 'pim', 108: 'ipcomp', 112: 'vrrp', 115: 'l2tp', 124: 'isis', 132: 'sctp', 133: 'fc',
  135: 'mobility-header', 136: 'udplite', 137: 'mpls-in-ip', 138: 'manet', 139: 'hip', 140: 'shim6', 141: 'wesp',
  142: 'rohc', 143: 'ethernet', 262: 'mptcp',
};

/** A table's names to their numbers (the reverse of a number → name table). */
export function namesOf(table: Record<number, string> | readonly string[], drop: readonly number[] = []): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, v] of Object.entries(table)) if (!drop.includes(Number(k))) m.set(v, Number(k));
  return m;
}

/** ip's name files (/etc/iproute2/NAME and NAME.d/*.conf): "NUMBER NAME" lines, read once. */
const nameFiles = new Map<string, Map<string, number>>();
export function namesFromFile(file: string): Map<string, number> {
  let m = nameFiles.get(file);
  if (m) return m;
  const out = new Map<string, number>();
  const read = (path: string): void => {
    let text: string;
    try { text = readFileSync(path, 'utf8'); } catch { return; }
    for (const line of text.split('\n')) {
      const w = line.replace(/#.*/, '').trim().split(/\s+/);
      if (w.length < 2) continue;
      // sscanf("0x%x %s") or ("%d %s"), as rtnl_tab_initialize()
      const id = /^0x[0-9a-f]+$/i.test(w[0]!) ? parseInt(w[0]!.slice(2), 16) : /^[0-9]+$/.test(w[0]!) ? Number(w[0]) : undefined;
      if (id !== undefined && id <= 0xffffffff) out.set(w[1]!, id);
    }
  };
  read(`/etc/iproute2/${file}`);
  try {
    for (const f of readdirSync(`/etc/iproute2/${file}.d`).sort()) if (f.endsWith('.conf')) read(`/etc/iproute2/${file}.d/${f}`);
  } catch { /* no .d directory */ }
  nameFiles.set(file, out);
  m = out;
  return m;
}

// ---- what ip prints for the kernel's numbers and bits ---------------------------------------------
// Bits and values come from the family declarations; only ip's own spelling and order live here.

/** lib/ll_types.c: link/TYPE names by ARPHRD_* (ip's spelling, not the declaration's). */
export const ARPHRD_NAMES: Record<number, string> = {
  0: 'netrom', 1: 'ether', 2: 'eether', 3: 'ax25', 4: 'pronet', 5: 'chaos', 6: 'ieee802', 7: 'arcnet', 8: 'atalk',
  15: 'dlci', 19: 'atm', 23: 'metricom', 24: 'ieee1394', 32: 'infiniband', 256: 'slip', 257: 'cslip', 258: 'slip6',
  259: 'cslip6', 260: 'rsrvd', 264: 'adapt', 270: 'rose', 271: 'x25', 272: 'hwx25', 280: 'can', 290: 'mctp', 512: 'ppp', 513: 'hdlc',
  516: 'lapb', 517: 'ddcmp', 518: 'rawhdlc', 519: 'rawip', 768: 'ipip', 769: 'tunnel6', 770: 'frad', 771: 'skip',
  772: 'loopback', 773: 'ltalk', 774: 'fddi', 775: 'bif', 776: 'sit', 777: 'ip/ddp', 778: 'gre', 779: 'pimreg',
  780: 'hippi', 781: 'ash', 782: 'econet', 783: 'irda', 784: 'fcpp', 785: 'fcal', 786: 'fcpl', 787: 'fcfb0',
  788: 'fcfb1', 789: 'fcfb2', 790: 'fcfb3', 791: 'fcfb4', 792: 'fcfb5', 793: 'fcfb6', 794: 'fcfb7', 795: 'fcfb8',
  796: 'fcfb9', 797: 'fcfb10', 798: 'fcfb11', 799: 'fcfb12', 800: 'tr', 801: 'ieee802.11', 802: 'ieee802.11/prism',
  803: 'ieee802.11/radiotap', 804: 'ieee802.15.4', 805: 'ieee802.15.4/monitor', 820: 'phonet', 821: 'phonet_pipe',
  822: 'caif', 823: 'gre6', 824: 'netlink', 825: '6lowpan', 826: 'vsockmon', 0xfffe: 'none', 0xffff: 'void',
};

/** print_link_flags(): the IFF_* bits in the order ip prints them (upper-cased declaration names). */
export const IFF_ORDER = [
  'loopback', 'broadcast', 'pointopoint', 'multicast', 'noarp', 'allmulti', 'promisc', 'master', 'slave', 'debug',
  'dynamic', 'automedia', 'portsel', 'notrailers', 'up', 'lower_up', 'dormant', 'echo',
] as const satisfies ReadonlyArray<keyof typeof iff.values>;

/** ifa_flag_names[]: the IFA_F_* bits in bit order, with ip's words where they differ from the declaration's. */
const IFA_WORDS: Readonly<Record<string, string>> = {
  homeaddress: 'home', managetempaddr: 'mngtmpaddr', mcautojoin: 'autojoin', stable_privacy: 'stable-privacy',
} satisfies Partial<Record<keyof typeof ifaFlags.values, string>>;
export const IFA_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = Object.entries(ifaFlags.values).map(([k, bit]) => [bit, IFA_WORDS[k] ?? k]);

/** print_rt_flags(): the RTNH_F_* / RTM_F_* bits ip names, in its order, with its words. */
export const RT_FLAG_WORDS: ReadonlyArray<readonly [keyof typeof rtmFlags.values, string]> = [
  ['dead', 'dead'], ['onlink', 'onlink'], ['pervasive', 'pervasive'], ['offload', 'offload'], ['trap', 'trap'],
  ['notify', 'notify'], ['linkdown', 'linkdown'], ['unresolved', 'unresolved'], ['route_offload', 'rt_offload'],
  ['route_trap', 'rt_trap'], ['offload_failed', 'rt_offload_failed'],
];

/** RTCF_* (route cache flags, linux/in_route.h, no declaration): ip's words in its order. */
export const RTCF_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x80000000, 'local'], [0x00000200, 'reject'], [0x20000000, 'mc'], [0x10000000, 'brd'], [0x00400000, 'dst-nat'],
  [0x00800000, 'src-nat'], [0x00100000, 'masq'], [0x04000000, 'dst-direct'], [0x08000000, 'src-direct'],
  [0x00040000, 'redirected'], [0x01000000, 'redirect'], [0x00200000, 'fastroute'], [0x00010000, 'notify'],
  [0x00020000, 'proxy'],
];

/** mx_names[]: RTAX_* as ip prints them, by metric id. */
export const RTAX_WORDS: Record<number, string> = {
  1: 'lock', 2: 'mtu', 3: 'window', 4: 'rtt', 5: 'rttvar', 6: 'ssthresh', 7: 'cwnd', 8: 'advmss', 9: 'reordering',
  10: 'hoplimit', 11: 'initcwnd', 12: 'features', 13: 'rto_min', 14: 'initrwnd', 15: 'quickack', 16: 'congctl',
  17: 'fastopen_no_cookie',
};

/** format_encap_type(): ip's words for LWTUNNEL_ENCAP_* where they differ from the declaration's. */
export const ENCAP_WORDS: Partial<Record<keyof typeof lwtunnelEncap.values, string>> = { seg6_local: 'seg6local' };
/** addrgenmode words (IN6_ADDR_GEN_MODE_*) where ip's differ from the declaration's. */
export const ADDR_GEN_MODE_WORDS: Partial<Record<keyof typeof in6AddrGenMode.values, string>> = { stable_privacy: 'stable_secret' };

/** Bridge port STP states (BR_STATE_*, no declaration), as iplink_bridge_slave.c prints them. */
export const BR_PORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];
/** br group_fwd_mask bits ip names (iplink_bridge_slave.c fwd_mask_tbl). */
export const BR_FWD_MASK_NAMES: Record<number, string> = { 0: 'stp', 2: 'lacp', 14: 'lldp' };
/** VLAN_FLAG_* (struct ifla_vlan_flags, no declaration names), as iplink_vlan.c prints them. */
export const VLAN_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [1, 'REORDER_HDR'], [2, 'GVRP'], [4, 'LOOSE_BINDING'], [8, 'MVRP'], [16, 'BRIDGE_BINDING'],
];

/** Bond modes by number: the declaration's names are ip's words. */
export const BOND_MODES: readonly string[] = Object.keys(bondMode.values);
// iplink_bond.c's option words (the kernel's bond option names); the declarations keep these as numbers.
export const BOND_ARP_VALIDATE = ['none', 'active', 'backup', 'all', 'filter', 'filter_active', 'filter_backup'];
export const BOND_ARP_ALL_TARGETS = ['any', 'all'];
export const BOND_PRIMARY_RESELECT = ['always', 'better', 'failure'];
export const BOND_FAIL_OVER_MAC = ['none', 'active', 'follow'];
export const BOND_XMIT_HASH = ['layer2', 'layer3+4', 'layer2+3', 'encap2+3', 'encap3+4', 'vlan+srcmac'];
export const BOND_LACP_ACTIVE = ['off', 'on'];
export const BOND_LACP_RATE = ['slow', 'fast'];
export const BOND_AD_SELECT = ['stable', 'bandwidth', 'count'];
/** BOND_LINK_* as ip prints a port's mii_status. */
export const BOND_MII_STATUS = ['UP', 'GOING_DOWN', 'DOWN', 'GOING_BACK'];
/** LACP port state bits (AD_STATE_*), in bit order. */
export const BOND_AD_PORT_STATE = ['active', 'short_timeout', 'aggregating', 'in_sync', 'collecting', 'distributing', 'defaulted', 'expired'];

/** IFLA_IPTUN_PROTO of ipip/sit, and of ip6tnl, as link_iptnl.c / link_ip6tnl.c print them. */
export const IPTUN_PROTO_NAMES: Record<number, string> = { 0: 'any', 4: 'ipip', 41: 'ip6ip', 137: 'mplsip' };
export const IP6TNL_PROTO_NAMES: Record<number, string> = { 0: 'any', 4: 'ipip6', 41: 'ip6ip6' };

/** ipmacsec.c's cipher suite names by their 64-bit id (hex). */
export const MACSEC_CIPHER_SUITES: Record<string, string> = {
  '0080c20001000001': 'GCM-AES-128', '0080020001000001': 'GCM-AES-128', '0080c20001000002': 'GCM-AES-256',
  '0080c20001000003': 'GCM-AES-XPN-128', '0080c20001000004': 'GCM-AES-XPN-256',
};

/** NETCONFA_RP_FILTER's modes as ipnetconf.c names them. */
export const RP_FILTER_MODES = ['off', 'strict', 'loose'];
