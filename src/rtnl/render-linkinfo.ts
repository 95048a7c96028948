// `ip -d` output of link kinds' IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA for the kinds the ip 6.1
// printers in render-ip.ts do not cover: bond and its ports, the GRE family (gre, gretap,
// erspan, ip6gre, ip6gretap, ip6erspan), ipip/sit, ip6tnl, geneve and macsec. Each printer
// follows the print_opt of the kind's ip/link_*.c file (JSON keys, conditions, text forms).
// The printer is the caller's; this file only needs its PRINT_ANY/PRINT_JSON primitives.

/** What render-ip's printer offers (PRINT_ANY, PRINT_JSON only, text only, nesting). */
export interface LinkinfoPrinter {
  readonly json: boolean;
  any(key: string | null, fmt: string, v: unknown, text?: string): void;
  js(key: string | null, v: unknown): void;
  fp(s: string): void;
  nul(key: string, text: string): void;
  open(key?: string | null): void;
  close(): void;
  openArr(key: string | null): void;
  closeArr(): void;
}
/** Interface names by index (for active_slave, primary, link). */
export interface LinkinfoNames { name(ifindex: number): string }
type Attrs = Record<string, unknown>;
export type LinkinfoPrint = (p: LinkinfoPrinter, d: Attrs, names: LinkinfoNames) => void;

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}
function obj(v: unknown): Attrs | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as Attrs) : undefined;
}
/** A table entry by value; enum attributes may arrive decoded to their declared names. */
function named(v: unknown, table: readonly string[], declared?: readonly string[]): string | undefined {
  if (typeof v === 'string') { const i = declared?.indexOf(v) ?? -1; return i >= 0 ? table[i] : v; }
  const n = num(v);
  return n === undefined ? undefined : table[n] ?? String(n);
}
const u = (p: LinkinfoPrinter, key: string, fmt: string, v: unknown): void => {
  const n = num(v);
  if (n !== undefined) p.any(key, fmt, n);
};
const hex0 = (n: number, width: number): string => '0x' + n.toString(16).padStart(width, '0');
/** print_0xhex: "0x%x" text and JSON string. */
const hexAlt = (n: number): string => '0x' + n.toString(16);
const isAny = (a: unknown): boolean => a === undefined || a === '0.0.0.0' || a === '::';

// ---- bond (ip/iplink_bond.c) ------------------------------------------------------------------

const BOND_MODES = ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'];
const ARP_VALIDATE = ['none', 'active', 'backup', 'all', 'filter', 'filter_active', 'filter_backup'];
const ARP_ALL_TARGETS = ['any', 'all'];
const PRIMARY_RESELECT = ['always', 'better', 'failure'];
const FAIL_OVER_MAC = ['none', 'active', 'follow'];
const XMIT_HASH = ['layer2', 'layer3+4', 'layer2+3', 'encap2+3', 'encap3+4', 'vlan+srcmac'];
const LACP_ACTIVE = ['off', 'on'];
const LACP_RATE = ['slow', 'fast'];
const AD_SELECT = ['stable', 'bandwidth', 'count'];

function strOpt(p: LinkinfoPrinter, key: string, v: unknown, table: readonly string[]): void {
  const s = named(v, table);
  if (s !== undefined) p.any(key, `${key} %s `, s);
}

function printBond(p: LinkinfoPrinter, d: Attrs, names: LinkinfoNames): void {
  strOpt(p, 'mode', d.mode, BOND_MODES);
  const active = num(d.activeSlave);
  if (active) p.any('active_slave', 'active_slave %s ', names.name(active));
  for (const k of [['miimon', d.miimon], ['updelay', d.updelay], ['downdelay', d.downdelay], ['peer_notify_delay', d.peerNotifDelay],
    ['use_carrier', d.useCarrier], ['arp_interval', d.arpInterval], ['arp_missed_max', d.missedMax]] as const) u(p, k[0], `${k[0]} %s `, k[1]);
  for (const [key, list] of [['arp_ip_target', d.arpIpTarget], ['ns_ip6_target', d.nsIp6Target]] as const) {
    if (!Array.isArray(list)) continue;
    p.openArr(key);
    p.fp(`${key} `);
    list.forEach((a, i) => p.any(null, i < list.length - 1 ? '%s,' : '%s ', a));
    p.closeArr();
  }
  if (d.arpValidate !== undefined) {
    const v = num(d.arpValidate) ?? 0;
    if (!v && p.json) p.nul('arp_validate', '');
    else p.any('arp_validate', 'arp_validate %s ', ARP_VALIDATE[v] ?? String(v));
  }
  strOpt(p, 'arp_all_targets', d.arpAllTargets, ARP_ALL_TARGETS);
  const primary = num(d.primary);
  if (primary) p.any('primary', 'primary %s ', names.name(primary));
  strOpt(p, 'primary_reselect', d.primaryReselect, PRIMARY_RESELECT);
  strOpt(p, 'fail_over_mac', d.failOverMac, FAIL_OVER_MAC);
  strOpt(p, 'xmit_hash_policy', d.xmitHashPolicy, XMIT_HASH);
  for (const k of [['resend_igmp', d.resendIgmp], ['num_peer_notif', d.numPeerNotif], ['all_slaves_active', d.allSlavesActive],
    ['min_links', d.minLinks], ['lp_interval', d.lpInterval], ['packets_per_slave', d.packetsPerSlave]] as const) u(p, k[0], `${k[0]} %s `, k[1]);
  strOpt(p, 'ad_lacp_active', d.adLacpActive, LACP_ACTIVE);
  strOpt(p, 'ad_lacp_rate', d.adLacpRate, LACP_RATE);
  strOpt(p, 'ad_select', d.adSelect, AD_SELECT);
  const ad = obj(d.adInfo);
  if (ad) {
    p.open('ad_info');
    u(p, 'aggregator', 'ad_aggregator %s ', ad.aggregator);
    u(p, 'num_ports', 'ad_num_ports %s ', ad.numPorts);
    u(p, 'actor_key', 'ad_actor_key %s ', ad.actorKey);
    u(p, 'partner_key', 'ad_partner_key %s ', ad.partnerKey);
    if (typeof ad.partnerMac === 'string') p.any('partner_mac', 'ad_partner_mac %s ', ad.partnerMac);
    p.close();
  }
  u(p, 'ad_actor_sys_prio', 'ad_actor_sys_prio %s ', d.adActorSysPrio);
  u(p, 'ad_user_port_key', 'ad_user_port_key %s ', d.adUserPortKey);
  if (typeof d.adActorSystem === 'string') p.any('ad_actor_system', 'ad_actor_system %s ', d.adActorSystem);
  u(p, 'tlb_dynamic_lb', 'tlb_dynamic_lb %s ', d.tlbDynamicLb);
}

const SLAVE_STATES = ['ACTIVE', 'BACKUP'];
const MII_STATUS = ['UP', 'GOING_DOWN', 'DOWN', 'GOING_BACK'];
const AD_PORT_STATE = ['active', 'short_timeout', 'aggregating', 'in_sync', 'collecting', 'distributing', 'defaulted', 'expired'];

function portState(p: LinkinfoPrinter, key: string, v: unknown): void {
  const s = num(v);
  if (s === undefined) return;
  p.any(key, `${key} %s `, s);
  p.openArr(`${key}_str`);
  p.fp('<');
  const on = AD_PORT_STATE.filter((_, i) => s & (1 << i));
  on.forEach((n, i) => p.any(null, i < on.length - 1 ? '%s,' : '%s', n));
  p.fp('> ');
  p.closeArr();
}

function printBondSlave(p: LinkinfoPrinter, d: Attrs): void {
  const state = named(d.state, SLAVE_STATES, ['active', 'backup']);
  if (state !== undefined) p.any('state', 'state %s ', state);
  const mii = named(d.miiStatus, MII_STATUS, ['up', 'fail', 'down', 'back']);
  if (mii !== undefined) p.any('mii_status', 'mii_status %s ', mii);
  u(p, 'link_failure_count', 'link_failure_count %s ', d.linkFailureCount);
  if (typeof d.permHwaddr === 'string') p.any('perm_hwaddr', 'perm_hwaddr %s ', d.permHwaddr);
  u(p, 'queue_id', 'queue_id %s ', d.queueId);
  u(p, 'prio', 'prio %s ', d.prio);
  u(p, 'ad_aggregator_id', 'ad_aggregator_id %s ', d.adAggregatorId);
  portState(p, 'ad_actor_oper_port_state', d.adActorOperPortState);
  portState(p, 'ad_partner_oper_port_state', d.adPartnerOperPortState);
}

// ---- IP tunnels (ip/link_gre.c, link_gre6.c, link_iptnl.c, link_ip6tnl.c) -------------------------

function endpoint(p: LinkinfoPrinter, key: string, a: unknown): void {
  p.any(key, `${key} %s `, isAny(a) ? 'any' : String(a));
}
function link(p: LinkinfoPrinter, v: unknown, names: LinkinfoNames): void {
  const l = num(v);
  if (l) p.any('link', 'dev %s ', names.name(l));
}
function ttl(p: LinkinfoPrinter, v: unknown, inherit: string): void {
  const t = num(v);
  if (t === undefined) return;
  if (p.json || t) p.any('ttl', 'ttl %s ', t);
  else p.fp(`${inherit} inherit `);
}
function tos(p: LinkinfoPrinter, v: unknown): void {
  const t = num(v);
  if (!t) return;
  if (p.json || t !== 1) p.any('tos', 'tos %s ', hexAlt(t));
  else p.fp('tos inherit ');
}
function pmtudisc(p: LinkinfoPrinter, v: unknown): void {
  const m = num(v);
  if (m === undefined) return;
  p.any('pmtudisc', m ? 'pmtudisc ' : 'nopmtudisc ', !!m, '');
}
function fwmark(p: LinkinfoPrinter, v: unknown): void {
  const m = num(v);
  if (m) p.any('fwmark', 'fwmark %s ', hexAlt(m));
}
function encap(p: LinkinfoPrinter, d: Attrs): void {
  const type = named(d.encapType, ['none', 'fou', 'gue', 'mpls'], ['none', 'fou', 'gue', 'mpls']);
  if (!type || type === 'none') return;
  p.open('encap');
  p.any('type', 'encap %s ', type);
  u(p, 'sport', 'encap-sport %s ', d.encapSport);
  u(p, 'dport', 'encap-dport %s ', d.encapDport);
  p.close();
}
const ipv4OfKey = (k: number): string => [k >>> 24, (k >>> 16) & 255, (k >>> 8) & 255, k & 255].join('.');

const GRE_CSUM = 0x8000, GRE_KEY = 0x2000, GRE_SEQ = 0x1000;
function greKeys(p: LinkinfoPrinter, d: Attrs): void {
  const iflags = num(d.iflags) ?? 0, oflags = num(d.oflags) ?? 0;
  if (iflags & GRE_KEY && d.ikey !== undefined) p.any('ikey', 'ikey %s ', ipv4OfKey(num(d.ikey)!));
  if (oflags & GRE_KEY && d.okey !== undefined) p.any('okey', 'okey %s ', ipv4OfKey(num(d.okey)!));
  if (iflags & GRE_SEQ) p.any('iseq', 'iseq ', true, '');
  if (oflags & GRE_SEQ) p.any('oseq', 'oseq ', true, '');
  if (iflags & GRE_CSUM) p.any('icsum', 'icsum ', true, '');
  if (oflags & GRE_CSUM) p.any('ocsum', 'ocsum ', true, '');
}
function erspan(p: LinkinfoPrinter, d: Attrs): void {
  u(p, 'erspan_index', 'erspan_index %s ', d.erspanIndex);
  const ver = num(d.erspanVer);
  if (ver !== undefined) p.any('erspan_ver', 'erspan_ver %s ', ver);
  if (ver === 2) {
    const dir = num(d.erspanDir);
    if (dir !== undefined) p.any('erspan_dir', 'erspan_dir %s ', dir === 0 ? 'ingress' : 'egress');
    const hwid = num(d.erspanHwid);
    if (hwid !== undefined) p.any('erspan_hwid', 'erspan_hwid %s ', hexAlt(hwid));
  }
}

function printGre(p: LinkinfoPrinter, d: Attrs, names: LinkinfoNames): void {
  if (d.collectMetadata !== undefined) { p.any('external', 'external ', true, ''); return; }
  endpoint(p, 'remote', d.remote);
  endpoint(p, 'local', d.local);
  link(p, d.link, names);
  ttl(p, d.ttl, 'ttl');
  tos(p, d.tos);
  pmtudisc(p, d.pmtudisc);
  if (num(d.ignoreDf)) p.any('ignore_df', 'ignore-df ', true, '');
  greKeys(p, d);
  fwmark(p, d.fwmark);
  erspan(p, d);
  encap(p, d);
}

// IP6_TNL_F_*
const IGN_ENCAP_LIMIT = 0x1, USE_ORIG_TCLASS = 0x2, USE_ORIG_FLOWLABEL = 0x4, MIP6_DEV = 0x8, RCV_DSCP_COPY = 0x10, USE_ORIG_FWMARK = 0x20, ALLOW_LOCAL_REMOTE = 0x40;
function ip6Common(p: LinkinfoPrinter, d: Attrs, flags: number): void {
  if (flags & IGN_ENCAP_LIMIT) p.any('ip6_tnl_f_ign_encap_limit', 'encaplimit none ', true, '');
  else u(p, 'encap_limit', 'encaplimit %s ', d.encapLimit);
  const flowinfo = num(d.flowinfo) ?? 0;
  if (flags & USE_ORIG_TCLASS) p.any('ip6_tnl_f_use_orig_tclass', 'tclass inherit ', true, '');
  else p.any('tclass', 'tclass %s ', hex0((flowinfo & 0x0ff00000) >>> 20, 2));
  if (flags & USE_ORIG_FLOWLABEL) p.any('ip6_tnl_f_use_orig_flowlabel', 'flowlabel inherit ', true, '');
  else p.any('flowlabel', 'flowlabel %s ', hex0(flowinfo & 0x000fffff, 5));
  if (flags & RCV_DSCP_COPY) p.any('ip6_tnl_f_rcv_dscp_copy', 'dscp inherit ', true, '');
  if (flags & USE_ORIG_FWMARK) p.any('ip6_tnl_f_use_orig_fwmark', 'fwmark inherit ', true, '');
  else fwmark(p, d.fwmark);
  if (flags & ALLOW_LOCAL_REMOTE) p.any('ip6_tnl_f_allow_local_remote', 'allow-localremote ', true, '');
}

function printGre6(p: LinkinfoPrinter, d: Attrs, names: LinkinfoNames): void {
  if (d.collectMetadata !== undefined) { p.any('external', 'external ', true, ''); return; }
  const flags = num(d.flags) ?? 0;
  endpoint(p, 'remote', d.remote);
  endpoint(p, 'local', d.local);
  link(p, d.link, names);
  ttl(p, d.ttl, 'hoplimit');
  ip6Common(p, d, flags);
  greKeys(p, d);
  erspan(p, d);
  encap(p, d);
}

const IPTUN_PROTO: Record<number, string> = { 0: 'any', 4: 'ipip', 41: 'ip6ip', 137: 'mplsip' };
const SIT_ISATAP = 0x0001;
function printIptun(p: LinkinfoPrinter, d: Attrs, names: LinkinfoNames): void {
  if (d.collectMetadata !== undefined) { p.any('external', 'external ', true, ''); return; }
  const proto = num(d.proto);
  if (proto !== undefined) p.any('proto', '%s ', IPTUN_PROTO[proto] ?? String(proto));
  endpoint(p, 'remote', d.remote);
  endpoint(p, 'local', d.local);
  link(p, d.link, names);
  ttl(p, d.ttl, 'ttl');
  tos(p, d.tos);
  pmtudisc(p, d.pmtudisc);
  if ((num(d.flags) ?? 0) & SIT_ISATAP) p.any('isatap', 'isatap ', true, '');
  const plen = num(d['6rdPrefixlen']);
  if (plen) {
    p.any('prefix', '6rd-prefix %s', d['6rdPrefix']);
    p.any('prefixlen', '/%s ', plen);
    const rlen = num(d['6rdRelayPrefixlen']);
    if (rlen) {
      p.any('relay_prefix', '6rd-relay_prefix %s', d['6rdRelayPrefix']);
      p.any('relay_prefixlen', '/%s ', rlen);
    }
  }
  fwmark(p, d.fwmark);
  encap(p, d);
}

const IP6TNL_PROTO: Record<number, string> = { 0: 'any', 4: 'ipip6', 41: 'ip6ip6' };
function printIp6tnl(p: LinkinfoPrinter, d: Attrs, names: LinkinfoNames): void {
  if (d.collectMetadata !== undefined) { p.any('external', 'external ', true, ''); return; }
  const flags = num(d.flags) ?? 0;
  const proto = num(d.proto);
  if (proto !== undefined) p.any('proto', '%s ', IP6TNL_PROTO[proto] ?? String(proto));
  endpoint(p, 'remote', d.remote);
  endpoint(p, 'local', d.local);
  link(p, d.link, names);
  ttl(p, d.ttl, 'hoplimit');
  ip6Common(p, d, flags);
  if (flags & MIP6_DEV) p.any('ip6_tnl_f_mip6_dev', 'mip6 ', true, '');
  encap(p, d);
}

// ---- geneve (ip/iplink_geneve.c) --------------------------------------------------------------

function printGeneve(p: LinkinfoPrinter, d: Attrs): void {
  if (d.collectMetadata !== undefined) { p.any('external', 'external ', true, ''); return; }
  u(p, 'id', 'id %s ', d.id);
  if (d.remote !== undefined) { if (!isAny(d.remote)) p.any('remote', 'remote %s ', d.remote); }
  else if (d.remote6 !== undefined && !isAny(d.remote6)) p.any('remote6', 'remote %s ', d.remote6);
  if (num(d.ttlInherit)) p.any('ttl', 'ttl %s ', 'inherit');
  else if (d.ttl !== undefined) {
    const t = num(d.ttl)!;
    if (p.json || t) p.any('ttl', 'ttl %s ', t);
    else p.fp('ttl auto ');
  }
  tos(p, d.tos);
  const label = num(d.label);
  if (label) p.any('label', 'flowlabel %s ', hexAlt(label));
  const df = named(d.df, ['unset', 'set', 'inherit'], ['unset', 'set', 'inherit']);
  if (df === 'unset') p.js('df', 'unset');
  else if (df !== undefined) p.any('df', 'df %s ', df);
  u(p, 'port', 'dstport %s ', d.port);
  const boolOpt = (key: string, v: unknown, text: string): void => {
    if (v === undefined) return;
    const b = !!num(v);
    if (p.json) p.js(key, b);
    else p.fp(`${b ? '' : 'no'}${text} `);
  };
  boolOpt('udp_csum', d.udpCsum, 'udpcsum');
  boolOpt('udp_zero_csum6_tx', d.udpZeroCsum6Tx, 'udp6zerocsumtx');
  boolOpt('udp_zero_csum6_rx', d.udpZeroCsum6Rx, 'udp6zerocsumrx');
  if (d.innerProtoInherit !== undefined) p.any('inner_proto_inherit', 'innerprotoinherit ', true, '');
}

// ---- macsec (ip/ipmacsec.c) -------------------------------------------------------------------

const CIPHER_SUITES: Record<string, string> = {
  '0080c20001000001': 'GCM-AES-128', '0080020001000001': 'GCM-AES-128', '0080c20001000002': 'GCM-AES-256',
  '0080c20001000003': 'GCM-AES-XPN-128', '0080c20001000004': 'GCM-AES-XPN-256',
};
/** A u64 the kernel keeps in network order (the SCI), read as ip's ntohll() does. */
function be64Hex(v: unknown): string {
  const n = BigInt(typeof v === 'bigint' || typeof v === 'number' ? v : 0);
  let out = 0n;
  for (let i = 0n; i < 8n; i++) out = (out << 8n) | ((n >> (8n * i)) & 0xffn);
  return out.toString(16).padStart(16, '0');
}
function printMacsec(p: LinkinfoPrinter, d: Attrs): void {
  if (d.sci !== undefined) p.any('sci', 'sci %s ', be64Hex(d.sci));
  const flag = (key: string, text: string, v: unknown): void => {
    if (v === undefined) return;
    const b = !!num(v);
    if (p.json) p.js(key, b);
    else p.fp(`${text} ${b ? 'on' : 'off'} `);
  };
  flag('protect', 'protect', d.protect);
  if (d.cipherSuite !== undefined) {
    const id = BigInt(d.cipherSuite as bigint | number).toString(16).padStart(16, '0');
    p.any('cipher_suite', 'cipher %s ', CIPHER_SUITES[id] ?? 'unknown');
  }
  u(p, 'icv_len', 'icvlen %s ', d.icvLen);
  u(p, 'encoding_sa', 'encodingsa %s ', d.encodingSa);
  const val = named(d.validation, ['disabled', 'check', 'strict'], ['disabled', 'check', 'strict']);
  if (val !== undefined) p.any('validation', 'validate %s ', val);
  flag('encrypt', 'encrypt', d.encrypt);
  flag('inc_sci', 'send_sci', d.incSci);
  flag('es', 'end_station', d.es);
  flag('scb', 'scb', d.scb);
  flag('replay_protect', 'replay', d.replayProtect);
  u(p, 'window', 'window %s ', d.window);
}

/** info_data printers by IFLA_INFO_KIND. */
export const LINKINFO_DATA_PRINTERS: Readonly<Record<string, LinkinfoPrint>> = {
  bond: printBond,
  gre: printGre, gretap: printGre, erspan: printGre,
  ip6gre: printGre6, ip6gretap: printGre6, ip6erspan: printGre6,
  ipip: printIptun, sit: printIptun, ip6tnl: printIp6tnl,
  geneve: (p, d) => printGeneve(p, d),
  macsec: (p, d) => printMacsec(p, d),
};
/** info_slave_data printers by IFLA_INFO_SLAVE_KIND. */
export const LINKINFO_SLAVE_PRINTERS: Readonly<Record<string, LinkinfoPrint>> = {
  bond: (p, d) => printBondSlave(p, d),
};
