// decodeAsync(): the messages and errors of decode(), in slices between which the event loop runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { DecodeError } from '../src/core/errors.js';
import { decode, decodeAsync } from '../src/decode.js';
import { buildMessage } from '../src/schema/family.js';
import { rtnetlinkMessages as M } from '../src/families/route/index.js';
import { readPcap } from '../src/pcap/pcap.js';

const CI = !!process.env.CI;
const RUNS = Math.ceil(Number(process.env.NLWIRE_FUZZ_RUNS ?? (CI ? 12_000 : 1_500)) / 10);

const corpus: Uint8Array[] = readdirSync('test/fixtures/corpus').filter((f) => f.endsWith('.pcap'))
  .flatMap((f) => readPcap(new Uint8Array(readFileSync(`test/fixtures/corpus/${f}`))).records.map((r) => r.data.slice()));

/** `n` routes, as a dump of a large table has them, in one buffer. */
function routes(n: number): Uint8Array {
  const one = (i: number): Uint8Array => buildMessage(M.RTM_NEWROUTE, {
    flags: 2, seq: 1,
    header: { family: 2, dstLen: 24, table: 254, protocol: 186, scope: 0, type: 1, flags: 0 },
    attrs: { table: 254, dst: `${11 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0`, gateway: '10.255.0.2', oif: 2 },
  }).toBytes();
  const first = one(0);
  const out = new Uint8Array(first.length * n);
  for (let i = 0; i < n; i++) out.set(i === 0 ? first : one(i), i * first.length);
  return out;
}

async function outcome(f: () => unknown): Promise<unknown> {
  try {
    return JSON.parse(JSON.stringify(await f(), (_, x) => (typeof x === 'bigint' ? `${x}n` : x)));
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return `${e.reason} @${e.offset}`;
  }
}

test('decodeAsync() gives what decode() gives: the corpus, a large dump, hostile bytes (DecodeError reason and offset)', async () => {
  for (const b of corpus) deepStrictEqual(await outcome(() => decodeAsync(b)), await outcome(() => decode(b)));
  const big = routes(40_000);
  const [a, s] = [await decodeAsync(big), decode(big)];
  assert.is(a.length, 40_000);
  deepStrictEqual(a, s);
  // a fault far into a large buffer: found at the same offset, after slices decoded fine
  const bad = big.slice();
  const at = 30_000 * (big.length / 40_000);
  bad[at] = 3; bad[at + 1] = 0; bad[at + 2] = 0; bad[at + 3] = 0; // nlmsg_len 3
  assert.is(await outcome(() => decodeAsync(bad)), await outcome(() => decode(bad)));
  assert.match(String(await outcome(() => decodeAsync(bad))), new RegExp(`@${at}$`));
  await fc.assert(fc.asyncProperty(fc.constantFrom(...corpus), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), async (orig, flips, cut) => {
    const b = orig.slice(0, cut % (orig.length + 1) || orig.length);
    for (const [i, x] of flips) if (b.length) b[i % b.length] = x;
    deepStrictEqual(await outcome(() => decodeAsync(b)), await outcome(() => decode(b)));
  }), { numRuns: RUNS });
});

test('decodeAsync() lets the event loop run while it decodes a large buffer', async () => {
  const big = routes(200_000); // ~12 MB: many slices of ~4 ms on any machine
  let turns = 0;
  let done = false;
  const tick = (): void => { if (!done) { turns++; setImmediate(tick); } };
  setImmediate(tick);
  const m = await decodeAsync(big);
  done = true;
  assert.is(m.length, 200_000);
  assert.ok(turns >= 3, `the loop ran ${turns} times while decoding`);
  // decode() itself holds the loop until it is done
  turns = 0; done = false;
  setImmediate(tick);
  decode(big);
  assert.is(turns, 0);
  done = true;
});

test.run();
