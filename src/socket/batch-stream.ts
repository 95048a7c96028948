// A dump as a stream of batches, one per received datagram: the one backpressure loop behind the
// socket's view and column streams and the Rtnl streams.
import type { Encodable } from '../core/attr.js';
import type { WalkIndex } from '../walk/index.js';

/** Batches (datagrams) a stream holds ahead of its consumer before it stops reading. */
const HIGH_WATER = 8;

/** The options a batch stream passes on to the dump (its own signal stands in for `signal`). */
export interface BatchStreamOptions { signal?: AbortSignal; timeout?: number; operation?: string }

/** What a batch stream needs of a socket (NetlinkSocket has it). */
export interface BatchSource {
  dumpRaw(message: Encodable | Uint8Array, onChunk: (bytes: Uint8Array, index: WalkIndex) => void, opts: BatchStreamOptions): Promise<{ interrupted: boolean }>;
  holdReads(): () => void;
}

/**
 * Runs the dump `message` and yields `map(datagram, index)` for every datagram (a hand-off per
 * datagram, not per message); `map` runs while the datagram is valid. With a few batches waiting,
 * reading stops until the consumer takes them (the kernel keeps the rest of the dump), so memory
 * stays flat however slow the consumer is. Stopping early ends the dump. `onEnd` is told whether
 * the kernel flagged the dump interrupted, before the generator finishes (it may throw).
 */
export async function* batchStream<B>(
  socket: BatchSource, message: Encodable | Uint8Array, map: (chunk: Uint8Array, index: WalkIndex) => B,
  opts: BatchStreamOptions, onEnd: (interrupted: boolean) => void,
): AsyncGenerator<B, void, undefined> {
  const batches: B[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let interrupted = false;
  let failure: unknown;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) stop.abort(opts.signal.reason);
  let release: (() => void) | undefined;
  const done = socket.dumpRaw(message, (chunk, index) => {
    batches.push(map(chunk, index));
    if (batches.length >= HIGH_WATER && release === undefined) release = socket.holdReads();
    wake?.();
  }, { ...opts, signal: stop.signal })
    .then((r) => { interrupted = r.interrupted; finished = true; wake?.(); }, (e: unknown) => { failure = e; finished = true; wake?.(); });
  try {
    for (;;) {
      const batch = batches.shift();
      if (release !== undefined && batches.length < HIGH_WATER / 2) { release(); release = undefined; }
      if (batch !== undefined) { yield batch; continue; }
      if (finished) break;
      await new Promise<void>((r) => { wake = r; });
      wake = undefined;
    }
    await done;
    if (failure !== undefined) throw failure;
    onEnd(interrupted);
  } finally {
    release?.();
    opts.signal?.removeEventListener('abort', onAbort);
    if (!finished) stop.abort(); // the consumer stopped early: end the dump
  }
}
