// sock_diag (NETLINK_SOCK_DIAG): inet (TCP/UDP, IPv4/IPv6) and UNIX socket listings, as `ss` does.
// UAPI: linux/sock_diag.h, linux/inet_diag.h, linux/unix_diag.h, linux/tcp.h.
import { formatIPv4, formatIPv6 } from '../../core/addr.js';
import { AttributeBuilder, Concat, RawBytes } from '../../core/attr.js';
import { Protocol } from '../../core/constants.js';
import { DecodeError } from '../../core/errors.js';
import { dataView } from '../../core/header.js';
import { MessageBuilder } from '../../core/message.js';
import { attrSet, defineEnum, defineStruct, enumName, enumValue } from '../../schema/define.js';
import { decodeAttrs, decodeStruct, encodeStructInto } from '../../schema/engine.js';
import { defineMessage, type DataMessage, type DecodedMessage, type MessageDef, type MessageFamily } from '../../schema/family.js';
import { registerFamily } from '../../schema/registry.js';
import type { AttrSet, DecodedSet, StructDef, StructValue } from '../../schema/types.js';
import { withSocket, type FamilyCallOptions } from './shared.js';

/** The sock_diag request and reply type (one message per socket). */
export const SOCK_DIAG_BY_FAMILY = 20;
/** Closes a socket from outside (`ss -K`; needs CONFIG_INET_DIAG_DESTROY). */
export const SOCK_DESTROY = 21;
const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;
const IPPROTO_TCP = 6, IPPROTO_UDP = 17;

/** TCP states (include/net/tcp_states.h); UDP uses ESTABLISHED (connected) and CLOSE (unconnected). */
export const TcpState = defineEnum('tcp_state', {
  established: 1, syn_sent: 2, syn_recv: 3, fin_wait1: 4, fin_wait2: 5, time_wait: 6, close: 7,
  close_wait: 8, last_ack: 9, listen: 10, closing: 11, new_syn_recv: 12, bound_inactive: 13,
});
/** TCP state names, lower case like every declared value name ('listen', 'time_wait', ...). */
export type TcpStateName = keyof typeof TcpState.values;
/** A state as input: the declared name, or the kernel's upper case ('LISTEN', as `ss` and tcp_states.h spell it). */
export type TcpStateInput = TcpStateName | Uppercase<TcpStateName>;

/** How `ss` prints each state. */
export const SS_STATE_NAMES: Readonly<Record<TcpStateName, string>> = {
  established: 'ESTAB', syn_sent: 'SYN-SENT', syn_recv: 'SYN-RECV', fin_wait1: 'FIN-WAIT-1', fin_wait2: 'FIN-WAIT-2',
  time_wait: 'TIME-WAIT', close: 'UNCONN', close_wait: 'CLOSE-WAIT', last_ack: 'LAST-ACK', listen: 'LISTEN',
  closing: 'CLOSING', new_syn_recv: 'SYN-RECV', bound_inactive: 'BOUND-INACTIVE',
};

/** The fields of struct inet_diag_sockid (ports and addresses in network byte order), embedded below. */
const SOCKID = [
  { name: 'sport', type: 'u16', byteOrder: 'big-endian' },
  { name: 'dport', type: 'u16', byteOrder: 'big-endian' },
  { name: 'src', type: 'binary', len: 16 },
  { name: 'dst', type: 'binary', len: 16 },
  { name: 'ifindex', type: 'u32' },
  { name: 'cookie0', type: 'u32' },
  { name: 'cookie1', type: 'u32' },
] as const;

/** struct inet_diag_sockid. */
export const inetDiagSockid = defineStruct('inet_diag_sockid', SOCKID);

/** struct inet_diag_req_v2 (the dump request). */
export const inetDiagReqV2 = defineStruct('inet_diag_req_v2', [
  { name: 'family', type: 'u8' },
  { name: 'protocol', type: 'u8' },
  { name: 'ext', type: 'u8' },
  { name: 'pad', type: 'pad', len: 1 },
  { name: 'states', type: 'u32' },
  ...SOCKID,
]);

/** struct inet_diag_msg (the reply header). */
export const inetDiagMsg = defineStruct('inet_diag_msg', [
  { name: 'family', type: 'u8' },
  { name: 'state', type: 'u8', enum: TcpState },
  { name: 'timer', type: 'u8' },
  { name: 'retrans', type: 'u8' },
  ...SOCKID,
  { name: 'expires', type: 'u32' },
  { name: 'rqueue', type: 'u32' },
  { name: 'wqueue', type: 'u32' },
  { name: 'uid', type: 'u32' },
  { name: 'inode', type: 'u32' },
]);

/** Struct `inet_diag_meminfo` (linux/inet_diag.h), field by field. */
export const inetDiagMeminfo = defineStruct('inet_diag_meminfo', [
  { name: 'rmem', type: 'u32' }, { name: 'wmem', type: 'u32' }, { name: 'fmem', type: 'u32' }, { name: 'tmem', type: 'u32' },
]);

/** INET_DIAG_* reply attributes. INFO is struct tcp_info for TCP (decoded by decodeTcpInfo). */
export const inetDiagAttrs = attrSet('inet_diag_attrs', {
  meminfo: { id: 1, type: 'struct', struct: inetDiagMeminfo },
  info: { id: 2, type: 'binary' },
  vegasinfo: { id: 3, type: 'binary' },
  cong: { id: 4, type: 'string' },
  tos: { id: 5, type: 'u8' },
  tclass: { id: 6, type: 'u8' },
  skmeminfo: { id: 7, type: 'array', item: 'u32' },
  shutdown: { id: 8, type: 'u8' },
  dctcpinfo: { id: 9, type: 'binary' },
  protocol: { id: 10, type: 'u8' },
  skv6only: { id: 11, type: 'u8' },
  locals: { id: 12, type: 'binary' },
  peers: { id: 13, type: 'binary' },
  mark: { id: 15, type: 'u32' },
  bbrinfo: { id: 16, type: 'binary' },
  classId: { id: 17, type: 'u32' },
  md5sig: { id: 18, type: 'binary' },
  ulpInfo: { id: 19, type: 'binary' },
  cgroupId: { id: 21, type: 'u64' },
  sockopt: { id: 22, type: 'binary' },
});

/** Bits of inet_diag_req_v2.idiag_ext: 1 << (INET_DIAG_x - 1). */
export const INET_DIAG_EXT = { MEMINFO: 1 << 0, INFO: 1 << 1, VEGASINFO: 1 << 2, CONG: 1 << 3, TOS: 1 << 4, TCLASS: 1 << 5, SKMEMINFO: 1 << 6, SHUTDOWN: 1 << 7 } as const;

/** Bytecode operations (enum INET_DIAG_BC_*). */
export const INET_DIAG_BC = { NOP: 0, JMP: 1, S_GE: 2, S_LE: 3, D_GE: 4, D_LE: 5, AUTO: 6, S_COND: 7, D_COND: 8, DEV_COND: 9, MARK_COND: 10, S_EQ: 11, D_EQ: 12, CGROUP_COND: 13 } as const;
const INET_DIAG_REQ_BYTECODE = 1;

/** struct tcp_info, decoded. Fields a kernel does not send (an older, shorter struct) are absent. */
export interface TcpInfo {
  state: number; caState: number; retransmits: number; probes: number; backoff: number; options: number;
  sndWscale: number; rcvWscale: number; deliveryRateAppLimited: boolean; fastopenClientFail: number;
  rto: number; ato: number; sndMss: number; rcvMss: number; unacked: number; sacked: number; lost: number;
  retrans: number; fackets: number; lastDataSent: number; lastAckSent: number; lastDataRecv: number; lastAckRecv: number;
  pmtu: number; rcvSsthresh: number; rtt: number; rttvar: number; sndSsthresh: number; sndCwnd: number; advmss: number;
  reordering: number; rcvRtt: number; rcvSpace: number; totalRetrans: number;
  pacingRate?: bigint; maxPacingRate?: bigint; bytesAcked?: bigint; bytesReceived?: bigint;
  segsOut?: number; segsIn?: number; notsentBytes?: number; minRtt?: number; dataSegsIn?: number; dataSegsOut?: number;
  deliveryRate?: bigint; busyTime?: bigint; rwndLimited?: bigint; sndbufLimited?: bigint;
  delivered?: number; deliveredCe?: number; bytesSent?: bigint; bytesRetrans?: bigint;
  dsackDups?: number; reordSeen?: number; rcvOoopack?: number; sndWnd?: number;
  rcvWnd?: number; rehash?: number; totalRto?: number; totalRtoRecoveries?: number; totalRtoTime?: number;
}

const TCP_INFO_U32 = ['rto', 'ato', 'sndMss', 'rcvMss', 'unacked', 'sacked', 'lost', 'retrans', 'fackets', 'lastDataSent',
  'lastAckSent', 'lastDataRecv', 'lastAckRecv', 'pmtu', 'rcvSsthresh', 'rtt', 'rttvar', 'sndSsthresh', 'sndCwnd', 'advmss',
  'reordering', 'rcvRtt', 'rcvSpace', 'totalRetrans'] as const;
/** Layout after the fixed u32 block: [name, size] (bitfields and u8s come first). */
const TCP_INFO_TAIL: ReadonlyArray<readonly [keyof TcpInfo, 2 | 4 | 8]> = [
  ['pacingRate', 8], ['maxPacingRate', 8], ['bytesAcked', 8], ['bytesReceived', 8], ['segsOut', 4], ['segsIn', 4],
  ['notsentBytes', 4], ['minRtt', 4], ['dataSegsIn', 4], ['dataSegsOut', 4], ['deliveryRate', 8], ['busyTime', 8],
  ['rwndLimited', 8], ['sndbufLimited', 8], ['delivered', 4], ['deliveredCe', 4], ['bytesSent', 8], ['bytesRetrans', 8],
  ['dsackDups', 4], ['reordSeen', 4], ['rcvOoopack', 4], ['sndWnd', 4], ['rcvWnd', 4], ['rehash', 4],
  ['totalRto', 2], ['totalRtoRecoveries', 2], ['totalRtoTime', 4],
];

/** Decodes struct tcp_info (INET_DIAG_INFO of a TCP socket); shorter (older) layouts are fine. */
export function decodeTcpInfo(b: Uint8Array): TcpInfo {
  if (b.length < 8 + 4 * TCP_INFO_U32.length) throw new DecodeError('attr-bad-size', 0, `tcp_info of ${b.length} bytes is too short`);
  const v = dataView(b);
  const out: Record<string, unknown> = {
    state: b[0], caState: b[1], retransmits: b[2], probes: b[3], backoff: b[4], options: b[5],
    sndWscale: b[6]! & 0xf, rcvWscale: b[6]! >> 4, deliveryRateAppLimited: (b[7]! & 1) === 1, fastopenClientFail: (b[7]! >> 1) & 3,
  };
  let p = 8;
  for (const k of TCP_INFO_U32) { out[k] = v.getUint32(p, true); p += 4; }
  for (const [k, size] of TCP_INFO_TAIL) {
    if (size === 8 && p % 8) p += 8 - (p % 8);
    if (p + size > b.length) break;
    out[k] = size === 8 ? v.getBigUint64(p, true) : size === 4 ? v.getUint32(p, true) : v.getUint16(p, true);
    p += size;
  }
  return out as unknown as TcpInfo;
}

/** One TCP or UDP socket, as the kernel describes it. */
export interface InetSocket {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  /** State name, lower case (UDP: 'established' when connected, 'close' when not). */
  state: TcpStateName | string;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** Bound interface (SO_BINDTODEVICE), 0 for none. */
  ifindex: number;
  cookie: bigint;
  /** TCP: bytes in the receive queue (LISTEN: accept backlog). */
  rqueue: number;
  /** TCP: bytes in the send queue (LISTEN: backlog limit). */
  wqueue: number;
  uid: number;
  inode: number;
  timer: number;
  retrans: number;
  /** ms until the timer fires. */
  expires: number;
  /** INET_DIAG_INFO, when asked for with `info: true` (TCP only). */
  tcpInfo?: TcpInfo;
  /** Congestion control algorithm (INET_DIAG_CONG), with `info: true`. */
  congestion?: string;
  mark?: number;
  shutdown?: number;
  tos?: number;
  tclass?: number;
  v6only?: boolean;
  meminfo?: StructValue<typeof inetDiagMeminfo>;
  cgroupId?: bigint;
}

/** Which inet sockets {@link listSockets} asks for: protocol, family, states, ports (filtered in the kernel). */
export interface ListSocketsOptions extends FamilyCallOptions {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  /** States to list (names, or a bitmask of 1 << state). Default: all. */
  states?: ReadonlyArray<TcpStateInput> | number;
  /** Local port; filtered by the kernel (INET_DIAG_REQ_BYTECODE). */
  port?: number;
  /** Remote port; filtered by the kernel (INET_DIAG_REQ_BYTECODE). */
  dport?: number;
  /** Ask for INET_DIAG_INFO (struct tcp_info), congestion algorithm, TOS and memory info. */
  info?: boolean;
}

/** Bitmask of 1 << state for state names (or a bitmask as is). */
export function stateMask(states: ReadonlyArray<TcpStateInput> | number | undefined): number {
  if (states === undefined) return 0xffffffff;
  if (typeof states === 'number') return states >>> 0;
  let m = 0;
  for (const s of states) {
    let v: number;
    try { v = enumValue(TcpState, s); } catch { throw new TypeError(`unknown socket state '${String(s)}' (known: ${Object.keys(TcpState.values).join(', ')})`); }
    m |= 1 << v;
  }
  return m >>> 0;
}

/**
 * Port conditions as an inet_diag bytecode program (all must hold). Each condition is a pair
 * GE/LE of the port, 8 bytes each (op + port record); a failed test jumps past the end (reject).
 */
export function portFilterBytecode(conds: ReadonlyArray<{ side: 'src' | 'dst'; port: number }>): Uint8Array {
  const ops: Array<[number, number]> = [];
  for (const c of conds) {
    if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) throw new RangeError(`bad port ${c.port}`);
    if (c.side === 'src') ops.push([INET_DIAG_BC.S_GE, c.port], [INET_DIAG_BC.S_LE, c.port]);
    else ops.push([INET_DIAG_BC.D_GE, c.port], [INET_DIAG_BC.D_LE, c.port]);
  }
  const total = ops.length * 8;
  const out = new Uint8Array(total);
  const v = dataView(out);
  ops.forEach(([code, port], i) => {
    const off = i * 8;
    const remaining = total - off;
    out[off] = code;
    out[off + 1] = 8; // yes: the next condition
    v.setUint16(off + 2, remaining + 4, true); // no: past the end, i.e. reject
    v.setUint16(off + 6, port, true); // struct inet_diag_bc_op { code 0, yes 0, no = port }
  });
  return out;
}

/** The SOCK_DIAG_BY_FAMILY dump request for inet sockets. */
export function inetDiagRequest(o: Omit<ListSocketsOptions, keyof FamilyCallOptions>): MessageBuilder {
  const header = new Uint8Array(inetDiagReqV2.size);
  const ext = o.info ? INET_DIAG_EXT.INFO | INET_DIAG_EXT.CONG | INET_DIAG_EXT.TOS | INET_DIAG_EXT.TCLASS | INET_DIAG_EXT.MEMINFO : 0;
  encodeStructInto(inetDiagReqV2, {
    family: o.family === 6 ? AF_INET6 : AF_INET, protocol: o.protocol === 'udp' ? IPPROTO_UDP : IPPROTO_TCP,
    ext, states: stateMask(o.states), cookie0: 0xffffffff, cookie1: 0xffffffff,
  }, dataView(header), 0);
  const parts = [new RawBytes(header)];
  const conds: Array<{ side: 'src' | 'dst'; port: number }> = [];
  if (o.port !== undefined) conds.push({ side: 'src', port: o.port });
  if (o.dport !== undefined) conds.push({ side: 'dst', port: o.dport });
  if (conds.length) parts.push(new RawBytes(new AttributeBuilder().bytes(INET_DIAG_REQ_BYTECODE, portFilterBytecode(conds)).toBytes()));
  return new MessageBuilder(SOCK_DIAG_BY_FAMILY, 0, new Concat(parts));
}

/** Decodes one inet_diag_msg payload (after the nlmsghdr). */
export function decodeInetSocket(payload: Uint8Array, protocol: 'tcp' | 'udp'): InetSocket {
  if (payload.length < inetDiagMsg.size) throw new DecodeError('message-short-for-header', 0, `inet_diag_msg needs ${inetDiagMsg.size} bytes, got ${payload.length}`);
  return inetSocketOf(decodeStruct(inetDiagMsg, payload, 0) as StructValue<typeof inetDiagMsg>, decodeAttrs(inetDiagAttrs, payload, inetDiagMsg.size), protocol);
}

function inetSocketOf(h: StructValue<typeof inetDiagMsg>, a: DecodedSet<typeof inetDiagAttrs>, protocol: 'tcp' | 'udp'): InetSocket {
  const v6 = h.family === AF_INET6;
  const addr = (b: Uint8Array): string => (v6 ? formatIPv6(b) : formatIPv4(b));
  const s: InetSocket = {
    protocol, family: v6 ? 6 : 4, state: enumName(TcpState, h.state) ?? String(h.state),
    src: addr(h.src), srcPort: h.sport, dst: addr(h.dst), dstPort: h.dport, ifindex: h.ifindex,
    cookie: (BigInt(h.cookie1) << 32n) | BigInt(h.cookie0),
    rqueue: h.rqueue, wqueue: h.wqueue, uid: h.uid, inode: h.inode, timer: h.timer, retrans: h.retrans, expires: h.expires,
  };
  if (a.info && protocol === 'tcp' && a.info.length >= 104) s.tcpInfo = decodeTcpInfo(a.info);
  if (a.cong !== undefined) s.congestion = a.cong;
  if (a.mark !== undefined) s.mark = a.mark;
  if (a.shutdown !== undefined) s.shutdown = a.shutdown;
  if (a.tos !== undefined) s.tos = a.tos;
  if (a.tclass !== undefined) s.tclass = a.tclass;
  if (a.skv6only !== undefined) s.v6only = a.skv6only !== 0;
  if (a.meminfo) s.meminfo = a.meminfo;
  if (a.cgroupId !== undefined) s.cgroupId = a.cgroupId;
  return s;
}

/** The replies of a dump decoded with one variant of the sock_diag declarations (sockDiagMessages). */
function replies(messages: DecodedMessage[], def: MessageDef): DataMessage[] {
  return messages.filter((m): m is DataMessage => m.kind === 'data' && m.def === def);
}

/** Lists TCP or UDP sockets of one address family (like `ss -tan` / `ss -uan`). */
export async function listSockets(opts: ListSocketsOptions): Promise<InetSocket[]> {
  return withSocket(Protocol.SOCK_DIAG, opts, async (sock) => {
    const r = await sock.dumpAll(inetDiagRequest(opts), { operation: 'SOCK_DIAG_BY_FAMILY(inet)', ...(opts.timeout ? { timeout: opts.timeout } : {}) });
    return replies(r.messages, sockDiagMessages.inet).map((m) => inetSocketOf(m.header as StructValue<typeof inetDiagMsg>, (m.attrs ?? {}) as DecodedSet<typeof inetDiagAttrs>, opts.protocol));
  });
}

// ---- UNIX ---------------------------------------------------------------------------------------

/** Struct `unix_diag_req` (linux/unix_diag.h), field by field. */
export const unixDiagReq = defineStruct('unix_diag_req', [
  { name: 'family', type: 'u8' },
  { name: 'protocol', type: 'u8' },
  { name: 'pad', type: 'pad', len: 2 },
  { name: 'states', type: 'u32' },
  { name: 'ino', type: 'u32' },
  { name: 'show', type: 'u32' },
  { name: 'cookie0', type: 'u32' },
  { name: 'cookie1', type: 'u32' },
]);
/** Struct `unix_diag_msg` (linux/unix_diag.h), field by field. */
export const unixDiagMsg = defineStruct('unix_diag_msg', [
  { name: 'family', type: 'u8' },
  { name: 'type', type: 'u8' },
  { name: 'state', type: 'u8', enum: TcpState },
  { name: 'pad', type: 'pad', len: 1 },
  { name: 'ino', type: 'u32' },
  { name: 'cookie0', type: 'u32' },
  { name: 'cookie1', type: 'u32' },
]);
/** Struct `unix_diag_vfs` (linux/unix_diag.h), field by field. */
export const unixDiagVfs = defineStruct('unix_diag_vfs', [{ name: 'ino', type: 'u32' }, { name: 'dev', type: 'u32' }]);
/** Struct `unix_diag_rqlen` (linux/unix_diag.h), field by field. */
export const unixDiagRqlen = defineStruct('unix_diag_rqlen', [{ name: 'rqueue', type: 'u32' }, { name: 'wqueue', type: 'u32' }]);
/** Attribute set `unix_diag_attrs` (linux/unix_diag.h). */
export const unixDiagAttrs = attrSet('unix_diag_attrs', {
  name: { id: 0, type: 'binary' },
  vfs: { id: 1, type: 'struct', struct: unixDiagVfs },
  peer: { id: 2, type: 'u32' },
  icons: { id: 3, type: 'array', item: 'u32' },
  rqlen: { id: 4, type: 'struct', struct: unixDiagRqlen },
  meminfo: { id: 5, type: 'array', item: 'u32' },
  shutdown: { id: 6, type: 'u8' },
  uid: { id: 7, type: 'u32' },
});
/** What a unix_diag request asks the kernel to include (UDIAG_SHOW_* bits). */
export const UDIAG_SHOW = { NAME: 0x1, VFS: 0x2, PEER: 0x4, ICONS: 0x8, RQLEN: 0x10, MEMINFO: 0x20, UID: 0x40 } as const;
const UNIX_TYPES: Record<number, 'stream' | 'dgram' | 'seqpacket'> = { 1: 'stream', 2: 'dgram', 5: 'seqpacket' };

/** A unix domain socket, as `ss -x` shows it. */
export interface UnixSocket {
  type: 'stream' | 'dgram' | 'seqpacket' | string;
  state: TcpStateName | string;
  inode: number;
  cookie: bigint;
  /** Bound path; abstract names start with '@', their NULs shown as '@' (as ss prints them). Absent when unbound. */
  name?: string;
  /** Inode of the connected peer (0/absent when none). */
  peer?: number;
  rqueue?: number;
  wqueue?: number;
  uid?: number;
  vfs?: { ino: number; dev: number };
  /** Inodes of connections waiting to be accepted (listening sockets). */
  icons?: number[];
  shutdown?: number;
}

/** Options of {@link listUnixSockets}. */
export interface ListUnixOptions extends FamilyCallOptions {
  states?: ReadonlyArray<TcpStateInput> | number;
}

/** The unix_diag dump request for sockets in `states` (all by default), asking for every detail. */
export function unixDiagRequest(states?: ReadonlyArray<TcpStateInput> | number): MessageBuilder {
  const header = new Uint8Array(unixDiagReq.size);
  encodeStructInto(unixDiagReq, {
    family: AF_UNIX, states: stateMask(states), cookie0: 0xffffffff, cookie1: 0xffffffff,
    show: UDIAG_SHOW.NAME | UDIAG_SHOW.VFS | UDIAG_SHOW.PEER | UDIAG_SHOW.ICONS | UDIAG_SHOW.RQLEN | UDIAG_SHOW.UID,
  }, dataView(header), 0);
  return new MessageBuilder(SOCK_DIAG_BY_FAMILY, 0, new RawBytes(header));
}

/** A unix_diag reply payload as a {@link UnixSocket}. */
export function decodeUnixSocket(payload: Uint8Array): UnixSocket {
  if (payload.length < unixDiagMsg.size) throw new DecodeError('message-short-for-header', 0, `unix_diag_msg needs ${unixDiagMsg.size} bytes, got ${payload.length}`);
  return unixSocketOf(decodeStruct(unixDiagMsg, payload, 0) as StructValue<typeof unixDiagMsg>, decodeAttrs(unixDiagAttrs, payload, unixDiagMsg.size));
}

function unixSocketOf(h: StructValue<typeof unixDiagMsg>, a: DecodedSet<typeof unixDiagAttrs>): UnixSocket {
  const s: UnixSocket = {
    type: UNIX_TYPES[h.type] ?? String(h.type), state: enumName(TcpState, h.state) ?? String(h.state), inode: h.ino,
    cookie: (BigInt(h.cookie1) << 32n) | BigInt(h.cookie0),
  };
  if (a.name) {
    let n = a.name;
    let abstract = false;
    if (n.length && n[0] === 0) { abstract = true; n = n.subarray(1); }
    else { const z = n.indexOf(0); if (z >= 0) n = n.subarray(0, z); }
    // as ss prints them: abstract names start with '@', and their NUL bytes also show as '@'
    // (libuv binds abstract names with the whole 108-byte sun_path, so they carry trailing NULs)
    s.name = abstract ? '@' + new TextDecoder().decode(n).replace(/\0/g, '@') : new TextDecoder().decode(n);
  }
  if (a.peer !== undefined) s.peer = a.peer;
  if (a.rqlen) { s.rqueue = a.rqlen.rqueue; s.wqueue = a.rqlen.wqueue; }
  if (a.uid !== undefined) s.uid = a.uid;
  if (a.vfs) s.vfs = a.vfs;
  if (a.icons) s.icons = a.icons;
  if (a.shutdown !== undefined) s.shutdown = a.shutdown;
  return s;
}

/** Lists UNIX sockets (like `ss -xa`). */
export async function listUnixSockets(opts: ListUnixOptions = {}): Promise<UnixSocket[]> {
  return withSocket(Protocol.SOCK_DIAG, opts, async (sock) => {
    const r = await sock.dumpAll(unixDiagRequest(opts.states), { operation: 'SOCK_DIAG_BY_FAMILY(unix)', ...(opts.timeout ? { timeout: opts.timeout } : {}) });
    return replies(r.messages, sockDiagMessages.unix).map((m) => unixSocketOf(m.header as StructValue<typeof unixDiagMsg>, (m.attrs ?? {}) as DecodedSet<typeof unixDiagAttrs>));
  });
}

// ---- netlink sockets (netlink_diag) ---------------------------------------------------------------

/** Struct `netlink_diag_req` (linux/netlink_diag.h), field by field. */
export const netlinkDiagReq = defineStruct('netlink_diag_req', [
  { name: 'family', type: 'u8' }, { name: 'protocol', type: 'u8' }, { name: 'pad', type: 'pad', len: 2 },
  { name: 'ino', type: 'u32' }, { name: 'show', type: 'u32' }, { name: 'cookie0', type: 'u32' }, { name: 'cookie1', type: 'u32' },
]);
/** Struct `netlink_diag_msg` (linux/netlink_diag.h), field by field. */
export const netlinkDiagMsg = defineStruct('netlink_diag_msg', [
  { name: 'family', type: 'u8' }, { name: 'type', type: 'u8' }, { name: 'protocol', type: 'u8' }, { name: 'state', type: 'u8' },
  { name: 'portid', type: 'u32' }, { name: 'dstPortid', type: 'u32' }, { name: 'dstGroup', type: 'u32' },
  { name: 'ino', type: 'u32' }, { name: 'cookie0', type: 'u32' }, { name: 'cookie1', type: 'u32' },
]);
/** Attribute set `netlink_diag_attrs` (linux/netlink_diag.h). */
export const netlinkDiagAttrs = attrSet('netlink_diag_attrs', {
  meminfo: { id: 0, type: 'array', item: 'u32' },
  groups: { id: 1, type: 'array', item: 'u32' },
  rxRing: { id: 2, type: 'binary' },
  txRing: { id: 3, type: 'binary' },
  flags: { id: 4, type: 'u32' },
});

/** A netlink socket, as `ss -A netlink` shows it. */
export interface NetlinkSocketInfo {
  protocol: number;
  portId: number;
  dstPortId: number;
  dstGroup: number;
  inode: number;
  /** Joined multicast groups (numbers). */
  groups: number[];
  flags?: number;
}

/** Lists netlink sockets of the namespace (like `ss -A netlink`). */
export async function listNetlinkSockets(opts: FamilyCallOptions = {}): Promise<NetlinkSocketInfo[]> {
  return withSocket(Protocol.SOCK_DIAG, opts, async (sock) => {
    const req = new Uint8Array(netlinkDiagReq.size);
    encodeStructInto(netlinkDiagReq, {
      family: AF_NETLINK, protocol: 255, // NDIAG_PROTO_ALL
      show: 0x2 | 0x8, // NDIAG_SHOW_GROUPS | NDIAG_SHOW_FLAGS
      cookie0: 0xffffffff, cookie1: 0xffffffff,
    }, dataView(req), 0);
    const r = await sock.dumpAll(new MessageBuilder(SOCK_DIAG_BY_FAMILY, 0, new RawBytes(req)), { operation: 'SOCK_DIAG_BY_FAMILY(netlink)' });
    return replies(r.messages, sockDiagMessages.netlink).map((m) => {
      const h = m.header as StructValue<typeof netlinkDiagMsg>;
      const a = (m.attrs ?? {}) as DecodedSet<typeof netlinkDiagAttrs>;
      const groups: number[] = [];
      (a.groups ?? []).forEach((w, i) => { for (let bit = 0; bit < 32; bit++) if (w & (1 << bit)) groups.push(i * 32 + bit + 1); });
      const out: NetlinkSocketInfo = { protocol: h.protocol, portId: h.portid, dstPortId: h.dstPortid, dstGroup: h.dstGroup, inode: h.ino, groups };
      if (a.flags !== undefined) out.flags = a.flags;
      return out;
    });
  });
}

// ---- packet sockets (packet_diag) -----------------------------------------------------------------

/** Struct `packet_diag_req` (linux/packet_diag.h), field by field. */
export const packetDiagReq = defineStruct('packet_diag_req', [
  { name: 'family', type: 'u8' }, { name: 'protocol', type: 'u8' }, { name: 'pad', type: 'pad', len: 2 },
  { name: 'ino', type: 'u32' }, { name: 'show', type: 'u32' }, { name: 'cookie0', type: 'u32' }, { name: 'cookie1', type: 'u32' },
]);
/** Struct `packet_diag_msg` (linux/packet_diag.h): `num` is the protocol (an ethertype) in host order. */
export const packetDiagMsg = defineStruct('packet_diag_msg', [
  { name: 'family', type: 'u8' }, { name: 'type', type: 'u8' }, { name: 'num', type: 'u16' },
  { name: 'ino', type: 'u32' }, { name: 'cookie0', type: 'u32' }, { name: 'cookie1', type: 'u32' },
]);
/** Struct `packet_diag_info` (linux/packet_diag.h), field by field. */
export const packetDiagInfo = defineStruct('packet_diag_info', [
  { name: 'index', type: 'u32' }, { name: 'version', type: 'u32' }, { name: 'reserve', type: 'u32' },
  { name: 'copyThresh', type: 'u32' }, { name: 'tstamp', type: 'u32' }, { name: 'flags', type: 'u32' },
]);
/** Struct `packet_diag_ring` (linux/packet_diag.h), field by field. */
export const packetDiagRing = defineStruct('packet_diag_ring', [
  { name: 'blockSize', type: 'u32' }, { name: 'blockNr', type: 'u32' }, { name: 'frameSize', type: 'u32' }, { name: 'frameNr', type: 'u32' },
  { name: 'retireTmo', type: 'u32' }, { name: 'sizeofPriv', type: 'u32' }, { name: 'features', type: 'u32' },
]);
/** Attribute set `packet_diag_attrs` (linux/packet_diag.h). */
export const packetDiagAttrs = attrSet('packet_diag_attrs', {
  info: { id: 0, type: 'struct', struct: packetDiagInfo },
  mclist: { id: 1, type: 'binary' },
  rxRing: { id: 2, type: 'struct', struct: packetDiagRing },
  txRing: { id: 3, type: 'struct', struct: packetDiagRing },
  fanout: { id: 4, type: 'u32' },
  uid: { id: 5, type: 'u32' },
  meminfo: { id: 6, type: 'array', item: 'u32' },
  filter: { id: 7, type: 'binary' },
});
/** What a packet_diag request asks the kernel to include (PACKET_SHOW_* bits). */
export const PACKET_SHOW = { INFO: 0x1, MCLIST: 0x2, RING_CFG: 0x4, FANOUT: 0x8, MEMINFO: 0x10, FILTER: 0x20 } as const;
/** PDI_* bits of packet_diag_info.flags. */
export const PDI = { RUNNING: 0x1, AUXDATA: 0x2, ORIGDEV: 0x4, VNETHDR: 0x8, LOSS: 0x10 } as const;
const PACKET_TYPES: Record<number, 'raw' | 'dgram'> = { 3: 'raw', 2: 'dgram' };

/** A packet socket (AF_PACKET), as `ss -0` shows it. */
export interface PacketSocket {
  type: 'raw' | 'dgram' | string;
  /** The protocol it receives (an ethertype: 3 is ETH_P_ALL, 0x0800 IPv4), 0 for none yet. */
  protocol: number;
  inode: number;
  cookie: bigint;
  /** Bound interface, 0 for any. */
  ifindex?: number;
  /** TPACKET version (0 for TPACKET_V1). */
  version?: number;
  copyThresh?: number;
  /** PDI_* bits (PDI.RUNNING: bound and receiving). */
  flags?: number;
  uid?: number;
  fanout?: number;
  rxRing?: StructValue<typeof packetDiagRing>;
  txRing?: StructValue<typeof packetDiagRing>;
}

/** The packet_diag dump request, asking for the details `ss -0 -e` shows. */
export function packetDiagRequest(): MessageBuilder {
  const header = new Uint8Array(packetDiagReq.size);
  encodeStructInto(packetDiagReq, {
    family: AF_PACKET, cookie0: 0xffffffff, cookie1: 0xffffffff,
    show: PACKET_SHOW.INFO | PACKET_SHOW.RING_CFG | PACKET_SHOW.FANOUT,
  }, dataView(header), 0);
  return new MessageBuilder(SOCK_DIAG_BY_FAMILY, 0, new RawBytes(header));
}

function packetSocketOf(h: StructValue<typeof packetDiagMsg>, a: DecodedSet<typeof packetDiagAttrs>): PacketSocket {
  const s: PacketSocket = { type: PACKET_TYPES[h.type] ?? String(h.type), protocol: h.num, inode: h.ino, cookie: (BigInt(h.cookie1) << 32n) | BigInt(h.cookie0) };
  if (a.info) { s.ifindex = a.info.index; s.version = a.info.version; s.copyThresh = a.info.copyThresh; s.flags = a.info.flags; }
  if (a.uid !== undefined) s.uid = a.uid;
  if (a.fanout !== undefined) s.fanout = a.fanout;
  if (a.rxRing) s.rxRing = a.rxRing;
  if (a.txRing) s.txRing = a.txRing;
  return s;
}

/** Lists packet sockets (like `ss -0 -a`). */
export async function listPacketSockets(opts: FamilyCallOptions = {}): Promise<PacketSocket[]> {
  return withSocket(Protocol.SOCK_DIAG, opts, async (sock) => {
    const r = await sock.dumpAll(packetDiagRequest(), { operation: 'SOCK_DIAG_BY_FAMILY(packet)', ...(opts.timeout ? { timeout: opts.timeout } : {}) });
    return replies(r.messages, sockDiagMessages.packet).map((m) => packetSocketOf(m.header as StructValue<typeof packetDiagMsg>, (m.attrs ?? {}) as DecodedSet<typeof packetDiagAttrs>));
  });
}

// ---- the declarations as a family ----------------------------------------------------------------

/** INET_DIAG_REQ_* attributes of a dump request (linux/inet_diag.h). */
export const inetDiagReqAttrs = attrSet('inet_diag_req_attrs', {
  bytecode: { id: 1, type: 'binary' },
  skBpfStorages: { id: 2, type: 'binary' },
  protocol: { id: 3, type: 'u32' },
});

const byFamily = <H extends StructDef, A extends AttrSet | undefined>(type: number, name: string, header: H, attrs: A, firstByte: number[], request: boolean): MessageDef<H, A> =>
  defineMessage({ name, type, header, attrs, when: { firstByte, request } });
/**
 * The sock_diag messages by the address family of their first byte: the replies (one message
 * per socket) and the requests. Each is a variant of SOCK_DIAG_BY_FAMILY (SOCK_DESTROY for
 * `destroy`), so decode() and the sockets pick it per message; columns of one take its rows only.
 */
export const sockDiagMessages = {
  inet: byFamily(SOCK_DIAG_BY_FAMILY, 'SOCK_DIAG_BY_FAMILY', inetDiagMsg, inetDiagAttrs, [AF_INET, AF_INET6], false),
  unix: byFamily(SOCK_DIAG_BY_FAMILY, 'SOCK_DIAG_BY_FAMILY', unixDiagMsg, unixDiagAttrs, [AF_UNIX], false),
  netlink: byFamily(SOCK_DIAG_BY_FAMILY, 'SOCK_DIAG_BY_FAMILY', netlinkDiagMsg, netlinkDiagAttrs, [AF_NETLINK], false),
  packet: byFamily(SOCK_DIAG_BY_FAMILY, 'SOCK_DIAG_BY_FAMILY', packetDiagMsg, packetDiagAttrs, [AF_PACKET], false),
  inetRequest: byFamily(SOCK_DIAG_BY_FAMILY, 'SOCK_DIAG_BY_FAMILY', inetDiagReqV2, inetDiagReqAttrs, [AF_INET, AF_INET6], true),
  unixRequest: byFamily(SOCK_DIAG_BY_FAMILY, 'SOCK_DIAG_BY_FAMILY', unixDiagReq, undefined, [AF_UNIX], true),
  netlinkRequest: byFamily(SOCK_DIAG_BY_FAMILY, 'SOCK_DIAG_BY_FAMILY', netlinkDiagReq, undefined, [AF_NETLINK], true),
  packetRequest: byFamily(SOCK_DIAG_BY_FAMILY, 'SOCK_DIAG_BY_FAMILY', packetDiagReq, undefined, [AF_PACKET], true),
  destroy: byFamily(SOCK_DESTROY, 'SOCK_DESTROY', inetDiagReqV2, inetDiagReqAttrs, [AF_INET, AF_INET6], true),
} as const;
const { destroy, ...byFamilyVariants } = sockDiagMessages;

/** The sock_diag declarations as one family (NETLINK_SOCK_DIAG): for decode(), views, columns and sockets. */
export const sockDiagFamily: MessageFamily = {
  name: 'sock_diag', protocol: Protocol.SOCK_DIAG,
  messages: [
    defineMessage({ name: 'SOCK_DIAG_BY_FAMILY', type: SOCK_DIAG_BY_FAMILY, header: undefined, attrs: undefined, variants: Object.values(byFamilyVariants) }),
    defineMessage({ name: 'SOCK_DESTROY', type: SOCK_DESTROY, header: undefined, attrs: undefined, variants: [destroy] }),
  ],
};
registerFamily(sockDiagFamily);
