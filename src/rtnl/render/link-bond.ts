// ip -d's bond options and bond port options (ip/iplink_bond.c, iplink_bond_slave.c).
import { bondMode, bondSlaveAttrs, type bondAttrs } from '../../families/route/linkinfo.js';
import type { DecodedSet } from '../../schema/types.js';
import {
  BOND_AD_PORT_STATE, BOND_AD_SELECT, BOND_ARP_ALL_TARGETS, BOND_ARP_VALIDATE, BOND_FAIL_OVER_MAC, BOND_LACP_ACTIVE,
  BOND_LACP_RATE, BOND_MII_STATUS, BOND_PRIMARY_RESELECT, BOND_XMIT_HASH,
} from '../ip-names.js';
import type { Names } from './context.js';
import { nums, u, type Printer } from './printer.js';

/** A table's word for a value, else the number (ip's get_name_by_id fallback). */
function word(v: number | undefined, table: readonly string[]): string | undefined {
  return v === undefined ? undefined : table[v] ?? String(v);
}
function strOpt(p: Printer, key: string, v: number | undefined, table: readonly string[]): void {
  const s = word(v, table);
  if (s !== undefined) p.any(key, `${key} %s `, s);
}

export function printBond(p: Printer, d: DecodedSet<typeof bondAttrs>, names: Names): void {
  if (d.mode !== undefined) p.any('mode', 'mode %s ', bondMode.byValue.get(d.mode) ?? String(d.mode));
  if (d.activeSlave) p.any('active_slave', 'active_slave %s ', names.name(d.activeSlave));
  nums(p, [['miimon', d.miimon], ['updelay', d.updelay], ['downdelay', d.downdelay], ['peer_notify_delay', d.peerNotifDelay],
    ['use_carrier', d.useCarrier], ['arp_interval', d.arpInterval], ['arp_missed_max', d.missedMax]]);
  for (const [key, list] of [['arp_ip_target', d.arpIpTarget], ['ns_ip6_target', d.nsIp6Target]] as const) {
    if (!list) continue;
    p.openArr(key);
    p.fp(`${key} `);
    list.forEach((a, i) => p.any(null, i < list.length - 1 ? '%s,' : '%s ', a));
    p.closeArr();
  }
  if (d.arpValidate !== undefined) {
    const v = d.arpValidate;
    if (!v && p.json) p.nul('arp_validate', '');
    else p.any('arp_validate', 'arp_validate %s ', BOND_ARP_VALIDATE[v] ?? String(v));
  }
  strOpt(p, 'arp_all_targets', d.arpAllTargets, BOND_ARP_ALL_TARGETS);
  if (d.primary) p.any('primary', 'primary %s ', names.name(d.primary));
  strOpt(p, 'primary_reselect', d.primaryReselect, BOND_PRIMARY_RESELECT);
  strOpt(p, 'fail_over_mac', d.failOverMac, BOND_FAIL_OVER_MAC);
  strOpt(p, 'xmit_hash_policy', d.xmitHashPolicy, BOND_XMIT_HASH);
  nums(p, [['resend_igmp', d.resendIgmp], ['num_peer_notif', d.numPeerNotif], ['all_slaves_active', d.allSlavesActive],
    ['min_links', d.minLinks], ['lp_interval', d.lpInterval], ['packets_per_slave', d.packetsPerSlave]]);
  strOpt(p, 'ad_lacp_active', d.adLacpActive, BOND_LACP_ACTIVE);
  strOpt(p, 'ad_lacp_rate', d.adLacpRate, BOND_LACP_RATE);
  strOpt(p, 'ad_select', d.adSelect, BOND_AD_SELECT);
  const ad = d.adInfo;
  if (ad) {
    p.open('ad_info');
    u(p, 'aggregator', 'ad_aggregator %s ', ad.aggregator);
    u(p, 'num_ports', 'ad_num_ports %s ', ad.numPorts);
    u(p, 'actor_key', 'ad_actor_key %s ', ad.actorKey);
    u(p, 'partner_key', 'ad_partner_key %s ', ad.partnerKey);
    if (ad.partnerMac !== undefined) p.any('partner_mac', 'ad_partner_mac %s ', ad.partnerMac);
    p.close();
  }
  u(p, 'ad_actor_sys_prio', 'ad_actor_sys_prio %s ', d.adActorSysPrio);
  u(p, 'ad_user_port_key', 'ad_user_port_key %s ', d.adUserPortKey);
  if (d.adActorSystem !== undefined) p.any('ad_actor_system', 'ad_actor_system %s ', d.adActorSystem);
  u(p, 'tlb_dynamic_lb', 'tlb_dynamic_lb %s ', d.tlbDynamicLb);
}

/** An LACP port state: the number, and the names of its bits. */
function portState(p: Printer, key: string, s: number | undefined): void {
  if (s === undefined) return;
  p.any(key, `${key} %s `, s);
  p.openArr(`${key}_str`);
  p.fp('<');
  const on = BOND_AD_PORT_STATE.filter((_, i) => s & (1 << i));
  on.forEach((n, i) => p.any(null, i < on.length - 1 ? '%s,' : '%s', n));
  p.fp('> ');
  p.closeArr();
}

export function printBondSlave(p: Printer, d: DecodedSet<typeof bondSlaveAttrs>): void {
  // ip's ACTIVE/BACKUP are the declaration's names upper-cased
  if (d.state !== undefined) p.any('state', 'state %s ', bondSlaveState(d.state));
  const mii = word(d.miiStatus, BOND_MII_STATUS);
  if (mii !== undefined) p.any('mii_status', 'mii_status %s ', mii);
  u(p, 'link_failure_count', 'link_failure_count %s ', d.linkFailureCount);
  if (d.permHwaddr !== undefined) p.any('perm_hwaddr', 'perm_hwaddr %s ', d.permHwaddr);
  u(p, 'queue_id', 'queue_id %s ', d.queueId);
  u(p, 'prio', 'prio %s ', d.prio);
  u(p, 'ad_aggregator_id', 'ad_aggregator_id %s ', d.adAggregatorId);
  portState(p, 'ad_actor_oper_port_state', d.adActorOperPortState);
  portState(p, 'ad_partner_oper_port_state', d.adPartnerOperPortState);
}
function bondSlaveState(v: number): string {
  return bondSlaveAttrs.attrs.state.enum.byValue.get(v)?.toUpperCase() ?? String(v);
}
