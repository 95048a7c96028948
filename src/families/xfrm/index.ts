// XFRM (NETLINK_XFRM): IPsec policies and SAs. UAPI: linux/xfrm.h.
// C structs are flattened into engine structs (selector fields are prefixed `sel`).
import { registerFamily } from '../../schema/registry.js';
import { formatIPv4, formatIPv6, parseIP } from '../../core/addr.js';
import { Concat, RawBytes, decodeUtf8, encodeUtf8 } from '../../core/attr.js';
import { Protocol } from '../../core/constants.js';
import { DecodeError } from '../../core/errors.js';
import { dataView } from '../../core/header.js';
import { MessageBuilder } from '../../core/message.js';
import { attrSet, defineEnum, defineStruct, enumName, enumValue } from '../../schema/define.js';
import { decodeStruct, encodeAttrs, encodeStructInto } from '../../schema/engine.js';
import { defineMessage, type DecodedMessage, type MessageFamily } from '../../schema/family.js';
import type { DecodedSet, StructValue, ValueCodec } from '../../schema/types.js';
import { openSocket, withSocket, type FamilyCallOptions } from '../diag/shared.js';

/** xfrm message types (XFRM_MSG_*). */
export const XFRM_MSG = {
  NEWSA: 0x10, DELSA: 0x11, GETSA: 0x12, NEWPOLICY: 0x13, DELPOLICY: 0x14, GETPOLICY: 0x15, ALLOCSPI: 0x16,
  ACQUIRE: 0x17, EXPIRE: 0x18, UPDPOLICY: 0x19, UPDSA: 0x1a, POLEXPIRE: 0x1b, FLUSHSA: 0x1c, FLUSHPOLICY: 0x1d,
  NEWAE: 0x1e, GETAE: 0x1f, REPORT: 0x20, MIGRATE: 0x21, NEWSADINFO: 0x22, GETSADINFO: 0x23, NEWSPDINFO: 0x24,
  GETSPDINFO: 0x25, MAPPING: 0x26, SETDEFAULT: 0x27, GETDEFAULT: 0x28,
} as const;
/** xfrm multicast groups (XFRMNLGRP_*): what a subscription joins ({@link policyEvents} joins POLICY). */
export const XFRMNLGRP = { ACQUIRE: 1, EXPIRE: 2, SA: 3, POLICY: 4, AEVENTS: 5, REPORT: 6, MIGRATE: 7, MAPPING: 8 } as const;
/** XFRM_INF: 'no limit' in lifetime configurations. */
export const XFRM_INF = 0xffffffffffffffffn;

/** Enum `xfrm_policy_dir` (linux/xfrm.h): values by name. */
export const XfrmDir = defineEnum('xfrm_policy_dir', { in: 0, out: 1, fwd: 2 });
/** Enum `xfrm_policy_action` (linux/xfrm.h): values by name. */
export const XfrmAction = defineEnum('xfrm_policy_action', { allow: 0, block: 1 });
/** Enum `xfrm_mode` (linux/xfrm.h): values by name. */
export const XfrmMode = defineEnum('xfrm_mode', { transport: 0, tunnel: 1, ro: 2, in_trigger: 3, beet: 4 });
/** Enum `xfrm_proto` (linux/xfrm.h): values by name. */
export const XfrmProto = defineEnum('xfrm_proto', { esp: 50, ah: 51, comp: 108, route2: 43, hao: 60, 'ipsec-any': 255 });
/** Policy directions: 'in', 'out', 'fwd'. */
export type XfrmDirName = keyof typeof XfrmDir.values;

const BE = 'big-endian' as const;
const SELECTOR = [
  { name: 'selDaddr', type: 'binary', len: 16 },
  { name: 'selSaddr', type: 'binary', len: 16 },
  { name: 'selDport', type: 'u16', byteOrder: BE },
  { name: 'selDportMask', type: 'u16', byteOrder: BE },
  { name: 'selSport', type: 'u16', byteOrder: BE },
  { name: 'selSportMask', type: 'u16', byteOrder: BE },
  { name: 'selFamily', type: 'u16' },
  { name: 'selPrefixlenD', type: 'u8' },
  { name: 'selPrefixlenS', type: 'u8' },
  { name: 'selProto', type: 'u8' },
  { name: 'selPad', type: 'pad', len: 3 },
  { name: 'selIfindex', type: 's32' },
  { name: 'selUser', type: 'u32' },
] as const;
const LIFETIME_CFG = [
  { name: 'softByteLimit', type: 'u64' }, { name: 'hardByteLimit', type: 'u64' },
  { name: 'softPacketLimit', type: 'u64' }, { name: 'hardPacketLimit', type: 'u64' },
  { name: 'softAddExpiresSeconds', type: 'u64' }, { name: 'hardAddExpiresSeconds', type: 'u64' },
  { name: 'softUseExpiresSeconds', type: 'u64' }, { name: 'hardUseExpiresSeconds', type: 'u64' },
] as const;
const LIFETIME_CUR = [
  { name: 'curBytes', type: 'u64' }, { name: 'curPackets', type: 'u64' }, { name: 'curAddTime', type: 'u64' }, { name: 'curUseTime', type: 'u64' },
] as const;

/** struct xfrm_selector (56 bytes). */
export const xfrmSelector = defineStruct('xfrm_selector', SELECTOR);
/** struct xfrm_userpolicy_info (168 bytes). */
export const xfrmUserpolicyInfo = defineStruct('xfrm_userpolicy_info', [
  ...SELECTOR, ...LIFETIME_CFG, ...LIFETIME_CUR,
  { name: 'priority', type: 'u32' },
  { name: 'index', type: 'u32' },
  { name: 'dir', type: 'u8', enum: XfrmDir },
  { name: 'action', type: 'u8', enum: XfrmAction },
  { name: 'flags', type: 'u8' },
  { name: 'share', type: 'u8' },
  { name: 'pad', type: 'pad', len: 4 },
] as const);
/** struct xfrm_userpolicy_id (64 bytes). */
export const xfrmUserpolicyId = defineStruct('xfrm_userpolicy_id', [
  ...SELECTOR,
  { name: 'index', type: 'u32' },
  { name: 'dir', type: 'u8', enum: XfrmDir },
  { name: 'pad', type: 'pad', len: 3 },
] as const);
const USERSA_INFO = [
  ...SELECTOR,
  // struct xfrm_id id
  { name: 'daddr', type: 'binary', len: 16 },
  { name: 'spi', type: 'u32', byteOrder: BE },
  { name: 'proto', type: 'u8', enum: XfrmProto },
  { name: 'idPad', type: 'pad', len: 3 },
  { name: 'saddr', type: 'binary', len: 16 },
  ...LIFETIME_CFG, ...LIFETIME_CUR,
  // struct xfrm_stats
  { name: 'statsReplayWindow', type: 'u32' },
  { name: 'statsReplay', type: 'u32' },
  { name: 'statsIntegrityFailed', type: 'u32' },
  { name: 'seq', type: 'u32' },
  { name: 'reqid', type: 'u32' },
  { name: 'family', type: 'u16' },
  { name: 'mode', type: 'u8', enum: XfrmMode },
  { name: 'replayWindow', type: 'u8' },
  { name: 'flags', type: 'u8' },
  { name: 'pad', type: 'pad', len: 7 },
] as const;
/** struct xfrm_usersa_info (224 bytes). */
export const xfrmUsersaInfo = defineStruct('xfrm_usersa_info', USERSA_INFO);
/** struct xfrm_userspi_info (232 bytes): an SA template plus the SPI range. */
export const xfrmUserspiInfo = defineStruct('xfrm_userspi_info', [...USERSA_INFO, { name: 'min', type: 'u32' }, { name: 'max', type: 'u32' }] as const);
/** struct xfrm_usersa_id (24 bytes). */
export const xfrmUsersaId = defineStruct('xfrm_usersa_id', [
  { name: 'daddr', type: 'binary', len: 16 },
  { name: 'spi', type: 'u32', byteOrder: BE },
  { name: 'family', type: 'u16' },
  { name: 'proto', type: 'u8', enum: XfrmProto },
  { name: 'pad', type: 'pad', len: 1 },
]);
/** struct xfrm_user_tmpl (64 bytes). */
export const xfrmUserTmpl = defineStruct('xfrm_user_tmpl', [
  { name: 'daddr', type: 'binary', len: 16 },
  { name: 'spi', type: 'u32', byteOrder: BE },
  { name: 'proto', type: 'u8', enum: XfrmProto },
  { name: 'idPad', type: 'pad', len: 3 },
  { name: 'family', type: 'u16' },
  { name: 'pad1', type: 'pad', len: 2 },
  { name: 'saddr', type: 'binary', len: 16 },
  { name: 'reqid', type: 'u32' },
  { name: 'mode', type: 'u8', enum: XfrmMode },
  { name: 'share', type: 'u8' },
  { name: 'optional', type: 'u8' },
  { name: 'pad2', type: 'pad', len: 1 },
  { name: 'aalgos', type: 'u32' },
  { name: 'ealgos', type: 'u32' },
  { name: 'calgos', type: 'u32' },
]);
/** Struct `xfrm_mark` (linux/xfrm.h), field by field. */
export const xfrmMark = defineStruct('xfrm_mark', [{ name: 'v', type: 'u32' }, { name: 'm', type: 'u32' }]);
/** Struct `xfrm_encap_tmpl` (linux/xfrm.h), field by field. */
export const xfrmEncapTmpl = defineStruct('xfrm_encap_tmpl', [
  { name: 'type', type: 'u16' },
  { name: 'sport', type: 'u16', byteOrder: BE },
  { name: 'dport', type: 'u16', byteOrder: BE },
  { name: 'pad', type: 'pad', len: 2 },
  { name: 'oa', type: 'binary', len: 16 },
]);
/** Struct `xfrm_replay_state` (linux/xfrm.h): the anti-replay context of a non-ESN SA. */
export const xfrmReplayState = defineStruct('xfrm_replay_state', [
  { name: 'oseq', type: 'u32' }, { name: 'seq', type: 'u32' }, { name: 'bitmap', type: 'u32' },
]);
/** Struct `xfrm_userpolicy_type` (linux/xfrm.h), field by field. */
export const xfrmUserpolicyType = defineStruct('xfrm_userpolicy_type', [
  { name: 'type', type: 'u8' }, { name: 'reserved1', type: 'pad', len: 1 }, { name: 'reserved2', type: 'pad', len: 1 },
]);

/** An algorithm (struct xfrm_algo, xfrm_algo_auth, xfrm_algo_aead): name, key, and the auth truncation / AEAD ICV length. */
export interface XfrmAlgorithm {
  name: string;
  /** Key bytes (alg_key_len is in bits on the wire). */
  key: Uint8Array;
  /** xfrm_algo_auth.alg_trunc_len (bits). */
  truncLen?: number;
  /** xfrm_algo_aead.alg_icv_len (bits). */
  icvLen?: number;
}

/** Codec for the three algorithm structs: `extra` names the u32 between key length and key. */
function algoCodec(name: string, extra?: 'truncLen' | 'icvLen'): ValueCodec<XfrmAlgorithm> {
  const head = 64 + 4 + (extra ? 4 : 0);
  return {
    name,
    decode(p, ctx) {
      if (p.length < head) throw new DecodeError('attr-bad-size', ctx.offset, `${name}: ${p.length} bytes, needs at least ${head}`);
      const v = dataView(p);
      let e = 0;
      while (e < 64 && p[e] !== 0) e++;
      const bits = v.getUint32(64, true);
      const keyLen = Math.ceil(bits / 8);
      if (head + keyLen > p.length) throw new DecodeError('attr-bad-size', ctx.offset, `${name}: key of ${bits} bits does not fit ${p.length} bytes`);
      const out: XfrmAlgorithm = { name: decodeUtf8(p.subarray(0, e)), key: p.slice(head, head + keyLen) };
      if (extra) out[extra] = v.getUint32(68, true);
      return out;
    },
    byteLength: (a) => head + a.key.length,
    encodeInto(a, v, o) {
      const n = encodeUtf8(a.name);
      if (n.length > 63) throw new RangeError(`${name}: algorithm name '${a.name}' is longer than 63 bytes`);
      for (let i = 0; i < 64; i++) v.setUint8(o + i, i < n.length ? n[i]! : 0);
      v.setUint32(o + 64, a.key.length * 8, true);
      if (extra) v.setUint32(o + 68, a[extra] ?? 0, true);
      new Uint8Array(v.buffer, v.byteOffset + o + head, a.key.length).set(a.key);
      return o + head + a.key.length;
    },
  };
}

/** XFRMA_TMPL: an array of struct xfrm_user_tmpl. */
const tmplCodec: ValueCodec<Array<StructValue<typeof xfrmUserTmpl>>> = {
  name: 'xfrm_user_tmpl[]',
  decode(p, ctx) {
    if (p.length % xfrmUserTmpl.size) throw new DecodeError('attr-bad-size', ctx.offset, `XFRMA_TMPL of ${p.length} bytes is not a multiple of 64`);
    const out: Array<StructValue<typeof xfrmUserTmpl>> = [];
    for (let o = 0; o < p.length; o += xfrmUserTmpl.size) {
      out.push(decodeStructValue(xfrmUserTmpl, p.subarray(o, o + xfrmUserTmpl.size)));
    }
    return out;
  },
  byteLength: (a) => a.length * xfrmUserTmpl.size,
  encodeInto(a, v, o) {
    let p = o;
    for (const t of a) p = encodeStructInto(xfrmUserTmpl, t as unknown as Record<string, unknown>, v, p);
    return p;
  },
};

function decodeStructValue<S extends import('../../schema/types.js').StructDef>(s: S, b: Uint8Array): StructValue<S> {
  return decodeStruct(s, b, 0, b.length) as StructValue<S>;
}

/** Attribute set `xfrma` (linux/xfrm.h). */
export const xfrmAttrs = attrSet('xfrma', {
  algAuth: { id: 1, type: 'custom', codec: algoCodec('xfrm_algo') },
  algCrypt: { id: 2, type: 'custom', codec: algoCodec('xfrm_algo') },
  algComp: { id: 3, type: 'custom', codec: algoCodec('xfrm_algo') },
  encap: { id: 4, type: 'struct', struct: xfrmEncapTmpl },
  tmpl: { id: 5, type: 'custom', codec: tmplCodec },
  sa: { id: 6, type: 'struct', struct: xfrmUsersaInfo },
  policy: { id: 7, type: 'struct', struct: xfrmUserpolicyInfo },
  secCtx: { id: 8, type: 'binary' },
  ltimeVal: { id: 9, type: 'binary' },
  replayVal: { id: 10, type: 'struct', struct: xfrmReplayState },
  replayThresh: { id: 11, type: 'u32' },
  etimerThresh: { id: 12, type: 'u32' },
  srcaddr: { id: 13, type: 'binary' },
  coaddr: { id: 14, type: 'binary' },
  lastused: { id: 15, type: 'u64' },
  policyType: { id: 16, type: 'struct', struct: xfrmUserpolicyType },
  migrate: { id: 17, type: 'binary' },
  algAead: { id: 18, type: 'custom', codec: algoCodec('xfrm_algo_aead', 'icvLen') },
  kmaddress: { id: 19, type: 'binary' },
  algAuthTrunc: { id: 20, type: 'custom', codec: algoCodec('xfrm_algo_auth', 'truncLen') },
  mark: { id: 21, type: 'struct', struct: xfrmMark },
  tfcpad: { id: 22, type: 'u32' },
  replayEsnVal: { id: 23, type: 'binary' },
  saExtraFlags: { id: 24, type: 'u32' },
  proto: { id: 25, type: 'u8' },
  addressFilter: { id: 26, type: 'binary' },
  offloadDev: { id: 28, type: 'binary' },
  setMark: { id: 29, type: 'u32' },
  setMarkMask: { id: 30, type: 'u32' },
  ifId: { id: 31, type: 'u32' },
  mtimerThresh: { id: 32, type: 'u32' },
  saDir: { id: 33, type: 'u8' },
});

const m = <H extends import('../../schema/types.js').StructDef | undefined>(name: string, type: number, header: H, object: string, action: 'new' | 'del' | 'get') =>
  defineMessage({ name, type, header, attrs: xfrmAttrs, object, action });
/** Every declared xfrm message, by name (typed: use them with buildMessage). */
export const xfrmMessages = {
  NEWSA: m('XFRM_MSG_NEWSA', XFRM_MSG.NEWSA, xfrmUsersaInfo, 'sa', 'new'),
  DELSA: m('XFRM_MSG_DELSA', XFRM_MSG.DELSA, xfrmUsersaId, 'sa', 'del'),
  GETSA: m('XFRM_MSG_GETSA', XFRM_MSG.GETSA, xfrmUsersaId, 'sa', 'get'),
  UPDSA: m('XFRM_MSG_UPDSA', XFRM_MSG.UPDSA, xfrmUsersaInfo, 'sa', 'new'),
  ALLOCSPI: m('XFRM_MSG_ALLOCSPI', XFRM_MSG.ALLOCSPI, xfrmUserspiInfo, 'sa', 'new'),
  NEWPOLICY: m('XFRM_MSG_NEWPOLICY', XFRM_MSG.NEWPOLICY, xfrmUserpolicyInfo, 'policy', 'new'),
  UPDPOLICY: m('XFRM_MSG_UPDPOLICY', XFRM_MSG.UPDPOLICY, xfrmUserpolicyInfo, 'policy', 'new'),
  DELPOLICY: m('XFRM_MSG_DELPOLICY', XFRM_MSG.DELPOLICY, xfrmUserpolicyId, 'policy', 'del'),
  GETPOLICY: m('XFRM_MSG_GETPOLICY', XFRM_MSG.GETPOLICY, xfrmUserpolicyId, 'policy', 'get'),
  FLUSHPOLICY: m('XFRM_MSG_FLUSHPOLICY', XFRM_MSG.FLUSHPOLICY, undefined, 'policy', 'del'),
} as const;
/** The XFRM messages nlwire declares. */
export const xfrmFamily: MessageFamily = { name: 'xfrm', protocol: Protocol.XFRM, messages: Object.values(xfrmMessages) };

// ---- typed values -------------------------------------------------------------------------------

const AF_INET = 2, AF_INET6 = 10;
function addr(b: Uint8Array, family: number): string {
  return family === AF_INET6 ? formatIPv6(b) : formatIPv4(b);
}
function addrBytes(s: string): { bytes: Uint8Array; family: number } {
  const p = parseIP(s);
  if (!p) throw new TypeError(`'${s}' is not an IP address`);
  const bytes = new Uint8Array(16);
  bytes.set(p);
  return { bytes, family: p.length === 4 ? AF_INET : AF_INET6 };
}
function prefix(s: string): { bytes: Uint8Array; family: number; len: number } {
  const [a, l] = s.split('/');
  const { bytes, family } = addrBytes(a!);
  const max = family === AF_INET ? 32 : 128;
  const len = l === undefined ? max : Number(l);
  if (!Number.isInteger(len) || len < 0 || len > max) throw new TypeError(`bad prefix length in '${s}'`);
  return { bytes, family, len };
}

/** Which traffic a policy or SA applies to: addresses with prefixes, ports, protocol, device. */
export interface XfrmSelector {
  family: 4 | 6 | 0;
  src: string; srcPrefix: number; dst: string; dstPrefix: number;
  sport: number; dport: number; proto: number; ifindex: number;
}
/** A template of a policy: which SA (protocol, mode, endpoints, reqid) the traffic must go through. */
export interface XfrmTemplate {
  src: string; dst: string; family: 4 | 6 | 0; proto: string; spi: number; reqid: number; mode: string;
  share: number; optional: boolean; aalgos: number; ealgos: number; calgos: number;
}
/** An IPsec policy, as `ip xfrm policy list` shows it. */
export interface XfrmPolicy {
  selector: XfrmSelector;
  dir: XfrmDirName | string;
  action: 'allow' | 'block' | string;
  priority: number;
  index: number;
  flags: number;
  templates: XfrmTemplate[];
  mark?: { value: number; mask: number };
  ifId?: number;
  lifetime: { hardAddExpiresSeconds: bigint; softAddExpiresSeconds: bigint };
}
/** An IPsec security association (SA), as `ip xfrm state list` shows it (keys included). */
export interface XfrmSA {
  src: string; dst: string; family: 4 | 6 | 0;
  spi: number; proto: string; mode: string; reqid: number; seq: number; replayWindow: number; flags: number;
  selector: XfrmSelector;
  lifetime: { softByteLimit: bigint; hardByteLimit: bigint; softPacketLimit: bigint; hardPacketLimit: bigint; softAddExpiresSeconds: bigint; hardAddExpiresSeconds: bigint };
  current: { bytes: bigint; packets: bigint; addTime: bigint; useTime: bigint };
  auth?: XfrmAlgorithm; crypt?: XfrmAlgorithm; aead?: XfrmAlgorithm; comp?: XfrmAlgorithm;
  encap?: { type: number; sport: number; dport: number; oa: string };
  mark?: { value: number; mask: number };
  /** XFRMA_SET_MARK / XFRMA_SET_MARK_MASK (ip's output-mark). */
  outputMark?: { value: number; mask?: number };
  /** XFRMA_REPLAY_VAL: the anti-replay context (sequence numbers and window bitmap). */
  replay?: { seq: number; oseq: number; bitmap: number };
  /** XFRMA_SA_EXTRA_FLAGS (XFRM_SA_XFLAG_*). */
  extraFlags?: number;
  ifId?: number;
  tfcpad?: number;
  /** True when the kernel's selector is all zeros (ip then prints no `sel` line). */
  selectorZero: boolean;
}

const famNum = (f: number): 4 | 6 | 0 => (f === AF_INET ? 4 : f === AF_INET6 ? 6 : 0);
type SelectorValue = { selDaddr: Uint8Array; selSaddr: Uint8Array; selDport: number; selSport: number; selFamily: number; selPrefixlenD: number; selPrefixlenS: number; selProto: number; selIfindex: number };

/** `fallbackFamily`: the SA's family, for larval SAs whose selector family is 0. */
export function toSelector(h: SelectorValue, fallbackFamily = AF_INET): XfrmSelector {
  const f = h.selFamily || fallbackFamily;
  return {
    family: famNum(h.selFamily), src: addr(h.selSaddr, f), srcPrefix: h.selPrefixlenS, dst: addr(h.selDaddr, f),
    dstPrefix: h.selPrefixlenD, sport: h.selSport, dport: h.selDport, proto: h.selProto, ifindex: h.selIfindex,
  };
}

/** A policy from the decoded xfrm_userpolicy_info header and the attributes of its message. */
export function toPolicy(info: StructValue<typeof xfrmUserpolicyInfo>, a: DecodedSet<typeof xfrmAttrs>): XfrmPolicy {
  const p: XfrmPolicy = {
    selector: toSelector(info), dir: enumName(XfrmDir, info.dir) ?? String(info.dir), action: enumName(XfrmAction, info.action) ?? String(info.action),
    priority: info.priority, index: info.index, flags: info.flags,
    templates: (a.tmpl ?? []).map((t) => ({
      src: addr(t.saddr, t.family), dst: addr(t.daddr, t.family), family: famNum(t.family), proto: enumName(XfrmProto, t.proto) ?? String(t.proto),
      spi: t.spi, reqid: t.reqid, mode: enumName(XfrmMode, t.mode) ?? String(t.mode), share: t.share, optional: t.optional !== 0,
      aalgos: t.aalgos, ealgos: t.ealgos, calgos: t.calgos,
    })),
    lifetime: { hardAddExpiresSeconds: info.hardAddExpiresSeconds, softAddExpiresSeconds: info.softAddExpiresSeconds },
  };
  if (a.mark) p.mark = { value: a.mark.v, mask: a.mark.m };
  if (a.ifId !== undefined) p.ifId = a.ifId;
  return p;
}

/** An SA from the decoded xfrm_usersa_info header and the attributes of its message. */
export function toSA(h: StructValue<typeof xfrmUsersaInfo>, a: DecodedSet<typeof xfrmAttrs>): XfrmSA {
  const sa: XfrmSA = {
    src: addr(h.saddr, h.family), dst: addr(h.daddr, h.family), family: famNum(h.family), spi: h.spi,
    proto: enumName(XfrmProto, h.proto) ?? String(h.proto), mode: enumName(XfrmMode, h.mode) ?? String(h.mode),
    reqid: h.reqid, seq: h.seq, replayWindow: h.replayWindow, flags: h.flags, selector: toSelector(h, h.family),
    lifetime: {
      softByteLimit: h.softByteLimit, hardByteLimit: h.hardByteLimit, softPacketLimit: h.softPacketLimit, hardPacketLimit: h.hardPacketLimit,
      softAddExpiresSeconds: h.softAddExpiresSeconds, hardAddExpiresSeconds: h.hardAddExpiresSeconds,
    },
    current: { bytes: h.curBytes, packets: h.curPackets, addTime: h.curAddTime, useTime: h.curUseTime },
    selectorZero: h.selFamily === 0 && h.selPrefixlenD === 0 && h.selPrefixlenS === 0 && h.selProto === 0 && h.selIfindex === 0 &&
      h.selSport === 0 && h.selDport === 0 && h.selSportMask === 0 && h.selDportMask === 0 && h.selUser === 0 &&
      h.selDaddr.every((b) => b === 0) && h.selSaddr.every((b) => b === 0),
  };
  const auth = a.algAuthTrunc ?? a.algAuth;
  if (auth) sa.auth = auth;
  if (a.algCrypt) sa.crypt = a.algCrypt;
  if (a.algAead) sa.aead = a.algAead;
  if (a.algComp) sa.comp = a.algComp;
  if (a.encap) sa.encap = { type: a.encap.type, sport: a.encap.sport, dport: a.encap.dport, oa: addr(a.encap.oa, h.family) };
  if (a.mark) sa.mark = { value: a.mark.v, mask: a.mark.m };
  if (a.setMark !== undefined) sa.outputMark = a.setMarkMask !== undefined ? { value: a.setMark, mask: a.setMarkMask } : { value: a.setMark };
  if (a.replayVal) sa.replay = { seq: a.replayVal.seq, oseq: a.replayVal.oseq, bitmap: a.replayVal.bitmap };
  if (a.saExtraFlags !== undefined) sa.extraFlags = a.saExtraFlags;
  if (a.ifId !== undefined) sa.ifId = a.ifId;
  if (a.tfcpad !== undefined) sa.tfcpad = a.tfcpad;
  return sa;
}

/** An SA from a NEWSA/UPDSA message (a GETSA/ALLOCSPI reply, a dump entry, an event). */
export function messageToSA(msg: DecodedMessage): XfrmSA | undefined {
  if (msg.kind !== 'data' || !msg.header || !msg.def) return undefined;
  if (msg.nlmsg.type !== XFRM_MSG.NEWSA && msg.nlmsg.type !== XFRM_MSG.UPDSA) return undefined;
  return toSA(msg.header as StructValue<typeof xfrmUsersaInfo>, (msg.attrs ?? {}) as DecodedSet<typeof xfrmAttrs>);
}

/** A policy from NEWPOLICY/UPDPOLICY (info header) or DELPOLICY (id header + XFRMA_POLICY). */
export function messageToPolicy(msg: DecodedMessage): XfrmPolicy | undefined {
  if (msg.kind !== 'data' || !msg.header) return undefined;
  const a = (msg.attrs ?? {}) as DecodedSet<typeof xfrmAttrs>;
  if (msg.nlmsg.type === XFRM_MSG.NEWPOLICY || msg.nlmsg.type === XFRM_MSG.UPDPOLICY) return toPolicy(msg.header as StructValue<typeof xfrmUserpolicyInfo>, a);
  if (msg.nlmsg.type === XFRM_MSG.DELPOLICY && a.policy) return toPolicy(a.policy, a);
  return undefined;
}

// ---- requests -----------------------------------------------------------------------------------

/** A policy for {@link addPolicy} and {@link deletePolicy}. */
export interface PolicySpec {
  /** '10.0.0.0/24' (or an address); both sides must be the same family. */
  src: string;
  dst: string;
  dir: XfrmDirName;
  action?: 'allow' | 'block';
  priority?: number;
  index?: number;
  /** IP protocol number of the selector (0 = any). */
  proto?: number;
  sport?: number;
  dport?: number;
  /** Templates (e.g. { src, dst, proto: 'esp', mode: 'tunnel', reqid }). */
  templates?: ReadonlyArray<{ src?: string; dst?: string; proto?: 'esp' | 'ah' | 'comp'; mode?: 'transport' | 'tunnel' | 'beet'; reqid?: number; spi?: number; optional?: boolean }>;
  mark?: { value: number; mask?: number };
}

function selectorFields(spec: { src: string; dst: string; proto?: number; sport?: number; dport?: number }): Record<string, unknown> {
  const s = prefix(spec.src), d = prefix(spec.dst);
  if (s.family !== d.family) throw new TypeError(`selector src ${spec.src} and dst ${spec.dst} differ in family`);
  return {
    selSaddr: s.bytes, selDaddr: d.bytes, selPrefixlenS: s.len, selPrefixlenD: d.len, selFamily: s.family,
    selProto: spec.proto ?? 0, selSport: spec.sport ?? 0, selSportMask: spec.sport ? 0xffff : 0,
    selDport: spec.dport ?? 0, selDportMask: spec.dport ? 0xffff : 0,
  };
}

const INF_LIFETIME = {
  softByteLimit: XFRM_INF, hardByteLimit: XFRM_INF, softPacketLimit: XFRM_INF, hardPacketLimit: XFRM_INF,
};

function policyMessage(spec: PolicySpec, update: boolean): MessageBuilder {
  const fixed: Record<string, unknown> = {
    ...selectorFields(spec), ...INF_LIFETIME, priority: spec.priority ?? 0, index: spec.index ?? 0,
    dir: enumValue(XfrmDir, spec.dir), action: enumValue(XfrmAction, spec.action ?? 'allow'),
  };
  const attrs: Record<string, unknown> = {};
  if (spec.templates?.length) {
    const fam = (fixed.selFamily as number);
    attrs.tmpl = spec.templates.map((t) => {
      const src = t.src ? addrBytes(t.src) : { bytes: new Uint8Array(16), family: fam };
      const dst = t.dst ? addrBytes(t.dst) : { bytes: new Uint8Array(16), family: fam };
      return {
        daddr: dst.bytes, saddr: src.bytes, family: dst.family, proto: enumValue(XfrmProto, t.proto ?? 'esp'), spi: t.spi ?? 0,
        reqid: t.reqid ?? 0, mode: enumValue(XfrmMode, t.mode ?? 'transport'), share: 0, optional: t.optional ? 1 : 0,
        aalgos: 0xffffffff, ealgos: 0xffffffff, calgos: 0xffffffff,
      };
    });
  }
  if (spec.mark) attrs.mark = { v: spec.mark.value, m: spec.mark.mask ?? 0xffffffff };
  const def = update ? xfrmMessages.UPDPOLICY : xfrmMessages.NEWPOLICY;
  return new MessageBuilder(def.type, 0, new Concat([
    new RawBytes(structBytes(xfrmUserpolicyInfo, fixed)), encodeAttrs(xfrmAttrs, attrs),
  ]));
}

function structBytes(s: import('../../schema/types.js').StructDef, v: Record<string, unknown>): Uint8Array {
  const b = new Uint8Array(s.size);
  encodeStructInto(s, v, dataView(b), 0);
  return b;
}

/** Adds a policy (`ip xfrm policy add`); `update: true` replaces an existing one (`ip xfrm policy update`). */
export async function addPolicy(spec: PolicySpec, opts: FamilyCallOptions & { update?: boolean } = {}): Promise<void> {
  await withSocket(Protocol.XFRM, opts, async (s) => { await s.request(policyMessage(spec, opts.update ?? false)); }, xfrmFamily);
}

/** Deletes the policy with this selector and direction (`ip xfrm policy delete`). */
export async function deletePolicy(spec: Pick<PolicySpec, 'src' | 'dst' | 'dir' | 'proto' | 'sport' | 'dport' | 'mark'> & { index?: number }, opts: FamilyCallOptions = {}): Promise<void> {
  const body = structBytes(xfrmUserpolicyId, { ...selectorFields(spec), index: spec.index ?? 0, dir: enumValue(XfrmDir, spec.dir) });
  // a policy with a mark is found only with that mark (XFRMA_MARK)
  const attrs = encodeAttrs(xfrmAttrs, spec.mark ? { mark: { v: spec.mark.value, m: spec.mark.mask ?? 0xffffffff } } : {});
  await withSocket(Protocol.XFRM, opts, async (s) => { await s.request(new MessageBuilder(XFRM_MSG.DELPOLICY, 0, new Concat([new RawBytes(body), attrs]))); }, xfrmFamily);
}

/** Lists the security policy database (`ip xfrm policy list`). */
export async function listPolicies(opts: FamilyCallOptions = {}): Promise<XfrmPolicy[]> {
  return withSocket(Protocol.XFRM, opts, async (s) => {
    const r = await s.dumpAll(new MessageBuilder(XFRM_MSG.GETPOLICY, 0), { operation: 'XFRM_MSG_GETPOLICY' });
    return r.messages.map(messageToPolicy).filter((p): p is XfrmPolicy => p !== undefined);
  }, xfrmFamily);
}

/** Removes every (main-type) policy (`ip xfrm policy flush`). */
export async function flushPolicies(opts: FamilyCallOptions = {}): Promise<void> {
  await withSocket(Protocol.XFRM, opts, async (s) => { await s.request(new MessageBuilder(XFRM_MSG.FLUSHPOLICY, 0)); }, xfrmFamily);
}

/** Lists SAs (`ip xfrm state list`). */
export async function listSAs(opts: FamilyCallOptions = {}): Promise<XfrmSA[]> {
  return withSocket(Protocol.XFRM, opts, async (s) => {
    const r = await s.dumpAll(new MessageBuilder(XFRM_MSG.GETSA, 0), { operation: 'XFRM_MSG_GETSA' });
    return r.messages.map(messageToSA).filter((p): p is XfrmSA => p !== undefined);
  }, xfrmFamily);
}

/** What {@link allocSpi} reserves an SPI for, and the range to pick it from. */
export interface AllocSpiSpec {
  src: string;
  dst: string;
  proto?: 'esp' | 'ah' | 'comp';
  mode?: 'transport' | 'tunnel' | 'beet';
  reqid?: number;
  /** SPI range (default 0x100..0x0fffffff, as ip does). */
  min?: number;
  max?: number;
}

/** Allocates an SPI: the kernel creates a larval SA and answers with it (`ip xfrm state allocspi`). */
export async function allocSpi(spec: AllocSpiSpec, opts: FamilyCallOptions = {}): Promise<XfrmSA> {
  const s = addrBytes(spec.src), d = addrBytes(spec.dst);
  const body = structBytes(xfrmUserspiInfo, {
    daddr: d.bytes, saddr: s.bytes, family: d.family, proto: enumValue(XfrmProto, spec.proto ?? 'esp'),
    mode: enumValue(XfrmMode, spec.mode ?? 'transport'), reqid: spec.reqid ?? 0, ...INF_LIFETIME,
    min: spec.min ?? 0x100, max: spec.max ?? 0x0fffffff,
  });
  return withSocket(Protocol.XFRM, opts, async (sock) => {
    const r = await sock.request(new MessageBuilder(XFRM_MSG.ALLOCSPI, 0, new RawBytes(body)), { operation: 'XFRM_MSG_ALLOCSPI' });
    const sa = r.messages.map(messageToSA).find((x) => x !== undefined);
    if (!sa) throw new Error('XFRM_MSG_ALLOCSPI: the kernel answered without an SA');
    return sa;
  }, xfrmFamily);
}

/** Identifies one SA: destination, SPI and protocol (default 'esp'). */
export interface SaId { dst: string; spi: number; proto?: 'esp' | 'ah' | 'comp' }
function saIdBody(id: SaId): RawBytes {
  const d = addrBytes(id.dst);
  return new RawBytes(structBytes(xfrmUsersaId, { daddr: d.bytes, spi: id.spi >>> 0, family: d.family, proto: enumValue(XfrmProto, id.proto ?? 'esp') }));
}

/** Reads one SA by destination, SPI and protocol (`ip xfrm state get`). */
export async function getSA(id: SaId, opts: FamilyCallOptions = {}): Promise<XfrmSA> {
  return withSocket(Protocol.XFRM, opts, async (sock) => {
    const r = await sock.request(new MessageBuilder(XFRM_MSG.GETSA, 0, saIdBody(id)), { operation: 'XFRM_MSG_GETSA', expect: 'reply' });
    const sa = r.messages.map(messageToSA).find((x) => x !== undefined);
    if (!sa) throw new Error('XFRM_MSG_GETSA: no SA in the reply');
    return sa;
  }, xfrmFamily);
}

/** Deletes one SA (`ip xfrm state delete`). */
export async function deleteSA(id: SaId, opts: FamilyCallOptions = {}): Promise<void> {
  await withSocket(Protocol.XFRM, opts, async (sock) => { await sock.request(new MessageBuilder(XFRM_MSG.DELSA, 0, saIdBody(id)), { operation: 'XFRM_MSG_DELSA' }); }, xfrmFamily);
}

/** What {@link policyEvents} yields: a policy added, updated or deleted, a flush, or an overrun. */
export type XfrmPolicyEvent =
  | { type: 'new' | 'update' | 'delete' | 'expire'; policy: XfrmPolicy }
  | { type: 'flush' }
  | { type: 'overrun'; reason: string };

/** Policy events (XFRMNLGRP_POLICY), like `ip xfrm monitor policy`. Closes its socket when iteration ends. */
export async function* policyEvents(opts: { netns?: string | number; signal?: AbortSignal } = {}): AsyncGenerator<XfrmPolicyEvent, void, undefined> {
  const sock = await openSocket({ protocol: Protocol.XFRM, family: xfrmFamily, groups: [XFRMNLGRP.POLICY], ...(opts.netns !== undefined ? { netns: opts.netns } : {}) });
  try {
    for await (const item of sock.subscribe([], opts.signal ? { signal: opts.signal } : {})) {
      if (item.type === 'overrun') { yield { type: 'overrun', reason: item.reason }; continue; }
      const msg = item.message;
      if (msg.kind !== 'data') continue;
      if (msg.nlmsg.type === XFRM_MSG.FLUSHPOLICY) { yield { type: 'flush' }; continue; }
      const policy = messageToPolicy(msg);
      if (!policy) continue;
      const t = msg.nlmsg.type;
      yield { type: t === XFRM_MSG.DELPOLICY ? 'delete' : t === XFRM_MSG.UPDPOLICY ? 'update' : 'new', policy };
    }
  } finally {
    sock.close();
  }
}

/** `ip xfrm policy list` style text. */
export function policyText(p: XfrmPolicy): string {
  const s = p.selector;
  let out = `src ${s.src}/${s.srcPrefix} dst ${s.dst}/${s.dstPrefix}`;
  if (s.proto) out += ` proto ${s.proto}`;
  if (s.sport) out += ` sport ${s.sport}`;
  if (s.dport) out += ` dport ${s.dport}`;
  out += `\n\tdir ${p.dir} priority ${p.priority}`;
  if (p.action !== 'allow') out += ` action ${p.action}`;
  if (p.mark) out += `\n\tmark 0x${p.mark.value.toString(16)}/0x${p.mark.mask.toString(16)}`;
  for (const t of p.templates) out += `\n\ttmpl src ${t.src} dst ${t.dst}\n\t\tproto ${t.proto} reqid ${t.reqid} mode ${t.mode}`;
  return out;
}

/** IP protocol names as ip prints a selector's (getprotobynumber), for the common ones. */
const IP_PROTO_NAMES: Record<number, string> = { 1: 'icmp', 2: 'igmp', 4: 'ipencap', 6: 'tcp', 17: 'udp', 41: 'ipv6', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 132: 'sctp', 33: 'dccp', 135: 'mobility-header' };
const SA_FLAGS: ReadonlyArray<readonly [number, string]> = [[1, 'noecn'], [2, 'decap-dscp'], [4, 'nopmtudisc'], [8, 'wildrecv'], [16, 'icmp'], [32, 'af-unspec'], [64, 'align4'], [128, 'esn']];
const SA_EXTRA_FLAGS: ReadonlyArray<readonly [number, string]> = [[1, 'dont-encap-dscp'], [2, 'oseq-may-wrap']];
/** ip's XFRM_FLAG_PRINT sequence: known names, then what is left in hex. */
function flagWords(v: number, names: ReadonlyArray<readonly [number, string]>): string {
  let left = v, out = '';
  for (const [bit, name] of names) if (left & bit) { left &= ~bit; out += name + (left ? ' ' : ''); }
  return left ? out + left.toString(16) : out;
}

/**
 * `ip xfrm state list` text (iproute2 6.1 without -s), line for line: the id, replay window and
 * flags, marks, algorithms with their keys, encapsulation, the anti-replay context, if_id and the
 * selector. Each SA ends with a newline.
 */
export function saText(sa: XfrmSA): string {
  const hex = (k: Uint8Array): string => (k.length ? '0x' + Array.from(k, (x) => x.toString(16).padStart(2, '0')).join('') : '');
  const algo = (type: string, a: XfrmAlgorithm): string => `\t${type} ${a.name} ${hex(a.key)}`;
  const ipsec = sa.proto === 'esp' || sa.proto === 'ah' || sa.proto === 'comp';
  let out = `src ${sa.src} dst ${sa.dst}\n\tproto ${sa.proto} `;
  // ip prints the SPI of esp, ah and comp always, of the others when it is set
  if (ipsec || sa.spi) out += `spi 0x${(sa.spi >>> 0).toString(16).padStart(8, '0')} `;
  out += `reqid ${sa.reqid} mode ${sa.mode}\n`;
  out += `\treplay-window ${sa.replayWindow} `;
  if (sa.flags) out += `flag ${flagWords(sa.flags, SA_FLAGS)}`;
  if (sa.extraFlags !== undefined) out += `extra_flag ${flagWords(sa.extraFlags, SA_EXTRA_FLAGS)}`;
  out += '\n';
  if (sa.mark) out += `\tmark 0x${sa.mark.value.toString(16)}/0x${sa.mark.mask.toString(16)} \n`;
  if (sa.outputMark) out += `\toutput-mark 0x${sa.outputMark.value.toString(16)}${sa.outputMark.mask !== undefined ? `/0x${sa.outputMark.mask.toString(16)}` : ''}\n`;
  if (sa.auth) out += sa.auth.truncLen !== undefined ? `${algo('auth-trunc', sa.auth)} ${sa.auth.truncLen}\n` : `${algo('auth', sa.auth)}\n`;
  if (sa.aead) out += `${algo('aead', sa.aead)} ${sa.aead.icvLen ?? 0}\n`;
  if (sa.crypt) out += `${algo('enc', sa.crypt)}\n`;
  if (sa.comp) out += `${algo('comp', sa.comp)}\n`;
  if (sa.encap) {
    const t = sa.encap.type === 1 ? 'espinudp-nonike' : sa.encap.type === 2 ? 'espinudp' : String(sa.encap.type);
    out += `\tencap type ${t} sport ${sa.encap.sport} dport ${sa.encap.dport} addr ${sa.encap.oa}\n`;
  }
  if (sa.replay) out += `\tanti-replay context: seq 0x${sa.replay.seq.toString(16)}, oseq 0x${sa.replay.oseq.toString(16)}, bitmap 0x${sa.replay.bitmap.toString(16).padStart(8, '0')}\n`;
  if (sa.ifId !== undefined) out += `\tif_id 0x${sa.ifId.toString(16)}\n`;
  if (sa.tfcpad !== undefined) out += `\ttfcpad ${sa.tfcpad}\n`;
  if (!sa.selectorZero) {
    const sel = sa.selector;
    out += `\tsel src ${sel.src}/${sel.srcPrefix} dst ${sel.dst}/${sel.dstPrefix} `;
    if (sel.proto) out += `proto ${IP_PROTO_NAMES[sel.proto] ?? sel.proto} `;
    if (sel.sport) out += `sport ${sel.sport} `;
    if (sel.dport) out += `dport ${sel.dport} `;
    if (sel.ifindex) out += `dev ${sel.ifindex} `;
    out += '\n';
  }
  return out;
}


// Importing this module makes these the default declarations of the protocol.
registerFamily(xfrmFamily);
// ---- SAs with keys ------------------------------------------------------------------------------

/** An SA to add (`ip xfrm state add`): addresses, protocol, SPI, mode and keys. */
export interface SaSpec {
  src: string;
  dst: string;
  proto: 'esp' | 'ah' | 'comp';
  spi: number;
  mode?: 'transport' | 'tunnel' | 'beet';
  reqid?: number;
  replayWindow?: number;
  /** Combined mode (ESP): e.g. { name: 'rfc4106(gcm(aes))', key, icvLen: 128 } (icvLen in bits). */
  aead?: XfrmAlgorithm;
  /**
   * Integrity: e.g. { name: 'hmac(sha256)', key, truncLen: 128 } (sent as XFRMA_ALG_AUTH_TRUNC);
   * without truncLen it goes as XFRMA_ALG_AUTH and the kernel applies the algorithm's default (ip's `auth`).
   */
  auth?: XfrmAlgorithm;
  /** Encryption: e.g. { name: 'cbc(aes)', key }. */
  crypt?: XfrmAlgorithm;
  /** IPComp: e.g. { name: 'deflate', key: new Uint8Array() }. */
  comp?: XfrmAlgorithm;
  /** XFRM_STATE_* flags (1 noecn, 2 decap-dscp, 4 nopmtudisc, 8 wildrecv, 16 icmp, 32 af-unspec, 64 align4, 128 esn). */
  flags?: number;
  /** XFRMA_SET_MARK (and its mask): ip's output-mark. */
  outputMark?: { value: number; mask?: number };
  ifId?: number;
  /** The traffic selector (default: any, of the SA's family). */
  selector?: { src: string; dst: string; proto?: number; sport?: number; dport?: number };
  mark?: { value: number; mask?: number };
}

/** Adds an SA (`ip xfrm state add`); `update: true` changes an existing one (`ip xfrm state update`). */
export async function addSA(spec: SaSpec, opts: FamilyCallOptions & { update?: boolean } = {}): Promise<void> {
  const s = addrBytes(spec.src), d = addrBytes(spec.dst);
  const any = d.family === AF_INET ? '0.0.0.0/0' : '::/0';
  const fixed: Record<string, unknown> = {
    ...selectorFields(spec.selector ?? { src: any, dst: any }), ...INF_LIFETIME,
    daddr: d.bytes, saddr: s.bytes, family: d.family, spi: spec.spi >>> 0, proto: enumValue(XfrmProto, spec.proto),
    mode: enumValue(XfrmMode, spec.mode ?? 'transport'), reqid: spec.reqid ?? 0, replayWindow: spec.replayWindow ?? 0,
    flags: spec.flags ?? 0,
  };
  const attrs: Record<string, unknown> = {};
  if (spec.aead) attrs.algAead = spec.aead;
  if (spec.auth) attrs[spec.auth.truncLen !== undefined ? 'algAuthTrunc' : 'algAuth'] = spec.auth;
  if (spec.crypt) attrs.algCrypt = spec.crypt;
  if (spec.comp) attrs.algComp = spec.comp;
  if (spec.mark) attrs.mark = { v: spec.mark.value, m: spec.mark.mask ?? 0xffffffff };
  if (spec.outputMark) { attrs.setMark = spec.outputMark.value; if (spec.outputMark.mask !== undefined) attrs.setMarkMask = spec.outputMark.mask; }
  if (spec.ifId !== undefined) attrs.ifId = spec.ifId;
  const type = opts.update ? XFRM_MSG.UPDSA : XFRM_MSG.NEWSA;
  await withSocket(Protocol.XFRM, opts, async (sock) => {
    await sock.request(new MessageBuilder(type, 0, new Concat([new RawBytes(structBytes(xfrmUsersaInfo, fixed)), encodeAttrs(xfrmAttrs, attrs)])),
      { operation: opts.update ? 'XFRM_MSG_UPDSA' : 'XFRM_MSG_NEWSA' });
  }, xfrmFamily);
}

/** IPPROTO numbers of xfrm_usersa_flush, 0 (IPSEC_PROTO_ANY... as ip sends it) for every SA. */
const FLUSH_PROTO: Record<'esp' | 'ah' | 'comp' | 'any', number> = { esp: 50, ah: 51, comp: 108, any: 255 };

/** Removes every SA, or those of one protocol (`ip xfrm state flush [proto P]`). */
export async function flushSAs(proto: 'esp' | 'ah' | 'comp' | 'any' = 'any', opts: FamilyCallOptions = {}): Promise<void> {
  // struct xfrm_usersa_flush { __u8 proto; }, padded to 4 bytes by the message
  const body = new Uint8Array(4);
  body[0] = FLUSH_PROTO[proto];
  await withSocket(Protocol.XFRM, opts, async (sock) => {
    await sock.request(new MessageBuilder(XFRM_MSG.FLUSHSA, 0, new RawBytes(body)), { operation: 'XFRM_MSG_FLUSHSA' });
  }, xfrmFamily);
}

/** An SA change announced on XFRMNLGRP_SA: new, deleted (or expired), or all flushed. */
export type XfrmSaEvent =
  | { type: 'new' | 'update' | 'delete' | 'expire'; sa: XfrmSA }
  /** proto: the IPPROTO of the flushed SAs, 255 for all. */
  | { type: 'flush'; proto: number }
  | { type: 'overrun'; reason: string };

/** SA events (XFRMNLGRP_SA), like `ip xfrm monitor state`. Closes its socket when iteration ends. */
export async function* saEvents(opts: { netns?: string | number; signal?: AbortSignal } = {}): AsyncGenerator<XfrmSaEvent, void, undefined> {
  const sock = await openSocket({ protocol: Protocol.XFRM, family: xfrmFamily, groups: [XFRMNLGRP.SA], ...(opts.netns !== undefined ? { netns: opts.netns } : {}) });
  try {
    for await (const item of sock.subscribe([], opts.signal ? { signal: opts.signal } : {})) {
      if (item.type === 'overrun') { yield { type: 'overrun', reason: item.reason }; continue; }
      const msg = item.message;
      if (msg.kind !== 'data') continue;
      const t = msg.nlmsg.type;
      // struct xfrm_usersa_flush is one byte (nlmsg_len 17): left undeclared, read from the raw payload
      if (t === XFRM_MSG.FLUSHSA) { yield { type: 'flush', proto: msg.payload?.[0] ?? 255 }; continue; }
      if (t === XFRM_MSG.DELSA) {
        // a deletion carries an xfrm_usersa_id then XFRMA_SA with the whole SA
        const whole = (msg.attrs as { sa?: StructValue<typeof xfrmUsersaInfo> } | undefined)?.sa;
        const sa = whole ? toSA(whole, (msg.attrs ?? {}) as DecodedSet<typeof xfrmAttrs>) : undefined;
        if (sa) yield { type: 'delete', sa };
        continue;
      }
      const sa = messageToSA(msg);
      if (sa) yield { type: t === XFRM_MSG.UPDSA ? 'update' : 'new', sa };
    }
  } finally {
    sock.close();
  }
}
