// Many small batches on one socket (issue 11: the CLI's `route flush` sends batches of a few
// KiB): time and bytes allocated per batch() call, on the fake kernel (no syscalls, so what is
// measured is the socket's own work).
//
//   node --expose-gc --import tsx bench/batch-small.ts [--batches 10000] [--items 3] [--runs 5]
//
// Reported: the median time per batch, the garbage collections (count and pause time) the runs
// caused, and, in a separate pass with --count-bytes (it slows everything down, so it is not
// timed), the bytes of every `new Uint8Array` made per batch: arenas, datagram copies, replies.
import { PerformanceObserver } from 'node:perf_hooks';
import { MessageBuilder } from '../src/core/message.js';
import { RawBytes } from '../src/core/attr.js';
import { fakeSocket } from '../src/testing/index.js';
import type { MessageFamily } from '../src/schema/family.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : dflt;
}
const batches = arg('batches', 10_000);
const items = arg('items', 3);
const runs = arg('runs', 5);
const RAW: MessageFamily = { name: 'raw', protocol: 0, messages: [] };
const gc = (globalThis as { gc?: () => void }).gc;
const countBytes = process.argv.includes('--count-bytes');
let newBytes = 0;
if (countBytes) {
  // Every `new Uint8Array(...)` in the modules resolves the global at call time.
  const Base = Uint8Array;
  class Counted extends Base {
    constructor(...args: unknown[]) {
      super(...(args as [number]));
      if (new.target === Counted) newBytes += this.byteLength;
    }
  }
  (globalThis as { Uint8Array: unknown }).Uint8Array = Counted;
}
let gcCount = 0;
let gcMs = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) { gcCount++; gcMs += e.duration; } }).observe({ entryTypes: ['gc'] });

const { socket } = fakeSocket(() => [], { family: RAW });
const message = (i: number): MessageBuilder => new MessageBuilder(24, 0, new RawBytes(new Uint8Array(48).fill(i & 255)));

async function once(): Promise<number> {
  gc?.();
  const t0 = process.hrtime.bigint();
  for (let b = 0; b < batches; b++) {
    const r = await socket.batch(Array.from({ length: items }, (_, i) => message(i)), { onError: 'continue' });
    if (r.ok !== items) throw new Error(`batch ${b}: ${r.ok} of ${items} ok`);
  }
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

await once(); // warm-up
if (countBytes) {
  newBytes = 0;
  await once();
  socket.close();
  console.log(JSON.stringify({ batches, items, uint8ArrayBytesPerBatch: Math.round(newBytes / batches) }));
} else {
  await new Promise((r) => setTimeout(r, 10));
  gcCount = 0;
  gcMs = 0;
  const times: number[] = [];
  for (let r = 0; r < runs; r++) times.push(await once());
  await new Promise((r) => setTimeout(r, 10)); // the observer reports asynchronously
  socket.close();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(JSON.stringify({
    batches, items, runs,
    medianMs: +median.toFixed(1),
    usPerBatch: +((median * 1000) / batches).toFixed(2),
    gcPerRun: +(gcCount / runs).toFixed(1),
    gcMsPerRun: +(gcMs / runs).toFixed(1),
  }));
}
