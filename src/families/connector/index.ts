// The process events connector (NETLINK_CONNECTOR, CN_IDX_PROC): fork/exec/exit/... events.
// UAPI: linux/connector.h, linux/cn_proc.h. Works only in the initial network namespace, as root.
import { datagramStream } from '../../socket/datagram-stream.js';
import { NLMSG_DONE, NLMSG_HDRLEN, Protocol } from '../../core/constants.js';
import { dataView } from '../../core/header.js';
import { NetlinkSocket } from '../../socket/netlink-socket.js';

/** The proc connector's index (struct cb_id idx). */
export const CN_IDX_PROC = 1;
/** The proc connector's value (struct cb_id val). */
export const CN_VAL_PROC = 1;
/** Control operation: start sending process events to this socket. */
export const PROC_CN_MCAST_LISTEN = 1;
/** Control operation: stop sending process events. */
export const PROC_CN_MCAST_IGNORE = 2;
const CN_MSG_LEN = 20;

/** Process event types (enum proc_cn_event: PROC_EVENT_FORK, _EXEC, _EXIT, ...). */
export const PROC_EVENT = {
  NONE: 0, FORK: 0x1, EXEC: 0x2, UID: 0x4, GID: 0x40, SID: 0x80, PTRACE: 0x100, COMM: 0x200,
  NONZERO_EXIT: 0x20000000, COREDUMP: 0x40000000, EXIT: 0x80000000,
} as const;

interface Base { cpu: number; timestampNs: bigint }
/** A process event: fork, exec, uid/gid change, exit, ..., with the CPU and a timestamp. */
export type ProcEvent = Base & (
  | { type: 'ack'; err: number }
  | { type: 'fork'; parentPid: number; parentTgid: number; childPid: number; childTgid: number }
  | { type: 'exec'; pid: number; tgid: number }
  | { type: 'uid' | 'gid'; pid: number; tgid: number; real: number; effective: number }
  | { type: 'sid'; pid: number; tgid: number }
  | { type: 'ptrace'; pid: number; tgid: number; tracerPid: number; tracerTgid: number }
  | { type: 'comm'; pid: number; tgid: number; comm: string }
  | { type: 'coredump'; pid: number; tgid: number; parentPid: number; parentTgid: number }
  | { type: 'exit'; pid: number; tgid: number; exitCode: number; exitSignal: number; parentPid: number; parentTgid: number }
  | { type: 'unknown'; what: number }
);

/** The LISTEN / IGNORE request: nlmsghdr (type NLMSG_DONE) + cn_msg + the u32 op. */
export function procControlMessage(op: number, portId = 0): Uint8Array {
  const b = new Uint8Array(NLMSG_HDRLEN + CN_MSG_LEN + 4);
  const v = dataView(b);
  v.setUint32(0, b.length, true);
  v.setUint16(4, NLMSG_DONE, true);
  v.setUint32(12, portId, true);
  v.setUint32(16, CN_IDX_PROC, true);
  v.setUint32(20, CN_VAL_PROC, true);
  v.setUint16(32, 4, true); // cn_msg.len
  v.setUint32(36, op, true);
  return b;
}

/** Decodes one connector datagram's proc_event; undefined if it is not a proc event. */
export function decodeProcEvent(b: Uint8Array): ProcEvent | undefined {
  if (b.length < NLMSG_HDRLEN + CN_MSG_LEN + 16) return undefined;
  const v = dataView(b);
  if (v.getUint32(16, true) !== CN_IDX_PROC || v.getUint32(20, true) !== CN_VAL_PROC) return undefined;
  const p = NLMSG_HDRLEN + CN_MSG_LEN;
  const len = v.getUint16(32, true);
  const end = Math.min(b.length, p + len);
  const what = v.getUint32(p, true);
  const base: Base = { cpu: v.getUint32(p + 4, true), timestampNs: v.getBigUint64(p + 8, true) };
  const d = p + 16;
  const i32 = (k: number): number => (d + 4 * k + 4 <= end ? v.getInt32(d + 4 * k, true) : 0);
  const u32 = (k: number): number => (d + 4 * k + 4 <= end ? v.getUint32(d + 4 * k, true) : 0);
  switch (what) {
    case PROC_EVENT.NONE: return { ...base, type: 'ack', err: u32(0) };
    case PROC_EVENT.FORK: return { ...base, type: 'fork', parentPid: i32(0), parentTgid: i32(1), childPid: i32(2), childTgid: i32(3) };
    case PROC_EVENT.EXEC: return { ...base, type: 'exec', pid: i32(0), tgid: i32(1) };
    case PROC_EVENT.UID: case PROC_EVENT.GID:
      return { ...base, type: what === PROC_EVENT.UID ? 'uid' : 'gid', pid: i32(0), tgid: i32(1), real: u32(2), effective: u32(3) };
    case PROC_EVENT.SID: return { ...base, type: 'sid', pid: i32(0), tgid: i32(1) };
    case PROC_EVENT.PTRACE: return { ...base, type: 'ptrace', pid: i32(0), tgid: i32(1), tracerPid: i32(2), tracerTgid: i32(3) };
    case PROC_EVENT.COMM: {
      let e = d + 8;
      const stop = Math.min(end, d + 24);
      while (e < stop && b[e] !== 0) e++;
      return { ...base, type: 'comm', pid: i32(0), tgid: i32(1), comm: new TextDecoder().decode(b.subarray(d + 8, e)) };
    }
    case PROC_EVENT.COREDUMP: return { ...base, type: 'coredump', pid: i32(0), tgid: i32(1), parentPid: i32(2), parentTgid: i32(3) };
    case PROC_EVENT.EXIT: case PROC_EVENT.NONZERO_EXIT:
      return { ...base, type: 'exit', pid: i32(0), tgid: i32(1), exitCode: u32(2), exitSignal: u32(3), parentPid: i32(4), parentTgid: i32(5) };
    default: return { ...base, type: 'unknown', what };
  }
}

/** Options of {@link procEvents}. */
export interface ProcEventOptions {
  signal?: AbortSignal;
  receiveBufferSize?: number;
}

/**
 * Process events as an async iterator (like `forkstat`). Needs root in the initial network
 * namespace; open errors (EPERM, EPROTONOSUPPORT) are thrown from the first `next()`.
 */
export function procEvents(opts: ProcEventOptions = {}): AsyncIterableIterator<ProcEvent> {
  const sock = NetlinkSocket.open({ protocol: Protocol.CONNECTOR, groups: [CN_IDX_PROC], extendedAck: false, capAck: false, receiveBufferSize: opts.receiveBufferSize ?? 1 << 22 });
  try {
    sock.sendTo(procControlMessage(PROC_CN_MCAST_LISTEN, sock.portId));
  } catch (e) {
    sock.close();
    throw e;
  }
  return datagramStream(sock, (chunk) => {
    const ev = decodeProcEvent(chunk.bytes);
    return ev && ev.type !== 'ack' ? ev : undefined;
  }, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onStop: () => sock.sendTo(procControlMessage(PROC_CN_MCAST_IGNORE, sock.portId)),
  });
}

/** `forkstat`-like line. */
export function procEventText(e: ProcEvent): string {
  switch (e.type) {
    case 'fork': return `fork parent ${e.parentPid}/${e.parentTgid} child ${e.childPid}/${e.childTgid}`;
    case 'exec': return `exec ${e.pid}`;
    case 'exit': return `exit ${e.pid} code ${e.exitCode} signal ${e.exitSignal}`;
    case 'uid': case 'gid': return `${e.type} ${e.pid} real ${e.real} effective ${e.effective}`;
    case 'sid': return `sid ${e.pid}`;
    case 'ptrace': return `ptrace ${e.pid} tracer ${e.tracerPid}`;
    case 'comm': return `comm ${e.pid} ${e.comm}`;
    case 'coredump': return `coredump ${e.pid}`;
    case 'ack': return `ack ${e.err}`;
    case 'unknown': return `event 0x${e.what.toString(16)}`;
  }
}
