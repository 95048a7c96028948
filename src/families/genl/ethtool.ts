// ethtool over generic netlink (linux/ethtool_netlink.h): request header, string sets, bitsets,
// link info/modes/state, features, rings, channels, coalescing. Requests and replies are numbered
// apart (ETHTOOL_MSG_*_GET vs ETHTOOL_MSG_*_GET_REPLY), hence the explicit reply commands.
import { attrSet, defineEnum, defineFlags } from '../../schema/define.js';
import type { AttrDefs, AttrSet, DecodedSet, IntType } from '../../schema/types.js';
import { defineGenlFamily, event, getOp, setOp } from './define.js';

/** ETHTOOL_FLAG_* of the request header. */
export const ethtoolHeaderFlags = defineFlags('ethtool-header-flags', { compact_bitsets: 1, omit_reply: 2, stats: 4 });

/** Attribute set `ethtool-header` (the kernel's ethtool netlink spec). */
export const ethtoolHeader = attrSet('ethtool-header', {
  devIndex: { id: 1, type: 'u32' },
  devName: { id: 2, type: 'string' },
  flags: { id: 3, type: 'u32', flags: ethtoolHeaderFlags },
  phyIndex: { id: 4, type: 'u32' },
});

/** Attribute set `ethtool-bitset-bit` (the kernel's ethtool netlink spec). */
export const bitsetBit = attrSet('ethtool-bitset-bit', {
  index: { id: 1, type: 'u32' },
  name: { id: 2, type: 'string' },
  value: { id: 3, type: 'flag' },
});
/** Attribute set `ethtool-bitset-bits` (the kernel's ethtool netlink spec). */
export const bitsetBits = attrSet('ethtool-bitset-bits', {
  bit: { id: 1, type: 'nest', set: bitsetBit, multi: true },
});
/** A bitset: a list of named bits (verbose form) or value/mask bytes (compact form). */
export const bitset = attrSet('ethtool-bitset', {
  nomask: { id: 1, type: 'flag' },
  size: { id: 2, type: 'u32' },
  bits: { id: 3, type: 'nest', set: bitsetBits },
  value: { id: 4, type: 'binary' },
  mask: { id: 5, type: 'binary' },
});

/** String set ids (enum ethtool_stringset). */
export const ethtoolStringSet = defineEnum('ethtool-stringset', {
  test: 0, stats: 1, priv_flags: 2, ntuple_filters: 3, features: 4, rss_hash_funcs: 5, tunables: 6, phy_stats: 7,
  phy_tunables: 8, link_modes: 9, msg_classes: 10, wol_modes: 11, sof_timestamping: 12, ts_tx_types: 13, ts_rx_filters: 14,
  udp_tunnel_types: 15, stats_std: 16, stats_eth_phy: 17, stats_eth_mac: 18, stats_eth_ctrl: 19, stats_rmon: 20,
});
/** Attribute set `ethtool-string` (the kernel's ethtool netlink spec). */
export const ethtoolString = attrSet('ethtool-string', {
  index: { id: 1, type: 'u32' },
  value: { id: 2, type: 'string' },
});
/** Attribute set `ethtool-strings` (the kernel's ethtool netlink spec). */
export const ethtoolStrings = attrSet('ethtool-strings', {
  string: { id: 1, type: 'nest', set: ethtoolString, multi: true },
});
/** Attribute set `ethtool-stringset` (the kernel's ethtool netlink spec). */
export const ethtoolStringset = attrSet('ethtool-stringset', {
  id: { id: 1, type: 'u32', enum: ethtoolStringSet },
  count: { id: 2, type: 'u32' },
  strings: { id: 3, type: 'nest', set: ethtoolStrings, multi: true },
});
/** Attribute set `ethtool-stringsets` (the kernel's ethtool netlink spec). */
export const ethtoolStringsets = attrSet('ethtool-stringsets', {
  stringset: { id: 1, type: 'nest', set: ethtoolStringset, multi: true },
});

// ---- message attribute sets: each begins with the request header --------------------------------

const HEADER = { header: { id: 1, type: 'nest', set: ethtoolHeader } } as const;

/** An ethtool message set: ETHTOOL_A_*_HEADER (1) followed by `attrs`. */
function withHeader<const A extends AttrDefs>(name: string, attrs: A): AttrSet<typeof HEADER & A> {
  return attrSet(name, { ...HEADER, ...attrs });
}

/** Consecutive attributes of one integer type, numbered from `first` (ETHTOOL_A_CHANNELS_RX_MAX...). */
function run<const N extends readonly string[], T extends IntType>(first: number, type: T, names: N): { [K in N[number]]: { id: number; type: T } } {
  const out: Record<string, { id: number; type: T }> = {};
  names.forEach((n, i) => { out[n] = { id: first + i, type }; });
  return out as { [K in N[number]]: { id: number; type: T } };
}

const bitsetAttr = (id: number) => ({ id, type: 'nest', set: bitset } as const);

/** Enum `ethtool-duplex` (the kernel's ethtool netlink spec): values by name. */
export const duplex = defineEnum('ethtool-duplex', { half: 0, full: 1, unknown: 0xff });
/** Enum `ethtool-port` (the kernel's ethtool netlink spec): values by name. */
export const portType = defineEnum('ethtool-port', { tp: 0, aui: 1, mii: 2, fibre: 3, bnc: 4, da: 5, none: 0xef, other: 0xff });

/** ETHTOOL_MSG_STRSET_*: the kernel's string sets (feature names, link modes, ...). */
export const strset = withHeader('ethtool-strset', {
  stringsets: { id: 2, type: 'nest', set: ethtoolStringsets },
  countsOnly: { id: 3, type: 'flag' },
});
/** ETHTOOL_MSG_LINKINFO_*: port, PHY address, transceiver (`ethtool` without options). */
export const linkinfo = withHeader('ethtool-linkinfo', {
  port: { id: 2, type: 'u8', enum: portType },
  ...run(3, 'u8', ['phyaddr', 'tpMdix', 'tpMdixCtrl', 'transceiver']),
});
/** ETHTOOL_MSG_LINKMODES_*: speed, duplex, autonegotiation and the advertised modes. */
export const linkmodes = withHeader('ethtool-linkmodes', {
  autoneg: { id: 2, type: 'u8' },
  ours: bitsetAttr(3),
  peer: bitsetAttr(4),
  speed: { id: 5, type: 'u32' },
  duplex: { id: 6, type: 'u8', enum: duplex },
  masterSlaveCfg: { id: 7, type: 'u8' },
  masterSlaveState: { id: 8, type: 'u8' },
  lanes: { id: 9, type: 'u32' },
  rateMatching: { id: 10, type: 'u8' },
});
/** ETHTOOL_MSG_LINKSTATE_*: link detected, SQI, extended state. */
export const linkstate = withHeader('ethtool-linkstate', {
  link: { id: 2, type: 'u8' },
  sqi: { id: 3, type: 'u32' },
  sqiMax: { id: 4, type: 'u32' },
  extState: { id: 5, type: 'u8' },
  extSubstate: { id: 6, type: 'u8' },
  extDownCnt: { id: 7, type: 'u32' },
});
/** ETHTOOL_MSG_FEATURES_*: offload features (`ethtool -k` / `-K`). */
export const features = withHeader('ethtool-features', {
  hw: bitsetAttr(2),
  wanted: bitsetAttr(3),
  active: bitsetAttr(4),
  nochange: bitsetAttr(5),
});
/** ETHTOOL_MSG_RINGS_*: ring sizes (`ethtool -g` / `-G`). */
export const rings = withHeader('ethtool-rings', {
  ...run(2, 'u32', ['rxMax', 'rxMiniMax', 'rxJumboMax', 'txMax', 'rx', 'rxMini', 'rxJumbo', 'tx', 'rxBufLen']),
  tcpDataSplit: { id: 11, type: 'u8' },
  cqeSize: { id: 12, type: 'u32' },
  txPush: { id: 13, type: 'u8' },
  rxPush: { id: 14, type: 'u8' },
  txPushBufLen: { id: 15, type: 'u32' },
  txPushBufLenMax: { id: 16, type: 'u32' },
});
/** ETHTOOL_MSG_CHANNELS_*: channel counts (`ethtool -l` / `-L`). */
export const channels = withHeader('ethtool-channels',
  run(2, 'u32', ['rxMax', 'txMax', 'otherMax', 'combinedMax', 'rxCount', 'txCount', 'otherCount', 'combinedCount']));
/** ETHTOOL_MSG_COALESCE_*: interrupt coalescing (`ethtool -c` / `-C`). */
export const coalesce = withHeader('ethtool-coalesce', {
  ...run(2, 'u32', ['rxUsecs', 'rxMaxFrames', 'rxUsecsIrq', 'rxMaxFramesIrq', 'txUsecs', 'txMaxFrames', 'txUsecsIrq',
    'txMaxFramesIrq', 'statsBlockUsecs']),
  ...run(11, 'u8', ['useAdaptiveRx', 'useAdaptiveTx']),
  ...run(13, 'u32', ['pktRateLow', 'rxUsecsLow', 'rxMaxFramesLow', 'txUsecsLow', 'txMaxFramesLow', 'pktRateHigh',
    'rxUsecsHigh', 'rxMaxFramesHigh', 'txUsecsHigh', 'txMaxFramesHigh', 'rateSampleInterval']),
  ...run(24, 'u8', ['useCqeModeTx', 'useCqeModeRx']),
});

/** The ethtool generic netlink family: typed operations and notifications for {@link GenericNetlink.bind}. */
export const ethtool = defineGenlFamily({
  name: 'ethtool',
  version: 1,
  enumPrefix: 'ETHTOOL_MSG_',
  mcastGroups: ['monitor'],
  ops: {
    strsetGet: getOp(1, strset),
    linkinfoGet: getOp(2, linkinfo),
    linkinfoSet: setOp(3, linkinfo),
    linkmodesGet: getOp(4, linkmodes),
    linkmodesSet: setOp(5, linkmodes),
    linkstateGet: getOp(6, linkstate),
    featuresGet: getOp(11, features),
    featuresSet: setOp(12, features, { reply: 12 }),
    ringsGet: getOp(15, rings, { reply: 16 }),
    ringsSet: setOp(16, rings),
    channelsGet: getOp(17, channels, { reply: 18 }),
    channelsSet: setOp(18, channels),
    coalesceGet: getOp(19, coalesce, { reply: 20 }),
    coalesceSet: setOp(20, coalesce),
  },
  events: {
    linkinfoNtf: event(3, linkinfo, 'monitor'),
    linkmodesNtf: event(5, linkmodes, 'monitor'),
    featuresNtf: event(13, features, 'monitor'),
    ringsNtf: event(17, rings, 'monitor'),
    channelsNtf: event(19, channels, 'monitor'),
    coalesceNtf: event(21, coalesce, 'monitor'),
  },
});

// ---- bitsets and string sets --------------------------------------------------------------------

/** An ethtool bitset, decoded: compact (value and mask) or verbose (named bits). */
export type Bitset = DecodedSet<typeof bitset>;

/**
 * The bits a verbose bitset lists, with their values. A bitset sent without a mask (NOMASK)
 * lists only the bits that are set.
 */
export function bitsetToRecord(bs: Bitset | undefined): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const b of bs?.bits?.bit ?? []) {
    const key = b.name ?? String(b.index ?? '');
    out[key] = bs?.nomask ? true : b.value === true;
  }
  return out;
}

/** Names (or indices as text) of the set bits of a verbose bitset. */
export function bitsetNames(bs: Bitset | undefined): string[] {
  return Object.entries(bitsetToRecord(bs)).filter(([, on]) => on).map(([n]) => n);
}

/** Indices of the set bits of a compact bitset (ETHTOOL_FLAG_COMPACT_BITSETS replies). */
export function compactBitsetIndices(bs: Bitset | undefined): number[] {
  const out: number[] = [];
  const v = bs?.value;
  if (!v) return out;
  const size = bs?.size ?? v.length * 8;
  for (let i = 0; i < size; i++) if (v[i >> 3]! & (1 << (i & 7))) out.push(i); // u32 words, little-endian
  return out;
}

/** A verbose bitset for a request: the listed bits change, the others stay. */
export function bitsetFromRecord(bits: Readonly<Record<string, boolean>>): Bitset {
  return { bits: { bit: Object.entries(bits).map(([name, on]) => (on ? { name, value: true as const } : { name })) } };
}

/** One offload feature's state, as `ethtool -k` shows it. */
export interface FeatureState {
  /** In effect now. */
  active: boolean;
  /** Asked for (wanted). */
  requested: boolean;
  /** Cannot be changed: not in the hw set, or in nochange (ethtool -k's "[fixed]"). */
  fixed: boolean;
}

/**
 * A FEATURES_GET reply as ethtool -k shows it, by kernel feature name. Pass `names` (the
 * ETH_SS_FEATURES string set) to list features that are off everywhere too.
 */
export function featureStates(reply: DecodedSet<typeof features>, names: readonly string[] = []): Record<string, FeatureState> {
  const hw = new Set(bitsetNames(reply.hw));
  const wanted = new Set(bitsetNames(reply.wanted));
  const active = new Set(bitsetNames(reply.active));
  const nochange = new Set(bitsetNames(reply.nochange));
  const all = new Set([...names, ...hw, ...wanted, ...active, ...nochange]);
  const out: Record<string, FeatureState> = {};
  for (const n of all) out[n] = { active: active.has(n), requested: wanted.has(n), fixed: !hw.has(n) || nochange.has(n) };
  return out;
}

/** The strings of string set `id` from a STRSET_GET reply, by index. */
export function stringSetOf(reply: DecodedSet<typeof strset>, id: number): string[] {
  const out: string[] = [];
  for (const set of reply.stringsets?.stringset ?? []) {
    if (set.id !== id) continue;
    for (const group of set.strings ?? []) for (const s of group.string ?? []) out[s.index ?? out.length] = s.value ?? '';
  }
  return out;
}
