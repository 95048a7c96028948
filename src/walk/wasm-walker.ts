// WASM engine: instantiates assembly/walker.ts from the embedded bytes and owns the layout
// of its (imported) linear memory. The module never allocates; JS decides where everything is.
//
// Layout (byte offsets, each area 64-byte aligned):
//   [0, 64)               reserved (keeps address 0 unused)
//   result                6 u32 written by every walk
//   header table          65536 u8 (family header size per message type)
//   slots                 `slotCount` receive slots of `slotSize` bytes (recvmsg writes here)
//   copy slot             one more slot for walkBytes() of small inputs
//   message index         worst case for one slot: slotSize / 16 entries of 20 bytes
//   attribute index       worst case for one slot: slotSize / 4 entries of 16 bytes
//   ---- fixed part ends; the tail is only allocated when something larger is walked ----
//   scratch data          `scratchCapacity` bytes (walkBytes of large inputs, bench data)
//   large message index   worst case for `largeIndexCapacity` bytes
//   large attribute index
// Growing memory detaches every view, so all views are (re)built in rebuildViews(). A
// WalkIndex reads the shared tables: it is valid until the next walk (or growth) on the
// same walker; toPlain() copies it.

import {
  HEADER_TABLE_SIZE,
  MSG_STRIDE,
  ATTR_STRIDE,
  RESULT_WORDS,
  WalkIndex,
  maxAttrsFor,
  checkMaxDepth,
  maxMessagesFor,
  tableCapacity,
  type WalkLimits,
} from './format.js';
import { WALKER_WASM_BASE64 } from './walker-wasm.generated.js';

const PAGE = 65536;
const RESERVED = 64;

type WalkExport = (
  base: number,
  len: number,
  hdrTable: number,
  maxDepth: number,
  msgOut: number,
  msgCap: number,
  attrOut: number,
  attrCap: number,
  result: number,
) => number;

export interface WasmWalkerOptions {
  headerSizes: Uint8Array;
  maxDepth: number;
  /** Receive slots (default 4). */
  slotCount?: number;
  /** Bytes per slot, a multiple of 64 (default 64 KiB). */
  slotSize?: number;
}

let compiledModule: WebAssembly.Module | undefined;

function wasmBytes(): Uint8Array<ArrayBuffer> {
  const binary = atob(WALKER_WASM_BASE64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The compiled module (walker and column extractor), compiled once. */
export function moduleSync(): WebAssembly.Module {
  return (compiledModule ??= new WebAssembly.Module(wasmBytes()));
}

/**
 * Compiles the module asynchronously (browsers refuse synchronous compilation of modules
 * over 4 KB on the main thread; ours is smaller, but a strict CSP may still require this).
 * After it resolves, createWalker / new WasmWalker no longer compile.
 */
export async function initWasmWalker(): Promise<void> {
  compiledModule ??= await WebAssembly.compile(wasmBytes());
}

const align64 = (n: number): number => (n + 63) & ~63;

export class WasmWalker {
  readonly engine = 'wasm' as const;
  readonly slotCount: number;
  readonly slotSize: number;
  private readonly maxDepth: number;
  private readonly memory: WebAssembly.Memory;
  private readonly walkExport: WalkExport;

  // Fixed layout.
  private readonly resultPtr: number;
  private readonly hdrTablePtr: number;
  private readonly slotsPtr: number;
  private readonly copySlotPtr: number;
  private readonly msgIndexPtr: number;
  private readonly attrIndexPtr: number;
  private readonly fixedEnd: number;
  // Tail layout (scratch data, then the large index areas).
  private scratchCapacity = 0;
  private largeIndexCapacity = 0;
  private largeMsgIndexPtr = 0;
  private largeAttrIndexPtr = 0;

  // Views; rebuilt together whenever memory grows.
  private heapU8!: Uint8Array;
  private resultView!: Uint32Array;
  private msgIndexView!: Uint32Array;
  private attrIndexView!: Uint32Array;
  private largeMsgIndexView!: Uint32Array;
  private largeAttrIndexView!: Uint32Array;
  private slotViews!: Uint8Array[];
  private copySlotView!: Uint8Array;
  private scratchView!: Uint8Array;

  constructor(options: WasmWalkerOptions) {
    const slotCount = options.slotCount ?? 4;
    const slotSize = options.slotSize ?? PAGE;
    if (!Number.isInteger(slotCount) || slotCount < 1) throw new RangeError('slotCount must be >= 1');
    if (!Number.isInteger(slotSize) || slotSize < 64 || slotSize % 64 !== 0 || slotSize > 1 << 28) {
      throw new RangeError('slotSize must be a multiple of 64 bytes (at most 256 MiB)');
    }
    if (options.headerSizes.length !== HEADER_TABLE_SIZE) {
      throw new RangeError(`header-size table must have ${HEADER_TABLE_SIZE} entries`);
    }
    checkMaxDepth(options.maxDepth);
    this.slotCount = slotCount;
    this.slotSize = slotSize;
    this.maxDepth = options.maxDepth;

    this.resultPtr = RESERVED;
    this.hdrTablePtr = align64(this.resultPtr + RESULT_WORDS * 4);
    this.slotsPtr = this.hdrTablePtr + HEADER_TABLE_SIZE;
    this.copySlotPtr = this.slotsPtr + slotCount * slotSize;
    this.msgIndexPtr = this.copySlotPtr + slotSize;
    this.attrIndexPtr = align64(this.msgIndexPtr + maxMessagesFor(slotSize) * MSG_STRIDE * 4);
    this.fixedEnd = align64(this.attrIndexPtr + maxAttrsFor(slotSize) * ATTR_STRIDE * 4);

    this.memory = new WebAssembly.Memory({ initial: Math.ceil(this.fixedEnd / PAGE) });
    const instance = new WebAssembly.Instance(moduleSync(), {
      env: {
        memory: this.memory,
        abort: () => {
          throw new Error('walker.wasm aborted');
        },
      },
    });
    this.walkExport = instance.exports['walk'] as WalkExport;
    this.rebuildViews();
    this.heapU8.set(options.headerSizes, this.hdrTablePtr);

    this.warmUp();
  }

  /**
   * The first calls run in V8's baseline tier; one walk over a full slot of flat and nested
   * attributes spends enough there that the optimised code is ready for real traffic.
   */
  private warmUp(): void {
    const WARM_TYPE = 0x10;
    const savedHeaderSize = this.heapU8[this.hdrTablePtr + WARM_TYPE]!;
    this.heapU8[this.hdrTablePtr + WARM_TYPE] = 4;
    const words = new Uint32Array(this.memory.buffer, this.copySlotPtr, this.slotSize >>> 2);
    // Message: header, 4-byte family header, 3 u32 attributes, one nested attr with one u32.
    const attr = (len: number, type: number): number => len | (type << 16);
    const msg = [64, WARM_TYPE, 0, 0, 0, attr(8, 1), 0, attr(8, 2), 0, attr(8, 3), 0, attr(12, 0x8004), attr(8, 1), 0, attr(8, 5), 0];
    const msgCount = Math.floor(words.length / msg.length);
    for (let m = 0; m < msgCount; m++) words.set(msg, m * msg.length);
    const len = msgCount * msg.length * 4;
    this.walkRegion(this.copySlotPtr, len, this.copySlotView.subarray(0, len), undefined);
    this.heapU8[this.hdrTablePtr + WARM_TYPE] = savedHeaderSize;
  }

  /** Every view over linear memory, in one place: memory growth detaches them all. */
  private rebuildViews(): void {
    const buffer = this.memory.buffer;
    this.heapU8 = new Uint8Array(buffer);
    this.resultView = new Uint32Array(buffer, this.resultPtr, RESULT_WORDS);
    this.msgIndexView = new Uint32Array(buffer, this.msgIndexPtr, maxMessagesFor(this.slotSize) * MSG_STRIDE);
    this.attrIndexView = new Uint32Array(buffer, this.attrIndexPtr, maxAttrsFor(this.slotSize) * ATTR_STRIDE);
    this.slotViews = [];
    for (let i = 0; i < this.slotCount; i++) {
      this.slotViews.push(new Uint8Array(buffer, this.slotsPtr + i * this.slotSize, this.slotSize));
    }
    this.copySlotView = new Uint8Array(buffer, this.copySlotPtr, this.slotSize);
    this.scratchView = new Uint8Array(buffer, this.fixedEnd, this.scratchCapacity);
    this.largeMsgIndexView = new Uint32Array(
      buffer,
      this.largeMsgIndexPtr || this.fixedEnd,
      maxMessagesFor(this.largeIndexCapacity) * MSG_STRIDE,
    );
    this.largeAttrIndexView = new Uint32Array(
      buffer,
      this.largeAttrIndexPtr || this.fixedEnd,
      maxAttrsFor(this.largeIndexCapacity) * ATTR_STRIDE,
    );
  }

  /** Grows the tail once to fit `scratchBytes` of data plus indexes for `indexBytes` of input. */
  private ensureTail(scratchBytes: number, indexBytes: number): void {
    if (scratchBytes <= this.scratchCapacity && indexBytes <= this.largeIndexCapacity) return;
    // Round up so a series of slightly larger inputs does not grow memory every time.
    const roundUp = (n: number, have: number): number => (n <= have ? have : Math.max(n, Math.min(have * 2, n * 2)));
    const scratchCapacity = align64(roundUp(scratchBytes, this.scratchCapacity));
    const largeIndexCapacity = align64(roundUp(indexBytes, this.largeIndexCapacity));
    const largeMsgIndexPtr = this.fixedEnd + scratchCapacity;
    const largeAttrIndexPtr = align64(largeMsgIndexPtr + maxMessagesFor(largeIndexCapacity) * MSG_STRIDE * 4);
    const end = largeAttrIndexPtr + maxAttrsFor(largeIndexCapacity) * ATTR_STRIDE * 4;
    if (end > 0xffff0000) throw new RangeError('walker memory would exceed 4 GiB');
    const pagesNeeded = Math.ceil(end / PAGE);
    const pagesNow = this.memory.buffer.byteLength / PAGE;
    // Scratch data lives first, so keeping existing scratch contents needs no copy; the
    // large index areas are rewritten by every walk and may move.
    if (pagesNeeded > pagesNow) this.memory.grow(pagesNeeded - pagesNow);
    this.scratchCapacity = scratchCapacity;
    this.largeIndexCapacity = largeIndexCapacity;
    this.largeMsgIndexPtr = largeMsgIndexPtr;
    this.largeAttrIndexPtr = largeAttrIndexPtr;
    this.rebuildViews();
  }

  /** Receive slot i: a view into linear memory that recvmsg can fill directly. */
  receiveSlot(i: number): Uint8Array {
    const view = this.slotViews[i];
    if (view === undefined) throw new RangeError(`no receive slot ${i} (have ${this.slotCount})`);
    return view;
  }

  /** Walks the first `len` bytes of receive slot i in place. */
  walkSlot(i: number, len: number, limits?: WalkLimits): WalkIndex {
    const view = this.receiveSlot(i);
    if (!Number.isInteger(len) || len < 0 || len > this.slotSize) {
      throw new RangeError(`len ${len} outside slot size ${this.slotSize}`);
    }
    return this.walkRegion(this.slotsPtr + i * this.slotSize, len, view.subarray(0, len), limits);
  }

  /** Copies `bytes` into linear memory and walks them (grows memory once for large inputs). */
  walk(bytes: Uint8Array, limits?: WalkLimits): WalkIndex {
    const len = bytes.byteLength;
    if (len <= this.slotSize) {
      this.copySlotView.set(bytes);
      return this.walkRegion(this.copySlotPtr, len, this.copySlotView.subarray(0, len), limits);
    }
    this.ensureTail(len, len);
    this.scratchView.set(bytes);
    return this.walkRegion(this.fixedEnd, len, this.scratchView.subarray(0, len), limits);
  }

  walkBytes(bytes: Uint8Array, limits?: WalkLimits): WalkIndex {
    return this.walk(bytes, limits);
  }

  /**
   * A scratch area in linear memory of at least `minBytes` (grown once if needed; contents
   * survive growth). Fill it, then walk ranges of it in place with walkScratch().
   */
  scratch(minBytes: number): Uint8Array {
    this.ensureTail(minBytes, this.largeIndexCapacity);
    return this.scratchView;
  }

  /** Walks scratch[start, start + len) in place. */
  walkScratch(start: number, len: number, limits?: WalkLimits): WalkIndex {
    if (!Number.isInteger(start) || !Number.isInteger(len) || start < 0 || len < 0 || start + len > this.scratchCapacity) {
      throw new RangeError(`range [${start}, ${start + len}) outside the scratch area (${this.scratchCapacity} bytes)`);
    }
    if (len > this.slotSize) this.ensureTail(this.scratchCapacity, len);
    return this.walkRegion(this.fixedEnd + start, len, this.scratchView.subarray(start, start + len), limits);
  }

  private walkRegion(ptr: number, len: number, data: Uint8Array, limits: WalkLimits | undefined): WalkIndex {
    const large = len > this.slotSize;
    const worstMsgs = maxMessagesFor(len);
    const worstAttrs = maxAttrsFor(len);
    const msgCap = tableCapacity(limits?.maxMessages, worstMsgs);
    const attrCap = tableCapacity(limits?.maxAttrs, worstAttrs);
    this.walkExport(
      ptr,
      len,
      this.hdrTablePtr,
      this.maxDepth,
      large ? this.largeMsgIndexPtr : this.msgIndexPtr,
      msgCap,
      large ? this.largeAttrIndexPtr : this.attrIndexPtr,
      attrCap,
      this.resultPtr,
    );
    return large
      ? new WalkIndex(data, this.largeMsgIndexView, this.largeAttrIndexView, this.resultView)
      : new WalkIndex(data, this.msgIndexView, this.attrIndexView, this.resultView);
  }

  /** Bytes of linear memory currently reserved. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }
}
