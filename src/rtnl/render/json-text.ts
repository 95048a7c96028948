// ip -j's JSON written as text while the renderers walk an object, as iproute2's json_writer does:
// no objects built and stringified afterwards. The text is byte for byte what JSON.stringify (or,
// with -p, ip's pretty layout) makes of the objects the Printer builds in its object mode.
//
// It is written as UTF-8 bytes into a buffer, not by concatenating strings: a dump is dozens of
// small pieces a route, and a rope of millions of pieces costs more to build, flatten and collect
// than the copying.
import { formatHex } from '../../core/addr.js';

/** What a container being written is: an object, an array, or one whose contents are dropped. */
const enum Kind { Object, Array, Dropped }

interface Frame {
  kind: Kind;
  /** Which object this is (serial numbers only grow): the key stamps name it. */
  id: number;
}

/** A key as written before its value (`"key":`, escaped once; `,"key":` after another) and the object it was last used in. */
interface KeyEntry {
  readonly first: Uint8Array;
  readonly next: Uint8Array;
  lastObject: number;
}

const QUOTE = 0x22, COMMA = 0x2c, SPACE = 0x20, NEWLINE = 0x0a;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * A JSON array of values written as text: compact (JSON.stringify's) or ip -p's layout (4-space
 * indents, `[ {` ... `},{` ... `} ]`, arrays of scalars as `[ "a","b" ]`). The array itself is open
 * from the start; `end()` closes it.
 */
export class JsonTextWriter {
  private buf = new Uint8Array(1 << 17);
  private pos = 0;
  /** A value was written at this level: the next one is preceded by a comma. */
  private comma = false;
  private depth = 1;
  /** How many containers are open (frames[0..open-1], the innermost last). */
  private openCount = 0;
  /** The innermost open container. */
  private top: Frame | undefined = undefined;
  /** The open containers' frames, reused: one a depth. */
  private readonly frames: Frame[] = [];
  private readonly keys = new Map<string, KeyEntry>();
  private objects = 0;
  private dropped = 0;
  /**
   * An object was given the same key twice: the object path keeps one member (the first's place,
   * the last's value), which text already written cannot; the caller takes the value back and
   * writes the object form instead.
   */
  conflict = false;

  constructor(readonly pretty = false) {
    this.ascii(pretty ? '[ ' : '[');
  }

  /** The text written so far (taken: the writer keeps only what follows). */
  take(): string {
    const s = fromUtf8.decode(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return s;
  }
  /** The UTF-8 bytes written so far, the caller's to keep (the writer goes on in a new buffer). */
  takeBytes(): Uint8Array {
    const b = this.buf.subarray(0, this.pos);
    this.buf = new Uint8Array(this.buf.length);
    this.pos = 0;
    return b;
  }
  /** Bytes written and not yet taken. */
  get length(): number {
    return this.pos;
  }
  /** Closes every container still open and the array: the rest of the text. */
  end(): string {
    this.closeAll();
    if (this.pretty && this.comma) this.byte(SPACE);
    this.byte(0x5d);
    this.comma = true;
    return this.take();
  }

  private markPos = 0;
  private markComma = false;
  /** Remembers where the next top-level value begins (only between top-level values, before any take). */
  mark(): void {
    this.markPos = this.pos;
    this.markComma = this.comma;
  }
  /** Drops what was written since the mark and clears `conflict`. */
  restore(): void {
    this.pos = this.markPos;
    this.comma = this.markComma;
    this.openCount = 0;
    this.top = undefined;
    this.depth = 1;
    this.dropped = 0;
    this.conflict = false;
  }

  // ---- bytes -----------------------------------------------------------------------------------

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }
  private byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }
  /** A string known to be ASCII (numbers, literals). */
  private ascii(s: string): void {
    this.room(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }
  private bytes(x: Uint8Array): void {
    this.room(x.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < x.length; i++) b[p++] = x[i]!;
    this.pos = p;
  }
  /** A JSON string: copied as it is while it is printable ASCII without `"` or `\`, else as JSON.stringify escapes it. */
  private str(s: string): void {
    this.room(s.length + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = QUOTE;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === QUOTE || c === 0x5c || c >= 0x7f) { this.bytes(utf8.encode(JSON.stringify(s))); return; }
      b[p++] = c;
    }
    b[p++] = QUOTE;
    this.pos = p;
  }
  /** Newline and the indent of the depth (-p). */
  private eol(): void {
    const n = 4 * this.depth;
    this.room(n + 1);
    const b = this.buf;
    let p = this.pos;
    b[p++] = NEWLINE;
    for (let i = 0; i < n; i++) b[p++] = SPACE;
    this.pos = p;
  }

  private key(k: string): KeyEntry {
    let e = this.keys.get(k);
    if (e === undefined) {
      // an index-like key is listed first by the object path: only it knows that order
      const c0 = k.charCodeAt(0);
      const text = JSON.stringify(k) + (this.pretty ? ': ' : ':');
      e = { first: utf8.encode(text), next: utf8.encode(',' + text), lastObject: c0 >= 0x30 && c0 <= 0x39 ? Infinity : 0 };
      this.keys.set(k, e);
    }
    return e;
  }

  // ---- values ----------------------------------------------------------------------------------

  /**
   * Starts a member or element: false when it is not written (inside a dropped container, or a
   * keyless value in an object, which the object path drops too).
   */
  private begin(key: string | null, defined: boolean): boolean {
    if (this.dropped) return false;
    const top = this.top;
    if (top !== undefined && top.kind === Kind.Object) {
      if (key === null) return false;
      const e = this.key(key);
      // Used in this object already: a repeated key. Used in an object opened after this one (one
      // inside it, closed since), it may have been used here too: taken as repeated, to be safe.
      if (e.lastObject >= top.id) this.conflict = true;
      if (e.lastObject !== Infinity) e.lastObject = top.id;
      if (!defined) return false; // undefined drops out of JSON
      if (this.pretty) {
        if (this.comma) this.byte(COMMA);
        this.eol();
        this.bytes(e.first);
      } else this.bytes(this.comma ? e.next : e.first);
      this.comma = true;
      return true;
    }
    if (this.comma) this.byte(COMMA);
    this.comma = true;
    return true;
  }

  /** A scalar (or an array of strings, as `flags`) under `key` (null in an array or at the top). */
  value(key: string | null, v: unknown): void {
    if (!this.begin(key, v !== undefined)) return;
    switch (typeof v) {
      case 'string': this.str(v); return;
      case 'number': this.ascii(Number.isFinite(v) ? String(v) : 'null'); return;
      case 'boolean': this.ascii(v ? 'true' : 'false'); return;
      case 'bigint': if (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)) this.ascii(String(Number(v))); else this.str(v.toString()); return;
      // an undefined array element: JSON.stringify's null, and ipJson's pretty walk wrote its text
      case 'undefined': this.ascii(this.pretty ? 'undefined' : 'null'); return;
    }
    if (v === null) this.ascii('null');
    else if (Array.isArray(v)) {
      this.push(Kind.Array);
      for (const x of v as readonly unknown[]) this.value(null, x);
      this.close();
    } else if (v instanceof Uint8Array) this.str(formatHex(v, ''));
    else if (typeof v === 'object') {
      this.push(Kind.Object);
      for (const k of Object.keys(v)) this.value(k, (v as Record<string, unknown>)[k]);
      this.close();
    } else this.ascii('null'); // a function or symbol: not JSON
  }

  private push(kind: Kind): void {
    const d = this.openCount++;
    let f = this.frames[d];
    if (f === undefined) { f = { kind, id: 0 }; this.frames[d] = f; }
    f.kind = kind;
    f.id = ++this.objects;
    this.top = f;
    this.depth++;
    this.comma = false;
    if (kind === Kind.Object) this.byte(0x7b);
    else this.ascii(this.pretty ? '[ ' : '[');
  }

  /** Opens an object or array under `key`. */
  open(key: string | null, array: boolean): void {
    if (!this.begin(key, true)) {
      // the object path makes this container but attaches it nowhere: its contents are lost
      this.dropped++;
      const d = this.openCount++;
      let f = this.frames[d];
      if (f === undefined) { f = { kind: Kind.Dropped, id: 0 }; this.frames[d] = f; }
      f.kind = Kind.Dropped;
      this.top = f;
      return;
    }
    this.push(array ? Kind.Array : Kind.Object);
  }

  /** Closes what a value left open (the object path's objects are complete whether closed or not). */
  closeAll(): void {
    while (this.openCount) this.close();
  }

  /** Closes the innermost container (whatever open call made it, as the object path pops its stack). */
  close(): void {
    const f = this.top;
    if (f === undefined) return;
    this.top = --this.openCount ? this.frames[this.openCount - 1] : undefined;
    if (f.kind === Kind.Dropped) { this.dropped--; return; }
    this.depth--;
    if (f.kind === Kind.Array) {
      if (this.pretty && this.comma) this.byte(SPACE);
      this.byte(0x5d);
    } else {
      if (this.pretty && this.comma) this.eol();
      this.byte(0x7d);
    }
    this.comma = true;
  }
}
