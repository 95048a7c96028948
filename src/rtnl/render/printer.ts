// iproute2's json_print for the ip renderers: every print call names a JSON key and a text format,
// and one walk over an object makes either ip -j's JSON or ip's text, as in iproute2 itself.
// Also the small formatting helpers every object kind shares (ip's %g, %#x, clock_t timers).
import { AF_INET, AF_INET6, operstate } from '../../families/route/constants.js';
import { JsonTextWriter } from './json-text.js';

/** What a print call may carry: a JSON scalar (undefined, for a value the kernel left out, drops out of JSON). */
export type Scalar = string | number | boolean | null | undefined;
type JsonObject = Record<string, unknown>;

/** ip -c's colours (SGR codes): interface names, MAC addresses, IPv4, IPv6, operational states. */
export const C_IFNAME = 36, C_MAC = 33, C_INET = 35, C_INET6 = 34, C_UP = 32, C_DOWN = 31;
export const familyColor = (family: number): number => (family === AF_INET ? C_INET : family === AF_INET6 ? C_INET6 : 0);
export const operColor = (state: number): number => (state === operstate.values.up ? C_UP : state === operstate.values.down ? C_DOWN : 0);

/** iproute2's json_print: each call adds a JSON value (JSON mode) or text (text mode). */
export class Printer {
  readonly out: unknown[] = [];
  text = '';
  private stack: Array<JsonObject | unknown[]> = [];
  /**
   * @param writer JSON mode writes JSON text into it as it goes (iproute2's json_writer) instead
   *   of building objects in `out`.
   */
  constructor(readonly json: boolean, readonly color = false, private readonly writer?: JsonTextWriter) {}

  private put(key: string | null, v: unknown): void {
    if (this.writer) { this.writer.value(key, v); return; }
    const top = this.stack[this.stack.length - 1];
    if (!top) this.out.push(v);
    else if (Array.isArray(top)) top.push(v);
    else if (key !== null) top[key] = v;
  }
  /** PRINT_ANY: `fmt` holds one %s for the value's text (`text`, or String(v)). */
  any(key: string | null, fmt: string, v: Scalar, text?: string): void {
    if (this.json) this.put(key, v);
    else this.text += fmt.replace('%s', text ?? String(v));
  }
  /** print_color_*(PRINT_ANY...): as any(), the text wrapped in the colour's escape codes when colours are on. */
  cany(color: number, key: string | null, fmt: string, v: Scalar, text?: string): void {
    if (this.json) this.put(key, v);
    else if (this.color && color) this.text += `\x1b[${color}m${fmt.replace('%s', text ?? String(v))}\x1b[0m`;
    else this.text += fmt.replace('%s', text ?? String(v));
  }
  /** PRINT_JSON only. */
  js(key: string | null, v: Scalar | readonly string[]): void {
    if (!this.json) return;
    // a list may be shared (print_rt_flags' words): each object built gets its own
    if (!this.writer && Array.isArray(v)) this.put(key, v.slice());
    else this.put(key, v);
  }
  /** PRINT_FP only. */
  fp(s: string): void {
    if (!this.json) this.text += s;
  }
  /** print_null(PRINT_ANY...). */
  nul(key: string, text: string): void {
    if (this.json) this.put(key, null);
    else this.text += text;
  }
  open(key: string | null = null): void {
    if (!this.json) return;
    if (this.writer) { this.writer.open(key, false); return; }
    const o: JsonObject = {};
    this.put(key, o);
    this.stack.push(o);
  }
  close(): void {
    if (!this.json) return;
    if (this.writer) this.writer.close();
    else this.stack.pop();
  }
  openArr(key: string | null): void {
    if (!this.json) return;
    if (this.writer) { this.writer.open(key, true); return; }
    const a: unknown[] = [];
    this.put(key, a);
    this.stack.push(a);
  }
  closeArr(): void {
    this.close();
  }
}

/** One walk in JSON or text mode. */
export function print(json: boolean, fn: (p: Printer) => void, color = false): Printer {
  const p = new Printer(json, color);
  fn(p);
  return p;
}

/**
 * ip -j's array of objects written as text as the items come (a dump of any size, flushed by the
 * caller in chunks): the bytes ipJson() makes of what the object path renders, compact or -p.
 */
export class JsonTextList<T> {
  private readonly writer: JsonTextWriter;
  private readonly printer: Printer;
  constructor(private readonly printItem: (p: Printer, item: T) => void, pretty = false) {
    this.writer = new JsonTextWriter(pretty);
    this.printer = new Printer(true, false, this.writer);
  }
  add(item: T): void {
    const w = this.writer;
    w.mark();
    this.printItem(this.printer, item);
    w.closeAll();
    if (!w.conflict) return;
    // a key given twice (rare): the object path's objects, written as text
    w.restore();
    for (const v of print(true, (p) => this.printItem(p, item)).out) w.value(null, v);
    w.conflict = false; // (index-like keys flag it again, but objects list those in their order)
  }
  /** Bytes (UTF-8) written and not yet taken. */
  get length(): number {
    return this.writer.length;
  }
  /** The text written so far. */
  take(): string {
    return this.writer.take();
  }
  /** The text written so far as UTF-8, the caller's to keep (to write out without a string in between). */
  takeBytes(): Uint8Array {
    return this.writer.takeBytes();
  }
  /** The rest of the text, with the array's closing bracket. */
  end(): string {
    return this.writer.end();
  }
}

// ---- formatting -------------------------------------------------------------------------------

/** C's printf("%g"): 6 significant digits, trailing zeros dropped, exponent form outside 1e-4..1e6. */
export function formatG(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e');
    const n = Number(e);
    return `${m!.includes('.') ? m!.replace(/\.?0+$/, '') : m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(0, 5 - exp));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** C's %#x / %#llx (print_0xhex): "0" for zero, "0x..." otherwise. */
export function hex(n: number | bigint): string {
  return n === 0 || n === 0n ? '0' : '0x' + n.toString(16);
}
/** "0x%x": "0x0" for zero too. */
export const hex0x = (n: number): string => '0x' + n.toString(16);
/** "0x" and at least `width` hex digits (%#0Nx without the zero special case). */
export const hex0 = (n: number, width: number): string => '0x' + n.toString(16).padStart(width, '0');
/** A u32 the kernel means as an int. */
export const s32 = (n: number): number => n | 0;
/** Bytes as ip's hexstring_n2a(): two digits a byte, no separators. */
export const hexBytes = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** USER_HZ: the kernel reports clock_t values in 1/100 s. */
export const HZ = 100;

/** __jiffies_to_tv() with ip's "%i.%.2i" (clock_t → seconds with 2 decimals). */
export function jiffiesTimer(v: bigint | number): { json: number; text: string } {
  const j = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  const usec = 10000n * j;
  const sec = usec / 1000000n;
  const cs = (usec - sec * 1000000n) / 10000n;
  const t = `${sec}.${cs.toString().padStart(2, '0')}`;
  return { json: Number(t), text: t };
}

// ---- print calls many kinds share ------------------------------------------------------------------

/** A number under `key` when the attribute is there (64-bit values as JSON numbers, as ip's %llu). */
export function u(p: Printer, key: string, fmt: string, v: number | bigint | undefined): void {
  if (v !== undefined) p.any(key, fmt, Number(v));
}
/** "LABEL on|off" text, a boolean in JSON. */
export function onOff(p: Printer, key: string, label: string, v: number | undefined): void {
  if (v === undefined) return;
  const b = !!v;
  p.any(key, `${label} %s `, b, b ? 'on' : 'off');
}
/** A clock_t timer as ip prints it ("%7.2f"-like text, seconds in JSON). */
export function timer(p: Printer, key: string, v: bigint | undefined): void {
  if (v === undefined) return;
  const t = jiffiesTimer(v);
  p.any(key, `${key} %s `, t.json, t.text.padStart(7));
}
/** A boolean in JSON; in text the word, or "no" and the word when off (udpcsum / noudpcsum). */
export function boolWord(p: Printer, key: string, v: number | undefined, word: string): void {
  if (v === undefined) return;
  const b = !!v;
  if (p.json) p.js(key, b);
  else p.fp(`${b ? '' : 'no'}${word} `);
}
/** print_bool(PRINT_ANY, key, "word ", true): a word that is there or not. */
export function present(p: Printer, key: string, word: string): void {
  p.any(key, word, true, '');
}
/** u() for each [key, value] (text "key N "), or [key, value, word] where ip's word differs from the key. */
export function nums(p: Printer, list: ReadonlyArray<readonly [string, number | bigint | undefined, string?]>): void {
  for (const [key, v, word] of list) u(p, key, `${word ?? key} %s `, v);
}
