// Column extractor: one pass over a chunk of netlink messages in linear memory, one row per
// message of the chosen type, each chosen field stored straight into its column (raw stores).
// The program (which fields, where, how wide) is generated from a declaration by
// src/schema/columns.ts, which also holds the TS engine with the identical output; nothing here
// knows a family. Layout and capacity are the JS side's: it guarantees room for every row.
//
// Program (u32 words at `prog`):
//   0 message type   1 family header size   2 header field count H   3 attribute field count A
//   4 present column address (one u32 bit mask per row)
//   5 dispatch table address   6 dispatch table length T
//   then H entries of 4 words: offset in the family header, kind, column address, bit
//   then A entries of 4 words: attribute type, kind, column address, bit
// The dispatch table has one byte per attribute type below T: 0 when no column wants the type,
// else 1 + the index of its attribute entry (so each attribute costs one load, not a search).
// Kinds: 1 u8, 2 u16, 3 u32, 4 s8, 5 s16, 6 s32, 7 ipv4 (as a number, first byte highest),
//        8 ipv6 (16 bytes), 9 flag (1), 10 u16 big-endian, 11 u32 big-endian, 12 ip (4 or 16
//        bytes into a 16-byte slot, IPv4 first and zeros after).
// Every column element is 4 bytes, except ipv6 and ip (16). Rows are written from `row0` on (a
// collector appends chunk after chunk). Returns the number of rows written, or -1 with
// err[0] = byte offset and err[1] = reason (2 message-bad-length, 3 message-short-for-header,
// 4 attr-truncated, 5 attr-bad-length, 6 attr-bad-size, 1 message-truncated).

// @ts-ignore: decorator
@inline function fail(err: usize, off: u32, reason: u32): i32 {
  store<u32>(err, off);
  store<u32>(err, reason, 4);
  return -1;
}

// @ts-ignore: decorator
@inline function payloadSize(kind: u32): i32 {
  if (kind == 1 || kind == 4) return 1;
  if (kind == 2 || kind == 5 || kind == 10) return 2;
  if (kind == 8) return 16;
  if (kind == 9) return 0;
  return 4;
}

// @ts-ignore: decorator
@inline function storeValue(kind: u32, col: usize, row: u32, src: usize): void {
  if (kind == 3 || kind == 6) { store<u32>(col + (<usize>row << 2), load<u32>(src)); return; }
  if (kind == 7 || kind == 11) { store<u32>(col + (<usize>row << 2), bswap<u32>(load<u32>(src))); return; }
  if (kind == 8) {
    const dst = col + (<usize>row << 4);
    store<u64>(dst, load<u64>(src));
    store<u64>(dst, load<u64>(src, 8), 8);
    return;
  }
  if (kind == 13) { // ip with a 4-byte payload: the IPv4 address, zeros after it (already zeroed)
    store<u32>(col + (<usize>row << 4), load<u32>(src));
    return;
  }
  let x: u32 = 0;
  if (kind == 1) x = <u32>load<u8>(src);
  else if (kind == 2) x = <u32>load<u16>(src);
  else if (kind == 4) x = <u32>load<i8>(src);
  else if (kind == 5) x = <u32>load<i16>(src);
  else if (kind == 9) x = 1;
  else if (kind == 10) x = <u32>bswap<u16>(load<u16>(src));
  store<u32>(col + (<usize>row << 2), x);
}

export function extract(base: usize, len: u32, prog: usize, row0: u32, err: usize): i32 {
  const msgType = load<u32>(prog);
  const hdrSize = load<u32>(prog, 4);
  const nHdr = load<u32>(prog, 8);
  const nAttr = load<u32>(prog, 12);
  const presentCol = <usize>load<u32>(prog, 16);
  const table = <usize>load<u32>(prog, 20);
  const tableLen = load<u32>(prog, 24);
  const hdrFields = prog + 28;
  const attrFields = hdrFields + (<usize>nHdr << 4);
  let row = row0;
  let off: u32 = 0;
  while (off < len) {
    const remaining = len - off;
    if (remaining < 16) return fail(err, off, 1);
    const msg = base + <usize>off;
    const mlen = load<u32>(msg);
    if (mlen < 16 || mlen > remaining) return fail(err, off, 2);
    if (<u32>load<u16>(msg, 4) == msgType) {
      if (mlen - 16 < hdrSize) return fail(err, off, 3);
      let present: u32 = 0;
      const hdr = msg + 16;
      for (let i: u32 = 0; i < nHdr; i++) {
        const f = hdrFields + (<usize>i << 4);
        storeValue(load<u32>(f, 4), <usize>load<u32>(f, 8), row, hdr + <usize>load<u32>(f));
        present |= load<u32>(f, 12);
      }
      let at = off + 16 + hdrSize;
      const end = off + mlen;
      while (at < end) {
        const left = end - at;
        if (left < 4) return fail(err, at, 4);
        const a = base + <usize>at;
        const alen = <u32>load<u16>(a);
        if (alen < 4) return fail(err, at, 5);
        if (alen > left) return fail(err, at, 4);
        const rawType = <u32>load<u16>(a, 2);
        const type = rawType & 0x3fff;
        if (type < tableLen) {
          const slot = <u32>load<u8>(table + <usize>type);
          if (slot != 0) {
            const f = attrFields + (<usize>(slot - 1) << 4);
            const bit = load<u32>(f, 12);
            // a repeat: the first one counts, as in the object decoders
            if ((present & bit) == 0) {
              let kind = load<u32>(f, 4);
              if (kind == 12) {
                if (alen == 8) kind = 13;
                else if (alen != 20) return fail(err, at, 6);
                else kind = 8;
              } else if (<i32>alen - 4 != payloadSize(kind)) return fail(err, at, 6);
              // NLA_F_NET_BYTEORDER: the value is big-endian whatever the declaration says
              if (rawType & 0x4000) kind = kind == 2 ? 10 : kind == 3 ? 11 : kind;
              const col = <usize>load<u32>(f, 8);
              // the 16-byte ip slot is zeroed before an IPv4 address fills its first 4 bytes
              if (kind == 13) store<u64>(col + (<usize>row << 4), 0, 8);
              if (kind == 13) store<u32>(col + (<usize>row << 4), 0, 4);
              storeValue(kind, col, row, a + 4);
              present |= bit;
            }
          }
        }
        at += (alen + 3) & ~3;
      }
      // attribute columns the message lacks read 0 in its row
      if (nAttr != 0) {
        for (let i: u32 = 0; i < nAttr; i++) {
          const f = attrFields + (<usize>i << 4);
          if (present & load<u32>(f, 12)) continue;
          const kind = load<u32>(f, 4);
          const col = <usize>load<u32>(f, 8);
          if (kind == 8 || kind == 12) {
            store<u64>(col + (<usize>row << 4), 0);
            store<u64>(col + (<usize>row << 4), 0, 8);
          } else store<u32>(col + (<usize>row << 2), 0);
        }
      }
      store<u32>(presentCol + (<usize>row << 2), present);
      row++;
    }
    off += (mlen + 3) & ~3;
  }
  return <i32>(row - row0);
}
