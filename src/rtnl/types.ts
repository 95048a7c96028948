// Typed rtnetlink objects: the decoded family header plus the decoded attributes.
import type { StructValue, DecodedSet } from '../schema/types.js';
import type {
  addressAttrs, fibRuleHdr, ifaddrmsg, ifinfomsg, linkAttrs, ndmsg, neighbourAttrs, netconfAttrs, netconfmsg,
  nexthopAttrs, nhmsg, nsidAttrs, routeAttrs, rtgenmsg, rtmsg, ruleAttrs,
} from '../families/route/index.js';

interface Obj<K extends string, H, A> {
  kind: K;
  /** The fixed family header (ifinfomsg, rtmsg, ...). */
  header: StructValue<H>;
  /** Every attribute, decoded; unknown ones are kept in `attrs.unknown`. */
  attrs: DecodedSet<A>;
}

export type Link = Obj<'link', typeof ifinfomsg, typeof linkAttrs>;
export type Address = Obj<'address', typeof ifaddrmsg, typeof addressAttrs>;
export type Route = Obj<'route', typeof rtmsg, typeof routeAttrs>;
export type Neighbour = Obj<'neighbour', typeof ndmsg, typeof neighbourAttrs>;
export type Rule = Obj<'rule', typeof fibRuleHdr, typeof ruleAttrs>;
export type Nexthop = Obj<'nexthop', typeof nhmsg, typeof nexthopAttrs>;
export type Netconf = Obj<'netconf', typeof netconfmsg, typeof netconfAttrs>;
export type Nsid = Obj<'nsid', typeof rtgenmsg, typeof nsidAttrs>;

/** Any rtnetlink object nlwire decodes into typed form. */
export type RtObject = Link | Address | Route | Neighbour | Rule | Nexthop | Netconf | Nsid;
export type RtKind = RtObject['kind'];

/** A loosely typed view, for code that handles every kind alike (renderers). */
export interface AnyRtObject {
  kind: RtKind;
  header: Record<string, unknown>;
  attrs: Record<string, unknown>;
}
