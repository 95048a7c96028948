// Kernel object uevents (NETLINK_KOBJECT_UEVENT, group 1): hotplug events as typed objects.
// The kernel sends text "ACTION@DEVPATH\0KEY=VALUE\0..."; udevd re-broadcasts with a binary
// "libudev" header from a user-space port id. Only kernel messages (sender port 0) are accepted.
import { datagramStream } from '../../socket/datagram-stream.js';
import { Protocol } from '../../core/constants.js';
import { NetlinkSocket, type RawChunk } from '../../socket/netlink-socket.js';

/** The multicast group the kernel sends uevents on (udev re-broadcasts on group 2). */
export const UEVENT_GROUP_KERNEL = 1;

/** A kernel uevent: action, device path, and every KEY=VALUE of its environment. */
export interface Uevent {
  /** 'add', 'remove', 'change', 'move', 'online', 'offline', 'bind', 'unbind'. */
  action: string;
  devpath: string;
  subsystem?: string;
  seqnum?: bigint;
  /** Every KEY=VALUE pair (ACTION, DEVPATH, SUBSYSTEM, SEQNUM, INTERFACE, IFINDEX...). */
  env: Record<string, string>;
}

/** Why a datagram is not a kernel uevent. */
export type UeventRejection = 'not-kernel' | 'libudev' | 'malformed';

const text = new TextDecoder('utf-8', { fatal: false });

/**
 * Parses a kernel uevent datagram. Returns a rejection reason for libudev-format messages and
 * malformed text; `senderPort` (when known) must be 0, the kernel.
 */
export function parseUevent(b: Uint8Array, senderPort = 0): Uevent | UeventRejection {
  if (senderPort !== 0) return 'not-kernel';
  if (b.length >= 8 && text.decode(b.subarray(0, 8)) === 'libudev\0') return 'libudev';
  const parts = text.decode(b).split('\0');
  const head = parts[0] ?? '';
  const at = head.indexOf('@');
  if (at <= 0) return 'malformed';
  const env: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq <= 0) return 'malformed';
    env[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const ev: Uevent = { action: env.ACTION ?? head.slice(0, at), devpath: env.DEVPATH ?? head.slice(at + 1), env };
  if (env.SUBSYSTEM !== undefined) ev.subsystem = env.SUBSYSTEM;
  if (env.SEQNUM !== undefined && /^\d+$/.test(env.SEQNUM)) ev.seqnum = BigInt(env.SEQNUM);
  return ev;
}

/** Builds the kernel text form of an event (for tests and fixtures). */
export function formatUevent(action: string, devpath: string, env: Record<string, string>): Uint8Array {
  const s = [`${action}@${devpath}`, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)].join('\0') + '\0';
  return new TextEncoder().encode(s);
}

/** Options of {@link uevents}: the namespace (uevents are per network namespace for net devices), cancellation, buffer size. */
export interface UeventOptions {
  netns?: string | number;
  signal?: AbortSignal;
  receiveBufferSize?: number;
  /** Called for datagrams that are dropped (libudev, malformed); for diagnostics. */
  onReject?: (reason: UeventRejection, chunk: RawChunk) => void;
}

/**
 * A stream of kernel uevents of a network namespace (device events of that namespace's net
 * devices, plus global ones in the initial namespace). Ends when iteration stops or the signal aborts.
 */
export function uevents(opts: UeventOptions = {}): AsyncIterableIterator<Uevent> {
  const sock = NetlinkSocket.open({
    protocol: Protocol.KOBJECT_UEVENT, groups: [UEVENT_GROUP_KERNEL], extendedAck: false, capAck: false, acceptNonKernel: true,
    ...(opts.netns !== undefined ? { netns: opts.netns } : {}), receiveBufferSize: opts.receiveBufferSize ?? 1 << 20,
  });
  return datagramStream(sock, (chunk) => {
    const ev = parseUevent(chunk.bytes, chunk.portId);
    if (typeof ev === 'string') { opts.onReject?.(ev, chunk); return undefined; }
    return ev;
  }, opts.signal ? { signal: opts.signal } : {});
}
