// Small helpers shared by the non-route family modules (diag, netfilter, xfrm, audit, ...).
import type { ProtocolName } from '../../core/constants.js';
import type { MessageFamily } from '../../schema/family.js';
import type { NetlinkSocket, NetlinkSocketOptions } from '../../socket/netlink-socket.js';

/**
 * Opens a socket for a family call: the transport seam. The default opens a kernel socket
 * (NetlinkSocket.open); tests pass one that returns a socket over a fake kernel.
 */
export type SocketFactory = (o: NetlinkSocketOptions) => NetlinkSocket | Promise<NetlinkSocket>;

/** Where a family call runs: an open socket of the right protocol, a factory, or a namespace to open one in. */
export interface FamilyCallOptions {
  /** Network namespace name (ip netns), path or fd; ignored when `socket` is given. */
  netns?: string | number;
  /** An open socket of the family's protocol to reuse (it is not closed). */
  socket?: NetlinkSocket;
  /** How to open the socket for this call (default: the kernel's, see setDefaultSocketFactory). */
  socketFactory?: SocketFactory;
  /** Request timeout in ms. */
  timeout?: number;
}

/** Runs `fn` with `opts.socket`, or with a socket opened (and closed) for the call. */
export async function withSocket<T>(
  protocol: ProtocolName | number, opts: FamilyCallOptions, fn: (s: NetlinkSocket) => Promise<T>, family?: MessageFamily,
): Promise<T> {
  if (opts.socket) return fn(opts.socket);
  const o: NetlinkSocketOptions = {
    protocol, ...(opts.netns !== undefined ? { netns: opts.netns } : {}), ...(family ? { family } : {}),
    ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
  };
  const s = await (opts.socketFactory ?? defaultFactory)(o);
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

let defaultOpener: SocketFactory | undefined;

/**
 * Sets the factory family calls use when given neither `socket` nor `socketFactory`. The 'nlwire'
 * entry sets NetlinkSocket.open. Family modules never import the socket module themselves: they
 * are part of the codec too ('nlwire/codec', browser-safe), which must not pull in the addon.
 */
export function setDefaultSocketFactory(factory: SocketFactory): void {
  defaultOpener = factory;
}

/** Opens a socket with the default factory. */
export function openSocket(o: NetlinkSocketOptions): Promise<NetlinkSocket> {
  return Promise.resolve(defaultFactory(o));
}

async function defaultFactory(o: NetlinkSocketOptions): Promise<NetlinkSocket> {
  if (!defaultOpener) {
    // Loaded from the sources without the 'nlwire' entry: load the socket module now. The
    // specifier is computed so that bundlers of the codec do not follow it into Node-only code.
    const socketModule = new URL('../../socket/netlink-socket.js', import.meta.url).href;
    try {
      const m = (await import(socketModule)) as { NetlinkSocket: { open(o: NetlinkSocketOptions): NetlinkSocket } };
      defaultOpener ??= (x) => m.NetlinkSocket.open(x);
    } catch { /* reported below */ }
  }
  if (!defaultOpener) throw new Error("nlwire: sockets are not available from 'nlwire/codec'; import from 'nlwire'");
  return defaultOpener(o);
}
