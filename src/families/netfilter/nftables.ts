// nf_tables (NFNL_SUBSYS_NFTABLES): ruleset listing with decoded expressions, table/chain/rule
// changes in batches. UAPI: linux/netfilter/nf_tables.h. Every integer attribute is big-endian.
import { Protocol } from '../../core/constants.js';
import { NLM_F } from '../../core/constants.js';
import { formatHex } from '../../core/addr.js';
import { MessageBuilder } from '../../core/message.js';
import { Concat } from '../../core/attr.js';
import { attrSet, defineEnum, enumName, enumValue } from '../../schema/define.js';
import { encodeAttrs } from '../../schema/engine.js';
import { defineMessage, type DecodedMessage, type MessageDef, type MessageFamily } from '../../schema/family.js';
import type { AttrSet, DecodedSet } from '../../schema/types.js';
import { withSocket, type FamilyCallOptions } from '../diag/shared.js';
import { NfProto, NFNL_SUBSYS, nfgen, nfgenmsg, nfType, runBatch, type NfFamilyName } from './common.js';

/** nf_tables message types (NFT_MSG_*), within the NFTABLES subsystem. */
export const NFT_MSG = {
  NEWTABLE: 0, GETTABLE: 1, DELTABLE: 2, NEWCHAIN: 3, GETCHAIN: 4, DELCHAIN: 5, NEWRULE: 6, GETRULE: 7, DELRULE: 8,
  NEWSET: 9, GETSET: 10, DELSET: 11, NEWSETELEM: 12, GETSETELEM: 13, DELSETELEM: 14, NEWGEN: 15, GETGEN: 16, TRACE: 17,
  NEWOBJ: 18, GETOBJ: 19, DELOBJ: 20, GETOBJ_RESET: 21, NEWFLOWTABLE: 22, GETFLOWTABLE: 23, DELFLOWTABLE: 24,
} as const;

const BE = 'big-endian' as const;

// ---- data (NFTA_DATA_*) and verdicts ------------------------------------------------------------

/** Enum `nft_verdict` (linux/netfilter/nf_tables.h): values by name. */
export const NftVerdict = defineEnum('nft_verdict', { drop: 0, accept: 1, stolen: 2, queue: 3, repeat: 4, continue: -1, break: -2, jump: -3, goto: -4, return: -5 });
/** Attribute set `nft_verdict_attributes` (linux/netfilter/nf_tables.h). */
export const nftVerdictAttrs = attrSet('nft_verdict_attributes', {
  code: { id: 1, type: 's32', byteOrder: BE, enum: NftVerdict },
  chain: { id: 2, type: 'string' },
  chainId: { id: 3, type: 'u32', byteOrder: BE },
});
/** Attribute set `nft_data_attributes` (linux/netfilter/nf_tables.h). */
export const nftDataAttrs = attrSet('nft_data_attributes', {
  value: { id: 1, type: 'binary' },
  verdict: { id: 2, type: 'nest', set: nftVerdictAttrs },
});

// ---- expressions --------------------------------------------------------------------------------

/** Enum `nft_payload_bases` (linux/netfilter/nf_tables.h): values by name. */
export const NftPayloadBase = defineEnum('nft_payload_bases', { ll: 0, network: 1, transport: 2, inner: 3, tunnel: 4 });
/** Enum `nft_cmp_ops` (linux/netfilter/nf_tables.h): values by name. */
export const NftCmpOp = defineEnum('nft_cmp_ops', { eq: 0, neq: 1, lt: 2, lte: 3, gt: 4, gte: 5 });
/** Enum `nft_meta_keys` (linux/netfilter/nf_tables.h): values by name. */
export const NftMetaKey = defineEnum('nft_meta_keys', {
  len: 0, protocol: 1, priority: 2, mark: 3, iif: 4, oif: 5, iifname: 6, oifname: 7, iiftype: 8, oiftype: 9, skuid: 10,
  skgid: 11, nftrace: 12, rtclassid: 13, secmark: 14, nfproto: 15, l4proto: 16, ibrname: 17, obrname: 18, pkttype: 19,
  cpu: 20, iifgroup: 21, oifgroup: 22, cgroup: 23, random: 24, secpath: 25, iifkind: 26, oifkind: 27, ibrpvid: 28,
  ibrvproto: 29, time: 30, day: 31, hour: 32, sdif: 33, sdifname: 34, broute: 35,
});
/** Enum `nft_ct_keys` (linux/netfilter/nf_tables.h): values by name. */
export const NftCtKey = defineEnum('nft_ct_keys', {
  state: 0, direction: 1, status: 2, mark: 3, secmark: 4, expiration: 5, helper: 6, l3proto: 7, saddr: 8, daddr: 9,
  protocol: 10, 'proto-src': 11, 'proto-dst': 12, label: 13, packets: 14, bytes: 15, avgpkt: 16, zone: 17, event: 18,
  'ip saddr': 19, 'ip daddr': 20, 'ip6 saddr': 21, 'ip6 daddr': 22, id: 23,
});
/** Enum `nft_bitwise_ops` (linux/netfilter/nf_tables.h): values by name. */
export const NftBitwiseOp = defineEnum('nft_bitwise_ops', { bool: 0, lshift: 1, rshift: 2, and: 3, or: 4, xor: 5 });

/** Attribute set `nft_payload_attributes` (linux/netfilter/nf_tables.h). */
export const payloadExpr = attrSet('nft_payload_attributes', {
  dreg: { id: 1, type: 'u32', byteOrder: BE },
  base: { id: 2, type: 'u32', byteOrder: BE, enum: NftPayloadBase },
  offset: { id: 3, type: 'u32', byteOrder: BE },
  len: { id: 4, type: 'u32', byteOrder: BE },
  sreg: { id: 5, type: 'u32', byteOrder: BE },
  csumType: { id: 6, type: 'u32', byteOrder: BE },
  csumOffset: { id: 7, type: 'u32', byteOrder: BE },
  csumFlags: { id: 8, type: 'u32', byteOrder: BE },
});
/** Attribute set `nft_cmp_attributes` (linux/netfilter/nf_tables.h). */
export const cmpExpr = attrSet('nft_cmp_attributes', {
  sreg: { id: 1, type: 'u32', byteOrder: BE },
  op: { id: 2, type: 'u32', byteOrder: BE, enum: NftCmpOp },
  data: { id: 3, type: 'nest', set: nftDataAttrs },
});
/** Attribute set `nft_meta_attributes` (linux/netfilter/nf_tables.h). */
export const metaExpr = attrSet('nft_meta_attributes', {
  dreg: { id: 1, type: 'u32', byteOrder: BE },
  key: { id: 2, type: 'u32', byteOrder: BE, enum: NftMetaKey },
  sreg: { id: 3, type: 'u32', byteOrder: BE },
});
/** Attribute set `nft_counter_attributes` (linux/netfilter/nf_tables.h). */
export const counterExpr = attrSet('nft_counter_attributes', {
  bytes: { id: 1, type: 'u64', byteOrder: BE },
  packets: { id: 2, type: 'u64', byteOrder: BE },
});
/** Attribute set `nft_log_attributes` (linux/netfilter/nf_tables.h). */
export const logExpr = attrSet('nft_log_attributes', {
  group: { id: 1, type: 'u16', byteOrder: BE },
  prefix: { id: 2, type: 'string' },
  snaplen: { id: 3, type: 'u32', byteOrder: BE },
  qthreshold: { id: 4, type: 'u16', byteOrder: BE },
  level: { id: 5, type: 'u32', byteOrder: BE },
  flags: { id: 6, type: 'u32', byteOrder: BE },
});
/** Attribute set `nft_immediate_attributes` (linux/netfilter/nf_tables.h). */
export const immediateExpr = attrSet('nft_immediate_attributes', {
  dreg: { id: 1, type: 'u32', byteOrder: BE },
  data: { id: 2, type: 'nest', set: nftDataAttrs },
});
/** Attribute set `nft_lookup_attributes` (linux/netfilter/nf_tables.h). */
export const lookupExpr = attrSet('nft_lookup_attributes', {
  set: { id: 1, type: 'string' },
  sreg: { id: 2, type: 'u32', byteOrder: BE },
  dreg: { id: 3, type: 'u32', byteOrder: BE },
  setId: { id: 4, type: 'u32', byteOrder: BE },
  flags: { id: 5, type: 'u32', byteOrder: BE },
});
/** Attribute set `nft_ct_attributes` (linux/netfilter/nf_tables.h). */
export const ctExpr = attrSet('nft_ct_attributes', {
  dreg: { id: 1, type: 'u32', byteOrder: BE },
  key: { id: 2, type: 'u32', byteOrder: BE, enum: NftCtKey },
  direction: { id: 3, type: 'u8' },
  sreg: { id: 4, type: 'u32', byteOrder: BE },
});
/** Attribute set `nft_bitwise_attributes` (linux/netfilter/nf_tables.h). */
export const bitwiseExpr = attrSet('nft_bitwise_attributes', {
  sreg: { id: 1, type: 'u32', byteOrder: BE },
  dreg: { id: 2, type: 'u32', byteOrder: BE },
  len: { id: 3, type: 'u32', byteOrder: BE },
  mask: { id: 4, type: 'nest', set: nftDataAttrs },
  xor: { id: 5, type: 'nest', set: nftDataAttrs },
  op: { id: 6, type: 'u32', byteOrder: BE, enum: NftBitwiseOp },
  data: { id: 7, type: 'nest', set: nftDataAttrs },
});

/** Expression data layouts by expression name (NFTA_EXPR_NAME selects NFTA_EXPR_DATA). */
export const EXPRESSION_SETS = {
  payload: payloadExpr, cmp: cmpExpr, meta: metaExpr, counter: counterExpr, log: logExpr,
  immediate: immediateExpr, lookup: lookupExpr, ct: ctExpr, bitwise: bitwiseExpr,
} as const;
type ExprSets = typeof EXPRESSION_SETS;
/** Names of the rule expressions nlwire decodes field by field ('payload', 'cmp', 'meta', ...). */
export type NftExpressionName = keyof ExprSets;

/** Attribute set `nft_expr_attributes` (linux/netfilter/nf_tables.h). */
export const nftExprAttrs = attrSet('nft_expr_attributes', {
  name: { id: 1, type: 'string' },
  data: { id: 2, type: 'sub-message', selector: 'name', formats: EXPRESSION_SETS },
});
/** Attribute set `nft_list_attributes` (linux/netfilter/nf_tables.h). */
export const nftExprList = attrSet('nft_list_attributes', {
  elem: { id: 1, type: 'nest', set: nftExprAttrs, multi: true },
});

/** A decoded expression. Known names carry `data` decoded; others carry the raw `raw` bytes. */
export type NftExpression =
  | { [K in NftExpressionName]: { name: K; data: DecodedSet<ExprSets[K]> } }[NftExpressionName]
  | { name: string; raw: Uint8Array };

// ---- tables, chains, rules, sets ------------------------------------------------------------------

/** Attribute set `nft_table_attributes` (linux/netfilter/nf_tables.h). */
export const nftTableAttrs = attrSet('nft_table_attributes', {
  name: { id: 1, type: 'string' },
  flags: { id: 2, type: 'u32', byteOrder: BE },
  use: { id: 3, type: 'u32', byteOrder: BE },
  handle: { id: 4, type: 'u64', byteOrder: BE },
  userdata: { id: 6, type: 'binary' },
  owner: { id: 7, type: 'u32', byteOrder: BE },
});
/** NFTA_HOOK_DEVS: the devices of a netdev-family hook, NFTA_DEVICE_NAME each. */
export const nftHookDevAttrs = attrSet('nft_devices_attributes', {
  name: { id: 1, type: 'string', multi: true },
});
/** Attribute set `nft_hook_attributes` (linux/netfilter/nf_tables.h). */
export const nftHookAttrs = attrSet('nft_hook_attributes', {
  hooknum: { id: 1, type: 'u32', byteOrder: BE },
  priority: { id: 2, type: 's32', byteOrder: BE },
  dev: { id: 3, type: 'string' },
  devs: { id: 4, type: 'nest', set: nftHookDevAttrs },
});
/** Attribute set `nft_counter_attributes` (linux/netfilter/nf_tables.h). */
export const nftCounterAttrs = attrSet('nft_counter_attributes', {
  bytes: { id: 1, type: 'u64', byteOrder: BE },
  packets: { id: 2, type: 'u64', byteOrder: BE },
});
/** Attribute set `nft_chain_attributes` (linux/netfilter/nf_tables.h). */
export const nftChainAttrs = attrSet('nft_chain_attributes', {
  table: { id: 1, type: 'string' },
  handle: { id: 2, type: 'u64', byteOrder: BE },
  name: { id: 3, type: 'string' },
  hook: { id: 4, type: 'nest', set: nftHookAttrs },
  policy: { id: 5, type: 'u32', byteOrder: BE, enum: NftVerdict },
  use: { id: 6, type: 'u32', byteOrder: BE },
  type: { id: 7, type: 'string' },
  counters: { id: 8, type: 'nest', set: nftCounterAttrs },
  flags: { id: 10, type: 'u32', byteOrder: BE },
  id: { id: 11, type: 'u32', byteOrder: BE },
  userdata: { id: 12, type: 'binary' },
});
/** NFTA_RULE_COMPAT: the protocol and flags of an x_tables rule run through nft_compat. */
export const nftRuleCompatAttrs = attrSet('nft_rule_compat_attributes', {
  proto: { id: 1, type: 'u32', byteOrder: BE },
  flags: { id: 2, type: 'u32', byteOrder: BE },
});
/** Attribute set `nft_rule_attributes` (linux/netfilter/nf_tables.h). */
export const nftRuleAttrs = attrSet('nft_rule_attributes', {
  table: { id: 1, type: 'string' },
  chain: { id: 2, type: 'string' },
  handle: { id: 3, type: 'u64', byteOrder: BE },
  expressions: { id: 4, type: 'nest', set: nftExprList },
  compat: { id: 5, type: 'nest', set: nftRuleCompatAttrs },
  position: { id: 6, type: 'u64', byteOrder: BE },
  userdata: { id: 7, type: 'binary' },
  id: { id: 9, type: 'u32', byteOrder: BE },
  positionId: { id: 10, type: 'u32', byteOrder: BE },
  chainId: { id: 11, type: 'u32', byteOrder: BE },
});
/** One field of a concatenated set key: NFTA_SET_FIELD_LEN. */
export const nftSetFieldAttrs = attrSet('nft_set_field_attributes', {
  len: { id: 1, type: 'u32', byteOrder: BE },
});
/** NFTA_SET_DESC_CONCAT: one NFTA_LIST_ELEM per field of a concatenated key. */
export const nftSetConcatAttrs = attrSet('nft_set_desc_concat', {
  elem: { id: 1, type: 'nest', set: nftSetFieldAttrs, multi: true },
});
/** NFTA_SET_DESC: the set's size and the fields of a concatenated key. */
export const nftSetDescAttrs = attrSet('nft_set_desc_attributes', {
  size: { id: 1, type: 'u32', byteOrder: BE },
  concat: { id: 2, type: 'nest', set: nftSetConcatAttrs },
});
/** Attribute set `nft_set_attributes` (linux/netfilter/nf_tables.h). */
export const nftSetAttrs = attrSet('nft_set_attributes', {
  table: { id: 1, type: 'string' },
  name: { id: 2, type: 'string' },
  flags: { id: 3, type: 'u32', byteOrder: BE },
  keyType: { id: 4, type: 'u32', byteOrder: BE },
  keyLen: { id: 5, type: 'u32', byteOrder: BE },
  dataType: { id: 6, type: 'u32', byteOrder: BE },
  dataLen: { id: 7, type: 'u32', byteOrder: BE },
  policy: { id: 8, type: 'u32', byteOrder: BE },
  desc: { id: 9, type: 'nest', set: nftSetDescAttrs },
  id: { id: 10, type: 'u32', byteOrder: BE },
  timeout: { id: 11, type: 'u64', byteOrder: BE },
  gcInterval: { id: 12, type: 'u32', byteOrder: BE },
  userdata: { id: 13, type: 'binary' },
  objType: { id: 15, type: 'u32', byteOrder: BE },
  handle: { id: 16, type: 'u64', byteOrder: BE },
});
/** Attribute set `nft_gen_attributes` (linux/netfilter/nf_tables.h). */
export const nftGenAttrs = attrSet('nft_gen_attributes', {
  id: { id: 1, type: 'u32', byteOrder: BE },
  procPid: { id: 2, type: 'u32', byteOrder: BE },
  procName: { id: 3, type: 'string' },
});

const msg = <A extends AttrSet>(name: string, m: number, attrs: A, object: string, action: 'new' | 'del' | 'get'): MessageDef<typeof nfgenmsg, A> =>
  defineMessage({ name, type: nfType(NFNL_SUBSYS.NFTABLES, m), header: nfgenmsg, attrs, object, action });

/** Every declared nft message, by name (typed: use them with buildMessage). */
export const nftMessages = {
  NEWTABLE: msg('NFT_MSG_NEWTABLE', NFT_MSG.NEWTABLE, nftTableAttrs, 'table', 'new'),
  GETTABLE: msg('NFT_MSG_GETTABLE', NFT_MSG.GETTABLE, nftTableAttrs, 'table', 'get'),
  DELTABLE: msg('NFT_MSG_DELTABLE', NFT_MSG.DELTABLE, nftTableAttrs, 'table', 'del'),
  NEWCHAIN: msg('NFT_MSG_NEWCHAIN', NFT_MSG.NEWCHAIN, nftChainAttrs, 'chain', 'new'),
  GETCHAIN: msg('NFT_MSG_GETCHAIN', NFT_MSG.GETCHAIN, nftChainAttrs, 'chain', 'get'),
  DELCHAIN: msg('NFT_MSG_DELCHAIN', NFT_MSG.DELCHAIN, nftChainAttrs, 'chain', 'del'),
  NEWRULE: msg('NFT_MSG_NEWRULE', NFT_MSG.NEWRULE, nftRuleAttrs, 'rule', 'new'),
  GETRULE: msg('NFT_MSG_GETRULE', NFT_MSG.GETRULE, nftRuleAttrs, 'rule', 'get'),
  DELRULE: msg('NFT_MSG_DELRULE', NFT_MSG.DELRULE, nftRuleAttrs, 'rule', 'del'),
  NEWSET: msg('NFT_MSG_NEWSET', NFT_MSG.NEWSET, nftSetAttrs, 'set', 'new'),
  GETSET: msg('NFT_MSG_GETSET', NFT_MSG.GETSET, nftSetAttrs, 'set', 'get'),
  DELSET: msg('NFT_MSG_DELSET', NFT_MSG.DELSET, nftSetAttrs, 'set', 'del'),
  NEWGEN: msg('NFT_MSG_NEWGEN', NFT_MSG.NEWGEN, nftGenAttrs, 'gen', 'new'),
  GETGEN: msg('NFT_MSG_GETGEN', NFT_MSG.GETGEN, nftGenAttrs, 'gen', 'get'),
} as const;

// ---- typed results --------------------------------------------------------------------------------

/** An nf_tables table, as `nft list tables` knows it. */
export interface NftTable { family: NfFamilyName | string; name: string; handle: bigint; flags: number; use: number }
/** An nf_tables chain: base chains have a hook, a priority and a policy. */
export interface NftChain {
  family: NfFamilyName | string; table: string; name: string; handle: bigint;
  /** Base chains only. */
  type?: string; hook?: string; hooknum?: number; priority?: number; policy?: string; device?: string;
  use?: number; flags?: number;
}
/** An nf_tables rule with its expressions in order. */
export interface NftRule {
  family: NfFamilyName | string; table: string; chain: string; handle: bigint; position?: bigint;
  expressions: NftExpression[]; userdata?: Uint8Array;
}
/** An nf_tables set (its declaration; elements are not listed). */
export interface NftSet {
  family: NfFamilyName | string; table: string; name: string; handle?: bigint; flags: number;
  keyType?: number; keyLen?: number; dataType?: number; dataLen?: number; timeout?: bigint;
}
/** The whole ruleset ({@link listRuleset}), as `nft list ruleset` shows it. */
export interface NftRuleset { tables: NftTable[]; chains: NftChain[]; sets: NftSet[]; rules: NftRule[] }

const HOOKS: Record<string, readonly string[]> = {
  ip: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  ip6: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  inet: ['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress'],
  bridge: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  arp: ['input', 'output', 'forward'],
  netdev: ['ingress', 'egress'],
};

/** The nft name of a family number ('ip', 'ip6', 'inet', ...), or the number as text. */
export function familyName(n: number): NfFamilyName | string { return enumName(NfProto, n) ?? String(n); }
/** The name of a hook number in a family ('input', 'forward', 'ingress', ...). */
export function hookName(family: string, n: number): string { return HOOKS[family]?.[n] ?? String(n); }
/** The number of a hook given by name (numbers pass through). */
export function hookNumber(family: string, name: string | number): number {
  if (typeof name === 'number') return name;
  const i = HOOKS[family]?.indexOf(name) ?? -1;
  if (i < 0) throw new TypeError(`unknown hook '${name}' for family ${family}`);
  return i;
}

function dataOf<T>(m: DecodedMessage): { family: number; attrs: T } | undefined {
  if (m.kind !== 'data' || !m.header || !m.attrs) return undefined;
  return { family: m.header.family as number, attrs: m.attrs as T };
}

/** A rule's expression list as {@link NftExpression} objects, each with its name and decoded data. */
export function decodeExpressions(list: DecodedSet<typeof nftExprList> | undefined): NftExpression[] {
  return (list?.elem ?? []).map((e) => {
    const name = e.name ?? '';
    if (name in EXPRESSION_SETS && e.data !== undefined && !(e.data instanceof Uint8Array)) return { name, data: e.data } as NftExpression;
    return { name, raw: e.data instanceof Uint8Array ? e.data : new Uint8Array(0) };
  });
}

/** The table a NEWTABLE message describes (undefined for other messages). */
export function toTable(m: DecodedMessage): NftTable | undefined {
  const d = dataOf<DecodedSet<typeof nftTableAttrs>>(m);
  if (!d) return undefined;
  return { family: familyName(d.family), name: d.attrs.name ?? '', handle: d.attrs.handle ?? 0n, flags: d.attrs.flags ?? 0, use: d.attrs.use ?? 0 };
}
/** The chain a NEWCHAIN message describes (undefined for other messages). */
export function toChain(m: DecodedMessage): NftChain | undefined {
  const d = dataOf<DecodedSet<typeof nftChainAttrs>>(m);
  if (!d) return undefined;
  const a = d.attrs;
  const family = familyName(d.family);
  const c: NftChain = { family, table: a.table ?? '', name: a.name ?? '', handle: a.handle ?? 0n };
  if (a.type !== undefined) c.type = a.type;
  if (a.hook?.hooknum !== undefined) { c.hooknum = a.hook.hooknum; c.hook = hookName(family, a.hook.hooknum); }
  if (a.hook?.priority !== undefined) c.priority = a.hook.priority;
  if (a.hook?.dev !== undefined) c.device = a.hook.dev;
  if (a.policy !== undefined) c.policy = enumName(NftVerdict, a.policy) ?? String(a.policy);
  if (a.use !== undefined) c.use = a.use;
  if (a.flags !== undefined) c.flags = a.flags;
  return c;
}
/** The rule a NEWRULE message describes (undefined for other messages). */
export function toRule(m: DecodedMessage): NftRule | undefined {
  const d = dataOf<DecodedSet<typeof nftRuleAttrs>>(m);
  if (!d) return undefined;
  const a = d.attrs;
  const r: NftRule = { family: familyName(d.family), table: a.table ?? '', chain: a.chain ?? '', handle: a.handle ?? 0n, expressions: decodeExpressions(a.expressions) };
  if (a.position !== undefined) r.position = a.position;
  if (a.userdata) r.userdata = a.userdata;
  return r;
}
/** The set a NEWSET message describes (undefined for other messages). */
export function toSet(m: DecodedMessage): NftSet | undefined {
  const d = dataOf<DecodedSet<typeof nftSetAttrs>>(m);
  if (!d) return undefined;
  const a = d.attrs;
  const s: NftSet = { family: familyName(d.family), table: a.table ?? '', name: a.name ?? '', flags: a.flags ?? 0 };
  if (a.handle !== undefined) s.handle = a.handle;
  if (a.keyType !== undefined) s.keyType = a.keyType;
  if (a.keyLen !== undefined) s.keyLen = a.keyLen;
  if (a.dataType !== undefined) s.dataType = a.dataType;
  if (a.dataLen !== undefined) s.dataLen = a.dataLen;
  if (a.timeout !== undefined) s.timeout = a.timeout;
  return s;
}

function getDump(m: number, family = 0): MessageBuilder {
  return new MessageBuilder(nfType(NFNL_SUBSYS.NFTABLES, m), 0, nfgen(family));
}

/** Options of {@link listRuleset}. */
export interface ListRulesetOptions extends FamilyCallOptions {
  /** Only this family (default: all). */
  family?: NfFamilyName;
}

/** Lists tables, chains, sets and rules (like `nft list ruleset`). */
export async function listRuleset(opts: ListRulesetOptions = {}): Promise<NftRuleset> {
  const fam = opts.family ? enumValue(NfProto, opts.family) : 0;
  return withSocket(Protocol.NETFILTER, opts, async (sock) => {
    const dump = async <T>(m: number, conv: (x: DecodedMessage) => T | undefined): Promise<T[]> => {
      const r = await sock.dumpAll(getDump(m, fam), { retryInterrupted: 3 });
      return r.messages.map(conv).filter((x): x is T => x !== undefined);
    };
    const tables = await dump(NFT_MSG.GETTABLE, toTable);
    const chains = await dump(NFT_MSG.GETCHAIN, toChain);
    const sets = await dump(NFT_MSG.GETSET, toSet);
    const rules = await dump(NFT_MSG.GETRULE, toRule);
    return { tables, chains, sets, rules };
  }, nftablesFamily);
}

/** nf_tables messages as a family (the socket decodes replies with it). */
export const nftablesFamily: MessageFamily = { name: 'nftables', protocol: Protocol.NETFILTER, messages: Object.values(nftMessages), defaultHeaderSize: 4 };

// ---- changes ----------------------------------------------------------------------------------

/** A chain for {@link addChain}: a base chain when `hook` is given. */
export interface NftChainSpec {
  family: NfFamilyName;
  table: string;
  name: string;
  /** Base chain: type ('filter', 'nat', 'route'), hook name and priority. */
  type?: string;
  hook?: string | number;
  priority?: number;
  policy?: 'accept' | 'drop';
  device?: string;
}

/** Input for an expression of a new rule (data as decoded, enum names accepted). */
export type NftExpressionInput = { [K in NftExpressionName]: { name: K; data: DecodedSet<ExprSets[K]> | Record<string, unknown> } }[NftExpressionName];

function body(family: number, set: AttrSet, attrs: Record<string, unknown>): Concat {
  return new Concat([nfgen(family), encodeAttrs(set, attrs)]);
}

type Change =
  | { op: 'add-table'; family: NfFamilyName; name: string; flags?: number }
  | { op: 'del-table'; family: NfFamilyName; name: string }
  | { op: 'add-chain'; chain: NftChainSpec }
  | { op: 'del-chain'; family: NfFamilyName; table: string; name: string }
  | { op: 'add-rule'; family: NfFamilyName; table: string; chain: string; expressions: readonly NftExpressionInput[] }
  | { op: 'del-rule'; family: NfFamilyName; table: string; chain: string; handle: bigint };

/** One batch item for a change (exported for tests and tools that assemble their own batches). */
export function changeItem(c: Change): { type: number; flags: number; body: Concat; operation: string } {
  const t = (m: number): number => nfType(NFNL_SUBSYS.NFTABLES, m);
  switch (c.op) {
    case 'add-table':
      return { type: t(NFT_MSG.NEWTABLE), flags: NLM_F.CREATE, operation: 'NFT_MSG_NEWTABLE',
        body: body(enumValue(NfProto, c.family), nftTableAttrs, { name: c.name, ...(c.flags ? { flags: c.flags } : {}) }) };
    case 'del-table':
      return { type: t(NFT_MSG.DELTABLE), flags: 0, operation: 'NFT_MSG_DELTABLE', body: body(enumValue(NfProto, c.family), nftTableAttrs, { name: c.name }) };
    case 'add-chain': {
      const ch = c.chain;
      const attrs: Record<string, unknown> = { table: ch.table, name: ch.name };
      if (ch.hook !== undefined) {
        attrs.hook = { hooknum: hookNumber(ch.family, ch.hook), priority: ch.priority ?? 0, ...(ch.device ? { dev: ch.device } : {}) };
        attrs.type = ch.type ?? 'filter';
        if (ch.policy) attrs.policy = ch.policy;
      }
      return { type: t(NFT_MSG.NEWCHAIN), flags: NLM_F.CREATE, operation: 'NFT_MSG_NEWCHAIN', body: body(enumValue(NfProto, ch.family), nftChainAttrs, attrs) };
    }
    case 'del-chain':
      return { type: t(NFT_MSG.DELCHAIN), flags: 0, operation: 'NFT_MSG_DELCHAIN', body: body(enumValue(NfProto, c.family), nftChainAttrs, { table: c.table, name: c.name }) };
    case 'add-rule':
      return { type: t(NFT_MSG.NEWRULE), flags: NLM_F.CREATE | NLM_F.APPEND, operation: 'NFT_MSG_NEWRULE',
        body: body(enumValue(NfProto, c.family), nftRuleAttrs, { table: c.table, chain: c.chain, expressions: { elem: c.expressions.map((e) => ({ name: e.name, data: e.data })) } }) };
    case 'del-rule':
      return { type: t(NFT_MSG.DELRULE), flags: 0, operation: 'NFT_MSG_DELRULE', body: body(enumValue(NfProto, c.family), nftRuleAttrs, { table: c.table, chain: c.chain, handle: c.handle }) };
  }
}

/** Applies changes in one transaction (all or nothing). */
export async function nftApply(changes: readonly Change[], opts: FamilyCallOptions = {}): Promise<void> {
  await withSocket(Protocol.NETFILTER, opts, (sock) => runBatch(sock, changes.map(changeItem), NFNL_SUBSYS.NFTABLES, opts.timeout));
}
/** One change of an nf_tables batch ({@link nftApply}). */
export type NftChange = Change;

/** Creates a table (`nft add table FAMILY NAME`), in one batch transaction. */
export const addTable = (family: NfFamilyName, name: string, opts: FamilyCallOptions = {}): Promise<void> => nftApply([{ op: 'add-table', family, name }], opts);
/** Deletes a table and everything in it (`nft delete table`). */
export const deleteTable = (family: NfFamilyName, name: string, opts: FamilyCallOptions = {}): Promise<void> => nftApply([{ op: 'del-table', family, name }], opts);
/** Creates a chain (`nft add chain`). */
export const addChain = (chain: NftChainSpec, opts: FamilyCallOptions = {}): Promise<void> => nftApply([{ op: 'add-chain', chain }], opts);
/** Deletes an empty chain (`nft delete chain`). */
export const deleteChain = (family: NfFamilyName, table: string, name: string, opts: FamilyCallOptions = {}): Promise<void> => nftApply([{ op: 'del-chain', family, table, name }], opts);
/** Appends a rule made of `expressions` to a chain (`nft add rule`). */
export const addRule = (family: NfFamilyName, table: string, chain: string, expressions: readonly NftExpressionInput[], opts: FamilyCallOptions = {}): Promise<void> =>
  nftApply([{ op: 'add-rule', family, table, chain, expressions }], opts);
/** Deletes a rule by its handle (`nft delete rule ... handle N`). */
export const deleteRule = (family: NfFamilyName, table: string, chain: string, handle: bigint, opts: FamilyCallOptions = {}): Promise<void> =>
  nftApply([{ op: 'del-rule', family, table, chain, handle }], opts);

// ---- text -------------------------------------------------------------------------------------

function dataText(d: DecodedSet<typeof nftDataAttrs> | undefined): string {
  if (!d) return '?';
  if (d.verdict) {
    const v = enumName(NftVerdict, d.verdict.code ?? 0) ?? String(d.verdict.code);
    return d.verdict.chain ? `${v} ${d.verdict.chain}` : v;
  }
  return d.value ? '0x' + formatHex(d.value, '') : '?';
}

/** A compact, nft-debug-like text of an expression: `[ payload load 4b @ network header + 16 => reg 1 ]`. */
export function expressionText(e: NftExpression): string {
  if (!('data' in e)) return `[ ${e.name} ]`;
  switch (e.name) {
    case 'payload': {
      const d = e.data;
      const base = enumName(NftPayloadBase, d.base ?? 0) ?? String(d.base);
      return d.sreg !== undefined ? `[ payload write reg ${d.sreg} => ${d.len}b @ ${base} header + ${d.offset} ]`
        : `[ payload load ${d.len}b @ ${base} header + ${d.offset} => reg ${d.dreg} ]`;
    }
    case 'cmp': return `[ cmp ${enumName(NftCmpOp, e.data.op ?? 0) ?? e.data.op} reg ${e.data.sreg} ${dataText(e.data.data)} ]`;
    case 'meta': {
      const k = enumName(NftMetaKey, e.data.key ?? 0) ?? String(e.data.key);
      return e.data.sreg !== undefined ? `[ meta set ${k} with reg ${e.data.sreg} ]` : `[ meta load ${k} => reg ${e.data.dreg} ]`;
    }
    case 'counter': return `[ counter pkts ${e.data.packets ?? 0n} bytes ${e.data.bytes ?? 0n} ]`;
    case 'log': return `[ log${e.data.prefix !== undefined ? ` prefix ${e.data.prefix}` : ''}${e.data.group !== undefined ? ` group ${e.data.group}` : ''} ]`;
    case 'immediate': return `[ immediate reg ${e.data.dreg} ${dataText(e.data.data)} ]`;
    case 'lookup': return `[ lookup reg ${e.data.sreg} set ${e.data.set}${e.data.dreg !== undefined ? ` dreg ${e.data.dreg}` : ''} ]`;
    case 'ct': {
      const k = enumName(NftCtKey, e.data.key ?? 0) ?? String(e.data.key);
      return e.data.sreg !== undefined ? `[ ct set ${k} with reg ${e.data.sreg} ]` : `[ ct load ${k} => reg ${e.data.dreg} ]`;
    }
    case 'bitwise': return `[ bitwise reg ${e.data.dreg} = ( reg ${e.data.sreg} & ${dataText(e.data.mask)} ) ^ ${dataText(e.data.xor)} ]`;
    default: return `[ ${(e as { name: string }).name} ]`;
  }
}
