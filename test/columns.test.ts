// Columns from declarations: the WASM and JS extractors give identical tables (also on hostile
// bytes: the same DecodeError), and the columns equal the values the object decoders give.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deepStrictEqual } from 'node:assert';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { DecodeError } from '../src/core/errors.js';
import { ColumnExtractor, setGeneratedExtractors, type ColumnSpec, type ColumnTable } from '../src/schema/columns.js';
import { defineMessage, type MessageDef } from '../src/schema/family.js';
import { attrSet, defineStruct, fieldSize } from '../src/schema/define.js';
import { decode } from '../src/decode.js';
import { rtnetlinkMessages as M } from '../src/families/route/index.js';
import { ctMessages, ctnetlinkFamily } from '../src/families/netfilter/conntrack.js';
import { sockDiagMessages } from '../src/families/diag/index.js';
import { buildMessage } from '../src/schema/family.js';
import { resolveSet } from '../src/schema/engine.js';
import { formatIPv4, formatIPv6 } from '../src/core/addr.js';
import type { AttrSet } from '../src/schema/types.js';
import { readPcap } from '../src/pcap/pcap.js';

const CI = !!process.env.CI;
const RUNS = Number(process.env.NLWIRE_FUZZ_RUNS ?? (CI ? 12_000 : 1_500));

const routeFields = ['header.family', 'header.dstLen', 'header.table', 'header.protocol', 'header.scope', 'header.type', 'table', 'dst', 'gateway', 'oif', 'priority', 'prefsrc'];
const linkFields = ['header.index', 'header.flags', 'mtu', 'txqlen', 'master', 'operstate'];

const corpus: Uint8Array[] = readdirSync('test/fixtures/corpus').filter((f) => f.endsWith('.pcap'))
  .flatMap((f) => readPcap(new Uint8Array(readFileSync(`test/fixtures/corpus/${f}`))).records.map((r) => r.data.slice()));

function outcome(x: ColumnExtractor, b: Uint8Array): unknown {
  try {
    const t = x.extract(b);
    const cols: Record<string, Array<number | bigint | string>> = {};
    for (const [k, c] of Object.entries(t.columns)) cols[k] = Array.from(c);
    for (const [k, c] of Object.entries(t.bigColumns)) cols[k] = Array.from(c);
    for (const [k, c] of Object.entries(t.strings)) cols[k] = c.slice();
    return { count: t.count, cols, present: Array.from(t.present) };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return `${e.reason} @${e.offset}`;
  }
}

const specs = [{ message: M.RTM_NEWROUTE, fields: routeFields }, { message: M.RTM_NEWLINK, fields: linkFields }];
/** Link columns with string ones (which only a generated module or JS can hold). */
const textSpec = { message: M.RTM_NEWLINK, fields: [...linkFields, 'ifname', 'address', 'qdisc', 'linkinfo.kind'] };

/** The extractor with the shipped table-driven WASM module (the one used where compiling a generated module is refused). */
function tableDriven(spec: ColumnSpec): ColumnExtractor {
  setGeneratedExtractors(false);
  try { return new ColumnExtractor(spec, 'wasm'); } finally { setGeneratedExtractors(true); }
}

test('generated WASM, table-driven WASM and JS extractors agree on real captures, mutated and truncated', () => {
  for (const spec of specs) {
    const w = new ColumnExtractor(spec, 'wasm');
    const t = tableDriven(spec);
    const j = new ColumnExtractor(spec, 'js');
    assert.is(w.engine, 'wasm');
    assert.ok(w.generated);
    assert.is(t.generated, false);
    const agree = (b: Uint8Array): void => { const want = outcome(j, b); deepStrictEqual(outcome(w, b), want); deepStrictEqual(outcome(t, b), want); };
    for (const b of corpus) agree(b);
    fc.assert(fc.property(fc.constantFrom(...corpus), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(), (orig, flips, cut) => {
      const b = orig.slice(0, cut % (orig.length + 1) || orig.length);
      for (const [i, x] of flips) if (b.length) b[i % b.length] = x;
      agree(b);
    }), { numRuns: RUNS });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), agree), { numRuns: RUNS });
  }
});

// Every kind a column can hold, in the header and as attributes, with an attribute type past the
// generated extractor's br_table (it dispatches those through an if-chain).
const synthetic = defineMessage({
  name: 'SYNTHETIC', type: 0x77,
  header: defineStruct('synthetic-header', [
    { name: 'a', type: 'u8' }, { name: 'b', type: 's8' }, { name: 'c', type: 'u16' }, { name: 'd', type: 's16' }, { name: 'e', type: 'u32' },
    { name: 'f', type: 's32' }, { name: 'g', type: 'u16', byteOrder: 'big-endian' }, { name: 'h', type: 'u32', byteOrder: 'big-endian' },
    { name: 'gap', type: 'pad', len: 3 }, { name: 'v4', type: 'ipv4' }, { name: 'v6', type: 'ipv6' }, { name: 'big', type: 'u64' },
  ]),
  attrs: attrSet('synthetic', {
    u8: { id: 1, type: 'u8' }, s8: { id: 2, type: 's8' }, u16: { id: 3, type: 'u16' }, s16: { id: 4, type: 's16' }, u32: { id: 5, type: 'u32' },
    s32: { id: 6, type: 's32' }, be16: { id: 7, type: 'u16', byteOrder: 'big-endian' }, be32: { id: 8, type: 'u32', byteOrder: 'big-endian' },
    v4: { id: 9, type: 'ipv4' }, v6: { id: 10, type: 'ipv6' }, ip: { id: 11, type: 'ip' }, flag: { id: 12, type: 'flag' }, far: { id: 0x3001, type: 'u32' },
    name: { id: 13, type: 'string' }, hw: { id: 14, type: 'mac' }, farName: { id: 0x3002, type: 'string' },
  }),
});

/** The fields of a message that can be columns (header fields as header.NAME). */
function columnFields(m: MessageDef): string[] {
  const names = [...(m.header?.fields ?? []).map((f) => `header.${f.name}`), ...Object.keys(m.attrs?.attrs ?? {})];
  return names.filter((f) => { try { new ColumnExtractor({ message: m, fields: [f] }, 'js'); return true; } catch { return false; } });
}

/** Payload sizes an attribute of this declaration has when well formed (empty: any). */
function wellFormedSizes(type: string): number[] {
  switch (type) {
    case 'u8': case 's8': return [1];
    case 'u16': case 's16': return [2];
    case 'u32': case 's32': case 'ipv4': return [4];
    case 'ipv6': return [16];
    case 'ip': return [4, 16];
    case 'flag': return [0];
    default: return [];
  }
}

/** Either `rare` (one time in `odds`) or `usual`. */
const seldom = <T, U>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<U>, odds: number): fc.Arbitrary<T | U> =>
  fc.oneof({ arbitrary: usual, weight: odds - 1 }, { arbitrary: rare, weight: 1 });

/** Messages like the plan's: mostly its type, its attribute types and sizes; now and then not. */
const hostileMessages = (m: MessageDef): fc.Arbitrary<Uint8Array> => hostileNestedMessages(m, 0);

test('generated extractors equal the JS one on random plans over hostile route-, link- and synthetic messages (rows, DecodeError reason and offset)', () => {
  for (const message of [M.RTM_NEWROUTE, M.RTM_NEWLINK, synthetic] as MessageDef[]) {
    const all = columnFields(message);
    assert.ok(all.length >= 6, `${message.name}: ${all.length} column fields`);
    fc.assert(fc.property(fc.shuffledSubarray(all, { minLength: 1, maxLength: Math.min(32, all.length) }), fc.array(hostileMessages(message), { minLength: 1, maxLength: 8 }), (fields, inputs) => {
      const spec = { message, fields };
      const w = new ColumnExtractor(spec, 'wasm');
      const j = new ColumnExtractor(spec, 'js');
      assert.ok(w.generated);
      for (const b of inputs) deepStrictEqual(outcome(w, b), outcome(j, b));
    }), { numRuns: Math.ceil(RUNS / 3) });
  }
});

function ipv4(n: number): string { return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'); }

test('columns equal the object decoders on every route and link message of the corpus', () => {
  let rows = 0;
  for (const spec of specs) {
    const x = new ColumnExtractor(spec);
    for (const b of corpus) {
      let t: ColumnTable;
      try { t = x.extract(b); } catch { continue; }
      const msgs = decode(b).filter((m) => m.kind === 'data' && m.type === spec.message.type);
      assert.is(t.count, msgs.length);
      msgs.forEach((m, r) => {
        if (m.kind !== 'data') return;
        spec.fields.forEach((f, i) => {
          const present = (t.present[r]! >>> i) & 1;
          const value = f.startsWith('header.') ? m.header?.[f.slice(7)] : m.attrs?.[f];
          assert.is(!!present, value !== undefined, `${m.name} ${f} presence`);
          if (value === undefined) return;
          const c = t.columns[f]!;
          if (typeof value === 'string' && value.includes('.')) assert.is(c.length > t.count ? Array.from(c.subarray(r * 16, r * 16 + 4)).join('.') : ipv4(c[r]!), value, f);
          else if (typeof value === 'number') assert.is(c[r], value, f);
        });
        rows++;
      });
    }
  }
  assert.ok(rows > 20, `${rows} rows compared`);
});

test('the generated module for the default route columns is valid and small (browsers compile up to 4 KB synchronously)', async () => {
  const { extractorModuleBytes, KIND } = await import('../src/schema/columns-wasm.js');
  const plan = routeFields.map((name, i) => ({ name, source: 'attr' as const, at: i + 1, kind: KIND.u32, bit: 2 ** i, path: [], offset: 0, inStruct: false }));
  const bytes = extractorModuleBytes(M.RTM_NEWROUTE.type, 12, plan);
  assert.ok(WebAssembly.validate(bytes));
  assert.ok(bytes.length < 4096, `${bytes.length} bytes`);
  assert.ok(new ColumnExtractor({ message: M.RTM_NEWROUTE, fields: routeFields }).generated);
});

test('columns refuse fields that cannot be columns', () => {
  assert.throws(() => new ColumnExtractor({ message: M.RTM_NEWLINK, fields: ['wireless'] }), /a binary attribute cannot be a column/);
  assert.throws(() => new ColumnExtractor({ message: M.RTM_NEWROUTE, fields: ['nosuch'] }), /no attribute/);
});


test('the WASM collector (rows appended in its own memory) equals the JS one across growth and large chunks', () => {
  for (const spec of [...specs, textSpec]) {
    const rowsOf = (b: Uint8Array): number => { try { return new ColumnExtractor(spec, 'js').extract(b).count; } catch { return 0; } };
    const chunks = corpus.filter((b) => rowsOf(b) > 0);
    const w = new ColumnExtractor(spec, 'wasm').collector();
    const j = new ColumnExtractor(spec, 'js').collector();
    // many rounds of the corpus (well past the first layouts), then one chunk larger than the input area
    let rows = 0;
    while (rows < 12_000) for (const b of chunks) { w.add(b); j.add(b); rows += rowsOf(b); }
    const big = new Uint8Array(chunks.reduce((n, b) => n + b.length, 0) * 3);
    let at = 0;
    for (let r = 0; r < 3; r++) for (const b of chunks) { big.set(b, at); at += b.length; }
    w.add(big); j.add(big);
    const a = w.result(), b = j.result();
    assert.ok(a.count > 10_000, `rows ${a.count}`);
    assert.is(a.count, b.count);
    deepStrictEqual(Array.from(a.present), Array.from(b.present));
    for (const k of spec.fields) deepStrictEqual(Array.from(a.columns[k] ?? a.strings[k]!), Array.from(b.columns[k] ?? b.strings[k]!), k);
    if (spec === textSpec) assert.ok(a.strings['ifname']!.length === a.count && a.strings['ifname']!.includes('lo'));
    assert.throws(() => w.add(chunks[0]!), /after result/);
  }
});

test('a reusing collector equals a fresh one, round after round; a later one ends the earlier', () => {
  for (const engine of ['wasm', 'js'] as const) for (const spec of [specs[0]!, textSpec]) {
    const x = new ColumnExtractor(spec, engine);
    const chunks = corpus.filter((b) => { try { return x.extract(b).count > 0; } catch { return false; } });
    const plain = (t: ColumnTable): unknown => ({ count: t.count, present: Array.from(t.present), cols: spec.fields.map((k) => Array.from(t.columns[k] ?? t.strings[k]!)) });
    for (const rounds of [40, 3, 60, 1]) { // more, fewer, more rows than the memory kept from the round before
      const fresh = x.collector();
      const reused = x.collector({ reuse: true });
      for (let r = 0; r < rounds; r++) for (const b of chunks) { fresh.add(b); reused.add(b); }
      deepStrictEqual(plain(reused.result()), plain(fresh.result()));
    }
    const first = x.collector({ reuse: true });
    first.add(chunks[0]!);
    x.collector({ reuse: true });
    assert.throws(() => first.add(chunks[0]!), /took over/);
  }
});

test('view lists: one offset per message, views made when read, equal to decode() across buffers', async () => {
  const { decodeViews, appendViews } = await import('../src/decode.js');
  const chunks = corpus.filter((b) => { try { decode(b); return true; } catch { return false; } });
  const list = decodeViews(chunks[0]!);
  for (let i = 1; i < chunks.length; i++) appendViews(list, chunks[i]!);
  const objects = chunks.flatMap((b) => decode(b));
  assert.is(list.length, objects.length);
  let i = 0;
  for (const v of list) {
    const o = objects[i]!;
    assert.is(v.type, o.kind === 'data' ? o.type : o.nlmsg.type);
    deepStrictEqual(v.toMessage(), o);
    deepStrictEqual(list.at(i)!.toMessage(), o);
    i++;
  }
  deepStrictEqual(list.at(-1)!.toMessage(), objects.at(-1));
  assert.is(list.at(list.length), undefined);
  assert.is(list.at(-list.length - 1), undefined);
  assert.is(list.map((v) => v.offset).length, objects.length);
  assert.throws(() => decodeViews(new Uint8Array([20, 0, 0, 0, 16, 0])), (e: unknown) => e instanceof DecodeError);
});

// ---- nested paths, struct fields, 64-bit columns ------------------------------------------------

// Every 64-bit kind and both byte orders, two levels of nests (one with a fixed header of its
// own), a struct attribute, and a nest type past the br_table limit.
const innerSet = attrSet('synthetic-inner', {
  u64: { id: 1, type: 'u64' }, s64: { id: 2, type: 's64' }, be64: { id: 3, type: 'u64', byteOrder: 'big-endian' },
  sbe64: { id: 4, type: 's64', byteOrder: 'big-endian' }, uint: { id: 5, type: 'uint' }, sint: { id: 6, type: 'sint' },
  beUint: { id: 7, type: 'uint', byteOrder: 'big-endian' }, s16: { id: 8, type: 's16' }, s32: { id: 9, type: 's32' }, v4: { id: 10, type: 'ipv4' },
  label: { id: 11, type: 'string' },
});
const middleSet = attrSet('synthetic-middle', {
  inner: { id: 1, type: 'nest', set: innerSet }, u32: { id: 2, type: 'u32' }, ip: { id: 3, type: 'ip' },
  far: { id: 0x2001, type: 'nest', set: innerSet },
});
const counters = defineStruct('synthetic-counters', [
  { name: 'a', type: 'u32' }, { name: 'gap', type: 'pad', len: 4 }, { name: 'b', type: 'u64' }, { name: 'c', type: 'u64', byteOrder: 'big-endian' }, { name: 'd', type: 's16' },
]);
const nested = defineMessage({
  name: 'SYNTHETIC_NESTED', type: 0x78,
  header: defineStruct('synthetic-nested-header', [{ name: 'x', type: 'u32' }, { name: 'big', type: 'u64' }, { name: 'sbig', type: 's64', byteOrder: 'big-endian' }]),
  attrs: attrSet('synthetic-nested', {
    middle: { id: 1, type: 'nest', set: middleSet }, withHeader: { id: 2, type: 'nest', set: middleSet, header: defineStruct('synthetic-nest-header', [{ name: 'n', type: 'u32' }]) },
    counters: { id: 3, type: 'struct', struct: counters }, top64: { id: 4, type: 'u64' }, flag: { id: 5, type: 'flag' },
    // a sub-message chosen by a string beside it (IFLA_INFO_DATA by IFLA_INFO_KIND), the string after it or before
    kind: { id: 6, type: 'string' }, data: { id: 7, type: 'sub-message', selector: 'kind', formats: { alpha: innerSet, beta: middleSet, b: innerSet } },
    // chosen by an integer beside it (RTA_ENCAP by RTA_ENCAP_TYPE), and by a family-header field (IFLA_PROTINFO by ifi_family)
    num: { id: 8, type: 'u16' }, byNum: { id: 9, type: 'sub-message', selector: 'num', formats: { 3: innerSet, 770: middleSet } },
    byHeader: { id: 10, type: 'sub-message', selector: 'x', selectorIn: 'header', formats: { 1: innerSet, 2: middleSet } },
  }),
});

/** Every column a set's attributes can give, as paths (nests followed to `depth` levels, struct fields included). */
function columnPaths(set: AttrSet | undefined, prefix: string, depth: number): string[] {
  const out: string[] = [];
  for (const [k, d] of Object.entries(set?.attrs ?? {})) {
    if (d.type === 'nest' && depth > 0) out.push(...columnPaths(resolveSet(d.set), `${prefix}${k}.`, depth - 1));
    else if (d.type === 'sub-message' && depth > 0) {
      for (const [name, f] of Object.entries(d.formats)) if (!('kind' in f && f.kind === 'struct')) out.push(...columnPaths(resolveSet(f as AttrSet), `${prefix}${k}.${name}.`, depth - 1));
    }
    else if (d.type === 'struct') out.push(...d.struct.fields.map((f) => `${prefix}${k}.${f.name}`));
    else out.push(`${prefix}${k}`);
  }
  return out;
}
function nestedColumnFields(m: MessageDef): string[] {
  const names = [...(m.header?.fields ?? []).map((f) => `header.${f.name}`), ...columnPaths(m.attrs, '', 3)];
  return names.filter((f) => { try { new ColumnExtractor({ message: m, fields: [f] }, 'js'); return true; } catch { return false; } });
}

/** Payload sizes of a well-formed attribute (empty: any), 64-bit and struct ones included. */
function sizesOf(d: { type: string; struct?: { size: number } }): number[] {
  switch (d.type) {
    case 'u64': case 's64': return [8];
    case 'uint': case 'sint': return [4, 8];
    case 'struct': return [d.struct!.size, d.struct!.size + 4];
    default: return wellFormedSizes(d.type);
  }
}

/** An attribute list of `set`: mostly its attributes well formed, nests filled in, now and then not. */
function hostileList(set: AttrSet, depth: number): fc.Arbitrary<number[]> {
  const bytes = (n: number): fc.Arbitrary<number[]> => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n });
  const defs = Object.values(set.attrs);
  // the format names a string attribute of this set selects (spelt exactly, with a NUL, or cut short)
  const selects = new Map<string, string[]>();
  for (const d of defs) if (d.type === 'sub-message' && d.selectorIn !== 'header') selects.set(d.selector, Object.keys(d.formats));
  const sizeOf: Record<string, number> = { u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4 };
  const declared = fc.constantFrom(...defs).chain((d): fc.Arbitrary<{ type: number; payload: number[] }> => {
    const key = Object.keys(set.attrs).find((k) => set.attrs[k] === d)!;
    const names = selects.get(key);
    if (names && d.type === 'string') {
      const spelt = fc.tuple(fc.constantFrom(...names), fc.constantFrom('', '\0', '\0\0\0', 'x', '\0x')).map(([n, tail]) => Array.from(n + tail, (ch) => ch.charCodeAt(0)));
      return fc.record({ type: fc.constant(d.id), payload: seldom(spelt, fc.integer({ min: 0, max: 8 }).chain(bytes), 5) });
    }
    if (names && sizeOf[d.type]) {
      // a format's number in either byte order (the attribute's flags may say big-endian), or its size's worth of anything
      const size = sizeOf[d.type]!;
      const le = (x: number): number[] => Array.from({ length: size }, (_, i) => (x >>> (8 * i)) & 255);
      const value = fc.tuple(fc.constantFrom(...names.map(Number)), fc.boolean()).map(([x, be]) => (be ? le(x).reverse() : le(x)));
      return fc.record({ type: fc.constant(d.id), payload: seldom(value, fc.integer({ min: 0, max: 6 }).chain(bytes), 5) });
    }
    if (d.type === 'sub-message' && depth > 0) {
      const formats = Object.values(d.formats).filter((f) => !('kind' in f && f.kind === 'struct')).map((f) => resolveSet(f as AttrSet));
      return fc.record({ type: fc.constant(d.id), payload: fc.constantFrom(...formats).chain((f) => hostileList(f, depth - 1)) });
    }
    if (d.type === 'nest' && depth > 0) {
      const hdr = d.header?.size ?? 0;
      const payload = fc.tuple(seldom(bytes(hdr), fc.integer({ min: 0, max: hdr + 2 }).chain(bytes), 20), hostileList(resolveSet(d.set), depth - 1)).map(([h, l]) => [...h, ...l]);
      return fc.record({ type: fc.constant(d.id), payload });
    }
    const sizes = sizesOf(d as { type: string; struct?: { size: number } });
    const size = sizes.length ? seldom(fc.constantFrom(...sizes), fc.integer({ min: 0, max: 24 }), 8) : fc.integer({ min: 0, max: 24 });
    return fc.record({ type: fc.constant(d.id), payload: size.chain(bytes) });
  });
  const any = fc.record({ type: fc.integer({ min: 0, max: 0x3fff }), payload: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 24 }) });
  const attr = fc.record({
    body: seldom(declared, any, 6),
    flags: fc.constantFrom(0, 0, 0, 0, 0x4000, 0x8000, 0xc000),
    badLength: seldom(fc.constant(undefined), fc.integer({ min: 0, max: 40 }), 150),
  });
  return fc.array(attr, { maxLength: depth > 0 ? 6 : 10 }).map((list) => {
    const out: number[] = [];
    for (const a of list) {
      const alen = a.badLength ?? 4 + a.body.payload.length;
      const t = a.body.type | a.flags;
      out.push(alen & 255, (alen >> 8) & 255, t & 255, t >> 8, ...a.body.payload);
      while (out.length % 4) out.push(0);
    }
    return out;
  });
}
/**
 * Messages like the plan's, their attributes `depth` nests deep: mostly its type, its attribute
 * types and sizes; now and then not (the attributes follow the header unaligned, as hostile
 * input may have them).
 */
function hostileNestedMessages(m: MessageDef, depth = 3): fc.Arbitrary<Uint8Array> {
  const hdrSize = m.header?.size ?? 0;
  const message = fc.record({
    type: seldom(fc.constant(m.type), fc.integer({ min: 0, max: 0xffff }), 6),
    header: seldom(fc.uint8Array({ minLength: hdrSize, maxLength: hdrSize }), fc.uint8Array({ maxLength: hdrSize + 4 }), 30),
    // a variant's messages: mostly its first bytes, either direction
    first: m.when ? seldom(fc.constantFrom(...m.when.firstByte), fc.integer({ min: 0, max: 255 }), 4) : fc.constant(undefined),
    flags: m.when ? fc.constantFrom(0, 1, 2, 3) : fc.constant(0),
    attrs: m.attrs ? hostileList(m.attrs, depth) : fc.constant([]),
    lengthDelta: seldom(fc.constant(0), fc.integer({ min: -24, max: 24 }), 30),
  });
  // a family-header field that picks a sub-message's format: mostly one of its formats' numbers
  const picks = Object.values(m.attrs?.attrs ?? {}).flatMap((d) => {
    if (d.type !== 'sub-message' || d.selectorIn !== 'header' || !m.header) return [];
    let at = 0;
    for (const f of m.header.fields) { if (f.name === d.selector) return [{ at, values: Object.keys(d.formats).map(Number) }]; at += fieldSize(f); }
    return [];
  });
  const pick = picks.length ? seldom(fc.tuple(fc.constantFrom(...picks), fc.nat()).map(([p, k]) => ({ at: p.at, value: p.values[k % p.values.length]! })), fc.constant(undefined), 4) : fc.constant(undefined);
  return fc.tuple(fc.array(fc.tuple(message, pick), { minLength: 1, maxLength: 5 }), seldom(fc.constant(undefined), fc.nat(), 6)).map(([msgs, cut]) => {
    const out: number[] = [];
    for (const [g, p] of msgs) {
      const header = g.header.slice();
      if (p && p.at + 4 <= header.length) header.set([p.value & 255, (p.value >> 8) & 255, (p.value >> 16) & 255, p.value >>> 24], p.at);
      const body = [...header, ...g.attrs];
      if (g.first !== undefined && body.length) body[0] = g.first;
      const len = Math.max(0, 16 + body.length + g.lengthDelta);
      out.push(len & 255, (len >> 8) & 255, (len >> 16) & 255, len >>> 24, g.type & 255, g.type >> 8, g.flags, 0, 1, 0, 0, 0, 0, 0, 0, 0, ...body);
      while (out.length % 4) out.push(0);
    }
    return Uint8Array.from(cut === undefined ? out : out.slice(0, cut % (out.length + 1)));
  });
}

test('nested paths, struct fields, 64-bit columns and variants: generated WASM equals JS on random plans over hostile messages', () => {
  for (const message of [nested, ctMessages.CT_NEW, M.RTM_NEWLINK, sockDiagMessages.inet, sockDiagMessages.unix] as MessageDef[]) {
    const all = nestedColumnFields(message);
    if (!message.when) assert.ok(all.some((f) => f.split('.').length >= 3 && !f.startsWith('header.')), `${message.name}: nested paths among ${all.length}`);
    fc.assert(fc.property(fc.shuffledSubarray(all, { minLength: 1, maxLength: Math.min(32, all.length) }), fc.array(hostileNestedMessages(message), { minLength: 1, maxLength: 6 }), (fields, inputs) => {
      const spec = { message, fields };
      const w = new ColumnExtractor(spec, 'wasm');
      const j = new ColumnExtractor(spec, 'js');
      assert.ok(w.generated);
      for (const b of inputs) deepStrictEqual(outcome(w, b), outcome(j, b));
    }), { numRuns: Math.ceil(RUNS / 6) });
  }
});

test('top-level plans: the table-driven module equals JS on hostile messages (both byte orders of every kind it holds)', () => {
  const all = columnFields(synthetic).filter((f) => { try { tableDriven({ message: synthetic, fields: [f] }); return true; } catch { return false; } });
  assert.ok(all.includes('s16') && all.includes('s32') && !all.includes('header.big'), all.join(' '));
  fc.assert(fc.property(fc.shuffledSubarray(all, { minLength: 1, maxLength: all.length }), fc.array(hostileMessages(synthetic), { minLength: 1, maxLength: 8 }), (fields, inputs) => {
    const spec = { message: synthetic, fields };
    const t = tableDriven(spec);
    const j = new ColumnExtractor(spec, 'js');
    assert.is(t.generated, false);
    for (const b of inputs) deepStrictEqual(outcome(t, b), outcome(j, b));
  }), { numRuns: Math.ceil(RUNS / 3) });
  // what the table-driven module cannot hold is refused for it, and runs in JS where no engine was asked for
  setGeneratedExtractors(false);
  try {
    assert.throws(() => new ColumnExtractor({ message: nested, fields: ['middle.inner.u64'] }, 'wasm'), /need a generated module/);
    assert.is(new ColumnExtractor({ message: nested, fields: ['middle.inner.u64'] }).engine, 'js');
  } finally { setGeneratedExtractors(true); }
});

/**
 * The decoded value at a column's path ('header.x', 'a.b.c'), or undefined; a sub-message's
 * step names its format ('linkinfo.data.vlan.id'), which the decoded selector must read.
 */
function valueAtPath(m: { header?: Record<string, unknown> | undefined; attrs?: Record<string, unknown> | undefined; def?: MessageDef }, path: string): unknown {
  const keys = path.split('.');
  if (keys[0] === 'header') return m.header?.[keys[1]!];
  let x: unknown = m.attrs;
  let set: AttrSet | undefined = m.def?.attrs;
  for (let i = 0; i < keys.length; i++) {
    if (x === undefined || x === null) return undefined;
    const o = x as Record<string, unknown>;
    const d = set && Object.hasOwn(set.attrs, keys[i]!) ? set.attrs[keys[i]!] : undefined;
    x = o[keys[i]!];
    if (d?.type === 'sub-message') {
      // the format by its key, or by the selector's enum name for it
      let format = keys[++i]!;
      const selDef = d.selectorIn === 'header' ? m.def?.header?.fields.find((f) => f.name === d.selector) : set!.attrs[d.selector];
      const e = selDef && 'enum' in selDef ? selDef.enum : undefined;
      if (!Object.hasOwn(d.formats, format) && e && Object.hasOwn(e.values, format)) format = String(e.values[format]);
      const selected = d.selectorIn === 'header' ? m.header?.[d.selector] : o[d.selector];
      if (selected === undefined || String(selected) !== format) return undefined;
      set = resolveSet(d.formats[format] as AttrSet);
    } else set = d?.type === 'nest' ? resolveSet(d.set) : undefined;
  }
  return x;
}
/** Row r of a column in the decoders' terms: a number, a bigint, or an address string. */
function cellAt(t: ColumnTable, f: string, r: number, decoded: unknown): unknown {
  const big = t.bigColumns[f];
  if (big) return big[r];
  const text = t.strings[f];
  if (text) return text[r];
  const c = t.columns[f]!;
  if (typeof decoded !== 'string') return c[r];
  if (c instanceof Uint8Array) return decoded.includes(':') ? formatIPv6(c, r * 16) : formatIPv4(c, r * 16);
  return formatIPv4(Uint8Array.of(c[r]! >>> 24, (c[r]! >>> 16) & 255, (c[r]! >>> 8) & 255, c[r]! & 255));
}
/** Every row of every field equals what decode() gives at its path; returns the cells compared. */
function sameAsDecoded(t: ColumnTable, msgs: ReturnType<typeof decode>, type: number): number {
  const data = msgs.filter((m) => m.kind === 'data' && m.type === type);
  assert.is(t.count, data.length);
  let cells = 0;
  data.forEach((m, r) => {
    if (m.kind !== 'data') return;
    t.fields.forEach((f, i) => {
      const value = valueAtPath(m, f);
      assert.is(!!((t.present[r]! >>> i) & 1), value !== undefined, `${f} presence`);
      if (value === undefined) { if (t.strings[f]) assert.is(t.strings[f][r], '', `${f} absent`); return; }
      if (value === true) { assert.is(t.columns[f]![r], 1, f); return; }
      assert.is(cellAt(t, f, r, value), value, `${m.name} row ${r} ${f}`);
      cells++;
    });
  });
  return cells;
}

test('nested, struct and 64-bit columns equal the object decoders: built conntrack entries, the corpus links', () => {
  const ctFields = ['tupleOrig.ip.v4Src', 'tupleOrig.ip.v4Dst', 'tupleOrig.ip.v6Src', 'tupleOrig.proto.num', 'tupleOrig.proto.srcPort', 'tupleOrig.proto.dstPort',
    'tupleReply.ip.v4Src', 'tupleReply.proto.dstPort', 'tupleOrig.zone', 'countersOrig.packets', 'countersOrig.bytes', 'countersReply.bytes', 'timestamp.start',
    'protoinfo.tcp.state', 'mark', 'status', 'id', 'header.family', 'header.resId'];
  const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  const v4 = fc.ipV4();
  const entry = fc.record({
    tupleOrig: fc.record({
      ip: fc.oneof(fc.record({ v4Src: v4, v4Dst: v4 }), fc.record({ v6Src: fc.constantFrom('2001:db8::1', 'fe80::1:2', '::1'), v6Dst: fc.constant('2001:db8::2') })),
      proto: fc.record({ num: fc.integer({ min: 0, max: 255 }), srcPort: fc.integer({ min: 0, max: 65535 }), dstPort: fc.integer({ min: 0, max: 65535 }) }, { requiredKeys: ['num'] }),
      zone: fc.integer({ min: 0, max: 65535 }),
    }, { requiredKeys: ['ip', 'proto'] }),
    tupleReply: fc.record({ ip: fc.record({ v4Src: v4, v4Dst: v4 }), proto: fc.record({ num: fc.constant(6), dstPort: fc.integer({ min: 0, max: 65535 }) }) }),
    countersOrig: fc.record({ packets: u64, bytes: u64 }),
    countersReply: fc.record({ bytes: u64 }),
    timestamp: fc.record({ start: u64 }),
    protoinfo: fc.record({ tcp: fc.record({ state: fc.integer({ min: 0, max: 9 }) }) }),
    mark: fc.integer({ min: 0, max: 0xffffffff }), status: fc.integer({ min: 0, max: 0xffff }), id: fc.integer({ min: 0, max: 0xffffffff }),
  }, { requiredKeys: ['tupleOrig'] });
  let cells = 0;
  fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 20 }), (entries) => {
    const bytes = new Uint8Array(entries.flatMap((attrs) => [...buildMessage(ctMessages.CT_NEW, { flags: 0, header: { family: 2, version: 0, resId: 7 }, attrs: attrs as never }).toBytes()]));
    const msgs = decode(bytes, { family: ctnetlinkFamily });
    for (const engine of ['wasm', 'js'] as const) cells += sameAsDecoded(new ColumnExtractor({ message: ctMessages.CT_NEW, fields: ctFields }, engine).extract(bytes), msgs, ctMessages.CT_NEW.type);
  }), { numRuns: 200 });
  assert.ok(cells > 5000, `${cells} cells compared`);
  const linkFields = ['header.index', 'stats64.rxBytes', 'stats64.txPackets', 'stats64.rxOtherhostDropped', 'stats.rxBytes', 'xdp.attached', 'linkinfo.data', 'mtu',
    'ifname', 'address', 'broadcast', 'qdisc', 'linkinfo.kind', 'ifalias', 'permAddress'].filter((f) => {
    try { new ColumnExtractor({ message: M.RTM_NEWLINK, fields: [f] }); return true; } catch { return false; }
  });
  assert.ok(['stats64.rxBytes', 'xdp.attached', 'ifname', 'address', 'linkinfo.kind'].every((f) => linkFields.includes(f)), linkFields.join(' '));
  let linkCells = 0;
  const names = new Set<string>();
  for (const b of corpus) {
    for (const engine of ['wasm', 'js'] as const) {
      let t: ColumnTable;
      try { t = new ColumnExtractor({ message: M.RTM_NEWLINK, fields: linkFields }, engine).extract(b); } catch { continue; }
      linkCells += sameAsDecoded(t, decode(b), M.RTM_NEWLINK.type);
      for (const n of t.strings['ifname']!) names.add(n);
    }
  }
  assert.ok(linkCells > 10 && names.has('lo'), `${linkCells} link cells compared, names ${[...names].join(' ')}`);
});

test('columns through sub-messages (linkinfo.data.vlan.id) equal the object decoders on built links of every kind', () => {
  const fields = ['header.index', 'ifname', 'linkinfo.kind', 'linkinfo.data.vlan.id', 'linkinfo.data.vlan.protocol', 'linkinfo.data.vxlan.id', 'linkinfo.data.vxlan.group',
    'linkinfo.data.bridge.stpState', 'linkinfo.data.bridge.priority', 'linkinfo.slaveKind', 'linkinfo.slaveData.bridge.state', 'linkinfo.slaveData.bridge.cost', 'mtu'];
  const u16 = fc.integer({ min: 0, max: 65535 }), u32 = fc.integer({ min: 0, max: 0xffffffff });
  const info = fc.oneof(
    fc.record({ kind: fc.constant('vlan'), data: fc.record({ id: fc.integer({ min: 0, max: 4095 }), protocol: fc.constantFrom(0x8100, 0x88a8) }, { requiredKeys: [] }) }, { requiredKeys: ['kind'] }),
    fc.record({ kind: fc.constant('vxlan'), data: fc.record({ id: fc.integer({ min: 0, max: 0xffffff }), group: fc.ipV4() }, { requiredKeys: ['id'] }) }),
    fc.record({ kind: fc.constant('bridge'), data: fc.record({ stpState: u32, priority: u16 }) }),
    fc.record({ kind: fc.constantFrom('dummy', 'vlanx', 'vla') }),
  ).chain((i) => fc.oneof(fc.constant(i), fc.record({ state: fc.integer({ min: 0, max: 4 }), cost: u32 }).map((port) => ({ ...i, slaveKind: 'bridge', slaveData: port }))));
  const link = fc.record({ index: fc.integer({ min: 1, max: 1 << 20 }), ifname: fc.stringMatching(/^[a-z][a-z0-9]{0,14}$/), mtu: fc.integer({ min: 68, max: 65535 }), linkinfo: fc.option(info, { nil: undefined }) });
  let cells = 0;
  fc.assert(fc.property(fc.array(link, { minLength: 1, maxLength: 12 }), (links) => {
    const bytes = new Uint8Array(links.flatMap((l) => [...buildMessage(M.RTM_NEWLINK, {
      flags: 0, header: { family: 0, type: 1, index: l.index, flags: 0, change: 0 },
      attrs: { ifname: l.ifname, mtu: l.mtu, ...(l.linkinfo ? { linkinfo: l.linkinfo } : {}) } as never,
    }).toBytes()]));
    const msgs = decode(bytes);
    for (const engine of ['wasm', 'js'] as const) {
      const x = new ColumnExtractor({ message: M.RTM_NEWLINK, fields }, engine);
      if (engine === 'wasm') assert.ok(x.generated);
      cells += sameAsDecoded(x.extract(bytes), msgs, M.RTM_NEWLINK.type);
    }
  }), { numRuns: 200 });
  assert.ok(cells > 4000, `${cells} cells compared`);
  // the selector after the sub-message (the kernel sends it first; decode() takes either order)
  const data = buildMessage(M.RTM_NEWLINK, { flags: 0, header: { family: 0, type: 1, index: 7, flags: 0, change: 0 }, attrs: { linkinfo: { kind: 'vlan', data: { id: 42 } } } as never }).toBytes();
  const at = 32; // IFLA_LINKINFO, the only attribute: after nlmsghdr and ifinfomsg
  assert.is(data[at + 2], 18);
  const kindLen = data[at + 4]!, kindAttr = data.slice(at + 4, at + 4 + ((kindLen + 3) & ~3));
  const rest = data.slice(at + 4 + kindAttr.length, at + (data[at]! | (data[at + 1]! << 8)));
  const swapped = data.slice();
  swapped.set(rest, at + 4); swapped.set(kindAttr, at + 4 + rest.length);
  assert.is((decode(swapped)[0] as unknown as { attrs: { linkinfo: { data: { id: number } } } }).attrs.linkinfo.data.id, 42);
  for (const engine of ['wasm', 'js'] as const) {
    const t = new ColumnExtractor({ message: M.RTM_NEWLINK, fields: ['linkinfo.data.vlan.id'] }, engine).extract(swapped);
    assert.is(t.columns['linkinfo.data.vlan.id']![0], 42, engine);
  }
});

test('columns through sub-messages chosen by a number or the family header (encap by encapType, protinfo by ifi_family) equal decode()', () => {
  const u8 = fc.integer({ min: 0, max: 255 });
  const route = fc.record({
    dst: fc.ipV4(),
    encap: fc.option(fc.oneof(
      fc.record({ encapType: fc.constant(2), encap: fc.record({ id: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), dst: fc.ipV4(), ttl: u8 }, { requiredKeys: ['dst'] }) }),
      fc.record({ encapType: fc.constant(1), encap: fc.record({ ttl: u8 }) }),
    ), { nil: undefined }),
  });
  const routeFields = ['dst', 'encapType', 'encap.ip.dst', 'encap.2.ttl', 'encap.ip.id', 'encap.mpls.ttl'];
  const link = fc.record({ family: fc.constantFrom(0, 7, 10), index: fc.integer({ min: 1, max: 9999 }), state: fc.integer({ min: 0, max: 4 }), cost: fc.integer({ min: 1, max: 65535 }) });
  const linkFields = ['header.family', 'header.index', 'protinfo.bridge.state', 'protinfo.bridge.cost', 'protinfo.7.priority'];
  let cells = 0;
  fc.assert(fc.property(fc.array(route, { minLength: 1, maxLength: 10 }), fc.array(link, { minLength: 1, maxLength: 10 }), (routes, links) => {
    const rb = new Uint8Array(routes.flatMap((r) => [...buildMessage(M.RTM_NEWROUTE, {
      flags: 0, header: { family: 2, dstLen: 32, table: 254, protocol: 4, scope: 0, type: 1, flags: 0 },
      attrs: { dst: r.dst, ...(r.encap ?? {}) } as never,
    }).toBytes()]));
    const lb = new Uint8Array(links.flatMap((l) => [...buildMessage(M.RTM_NEWLINK, {
      flags: 0, header: { family: l.family, type: 1, index: l.index, flags: 0, change: 0 },
      attrs: (l.family === 7 ? { protinfo: { state: l.state, cost: l.cost, priority: 3 } } : {}) as never,
    }).toBytes()]));
    for (const engine of ['wasm', 'js'] as const) {
      cells += sameAsDecoded(new ColumnExtractor({ message: M.RTM_NEWROUTE, fields: routeFields }, engine).extract(rb), decode(rb), M.RTM_NEWROUTE.type);
      cells += sameAsDecoded(new ColumnExtractor({ message: M.RTM_NEWLINK, fields: linkFields }, engine).extract(lb), decode(lb), M.RTM_NEWLINK.type);
    }
  }), { numRuns: 200 });
  assert.ok(cells > 3000, `${cells} cells compared`);
});

test('column paths that are not columns are refused with the reason', () => {
  assert.throws(() => new ColumnExtractor({ message: M.RTM_NEWLINK, fields: ['linkinfo.data.nosuch.id'] }), /no format 'nosuch' \(veth, /);
  assert.throws(() => new ColumnExtractor({ message: M.RTM_NEWLINK, fields: ['linkinfo.data.vlan'] }), /name a field of format 'vlan'/);
  assert.throws(() => new ColumnExtractor({ message: M.RTM_NEWLINK, fields: ['protinfo.inet.state'] }), /has no format 'inet' \(7, 10\)/);
  assert.throws(() => new ColumnExtractor({ message: M.RTM_NEWROUTE, fields: ['encap.nosuch.dst'] }), /has no format 'nosuch'/);
  assert.ok(new ColumnExtractor({ message: M.RTM_NEWLINK, fields: ['protinfo.bridge.cost', 'protinfo.7.state'] }).generated);
  assert.throws(() => new ColumnExtractor({ message: ctMessages.CT_NEW, fields: ['tupleOrig.nosuch'] }), /no attribute named 'tupleOrig.nosuch'/);
  assert.throws(() => new ColumnExtractor({ message: ctMessages.CT_NEW, fields: ['mark.x'] }), /not a nest/);
  assert.throws(() => new ColumnExtractor({ message: ctMessages.CT_NEW, fields: ['tupleOrig'] }), /cannot be a column/);
  assert.throws(() => new ColumnExtractor({ message: M.RTM_NEWLINK, fields: ['stats64.nosuch'] }), /has no field/);
  assert.throws(() => new ColumnExtractor({ message: M.RTM_NEWLINK, fields: ['mtu', 'mtu'] }), /named twice/);
});

test.run();
