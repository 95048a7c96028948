// What routes and nexthop objects print alike: their flags (print_rt_flags()) and their
// lightweight tunnel encapsulation (lwt_print_encap() of ip/iproute_lwtunnel.c).
import { lwtunnelEncap, rtmFlags } from '../../families/route/constants.js';
import type { encapFormats } from '../../families/route/route.js';
import type { DecodedSet } from '../../schema/types.js';
import { ENCAP_WORDS, RT_FLAG_WORDS } from '../ip-names.js';
import type { Route } from '../types.js';
import { enumWord, type Shown } from './context.js';
import { u, type Printer } from './printer.js';

const RT_FLAG_BITS = RT_FLAG_WORDS.map(([key, word]) => [rtmFlags.values[key], word] as const);
/** The words of each flags value met, made once (every route of a dump prints its flags). */
const rtFlagWords = new Map<number, readonly string[]>();
function flagWords(flags: number): readonly string[] {
  let words = rtFlagWords.get(flags);
  if (words === undefined) {
    words = Object.freeze(RT_FLAG_BITS.filter(([bit]) => flags & bit).map(([, word]) => word));
    if (rtFlagWords.size < 256) rtFlagWords.set(flags, words);
  }
  return words;
}

/** print_rt_flags(): the words in JSON's `flags`, each followed by a space in text. */
export function printRtFlags(p: Printer, flags: number): void {
  const items = flagWords(flags);
  if (p.json) p.js('flags', items);
  else for (const i of items) p.fp(`${i} `);
}

type EncapFormats = typeof encapFormats;
/** RTA_ENCAP / NHA_ENCAP as decoded (both use the same formats). */
export type EncapValue = NonNullable<Shown<Route>['attrs']['encap']>;
/** The encapsulation as the format of its type. */
function encapAs<T extends keyof EncapFormats>(e: Exclude<EncapValue, Uint8Array>, _type: T): DecodedSet<EncapFormats[T]> {
  // ENCAP is decoded with the format ENCAP_TYPE names (the sub-message's selector), which the
  // declared type, a union over every encapsulation, cannot tie to the type: a narrowing cast
  return e as DecodedSet<EncapFormats[T]>;
}

/** lwt_print_encap(), for the encapsulations tests meet (MPLS, ip/ip6 tunnel keys); others by name. */
export function printEncap(p: Printer, type: number | undefined, encap: EncapValue): void {
  const t = lwtunnelEncap.values;
  // lwt_print_encap()'s format starts with a space: ip's text has two before `encap`
  p.any('encap', ' encap %s ', (type ? enumWord(lwtunnelEncap, type, ENCAP_WORDS) : undefined) ?? 'unknown');
  if (encap instanceof Uint8Array) return;
  if (type === t.mpls) {
    const dst = encapAs(encap, t.mpls).dst;
    if (!dst) return;
    const labels: string[] = [];
    for (let i = 0; i + 4 <= dst.length; i += 4) {
      const w = (dst[i]! << 24 | dst[i + 1]! << 16 | dst[i + 2]! << 8 | dst[i + 3]!) >>> 0;
      labels.push(String(w >>> 12));
      if (w & 0x100) break; // bottom of stack
    }
    p.any('dst', '%s ', labels.join('/'));
    u(p, 'ttl', 'ttl %s ', encapAs(encap, t.mpls).ttl);
  } else if (type === t.ip) {
    const e = encapAs(encap, t.ip);
    printTunnelKey(p, e.id, e.src, e.dst);
    u(p, 'ttl', 'ttl %s ', e.ttl);
    u(p, 'tos', 'tos %s ', e.tos);
  } else if (type === t.ip6) {
    // print_encap_ip6() names them as the attributes do
    const e = encapAs(encap, t.ip6);
    printTunnelKey(p, e.id, e.src, e.dst);
    u(p, 'hoplimit', 'hoplimit %s ', e.hoplimit);
    u(p, 'tc', 'tc %s ', e.tc);
  }
}
function printTunnelKey(p: Printer, id: bigint | undefined, src: string | undefined, dst: string | undefined): void {
  if (id !== undefined) p.any('id', 'id %s ', Number(id));
  if (src !== undefined) p.any('src', 'src %s ', src);
  if (dst !== undefined) p.any('dst', 'dst %s ', dst);
}
