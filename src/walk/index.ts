// Netlink walker entry point: picks the WASM engine wherever it loads, else the TS one.

import { HEADER_TABLE_SIZE, NLMSG_MIN_TYPE, SKIP_ATTRS, checkMaxDepth } from './format.js';
import { TsWalker } from './ts-walker.js';
import { WasmWalker } from './wasm-walker.js';

export * from './format.js';
export { TsWalker, walkInto } from './ts-walker.js';
export { WasmWalker, initWasmWalker, type WasmWalkerOptions } from './wasm-walker.js';

/** The walker implementations: 'wasm' (AssemblyScript, the default) and 'js' (TypeScript, identical results). */
export type WalkEngine = 'wasm' | 'js';

/** Either engine; narrow on `.engine === 'wasm'` for receive slots and scratch access. */
export type Walker = WasmWalker | TsWalker;

export interface CreateWalkerOptions {
  /** Default 'wasm'; falls back to 'js' when WebAssembly is unavailable or refuses the module. */
  engine?: WalkEngine;
  /** 65536 entries: family header size per message type, 0xFF = do not walk attributes. */
  headerSizes: Uint8Array;
  /** Deepest allowed attribute depth (top level is 0). Default 16. */
  maxDepth?: number;
  /** WASM receive slots (default 4 of 64 KiB). */
  slotCount?: number;
  slotSize?: number;
}

export const DEFAULT_MAX_DEPTH = 16;

/** Creates a walker that checks and indexes netlink messages with the given engine, falling back to 'js' where WebAssembly is unavailable. */
export function createWalker(options: CreateWalkerOptions): Walker {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  checkMaxDepth(maxDepth);
  if (options.headerSizes.length !== HEADER_TABLE_SIZE) {
    throw new RangeError(`headerSizes must have ${HEADER_TABLE_SIZE} entries (use headerTable())`);
  }
  if (options.engine !== 'js' && typeof WebAssembly === 'object') {
    try {
      const wasmOptions = { headerSizes: options.headerSizes, maxDepth };
      return new WasmWalker(
        Object.assign(
          wasmOptions,
          options.slotCount === undefined ? {} : { slotCount: options.slotCount },
          options.slotSize === undefined ? {} : { slotSize: options.slotSize },
        ),
      );
    } catch (error) {
      // An explicit request for WASM must not silently degrade; invalid options must surface.
      if (options.engine === 'wasm' || error instanceof RangeError) throw error;
    }
  }
  return new TsWalker(options.headerSizes, maxDepth);
}

/**
 * Builds a header-size table: `entries` maps message type -> family header size in bytes
 * (or 0xFF to skip the type's attributes); other types get `defaultSize`. Control types
 * below NLMSG_MIN_TYPE are always 0xFF.
 */
export function headerTable(
  entries: Record<number, number> | Iterable<readonly [number, number]>,
  defaultSize: number = SKIP_ATTRS,
): Uint8Array {
  checkHeaderSize(defaultSize);
  const table = new Uint8Array(HEADER_TABLE_SIZE).fill(defaultSize);
  const pairs: Iterable<readonly [number, number]> =
    Symbol.iterator in entries
      ? (entries as Iterable<readonly [number, number]>)
      : Object.entries(entries).map(([type, size]): [number, number] => [Number(type), size]);
  for (const [type, size] of pairs) {
    if (!Number.isInteger(type) || type < 0 || type >= HEADER_TABLE_SIZE) {
      throw new RangeError(`message type ${type} outside [0, 65535]`);
    }
    checkHeaderSize(size);
    table[type] = size;
  }
  table.fill(SKIP_ATTRS, 0, NLMSG_MIN_TYPE);
  return table;
}

function checkHeaderSize(size: number): void {
  if (!Number.isInteger(size) || size < 0 || size > SKIP_ATTRS) {
    throw new RangeError(`header size ${size} outside [0, 255]`);
  }
}
