// Route message scanner shared by the fast route paths (objects, stream, columns fallback, JSON).
// One pass over a dump chunk; per route it fills the module-level `row` (a fixed-shape object
// reused for every message, so nothing is allocated) with the rtmsg fields and the offsets of the
// address attributes inside the chunk. Attributes the fast paths do not model are flagged in
// `row.present` (P.MULTIPATH, P.ENCAP, P.METRICS, P.VIA, P.OTHER) so consumers can fall back.
import { DecodeError } from '../core/errors.js';

export const RTM_NEWROUTE = 24;
export const AF_INET = 2;
export const AF_INET6 = 10;

/** Bits of the `present` column / RouteView.present. */
export const P = {
  DST: 0x1,
  GATEWAY: 0x2,
  PREFSRC: 0x4,
  SRC: 0x8,
  OIF: 0x10,
  PRIORITY: 0x20,
  IIF: 0x40,
  TABLE: 0x80,
  MULTIPATH: 0x100,
  ENCAP: 0x200,
  METRICS: 0x400,
  PREF: 0x800,
  VIA: 0x1000,
  EXPIRES: 0x2000,
  /** any other attribute (mark, uid, nh id, flow, ...) */
  OTHER: 0x4000,
} as const;
/** Attributes that need the full renderer for ip-compatible output. */
export const P_EXOTIC = P.MULTIPATH | P.ENCAP | P.METRICS | P.VIA | P.OTHER | P.IIF | P.SRC | P.EXPIRES;

export interface RouteRow {
  family: number;
  dstLen: number;
  srcLen: number;
  tos: number;
  /** RTA_TABLE when present, else rtm_table */
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
  oif: number;
  iif: number;
  priority: number;
  pref: number;
  present: number;
  /** Byte offsets of the address payloads in the chunk, -1 when absent. */
  dstOff: number;
  gwOff: number;
  prefsrcOff: number;
  srcOff: number;
  /** Offset and length of the whole message in the chunk. */
  msgOff: number;
  msgLen: number;
}

export const row: RouteRow = {
  family: 0, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0,
  oif: 0, iif: 0, priority: 0, pref: 0, present: 0, dstOff: -1, gwOff: -1, prefsrcOff: -1, srcOff: -1,
  msgOff: 0, msgLen: 0,
};

/**
 * Parses the route message at `off` of `b` (header already checked: `len` bytes, type
 * RTM_NEWROUTE) into `row`. Returns false when the address attributes have an unexpected size
 * for the family (then the route is flagged P.OTHER and the address is ignored).
 */
export function parseRouteAt(b: Uint8Array, v: DataView, off: number, len: number): void {
  if (len < 28) throw new DecodeError('message-short-for-header', off, `route message of ${len} bytes, rtmsg needs 28`);
  const r = row;
  const h = off + 16;
  const family = b[h]!;
  r.family = family;
  r.dstLen = b[h + 1]!;
  r.srcLen = b[h + 2]!;
  r.tos = b[h + 3]!;
  r.table = b[h + 4]!;
  r.protocol = b[h + 5]!;
  r.scope = b[h + 6]!;
  r.type = b[h + 7]!;
  r.flags = v.getUint32(h + 8, true);
  r.oif = 0;
  r.iif = 0;
  r.priority = 0;
  r.pref = 0;
  r.dstOff = -1;
  r.gwOff = -1;
  r.prefsrcOff = -1;
  r.srcOff = -1;
  r.msgOff = off;
  r.msgLen = len;
  const alen = family === AF_INET ? 4 : family === AF_INET6 ? 16 : 0;
  let present = 0;
  let a = h + 12;
  const end = off + len;
  while (a + 4 <= end) {
    const nlen = b[a]! | (b[a + 1]! << 8);
    const type = (b[a + 2]! | (b[a + 3]! << 8)) & 0x3fff;
    if (nlen < 4 || a + nlen > end) throw new DecodeError(nlen < 4 ? 'attr-bad-length' : 'attr-truncated', a, `route attribute ${type}`);
    const p = a + 4;
    const plen = nlen - 4;
    switch (type) {
      case 1: if (plen === alen) { r.dstOff = p; present |= 0x1; } else present |= 0x4000; break;
      case 2: if (plen === alen) { r.srcOff = p; present |= 0x8; } else present |= 0x4000; break;
      case 3: if (plen >= 4) { r.iif = v.getUint32(p, true); present |= 0x40; } break;
      case 4: if (plen >= 4) { r.oif = v.getUint32(p, true); present |= 0x10; } break;
      case 5: if (plen === alen) { r.gwOff = p; present |= 0x2; } else present |= 0x4000; break;
      case 6: if (plen >= 4) { r.priority = v.getUint32(p, true); present |= 0x20; } break;
      case 7: if (plen === alen) { r.prefsrcOff = p; present |= 0x4; } else present |= 0x4000; break;
      case 8: if (plen > 0) present |= 0x400; break;
      case 9: present |= 0x100; break;
      case 12: break; // RTA_CACHEINFO: ip shows it only with -s / for expiring routes
      case 15: if (plen >= 4) { r.table = v.getUint32(p, true); present |= 0x80; } break;
      case 18: present |= 0x1000; break;
      case 20: if (plen >= 1) { r.pref = b[p]!; present |= 0x800; } break;
      case 21: case 22: present |= 0x200; break;
      case 23: present |= 0x2000; break;
      case 24: break; // RTA_PAD
      default: present |= 0x4000;
    }
    a += (nlen + 3) & ~3;
  }
  r.present = present;
}

/** Address family number from a name or number; 0 = all. */
export function familyNumber(f: 'inet' | 'inet6' | 'all' | number | undefined): number {
  if (f === undefined || f === 'all') return 0;
  if (f === 'inet') return AF_INET;
  if (f === 'inet6') return AF_INET6;
  return f;
}

const TABLES: Record<string, number> = { unspec: 0, compat: 252, default: 253, main: 254, local: 255 };
/** Table id from a name or number; undefined = all tables. */
export function tableNumber(t: number | string | undefined): number | undefined {
  if (t === undefined || t === 'all') return undefined;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  const n = TABLES[t];
  if (n === undefined) throw new RangeError(`unknown routing table ${t}`);
  return n;
}

/** An RTM_GETROUTE dump request (rtmsg with family / table; RTA_TABLE for ids above 255). */
export function routeDumpRequest(family: number, table: number | undefined): Uint8Array {
  const big = table !== undefined && table > 255;
  const len = 28 + (big ? 8 : 0);
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  v.setUint32(0, len, true);
  v.setUint16(4, 26 /* RTM_GETROUTE */, true);
  b[16] = family;
  if (table !== undefined) b[20] = big ? 252 : table;
  if (big) {
    v.setUint16(28, 8, true);
    v.setUint16(30, 15, true);
    v.setUint32(32, table, true);
  }
  return b;
}

/** An RTM_GETLINK dump request. */
export function linkDumpRequest(): Uint8Array {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  v.setUint32(0, 32, true);
  v.setUint16(4, 18 /* RTM_GETLINK */, true);
  return b;
}

/**
 * Walks the messages of a chunk, calling `each(off, len, type)` per message; throws DecodeError
 * on a malformed header.
 */
export function forEachMessage(b: Uint8Array, v: DataView, each: (off: number, len: number, type: number) => void): void {
  const n = b.length;
  let off = 0;
  while (off + 16 <= n) {
    const len = v.getUint32(off, true);
    if (len < 16 || off + len > n) throw new DecodeError('message-bad-length', off, `nlmsg_len ${len}`);
    each(off, len, b[off + 4]! | (b[off + 5]! << 8));
    off += (len + 3) & ~3;
  }
}

/** Reads a big-endian u32 (an IPv4 address as a number, 10.1.2.3 -> 0x0a010203). */
export function be32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}
