/**
 * `nlwire/ip`: renders rtnetlink objects (from `nlwire/route`) exactly as iproute2 prints them:
 * `ip -j` JSON (`renderLinks`, ...) and `ip` text (`renderLinksText`, ...).
 *
 * @module nlwire/ip
 */
export { renderLinks, renderAddresses, renderRoutes, renderNeighbours, renderRules, renderNexthops, renderNetconf, renderLinksText, renderAddressesText, renderRoutesText, renderNeighboursText, renderRulesText, renderNexthopsText, renderAddressEvent, renderAddressEventText, type IpRenderOptions, type Shown } from '../rtnl/render/index.js';
