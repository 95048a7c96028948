// Compiled decoders == the interpreter: for every declared attribute set of the built-in families,
// on generated attribute areas (declared types with payloads of every size, unknown types, nests
// of random bytes) and on real captures, both give equal values or the same DecodeError, and
// both re-encode to the same bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deepStrictEqual } from 'node:assert';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { DecodeError } from '../src/core/errors.js';
import { AttributeBuilder } from '../src/core/attr.js';
import { dataView } from '../src/core/header.js';
import { decodeAttrsInterpreted, encodeAttrs, resolveSet } from '../src/schema/engine.js';
import { compiledSetDecoder, compiledDecodersActive, setCompiledDecoders } from '../src/schema/compile.js';
import { decodeAll, type MessageFamily } from '../src/schema/family.js';
import type { AttrDef, AttrSet, AttrSetRef } from '../src/schema/types.js';
import { attrSet, defineStruct } from '../src/schema/define.js';
import { decodeEach, decodeEachIndexed } from '../src/decode.js';
import { compileFamily } from '../src/schema/family.js';
import { createWalker } from '../src/walk/index.js';
import { rtnetlink } from '../src/families/route/index.js';
import { genericStatic } from '../src/families/genl/static.js';
import { nfnetlinkFamily } from '../src/families/netfilter/index.js';
import { xfrmFamily } from '../src/families/xfrm/index.js';
import { auditFamily } from '../src/families/audit/index.js';
import { readPcap } from '../src/pcap/pcap.js';

const CI = !!process.env.CI;
const RUNS = Number(process.env.NLWIRE_FUZZ_RUNS ?? (CI ? 12_000 : 1_500));

const families: MessageFamily[] = [rtnetlink, genericStatic, nfnetlinkFamily, xfrmFamily, auditFamily];

function collectSets(): AttrSet[] {
  const seen = new Set<AttrSet>();
  const visit = (ref: AttrSetRef | undefined): void => {
    if (!ref) return;
    const set = resolveSet(ref);
    if (seen.has(set)) return;
    seen.add(set);
    for (const d of Object.values(set.attrs) as AttrDef[]) {
      if (d.type === 'nest') visit(d.set);
      else if (d.type === 'indexed-array' && typeof d.item !== 'string') visit(d.item);
      else if (d.type === 'sub-message') for (const f of Object.values(d.formats)) if (!('kind' in f && f.kind === 'struct')) visit(f as AttrSetRef);
    }
  };
  for (const f of families) for (const m of f.messages) visit(m.attrs);
  return [...seen];
}
const sets = collectSets();

type Outcome = { ok: true; value: unknown; bytes: Uint8Array } | { ok: false; error: string };
function run(fn: () => Record<string, unknown>, set: AttrSet): Outcome {
  try {
    const value = fn();
    const e = encodeAttrs(set, value);
    const bytes = new Uint8Array(e.byteLength());
    e.encodeInto(dataView(bytes), 0);
    return { ok: true, value, bytes };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { ok: false, error: `${e.reason} @${e.offset}: ${e.message}` };
  }
}

function compare(set: AttrSet, bytes: Uint8Array): void {
  try { compareOnce(set, bytes); } catch (e) {
    const msg = `${set.name} on ${Buffer.from(bytes).toString("hex")}: ${(e as Error).message}`;
    if (process.env.NLWIRE_DEBUG) console.error(msg);
    throw new Error(msg);
  }
}
function compareOnce(set: AttrSet, bytes: Uint8Array): void {
  const v = dataView(bytes);
  const compiled = run(() => compiledSetDecoder(set)(bytes, v, 0, bytes.length, undefined, 0), set);
  const interpreted = run(() => decodeAttrsInterpreted(set, bytes) as Record<string, unknown>, set);
  deepStrictEqual(compiled.ok, interpreted.ok, `${set.name}: ${JSON.stringify(compiled.ok ? 'ok' : compiled)} vs ${JSON.stringify(interpreted.ok ? 'ok' : interpreted)}`);
  if (compiled.ok && interpreted.ok) {
    deepStrictEqual(compiled.value, interpreted.value, `${set.name}: values differ`);
    deepStrictEqual(compiled.bytes, interpreted.bytes, `${set.name}: re-encoded bytes differ`);
  } else if (!compiled.ok && !interpreted.ok) {
    assert.is(compiled.error, interpreted.error, set.name);
  }
}

// An attribute area: declared ids (with and without NLA_F_NESTED / NET_BYTEORDER), unknown ids,
// payloads of sizes around every declared size, and nests of random attributes.
function areaArb(set: AttrSet): fc.Arbitrary<Uint8Array> {
  const ids = (Object.values(set.attrs) as AttrDef[]).map((d) => d.id);
  const type = fc.oneof(fc.constantFrom(...(ids.length ? ids : [1])), fc.integer({ min: 0, max: 300 }));
  const flags = fc.constantFrom(0, 0, 0, 0x8000, 0x4000);
  const payload = fc.oneof(
    fc.uint8Array({ maxLength: 20 }),
    fc.constantFrom(0, 1, 2, 4, 8, 16).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
    fc.string({ maxLength: 10 }).map((s) => new TextEncoder().encode(s + '\0')),
  );
  const leaf = fc.tuple(type, flags, payload);
  const nested = fc.tuple(type, fc.array(leaf, { maxLength: 4 }));
  const item = fc.oneof(leaf.map((x) => ({ leaf: x })), nested.map((x) => ({ nest: x })));
  return fc.array(item, { maxLength: 8 }).map((items) => {
    const b = new AttributeBuilder();
    for (const it of items) {
      if ('leaf' in it) { const [t, f, p] = it.leaf; b.bytes(t | f, p); }
      else {
        const [t, kids] = it.nest;
        b.nested(t, (c) => { for (const [kt, kf, kp] of kids) c.bytes(kt | kf, kp); }, true);
      }
    }
    return b.toBytes();
  });
}

test('compiled decoders are active here (code generation allowed)', () => {
  assert.ok(compiledDecodersActive());
  assert.ok(sets.length > 100, `${sets.length} declared sets`);
});

test('every declared set: compiled == interpreted on generated attribute areas', () => {
  const per = Math.max(10, Math.floor((RUNS * 4) / sets.length));
  for (const set of sets) {
    fc.assert(fc.property(areaArb(set), (bytes) => compare(set, bytes)), { numRuns: per });
  }
});

test('a sub-message selector that names an inherited property ("__proto__", "constructor") picks no format: DecodeError or raw, never a crash', () => {
  for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    const b = new AttributeBuilder();
    b.nested(5, () => {}, true);
    for (const t of [1, 4]) b.bytes(t, new TextEncoder().encode(`${word}\0`));
    b.nested(2, () => {}, true);
    const bytes = b.toBytes();
    for (const set of sets) compare(set, bytes);
  }
});

test('every declared set: compiled == interpreted on truncated and mutated areas', () => {
  const per = Math.max(5, Math.floor(RUNS / sets.length));
  for (const set of sets) {
    fc.assert(fc.property(areaArb(set), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), (bytes, cut, flips) => {
      const b = bytes.slice(0, cut % (bytes.length + 1));
      for (const [i, x] of flips) if (b.length) b[i % b.length] = x;
      compare(set, b);
    }), { numRuns: per });
  }
});

const corpus: Uint8Array[] = readdirSync('test/fixtures/corpus').filter((f) => f.endsWith('.pcap'))
  .flatMap((f) => readPcap(new Uint8Array(readFileSync(`test/fixtures/corpus/${f}`))).records.map((r) => r.data.slice()));

function decodeBoth(b: Uint8Array): [unknown, unknown] {
  const outcome = (): unknown => {
    try { return decodeAll(rtnetlink, b); } catch (e) {
      if (e instanceof DecodeError) return `${e.reason} @${e.offset}: ${e.message}`;
      throw e;
    }
  };
  setCompiledDecoders(true);
  const c = outcome();
  setCompiledDecoders(false);
  try { return [c, outcome()]; } finally { setCompiledDecoders(true); }
}

test('real captures decode the same compiled and interpreted, also mutated', () => {
  assert.ok(corpus.length > 10);
  for (const b of corpus) {
    const [c, i] = decodeBoth(b);
    deepStrictEqual(c, i);
  }
  fc.assert(fc.property(fc.constantFrom(...corpus), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (orig, flips) => {
    const b = orig.slice();
    for (const [i, x] of flips) if (b.length > 16) b[16 + (i % (b.length - 16))] = x;
    const [c, i] = decodeBoth(b);
    deepStrictEqual(c, i);
  }), { numRuns: RUNS });
});

// The readers compiled decoders share (small bigints, arrays, uint/sint, MAC text, short strings)
// and the shaped decoders learned for a repeated sequence of attributes, around every edge value:
// each sequence is decoded many times (so the shaped decoder serves it), with values and sizes
// that make it hand the set back.
const edgeStruct = defineStruct('test_edge', [
  { name: 'a', type: 'u64' }, { name: 'b', type: 's64' }, { name: 'c', type: 'u64', byteOrder: 'big-endian' },
  { name: 'd', type: 's64', byteOrder: 'big-endian' }, { name: 'm', type: 'mac', len: 6 }, { name: 'pad', type: 'pad', len: 2 },
]);
const edgeSet = attrSet('test-edges', {
  u64: { id: 1, type: 'u64' }, s64: { id: 2, type: 's64' }, be64: { id: 3, type: 'u64', byteOrder: 'big-endian' },
  uint: { id: 4, type: 'uint' }, sint: { id: 5, type: 'sint' },
  au8: { id: 6, type: 'array', item: 'u8' }, as16: { id: 7, type: 'array', item: 's16' }, au32: { id: 8, type: 'array', item: 'u32' },
  as32: { id: 9, type: 'array', item: 's32' }, au64: { id: 10, type: 'array', item: 'u64' }, as64: { id: 11, type: 'array', item: 's64' },
  auint: { id: 12, type: 'array', item: 'uint' }, mac: { id: 13, type: 'mac' }, name: { id: 14, type: 'string' },
  st: { id: 15, type: 'struct', struct: edgeStruct }, be32: { id: 16, type: 'u32', byteOrder: 'big-endian' },
  inner: { id: 17, type: 'nest', set: attrSet('test-edges-inner', { x: { id: 1, type: 'u64' }, a: { id: 2, type: 'array', item: 'u64' }, c: { id: 3, type: 'u8' } }) },
});
const EDGE64 = [0n, 1n, 1023n, 1024n, 0xffffffffn, 0x100000000n, 0x1000003ffn, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n, (1n << 64n) - 1024n];

test('compiled readers and shaped decoders == interpreted at the edges (small bigints, arrays, uint/sint, MAC, strings)', () => {
  let seed = 12345;
  const rnd = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
  const u64 = (x: bigint, le = true): Uint8Array => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, x, le); return b; };
  const edge = (): bigint => EDGE64[rnd(EDGE64.length)]!;
  const arr = (size: number, n: number): Uint8Array => {
    const b = new Uint8Array(size * n);
    for (let i = 0; i < b.length; i += size) b.set(u64(edge()).subarray(0, size), i);
    return b;
  };
  const keys = Object.keys(edgeSet.attrs) as Array<keyof typeof edgeSet.attrs>;
  const payload = (key: string, odd: boolean): Uint8Array => {
    if (odd && rnd(3) === 0) return new Uint8Array(rnd(12)); // a size the type may refuse
    switch (key) {
      case 'u64': case 's64': return u64(edge());
      case 'be64': return u64(edge(), false);
      case 'uint': case 'sint': return rnd(2) ? u64(edge()) : u64(edge()).subarray(0, 4);
      case 'au8': return arr(1, rnd(9));
      case 'as16': return arr(2, rnd(9));
      case 'au32': case 'as32': return arr(4, rnd(9));
      case 'au64': case 'as64': case 'auint': return arr(8, rnd(9));
      case 'mac': return Uint8Array.from({ length: [6, 6, 6, 0, 8, 20][rnd(6)]! }, () => [0, 0xff, rnd(256)][rnd(3)]!);
      case 'name': return new TextEncoder().encode(['noop', 'veth', 'a-name-of-13c', 'a-longer-name-of-20c', 'ünï'][rnd(5)]! + '\0');
      case 'st': return Uint8Array.from([...u64(edge()), ...u64(edge()), ...u64(edge(), false), ...u64(edge(), false), 2, 0, 0, 0, 0, rnd(256), 0, 0]);
      case 'be32': return u64(edge()).subarray(0, 4);
      default: return new Uint8Array(0);
    }
  };
  for (let shape = 0; shape < 60; shape++) {
    const seq = Array.from({ length: 1 + rnd(8) }, () => keys[rnd(keys.length)]!).filter((k, i, a) => a.indexOf(k) === i);
    const flags = seq.map(() => (rnd(6) === 0 ? 0x4000 : 0));
    for (let round = 0; round < 40; round++) {
      const b = new AttributeBuilder();
      seq.forEach((k, i) => {
        const id = edgeSet.attrs[k].id;
        if (k === 'inner' && round > 20 && rnd(3) === 0) {
          // its last attribute (a u8) not padded: the nest's bytes are kept as received
          const inner = Uint8Array.from([12, 0, 1, 0, ...u64(edge()), 5, 0, 3, 0, rnd(256)]);
          b.bytes(id | (rnd(2) ? 0x8000 : 0), inner);
        } else if (k === 'inner') b.nested(id, (c) => { c.bytes(1, u64(edge())); c.bytes(2, arr(8, rnd(4))); if (rnd(2)) c.bytes(3, Uint8Array.of(rnd(256))); }, rnd(2) === 0);
        else b.bytes(id | flags[i]!, payload(k, round > 20));
      });
      compare(edgeSet, b.toBytes());
    }
  }
});

test('decodeEachIndexed (the socket\'s walker index) == decodeEach (walks again), faults past the chunk left out', () => {
  const collect = (f: (each: (d: unknown, h: unknown, a: unknown, t: number, fl: number) => void) => void): unknown[] => {
    const out: unknown[] = [];
    f((d, h, a, t, fl) => out.push([(d as { name: string }).name, h, a, t, fl]));
    return out;
  };
  const headerSizes = compileFamily(rtnetlink).headerSizes;
  for (const engine of ['wasm', 'js'] as const) {
    const walker = createWalker({ headerSizes, engine });
    for (const b of corpus) {
      let want: unknown;
      try { want = collect((e) => decodeEach(b, { family: rtnetlink }, e)); } catch (e) { want = String(e); }
      let got: unknown;
      try { got = collect((e) => decodeEachIndexed(b, walker.walk(b), { family: rtnetlink }, e)); } catch (e) { got = String(e); }
      deepStrictEqual(got, want);
      // a chunk that ends before a faulty tail (as a dump's datagram ends at its DONE)
      const bad = new Uint8Array(b.length + 16);
      bad.set(b);
      new DataView(bad.buffer).setUint32(b.length, 3, true);
      let cut: unknown;
      try { cut = collect((e) => decodeEachIndexed(b, walker.walk(bad), { family: rtnetlink }, e)); } catch (e) { cut = String(e); }
      deepStrictEqual(cut, want);
    }
  }
});

test.run();
