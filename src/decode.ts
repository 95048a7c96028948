// decode(): bytes in, typed messages out, with either walker engine validating the structure.
import { protocolNumber, type ProtocolName } from './core/constants.js';
import { DecodeError, type DecodeErrorReason } from './core/errors.js';
import { compileFamily, decodeMessageAt, type DecodedMessage, type MessageFamily } from './schema/family.js';
import { familyForProtocol } from './families/registry.js';
import { createWalker, WalkStatus, type WalkEngine, type Walker } from './walk/index.js';

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

/**
 * Decodes every netlink message in `bytes`. Throws DecodeError (with the byte offset) for
 * malformed input, and nothing else.
 */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): DecodedMessage[] {
  const family = options.family ?? familyForProtocol(protocolNumber(options.protocol ?? 'route'));
  const cf = compileFamily(family);
  const index = walkerFor(family, options.engine).walk(bytes);
  if (!index.ok) {
    throw new DecodeError(STATUS_REASON[index.status] ?? 'unsupported', index.errorOffset, index.statusText);
  }
  const out: DecodedMessage[] = [];
  // Offsets are copied first: the index belongs to the walker and the next walk reuses it.
  const offsets: number[] = [];
  for (let i = 0; i < index.messageCount; i++) offsets.push(index.msgOffset(i));
  for (const off of offsets) {
    try {
      out.push(decodeMessageAt(cf, bytes, off));
    } catch (e) {
      if (e instanceof DecodeError) throw e;
      throw new DecodeError('attr-bad-value', off, e instanceof Error ? e.message : String(e));
    }
  }
  return out;
}
