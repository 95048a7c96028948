// rtnetlink (NETLINK_ROUTE): every RTM_* message type with its family header and attribute set.
import { registerFamily } from '../../schema/registry.js';
import { defineMessage, type MessageDef, type MessageFamily } from '../../schema/family.js';
import type { AttrSet, StructDef } from '../../schema/types.js';
import { addressAttrs, addrlabelAttrs, ifaddrlblmsg, prefixAttrs, prefixmsg } from './address.js';
import { brPortMsg, brVlanMsg, mdbMessageAttrs, vlanDbAttrs, vlanDbDumpAttrs } from './bridge.js';
import { RTM, fibRuleHdr, ifaddrmsg, ifinfomsg, ndmsg, netconfmsg, nhmsg, rtgenmsg, rtmsg } from './constants.js';
import { linkAttrs } from './link.js';
import { tunnelMsg, vnifilterAttrs } from './linkinfo.js';
import { nduseroptmsg, ndtmsg, neighTableAttrs, neighbourAttrs } from './neighbour.js';
import { netconfAttrs } from './netconf.js';
import { nexthopAttrs } from './nexthop.js';
import { nsidAttrs } from './nsid.js';
import { routeAttrs } from './route.js';
import { ruleAttrs } from './rule.js';
import { ifStatsMsg, statsAttrs, statsGetSetAttrs } from './stats.js';
import { tcActionRootAttrs, tcAttrs, tcamsg, tcmsg } from './tc.js';

type RtmName = keyof typeof RTM;
type Action = 'new' | 'del' | 'get' | 'set';
const ACTIONS: Record<string, Action> = { NEW: 'new', DEL: 'del', GET: 'get', SET: 'set' };

/** The RTM_<NAME> messages of one object kind, all with the same header and attribute set. */
function kind<const N extends RtmName, H extends StructDef | undefined, A extends AttrSet | undefined>(
  object: string, header: H, attrs: A, names: readonly N[],
): { [K in N as `RTM_${K}`]: MessageDef<H, A> } {
  const out: Record<string, MessageDef<H, A>> = {};
  for (const n of names) {
    out[`RTM_${n}`] = defineMessage({ name: `RTM_${n}`, type: RTM[n], header, attrs, object, action: ACTIONS[n.slice(0, 3)]! });
  }
  return out as { [K in N as `RTM_${K}`]: MessageDef<H, A> };
}

/** Every declared rtnetlink message, by name (typed: use them with buildMessage). */
export const rtnetlinkMessages = {
  ...kind('link', ifinfomsg, linkAttrs, ['NEWLINK', 'DELLINK', 'GETLINK', 'SETLINK']),
  ...kind('linkprop', ifinfomsg, linkAttrs, ['NEWLINKPROP', 'DELLINKPROP', 'GETLINKPROP']),
  ...kind('address', ifaddrmsg, addressAttrs, ['NEWADDR', 'DELADDR', 'GETADDR']),
  ...kind('multicast', ifaddrmsg, addressAttrs, ['NEWMULTICAST', 'DELMULTICAST', 'GETMULTICAST']),
  ...kind('anycast', ifaddrmsg, addressAttrs, ['NEWANYCAST', 'DELANYCAST', 'GETANYCAST']),
  ...kind('addrlabel', ifaddrlblmsg, addrlabelAttrs, ['NEWADDRLABEL', 'DELADDRLABEL', 'GETADDRLABEL']),
  ...kind('prefix', prefixmsg, prefixAttrs, ['NEWPREFIX']),
  ...kind('route', rtmsg, routeAttrs, ['NEWROUTE', 'DELROUTE', 'GETROUTE']),
  ...kind('neighbour', ndmsg, neighbourAttrs, ['NEWNEIGH', 'DELNEIGH', 'GETNEIGH']),
  ...kind('neightbl', ndtmsg, neighTableAttrs, ['NEWNEIGHTBL', 'GETNEIGHTBL', 'SETNEIGHTBL']),
  ...kind('nduseropt', nduseroptmsg, undefined, ['NEWNDUSEROPT']),
  ...kind('rule', fibRuleHdr, ruleAttrs, ['NEWRULE', 'DELRULE', 'GETRULE']),
  ...kind('qdisc', tcmsg, tcAttrs, ['NEWQDISC', 'DELQDISC', 'GETQDISC']),
  ...kind('tclass', tcmsg, tcAttrs, ['NEWTCLASS', 'DELTCLASS', 'GETTCLASS']),
  ...kind('tfilter', tcmsg, tcAttrs, ['NEWTFILTER', 'DELTFILTER', 'GETTFILTER']),
  ...kind('chain', tcmsg, tcAttrs, ['NEWCHAIN', 'DELCHAIN', 'GETCHAIN']),
  ...kind('action', tcamsg, tcActionRootAttrs, ['NEWACTION', 'DELACTION', 'GETACTION']),
  ...kind('netconf', netconfmsg, netconfAttrs, ['NEWNETCONF', 'DELNETCONF', 'GETNETCONF']),
  ...kind('mdb', brPortMsg, mdbMessageAttrs, ['NEWMDB', 'DELMDB', 'GETMDB']),
  ...kind('nsid', rtgenmsg, nsidAttrs, ['NEWNSID', 'DELNSID', 'GETNSID']),
  ...kind('stats', ifStatsMsg, statsAttrs, ['NEWSTATS']),
  ...kind('stats', ifStatsMsg, statsGetSetAttrs, ['GETSTATS', 'SETSTATS']),
  ...kind('nexthop', nhmsg, nexthopAttrs, ['NEWNEXTHOP', 'DELNEXTHOP', 'GETNEXTHOP']),
  ...kind('nexthopbucket', nhmsg, nexthopAttrs, ['NEWNEXTHOPBUCKET', 'DELNEXTHOPBUCKET', 'GETNEXTHOPBUCKET']),
  ...kind('vlan', brVlanMsg, vlanDbAttrs, ['NEWVLAN', 'DELVLAN']),
  ...kind('vlan', brVlanMsg, vlanDbDumpAttrs, ['GETVLAN']),
  ...kind('tunnel', tunnelMsg, vnifilterAttrs, ['NEWTUNNEL', 'DELTUNNEL', 'GETTUNNEL']),
};

/**
 * NETLINK_ROUTE. Not declared: RTM_GETDCB/SETDCB (DCB) and RTM_NEWCACHEREPORT (multicast routing
 * cache reports); both have a 4-byte family header, which is the default for walking them.
 */
export const rtnetlink: MessageFamily = {
  name: 'rtnetlink',
  protocol: 0,
  messages: Object.values(rtnetlinkMessages),
  defaultHeaderSize: 4,
};

export * from './constants.js';
export * from './address.js';
export * from './bridge.js';
export * from './link.js';
export * from './linkinfo.js';
export * from './neighbour.js';
export * from './netconf.js';
export * from './nexthop.js';
export * from './nsid.js';
export * from './route.js';
export * from './rule.js';
export * from './stats.js';
export * from './tc.js';

// Importing this module makes these the default declarations of the protocol.
registerFamily(rtnetlink);
