// ip -d's options of IP tunnels: gre, gretap, erspan and their IPv6 kinds, ipip, sit, ip6tnl
// (ip/link_gre.c, link_gre6.c, link_iptnl.c, link_ip6tnl.c).
import { greAttrs, type ip6tnlAttrs, type iptunAttrs } from '../../families/route/linkinfo.js';
import type { DecodedSet } from '../../schema/types.js';
import { IP6TNL_PROTO_NAMES, IPTUN_PROTO_NAMES } from '../ip-names.js';
import type { Names } from './context.js';
import { hex, hex0, hex0x, present, u, type Printer } from './printer.js';

const isAny = (a: string | undefined): boolean => a === undefined || a === '0.0.0.0' || a === '::';

function endpoint(p: Printer, key: string, a: string | undefined): void {
  p.any(key, `${key} %s `, isAny(a) ? 'any' : String(a));
}
function link(p: Printer, l: number | undefined, names: Names): void {
  if (l) p.any('link', 'dev %s ', names.name(l));
}
function ttl(p: Printer, t: number | undefined, inherit: string): void {
  if (t === undefined) return;
  if (p.json || t) p.any('ttl', 'ttl %s ', t);
  else p.fp(`${inherit} inherit `);
}
/** tos: 1 means inherit (text), else print_0xhex. */
export function tos(p: Printer, t: number | undefined): void {
  if (!t) return;
  if (p.json || t !== 1) p.any('tos', 'tos %s ', hex(t));
  else p.fp('tos inherit ');
}
function pmtudisc(p: Printer, m: number | undefined): void {
  if (m === undefined) return;
  p.any('pmtudisc', m ? 'pmtudisc ' : 'nopmtudisc ', !!m, '');
}
function fwmark(p: Printer, m: number | undefined): void {
  if (m) p.any('fwmark', 'fwmark %s ', hex(m));
}
/** The FOU/GUE encapsulation fields every IP tunnel kind has. */
interface TunnelEncap { encapType?: number; encapSport?: number; encapDport?: number }
function encap(p: Printer, d: TunnelEncap): void {
  if (d.encapType === undefined) return;
  const type = greAttrs.attrs.encapType.enum.byValue.get(d.encapType) ?? String(d.encapType);
  if (type === 'none') return;
  p.open('encap');
  p.any('type', 'encap %s ', type);
  u(p, 'sport', 'encap-sport %s ', d.encapSport);
  u(p, 'dport', 'encap-dport %s ', d.encapDport);
  p.close();
}
const ipv4OfKey = (k: number): string => [k >>> 24, (k >>> 16) & 255, (k >>> 8) & 255, k & 255].join('.');

type Gre = DecodedSet<typeof greAttrs>;
// GRE_* bits of i_flags / o_flags (as the kernel reports them: __be16, decoded to host order)
const GRE_CSUM = 0x8000, GRE_KEY = 0x2000, GRE_SEQ = 0x1000;
function greKeys(p: Printer, d: Gre): void {
  const iflags = d.iflags ?? 0, oflags = d.oflags ?? 0;
  if (iflags & GRE_KEY && d.ikey !== undefined) p.any('ikey', 'ikey %s ', ipv4OfKey(d.ikey));
  if (oflags & GRE_KEY && d.okey !== undefined) p.any('okey', 'okey %s ', ipv4OfKey(d.okey));
  if (iflags & GRE_SEQ) present(p, 'iseq', 'iseq ');
  if (oflags & GRE_SEQ) present(p, 'oseq', 'oseq ');
  if (iflags & GRE_CSUM) present(p, 'icsum', 'icsum ');
  if (oflags & GRE_CSUM) present(p, 'ocsum', 'ocsum ');
}
function erspan(p: Printer, d: Gre): void {
  u(p, 'erspan_index', 'erspan_index %s ', d.erspanIndex);
  const ver = d.erspanVer;
  if (ver !== undefined) p.any('erspan_ver', 'erspan_ver %s ', ver);
  if (ver === 2) {
    if (d.erspanDir !== undefined) p.any('erspan_dir', 'erspan_dir %s ', d.erspanDir === 0 ? 'ingress' : 'egress');
    if (d.erspanHwid !== undefined) p.any('erspan_hwid', 'erspan_hwid %s ', hex0x(d.erspanHwid));
  }
}

/** The endpoints, the lower device and the ttl (IPv6 kinds: the hop limit) every IP tunnel prints. */
interface TunnelEnds { remote?: string; local?: string; link?: number; ttl?: number; tos?: number; pmtudisc?: number }
function ends(p: Printer, d: TunnelEnds, names: Names, ttlWord: string): void {
  endpoint(p, 'remote', d.remote);
  endpoint(p, 'local', d.local);
  link(p, d.link, names);
  ttl(p, d.ttl, ttlWord);
}
/** IPv4 tunnels add tos and path MTU discovery. */
function ends4(p: Printer, d: TunnelEnds, names: Names): void {
  ends(p, d, names, 'ttl');
  tos(p, d.tos);
  pmtudisc(p, d.pmtudisc);
}

export function printGre(p: Printer, d: Gre, names: Names): void {
  if (d.collectMetadata !== undefined) { present(p, 'external', 'external '); return; }
  ends4(p, d, names);
  if (d.ignoreDf) present(p, 'ignore_df', 'ignore-df ');
  greKeys(p, d);
  fwmark(p, d.fwmark);
  erspan(p, d);
  encap(p, d);
}

// IP6_TNL_F_* (linux/ip6_tunnel.h)
const IGN_ENCAP_LIMIT = 0x1, USE_ORIG_TCLASS = 0x2, USE_ORIG_FLOWLABEL = 0x4, MIP6_DEV = 0x8, RCV_DSCP_COPY = 0x10, USE_ORIG_FWMARK = 0x20, ALLOW_LOCAL_REMOTE = 0x40;
/** What ip6gre and ip6tnl share: the encapsulation limit, traffic class, flow label and fwmark. */
interface Ip6Common { encapLimit?: number; flowinfo?: number; fwmark?: number }
function ip6Common(p: Printer, d: Ip6Common, flags: number): void {
  if (flags & IGN_ENCAP_LIMIT) present(p, 'ip6_tnl_f_ign_encap_limit', 'encaplimit none ');
  else u(p, 'encap_limit', 'encaplimit %s ', d.encapLimit);
  const flowinfo = d.flowinfo ?? 0;
  if (flags & USE_ORIG_TCLASS) present(p, 'ip6_tnl_f_use_orig_tclass', 'tclass inherit ');
  else p.any('tclass', 'tclass %s ', hex0((flowinfo & 0x0ff00000) >>> 20, 2));
  if (flags & USE_ORIG_FLOWLABEL) present(p, 'ip6_tnl_f_use_orig_flowlabel', 'flowlabel inherit ');
  else p.any('flowlabel', 'flowlabel %s ', hex0(flowinfo & 0x000fffff, 5));
  if (flags & RCV_DSCP_COPY) present(p, 'ip6_tnl_f_rcv_dscp_copy', 'dscp inherit ');
  if (flags & USE_ORIG_FWMARK) present(p, 'ip6_tnl_f_use_orig_fwmark', 'fwmark inherit ');
  else fwmark(p, d.fwmark);
  if (flags & ALLOW_LOCAL_REMOTE) present(p, 'ip6_tnl_f_allow_local_remote', 'allow-localremote ');
}

export function printGre6(p: Printer, d: Gre, names: Names): void {
  if (d.collectMetadata !== undefined) { present(p, 'external', 'external '); return; }
  const flags = d.flags ?? 0;
  ends(p, d, names, 'hoplimit');
  ip6Common(p, d, flags);
  greKeys(p, d);
  erspan(p, d);
  encap(p, d);
}

const SIT_ISATAP = 0x0001;
export function printIptun(p: Printer, d: DecodedSet<typeof iptunAttrs>, names: Names): void {
  if (d.collectMetadata !== undefined) { present(p, 'external', 'external '); return; }
  if (d.proto !== undefined) p.any('proto', '%s ', IPTUN_PROTO_NAMES[d.proto] ?? String(d.proto));
  ends4(p, d, names);
  if ((d.flags ?? 0) & SIT_ISATAP) present(p, 'isatap', 'isatap ');
  const plen = d['6rdPrefixlen'];
  if (plen) {
    p.any('prefix', '6rd-prefix %s', d['6rdPrefix']);
    p.any('prefixlen', '/%s ', plen);
    const rlen = d['6rdRelayPrefixlen'];
    if (rlen) {
      p.any('relay_prefix', '6rd-relay_prefix %s', d['6rdRelayPrefix']);
      p.any('relay_prefixlen', '/%s ', rlen);
    }
  }
  fwmark(p, d.fwmark);
  encap(p, d);
}

export function printIp6tnl(p: Printer, d: DecodedSet<typeof ip6tnlAttrs>, names: Names): void {
  if (d.collectMetadata !== undefined) { present(p, 'external', 'external '); return; }
  const flags = d.flags ?? 0;
  if (d.proto !== undefined) p.any('proto', '%s ', IP6TNL_PROTO_NAMES[d.proto] ?? String(d.proto));
  ends(p, d, names, 'hoplimit');
  ip6Common(p, d, flags);
  if (flags & MIP6_DEV) present(p, 'ip6_tnl_f_mip6_dev', 'mip6 ');
  encap(p, d);
}
