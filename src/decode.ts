// decode(): bytes in, typed messages out, with either walker engine validating the structure.
import { protocolNumber, type ProtocolName } from './core/constants.js';
import { DecodeError, type DecodeErrorReason } from './core/errors.js';
import { compileFamily, decodeMessageAt, partsDecoder, type CompiledFamily, type PartsDecoder, type DecodedMessage, type MessageDef, type MessageFamily } from './schema/family.js';
// The families a protocol number finds are the ones registered (an entry point imports
// families/registry.js for all of them): a route-only program loads no other family's code.
import { familyForProtocol } from './schema/registry.js';
import { MessageViews } from './schema/view.js';
import { createWalker, WalkStatus, type WalkEngine, type WalkIndex, type Walker } from './walk/index.js';

/** Options of {@link decode}: the protocol (or the declarations) and the walker engine. */
export interface DecodeOptions {
  /** Protocol of the bytes (default 'route'). */
  protocol?: ProtocolName | number;
  /** Declarations to use instead of the protocol's built-in ones. */
  family?: MessageFamily;
  /** Walker that checks the structure first: 'wasm' (default where it loads) or 'js'. */
  engine?: WalkEngine;
}

const STATUS_REASON: Record<number, DecodeErrorReason> = {
  [WalkStatus.MSG_TRUNCATED]: 'message-truncated',
  [WalkStatus.MSG_BAD_LENGTH]: 'message-bad-length',
  [WalkStatus.MSG_SHORT_FOR_HEADER]: 'message-short-for-header',
  [WalkStatus.ATTR_TRUNCATED]: 'attr-truncated',
  [WalkStatus.ATTR_BAD_LENGTH]: 'attr-bad-length',
  [WalkStatus.DEPTH]: 'nesting-too-deep',
};

const walkers = new Map<string, Walker>();
function walkerFor(family: MessageFamily, engine: WalkEngine | undefined): Walker {
  const key = `${family.name}/${family.protocol}/${engine ?? 'default'}`;
  let w = walkers.get(key);
  if (!w) {
    w = createWalker({ headerSizes: compileFamily(family).headerSizes, ...(engine ? { engine } : {}) });
    walkers.set(key, w);
  }
  return w;
}

/** The walker engine decode() uses by default here ('wasm' where WebAssembly loads). */
export function defaultEngine(): WalkEngine {
  return walkerFor(familyForProtocol(0), undefined).engine;
}

/** Walks are made over windows of whole messages of about this size: bounded index memory. */
const WINDOW = 65536;

/**
 * Calls `each(offsetOfWindow, index)` for consecutive windows of whole messages of `bytes` from
 * `from`, each walked once by the walker (which validates every header and attribute exactly as
 * NLMSG_OK/NLA_OK), until the end or, after a window, past `deadline` (performance.now());
 * returns where it stopped. Throws DecodeError with the absolute offset for malformed input.
 */
function forEachWindow(bytes: Uint8Array, walker: Walker, from: number, deadline: number, each: (start: number, index: ReturnType<Walker['walk']>) => void): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = from;
  while (start < bytes.length) {
    // whole messages up to WINDOW bytes (at least one); a bad length is left for the walker to
    // report. A rest of up to WINDOW bytes (a datagram) is one window: its headers are read once, by the walker.
    let end = bytes.length - start <= WINDOW ? bytes.length : start;
    while (end < bytes.length) {
      const len = bytes.length - end >= 16 ? v.getUint32(end, true) : 0;
      if (len < 16 || len > bytes.length - end) { end = bytes.length; break; } // the walker reports it
      const next = Math.min(end + ((len + 3) & ~3), bytes.length);
      if (next - start > WINDOW && end > start) break;
      end = next;
    }
    const index = walker.walk(bytes.subarray(start, end));
    if (!index.ok) {
      throw new DecodeError(STATUS_REASON[index.status] ?? 'unsupported', start + index.errorOffset, index.statusText);
    }
    each(start, index);
    start = end;
    if (deadline !== Infinity && performance.now() >= deadline) break;
  }
  return start;
}

function familyOf(options: DecodeOptions): MessageFamily {
  return options.family ?? familyForProtocol(protocolNumber(options.protocol ?? 'route'));
}

/**
 * Lazy views of every message in `bytes`: validated by the walker, decoded only when read. The
 * list holds one offset per message; the views read `bytes` itself, which must not change while
 * they are used.
 */
export function decodeViews(bytes: Uint8Array, options: DecodeOptions = {}): MessageViews {
  const family = familyOf(options);
  const out = new MessageViews(compileFamily(family));
  appendViews(out, bytes, options);
  return out;
}

/** Adds the messages of `bytes` (validated by the walker) to a view list: how a dump's datagrams are gathered. */
export function appendViews(list: MessageViews, bytes: Uint8Array, options: DecodeOptions = {}): void {
  const add = list.addBuffer(bytes);
  forEachWindow(bytes, walkerFor(familyOf(options), options.engine), 0, Infinity, (start, index) => {
    for (let i = 0; i < index.messageCount; i++) add(start + index.msgOffset(i));
  });
}

/**
 * Decodes every netlink message in `bytes`. Throws DecodeError (with the byte offset) for
 * malformed input, and nothing else.
 */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): DecodedMessage[] {
  const out: DecodedMessage[] = [];
  decodeRange(bytes, options, 0, Infinity, out);
  return out;
}

/** How long decodeAsync() decodes before it lets the event loop run (the last window may add ~1 ms). */
const SLICE_MS = 4;
/** The event loop's next turn: after pending I/O (setImmediate), or a timer where there is none (a browser). */
const nextTurn = (): Promise<void> => new Promise<void>((r) => (typeof setImmediate === 'function' ? setImmediate(r) : setTimeout(r, 0)));

/**
 * decode() for large buffers without holding the event loop: decodes windows of whole messages
 * for about 4 ms, then lets the loop run, until the buffer is done. The same messages and the
 * same DecodeError as decode(); `bytes` must not change meanwhile.
 */
export async function decodeAsync(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedMessage[]> {
  const out: DecodedMessage[] = [];
  for (let at = 0; at < bytes.length;) {
    at = decodeRange(bytes, options, at, performance.now() + SLICE_MS, out);
    if (at < bytes.length) await nextTurn();
  }
  return out;
}

function decodeRange(bytes: Uint8Array, options: DecodeOptions, from: number, deadline: number, out: DecodedMessage[]): number {
  const family = familyOf(options);
  const cf = compileFamily(family);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsets: number[] = [];
  return forEachWindow(bytes, walkerFor(family, options.engine), from, deadline, (start, index) => {
    // Offsets are copied first: the index belongs to the walker and the next walk reuses it.
    offsets.length = 0;
    for (let i = 0; i < index.messageCount; i++) offsets.push(start + index.msgOffset(i));
    for (const off of offsets) {
      try {
        out.push(decodeMessageAt(cf, bytes, off, undefined, view));
      } catch (e) {
        if (e instanceof DecodeError) throw e;
        throw new DecodeError('attr-bad-value', off, e instanceof Error ? e.message : String(e));
      }
    }
  });
}

/**
 * appendViews() of bytes the walker has already indexed (a datagram as NetlinkSocket.dumpRaw
 * hands it over, index included): the bytes are not walked again. Messages of the index past
 * the end of `bytes` are left out.
 */
export function appendViewsIndexed(list: MessageViews, bytes: Uint8Array, index: WalkIndex): void {
  if (!index.ok && index.errorOffset < bytes.length) throw new DecodeError(STATUS_REASON[index.status] ?? 'unsupported', index.errorOffset, index.statusText);
  const add = list.addBuffer(bytes);
  for (let i = 0; i < index.messageCount; i++) {
    const off = index.msgOffset(i);
    if (off >= bytes.length) break;
    add(off);
  }
}

/** What decodeEach() hands over for every data message: no message object is made. */
export type EachMessage = (def: MessageDef, header: Record<string, unknown> | undefined, attrs: Record<string, unknown> | undefined, type: number, flags: number) => void;

/**
 * The leanest object decode: for every declared data message of `bytes`, `each` gets the
 * declaration, the family header and the attributes (the objects decode() would carry), and
 * builds what it keeps itself. Control and undeclared messages are skipped.
 */
export function decodeEach(bytes: Uint8Array, options: DecodeOptions, each: EachMessage): void {
  const family = familyOf(options);
  const cf = compileFamily(family);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  forEachWindow(bytes, walkerFor(family, options.engine), 0, Infinity, (start, index) => eachIndexed(cf, bytes, view, start, index, each));
}

/**
 * decodeEach() of bytes the walker has already indexed with the family's header sizes (a
 * datagram as NetlinkSocket.dumpRaw hands it over, index included): the bytes are not walked
 * again. Messages of the index past the end of `bytes` are left out.
 */
export function decodeEachIndexed(bytes: Uint8Array, index: WalkIndex, options: DecodeOptions, each: EachMessage): void {
  const cf = compileFamily(familyOf(options));
  // a fault past the end of `bytes` (after a DONE that ends them) is not theirs
  if (!index.ok && index.errorOffset < bytes.length) throw new DecodeError(STATUS_REASON[index.status] ?? 'unsupported', index.errorOffset, index.statusText);
  eachIndexed(cf, bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, index, each);
}

function eachIndexed(cf: CompiledFamily, bytes: Uint8Array, view: DataView, start: number, index: WalkIndex, each: EachMessage): void {
  const n = index.messageCount;
  // a dump is one type after another: its decoder is looked up when the type changes
  let lastType = -1;
  let parts: PartsDecoder | undefined;
  for (let i = 0; i < n; i++) {
    const off = start + index.msgOffset(i);
    if (off >= bytes.length) break;
    const type = index.msgType(i);
    if (type < 16) continue;
    if (type !== lastType) {
      const def = cf.byType.get(type);
      lastType = type;
      parts = def ? partsDecoder(cf, def) : undefined;
    }
    if (parts === undefined) continue;
    const flags = index.msgFlags(i);
    const p = parts(bytes, view, off, off + index.msgLength(i));
    each(p.def, p.header, p.attrs, type, flags);
  }
}
