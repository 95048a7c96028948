// Traffic control, minimally: qdiscs, classes, filters and chains (tcmsg + TCA_*) and actions
// (tcamsg + TCA_ROOT_*), from linux/rtnetlink.h, pkt_sched.h and gen_stats.h. The kind-specific
// TCA_OPTIONS and TCA_XSTATS are kept as bytes.
import { attrSet, defineStruct } from '../../schema/define.js';
import { addressFamily } from './constants.js';

/** struct tcmsg: RTM_*QDISC, RTM_*TCLASS, RTM_*TFILTER, RTM_*CHAIN. */
export const tcmsg = defineStruct('tcmsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'pad1', type: 'pad', len: 1 },
  { name: 'pad2', type: 'pad', len: 2 },
  { name: 'ifindex', type: 's32' },
  { name: 'handle', type: 'u32' },
  { name: 'parent', type: 'u32' },
  /** Filters: (priority << 16) | protocol (big-endian ethertype). */
  { name: 'info', type: 'u32' },
]);

/** struct tc_stats (TCA_STATS, the legacy copy of the statistics). */
export const tcStats = defineStruct('tc_stats', [
  { name: 'bytes', type: 'u64' },
  { name: 'packets', type: 'u32' },
  { name: 'drops', type: 'u32' },
  { name: 'overlimits', type: 'u32' },
  { name: 'bps', type: 'u32' },
  { name: 'pps', type: 'u32' },
  { name: 'qlen', type: 'u32' },
  { name: 'backlog', type: 'u32' },
  { name: 'pad', type: 'pad', len: 4 },
]);

const gnetStatsBasic = defineStruct('gnet_stats_basic', [
  { name: 'bytes', type: 'u64' }, { name: 'packets', type: 'u32' }, { name: 'pad', type: 'pad', len: 4 },
]);
const gnetStatsQueue = defineStruct('gnet_stats_queue', [
  { name: 'qlen', type: 'u32' }, { name: 'backlog', type: 'u32' }, { name: 'drops', type: 'u32' },
  { name: 'requeues', type: 'u32' }, { name: 'overlimits', type: 'u32' },
]);
/** TCA_STATS2 (TCA_STATS_*). */
export const tcStats2Attrs = attrSet('tc-stats2', {
  basic: { id: 1, type: 'struct', struct: gnetStatsBasic },
  rateEst: { id: 2, type: 'struct', struct: defineStruct('gnet_stats_rate_est', [{ name: 'bps', type: 'u32' }, { name: 'pps', type: 'u32' }]) },
  queue: { id: 3, type: 'struct', struct: gnetStatsQueue },
  /** The qdisc's own statistics (same bytes as TCA_XSTATS). */
  app: { id: 4, type: 'binary' },
  rateEst64: { id: 5, type: 'struct', struct: defineStruct('gnet_stats_rate_est64', [{ name: 'bps', type: 'u64' }, { name: 'pps', type: 'u64' }]) },
  pad: { id: 6, type: 'binary' },
  basicHw: { id: 7, type: 'struct', struct: gnetStatsBasic },
  pkt64: { id: 8, type: 'u64' },
});

/** struct tc_sizespec (TCA_STAB_BASE). */
const tcSizespec = defineStruct('tc_sizespec', [
  { name: 'cellLog', type: 'u8' }, { name: 'sizeLog', type: 'u8' }, { name: 'cellAlign', type: 's16' },
  { name: 'overhead', type: 's32' }, { name: 'linklayer', type: 'u32' }, { name: 'mpu', type: 'u32' },
  { name: 'mtu', type: 'u32' }, { name: 'tsize', type: 'u32' },
]);
/** TCA_STAB (TCA_STAB_*): the size table. */
export const tcStabAttrs = attrSet('tc-stab', {
  base: { id: 1, type: 'struct', struct: tcSizespec },
  data: { id: 2, type: 'array', item: 'u16' },
});

/** TCA_*. */
export const tcAttrs = attrSet('tc', {
  kind: { id: 1, type: 'string' },
  options: { id: 2, type: 'binary' },
  stats: { id: 3, type: 'struct', struct: tcStats },
  xstats: { id: 4, type: 'binary' },
  rate: { id: 5, type: 'struct', struct: defineStruct('tc_estimator', [{ name: 'interval', type: 's8' }, { name: 'ewmaLog', type: 'u8' }]) },
  fcnt: { id: 6, type: 'u32' },
  stats2: { id: 7, type: 'nest', set: tcStats2Attrs },
  stab: { id: 8, type: 'nest', set: tcStabAttrs },
  pad: { id: 9, type: 'binary' },
  dumpInvisible: { id: 10, type: 'flag' },
  chain: { id: 11, type: 'u32' },
  hwOffload: { id: 12, type: 'u8' },
  ingressBlock: { id: 13, type: 'u32' },
  egressBlock: { id: 14, type: 'u32' },
  dumpFlags: { id: 15, type: 'bitfield32' },
  extWarnMsg: { id: 16, type: 'string' },
});

/** struct tcamsg: RTM_*ACTION. */
export const tcamsg = defineStruct('tcamsg', [
  { name: 'family', type: 'u8', enum: addressFamily },
  { name: 'pad1', type: 'pad', len: 1 },
  { name: 'pad2', type: 'pad', len: 2 },
]);
/** TCA_ROOT_*; the action table (TCA_ROOT_TAB) is kept as bytes. */
export const tcActionRootAttrs = attrSet('tc-action-root', {
  tab: { id: 1, type: 'binary' },
  flags: { id: 2, type: 'bitfield32' },
  count: { id: 3, type: 'u32' },
  timeDelta: { id: 4, type: 'u32' },
  extWarnMsg: { id: 5, type: 'string' },
});
