// nlwire: Linux netlink for Node.js. The codec (also as 'nlwire/codec', browser-safe), sockets,
// rtnetlink verbs, generic netlink and the other families.
export * from './codec.js';
export { NetlinkSocket, ReplyLostError, BatchSkippedError, type BatchOptions, type BatchResult, type BatchFailure, type NetlinkSocketOptions, type RequestOptions, type RequestResult, type DumpOptions, type DumpResult, type DumpStream, type SubscriptionItem, type SubscribeOptions, type CaptureSink, type RawChunk } from './socket/netlink-socket.js';
export { loadNative, nativeAvailable, type NativeBinding } from './socket/native.js';
export { Rtnl, toRtObject, MONITOR_GROUPS, DumpInterruptedError, type RtChange, type CallOptions, type ReadOptions, type MonitorOptions, type RtnlOptions, type Dev, type Family, type RouteFilter, type LinkSpec, type LinkChanges, type AddressOptions, type RouteSpec, type NeighbourSpec, type RuleSpec, type NexthopSpec, type MonitorKind, type MonitorItem, type RouteEvent, type MonitorOverrun, type MonitorResync } from './rtnl/rtnl.js';
export type { Link, Address, Route, Neighbour, Rule, Nexthop, Netconf, Nsid, RtObject, RtKind } from './rtnl/types.js';
export { pcapFileSink } from './pcap/file.js';
import { NetlinkSocket } from './socket/netlink-socket.js';
import { setDefaultSocketFactory } from './families/diag/shared.js';
// Family calls (diag, netfilter, xfrm, audit...) open kernel sockets through this seam.
setDefaultSocketFactory((o) => NetlinkSocket.open(o));

// Families beyond rtnetlink, one namespace each: `import { genl, ynl, diag } from 'nlwire'`.
export * as genl from './families/genl/index.js';
export * as ynl from './ynl/index.js';
export * as diag from './families/diag/index.js';
export * as netfilter from './families/netfilter/index.js';
export * as uevent from './families/uevent/index.js';
export * as xfrm from './families/xfrm/index.js';
export * as audit from './families/audit/index.js';
export * as connector from './families/connector/index.js';
// Large routing tables: route views, column batches, columns, streaming ip -j JSON.
export * as fastRoutes from './rtnl/fast-routes.js';
export { renderLinks, renderAddresses, renderRoutes, renderNeighbours, renderRules, renderNexthops, renderNetconf, renderLinksText, renderAddressesText, renderRoutesText, renderNeighboursText, renderRulesText, renderNexthopsText, type IpRenderOptions } from './rtnl/render-ip.js';
