// Route column extractor: one pass over a dump chunk in linear memory, one row per RTM_NEWROUTE
// written straight into column areas (raw stores). Same output as the TS fallback in
// src/rtnl/fast-columns.ts (`appendChunkTs`), which is the reference; layout and growth are owned
// by the JS side (it passes a descriptor of column addresses and guarantees the capacity).
//
// Descriptor (u32 addresses, in this order):
//   u8:  0 family, 1 dstLen, 2 srcLen, 3 tos, 4 protocol, 5 scope, 6 type, 7 pref
//   u16: 8 present
//   u32: 9 table, 10 flags, 11 oif, 12 priority, 13 dst4, 14 gateway4, 15 prefsrc4
//   16B: 16 dst6, 17 gateway6, 18 prefsrc6   (only read when v6 != 0)
// Returns the new row count, or -1 on malformed input with err[0] = byte offset and
// err[1] = reason (2 message-bad-length, 3 message-short-for-header, 4 attr-truncated, 5 attr-bad-length).

const RTM_NEWROUTE: u32 = 24;
const AF_INET: u32 = 2;
const AF_INET6: u32 = 10;

// present bits (P in src/rtnl/fast-parse.ts)
const P_DST: u32 = 0x1;
const P_GATEWAY: u32 = 0x2;
const P_PREFSRC: u32 = 0x4;
const P_SRC: u32 = 0x8;
const P_OIF: u32 = 0x10;
const P_PRIORITY: u32 = 0x20;
const P_IIF: u32 = 0x40;
const P_TABLE: u32 = 0x80;
const P_MULTIPATH: u32 = 0x100;
const P_ENCAP: u32 = 0x200;
const P_METRICS: u32 = 0x400;
const P_PREF: u32 = 0x800;
const P_VIA: u32 = 0x1000;
const P_EXPIRES: u32 = 0x2000;
const P_OTHER: u32 = 0x4000;

// @ts-ignore: decorator
@inline function fail(err: usize, off: u32, reason: u32): i32 {
  store<u32>(err, off);
  store<u32>(err, reason, 4);
  return -1;
}

// @ts-ignore: decorator
@inline function copy16(dst: usize, src: usize): void {
  if (src != 0) {
    store<u64>(dst, load<u64>(src));
    store<u64>(dst, load<u64>(src, 8), 8);
  } else {
    store<u64>(dst, 0);
    store<u64>(dst, 0, 8);
  }
}

export function extract(base: usize, len: u32, desc: usize, row: u32, table: u32, family: u32, v6: u32, err: usize): i32 {
  const cFamily = <usize>load<u32>(desc, 0);
  const cDstLen = <usize>load<u32>(desc, 4);
  const cSrcLen = <usize>load<u32>(desc, 8);
  const cTos = <usize>load<u32>(desc, 12);
  const cProtocol = <usize>load<u32>(desc, 16);
  const cScope = <usize>load<u32>(desc, 20);
  const cType = <usize>load<u32>(desc, 24);
  const cPref = <usize>load<u32>(desc, 28);
  const cPresent = <usize>load<u32>(desc, 32);
  const cTable = <usize>load<u32>(desc, 36);
  const cFlags = <usize>load<u32>(desc, 40);
  const cOif = <usize>load<u32>(desc, 44);
  const cPriority = <usize>load<u32>(desc, 48);
  const cDst4 = <usize>load<u32>(desc, 52);
  const cGw4 = <usize>load<u32>(desc, 56);
  const cPs4 = <usize>load<u32>(desc, 60);

  let r = row;
  let off: u32 = 0;
  while (off + 16 <= len) {
    const mp = base + <usize>off;
    const mlen = load<u32>(mp);
    if (mlen < 16 || mlen > len - off) return fail(err, off, 2);
    if (<u32>load<u16>(mp, 4) == RTM_NEWROUTE) {
      if (mlen < 28) return fail(err, off, 3);
      const h = mp + 16;
      const fam = <u32>load<u8>(h);
      let tbl = <u32>load<u8>(h, 4);
      const alen: u32 = fam == AF_INET ? 4 : fam == AF_INET6 ? 16 : 0;
      let oif: u32 = 0;
      let prio: u32 = 0;
      let pref: u32 = 0;
      let present: u32 = 0;
      let dst: usize = 0;
      let gw: usize = 0;
      let ps: usize = 0;
      let a = h + 12;
      const end = mp + <usize>mlen;
      while (a + 4 <= end) {
        const nlen = <u32>load<u16>(a);
        const at = <u32>load<u16>(a, 2) & 0x3fff;
        if (nlen < 4) return fail(err, <u32>(a - base), 5);
        if (a + <usize>nlen > end) return fail(err, <u32>(a - base), 4);
        const p = a + 4;
        const plen = nlen - 4;
        switch (at) {
          case 1: if (plen == alen) { dst = p; present |= P_DST; } else present |= P_OTHER; break;
          case 2: if (plen == alen) present |= P_SRC; else present |= P_OTHER; break;
          case 3: if (plen >= 4) present |= P_IIF; break;
          case 4: if (plen >= 4) { oif = load<u32>(p); present |= P_OIF; } break;
          case 5: if (plen == alen) { gw = p; present |= P_GATEWAY; } else present |= P_OTHER; break;
          case 6: if (plen >= 4) { prio = load<u32>(p); present |= P_PRIORITY; } break;
          case 7: if (plen == alen) { ps = p; present |= P_PREFSRC; } else present |= P_OTHER; break;
          case 8: if (plen > 0) present |= P_METRICS; break;
          case 9: present |= P_MULTIPATH; break;
          case 12: break;
          case 15: if (plen >= 4) { tbl = load<u32>(p); present |= P_TABLE; } break;
          case 18: present |= P_VIA; break;
          case 20: if (plen >= 1) { pref = <u32>load<u8>(p); present |= P_PREF; } break;
          case 21: case 22: present |= P_ENCAP; break;
          case 23: present |= P_EXPIRES; break;
          case 24: break;
          default: present |= P_OTHER;
        }
        a += <usize>((nlen + 3) & ~3);
      }
      if ((table == 0xffffffff || tbl == table) && (family == 0 || fam == family)) {
        const i = <usize>r;
        const i4 = i << 2;
        store<u8>(cFamily + i, <u8>fam);
        store<u8>(cDstLen + i, load<u8>(h, 1));
        store<u8>(cSrcLen + i, load<u8>(h, 2));
        store<u8>(cTos + i, load<u8>(h, 3));
        store<u8>(cProtocol + i, load<u8>(h, 5));
        store<u8>(cScope + i, load<u8>(h, 6));
        store<u8>(cType + i, load<u8>(h, 7));
        store<u8>(cPref + i, <u8>pref);
        store<u16>(cPresent + (i << 1), <u16>present);
        store<u32>(cTable + i4, tbl);
        store<u32>(cFlags + i4, load<u32>(h, 8));
        store<u32>(cOif + i4, oif);
        store<u32>(cPriority + i4, prio);
        const is4 = fam == AF_INET;
        store<u32>(cDst4 + i4, is4 && dst != 0 ? bswap<u32>(load<u32>(dst)) : 0);
        store<u32>(cGw4 + i4, is4 && gw != 0 ? bswap<u32>(load<u32>(gw)) : 0);
        store<u32>(cPs4 + i4, is4 && ps != 0 ? bswap<u32>(load<u32>(ps)) : 0);
        if (v6 != 0) {
          const i16 = i << 4;
          const is6 = fam == AF_INET6;
          copy16(<usize>load<u32>(desc, 64) + i16, is6 ? dst : 0);
          copy16(<usize>load<u32>(desc, 68) + i16, is6 ? gw : 0);
          copy16(<usize>load<u32>(desc, 72) + i16, is6 ? ps : 0);
        }
        r++;
      }
    }
    off += (mlen + 3) & ~3;
  }
  return <i32>r;
}
