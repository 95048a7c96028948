// Property tests of the codec: declared messages round-trip (build -> decode -> equal, and
// decode -> build -> the same bytes), and hostile bytes only ever raise DecodeError, quickly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { DecodeError } from '../src/core/errors.js';
import { AttributeBuilder } from '../src/core/attr.js';
import { decode } from '../src/decode.js';
import { resolveSet, decodeAttrs, encodeAttrs } from '../src/schema/engine.js';
import { buildMessage, decodeAll, type MessageDef } from '../src/schema/family.js';
import { attrSet } from '../src/schema/define.js';
import { setCompiledDecoders } from '../src/schema/compile.js';
import type { AttrDef, AttrSet, StructDef, ScalarType } from '../src/schema/types.js';
import { rtnetlink } from '../src/families/route/index.js';
import { readPcap } from '../src/pcap/pcap.js';
import { sockDiagMessages, sockDiagFamily } from '../src/families/diag/index.js';
import { decodeViews } from '../src/decode.js';
import { dataView } from '../src/core/header.js';

// Budget: at least 100k cases in CI across this file and the walker's differential tests.
const CI = !!process.env.CI;
const RUNS = Number(process.env.NLWIRE_FUZZ_RUNS ?? (CI ? 12_000 : 1_500));

// ---- arbitraries derived from declarations ---------------------------------------------------

const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });
const s = (bits: number): fc.Arbitrary<number> => fc.integer({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 });
const ipv4 = fc.tuple(u(8), u(8), u(8), u(8)).map((a) => a.join('.'));
// Any IPv6 text form; the decoder prints RFC 5952, so comparisons go through a second encode.
const ipv6 = fc.ipV6();
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':'));
const str = fc.string({ maxLength: 12 }).filter((x) => !x.includes('\0'));

function scalar(t: ScalarType): fc.Arbitrary<number | bigint> {
  switch (t) {
    case 'u8': return u(8);
    case 'u16': return u(16);
    case 'u32': return fc.integer({ min: 0, max: 0xffffffff });
    case 's8': return s(8);
    case 's16': return s(16);
    case 's32': return s(32);
    case 'u64': case 'uint': return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case 's64': case 'sint': return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
  }
}

function structArb(d: StructDef): fc.Arbitrary<Record<string, unknown>> {
  const rec: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of d.fields) {
    if (f.type === 'pad') continue;
    if (f.type === 'ipv4') rec[f.name] = ipv4;
    else if (f.type === 'ipv6') rec[f.name] = fc.constant('::1');
    else if (f.type === 'mac') rec[f.name] = fc.uint8Array({ minLength: f.len ?? 6, maxLength: f.len ?? 6 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':'));
    else if (f.type === 'binary') rec[f.name] = fc.uint8Array({ minLength: f.len ?? 0, maxLength: f.len ?? 0 });
    else rec[f.name] = scalar(f.type);
  }
  return fc.record(rec);
}

const MAX_DEPTH = 3;
function valueArb(d: AttrDef, depth: number): fc.Arbitrary<unknown> | undefined {
  switch (d.type) {
    case 'u8': case 'u16': case 'u32': case 's8': case 's16': case 's32': case 'u64': case 's64': case 'uint': case 'sint': return scalar(d.type);
    case 'string': return str;
    case 'binary': return fc.uint8Array({ maxLength: 16 });
    case 'flag': return fc.constant(true);
    case 'ipv4': return ipv4;
    case 'ipv6': return ipv6;
    case 'ip': return fc.oneof(ipv4, ipv6);
    case 'mac': return mac;
    case 'bitfield32': return fc.record({ value: fc.integer({ min: 0, max: 0xffffffff }), selector: fc.integer({ min: 0, max: 0xffffffff }) });
    case 'struct': return structArb(d.struct);
    case 'array': return fc.array(scalar(d.item), { maxLength: 4 });
    case 'nest': {
      if (depth >= MAX_DEPTH) return undefined;
      const inner = setArb(resolveSet(d.set), depth + 1);
      return d.header ? fc.record({ header: structArb(d.header), attrs: inner }) : inner;
    }
    case 'indexed-array':
      if (depth >= MAX_DEPTH || typeof d.item === 'string') return typeof d.item === 'string' ? fc.array(scalar(d.item), { maxLength: 3 }) : undefined;
      return fc.array(setArb(resolveSet(d.item), depth + 1), { maxLength: 2 });
    default: return undefined; // sub-messages and custom codecs are covered by their own tests
  }
}

function setArb(set: AttrSet, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const rec: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, d] of Object.entries(set.attrs) as Array<[string, AttrDef]>) {
    const a = valueArb(d, depth);
    if (!a) continue;
    rec[k] = d.multi ? fc.array(a, { minLength: 1, maxLength: 3 }) : a;
  }
  const unknown = fc.array(fc.record({ type: fc.integer({ min: 900, max: 999 }), data: fc.uint8Array({ maxLength: 8 }) }), { maxLength: 2 });
  return fc.tuple(fc.record(rec, { requiredKeys: [] }), unknown).map(([v, un]) => (un.length ? { ...v, unknown: un } : v));
}

/** Drops values that a kernel-style decode cannot give back verbatim (IPv6 text forms). */
function canonical(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Array.from(x) : x)));
}

// ---- properties ------------------------------------------------------------------------------

const messages = rtnetlink.messages.filter((m) => m.attrs && m.header) as Array<MessageDef<StructDef, AttrSet>>;

test('every rtnetlink message: build -> decode -> equal, decode -> build -> identical bytes', () => {
  for (const def of messages) {
    fc.assert(fc.property(structArb(def.header), setArb(def.attrs, 0), (fixed, attrs) => {
      let bytes: Uint8Array;
      try {
        bytes = buildMessage(def, { flags: 0, header: fixed, attrs }).toBytes();
      } catch (e) {
        if (e instanceof RangeError && /65535/.test(e.message)) return; // too big for one attribute
        throw e;
      }
      const [m] = decodeAll(rtnetlink, bytes);
      assert.ok(m && m.kind === 'data');
      if (m.kind !== 'data') return;
      // IPv6 text is normalised by the decoder; compare through a second encode instead.
      const again = buildMessage(def, { flags: 0, header: m.header!, attrs: m.attrs! }).toBytes();
      assert.equal(again, bytes, `${def.name}: decode -> build differs`);
      const [m2] = decodeAll(rtnetlink, again);
      assert.equal(canonical(m2 && m2.kind === 'data' ? m2.attrs : undefined), canonical(m.attrs));
    }), { numRuns: Math.max(20, Math.floor(RUNS / 10)) });
  }
});

test('random attribute trees (nesting, repeats, unknown types) survive decode -> encode byte for byte', () => {
  // A set that knows some types; everything else is unknown and must be kept in place.
  const leaf = attrSet('fuzz-leaf', { a: { id: 1, type: 'u32' }, b: { id: 2, type: 'string' } });
  const mid = attrSet('fuzz-mid', { leaf: { id: 1, type: 'nest', set: leaf }, x: { id: 3, type: 'u16', multi: true } });
  const root = attrSet('fuzz-root', { mid: { id: 1, type: 'nest', set: mid }, n: { id: 2, type: 'u64' } });
  type Node = { type: number; kind: 'u32' | 'u16' | 'u64' | 'str' | 'bytes' | 'nest'; value: unknown; children?: Node[] };
  const node: fc.Memo<Node> = fc.memo((d) => fc.oneof(
    { depthSize: 'small' },
    fc.record({ type: fc.integer({ min: 1, max: 6 }), kind: fc.constant('u32' as const), value: fc.integer({ min: 0, max: 0xffffffff }) }),
    fc.record({ type: fc.integer({ min: 1, max: 6 }), kind: fc.constant('u16' as const), value: u(16) }),
    fc.record({ type: fc.integer({ min: 1, max: 6 }), kind: fc.constant('bytes' as const), value: fc.uint8Array({ maxLength: 9 }) }),
    fc.record({ type: fc.integer({ min: 1, max: 6 }), kind: fc.constant('str' as const), value: str }),
    ...(d > 1 ? [fc.record({ type: fc.integer({ min: 1, max: 6 }), kind: fc.constant('nest' as const), value: fc.constant(null), children: fc.array(node(d - 1), { maxLength: 4 }) })] : []),
  ));
  const build = (b: AttributeBuilder, n: Node): void => {
    switch (n.kind) {
      case 'u32': b.u32(n.type, n.value as number); break;
      case 'u16': b.u16(n.type, n.value as number); break;
      case 'u64': b.u64(n.type, n.value as bigint); break;
      case 'str': b.string(n.type, n.value as string); break;
      case 'bytes': b.bytes(n.type, n.value as Uint8Array); break;
      case 'nest': b.nested(n.type, (c) => n.children!.forEach((x) => build(c, x)), true); break;
    }
  };
  fc.assert(fc.property(fc.array(node(4), { maxLength: 6 }), (nodes) => {
    const b = new AttributeBuilder();
    nodes.forEach((n) => build(b, n));
    const bytes = b.toBytes();
    let decoded: Record<string, unknown>;
    try { decoded = decodeAttrs(root, bytes) as Record<string, unknown>; } catch (e) {
      assert.instance(e, DecodeError); // a declared type with a payload of the wrong size
      return;
    }
    const e = encodeAttrs(root, decoded);
    const out = new Uint8Array(e.byteLength());
    e.encodeInto(dataView(out), 0);
    assert.equal(out, bytes);
  }), { numRuns: RUNS * 2 });
});

test('a nest whose padding bytes are not zero comes back byte for byte (compiled and interpreted)', () => {
  // found by the property test above: an unknown 1-byte attribute inside a nest, padded with 0,0,1
  const inner = attrSet('pad-inner', { a: { id: 1, type: 'u32' } });
  const outer = attrSet('pad-outer', { inner: { id: 1, type: 'nest', set: inner } });
  const b = new AttributeBuilder();
  b.bytes(1, Uint8Array.from([5, 0, 0, 0, 0, 0, 0, 1]));
  const bytes = b.toBytes();
  for (const compiled of [true, false]) {
    setCompiledDecoders(compiled);
    try {
      const e = encodeAttrs(outer, decodeAttrs(outer, bytes) as Record<string, unknown>);
      const out = new Uint8Array(e.byteLength());
      e.encodeInto(dataView(out), 0);
      assert.equal(out, bytes, compiled ? 'compiled' : 'interpreted');
    } finally { setCompiledDecoders(true); }
  }
});

function onlyDecodeError(bytes: Uint8Array, protocol: 'route' | 'generic' | number, engine: 'wasm' | 'js'): void {
  const t0 = Date.now();
  try { decode(bytes, { protocol, engine }); } catch (e) {
    if (!(e instanceof DecodeError)) throw new Error(`non-DecodeError ${String(e)} for ${Buffer.from(bytes).toString('hex')}`);
    assert.ok(e.offset >= 0 && e.offset <= bytes.length, `offset ${e.offset} outside the input`);
  }
  assert.ok(Date.now() - t0 < 1000, 'decode took over a second');
}

test('random bytes only ever raise DecodeError (both engines, route and generic)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom('route' as const, 'generic' as const, 12), fc.constantFrom('wasm' as const, 'js' as const),
    (b, p, e) => onlyDecodeError(b, p, e)), { numRuns: RUNS * 3 });
});

// Real kernel traffic from the checked-in corpus, then mutated and truncated.
const corpus: Uint8Array[] = readdirSync('test/fixtures/corpus').filter((f) => f.endsWith('.pcap'))
  .flatMap((f) => readPcap(new Uint8Array(readFileSync(`test/fixtures/corpus/${f}`))).records.map((r) => r.data.slice()));

test('mutations and truncations of real captures only ever raise DecodeError', () => {
  assert.ok(corpus.length > 10, 'corpus present');
  fc.assert(fc.property(fc.constantFrom(...corpus), fc.array(fc.tuple(fc.nat(), u(8)), { maxLength: 6 }), fc.nat(), fc.constantFrom('wasm' as const, 'js' as const), (orig, flips, cut, engine) => {
    const b = orig.slice();
    for (const [i, v] of flips) if (b.length) b[i % b.length] = v;
    onlyDecodeError(b, 'route', engine);
    onlyDecodeError(b.subarray(0, cut % (b.length + 1)), 'route', engine);
  }), { numRuns: RUNS * 3 });
});

test('the corpus decodes the same with both engines, and re-encodes byte for byte', () => {
  for (const b of corpus) {
    const w = decode(b, { engine: 'wasm' });
    const j = decode(b, { engine: 'js' });
    assert.equal(canonical(w), canonical(j));
    for (const m of w) {
      if (m.kind !== 'data' || !m.def || !m.def.header) continue;
      const again = buildMessage(m.def as MessageDef<StructDef, AttrSet>, { flags: m.nlmsg.flags, seq: m.nlmsg.seq, pid: m.nlmsg.pid, header: m.header!, attrs: m.attrs ?? {} }).toBytes();
      assert.equal(again, b.subarray(m.offset, m.offset + ((m.nlmsg.length + 3) & ~3)), `${m.name} re-encodes differently`);
    }
  }
});

// sock_diag: one message type, a family header picked per message by its first byte and direction
const diagVariants = Object.values(sockDiagMessages);
const diagMessage = fc.record({
  type: fc.constantFrom(20, 20, 20, 21, 99),
  request: fc.boolean(),
  first: fc.constantFrom(1, 2, 10, 16, 17, 0, 200),
  headerLen: fc.constantFrom(0, 3, 15, 19, 71, 72, 16, 20),
  attrs: fc.array(fc.record({ type: fc.integer({ min: 0, max: 24 }), payload: fc.uint8Array({ maxLength: 12 }), lenDelta: fc.constantFrom(0, 0, 0, 0, 0, -5, 3, 40) }), { maxLength: 5 }),
}).map((m) => {
  const body: number[] = [m.first, ...new Array<number>(Math.max(0, m.headerLen - 1)).fill(0x11)];
  while (body.length % 4) body.push(0);
  for (const a of m.attrs) {
    const len = Math.max(0, 4 + a.payload.length + a.lenDelta);
    body.push(len & 255, len >> 8, a.type, 0, ...a.payload);
    while (body.length % 4) body.push(0);
  }
  const len = 16 + body.length;
  return [len & 255, len >> 8, 0, 0, m.type, 0, m.request ? 1 : 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, ...body];
});

test('sock_diag variants: hostile messages only raise DecodeError; compiled, interpreted and views agree', () => {
  fc.assert(fc.property(fc.array(diagMessage, { minLength: 1, maxLength: 4 }), fc.constantFrom('wasm' as const, 'js' as const), (msgs, engine) => {
    const bytes = Uint8Array.from(msgs.flat());
    let compiled: unknown;
    try { compiled = canonical(decode(bytes, { protocol: 'sock_diag', engine })); } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      compiled = `${e.reason}@${e.offset}`;
    }
    setCompiledDecoders(false);
    let interpreted: unknown;
    try { interpreted = canonical(decode(bytes, { protocol: 'sock_diag', engine })); } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      interpreted = `${e.reason}@${e.offset}`;
    } finally { setCompiledDecoders(true); }
    assert.equal(compiled, interpreted);
    if (typeof compiled === 'string') return;
    const objects = decode(bytes, { protocol: 'sock_diag', engine });
    const views = decodeViews(bytes, { protocol: 'sock_diag', engine });
    views.forEach((v, i) => {
      const o = objects[i]!;
      if (o.kind !== 'data') return;
      assert.is(v.name, o.name);
      assert.equal(canonical({ h: v.header }), canonical({ h: o.header }));
      assert.equal(canonical({ a: v.attrs }), canonical({ a: o.attrs }));
    });
  }), { numRuns: RUNS });
});

test('sock_diag variants: build -> decode picks the same variant, re-encodes byte for byte', () => {
  for (const def of diagVariants) {
    const first = def.when!.firstByte[0]!;
    const attrs = def === sockDiagMessages.inet ? { cong: 'cubic', mark: 7, tos: 2 } : def === sockDiagMessages.unix ? { peer: 9, shutdown: 1 } : def === sockDiagMessages.netlink ? { flags: 3 } : def === sockDiagMessages.packet ? { uid: 5, fanout: 3 } : def.attrs ? { protocol: 6 } : undefined;
    const b = buildMessage(def as MessageDef<StructDef, AttrSet | undefined>, { flags: def.when!.request ? 1 : 0, header: { family: first }, ...(attrs ? { attrs } : {}) } as never).toBytes();
    const [m] = decode(b, { family: sockDiagFamily });
    assert.ok(m && m.kind === 'data' && m.def === def, def.name);
    if (m.kind !== 'data') continue;
    assert.is(m.header!.family, first);
    if (attrs) for (const [k, x] of Object.entries(attrs)) assert.is(m.attrs![k], x, `${def.name} ${k}`);
    const again = buildMessage(def as MessageDef<StructDef, AttrSet>, { flags: m.flags, header: m.header!, attrs: m.attrs ?? {} }).toBytes();
    assert.equal(again, b);
  }
});

test.run();
