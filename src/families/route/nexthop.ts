// Nexthop objects: RTM_*NEXTHOP and RTM_*NEXTHOPBUCKET (nhmsg + NHA_*, linux/nexthop.h).
import { DecodeError } from '../../core/errors.js';
import { dataView } from '../../core/header.js';
import { attrSet, defineFlags } from '../../schema/define.js';
import type { ValueCodec } from '../../schema/types.js';
import { lwtunnelEncap, nexthopGroupType } from './constants.js';
import { encapFormats } from './route.js';

/** One member of a nexthop group (struct nexthop_grp). */
export interface NexthopGroupMember {
  id: number;
  /** The weight itself (1..65536): the wire holds weight - 1 in weight and weight_high. */
  weight: number;
  /** resvd2, when not zero (kept so that decode -> encode gives the same bytes). */
  resvd?: number;
}

const NH_GRP_SIZE = 8;
/** NHA_GROUP: a packed array of struct nexthop_grp { u32 id; u8 weight; u8 weight_high; u16 resvd2; }. */
export const nexthopGroupCodec: ValueCodec<NexthopGroupMember[]> = {
  name: 'nexthop_grp[]',
  decode(p, ctx) {
    if (p.length % NH_GRP_SIZE) throw new DecodeError('attr-bad-size', ctx.offset, `nexthop_grp[]: ${p.length} bytes, not a multiple of 8`);
    const v = dataView(p);
    const out: NexthopGroupMember[] = [];
    for (let o = 0; o < p.length; o += NH_GRP_SIZE) {
      const m: NexthopGroupMember = { id: v.getUint32(o, true), weight: ((v.getUint8(o + 5) << 8) | v.getUint8(o + 4)) + 1 };
      const resvd = v.getUint16(o + 6, true);
      if (resvd) m.resvd = resvd;
      out.push(m);
    }
    return out;
  },
  byteLength: (list) => list.length * NH_GRP_SIZE,
  encodeInto(list, view, off) {
    for (const m of list) {
      const w = (m.weight ?? 1) - 1;
      if (w < 0 || w > 0xffff) throw new RangeError(`nexthop group weight ${m.weight} outside 1..65536`);
      view.setUint32(off, m.id, true);
      view.setUint8(off + 4, w & 0xff);
      view.setUint8(off + 5, w >> 8);
      view.setUint16(off + 6, m.resvd ?? 0, true);
      off += NH_GRP_SIZE;
    }
    return off;
  },
};

/** NHA_RES_GROUP (NHA_RES_GROUP_*): a resilient group's parameters; timers in clock_t. */
export const resGroupAttrs = attrSet('nexthop-res-group', {
  pad: { id: 0, type: 'binary' },
  buckets: { id: 1, type: 'u16' },
  idleTimer: { id: 2, type: 'u32' },
  unbalancedTimer: { id: 3, type: 'u32' },
  unbalancedTime: { id: 4, type: 'u64' },
});

/** NHA_RES_BUCKET (NHA_RES_BUCKET_*): one bucket of a resilient group. */
export const resBucketAttrs = attrSet('nexthop-res-bucket', {
  pad: { id: 0, type: 'binary' },
  index: { id: 1, type: 'u16' },
  idleTime: { id: 2, type: 'u64' },
  nhId: { id: 3, type: 'u32' },
});

const groupStatsEntryAttrs = attrSet('nexthop-group-stats-entry', {
  id: { id: 1, type: 'u32' },
  packets: { id: 2, type: 'uint' },
  packetsHw: { id: 3, type: 'uint' },
});
/** NHA_GROUP_STATS (NHA_GROUP_STATS_*, newer than the 6.1 headers). */
export const groupStatsAttrs = attrSet('nexthop-group-stats', {
  entry: { id: 1, type: 'nest', set: groupStatsEntryAttrs, multi: true },
});

/** NHA_*. */
export const nexthopAttrs = attrSet('nexthop', {
  id: { id: 1, type: 'u32' },
  group: { id: 2, type: 'custom', codec: nexthopGroupCodec },
  groupType: { id: 3, type: 'u16', enum: nexthopGroupType },
  blackhole: { id: 4, type: 'flag' },
  oif: { id: 5, type: 'u32' },
  gateway: { id: 6, type: 'ip' },
  encapType: { id: 7, type: 'u16', enum: lwtunnelEncap },
  encap: { id: 8, type: 'sub-message', selector: 'encapType', formats: encapFormats },
  /** Dump filter: groups only. */
  groups: { id: 9, type: 'flag' },
  /** Dump filter: nexthops using this master device. */
  master: { id: 10, type: 'u32' },
  fdb: { id: 11, type: 'flag' },
  resGroup: { id: 12, type: 'nest', set: resGroupAttrs },
  resBucket: { id: 13, type: 'nest', set: resBucketAttrs },
  // newer than the 6.1 headers (6.9 - 6.10)
  opFlags: { id: 14, type: 'u32', flags: defineFlags('nha-op-flags', { dump_stats: 1, dump_hw_stats: 2, resp_grp_resvd_0: 0x80000000 }) },
  groupStats: { id: 15, type: 'nest', set: groupStatsAttrs },
  hwStatsEnable: { id: 16, type: 'u32' },
  hwStatsUsed: { id: 17, type: 'u32' },
});
