// Link statistics: RTM_NEWSTATS/GETSTATS/SETSTATS (if_stats_msg + IFLA_STATS_*, linux/if_link.h).
// Requests (GETSTATS, SETSTATS) use IFLA_STATS_GETSET_* instead.
import { attrSet, defineFlags, defineStruct } from '../../schema/define.js';
import { AF_MPLS, addressFamily, rtnlLinkStats64 } from './constants.js';
import { bridgeXstatsAttrs } from './bridge.js';

/** IFLA_STATS_FILTER_BIT(IFLA_STATS_*): which groups a request asks for. */
export const statsFilter = defineFlags('stats-filter', {
  link_64: 1 << 0, link_xstats: 1 << 1, link_xstats_slave: 1 << 2, link_offload_xstats: 1 << 3, af_spec: 1 << 4,
});

/** struct if_stats_msg. */
export const ifStatsMsg = defineStruct('if_stats_msg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'pad1', type: 'pad', len: 1 },
  { name: 'pad2', type: 'pad', len: 2 },
  { name: 'ifindex', type: 'u32' },
  { name: 'filterMask', type: 'u32', flags: statsFilter },
]);

// BOND_XSTATS_3AD > BOND_3AD_STAT_* (linux/if_bonding.h); the first counter has id 0
const bond3adStatsAttrs = attrSet('bond-3ad-stats', {
  lacpduRx: { id: 0, type: 'u64' }, lacpduTx: { id: 1, type: 'u64' },
  lacpduUnknownRx: { id: 2, type: 'u64' }, lacpduIllegalRx: { id: 3, type: 'u64' },
  markerRx: { id: 4, type: 'u64' }, markerTx: { id: 5, type: 'u64' },
  markerRespRx: { id: 6, type: 'u64' }, markerRespTx: { id: 7, type: 'u64' },
  markerUnknownRx: { id: 8, type: 'u64' }, pad: { id: 9, type: 'binary' },
});
const bondXstatsAttrs = attrSet('bond-xstats', { '3ad': { id: 1, type: 'nest', set: bond3adStatsAttrs } });

/** IFLA_STATS_LINK_XSTATS(_SLAVE): per link type (LINK_XSTATS_TYPE_*). */
export const linkXstatsAttrs = attrSet('stats-link-xstats', {
  bridge: { id: 1, type: 'nest', set: bridgeXstatsAttrs },
  bond: { id: 2, type: 'nest', set: bondXstatsAttrs },
});

/** struct rtnl_hw_stats64 (IFLA_OFFLOAD_XSTATS_L3_STATS). */
const rtnlHwStats64 = defineStruct('rtnl_hw_stats64', rtnlLinkStats64.fields.slice(0, 9));
const hwStatsInfoAttrs = attrSet('stats-offload-hw-s-info-one', {
  request: { id: 1, type: 'u8' },
  used: { id: 2, type: 'u8' },
});
/** IFLA_OFFLOAD_XSTATS_HW_S_INFO: per hardware stats type (the IFLA_OFFLOAD_XSTATS_* ids). */
const hwStatsInfoListAttrs = attrSet('stats-offload-hw-s-info', {
  l3Stats: { id: 3, type: 'nest', set: hwStatsInfoAttrs },
});
/** IFLA_STATS_LINK_OFFLOAD_XSTATS (IFLA_OFFLOAD_XSTATS_*). */
export const offloadXstatsAttrs = attrSet('stats-offload-xstats', {
  cpuHit: { id: 1, type: 'struct', struct: rtnlLinkStats64 },
  hwSInfo: { id: 2, type: 'nest', set: hwStatsInfoListAttrs },
  l3Stats: { id: 3, type: 'struct', struct: rtnlHwStats64 },
});

/** struct mpls_link_stats (MPLS_STATS_LINK). */
const mplsLinkStats = defineStruct('mpls_link_stats', [
  ...rtnlLinkStats64.fields.slice(0, 8),
  { name: 'rxNoroute', type: 'u64' },
]);
const mplsStatsAttrs = attrSet('stats-af-mpls', { link: { id: 1, type: 'struct', struct: mplsLinkStats } });
/** IFLA_STATS_AF_SPEC: per address family. */
export const statsAfSpecAttrs = attrSet('stats-af-spec', {
  mpls: { id: AF_MPLS, type: 'nest', set: mplsStatsAttrs },
});

/** IFLA_STATS_* (RTM_NEWSTATS). */
export const statsAttrs = attrSet('stats', {
  pad: { id: 0, type: 'binary' },
  link64: { id: 1, type: 'struct', struct: rtnlLinkStats64 },
  linkXstats: { id: 2, type: 'nest', set: linkXstatsAttrs },
  linkXstatsSlave: { id: 3, type: 'nest', set: linkXstatsAttrs },
  linkOffloadXstats: { id: 4, type: 'nest', set: offloadXstatsAttrs },
  afSpec: { id: 5, type: 'nest', set: statsAfSpecAttrs },
});

/** IFLA_STATS_GET_FILTERS: a u32 filter mask per IFLA_STATS_* group. */
const statsGetFiltersAttrs = attrSet('stats-get-filters', {
  link64: { id: 1, type: 'u32' },
  linkXstats: { id: 2, type: 'u32' },
  linkXstatsSlave: { id: 3, type: 'u32' },
  linkOffloadXstats: { id: 4, type: 'u32' },
  afSpec: { id: 5, type: 'u32' },
});
/** IFLA_STATS_GETSET_* (RTM_GETSTATS, RTM_SETSTATS). */
export const statsGetSetAttrs = attrSet('stats-getset', {
  getFilters: { id: 1, type: 'nest', set: statsGetFiltersAttrs },
  setOffloadXstatsL3Stats: { id: 2, type: 'u8' },
});
