// A column extractor compiled for one plan: a WebAssembly module emitted byte by byte, whose one
// function has the message type, the family header size, every field's offset, width and column,
// and every attribute type as constants (header stores unrolled, attributes dispatched by
// br_table straight to their column's store). Same checks, same DecodeError reasons and offsets
// as the JS reference in columns.ts; no dependency: a handful of opcodes, LEB128 and five sections.
//
// The function: extract(input, len, row0, ctl) -> rows written, or -1 with ctl[0] = byte offset
// and ctl[1] = reason. ctl holds u32 words: 0 error offset, 1 error reason, 2 the present
// column's address, 3 + i column i's address (plan order): the layout can move between calls.
import type { MessageMatch } from './family.js';

/**
 * Field kinds a column can hold (1 to 12 and 14, 15 shared with the table-driven
 * assembly/extract.ts, which uses 13 itself). `uint`/`sint` are the kernel's variable-width
 * NLA_UINT/NLA_SINT (4 or 8 bytes); every 64-bit kind fills a bigint column. A text kind
 * (`string`, `mac`) stores where its payload is (offset in the input, length), and the
 * JavaScript side makes the string from the input.
 */
export const KIND = {
  u8: 1, u16: 2, u32: 3, s8: 4, s16: 5, s32: 6, ipv4: 7, ipv6: 8, flag: 9, u16be: 10, u32be: 11, ip: 12,
  s16be: 14, s32be: 15, u64: 16, s64: 17, u64be: 18, s64be: 19, uint: 20, sint: 21, uintbe: 22, sintbe: 23,
  string: 24, mac: 25,
} as const;
export type Kind = (typeof KIND)[keyof typeof KIND];

/**
 * A sub-message's format on the way to a column, picked as decode() picks it: by an attribute
 * beside it (`from` 'attr', `selector` its type; the first one counts) or by a field of the
 * message's family header (`from` 'header', `selector` its offset). A selector of kind
 * `string` must read `name` (up to its first NUL); an integer one must hold `value`.
 */
export interface SubStep { from: 'attr' | 'header'; selector: number; kind: Kind; name: string; value: number }

/**
 * One selector of a level: `slot` its index in the level's list (where the engines keep which
 * case it matched), and the formats' names and numbers its value is compared with.
 */
export interface Selector { from: 'attr' | 'header'; selector: number; kind: Kind; slot: number; cases: Array<{ name: string; value: number }> }
/**
 * One nest on the way to an attribute column: its attribute type and the fixed header its
 * payload starts with; with `select`, a sub-message in that format.
 */
export interface NestStep { type: number; hdr: number; select?: SubStep }

/**
 * One column. A family-header field: `at` its offset. An attribute: `at` its type, `path` the
 * nests it is inside (outermost first, empty at the top level); with `inStruct`, the column is
 * the field at byte `offset` of the attribute's struct payload (else the payload is the value).
 */
export interface FieldPlan {
  name: string; source: 'header' | 'attr'; at: number; kind: Kind; bit: number;
  path: readonly NestStep[]; offset: number; inStruct: boolean;
}

/** Value size per kind (`ip` is checked apart: 4 or 16; `uint`/`sint` too: 4 or 8). */
export const PAYLOAD: Record<Kind, number> = {
  1: 1, 2: 2, 3: 4, 4: 1, 5: 2, 6: 4, 7: 4, 8: 16, 9: 0, 10: 2, 11: 4, 12: 16,
  14: 2, 15: 4, 16: 8, 17: 8, 18: 8, 19: 8, 20: 8, 21: 8, 22: 8, 23: 8, 24: 0, 25: 0,
};
export const wideKind = (k: Kind): boolean => k === KIND.ipv6 || k === KIND.ip;
/** Kinds whose column holds bigints (BigInt64Array / BigUint64Array). */
export const bigKind = (k: Kind): boolean => k >= KIND.u64 && k <= KIND.sintbe;
/** Kinds whose column is a string per row, made from the payload's place (any payload length). */
export const textKind = (k: Kind): boolean => k === KIND.string || k === KIND.mac;
/** Kinds whose column holds signed values. */
export const signedKind = (k: Kind): boolean =>
  k === KIND.s8 || k === KIND.s16 || k === KIND.s32 || k === KIND.s16be || k === KIND.s32be
  || k === KIND.s64 || k === KIND.s64be || k === KIND.sint || k === KIND.sintbe;
/** Bytes one row takes in a column of this kind. */
export const elementBytes = (k: Kind): number => (wideKind(k) ? 16 : bigKind(k) || textKind(k) ? 8 : 4);
/** The kind an attribute of kind `k` has when it carries NLA_F_NET_BYTEORDER (big-endian whatever the declaration says). */
export function netByteOrder(k: Kind): Kind {
  switch (k) {
    case KIND.u16: return KIND.u16be;
    case KIND.u32: return KIND.u32be;
    case KIND.s16: return KIND.s16be;
    case KIND.s32: return KIND.s32be;
    case KIND.u64: return KIND.u64be;
    case KIND.s64: return KIND.s64be;
    case KIND.uint: return KIND.uintbe;
    case KIND.sint: return KIND.sintbe;
    default: return k;
  }
}
/** Variable-width kinds (a 4- or 8-byte payload). */
export const variableKind = (k: Kind): boolean => k >= KIND.uint && k <= KIND.sintbe;

/**
 * The attribute columns of one level of nesting: leaves by attribute type (plan indices), the
 * nests leading deeper, and the sub-messages (walked after the level, once their selector is
 * known) with the selectors that pick their formats.
 */
export interface LevelPlan {
  leaves: Map<number, number[]>;
  nests: Map<number, { hdr: number; level: LevelPlan }>;
  /** By the sub-message's attribute type: the formats walked, each when its selector matched `case`. */
  subs: Map<number, Array<{ selector: Selector; case: number; level: LevelPlan }>>;
  selectors: Selector[];
  /** The selectors that are attributes of this level, by attribute type. */
  attrSelectors: Map<number, Selector>;
}

const newLevel = (): LevelPlan => ({ leaves: new Map(), nests: new Map(), subs: new Map(), selectors: [], attrSelectors: new Map() });

/** The attribute columns of a plan as a tree of levels (the top level first). */
export function levelsOf(plan: readonly FieldPlan[]): LevelPlan {
  const top = newLevel();
  plan.forEach((f, i) => {
    if (f.source !== 'attr') return;
    let level = top;
    for (const step of f.path) {
      const sel = step.select;
      if (sel) {
        let selector = level.selectors.find((x) => x.from === sel.from && x.selector === sel.selector);
        if (!selector) {
          selector = { from: sel.from, selector: sel.selector, kind: sel.kind, slot: level.selectors.length, cases: [] };
          level.selectors.push(selector);
          if (sel.from === 'attr') level.attrSelectors.set(sel.selector, selector);
        }
        let k = selector.cases.findIndex((x) => x.name === sel.name);
        if (k < 0) k = selector.cases.push({ name: sel.name, value: sel.value }) - 1;
        let list = level.subs.get(step.type);
        if (!list) { list = []; level.subs.set(step.type, list); }
        let e = list.find((x) => x.selector === selector && x.case === k);
        if (!e) { e = { selector, case: k, level: newLevel() }; list.push(e); }
        level = e.level;
        continue;
      }
      let next = level.nests.get(step.type);
      if (!next) { next = { hdr: step.hdr, level: newLevel() }; level.nests.set(step.type, next); }
      level = next.level;
    }
    const list = level.leaves.get(f.at);
    if (list) list.push(i); else level.leaves.set(f.at, [i]);
  });
  return top;
}

/** How deep the plan's nests go (0: top-level attributes only). */
export function depthOf(level: LevelPlan): number {
  let d = 0;
  for (const n of level.nests.values()) d = Math.max(d, 1 + depthOf(n.level));
  for (const list of level.subs.values()) for (const e of list) d = Math.max(d, 1 + depthOf(e.level));
  return d;
}

/**
 * Which of the `cases` a string attribute's payload [p, p + n) names as decode() reads it (up
 * to its first NUL): the index, or -1.
 */
export function selectedName(b: Uint8Array, p: number, n: number, cases: Selector['cases']): number {
  for (let k = 0; k < cases.length; k++) {
    const name = cases[k]!.name;
    const l = name.length;
    if (n < l || (n > l && b[p + l] !== 0)) continue;
    let i = 0;
    while (i < l && b[p + i] === name.charCodeAt(i)) i++;
    if (i === l) return k;
  }
  return -1;
}

/** Reason codes in ctl[1] (and in assembly/extract.ts). */
export const FAIL = { messageTruncated: 1, messageBadLength: 2, messageShortForHeader: 3, attrTruncated: 4, attrBadLength: 5, attrBadSize: 6 } as const;

/** Word index in ctl of column i's address. */
export const CTL_COLUMNS = 3;

// ---- opcodes --------------------------------------------------------------------------------------

const OP = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, brTable: 0x0e, return: 0x0f,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i64Load: 0x29, i32Load8s: 0x2c, i32Load8u: 0x2d, i32Load16s: 0x2e, i32Load16u: 0x2f, i32Store: 0x36, i64Store: 0x37,
  i32Const: 0x41, i64Const: 0x42,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtU: 0x49, i32GtU: 0x4b, i32GeU: 0x4f,
  i32Add: 0x6a, i32Sub: 0x6b, i32And: 0x71, i32Or: 0x72, i32Shl: 0x74, i32ShrS: 0x75, i32ShrU: 0x76, i32Rotl: 0x77, i32Rotr: 0x78,
  i64Load32s: 0x34, i64Load32u: 0x35, i64ExtendI32s: 0xac, i64ExtendI32u: 0xad,
} as const;
const VOID = 0x40;
const I32 = 0x7f;

function uleb(out: number[], n: number): void {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

function sleb(out: number[], n: number): void {
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) { out.push(byte); return; }
    out.push(byte | 0x80);
  }
}

/** A function body being written: opcodes with their immediates. */
class Code {
  readonly bytes: number[] = [];
  op(...ops: number[]): this { this.bytes.push(...ops); return this; }
  get(local: number): this { this.bytes.push(OP.localGet); uleb(this.bytes, local); return this; }
  set(local: number): this { this.bytes.push(OP.localSet); uleb(this.bytes, local); return this; }
  tee(local: number): this { this.bytes.push(OP.localTee); uleb(this.bytes, local); return this; }
  i32(n: number): this { this.bytes.push(OP.i32Const); sleb(this.bytes, n); return this; }
  i64zero(): this { this.bytes.push(OP.i64Const, 0); return this; }
  /** A load or store with its alignment (log2) and constant offset. */
  mem(op: number, align: number, offset: number): this { this.bytes.push(op); uleb(this.bytes, align); uleb(this.bytes, offset); return this; }
  block(kind: number): this { this.bytes.push(kind, VOID); return this; }
  br(op: number, depth: number): this { this.bytes.push(op); uleb(this.bytes, depth); return this; }
  brTable(targets: readonly number[], fallback: number): this {
    this.bytes.push(OP.brTable); uleb(this.bytes, targets.length);
    for (const t of targets) uleb(this.bytes, t);
    uleb(this.bytes, fallback);
    return this;
  }
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id); uleb(out, body.length); out.push(...body);
}

function name(out: number[], s: string): void {
  uleb(out, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/** A module importing env.memory and exporting `extract` with the given body. */
function moduleOf(localCount: number, body: Code): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(out, 1, [1, 0x60, 4, I32, I32, I32, I32, 1, I32]);
  const imports: number[] = [1];
  name(imports, 'env'); name(imports, 'memory'); imports.push(0x02, 0x00, 0x00);
  section(out, 2, imports);
  section(out, 3, [1, 0]);
  const exports: number[] = [1];
  name(exports, 'extract'); exports.push(0x00, 0x00);
  section(out, 7, exports);
  const fn: number[] = [1];
  uleb(fn, localCount); fn.push(I32);
  fn.push(...body.bytes, OP.end);
  const code: number[] = [1];
  uleb(code, fn.length); code.push(...fn);
  section(out, 10, code);
  return Uint8Array.from(out);
}

// ---- the generator -------------------------------------------------------------------------------

// Attribute types dispatch through a br_table when the largest is below this (a small module:
// browsers refuse to compile modules over 4 KB synchronously), else through an if-chain.
const BR_TABLE_LIMIT = 512;

/** How a value is read in the generated code: a kind, or a 4-byte NLA_UINT/NLA_SINT widened to 64 bits. */
type Load = Kind | 'w32u' | 'w32s' | 'w32ube' | 'w32sbe';

/**
 * The module for one plan: message type `type`, family header of `hdrSize` bytes. The bytes are
 * deterministic in the plan (callers may cache the compiled module by plan).
 */
export function extractorModuleBytes(type: number, hdrSize: number, plan: readonly FieldPlan[], when?: MessageMatch): Uint8Array<ArrayBuffer> {
  // params
  const INPUT = 0, LEN = 1, ROW0 = 2, CTL = 3;
  // locals
  let n = 4;
  const OFF = n++, REM = n++, MLEN = n++, MSG = n++, PRESENT = n++, ROW = n++, R4 = n++, R8 = n++, R16 = n++, X = n++, PRESENT_COL = n++, SELX = n++;
  const top = levelsOf(plan);
  // each level of nesting walks its attributes with locals of its own
  const lv = Array.from({ length: depthOf(top) + 1 }, () => ({ AT: n++, END: n++, A: n++, ALEN: n++, RAW: n++ }));
  const colLocal = plan.map(() => n++);
  const c = new Code();

  const fail = (offsetLocal: number, reason: number): void => {
    c.get(CTL).get(offsetLocal).mem(OP.i32Store, 2, 0);
    c.get(CTL).i32(reason).mem(OP.i32Store, 2, 4);
    c.i32(-1).op(OP.return);
  };
  /** Pushes the address of this row's slot in column i. */
  const slot = (i: number): void => {
    const bytes = elementBytes(plan[i]!.kind);
    c.get(colLocal[i]!).get(bytes === 16 ? R16 : bytes === 8 ? R8 : R4).op(OP.i32Add);
  };
  const bswap32 = (): void => { // x on the stack (in X): (rotl(x, 8) & 0x00ff00ff) | (rotr(x, 8) & 0xff00ff00)
    c.tee(X).i32(8).op(OP.i32Rotl).i32(0x00ff00ff).op(OP.i32And);
    c.get(X).i32(8).op(OP.i32Rotr).i32(0xff00ff00 | 0).op(OP.i32And).op(OP.i32Or);
  };
  const bswap16 = (): void => { // a zero-extended u16 on the stack
    c.tee(X).i32(8).op(OP.i32ShrU).get(X).i32(8).op(OP.i32Shl).i32(0xff00).op(OP.i32And).op(OP.i32Or);
  };
  /** Stores a value read as `load` at `src` + `offset` into this row of column i. */
  const storeFrom = (i: number, load: Load, src: number, offset: number): void => {
    switch (load) {
      case KIND.ipv6:
        slot(i); c.get(src).mem(OP.i64Load, 0, offset).mem(OP.i64Store, 0, 0);
        slot(i); c.get(src).mem(OP.i64Load, 0, offset + 8).mem(OP.i64Store, 0, 8);
        return;
      case KIND.u64: case KIND.s64: case KIND.uint: case KIND.sint:
        slot(i); c.get(src).mem(OP.i64Load, 0, offset).mem(OP.i64Store, 0, 0);
        return;
      case KIND.u64be: case KIND.s64be: case KIND.uintbe: case KIND.sintbe: // the two words swapped, each byte-swapped
        slot(i); c.get(src).mem(OP.i32Load, 0, offset + 4); bswap32(); c.mem(OP.i32Store, 0, 0);
        slot(i); c.get(src).mem(OP.i32Load, 0, offset); bswap32(); c.mem(OP.i32Store, 0, 4);
        return;
      case 'w32u': slot(i); c.get(src).mem(OP.i64Load32u, 0, offset).mem(OP.i64Store, 0, 0); return;
      case 'w32s': slot(i); c.get(src).mem(OP.i64Load32s, 0, offset).mem(OP.i64Store, 0, 0); return;
      case 'w32ube': case 'w32sbe':
        slot(i); c.get(src).mem(OP.i32Load, 0, offset); bswap32();
        c.op(load === 'w32ube' ? OP.i64ExtendI32u : OP.i64ExtendI32s).mem(OP.i64Store, 0, 0);
        return;
    }
    slot(i);
    if (load === KIND.flag) c.i32(1);
    else pushInt(src, offset, load);
    c.mem(OP.i32Store, 0, 0);
  };
  /** Pushes the value of an integer kind up to 32 bits (or an IPv4 address) read at `src` + `offset`. */
  const pushInt = (src: number, offset: number, load: Kind): void => {
    c.get(src);
    switch (load) {
      case KIND.u8: c.mem(OP.i32Load8u, 0, offset); break;
      case KIND.s8: c.mem(OP.i32Load8s, 0, offset); break;
      case KIND.u16: c.mem(OP.i32Load16u, 0, offset); break;
      case KIND.s16: c.mem(OP.i32Load16s, 0, offset); break;
      case KIND.u16be: c.mem(OP.i32Load16u, 0, offset); bswap16(); break;
      case KIND.s16be: c.mem(OP.i32Load16u, 0, offset); bswap16(); c.i32(16).op(OP.i32Shl).i32(16).op(OP.i32ShrS); break;
      case KIND.ipv4: case KIND.u32be: case KIND.s32be: c.mem(OP.i32Load, 0, offset); bswap32(); break;
      default: c.mem(OP.i32Load, 0, offset); // u32, s32, the 4 bytes of an IPv4 `ip`
    }
  };

  // column addresses from ctl, once per call
  c.get(CTL).mem(OP.i32Load, 2, 8).set(PRESENT_COL);
  plan.forEach((_, i) => { c.get(CTL).mem(OP.i32Load, 2, (CTL_COLUMNS + i) * 4).set(colLocal[i]!); });
  c.get(ROW0).set(ROW);

  const headers = plan.map((f, i) => ({ f, i })).filter((e) => e.f.source === 'header');
  const attrs = plan.map((f, i) => ({ f, i })).filter((e) => e.f.source === 'attr');
  const headerBits = headers.reduce((m, e) => (m | e.f.bit) >>> 0, 0);

  /** The value of attribute column i, `kind` already byte-order adjusted, from the attribute at level `l`. */
  const attrValue = (i: number, kind: Kind, l: { A: number; ALEN: number; AT: number }): void => {
    if (textKind(kind)) {
      // the payload's offset in the input and its length
      slot(i); c.get(l.AT).i32(4).op(OP.i32Add).mem(OP.i32Store, 0, 0);
      slot(i); c.get(l.ALEN).i32(4).op(OP.i32Sub).mem(OP.i32Store, 0, 4);
    } else if (kind === KIND.ip) {
      // 4 bytes: the IPv4 address in the (zeroed) 16-byte slot; 16 bytes: the IPv6 address
      c.get(l.ALEN).i32(8).op(OP.i32Eq).block(OP.if);
      storeFrom(i, KIND.u32, l.A, 4);
      c.op(OP.else);
      c.get(l.ALEN).i32(20).op(OP.i32Ne).block(OP.if); fail(l.AT, FAIL.attrBadSize); c.op(OP.end);
      storeFrom(i, KIND.ipv6, l.A, 4);
      c.op(OP.end);
    } else if (variableKind(kind)) {
      c.get(l.ALEN).i32(8).op(OP.i32Eq).block(OP.if);
      storeFrom(i, kind === KIND.uint ? 'w32u' : kind === KIND.sint ? 'w32s' : kind === KIND.uintbe ? 'w32ube' : 'w32sbe', l.A, 4);
      c.op(OP.else);
      c.get(l.ALEN).i32(12).op(OP.i32Ne).block(OP.if); fail(l.AT, FAIL.attrBadSize); c.op(OP.end);
      storeFrom(i, kind, l.A, 4);
      c.op(OP.end);
    } else {
      c.get(l.ALEN).i32(4 + PAYLOAD[kind]).op(OP.i32Ne).block(OP.if); fail(l.AT, FAIL.attrBadSize); c.op(OP.end);
      storeFrom(i, kind, l.A, 4);
    }
  };

  /** The store of one attribute into column i (the first of its type at its place only). */
  const attrCase = (i: number, l: { A: number; ALEN: number; AT: number; RAW: number }): void => {
    const f = plan[i]!;
    c.get(PRESENT).i32(f.bit | 0).op(OP.i32And).op(OP.i32Eqz).block(OP.if);
    if (f.inStruct) {
      // a field of a struct payload: the payload reaches past it (a newer kernel's is longer)
      c.get(l.ALEN).i32(4 + f.offset + PAYLOAD[f.kind]).op(OP.i32LtU).block(OP.if); fail(l.AT, FAIL.attrBadSize); c.op(OP.end);
      storeFrom(i, f.kind, l.A, 4 + f.offset);
    } else if (netByteOrder(f.kind) !== f.kind) {
      // NLA_F_NET_BYTEORDER: big-endian whatever the declaration says
      c.get(l.RAW).i32(0x4000).op(OP.i32And).block(OP.if);
      attrValue(i, netByteOrder(f.kind), l);
      c.op(OP.else);
      attrValue(i, f.kind, l);
      c.op(OP.end);
    } else attrValue(i, f.kind, l);
    c.get(PRESENT).i32(f.bit | 0).op(OP.i32Or).set(PRESENT);
    c.op(OP.end);
  };

  /** The attribute loop of one level over [AT, END) of its locals (set by the caller); descends into the plan's nests. */
  const levelLoop = (d: number, level: LevelPlan): void => {
    const l = lv[d]!;
    // a selector's state: 0 not seen, 1 seen matching no name, 2 + k matching names[k];
    // a sub-message's place: its offset (0: not seen) and length
    const selState = level.selectors.map(() => n++);
    for (const sel of level.selectors) {
      const s = selState[sel.slot]!;
      if (sel.from === 'attr') { c.i32(0).set(s); continue; }
      // a family-header field: known before the attributes
      c.i32(1).set(s);
      pushInt(MSG, 16 + sel.selector, sel.kind); c.set(SELX);
      matchValue(sel, s);
    }
    const subPlace = new Map<number, { at: number; len: number }>();
    for (const t of level.subs.keys()) { const at = n++; subPlace.set(t, { at, len: n++ }); c.i32(0).set(at); }
    c.block(OP.block); // $attrsDone
    c.block(OP.loop); //   $attrs
    c.get(l.AT).get(l.END).op(OP.i32GeU).br(OP.brIf, 1);
    c.get(l.END).get(l.AT).op(OP.i32Sub).i32(4).op(OP.i32LtU).block(OP.if); fail(l.AT, FAIL.attrTruncated); c.op(OP.end);
    c.get(INPUT).get(l.AT).op(OP.i32Add).tee(l.A).mem(OP.i32Load16u, 0, 0).tee(l.ALEN).i32(4).op(OP.i32LtU).block(OP.if); fail(l.AT, FAIL.attrBadLength); c.op(OP.end);
    c.get(l.ALEN).get(l.END).get(l.AT).op(OP.i32Sub).op(OP.i32GtU).block(OP.if); fail(l.AT, FAIL.attrTruncated); c.op(OP.end);
    c.get(l.A).mem(OP.i32Load16u, 0, 2).set(l.RAW);
    const types = [...new Set([...level.leaves.keys(), ...level.nests.keys(), ...level.attrSelectors.keys(), ...level.subs.keys()])].sort((a, b) => a - b);
    const body = (t: number): void => {
      for (const i of level.leaves.get(t) ?? []) attrCase(i, l);
      const sel = level.attrSelectors.get(t);
      if (sel) {
        // the first one decides, as decode() keeps the first and takes later ones for unknown
        const s = selState[sel.slot]!;
        c.get(s).op(OP.i32Eqz).block(OP.if);
        c.i32(1).set(s);
        if (sel.kind === KIND.string) {
          sel.cases.forEach(({ name }, k) => { nameMatches(l, name); c.block(OP.if); c.i32(2 + k).set(s); c.op(OP.end); });
        } else {
          // an integer of its size (else no format, where decode() would refuse it), NLA_F_NET_BYTEORDER heeded
          c.get(l.ALEN).i32(4 + PAYLOAD[sel.kind]).op(OP.i32Eq).block(OP.if);
          if (netByteOrder(sel.kind) !== sel.kind) {
            c.get(l.RAW).i32(0x4000).op(OP.i32And).block(OP.if);
            pushInt(l.A, 4, netByteOrder(sel.kind)); c.set(SELX);
            c.op(OP.else);
            pushInt(l.A, 4, sel.kind); c.set(SELX);
            c.op(OP.end);
          } else { pushInt(l.A, 4, sel.kind); c.set(SELX); }
          matchValue(sel, s);
          c.op(OP.end);
        }
        c.op(OP.end);
      }
      const place = subPlace.get(t);
      if (place) {
        c.get(place.at).op(OP.i32Eqz).block(OP.if);
        c.get(l.AT).set(place.at); c.get(l.ALEN).set(place.len);
        c.op(OP.end);
      }
      const nest = level.nests.get(t);
      if (nest) {
        const inner = lv[d + 1]!;
        if (nest.hdr > 0) { c.get(l.ALEN).i32(4 + nest.hdr).op(OP.i32LtU).block(OP.if); fail(l.AT, FAIL.attrBadSize); c.op(OP.end); }
        c.get(l.AT).i32(4 + nest.hdr).op(OP.i32Add).set(inner.AT);
        c.get(l.AT).get(l.ALEN).op(OP.i32Add).set(inner.END);
        levelLoop(d + 1, nest.level);
      }
    };
    const maxType = types.length ? types[types.length - 1]! : 0;
    if (types.length === 0) { /* checks only */ } else if (maxType < BR_TABLE_LIMIT) {
      // block $skip { block $case[k-1] ... { block $case0 { br_table } body0 br $skip } ... }
      c.block(OP.block);
      for (let k = 0; k < types.length; k++) c.block(OP.block);
      const targets: number[] = new Array<number>(maxType + 1).fill(types.length);
      types.forEach((t, k) => { targets[t] = k; });
      c.get(l.RAW).i32(0x3fff).op(OP.i32And).brTable(targets, types.length);
      types.forEach((t, k) => {
        c.op(OP.end); // $case k
        body(t);
        if (k < types.length - 1) c.br(OP.br, types.length - 1 - k);
      });
      c.op(OP.end); // $skip
    } else {
      for (const t of types) {
        c.get(l.RAW).i32(0x3fff).op(OP.i32And).i32(t).op(OP.i32Eq).block(OP.if);
        body(t);
        c.op(OP.else);
      }
      for (let k = 0; k < types.length; k++) c.op(OP.end);
    }
    c.get(l.AT).get(l.ALEN).i32(3).op(OP.i32Add).i32(-4).op(OP.i32And).op(OP.i32Add).set(l.AT);
    c.br(OP.br, 0);
    c.op(OP.end, OP.end);
    // the sub-messages seen, in the format their selector named
    for (const [t, list] of level.subs) {
      const place = subPlace.get(t)!;
      c.get(place.at).block(OP.if);
      for (const e of list) {
        c.get(selState[e.selector.slot]!).i32(2 + e.case).op(OP.i32Eq).block(OP.if);
        const inner = lv[d + 1]!;
        c.get(place.at).i32(4).op(OP.i32Add).set(inner.AT);
        c.get(place.at).get(place.len).op(OP.i32Add).set(inner.END);
        levelLoop(d + 1, e.level);
        c.op(OP.end);
      }
      c.op(OP.end);
    }
  };

  /** Sets selector state local `s` to 2 + k where SELX holds the value of case k. */
  const matchValue = (sel: Selector, s: number): void => {
    sel.cases.forEach(({ value }, k) => { c.get(SELX).i32(value | 0).op(OP.i32Eq).block(OP.if); c.i32(2 + k).set(s); c.op(OP.end); });
  };
  /** Pushes whether the string attribute at level `l` reads `name` (its bytes, then the end or a NUL): selectedName(). */
  const nameMatches = (l: { A: number; ALEN: number }, name: string): void => {
    const len = name.length;
    c.get(l.ALEN).i32(4 + len).op(OP.i32Eq);
    c.get(l.ALEN).i32(4 + len).op(OP.i32GtU).op(OP.if, I32);
    c.get(l.A).mem(OP.i32Load8u, 0, 4 + len).op(OP.i32Eqz);
    c.op(OP.else).i32(0).op(OP.end);
    c.op(OP.i32Or).op(OP.if, I32);
    if (len === 0) c.i32(1);
    for (let i = 0; i < len; i++) {
      c.get(l.A).mem(OP.i32Load8u, 0, 4 + i).i32(name.charCodeAt(i)).op(OP.i32Eq);
      if (i > 0) c.op(OP.i32And);
    }
    c.op(OP.else).i32(0).op(OP.end);
  };

  c.block(OP.block); // $done
  c.block(OP.loop); //   $messages
  c.get(OFF).get(LEN).op(OP.i32GeU).br(OP.brIf, 1);
  c.get(LEN).get(OFF).op(OP.i32Sub).tee(REM).i32(16).op(OP.i32LtU).block(OP.if); fail(OFF, FAIL.messageTruncated); c.op(OP.end);
  c.get(INPUT).get(OFF).op(OP.i32Add).tee(MSG).mem(OP.i32Load, 0, 0).tee(MLEN).i32(16).op(OP.i32LtU);
  c.get(MLEN).get(REM).op(OP.i32GtU).op(OP.i32Or).block(OP.if); fail(OFF, FAIL.messageBadLength); c.op(OP.end);
  c.get(MSG).mem(OP.i32Load16u, 0, 4).i32(type).op(OP.i32Eq);
  if (when) {
    // a variant: only messages with a payload whose first byte and direction match it
    c.op(OP.if, I32);
    c.get(MLEN).i32(16).op(OP.i32GtU).op(OP.if, I32);
    when.firstByte.forEach((x, k) => {
      if (k === 0) c.get(MSG).mem(OP.i32Load8u, 0, 16).tee(X); else c.get(X);
      c.i32(x).op(OP.i32Eq);
      if (k > 0) c.op(OP.i32Or);
    });
    if (when.firstByte.length === 0) c.i32(0);
    c.get(MSG).mem(OP.i32Load16u, 0, 6).i32(1).op(OP.i32And);
    if (!when.request) c.op(OP.i32Eqz);
    c.op(OP.i32And);
    c.op(OP.else).i32(0).op(OP.end);
    c.op(OP.else).i32(0).op(OP.end);
  }
  c.block(OP.if);
  {
    if (hdrSize > 0) {
      c.get(MLEN).i32(16).op(OP.i32Sub).i32(hdrSize).op(OP.i32LtU).block(OP.if); fail(OFF, FAIL.messageShortForHeader); c.op(OP.end);
    }
    c.get(ROW).i32(2).op(OP.i32Shl).set(R4);
    c.get(ROW).i32(3).op(OP.i32Shl).set(R8);
    c.get(ROW).i32(4).op(OP.i32Shl).set(R16);
    for (const { f, i } of headers) storeFrom(i, f.kind, MSG, 16 + f.at);
    // attribute columns the message lacks read 0
    for (const { f, i } of attrs) {
      if (wideKind(f.kind)) { slot(i); c.i64zero().mem(OP.i64Store, 0, 0); slot(i); c.i64zero().mem(OP.i64Store, 0, 8); }
      else if (elementBytes(f.kind) === 8) { slot(i); c.i64zero().mem(OP.i64Store, 0, 0); }
      else { slot(i); c.i32(0).mem(OP.i32Store, 0, 0); }
    }
    c.i32(headerBits | 0).set(PRESENT);
    // the top-level attributes are checked even when no column wants one (the same DecodeErrors)
    c.get(OFF).i32(16 + hdrSize).op(OP.i32Add).set(lv[0]!.AT);
    c.get(OFF).get(MLEN).op(OP.i32Add).set(lv[0]!.END);
    levelLoop(0, top);
    c.get(PRESENT_COL).get(R4).op(OP.i32Add).get(PRESENT).mem(OP.i32Store, 0, 0);
    c.get(ROW).i32(1).op(OP.i32Add).set(ROW);
  }
  c.op(OP.end);
  c.get(OFF).get(MLEN).i32(3).op(OP.i32Add).i32(-4).op(OP.i32And).op(OP.i32Add).set(OFF);
  c.br(OP.br, 0);
  c.op(OP.end, OP.end);
  c.get(ROW).get(ROW0).op(OP.i32Sub);
  return moduleOf(n - 4, c);
}
