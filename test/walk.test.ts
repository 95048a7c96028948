// Netlink walker: WASM vs TS differential properties, an independent oracle for valid
// streams, exact status/offset unit tests and bounded-time checks.
// Case budget: NLWIRE_FUZZ_RUNS (total across properties), else 100,000 with CI set, else 10,000.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  createWalker,
  headerTable,
  NO_INDEX,
  TsWalker,
  WalkStatus,
  walkStatusText,
  WasmWalker,
  type PlainAttr,
  type PlainMessage,
  type PlainWalk,
  type WalkIndex,
  type WalkLimits,
} from '../src/walk/index.js';

// ---------------------------------------------------------------------------------------
// Byte builders (little-endian, as the kernel writes on x86/arm64)

const u16le = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff];
const u32le = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const padTo4 = (bytes: number[]): number[] => {
  while (bytes.length % 4 !== 0) bytes.push(0);
  return bytes;
};

/** nlattr with nla_len = 4 + payload (or `len` when given), padded to 4. */
function nla(type: number, payload: number[], len = 4 + payload.length): number[] {
  return padTo4([...u16le(len), ...u16le(type), ...payload]);
}
/** nlmsghdr + body, nlmsg_len = 16 + body (or `len`), padded to 4. */
function nlmsg(type: number, flags: number, body: number[], len = 16 + body.length): number[] {
  return padTo4([...u32le(len), ...u16le(type), ...u16le(flags), ...u32le(7), ...u32le(0), ...body]);
}
const isRangeError = (error: unknown): boolean => error instanceof RangeError;
const bytesOf = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());

const RTM_NEWLINK = 16;
const RTM_NEWROUTE = 24;
const NLMSG_DONE = 3;
const NESTED = 0x8000;
const NET_ORDER = 0x4000;
const rtnl = headerTable({ 16: 16, 17: 16, 18: 16, 19: 16, 24: 12, 25: 12, 26: 12 });
const rtmsg = (): number[] => [2, 24, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0];

function engines(headerSizes: Uint8Array, maxDepth = 16): [WasmWalker, TsWalker] {
  return [new WasmWalker({ headerSizes, maxDepth }), new TsWalker(headerSizes, maxDepth)];
}

/** Walks with both engines, asserts they agree, returns the plain index. */
function walkBoth(wasm: WasmWalker, ts: TsWalker, bytes: Uint8Array, limits?: WalkLimits): PlainWalk {
  const a = wasm.walk(bytes, limits).toPlain();
  const b = ts.walk(bytes, limits).toPlain();
  assert.equal(a, b, 'WASM and TS indexes differ');
  return a;
}

// ---------------------------------------------------------------------------------------
// Structural invariants every result must satisfy, whatever the input.

const align4 = (n: number): number => (n + 3) & ~3;

function checkInvariants(r: PlainWalk, len: number, maxDepth: number): void {
  assert.ok(r.status >= 0 && r.status <= 7, `status ${r.status}`);
  assert.ok(r.consumed <= len, 'consumed beyond the region');
  assert.is(r.messages.length, r.messageCount);
  assert.is(r.attrs.length, r.attrCount);
  if (r.status === WalkStatus.OK) {
    assert.is(r.consumed, len);
    assert.is(r.errorMessageIndex, NO_INDEX);
    assert.is(r.errorOffset, 0);
  } else {
    assert.is(r.errorMessageIndex, r.messageCount);
    assert.ok(r.errorOffset >= r.consumed && r.errorOffset < len, 'error offset outside the failing message');
    if (r.status <= WalkStatus.MSG_SHORT_FOR_HEADER || r.status === WalkStatus.CAPACITY) {
      assert.is(r.errorOffset, r.consumed);
    }
  }
  let expectOffset = 0;
  let expectFirst = 0;
  for (let i = 0; i < r.messages.length; i++) {
    const m = r.messages[i]!;
    assert.is(m.offset, expectOffset, `message ${i} offset`);
    assert.ok(m.length >= 16 && m.offset + m.length <= len, `message ${i} bounds`);
    assert.is(m.firstAttr, expectFirst, `message ${i} firstAttr`);
    for (let j = m.firstAttr; j < m.firstAttr + m.attrCount; j++) {
      const a = r.attrs[j]!;
      assert.ok(a.offset % 4 === 0, 'attribute offsets are aligned');
      assert.ok(a.length >= 4, 'nla_len >= 4');
      assert.ok(a.depth <= maxDepth, 'depth within maxDepth');
      if (a.parent === NO_INDEX) {
        assert.is(a.depth, 0);
        assert.ok(a.offset >= m.offset + 16 && a.offset + a.length <= m.offset + m.length, 'attr inside message');
      } else {
        assert.ok(a.parent >= m.firstAttr && a.parent < j, 'parent precedes child in the same message');
        const p = r.attrs[a.parent]!;
        assert.ok((p.rawType & NESTED) !== 0, 'parent carries NLA_F_NESTED');
        assert.is(a.depth, p.depth + 1);
        assert.ok(a.offset >= p.offset + 4 && a.offset + a.length <= p.offset + p.length, 'child inside parent');
      }
    }
    expectFirst += m.attrCount;
    expectOffset += align4(m.length);
  }
  assert.is(expectFirst, r.attrCount, 'attribute counts add up');
  if (r.status !== WalkStatus.OK) assert.is(r.consumed, Math.min(expectOffset, len));
}

// ---------------------------------------------------------------------------------------
// Generators: header tables, attribute trees, message streams with an oracle index.

const CONTROL_TYPES = [1, 2, 3, 4]; // NOOP, ERROR, DONE, OVERRUN: never walked
const FAMILY_TYPES = Array.from({ length: 24 }, (_, i) => 16 + i);
const HEADER_CHOICES = [0, 1, 3, 4, 5, 8, 12, 16, 20, 0xff];
const MAX_DEPTHS = [0, 1, 2, 3, 16];
const TABLE_COUNT = 6;

/** Deterministic pseudo-random header tables: type -> size in HEADER_CHOICES. */
const tables: Uint8Array[] = Array.from({ length: TABLE_COUNT }, (_, t) => {
  let seed = 0x9e3779b9 ^ (t * 0x85ebca6b);
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const entries: Array<[number, number]> = FAMILY_TYPES.map((type) => [type, HEADER_CHOICES[next() % HEADER_CHOICES.length]!]);
  // Table 0 leaves unknown types at size 0 (walk everything); the others skip them.
  return headerTable(entries, t === 0 ? 0 : 0xff);
});

interface Pair {
  wasm: WasmWalker;
  ts: TsWalker;
}
const pairs = new Map<string, Pair>();
function pairFor(tableId: number, maxDepth: number): Pair {
  const key = `${tableId}/${maxDepth}`;
  let pair = pairs.get(key);
  if (!pair) {
    // Small slots so that larger cases also take the grown-scratch path.
    const headerSizes = tables[tableId]!;
    pair = { wasm: new WasmWalker({ headerSizes, maxDepth, slotSize: 2048, slotCount: 2 }), ts: new TsWalker(headerSizes, maxDepth) };
    pairs.set(key, pair);
  }
  return pair;
}

interface Leaf {
  kind: 'leaf';
  type: number;
  netOrder: boolean;
  payload: Uint8Array;
}
interface Nest {
  kind: 'nest';
  type: number;
  /** NLA_F_NESTED set (walked) or not (opaque payload). */
  flagged: boolean;
  /** nla_len excludes the last child's padding (legal; libmnl accepts it). */
  tight: boolean;
  children: AttrNode[];
}
type AttrNode = Leaf | Nest;

const attrType = fc.integer({ min: 0, max: 0x3fff });
const trees = fc.letrec<{ node: AttrNode; leaf: Leaf; nest: Nest }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', maxDepth: 5 }, tie('leaf'), tie('nest')),
  leaf: fc.record({
    kind: fc.constant('leaf' as const),
    type: attrType,
    netOrder: fc.boolean(),
    payload: fc.uint8Array({ maxLength: 12 }),
  }),
  nest: fc.record({
    kind: fc.constant('nest' as const),
    type: attrType,
    flagged: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
    tight: fc.boolean(),
    children: fc.array(tie('node'), { maxLength: 3 }),
  }),
}));

interface MessageSpec {
  control: boolean;
  typePick: number;
  flags: number;
  headerFill: number;
  attrs: AttrNode[];
  tight: boolean;
}
const messageSpec = fc.record({
  control: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  typePick: fc.nat(),
  flags: fc.integer({ min: 0, max: 0xffff }),
  headerFill: fc.integer({ min: 0, max: 255 }),
  attrs: fc.array(trees.node, { maxLength: 5 }),
  tight: fc.boolean(),
});

interface StreamCase {
  tableId: number;
  maxDepth: number;
  bytes: Uint8Array;
  /** The index without limits, ignoring maxDepth (every walked attribute listed). */
  full: { messages: PlainMessage[]; attrs: PlainAttr[] };
}

/** Encodes an attribute; returns the padding after it (so a parent can end "tight"). */
function encodeAttr(node: AttrNode, out: number[], walked: boolean, parent: number, depth: number, attrs: PlainAttr[]): number {
  const start = out.length;
  out.push(0, 0, 0, 0);
  let rawType: number;
  let len: number;
  let index = -1;
  if (walked) {
    index = attrs.length;
    attrs.push({ offset: start, length: 0, rawType: 0, parent, depth });
  }
  if (node.kind === 'leaf') {
    rawType = node.type | (node.netOrder ? NET_ORDER : 0);
    for (const b of node.payload) out.push(b);
    len = out.length - start;
  } else {
    rawType = node.type | (node.flagged ? NESTED : 0);
    let lastPad = 0;
    for (const child of node.children) {
      lastPad = encodeAttr(child, out, walked && node.flagged, index, depth + 1, attrs);
    }
    len = out.length - start - (node.tight ? lastPad : 0);
  }
  out[start] = len & 0xff;
  out[start + 1] = len >>> 8;
  out[start + 2] = rawType & 0xff;
  out[start + 3] = rawType >>> 8;
  if (index >= 0) {
    attrs[index]!.length = len;
    attrs[index]!.rawType = rawType;
  }
  while (out.length % 4 !== 0) out.push(0);
  return align4(len) - len;
}

function encodeStream(tableId: number, maxDepth: number, specs: MessageSpec[]): StreamCase {
  const table = tables[tableId]!;
  const out: number[] = [];
  const messages: PlainMessage[] = [];
  const attrs: PlainAttr[] = [];
  for (const spec of specs) {
    while (out.length % 4 !== 0) out.push(0);
    const start = out.length;
    const type = spec.control
      ? CONTROL_TYPES[spec.typePick % CONTROL_TYPES.length]!
      : FAMILY_TYPES[spec.typePick % FAMILY_TYPES.length]!;
    const hdrSize = type < 16 ? 0xff : table[type]!;
    const walked = hdrSize !== 0xff;
    out.push(...u32le(0), ...u16le(type), ...u16le(spec.flags), ...u32le(start), ...u32le(4242));
    // Family header: the table's size, or a few opaque bytes for unwalked types.
    const familyLen = walked ? hdrSize : spec.headerFill % 9;
    for (let i = 0; i < familyLen; i++) out.push((spec.headerFill + i) & 0xff);
    let tailPad = 0;
    while (out.length % 4 !== 0) {
      out.push(0);
      tailPad++;
    }
    const firstAttr = attrs.length;
    for (const node of spec.attrs) tailPad = encodeAttr(node, out, walked, NO_INDEX, 0, attrs);
    const len = out.length - start - (spec.tight ? tailPad : 0);
    out.splice(start, 4, ...u32le(len));
    messages.push({ offset: start, length: len, type, flags: spec.flags, firstAttr, attrCount: attrs.length - firstAttr });
  }
  // A tight last message ends the region without its padding.
  const last = messages[messages.length - 1];
  const total = last ? last.offset + last.length : 0;
  return { tableId, maxDepth, bytes: Uint8Array.from(out.slice(0, total)), full: { messages, attrs } };
}

const streams = fc
  .record({
    tableId: fc.integer({ min: 0, max: TABLE_COUNT - 1 }),
    maxDepth: fc.constantFrom(...MAX_DEPTHS),
    specs: fc.array(messageSpec, { maxLength: 6 }),
  })
  .map(({ tableId, maxDepth, specs }) => encodeStream(tableId, maxDepth, specs));

/** The oracle: what a walk with these limits must report for a valid stream. */
function expectedWalk(c: StreamCase, limits: WalkLimits | undefined): PlainWalk {
  const maxMessages = limits?.maxMessages ?? Infinity;
  const maxAttrs = limits?.maxAttrs ?? Infinity;
  const messages: PlainMessage[] = [];
  let attrCount = 0;
  const fail = (status: number, errorOffset: number, at: number): PlainWalk => ({
    status,
    errorOffset,
    messageCount: messages.length,
    attrCount,
    consumed: at,
    errorMessageIndex: messages.length,
    messages,
    attrs: c.full.attrs.slice(0, attrCount),
  });
  for (const m of c.full.messages) {
    if (messages.length >= maxMessages) return fail(WalkStatus.CAPACITY, m.offset, m.offset);
    for (let j = m.firstAttr; j < m.firstAttr + m.attrCount; j++) {
      const a = c.full.attrs[j]!;
      if (a.depth > c.maxDepth) return fail(WalkStatus.DEPTH, a.offset, m.offset);
      if (j >= maxAttrs) return fail(WalkStatus.CAPACITY, m.offset, m.offset);
    }
    messages.push(m);
    attrCount = m.firstAttr + m.attrCount;
  }
  return {
    status: WalkStatus.OK,
    errorOffset: 0,
    messageCount: messages.length,
    attrCount,
    consumed: c.bytes.length,
    errorMessageIndex: NO_INDEX,
    messages,
    attrs: c.full.attrs.slice(0, attrCount),
  };
}

const limitsArb: fc.Arbitrary<WalkLimits | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.record({ maxMessages: fc.integer({ min: 0, max: 6 }), maxAttrs: fc.integer({ min: 0, max: 30 }) }) },
);

/** How a case reaches each engine: WASM via walk() or a receive slot; TS aligned or not. */
const routeArb = fc.record({ viaSlot: fc.boolean(), tsShift: fc.integer({ min: 0, max: 3 }) });
type Route = { viaSlot: boolean; tsShift: number };

function walkPair(pair: Pair, bytes: Uint8Array, limits: WalkLimits | undefined, route: Route): PlainWalk {
  let wasmIndex: WalkIndex;
  if (route.viaSlot && bytes.length <= pair.wasm.slotSize) {
    pair.wasm.receiveSlot(1).set(bytes);
    wasmIndex = pair.wasm.walkSlot(1, bytes.length, limits);
  } else {
    wasmIndex = pair.wasm.walk(bytes, limits);
  }
  const a = wasmIndex.toPlain();
  let tsInput = bytes;
  if (route.tsShift !== 0) {
    // Same bytes at an unaligned byteOffset: exercises the TS copy path.
    const holder = new Uint8Array(bytes.length + route.tsShift);
    holder.set(bytes, route.tsShift);
    tsInput = holder.subarray(route.tsShift);
  }
  const b = pair.ts.walk(tsInput, limits).toPlain();
  assert.equal(a, b, 'WASM and TS indexes differ');
  return a;
}

// ---------------------------------------------------------------------------------------
// Property budget

// uvu prints only the message: put the failing assertion into fast-check's report.
fc.configureGlobal({ includeErrorInReport: true });

const TOTAL_RUNS = Number(process.env['NLWIRE_FUZZ_RUNS'] ?? (process.env['CI'] ? 100_000 : 10_000));
const runs = (share: number): number => Math.max(1, Math.round(TOTAL_RUNS * share));
let casesRun = 0;
const count = (): void => {
  casesRun++;
};

/** Byte noise with plausible header-like tokens mixed in, so walks get past the first header. */
const headerToken = fc
  .tuple(fc.integer({ min: 12, max: 160 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 0xffff }))
  .map(([len, type, flags]) => [...u32le(len), ...u16le(type), ...u16le(flags), ...u32le(0), ...u32le(0)]);
const noiseToken = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Array.from(b)),
  fc.integer({ min: 0, max: 96 }).map((n) => u16le(n)),
  headerToken,
  // nlattr-like: small length, type with random flag bits
  fc
    .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0xffff }))
    .map(([len, type]) => [...u16le(len), ...u16le(type & 0xc00f)]),
);
const noise = fc
  .tuple(headerToken, fc.array(noiseToken, { maxLength: 60, size: 'medium' }))
  .map(([first, rest]) => Uint8Array.from([...first, ...rest.flat()]));

/** Mutations: a random byte, a small aligned length, or a flipped NESTED bit. */
const mutation = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 255 }));
function mutate(bytes: Uint8Array, [pick, kind, value]: [number, number, number]): void {
  if (bytes.length < 4) return;
  const pos = pick % bytes.length;
  const aligned = pos & ~3;
  if (kind === 0 || aligned + 4 > bytes.length) bytes[pos] = value;
  else if (kind === 1) bytes.set(u16le(value % 48), aligned);
  else bytes[aligned + 3] = bytes[aligned + 3]! ^ 0x80;
}

test('differential: arbitrary bytes', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: TABLE_COUNT - 1 }),
      fc.constantFrom(...MAX_DEPTHS),
      fc.oneof(fc.uint8Array({ maxLength: 300 }), noise),
      limitsArb,
      routeArb,
      (tableId, maxDepth, bytes, limits, route) => {
        count();
        const r = walkPair(pairFor(tableId, maxDepth), bytes, limits, route);
        checkInvariants(r, bytes.length, maxDepth);
      },
    ),
    { numRuns: runs(0.3) },
  );
});

test('differential + oracle: valid streams with nested trees', () => {
  fc.assert(
    fc.property(streams, limitsArb, routeArb, (c, limits, route) => {
      count();
      const r = walkPair(pairFor(c.tableId, c.maxDepth), c.bytes, limits, route);
      checkInvariants(r, c.bytes.length, c.maxDepth);
      assert.equal(r, expectedWalk(c, limits));
    }),
    { numRuns: runs(0.3) },
  );
});

test('differential: valid streams truncated at a random point', () => {
  fc.assert(
    fc.property(streams, fc.nat(), routeArb, (c, cutPick, route) => {
      count();
      const cut = c.bytes.length === 0 ? 0 : cutPick % c.bytes.length;
      const pair = pairFor(c.tableId, c.maxDepth);
      const r = walkPair(pair, c.bytes.subarray(0, cut), undefined, route);
      checkInvariants(r, cut, c.maxDepth);
      // Whatever was indexed is a prefix of the full walk.
      const full = expectedWalk(c, undefined);
      assert.ok(r.messageCount <= full.messageCount);
      assert.equal(r.messages, full.messages.slice(0, r.messageCount));
      assert.equal(r.attrs, full.attrs.slice(0, r.attrCount));
    }),
    { numRuns: runs(0.2) },
  );
});

test('differential: valid streams with random byte mutations', () => {
  fc.assert(
    fc.property(
      streams,
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      limitsArb,
      routeArb,
      (c, mutations, limits, route) => {
        count();
        const bytes = c.bytes.slice();
        for (const m of mutations) mutate(bytes, m);
        const r = walkPair(pairFor(c.tableId, c.maxDepth), bytes, limits, route);
        checkInvariants(r, bytes.length, c.maxDepth);
      },
    ),
    { numRuns: runs(0.2) },
  );
});

// ---------------------------------------------------------------------------------------
// Exact semantics

const [wasmRtnl, tsRtnl] = engines(rtnl);

test('OK: a route message is indexed exactly', () => {
  const body = [
    ...rtmsg(),
    ...nla(15, u32le(254)), // RTA_TABLE at 28
    ...nla(1, [10, 0, 0, 0]), // RTA_DST at 36
    ...nla(5, [192, 168, 1, 1]), // RTA_GATEWAY at 44
    ...nla(4, u32le(3)), // RTA_OIF at 52
  ];
  const bytes = bytesOf(nlmsg(RTM_NEWROUTE, 0x2, body), nlmsg(NLMSG_DONE, 0x2, u32le(0)));
  const r = walkBoth(wasmRtnl, tsRtnl, bytes);
  assert.equal(r, {
    status: 0,
    errorOffset: 0,
    messageCount: 2,
    attrCount: 4,
    consumed: 80,
    errorMessageIndex: NO_INDEX,
    messages: [
      { offset: 0, length: 60, type: 24, flags: 2, firstAttr: 0, attrCount: 4 },
      { offset: 60, length: 20, type: 3, flags: 2, firstAttr: 4, attrCount: 0 },
    ],
    attrs: [
      { offset: 28, length: 8, rawType: 15, parent: NO_INDEX, depth: 0 },
      { offset: 36, length: 8, rawType: 1, parent: NO_INDEX, depth: 0 },
      { offset: 44, length: 8, rawType: 5, parent: NO_INDEX, depth: 0 },
      { offset: 52, length: 8, rawType: 4, parent: NO_INDEX, depth: 0 },
    ],
  });
});

test('OK: empty region', () => {
  const r = walkBoth(wasmRtnl, tsRtnl, new Uint8Array(0));
  assert.is(r.status, WalkStatus.OK);
  assert.is(r.consumed, 0);
  assert.is(r.messageCount, 0);
});

test('OK: unaligned last attribute and message end at the region end', () => {
  // nla_len 5 and nlmsg_len 16 + 12 + 5 = 33: aligned steps overshoot, unaligned ones fit.
  const bytes = bytesOf(nlmsg(RTM_NEWROUTE, 0, [...rtmsg(), ...nla(7, [9])], 33)).subarray(0, 33);
  const r = walkBoth(wasmRtnl, tsRtnl, bytes);
  assert.is(r.status, WalkStatus.OK);
  assert.is(r.consumed, 33);
  assert.equal(r.attrs, [{ offset: 28, length: 5, rawType: 7, parent: NO_INDEX, depth: 0 }]);
});

test('MSG_TRUNCATED: fewer than 16 bytes after a message', () => {
  const bytes = bytesOf(nlmsg(NLMSG_DONE, 0, u32le(0)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const r = walkBoth(wasmRtnl, tsRtnl, bytes);
  assert.is(r.status, WalkStatus.MSG_TRUNCATED);
  assert.is(r.errorOffset, 20);
  assert.is(r.messageCount, 1);
  assert.is(r.consumed, 20);
  assert.is(r.errorMessageIndex, 1);
});

test('MSG_BAD_LENGTH: nlmsg_len < 16 and nlmsg_len > remaining', () => {
  const small = walkBoth(wasmRtnl, tsRtnl, bytesOf(nlmsg(NLMSG_DONE, 0, u32le(0), 12)));
  assert.is(small.status, WalkStatus.MSG_BAD_LENGTH);
  assert.is(small.errorOffset, 0);
  assert.is(small.errorMessageIndex, 0);
  const long = walkBoth(wasmRtnl, tsRtnl, bytesOf(nlmsg(NLMSG_DONE, 0, u32le(0)), nlmsg(NLMSG_DONE, 0, u32le(0), 40)));
  assert.is(long.status, WalkStatus.MSG_BAD_LENGTH);
  assert.is(long.errorOffset, 20);
  assert.is(long.messageCount, 1);
  const huge = walkBoth(wasmRtnl, tsRtnl, bytesOf(nlmsg(NLMSG_DONE, 0, u32le(0), 0xfffffff0)));
  assert.is(huge.status, WalkStatus.MSG_BAD_LENGTH);
});

test('MSG_SHORT_FOR_HEADER: body smaller than the family header', () => {
  const bytes = bytesOf(nlmsg(NLMSG_DONE, 0, u32le(0)), nlmsg(RTM_NEWROUTE, 0, [2, 24, 0, 0, 254, 4, 0, 1]));
  const r = walkBoth(wasmRtnl, tsRtnl, bytes);
  assert.is(r.status, WalkStatus.MSG_SHORT_FOR_HEADER);
  assert.is(r.errorOffset, 20);
  assert.is(r.errorMessageIndex, 1);
  assert.is(r.consumed, 20);
});

test('ATTR_TRUNCATED: 1..3 bytes left, and nla_len beyond the area', () => {
  // nlmsg_len covers an 8-byte attribute plus 2 stray bytes at 36.
  const stray = bytesOf(nlmsg(RTM_NEWROUTE, 0, [...rtmsg(), ...nla(1, u32le(1)), 0xaa, 0xbb]));
  const r1 = walkBoth(wasmRtnl, tsRtnl, stray);
  assert.is(r1.status, WalkStatus.ATTR_TRUNCATED);
  assert.is(r1.errorOffset, 36);
  assert.is(r1.messageCount, 0);
  assert.is(r1.attrCount, 0, 'a message with malformed attributes is not counted');
  assert.is(r1.errorMessageIndex, 0);
  // nla_len 12 but only 8 bytes left in the message.
  const long = bytesOf(nlmsg(NLMSG_DONE, 0, u32le(0)), nlmsg(RTM_NEWROUTE, 0, [...rtmsg(), ...nla(1, u32le(1), 12)]));
  const r2 = walkBoth(wasmRtnl, tsRtnl, long);
  assert.is(r2.status, WalkStatus.ATTR_TRUNCATED);
  assert.is(r2.errorOffset, 20 + 28);
  assert.is(r2.messageCount, 1);
  // A child that runs past its nested parent.
  const child = nla(2, u32le(5), 12);
  const nested = bytesOf(nlmsg(RTM_NEWROUTE, 0, [...rtmsg(), ...nla(8 | NESTED, child, 12), 0, 0, 0, 0]));
  const r3 = walkBoth(wasmRtnl, tsRtnl, nested);
  assert.is(r3.status, WalkStatus.ATTR_TRUNCATED);
  assert.is(r3.errorOffset, 32);
});

test('ATTR_BAD_LENGTH: nla_len < 4', () => {
  const bytes = bytesOf(nlmsg(RTM_NEWROUTE, 0, [...rtmsg(), ...nla(1, u32le(1)), ...u16le(2), ...u16le(3)]));
  const r = walkBoth(wasmRtnl, tsRtnl, bytes);
  assert.is(r.status, WalkStatus.ATTR_BAD_LENGTH);
  assert.is(r.errorOffset, 36);
  assert.is(r.attrCount, 0);
});

test('DEPTH: first attribute deeper than maxDepth; empty nests at the limit are fine', () => {
  const [wasm1, ts1] = engines(rtnl, 1);
  const level2 = nla(3, u32le(1)); // depth 2 at 28 + 4 + 4
  const level1 = nla(2 | NESTED, level2);
  const deep = bytesOf(nlmsg(RTM_NEWROUTE, 0, [...rtmsg(), ...nla(1 | NESTED, level1)]));
  const r = walkBoth(wasm1, ts1, deep);
  assert.is(r.status, WalkStatus.DEPTH);
  assert.is(r.errorOffset, 36);
  assert.is(r.attrCount, 0);
  const emptyAtLimit = bytesOf(nlmsg(RTM_NEWROUTE, 0, [...rtmsg(), ...nla(1 | NESTED, nla(2 | NESTED, [])), ...nla(4, u32le(1))]));
  const ok = walkBoth(wasm1, ts1, emptyAtLimit);
  assert.is(ok.status, WalkStatus.OK);
  assert.equal(
    ok.attrs.map((a) => [a.offset, a.parent, a.depth]),
    [
      [28, NO_INDEX, 0],
      [32, 0, 1],
      [36, NO_INDEX, 0],
    ],
  );
});

test('NLA_F_NESTED decides descent; NET_BYTEORDER is kept in the raw type', () => {
  const inner = nla(1, u32le(7));
  const bytes = bytesOf(nlmsg(RTM_NEWROUTE, 0, [...rtmsg(), ...nla(8, inner), ...nla(8 | NESTED, inner), ...nla(9 | NET_ORDER, u32le(1))]));
  const idx = wasmRtnl.walk(bytes);
  assert.equal(idx.toPlain(), tsRtnl.walk(bytes).toPlain());
  assert.is(idx.attrCount, 4);
  assert.is(idx.attrNested(0), false);
  assert.is(idx.attrNested(1), true);
  assert.is(idx.attrParent(2), 1);
  assert.is(idx.attrDepth(2), 1);
  assert.is(idx.attrU32(2), 7);
  assert.is(idx.attrType(3), 9);
  assert.is(idx.attrRawType(3), 9 | NET_ORDER);
  assert.is(idx.attrNetByteOrder(3), true);
});

test('CAPACITY: stops at the start of the message that did not fit; resuming completes the walk', () => {
  const route = (oif: number): number[] => nlmsg(RTM_NEWROUTE, 2, [...rtmsg(), ...nla(15, u32le(254)), ...nla(4, u32le(oif))]);
  const bytes = bytesOf(route(1), route(2), route(3)); // 44 bytes each, 2 attrs each
  const full = walkBoth(wasmRtnl, tsRtnl, bytes);
  assert.is(full.messageCount, 3);
  const byMessages = walkBoth(wasmRtnl, tsRtnl, bytes, { maxMessages: 1 });
  assert.is(byMessages.status, WalkStatus.CAPACITY);
  assert.is(byMessages.errorOffset, 44);
  assert.is(byMessages.consumed, 44);
  assert.is(byMessages.messageCount, 1);
  const byAttrs = walkBoth(wasmRtnl, tsRtnl, bytes, { maxAttrs: 3 });
  assert.is(byAttrs.status, WalkStatus.CAPACITY);
  assert.is(byAttrs.errorOffset, 44);
  assert.is(byAttrs.messageCount, 1);
  assert.is(byAttrs.attrCount, 2, 'attributes of the unfinished message are rolled back');
  // Resume from `consumed` in pieces and compare with the full walk.
  const offsets: number[] = [];
  for (let start = 0; start < bytes.length; ) {
    const piece = walkBoth(wasmRtnl, tsRtnl, bytes.subarray(start), { maxAttrs: 3 });
    assert.ok(piece.consumed > 0, 'progress');
    for (const m of piece.messages) offsets.push(start + m.offset);
    start += piece.consumed;
  }
  assert.equal(offsets, full.messages.map((m) => m.offset));
});

test('control messages are never walked, whatever the table says', () => {
  const zeros = new Uint8Array(65536); // hand-made table: every type has a 0-byte header
  const [wasm, ts] = engines(zeros);
  // NLMSG_ERROR, then type 15 (the last reserved control type), then a family message.
  const bytes = bytesOf(nlmsg(2, 0, [0xff, 0xff, 0xff, 0xff, 0, 0]), nlmsg(15, 0, nla(1, [1])), nlmsg(24, 0, nla(1, [1])));
  const r = walkBoth(wasm, ts, bytes);
  assert.is(r.status, WalkStatus.OK);
  assert.equal(r.messages.map((m) => m.attrCount), [0, 0, 1]);
});

test('WalkIndex accessors', () => {
  const metrics = nla(8 | NESTED, [...nla(2, u32le(1500)), ...nla(3, u32le(9))]);
  const body = [...rtmsg(), ...nla(15, u32le(254)), ...metrics, ...nla(4, u32le(3))];
  const bytes = bytesOf(nlmsg(RTM_NEWROUTE, 0x22, body));
  for (const walker of [wasmRtnl, tsRtnl]) {
    const idx = walker.walk(bytes);
    assert.ok(idx.ok);
    assert.is(idx.statusText, 'ok');
    assert.is(idx.msgType(0), RTM_NEWROUTE);
    assert.is(idx.msgFlags(0), 0x22);
    assert.is(idx.msgLength(0), bytes.length);
    assert.is(idx.msgBytes(0).length, bytes.length);
    assert.is(idx.msgAttrCount(0), 5);
    assert.is(idx.findAttr(0, 4), 4);
    assert.is(idx.attrU32(idx.findAttr(0, 4)), 3);
    assert.is(idx.findAttr(0, 2), -1, 'depth 0 only by default');
    assert.is(idx.findAttr(0, 2, 1), 2);
    assert.is(idx.attrU32(2), 1500);
    assert.is(idx.attrU16(2), 1500);
    assert.is(idx.attrU8(0), 254);
    assert.equal([...idx.childrenOf(-1, 0)], [0, 1, 4]);
    assert.equal([...idx.childrenOf(1)], [2, 3]);
    assert.equal(Array.from(idx.attrPayload(3)), u32le(9));
    assert.is(idx.attrPayloadOffset(3), idx.attrOffset(3) + 4);
    assert.is(idx.attrPayloadLength(3), 4);
  }
});

test('walkStatusText and WalkStatus', () => {
  assert.is(Object.keys(WalkStatus).length, 8);
  for (const code of Object.values(WalkStatus)) assert.type(walkStatusText(code), 'string');
  assert.match(walkStatusText(99), 'unknown');
});

test('receive slots, scratch growth and view rebuilding', () => {
  const wasm = new WasmWalker({ headerSizes: rtnl, maxDepth: 16, slotCount: 2, slotSize: 4096 });
  const msg = bytesOf(nlmsg(RTM_NEWROUTE, 0, [...rtmsg(), ...nla(4, u32le(11))]));
  wasm.receiveSlot(1).set(msg);
  assert.is(wasm.walkSlot(1, msg.length).attrU32(0), 11);
  assert.throws(() => wasm.receiveSlot(2), isRangeError);
  assert.throws(() => wasm.walkSlot(0, 4097), isRangeError);
  const before = wasm.memoryBytes;
  const big = new Uint8Array(100 * 1024);
  for (let off = 0; off + msg.length <= big.length; off += msg.length) big.set(msg, off);
  const usable = Math.floor(big.length / msg.length) * msg.length;
  const r = wasm.walk(big.subarray(0, usable));
  assert.ok(wasm.memoryBytes > before, 'memory grew for a large input');
  assert.is(r.messageCount, usable / msg.length);
  assert.equal(r.toPlain(), new TsWalker(rtnl, 16).walk(big.subarray(0, usable)).toPlain());
  // Views taken after growth work; slot contents survived the growth.
  assert.is(wasm.walkSlot(1, msg.length).attrU32(0), 11);
  const scratch = wasm.scratch(usable);
  assert.is(wasm.walkScratch(msg.length, msg.length * 2).messageCount, 2);
  assert.ok(scratch.length >= usable);
});

test('createWalker: engines, fallback knobs and header tables', () => {
  const w = createWalker({ headerSizes: rtnl });
  assert.is(w.engine, 'wasm');
  if (w.engine === 'wasm') assert.is(w.receiveSlot(0).length, 65536);
  const js = createWalker({ headerSizes: rtnl, engine: 'js' });
  assert.is(js.engine, 'js');
  assert.throws(() => createWalker({ headerSizes: new Uint8Array(10) }), isRangeError);
  assert.throws(() => createWalker({ headerSizes: rtnl, maxDepth: -1 }), isRangeError);
  const table = headerTable(new Map([[16, 16], [3, 0]]), 4);
  assert.is(table[16], 16);
  assert.is(table[3], 0xff, 'control types are forced to 0xFF');
  assert.is(table[100], 4);
  assert.is(headerTable({ 24: 12 })[25], 0xff);
  assert.throws(() => headerTable({ 24: 256 }), isRangeError);
  assert.throws(() => headerTable([[70000, 1]]), isRangeError);
});

test('bounded time: 4 MiB of random bytes and a 4 MiB message of 1M attributes', () => {
  const random = new Uint8Array(4 << 20);
  for (let off = 0; off < random.length; off += 65536) crypto.getRandomValues(random.subarray(off, off + 65536));
  // Start with a valid-looking header so the walk does not stop at byte 0 every time.
  random.set(bytesOf(nlmsg(RTM_NEWLINK, 0, new Array(16).fill(0))), 0);
  const [wasm, ts] = engines(rtnl);
  let t0 = performance.now();
  walkBoth(wasm, ts, random);
  assert.ok(performance.now() - t0 < 5000, 'random 4 MiB walk is quick');
  // One message of 4-byte empty attributes: the attribute table's worst case.
  const len = 4 << 20;
  const dense = new Uint8Array(len);
  const view = new DataView(dense.buffer);
  view.setUint32(0, len, true);
  view.setUint16(4, RTM_NEWLINK, true);
  for (let off = 32; off < len; off += 4) view.setUint16(off, 4, true);
  t0 = performance.now();
  const r = walkBoth(wasm, ts, dense);
  assert.ok(performance.now() - t0 < 5000, 'dense 4 MiB walk is quick');
  assert.is(r.status, WalkStatus.OK);
  assert.is(r.attrCount, (len - 32) / 4);
});

test('fuzz budget', () => {
  assert.ok(casesRun >= TOTAL_RUNS * 0.99, `ran ${casesRun} property cases`);
  console.log(`  ${casesRun} property cases (NLWIRE_FUZZ_RUNS / CI to change)`);
});

test.run();
