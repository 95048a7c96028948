// Hex text <-> bytes, for fixtures, the CLI and pasted dumps. Pure (runs in a browser).
//
// parseHex() reads plain hex in the forms people paste ("34000000 1000", "0x34 0x00",
// "34:00:00", "\x34\x00", "<Buffer 34 00>", `xxd -p`, `od -An -tx1`), '#' comments included, and
// three dump layouts with an offset column and an ASCII column that must not be read as hex:
//
//   xxd          00000000: 3400 0000 1000 0500  4.......
//   hexdump -C   00000000  34 00 00 00 10 00 05 00  00 00 ...  |4...............|   (and '*')
//   strace       | 00000  34 00 00 00 10 00 05 00  00 00 ...  4............... |    (-e read=/write=)
//
// Anything else raises DecodeError('bad-format', offset into the text, detail).
import { DecodeError } from './errors.js';

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) { HEX_VALUE[65 + i] = 10 + i; HEX_VALUE[97 + i] = 10 + i; }

function hexValue(code: number): number {
  return code < 128 ? HEX_VALUE[code]! : -1;
}

type Layout = 'xxd' | 'hexdump' | 'strace' | 'plain';

const STRACE_LINE = /^(\s*\| )([0-9a-fA-F]{5,}) {2}/;
const XXD_LINE = /^(\s*)([0-9a-fA-F]{4,}): /;
const HEXDUMP_LINE = /^(\s*)([0-9a-fA-F]{4,}) {2}[0-9a-fA-F]{2}(?: |$)/;
const HEXDUMP_END = /^\s*([0-9a-fA-F]{4,})\s*$/;

function detectLayout(lines: string[]): Layout {
  // strace logs interleave syscall lines with the dumps: any dump line makes it a strace log
  if (lines.some((l) => STRACE_LINE.test(l))) return 'strace';
  for (const line of lines) {
    if (/^\s*(#|$)/.test(line)) continue;
    if (XXD_LINE.test(line)) return 'xxd';
    if (HEXDUMP_LINE.test(line) && line.includes('|')) return 'hexdump';
    return 'plain';
  }
  return 'plain';
}

function fail(text: string, offset: number, what: string): DecodeError {
  let line = 1, col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; col = 1; } else col++;
  }
  return new DecodeError('bad-format', offset, `hex text line ${line} column ${col}: ${what}`);
}

/** Byte tokens of a dump's hex area: whitespace-separated groups of an even number of digits. */
function readGroups(text: string, start: number, end: number, out: number[]): void {
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) { i++; continue; }
    let j = i;
    while (j < end && hexValue(text.charCodeAt(j)) >= 0) j++;
    if (j === i || (j < end && text.charCodeAt(j) !== 32 && text.charCodeAt(j) !== 9)) {
      throw fail(text, j, `unexpected '${text[j] ?? ''}' in the hex column of a dump`);
    }
    if ((j - i) % 2) throw fail(text, i, `odd number of hex digits in '${text.slice(i, j)}'`);
    for (let k = i; k < j; k += 2) out.push(hexValue(text.charCodeAt(k)) * 16 + hexValue(text.charCodeAt(k + 1)));
    i = j;
  }
}

function parseDump(text: string, layout: Exclude<Layout, 'plain'>): Uint8Array {
  const out: number[] = [];
  let base = 0; // where the current dump (offset 0) started in `out`
  let lineStart = 0;
  let previous: number[] | undefined; // hexdump: bytes of the line a '*' repeats
  let repeat = false;
  const atOffset = (offset: number, at: number): void => {
    if (offset === 0 && !repeat) { base = out.length; return; }
    if (repeat && previous && previous.length) {
      while (out.length - base + previous.length <= offset) out.push(...previous);
      repeat = false;
    }
    if (out.length - base !== offset) throw fail(text, at, `dump offset 0x${offset.toString(16)} after ${out.length - base} bytes`);
  };
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const at = lineStart;
    lineStart = lineEnd + 1;
    if (/^\s*(#|$)/.test(line)) continue;
    if (layout === 'strace') {
      const m = STRACE_LINE.exec(line);
      if (!m) continue; // the syscall lines between the dumps
      const hexStart = m[0].length;
      atOffset(parseInt(m[2]!, 16), at);
      // 16 × "xx " plus the extra space in the middle: a fixed 49 columns, then the ASCII column
      const before = out.length;
      readGroups(text, at + hexStart, at + Math.min(line.length, hexStart + 49), out);
      if (out.length - before > 16) throw fail(text, at, 'more than 16 bytes on a strace dump line');
      continue;
    }
    if (layout === 'xxd') {
      const m = XXD_LINE.exec(line);
      if (!m) throw fail(text, at, 'not an xxd line');
      atOffset(parseInt(m[2]!, 16), at);
      const hexStart = m[0].length;
      const gap = line.indexOf('  ', hexStart);
      readGroups(text, at + hexStart, at + (gap < 0 ? line.length : gap), out);
      continue;
    }
    // hexdump -C
    if (/^\s*\*\s*$/.test(line)) { repeat = true; continue; }
    const end = HEXDUMP_END.exec(line);
    if (end) { atOffset(parseInt(end[1]!, 16), at); continue; }
    const m = HEXDUMP_LINE.exec(line);
    if (!m) throw fail(text, at, 'not a hexdump -C line');
    const offText = m[2]!;
    atOffset(parseInt(offText, 16), at);
    const hexStart = m[1]!.length + offText.length;
    const bar = line.indexOf('|', hexStart);
    const before = out.length;
    readGroups(text, at + hexStart, at + (bar < 0 ? line.length : bar), out);
    previous = out.slice(before);
  }
  if (repeat) throw fail(text, text.length, "a '*' line is not followed by the offset where the repeat ends");
  return Uint8Array.from(out);
}

const SEPARATOR_CODES = new Uint8Array(128);
for (const ch of ' \t\r\n\f\v:,;.-"\'[]{}()') SEPARATOR_CODES[ch.charCodeAt(0)] = 1;
function isSeparator(code: number): boolean {
  return code < 128 ? SEPARATOR_CODES[code] === 1 : code === 0xa0 || code === 0xfeff;
}

function parsePlain(text: string): Uint8Array {
  const digits: number[] = [];
  let firstOdd = -1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (ch === '#') { // comment to the end of the line
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (isSeparator(text.charCodeAt(i))) { i++; continue; }
    if (ch === '<' && text.startsWith('<Buffer', i)) { i += 7; continue; }
    if (ch === '>') { i++; continue; }
    let prefixed = false;
    if (ch === '\\' && (text[i + 1] === 'x' || text[i + 1] === 'X')) { i += 2; prefixed = true; }
    else if (ch === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && hexValue(text.charCodeAt(i + 2)) >= 0) { i += 2; prefixed = true; }
    const start = i;
    while (i < n && hexValue(text.charCodeAt(i)) >= 0) i++;
    if (i === start) throw fail(text, i, `unexpected '${text[i] ?? 'end of text'}' (not hex)`);
    if (i < n && !isSeparator(text.charCodeAt(i)) && text[i] !== '\\' && text[i] !== '#' && text[i] !== '>') {
      throw fail(text, i, `unexpected '${text[i]}' after hex digits`);
    }
    const len = i - start;
    if (prefixed && len % 2) digits.push(0); // 0x1 / \x1 is one byte
    else if (len % 2 && firstOdd < 0) firstOdd = start;
    for (let k = start; k < i; k++) digits.push(hexValue(text.charCodeAt(k)));
  }
  if (digits.length % 2) {
    throw fail(text, firstOdd < 0 ? n : firstOdd, `odd number of hex digits (${digits.length})`);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let k = 0; k < out.length; k++) out[k] = digits[2 * k]! * 16 + digits[2 * k + 1]!;
  return out;
}

/**
 * Hex text to bytes. Accepts whitespace, `0x` / `\x` prefixes, ':' ',' ';' '-' separators,
 * '#' comments, and xxd, `hexdump -C` and strace (`-e read=`) dumps. Throws
 * DecodeError('bad-format', textOffset, detail) for anything else.
 */
export function parseHex(text: string): Uint8Array {
  if (typeof text !== 'string') throw new DecodeError('bad-format', 0, 'hex input is not a string');
  const layout = detectLayout(text.split('\n'));
  return layout === 'plain' ? parsePlain(text) : parseDump(text, layout);
}

export interface ToHexOptions {
  /** Bytes per group; groups are joined with `separator`. 0 (default): one unbroken string. */
  group?: number;
  /** Between groups (default ' '). */
  separator?: string;
  /** Bytes per line (a newline replaces the separator there); 0 (default): one line. */
  lineLength?: number;
  uppercase?: boolean;
}

const HEX_DIGITS = '0123456789abcdef';

/** Bytes to hex text: toHex(b) → '34000000', toHex(b, { group: 1 }) → '34 00 00 00'. */
export function toHex(bytes: Uint8Array, options: ToHexOptions = {}): string {
  const group = options.group ?? 0;
  const sep = options.separator ?? ' ';
  const line = options.lineLength ?? 0;
  if (!Number.isInteger(group) || group < 0) throw new RangeError(`group must be a non-negative integer: ${group}`);
  if (!Number.isInteger(line) || line < 0) throw new RangeError(`lineLength must be a non-negative integer: ${line}`);
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) {
      if (line && i % line === 0) s += '\n';
      else if (group && i % group === 0) s += sep;
    }
    const b = bytes[i]!;
    s += HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!;
  }
  return options.uppercase ? s.toUpperCase() : s;
}
