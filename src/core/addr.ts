// Address formatting and parsing: IPv4, IPv6 (RFC 5952 text form), MAC-style hex.
// Pure functions over bytes so the codec stays usable in a browser.

/** Formats 4 bytes at `off` as dotted-quad IPv4 text. */
export function formatIPv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952: lowercase, zeros suppressed, the longest run (>= 2 groups) of zeros as '::'. */
export function formatIPv6(b: Uint8Array, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!);
  // IPv4-mapped addresses keep their dotted tail, as iproute2 prints them
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${formatIPv4(b, off + 12)}`;
  }
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}

/** 4 bytes → IPv4, 16 bytes → IPv6, anything else → hex with colons. */
export function formatIP(b: Uint8Array): string {
  if (b.length === 4) return formatIPv4(b);
  if (b.length === 16) return formatIPv6(b);
  return formatHex(b);
}

/** Formats bytes as lower-case hex pairs joined by `sep` (a MAC address with ':'). */
export function formatHex(b: Uint8Array, sep = ':'): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    if (i && sep) s += sep;
    s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  }
  return s;
}

/**
 * Parses dotted-quad IPv4 text into 4 bytes; undefined if it is not one. As inet_pton(): four
 * decimal parts, each <= 255 and without a leading zero, since '010' is 8 to inet_aton() and
 * iproute2 but 10 to a decimal reader: an ambiguous address is refused, never guessed.
 */
export function parseIPv4(s: string): Uint8Array | undefined {
  // A char loop: bulk paths parse millions.
  const out = new Uint8Array(4);
  let part = 0, digits = 0, k = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || k === 3) return undefined;
      out[k++] = part;
      part = 0; digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return undefined; // a leading zero
      if (++digits > 3) return undefined;
      part = part * 10 + c - 48;
      if (part > 255) return undefined;
    } else return undefined;
  }
  if (k !== 3 || digits === 0) return undefined;
  out[3] = part;
  return out;
}

/** Parses IPv6 text (with '::' and an embedded IPv4 tail) into 16 bytes; undefined if it is not one. */
export function parseIPv6(s: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  let text = s;
  let tail4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
    if (!tail4) return undefined;
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h === '') return [];
    const r: number[] = [];
    for (const p of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      r.push(parseInt(p, 16));
    }
    return r;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1 && head.length !== 8) return undefined;
  if (halves.length === 2 && head.length + tail.length > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >> 8;
    out[2 * i + 1] = groups[i]! & 0xff;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}

/** Parses an IPv4 or IPv6 address; undefined when it is neither. */
export function parseIP(s: string): Uint8Array | undefined {
  return s.includes(':') ? parseIPv6(s) : parseIPv4(s);
}

/** 'aa:bb:cc' (any length, also '' for zero bytes) → bytes. */
export function parseHex(s: string, sep = ':'): Uint8Array | undefined {
  if (s === '') return new Uint8Array(0);
  const parts = sep ? s.split(sep) : s.match(/.{1,2}/g) ?? [];
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(parts[i]!)) return undefined;
    out[i] = parseInt(parts[i]!, 16);
  }
  return out;
}

/**
 * '10.0.0.0/8' → { addr bytes, prefixLength }; the length defaults to the full length. The length
 * is decimal digits without a sign, spaces or a leading zero ('/', '/08', '/8 ', '/8/9' are refused).
 */
export function parsePrefix(s: string): { address: Uint8Array; prefixLength: number } | undefined {
  const slash = s.indexOf('/');
  const address = parseIP(slash < 0 ? s : s.slice(0, slash));
  if (!address) return undefined;
  const max = address.length * 8;
  if (slash < 0) return { address, prefixLength: max };
  const p = s.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
  const prefixLength = Number(p);
  return prefixLength > max ? undefined : { address, prefixLength };
}
