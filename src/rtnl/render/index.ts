// The ip renderers: rtnetlink objects printed as iproute2 6.1 prints them, `ip -j [-d] [-s] ...`
// JSON (deep-equal to ip's once parsed) and ip's plain text, one typed renderer per object kind.
//
// Matching ip 6.1 means printing only what ip 6.1 knows: attributes newer than its headers
// (IFA_PROTO, IFLA_GSO_IPV4_MAX_SIZE, IFLA_BR_FDB_N_LEARNED, NHA_GROUP_STATS...) are left out.
export type { IpRenderOptions, Shown } from './context.js';
export { renderLinks, renderLinksText, renderLinkEventText } from './link.js';
export { renderAddresses, renderAddressesText, renderAddressEvent, renderAddressEventLines, renderAddressEventText } from './address.js';
export { renderRoutes, renderRoutesText, routesJsonText } from './route.js';
export type { JsonTextList } from './printer.js';
export { renderNeighbours, renderNeighboursText, neighboursJsonText } from './neighbour.js';
export { renderRules, renderRulesText } from './rule.js';
export { renderNexthops, renderNexthopsText } from './nexthop.js';
export { renderNetconf, renderNetconfText } from './netconf.js';
export { renderLinksBrief, renderLinksBriefText, renderAddressesBrief, renderAddressesBriefText } from './brief.js';
