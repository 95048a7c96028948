// Neighbours: RTM_NEWNEIGH/DELNEIGH/GETNEIGH (ndmsg + NDA_*), which also carry bridge and VXLAN
// FDB entries (AF_BRIDGE), and the neighbour tables: RTM_*NEIGHTBL (ndtmsg + NDTA_*).
// Source: linux/neighbour.h.
import { attrSet, defineStruct } from '../../schema/define.js';
import { addressFamily, ntfExtFlags, ntfFlags, nudState, rtProtocol } from './constants.js';

/** struct nda_cacheinfo: ages in clock ticks (USER_HZ). */
export const ndaCacheinfo = defineStruct('nda_cacheinfo', [
  { name: 'confirmed', type: 'u32' },
  { name: 'used', type: 'u32' },
  { name: 'updated', type: 'u32' },
  { name: 'refcnt', type: 'u32' },
]);

/** NDA_FDB_EXT_ATTRS (NFEA_*). */
export const fdbExtAttrs = attrSet('neigh-fdb-ext', {
  activityNotify: { id: 1, type: 'u8' },
  dontRefresh: { id: 2, type: 'flag' },
});

/** NDA_*. */
export const neighbourAttrs = attrSet('neighbour', {
  dst: { id: 1, type: 'ip' },
  lladdr: { id: 2, type: 'mac' },
  cacheinfo: { id: 3, type: 'struct', struct: ndaCacheinfo },
  probes: { id: 4, type: 'u32' },
  vlan: { id: 5, type: 'u16' },
  port: { id: 6, type: 'u16', byteOrder: 'big-endian' },
  vni: { id: 7, type: 'u32' },
  ifindex: { id: 8, type: 'u32' },
  master: { id: 9, type: 'u32' },
  linkNetnsid: { id: 10, type: 's32' },
  srcVni: { id: 11, type: 'u32' },
  protocol: { id: 12, type: 'u8', enum: rtProtocol },
  nhId: { id: 13, type: 'u32' },
  fdbExtAttrs: { id: 14, type: 'nest', set: fdbExtAttrs },
  flagsExt: { id: 15, type: 'u32', flags: ntfExtFlags },
  ndmStateMask: { id: 16, type: 'u16', flags: nudState },
  ndmFlagsMask: { id: 17, type: 'u8', flags: ntfFlags },
});

// ---- neighbour tables -------------------------------------------------------------------------

/** struct ndtmsg. */
export const ndtmsg = defineStruct('ndtmsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'pad1', type: 'pad', len: 1 },
  { name: 'pad2', type: 'pad', len: 2 },
]);

/** struct ndt_config. */
export const ndtConfig = defineStruct('ndt_config', [
  { name: 'keyLen', type: 'u16' },
  { name: 'entrySize', type: 'u16' },
  { name: 'entries', type: 'u32' },
  { name: 'lastFlush', type: 'u32' },
  { name: 'lastRand', type: 'u32' },
  { name: 'hashRnd', type: 'u32' },
  { name: 'hashMask', type: 'u32' },
  { name: 'hashChainGc', type: 'u32' },
  { name: 'proxyQlen', type: 'u32' },
]);

/** struct ndt_stats. */
export const ndtStats = defineStruct('ndt_stats', [
  { name: 'allocs', type: 'u64' },
  { name: 'destroys', type: 'u64' },
  { name: 'hashGrows', type: 'u64' },
  { name: 'resFailed', type: 'u64' },
  { name: 'lookups', type: 'u64' },
  { name: 'hits', type: 'u64' },
  { name: 'rcvProbesMcast', type: 'u64' },
  { name: 'rcvProbesUcast', type: 'u64' },
  { name: 'periodicGcRuns', type: 'u64' },
  { name: 'forcedGcRuns', type: 'u64' },
  { name: 'tableFulls', type: 'u64' },
]);

/** NDTA_PARMS (NDTPA_*): times in milliseconds. */
export const ndtParmsAttrs = attrSet('neightbl-parms', {
  ifindex: { id: 1, type: 'u32' },
  refcnt: { id: 2, type: 'u32' },
  reachableTime: { id: 3, type: 'u64' },
  baseReachableTime: { id: 4, type: 'u64' },
  retransTime: { id: 5, type: 'u64' },
  gcStaletime: { id: 6, type: 'u64' },
  delayProbeTime: { id: 7, type: 'u64' },
  queueLen: { id: 8, type: 'u32' },
  appProbes: { id: 9, type: 'u32' },
  ucastProbes: { id: 10, type: 'u32' },
  mcastProbes: { id: 11, type: 'u32' },
  anycastDelay: { id: 12, type: 'u64' },
  proxyDelay: { id: 13, type: 'u64' },
  proxyQlen: { id: 14, type: 'u32' },
  locktime: { id: 15, type: 'u64' },
  queueLenbytes: { id: 16, type: 'u32' },
  mcastReprobes: { id: 17, type: 'u32' },
  pad: { id: 18, type: 'binary' },
  intervalProbeTimeMs: { id: 19, type: 'u64' },
});

/** NDTA_*. */
export const neighTableAttrs = attrSet('neightbl', {
  name: { id: 1, type: 'string' },
  thresh1: { id: 2, type: 'u32' },
  thresh2: { id: 3, type: 'u32' },
  thresh3: { id: 4, type: 'u32' },
  config: { id: 5, type: 'struct', struct: ndtConfig },
  parms: { id: 6, type: 'nest', set: ndtParmsAttrs },
  stats: { id: 7, type: 'struct', struct: ndtStats },
  gcInterval: { id: 8, type: 'u64' },
  pad: { id: 9, type: 'binary' },
});

/**
 * struct nduseroptmsg: RTM_NEWNDUSEROPT (ND options from router advertisements). The raw options
 * (nduseropt_opts_len bytes) come before the attributes, so the payload is kept as bytes.
 */
export const nduseroptmsg = defineStruct('nduseroptmsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'pad1', type: 'pad', len: 1 },
  { name: 'optsLen', type: 'u16' },
  { name: 'ifindex', type: 's32' },
  { name: 'icmpType', type: 'u8' },
  { name: 'icmpCode', type: 'u8' },
  { name: 'pad2', type: 'pad', len: 2 },
  { name: 'pad3', type: 'pad', len: 4 },
]);
