// Typed rtnetlink objects: the decoded family header plus the decoded attributes.
import type { StructValue, DecodedSet } from '../schema/types.js';
import type { MessageDef } from '../schema/family.js';
import type {
  addressAttrs, fibRuleHdr, ifaddrmsg, ifinfomsg, linkAttrs, ndmsg, neighbourAttrs, netconfAttrs, netconfmsg,
  nexthopAttrs, nhmsg, nsidAttrs, routeAttrs, rtgenmsg, rtmsg, ruleAttrs,
} from '../families/route/index.js';

interface Obj<K extends string, H, A> {
  kind: K;
  /** The family header (ifinfomsg, rtmsg, ...): `header` is the family header on every layer. */
  header: StructValue<H>;
  /** Every attribute, decoded; unknown ones are kept in `attrs.unknown`. */
  attrs: DecodedSet<A>;
  /** The declaration it was decoded with (a getter, not in JSON): what `names()` reads. */
  readonly def?: MessageDef | undefined;
}

/** A network interface (RTM_NEWLINK): ifinfomsg header and IFLA_* attributes, as `ip link` shows it. */
export type Link = Obj<'link', typeof ifinfomsg, typeof linkAttrs>;
/** An interface address (RTM_NEWADDR): ifaddrmsg header and IFA_* attributes. */
export type Address = Obj<'address', typeof ifaddrmsg, typeof addressAttrs>;
/** A route (RTM_NEWROUTE): rtmsg header and RTA_* attributes. */
export type Route = Obj<'route', typeof rtmsg, typeof routeAttrs>;
/** A neighbour (ARP/NDP) entry (RTM_NEWNEIGH): ndmsg header and NDA_* attributes. */
export type Neighbour = Obj<'neighbour', typeof ndmsg, typeof neighbourAttrs>;
/** A policy routing rule (RTM_NEWRULE): fib_rule_hdr header and FRA_* attributes. */
export type Rule = Obj<'rule', typeof fibRuleHdr, typeof ruleAttrs>;
/** A nexthop object or group (RTM_NEWNEXTHOP): nhmsg header and NHA_* attributes. */
export type Nexthop = Obj<'nexthop', typeof nhmsg, typeof nexthopAttrs>;
/** IP configuration of a device or the defaults (RTM_NEWNETCONF): netconfmsg header and NETCONFA_* attributes. */
export type Netconf = Obj<'netconf', typeof netconfmsg, typeof netconfAttrs>;
/** A peer namespace id (RTM_NEWNSID): rtgenmsg header and NETNSA_* attributes. */
export type Nsid = Obj<'nsid', typeof rtgenmsg, typeof nsidAttrs>;

/** Any rtnetlink object nlwire decodes into typed form. */
export type RtObject = Link | Address | Route | Neighbour | Rule | Nexthop | Netconf | Nsid;
/** The `kind` of an {@link RtObject}: 'link', 'address', 'route', ... */
export type RtKind = RtObject['kind'];

