// An async iterator over a socket's datagrams, parsed one by one: for protocols whose messages
// are not (only) netlink messages, such as uevents and the proc connector.
import type { NetlinkSocket, RawChunk } from './netlink-socket.js';

/**
 * Iterates `parse(chunk)` for every datagram (undefined results are dropped). The socket belongs
 * to the stream: it is closed when iteration stops or `signal` aborts (after `onStop`).
 */
export function datagramStream<T>(
  sock: NetlinkSocket, parse: (chunk: RawChunk) => T | undefined, opts: { signal?: AbortSignal; onStop?: () => void } = {},
): AsyncIterableIterator<T> {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const off = sock.onRaw((chunk) => {
    const v = parse(chunk);
    if (v !== undefined) { queue.push(v); wake?.(); }
  });
  const stop = (): void => {
    if (done) return;
    done = true;
    off();
    try { opts.onStop?.(); } catch { /* closing anyway */ }
    sock.close();
    wake?.();
  };
  opts.signal?.addEventListener('abort', stop, { once: true });
  const it: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (queue.length) return { value: queue.shift()!, done: false };
        if (done) return { value: undefined, done: true };
        await new Promise<void>((r) => { wake = r; });
        wake = undefined;
      }
    },
    async return(): Promise<IteratorResult<T>> { stop(); return { value: undefined, done: true }; },
    [Symbol.asyncIterator]() { return it; },
  };
  return it;
}
