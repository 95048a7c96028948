// ip -d's IFLA_LINKINFO: the kind and its options (IFLA_INFO_DATA), the port kind and its options
// (IFLA_INFO_SLAVE_DATA), for the kinds whose print_opt ip 6.1 has: bridge, vxlan, macvlan/macvtap,
// vlan, vrf, geneve, macsec here; bond (link-bond.ts) and IP tunnels (link-tunnels.ts).
import { iflaBridgeId } from '../../families/route/constants.js';
import {
  geneveAttrs, macsecAttrs, macvlanAttrs, macvlanMode, vxlanAttrs,
  type vlanAttrs, type vrfAttrs, type vrfPortAttrs,
} from '../../families/route/linkinfo.js';
import type { LinkInfoAttrSet } from '../../families/route/link.js';
import type { bridgeAttrs, bridgePortAttrs } from '../../families/route/bridge.js';
import type { DecodedSet, StructValue } from '../../schema/types.js';
import { BR_FWD_MASK_NAMES, BR_PORT_STATES, MACSEC_CIPHER_SUITES, VLAN_FLAG_NAMES } from '../ip-names.js';
import type { Link } from '../types.js';
import type { Names, Shown } from './context.js';
import { printBond, printBondSlave } from './link-bond.js';
import { printGre, printGre6, printIp6tnl, printIptun, tos } from './link-tunnels.js';
import { boolWord, hex, hex0x, nums, onOff, present, timer, u, type Printer } from './printer.js';

// ---- bridge and bridge ports (ip/iplink_bridge.c, iplink_bridge_slave.c) -----------------------

/** br_dump_bridge_id(): "8000.aa:bb:cc:dd:ee:ff", the MAC's bytes without leading zeros (ether_ntoa). */
function bridgeId(id: StructValue<typeof iflaBridgeId> | undefined): string | undefined {
  if (!id) return undefined;
  const prio = id.prio;
  const mac = id.addr.split(':').map((x) => parseInt(x, 16).toString(16)).join(':');
  return `${(prio[0] ?? 0).toString(16).padStart(2, '0')}${(prio[1] ?? 0).toString(16).padStart(2, '0')}.${mac}`;
}

function fwdMaskStr(mask: number): string {
  if (!mask) return '0x0';
  const parts: string[] = [];
  let rest = mask;
  for (let b = 0; b < 16; b++) {
    if (mask & (1 << b) && BR_FWD_MASK_NAMES[b]) { parts.push(BR_FWD_MASK_NAMES[b]!); rest &= ~(1 << b); }
  }
  if (rest) parts.push('0x' + rest.toString(16));
  return parts.join(',');
}

function printBridgeSlave(p: Printer, d: DecodedSet<typeof bridgePortAttrs>, names: Names): void {
  if (d.state !== undefined) p.any('state', 'state %s ', BR_PORT_STATES[d.state] ?? String(d.state));
  u(p, 'priority', 'priority %s ', d.priority);
  u(p, 'cost', 'cost %s ', d.cost);
  for (const [key, v] of [['hairpin', d.mode], ['guard', d.guard], ['root_block', d.protect], ['fastleave', d.fastLeave],
    ['learning', d.learning], ['flood', d.unicastFlood]] as const) onOff(p, key, key, v);
  if (d.id !== undefined) p.any('id', 'port_id %s ', hex(d.id));
  if (d.no !== undefined) p.any('no', 'port_no %s ', hex(d.no));
  u(p, 'designated_port', 'designated_port %s ', d.designatedPort);
  u(p, 'designated_cost', 'designated_cost %s ', d.designatedCost);
  const bid = bridgeId(d.bridgeId);
  if (bid) p.any('bridge_id', 'designated_bridge %s ', bid);
  const rid = bridgeId(d.rootId);
  if (rid) p.any('root_id', 'designated_root %s ', rid);
  timer(p, 'hold_timer', d.holdTimer);
  timer(p, 'message_age_timer', d.messageAgeTimer);
  timer(p, 'forward_delay_timer', d.forwardDelayTimer);
  u(p, 'topology_change_ack', 'topology_change_ack %s ', d.topologyChangeAck);
  u(p, 'config_pending', 'config_pending %s ', d.configPending);
  onOff(p, 'proxy_arp', 'proxy_arp', d.proxyarp);
  onOff(p, 'proxy_arp_wifi', 'proxy_arp_wifi', d.proxyarpWifi);
  u(p, 'multicast_router', 'mcast_router %s ', d.multicastRouter);
  if (d.fastLeave !== undefined) p.fp(`mcast_fast_leave ${d.fastLeave ? 'on' : 'off'} `);
  if (d.flush !== undefined) p.fp('flush ');
  onOff(p, 'mcast_flood', 'mcast_flood', d.mcastFlood);
  onOff(p, 'bcast_flood', 'bcast_flood', d.bcastFlood);
  onOff(p, 'mcast_to_unicast', 'mcast_to_unicast', d.mcastToUcast);
  onOff(p, 'neigh_suppress', 'neigh_suppress', d.neighSuppress);
  if (d.groupFwdMask !== undefined) {
    p.any('group_fwd_mask', 'group_fwd_mask %s ', hex(d.groupFwdMask));
    p.any('group_fwd_mask_str', 'group_fwd_mask_str %s ', fwdMaskStr(d.groupFwdMask));
  }
  onOff(p, 'vlan_tunnel', 'vlan_tunnel', d.vlanTunnel);
  if (d.backupPort) p.any('backup_port', 'backup_port %s ', names.name(d.backupPort));
  onOff(p, 'isolated', 'isolated', d.isolated);
  onOff(p, 'locked', 'locked', d.locked);
}

/** ETH_P_8021Q / ETH_P_8021AD as ip names them, other protocols in hex. */
const vlanProtoName = (vp: number): string => (vp === 0x8100 ? '802.1Q' : vp === 0x88a8 ? '802.1ad' : hex(vp));

function printBridge(p: Printer, d: DecodedSet<typeof bridgeAttrs>): void {
  nums(p, [['forward_delay', d.forwardDelay], ['hello_time', d.helloTime], ['max_age', d.maxAge], ['ageing_time', d.ageingTime],
    ['stp_state', d.stpState], ['priority', d.priority], ['vlan_filtering', d.vlanFiltering]]);
  if (d.vlanProtocol !== undefined) p.any('vlan_protocol', 'vlan_protocol %s ', vlanProtoName(d.vlanProtocol));
  const bid = bridgeId(d.bridgeId);
  if (bid) p.any('bridge_id', 'bridge_id %s ', bid);
  const rid = bridgeId(d.rootId);
  if (rid) p.any('root_id', 'designated_root %s ', rid);
  nums(p, [['root_port', d.rootPort], ['root_path_cost', d.rootPathCost], ['topology_change', d.topologyChange],
    ['topology_change_detected', d.topologyChangeDetected]]);
  timer(p, 'hello_timer', d.helloTimer);
  timer(p, 'tcn_timer', d.tcnTimer);
  timer(p, 'topology_change_timer', d.topologyChangeTimer);
  timer(p, 'gc_timer', d.gcTimer);
  nums(p, [['vlan_default_pvid', d.vlanDefaultPvid], ['vlan_stats_enabled', d.vlanStatsEnabled], ['vlan_stats_per_port', d.vlanStatsPerPort]]);
  if (d.groupFwdMask !== undefined) p.any('group_fwd_mask', 'group_fwd_mask %s ', hex(d.groupFwdMask));
  if (d.groupAddr !== undefined) p.any('group_addr', 'group_address %s ', d.groupAddr);
  u(p, 'mcast_snooping', 'mcast_snooping %s ', d.mcastSnooping);
  const bm = d.multiBoolopt;
  if (bm) {
    // BR_BOOLOPT_NO_LL_LEARN, BR_BOOLOPT_MCAST_VLAN_SNOOPING
    if (bm.optmask & 1) p.any('no_linklocal_learn', 'no_linklocal_learn %s ', bm.optval & 1 ? 1 : 0);
    if (bm.optmask & 2) p.any('mcast_vlan_snooping', 'mcast_vlan_snooping %s ', bm.optval & 2 ? 1 : 0);
  }
  nums(p, [
    ['mcast_router', d.mcastRouter], ['mcast_query_use_ifaddr', d.mcastQueryUseIfaddr], ['mcast_querier', d.mcastQuerier],
    ['mcast_hash_elasticity', d.mcastHashElasticity], ['mcast_hash_max', d.mcastHashMax],
    ['mcast_last_member_cnt', d.mcastLastMemberCnt, 'mcast_last_member_count'],
    ['mcast_startup_query_cnt', d.mcastStartupQueryCnt, 'mcast_startup_query_count'],
    ['mcast_last_member_intvl', d.mcastLastMemberIntvl, 'mcast_last_member_interval'],
    ['mcast_membership_intvl', d.mcastMembershipIntvl, 'mcast_membership_interval'],
    ['mcast_querier_intvl', d.mcastQuerierIntvl, 'mcast_querier_interval'],
    ['mcast_query_intvl', d.mcastQueryIntvl, 'mcast_query_interval'],
    ['mcast_query_response_intvl', d.mcastQueryResponseIntvl, 'mcast_query_response_interval'],
    ['mcast_startup_query_intvl', d.mcastStartupQueryIntvl, 'mcast_startup_query_interval'],
    ['mcast_stats_enabled', d.mcastStatsEnabled], ['mcast_igmp_version', d.mcastIgmpVersion], ['mcast_mld_version', d.mcastMldVersion],
    ['nf_call_iptables', d.nfCallIptables], ['nf_call_ip6tables', d.nfCallIp6tables], ['nf_call_arptables', d.nfCallArptables],
  ]);
}

// ---- vxlan and geneve (ip/iplink_vxlan.c, iplink_geneve.c) ---------------------------------------

function isMulticast4(a: string): boolean {
  const first = Number(a.split('.')[0]);
  return first >= 224 && first <= 239;
}

function printVxlan(p: Printer, d: DecodedSet<typeof vxlanAttrs>, names: Names): void {
  if (d.collectMetadata) present(p, 'external', 'external ');
  if (d.vnifilter) present(p, 'vnifilter', 'vnifilter');
  u(p, 'id', 'id %s ', d.id);
  const group = d.group, group6 = d.group6;
  if (group !== undefined) {
    if (group !== '0.0.0.0') p.any(isMulticast4(group) ? 'group' : 'remote', isMulticast4(group) ? 'group %s ' : 'remote %s ', group);
  } else if (group6 !== undefined && group6 !== '::') {
    const mc = group6.toLowerCase().startsWith('ff');
    p.any(mc ? 'group6' : 'remote6', mc ? 'group %s ' : 'remote %s ', group6);
  }
  const local = d.local, local6 = d.local6;
  if (local !== undefined) {
    if (local !== '0.0.0.0') p.any('local', 'local %s ', local);
  } else if (local6 !== undefined && local6 !== '::') p.any('local6', 'local %s ', local6);
  if (d.link) p.any('link', 'dev %s ', names.name(d.link));
  const pr = d.portRange;
  if (pr) {
    if (p.json) { p.open('port_range'); p.js('low', pr.low); p.js('high', pr.high); p.close(); }
    else p.fp(`srcport ${pr.low} ${pr.high} `);
  }
  u(p, 'port', 'dstport %s ', d.port);
  if (d.learning !== undefined) {
    const l = !!d.learning;
    p.js('learning', l);
    if (!l) p.fp('nolearning ');
  }
  if (d.proxy) present(p, 'proxy', 'proxy ');
  if (d.rsc) present(p, 'rsc', 'rsc ');
  if (d.l2miss) present(p, 'l2miss', 'l2miss ');
  if (d.l3miss) present(p, 'l3miss', 'l3miss ');
  tos(p, d.tos);
  // IFLA_VXLAN_TTL_INHERIT: an empty flag in requests, a u8 from the kernel
  if (d.ttlInherit) p.fp('ttl auto ');
  else if (d.ttl !== undefined) {
    if (p.json || d.ttl) p.any('ttl', 'ttl %s ', d.ttl);
    else p.fp('ttl auto ');
  }
  printDf(p, d.df === undefined ? undefined : vxlanAttrs.attrs.df.enum.byValue.get(d.df));
  if (d.label) p.any('label', 'flowlabel %s ', hex(d.label));
  if (d.ageing !== undefined) p.any('ageing', d.ageing === 0 ? 'ageing none ' : 'ageing %s ', d.ageing);
  if (d.limit) p.any('limit', 'maxaddr %s ', d.limit);
  boolWord(p, 'udp_csum', d.udpCsum, 'udpcsum');
  boolWord(p, 'udp_zero_csum6_tx', d.udpZeroCsum6Tx, 'udp6zerocsumtx');
  boolWord(p, 'udp_zero_csum6_rx', d.udpZeroCsum6Rx, 'udp6zerocsumrx');
  if (d.remcsumTx) present(p, 'remcsum_tx', 'remcsumtx ');
  if (d.remcsumRx) present(p, 'remcsum_rx', 'remcsumrx ');
  if (d.gbp !== undefined) present(p, 'gbp', 'gbp ');
  if (d.gpe !== undefined) present(p, 'gpe', 'gpe ');
}

/** The df setting of vxlan and geneve (the declarations' unset/set/inherit are ip's words). */
function printDf(p: Printer, df: string | undefined): void {
  if (df === 'unset') p.js('df', 'unset');
  else if (df !== undefined) p.any('df', 'df %s ', df);
}

function printGeneve(p: Printer, d: DecodedSet<typeof geneveAttrs>): void {
  if (d.collectMetadata !== undefined) { present(p, 'external', 'external '); return; }
  u(p, 'id', 'id %s ', d.id);
  if (d.remote !== undefined) { if (d.remote !== '0.0.0.0') p.any('remote', 'remote %s ', d.remote); }
  else if (d.remote6 !== undefined && d.remote6 !== '::') p.any('remote6', 'remote %s ', d.remote6);
  if (d.ttlInherit) p.any('ttl', 'ttl %s ', 'inherit');
  else if (d.ttl !== undefined) {
    if (p.json || d.ttl) p.any('ttl', 'ttl %s ', d.ttl);
    else p.fp('ttl auto ');
  }
  tos(p, d.tos);
  if (d.label) p.any('label', 'flowlabel %s ', hex0x(d.label));
  printDf(p, d.df === undefined ? undefined : geneveAttrs.attrs.df.enum.byValue.get(d.df) ?? String(d.df));
  u(p, 'port', 'dstport %s ', d.port);
  boolWord(p, 'udp_csum', d.udpCsum, 'udpcsum');
  boolWord(p, 'udp_zero_csum6_tx', d.udpZeroCsum6Tx, 'udp6zerocsumtx');
  boolWord(p, 'udp_zero_csum6_rx', d.udpZeroCsum6Rx, 'udp6zerocsumrx');
  if (d.innerProtoInherit !== undefined) present(p, 'inner_proto_inherit', 'innerprotoinherit ');
}

// ---- macvlan, vlan, vrf (ip/iplink_macvlan.c, iplink_vlan.c, iplink_vrf.c) ----------------------

function printMacvlan(p: Printer, d: DecodedSet<typeof macvlanAttrs>): void {
  const mode = d.mode;
  if (mode === undefined) return;
  p.any('mode', 'mode %s ', macvlanMode.byValue.get(mode) ?? 'unknown');
  const flags = d.flags ?? 0, f = macvlanAttrs.attrs.flags.flags.values;
  if (flags & f.nopromisc) present(p, 'nopromisc', 'nopromisc ');
  if (flags & f.nodst) present(p, 'nodst', 'nodst ');
  u(p, 'bcqueuelen', 'bcqueuelen %s ', d.bcQueueLen);
  u(p, 'usedbcqueuelen', 'usedbcqueuelen %s ', d.bcQueueLenUsed);
  if (mode !== macvlanMode.values.source) return;
  const count = d.macaddrCount;
  if (count === undefined) return;
  p.any('macaddr_count', 'remotes (%s) ', count);
  const data = d.macaddrData;
  if (!data) return;
  p.openArr('macaddr_data');
  for (const m of data.macaddr ?? []) p.any(null, '%s ', m);
  p.closeArr();
}

function printVlan(p: Printer, d: DecodedSet<typeof vlanAttrs>): void {
  if (d.protocol !== undefined) p.any('protocol', 'protocol %s ', vlanProtoName(d.protocol));
  u(p, 'id', 'id %s ', d.id);
  if (d.flags) {
    const f = d.flags.flags;
    const names = VLAN_FLAG_NAMES.filter(([bit]) => f & bit).map(([, n]) => n);
    if (p.json) p.js('flags', names);
    else p.fp(`<${names.join(',')}> `);
  }
}

// ---- macsec (ip/ipmacsec.c) ---------------------------------------------------------------------

/** A u64 the kernel keeps in network order (the SCI), read as ip's ntohll() does. */
function be64Hex(n: bigint): string {
  let out = 0n;
  for (let i = 0n; i < 8n; i++) out = (out << 8n) | ((n >> (8n * i)) & 0xffn);
  return out.toString(16).padStart(16, '0');
}
function printMacsec(p: Printer, d: DecodedSet<typeof macsecAttrs>): void {
  if (d.sci !== undefined) p.any('sci', 'sci %s ', be64Hex(d.sci));
  const flag = (key: string, text: string, v: number | undefined): void => {
    if (v === undefined) return;
    if (p.json) p.js(key, !!v);
    else p.fp(`${text} ${v ? 'on' : 'off'} `);
  };
  flag('protect', 'protect', d.protect);
  if (d.cipherSuite !== undefined) p.any('cipher_suite', 'cipher %s ', MACSEC_CIPHER_SUITES[d.cipherSuite.toString(16).padStart(16, '0')] ?? 'unknown');
  u(p, 'icv_len', 'icvlen %s ', d.icvLen);
  u(p, 'encoding_sa', 'encodingsa %s ', d.encodingSa);
  if (d.validation !== undefined) p.any('validation', 'validate %s ', macsecAttrs.attrs.validation.enum.byValue.get(d.validation) ?? String(d.validation));
  flag('encrypt', 'encrypt', d.encrypt);
  flag('inc_sci', 'send_sci', d.incSci);
  flag('es', 'end_station', d.es);
  flag('scb', 'scb', d.scb);
  flag('replay_protect', 'replay', d.replayProtect);
  u(p, 'window', 'window %s ', d.window);
}

// ---- the kinds ----------------------------------------------------------------------------------

type DataFormats = LinkInfoAttrSet['attrs']['data']['formats'];
type SlaveFormats = LinkInfoAttrSet['attrs']['slaveData']['formats'];
/** Printers by kind, each typed by the format the declaration gives that kind. */
type KindPrinters<F> = { readonly [K in keyof F]?: (p: Printer, d: DecodedSet<F[K]>, names: Names) => void };

/** Kinds whose print_opt ip 6.1 has, and what they print. Kinds not listed print no info_data. */
const KIND_PRINTERS: KindPrinters<DataFormats> = {
  bridge: (p, d) => printBridge(p, d),
  vxlan: printVxlan,
  macvlan: (p, d) => printMacvlan(p, d),
  macvtap: (p, d) => printMacvlan(p, d),
  vlan: (p, d) => printVlan(p, d),
  vrf: (p, d: DecodedSet<typeof vrfAttrs>) => u(p, 'table', 'table %s ', d.table),
  bond: printBond,
  gre: printGre, gretap: printGre, erspan: printGre,
  ip6gre: printGre6, ip6gretap: printGre6, ip6erspan: printGre6,
  ipip: printIptun, sit: printIptun, ip6tnl: printIp6tnl,
  geneve: (p, d) => printGeneve(p, d),
  macsec: (p, d) => printMacsec(p, d),
};
const SLAVE_PRINTERS: KindPrinters<SlaveFormats> = {
  bridge: printBridgeSlave,
  vrf: (p, d: DecodedSet<typeof vrfPortAttrs>) => u(p, 'table', 'table %s ', d.table),
  bond: (p, d) => printBondSlave(p, d),
};

type AnyKindPrinter = (p: Printer, d: object, names: Names) => void;
/** The printer of a kind, if ip has one. */
function printerOf<F>(printers: KindPrinters<F>, kind: string): AnyKindPrinter | undefined {
  if (!Object.hasOwn(printers, kind)) return undefined;
  // IFLA_INFO_DATA is decoded with the format its kind names (the sub-message's selector), which
  // the declared type, a union over every kind, cannot tie to the kind: the one narrowing cast
  return printers[kind as keyof F] as AnyKindPrinter | undefined;
}

/** One kind and its options: JSON `PREFIX_kind` and `PREFIX_data`, text "\n    KIND<suffix> <options>". */
function printKind<F>(p: Printer, prefix: string, suffix: string, kind: string | undefined, data: object | undefined, printers: KindPrinters<F>, names: Names): void {
  if (kind === undefined) return;
  p.fp('\n    ');
  p.any(`${prefix}_kind`, `%s${suffix} `, kind);
  const pr = printerOf(printers, kind);
  if (!pr) return;
  p.open(`${prefix}_data`);
  if (data !== undefined && !(data instanceof Uint8Array)) pr(p, data, names);
  p.close();
}

/** print_linktype(): "\n    KIND <options>" and "\n    KIND_slave <port options>". */
export function printLinkinfo(p: Printer, li: NonNullable<Shown<Link>['attrs']['linkinfo']>, names: Names): void {
  p.open('linkinfo');
  printKind(p, 'info', '', li.kind, li.data, KIND_PRINTERS, names);
  printKind(p, 'info_slave', '_slave', li.slaveKind, li.slaveData, SLAVE_PRINTERS, names);
  p.close();
}
