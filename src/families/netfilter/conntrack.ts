// ctnetlink (NFNL_SUBSYS_CTNETLINK): the connection tracking table and its event stream.
// UAPI: linux/netfilter/nfnetlink_conntrack.h, linux/netfilter/nf_conntrack_common.h.
import { Protocol } from '../../core/constants.js';
import { NLM_F } from '../../core/constants.js';
import { MessageBuilder } from '../../core/message.js';
import { attrSet, defineFlags, flagNamesOf } from '../../schema/define.js';
import { defineMessage, type DecodedMessage, type MessageFamily } from '../../schema/family.js';
import type { DecodedSet } from '../../schema/types.js';
import { openSocket, withSocket, type FamilyCallOptions } from '../diag/shared.js';
import { NFNL_SUBSYS, NFNLGRP, nfgen, nfgenmsg, nfType } from './common.js';

/** ctnetlink message types (IPCTNL_MSG_*), within the CTNETLINK subsystem. */
export const IPCTNL_MSG = { CT_NEW: 0, CT_GET: 1, CT_DELETE: 2, CT_GET_CTRZERO: 3, CT_GET_STATS_CPU: 4, CT_GET_STATS: 5, CT_GET_DYING: 6, CT_GET_UNCONFIRMED: 7 } as const;
const BE = 'big-endian' as const;

/** enum ip_conntrack_status bits. */
export const ConntrackStatus = defineFlags('ip_conntrack_status', {
  expected: 1 << 0, seen_reply: 1 << 1, assured: 1 << 2, confirmed: 1 << 3, src_nat: 1 << 4, dst_nat: 1 << 5,
  seq_adjust: 1 << 6, src_nat_done: 1 << 7, dst_nat_done: 1 << 8, dying: 1 << 9, fixed_timeout: 1 << 10,
  template: 1 << 11, untracked: 1 << 12, helper: 1 << 13, offload: 1 << 14, hw_offload: 1 << 15,
});

/** Attribute set `cta_ip` (linux/netfilter/nfnetlink_conntrack.h). */
export const ctaIpAttrs = attrSet('cta_ip', {
  v4Src: { id: 1, type: 'ipv4' }, v4Dst: { id: 2, type: 'ipv4' }, v6Src: { id: 3, type: 'ipv6' }, v6Dst: { id: 4, type: 'ipv6' },
});
/** Attribute set `cta_proto` (linux/netfilter/nfnetlink_conntrack.h). */
export const ctaProtoAttrs = attrSet('cta_proto', {
  num: { id: 1, type: 'u8' },
  srcPort: { id: 2, type: 'u16', byteOrder: BE },
  dstPort: { id: 3, type: 'u16', byteOrder: BE },
  icmpId: { id: 4, type: 'u16', byteOrder: BE },
  icmpType: { id: 5, type: 'u8' },
  icmpCode: { id: 6, type: 'u8' },
  icmpv6Id: { id: 7, type: 'u16', byteOrder: BE },
  icmpv6Type: { id: 8, type: 'u8' },
  icmpv6Code: { id: 9, type: 'u8' },
});
/** Attribute set `cta_tuple` (linux/netfilter/nfnetlink_conntrack.h). */
export const ctaTupleAttrs = attrSet('cta_tuple', {
  ip: { id: 1, type: 'nest', set: ctaIpAttrs },
  proto: { id: 2, type: 'nest', set: ctaProtoAttrs },
  zone: { id: 3, type: 'u16', byteOrder: BE },
});
/** Attribute set `cta_protoinfo_tcp` (linux/netfilter/nfnetlink_conntrack.h). */
export const ctaProtoinfoTcpAttrs = attrSet('cta_protoinfo_tcp', {
  state: { id: 1, type: 'u8' },
  wscaleOriginal: { id: 2, type: 'u8' },
  wscaleReply: { id: 3, type: 'u8' },
  flagsOriginal: { id: 4, type: 'binary' },
  flagsReply: { id: 5, type: 'binary' },
});
/** Attribute set `cta_protoinfo` (linux/netfilter/nfnetlink_conntrack.h). */
export const ctaProtoinfoAttrs = attrSet('cta_protoinfo', {
  tcp: { id: 1, type: 'nest', set: ctaProtoinfoTcpAttrs },
  dccp: { id: 2, type: 'binary' },
  sctp: { id: 3, type: 'binary' },
});
/** Attribute set `cta_counters` (linux/netfilter/nfnetlink_conntrack.h). */
export const ctaCountersAttrs = attrSet('cta_counters', {
  packets: { id: 1, type: 'u64', byteOrder: BE },
  bytes: { id: 2, type: 'u64', byteOrder: BE },
  packets32: { id: 3, type: 'u32', byteOrder: BE },
  bytes32: { id: 4, type: 'u32', byteOrder: BE },
});
/** Attribute set `cta_timestamp` (linux/netfilter/nfnetlink_conntrack.h). */
export const ctaTimestampAttrs = attrSet('cta_timestamp', {
  start: { id: 1, type: 'u64', byteOrder: BE },
  stop: { id: 2, type: 'u64', byteOrder: BE },
});
/** Attribute set `cta_help` (linux/netfilter/nfnetlink_conntrack.h). */
export const ctaHelpAttrs = attrSet('cta_help', { name: { id: 1, type: 'string' }, info: { id: 2, type: 'binary' } });
/** Attribute set `cta` (linux/netfilter/nfnetlink_conntrack.h). */
export const ctaAttrs = attrSet('cta', {
  tupleOrig: { id: 1, type: 'nest', set: ctaTupleAttrs },
  tupleReply: { id: 2, type: 'nest', set: ctaTupleAttrs },
  status: { id: 3, type: 'u32', byteOrder: BE, flags: ConntrackStatus },
  protoinfo: { id: 4, type: 'nest', set: ctaProtoinfoAttrs },
  help: { id: 5, type: 'nest', set: ctaHelpAttrs },
  natSrc: { id: 6, type: 'binary' },
  timeout: { id: 7, type: 'u32', byteOrder: BE },
  mark: { id: 8, type: 'u32', byteOrder: BE },
  countersOrig: { id: 9, type: 'nest', set: ctaCountersAttrs },
  countersReply: { id: 10, type: 'nest', set: ctaCountersAttrs },
  use: { id: 11, type: 'u32', byteOrder: BE },
  id: { id: 12, type: 'u32', byteOrder: BE },
  natDst: { id: 13, type: 'binary' },
  tupleMaster: { id: 14, type: 'nest', set: ctaTupleAttrs },
  seqAdjOrig: { id: 15, type: 'binary' },
  seqAdjReply: { id: 16, type: 'binary' },
  secmark: { id: 17, type: 'u32', byteOrder: BE },
  zone: { id: 18, type: 'u16', byteOrder: BE },
  secctx: { id: 19, type: 'binary' },
  timestamp: { id: 20, type: 'nest', set: ctaTimestampAttrs },
  markMask: { id: 21, type: 'u32', byteOrder: BE },
  labels: { id: 22, type: 'binary' },
  labelsMask: { id: 23, type: 'binary' },
  synproxy: { id: 24, type: 'binary' },
  filter: { id: 25, type: 'binary' },
  statusMask: { id: 26, type: 'u32', byteOrder: BE },
});

const ctMsg = (name: string, m: number, action: 'new' | 'del' | 'get') =>
  defineMessage({ name, type: nfType(NFNL_SUBSYS.CTNETLINK, m), header: nfgenmsg, attrs: ctaAttrs, object: 'conntrack', action });
/** Every declared ct message, by name (typed: use them with buildMessage). */
export const ctMessages = {
  CT_NEW: ctMsg('IPCTNL_MSG_CT_NEW', IPCTNL_MSG.CT_NEW, 'new'),
  CT_GET: ctMsg('IPCTNL_MSG_CT_GET', IPCTNL_MSG.CT_GET, 'get'),
  CT_DELETE: ctMsg('IPCTNL_MSG_CT_DELETE', IPCTNL_MSG.CT_DELETE, 'del'),
  CT_GET_CTRZERO: ctMsg('IPCTNL_MSG_CT_GET_CTRZERO', IPCTNL_MSG.CT_GET_CTRZERO, 'get'),
  CT_GET_DYING: ctMsg('IPCTNL_MSG_CT_GET_DYING', IPCTNL_MSG.CT_GET_DYING, 'get'),
  CT_GET_UNCONFIRMED: ctMsg('IPCTNL_MSG_CT_GET_UNCONFIRMED', IPCTNL_MSG.CT_GET_UNCONFIRMED, 'get'),
} as const;
/** The ctnetlink declarations as one family, for decode() and sockets. */
export const ctnetlinkFamily: MessageFamily = { name: 'ctnetlink', protocol: Protocol.NETFILTER, messages: Object.values(ctMessages), defaultHeaderSize: 4 };

// ---- typed values -------------------------------------------------------------------------------

const L4: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 33: 'dccp', 47: 'gre', 58: 'icmpv6', 132: 'sctp', 136: 'udplite' };
/** conntrack's TCP states by number (enum tcp_conntrack), as `conntrack -L` prints them. */
export const TCP_CT_STATES = ['none', 'syn_sent', 'syn_recv', 'established', 'fin_wait', 'close_wait', 'last_ack', 'time_wait', 'close', 'syn_sent2'] as const;

/** One direction of a connection: addresses, protocol and ports (or ICMP type/code/id). */
export interface ConntrackTuple {
  src: string;
  dst: string;
  /** IP protocol number (6 tcp, 17 udp, 1 icmp...). */
  protocol: number;
  /** 'tcp', 'udp', ... or the number as text. */
  protocolName: string;
  srcPort?: number;
  dstPort?: number;
  icmpId?: number;
  icmpType?: number;
  icmpCode?: number;
  zone?: number;
}
/** Packets and bytes of one direction (needs net.netfilter.nf_conntrack_acct=1). */
export interface ConntrackCounters { packets: bigint; bytes: bigint }
/** A conntrack entry: original and reply tuples, state, timeout, mark, counters. */
export interface Conntrack {
  family: 4 | 6 | number;
  orig: ConntrackTuple;
  reply?: ConntrackTuple;
  /** Status bit names (ASSURED, CONFIRMED, ...). */
  status: string[];
  statusBits: number;
  /** Seconds left. */
  timeout?: number;
  mark?: number;
  id?: number;
  use?: number;
  zone?: number;
  /** TCP state name, lower case like every declared value name ('established', 'time_wait', ...). */
  tcpState?: string;
  countersOrig?: ConntrackCounters;
  countersReply?: ConntrackCounters;
  helper?: string;
}

function toTuple(t: DecodedSet<typeof ctaTupleAttrs> | undefined): ConntrackTuple | undefined {
  if (!t) return undefined;
  const num = t.proto?.num ?? 0;
  const out: ConntrackTuple = {
    src: t.ip?.v4Src ?? t.ip?.v6Src ?? '', dst: t.ip?.v4Dst ?? t.ip?.v6Dst ?? '', protocol: num, protocolName: L4[num] ?? String(num),
  };
  const p = t.proto;
  if (p?.srcPort !== undefined) out.srcPort = p.srcPort;
  if (p?.dstPort !== undefined) out.dstPort = p.dstPort;
  if (p?.icmpId !== undefined || p?.icmpv6Id !== undefined) out.icmpId = p.icmpId ?? p.icmpv6Id!;
  if (p?.icmpType !== undefined || p?.icmpv6Type !== undefined) out.icmpType = p.icmpType ?? p.icmpv6Type!;
  if (p?.icmpCode !== undefined || p?.icmpv6Code !== undefined) out.icmpCode = p.icmpCode ?? p.icmpv6Code!;
  if (t.zone !== undefined) out.zone = t.zone;
  return out;
}

function counters(c: DecodedSet<typeof ctaCountersAttrs> | undefined): ConntrackCounters | undefined {
  if (!c) return undefined;
  return { packets: c.packets ?? BigInt(c.packets32 ?? 0), bytes: c.bytes ?? BigInt(c.bytes32 ?? 0) };
}

/** A conntrack entry from a CT_NEW / CT_DELETE message (dump reply or event). */
export function toConntrack(m: DecodedMessage): Conntrack | undefined {
  if (m.kind !== 'data' || !m.header || !m.attrs) return undefined;
  const a = m.attrs as DecodedSet<typeof ctaAttrs>;
  const orig = toTuple(a.tupleOrig);
  if (!orig) return undefined;
  const fam = m.header.family as number;
  const status = a.status ?? 0;
  const c: Conntrack = { family: fam === 2 ? 4 : fam === 10 ? 6 : fam, orig, status: status ? flagNamesOf(ConntrackStatus, status) : [], statusBits: status };
  const reply = toTuple(a.tupleReply);
  if (reply) c.reply = reply;
  if (a.timeout !== undefined) c.timeout = a.timeout;
  if (a.mark !== undefined) c.mark = a.mark;
  if (a.id !== undefined) c.id = a.id;
  if (a.use !== undefined) c.use = a.use;
  if (a.zone !== undefined) c.zone = a.zone;
  const ts = a.protoinfo?.tcp?.state;
  if (ts !== undefined) c.tcpState = TCP_CT_STATES[ts] ?? String(ts);
  const co = counters(a.countersOrig), cr = counters(a.countersReply);
  if (co) c.countersOrig = co;
  if (cr) c.countersReply = cr;
  if (a.help?.name) c.helper = a.help.name;
  return c;
}

/** Options of {@link listConntrack} and {@link flushConntrack}. */
export interface ListConntrackOptions extends FamilyCallOptions {
  /** 4 or 6; default both. */
  family?: 4 | 6;
}

/** Lists the conntrack table (like `conntrack -L`). */
export async function listConntrack(opts: ListConntrackOptions = {}): Promise<Conntrack[]> {
  const fam = opts.family === 4 ? 2 : opts.family === 6 ? 10 : 0;
  return withSocket(Protocol.NETFILTER, opts, async (sock) => {
    const r = await sock.dumpAll(new MessageBuilder(nfType(NFNL_SUBSYS.CTNETLINK, IPCTNL_MSG.CT_GET), 0, nfgen(fam)), { operation: 'IPCTNL_MSG_CT_GET' });
    return r.messages.map(toConntrack).filter((c): c is Conntrack => c !== undefined);
  }, ctnetlinkFamily);
}

/** Deletes every conntrack entry of a family (like `conntrack -F`). */
export async function flushConntrack(opts: ListConntrackOptions = {}): Promise<void> {
  const fam = opts.family === 6 ? 10 : 2;
  await withSocket(Protocol.NETFILTER, opts, async (sock) => {
    await sock.request(new MessageBuilder(nfType(NFNL_SUBSYS.CTNETLINK, IPCTNL_MSG.CT_DELETE), 0, nfgen(fam)), { operation: 'IPCTNL_MSG_CT_DELETE' });
  }, ctnetlinkFamily);
}

/** A conntrack change ({@link conntrackEvents}): a new, updated or destroyed entry. */
export type ConntrackEvent =
  | { type: 'new' | 'update' | 'destroy'; conntrack: Conntrack }
  | { type: 'overrun'; reason: string };

/** Options of {@link conntrackEvents}. */
export interface ConntrackEventOptions {
  netns?: string | number;
  /** Which events (default all three). */
  events?: ReadonlyArray<'new' | 'update' | 'destroy'>;
  signal?: AbortSignal;
  receiveBufferSize?: number;
}

/**
 * Conntrack events (like `conntrack -E`) as an async iterator. Overruns arrive in band. The
 * socket closes when the iteration ends (break, return, or the signal aborts).
 */
export async function* conntrackEvents(opts: ConntrackEventOptions = {}): AsyncGenerator<ConntrackEvent, void, undefined> {
  const want = opts.events ?? ['new', 'update', 'destroy'];
  const groups = want.map((e) => (e === 'new' ? NFNLGRP.CONNTRACK_NEW : e === 'update' ? NFNLGRP.CONNTRACK_UPDATE : NFNLGRP.CONNTRACK_DESTROY));
  const sock = await openSocket({
    protocol: Protocol.NETFILTER, family: ctnetlinkFamily, groups,
    ...(opts.netns !== undefined ? { netns: opts.netns } : {}), receiveBufferSize: opts.receiveBufferSize ?? 1 << 20,
  });
  try {
    for await (const item of sock.subscribe([], opts.signal ? { signal: opts.signal } : {})) {
      if (item.type === 'overrun') { yield { type: 'overrun', reason: item.reason }; continue; }
      const m = item.message;
      const c = toConntrack(m);
      if (!c || m.kind !== 'data') continue;
      const msgType = m.nlmsg.type & 0xff;
      const type = msgType === IPCTNL_MSG.CT_DELETE ? 'destroy'
        : item.group === NFNLGRP.CONNTRACK_NEW || (m.nlmsg.flags & (NLM_F.CREATE | NLM_F.EXCL)) ? 'new' : 'update';
      yield { type, conntrack: c };
    }
  } finally {
    sock.close();
  }
}

/** `conntrack -L` style line. */
export function conntrackText(c: Conntrack): string {
  const t = (x: ConntrackTuple): string => {
    let s = `src=${x.src} dst=${x.dst}`;
    if (x.srcPort !== undefined) s += ` sport=${x.srcPort} dport=${x.dstPort}`;
    if (x.icmpType !== undefined) s += ` type=${x.icmpType} code=${x.icmpCode} id=${x.icmpId}`;
    return s;
  };
  let s = `${c.orig.protocolName.padEnd(8)} ${c.orig.protocol} ${c.timeout ?? ''} `;
  if (c.tcpState) s += `${c.tcpState.toUpperCase()} `; // conntrack -L spells states upper case
  s += t(c.orig);
  if (!c.status.includes('seen_reply')) s += ' [UNREPLIED]';
  if (c.reply) s += ' ' + t(c.reply);
  if (c.status.includes('assured')) s += ' [ASSURED]';
  if (c.mark !== undefined) s += ` mark=${c.mark}`;
  if (c.use !== undefined) s += ` use=${c.use}`;
  if (c.id !== undefined) s += ` id=${c.id}`;
  return s;
}
