// Small helpers shared by the non-route family modules (diag, netfilter, xfrm, audit, ...).
import type { ProtocolName } from '../../core/constants.js';
import type { DecodedMessage, MessageFamily } from '../../schema/family.js';
import type { NetlinkSocket, NetlinkSocketOptions } from '../../socket/netlink-socket.js';

/** Where a family call runs: an open socket of the right protocol, or a namespace to open one in. */
export interface FamilyCallOptions {
  /** Network namespace name (ip netns), path or fd; ignored when `socket` is given. */
  netns?: string | number;
  /** An open socket of the family's protocol to reuse (it is not closed). */
  socket?: NetlinkSocket;
  /** Request timeout in ms. */
  timeout?: number;
}

/** Runs `fn` with `opts.socket`, or with a socket opened (and closed) for the call. */
export async function withSocket<T>(
  protocol: ProtocolName | number, opts: FamilyCallOptions, fn: (s: NetlinkSocket) => Promise<T>, family?: MessageFamily,
): Promise<T> {
  if (opts.socket) return fn(opts.socket);
  const s = await openSocket({
    protocol, ...(opts.netns !== undefined ? { netns: opts.netns } : {}), ...(family ? { family } : {}),
    ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
  });
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

/** The raw payload (after the nlmsghdr) of an undeclared data message. */
export function rawPayload(m: DecodedMessage): Uint8Array | undefined {
  return m.kind === 'data' ? m.payload : undefined;
}

type SocketOpener = (o: NetlinkSocketOptions) => NetlinkSocket;
let socketOpener: SocketOpener | undefined;

/**
 * The socket module registers itself here when it loads. The family modules never import it:
 * they are part of the codec too ('nlwire/codec', browser-safe), which must not pull in the addon.
 */
export function registerSocketOpener(open: SocketOpener): void {
  socketOpener = open;
}

/** Opens a socket through the registered socket module ('nlwire' registers it). */
export async function openSocket(o: NetlinkSocketOptions): Promise<NetlinkSocket> {
  if (!socketOpener) {
    // Loaded from the sources without the socket module: load it now. The specifier is computed
    // so that bundlers of the codec do not follow it into Node-only code.
    const socketModule = new URL('../../socket/netlink-socket.js', import.meta.url).href;
    try { await import(socketModule); } catch { /* reported below */ }
  }
  if (!socketOpener) throw new Error("nlwire: sockets are not available from 'nlwire/codec'; import from 'nlwire'");
  return socketOpener(o);
}
