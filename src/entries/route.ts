/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/route`: rtnetlink (NETLINK_ROUTE). {@link Rtnl} lists, changes and monitors links,
 * addresses, routes, neighbours, rules and nexthops; beside it every rtnetlink declaration
 * (message types, family headers, attribute sets, enums and flags such as `iff` or `rtScope`).
 *
 * @module nlwire/route
 */
export { Rtnl, toRtObject, MONITOR_GROUPS, DEFAULT_ROUTE_COLUMNS, DumpInterruptedError, type RtChange, type CallOptions, type ReadOptions, type MonitorOptions, type RtnlOptions, type Dev, type Family, type RouteFilter, type LinkSpec, type LinkChanges, type AddressOptions, type RouteSpec, type NeighbourSpec, type RuleSpec, type NexthopSpec, type MonitorKind, type MonitorItem, type RouteEvent, type MonitorOverrun, type MonitorResync } from '../rtnl/rtnl.js';
export { ReplyLostError, BatchSkippedError, type BatchOptions, type BatchResult, type BatchFailure } from '../socket/netlink-socket.js';
export type { Link, Address, Route, Neighbour, Rule, Nexthop, Netconf, Nsid, RtObject, RtKind } from '../rtnl/types.js';
export * from '../families/route/index.js';
// names(link).header.flags → ['up', 'lower_up', ...]: enum and flag fields by their declared names
export { names, type Names } from '../schema/names.js';
