// The selectors of `ip route|address|neigh show` and their flush verbs, parsed with ip's words and
// values and matched as iproute2's filter_nlmsg()/ipaddr_filter()/print_neigh() match: a selector
// narrows what is shown (or deleted), and one that cannot be parsed is refused, never dropped.
import { parseIP } from '../core/addr.js';
import type { Address, Link, Neighbour, Route } from '../rtnl/types.js';
import { IFA_FLAG_NAMES } from '../rtnl/ip-names.js';
import { IpExit } from './io.js';
import { matches, type Words } from './ip-words.js';
import { badPrefix, invarg, ipPrefix, parseDsfield, parseGroup, parseProtocol, parseRouteType, parseScope, parseTable, unsignedOr } from './values.js';

const AF_INET = 2, AF_INET6 = 10;

/** A parsed prefix as ip's get_prefix() leaves it: bytes, length, and whether a length was typed. */
export interface Prefix { bytes: Uint8Array; len: number; family: number }

/** get_prefix() with ip's family rule; `default`/`all`/`any` are the zero-length prefix of the family. */
export function prefixArg(arg: string, family?: 4 | 6): Prefix {
  const fam = family === 6 ? AF_INET6 : AF_INET;
  if (arg === 'default' || arg === 'all' || arg === 'any') return { bytes: new Uint8Array(fam === AF_INET6 ? 16 : 4), len: 0, family: fam };
  const p = ipPrefix(arg, family);
  if (!p) badPrefix(arg, family === 4 ? 'inet' : family === 6 ? 'inet6' : 'any');
  return { bytes: p.bytes, len: p.len, family: p.family === 4 ? AF_INET : AF_INET6 };
}

/** inet_addr_match(): do the first `bits` bits of `addr` equal the prefix's? */
export function inPrefix(addr: string | Uint8Array | undefined, p: Prefix, bits = p.len): boolean {
  const a = typeof addr === 'string' ? parseIP(addr) : addr;
  if (!a || a.length !== p.bytes.length) return false;
  for (let bit = 0; bit < bits; bit++) {
    const m = 0x80 >> (bit & 7);
    if ((a[bit >> 3]! & m) !== (p.bytes[bit >> 3]! & m)) return false;
  }
  return true;
}

const hostLen = (family: number): number => (family === AF_INET6 ? 128 : 32);
const zero = (family: number): Uint8Array => new Uint8Array(family === AF_INET6 ? 16 : 4);

// ---- routes -----------------------------------------------------------------------------------------

/** iproute_list_flush_or_save()'s selectors. */
export interface RouteSelector {
  table?: number | 'all';
  protocol?: number;
  scope?: number;
  type?: number;
  tos?: number;
  dev?: string;
  iif?: string;
  metric?: number;
  mark?: number;
  via?: Prefix;
  prefsrc?: Prefix;
  /** `root P`: routes inside P. */
  rdst?: Prefix;
  /** `match P`: routes that contain P. (A bare prefix or `exact P` sets both.) */
  mdst?: Prefix;
  rsrc?: Prefix;
  msrc?: Prefix;
  cache?: boolean;
}

/** Parses one route selector word (and its value); false when the word is not one. */
export function routeSelectorWord(word: string, w: Words, s: RouteSelector, family?: 4 | 6): boolean {
  if (matches(word, 'table')) {
    const v = w.value();
    if (v === 'all') s.table = 'all';
    else if (v === 'cache') s.cache = true;
    else { const n = parseTable(v); if (n === undefined) invarg('table id value is invalid\n', v); s.table = n; }
  } else if (matches(word, 'cached') || matches(word, 'cloned')) s.cache = true;
  else if (word === 'tos' || matches(word, 'dsfield')) { const v = w.value(); const n = parseDsfield(v); if (n === undefined) invarg('TOS value is invalid\n', v); s.tos = n; }
  else if (matches(word, 'protocol')) {
    const v = w.value();
    if (v !== 'all') { const n = parseProtocol(v); if (n === undefined) invarg('invalid "protocol"\n', v); s.protocol = n; }
  } else if (matches(word, 'scope')) {
    const v = w.value();
    if (v !== 'all') { const n = parseScope(v); if (n === undefined) invarg('invalid "scope"\n', v); s.scope = n; }
  } else if (matches(word, 'type')) {
    const v = w.value(); const n = parseRouteType(v);
    if (n === undefined) invarg('node type value is invalid\n', v);
    s.type = n;
  } else if (word === 'dev' || word === 'oif') s.dev = w.value();
  else if (word === 'iif') s.iif = w.value();
  else if (word === 'mark') s.mark = unsignedOr(w.value(), 'mark value is invalid\n');
  else if (matches(word, 'metric') || matches(word, 'priority') || word === 'preference') s.metric = unsignedOr(w.value(), '"metric" value is invalid\n');
  else if (word === 'via') {
    let v = w.value();
    if (v === 'inet' || v === 'inet6') { family = v === 'inet' ? 4 : 6; v = w.value(); }
    s.via = prefixArg(v, family);
  } else if (word === 'src') s.prefsrc = prefixArg(w.value(), family);
  else if (word === 'from') {
    let v = w.value();
    if (matches(v, 'root')) s.rsrc = prefixArg(w.value(), family);
    else if (matches(v, 'match')) s.msrc = prefixArg(w.value(), family);
    else { if (matches(v, 'exact')) v = w.value(); s.msrc = s.rsrc = prefixArg(v, family); }
  } else {
    let v = word;
    if (matches(v, 'to')) v = w.value();
    if (matches(v, 'root')) s.rdst = prefixArg(w.value(), family);
    else if (matches(v, 'match')) s.mdst = prefixArg(w.value(), family);
    else { if (matches(v, 'exact')) v = w.value(); s.mdst = s.rdst = prefixArg(v, family); }
  }
  return true;
}

/** filter_nlmsg(): does the route pass the selector? (`oif`/`iif` are the resolved indexes.) */
export function routeMatches(r: Route, s: RouteSelector, oif?: number, iif?: number): boolean {
  const h = r.header, a = r.attrs;
  const fam = h.family;
  if (s.tos !== undefined && h.tos !== s.tos) return false;
  if (s.protocol !== undefined && h.protocol !== s.protocol) return false;
  if (s.scope !== undefined && h.scope !== s.scope) return false;
  if (s.type !== undefined && h.type !== s.type) return false;
  const dst = a.dst !== undefined ? parseIP(a.dst) : zero(fam);
  const src = a.src !== undefined ? parseIP(a.src) : zero(fam);
  if (s.rdst && (fam !== s.rdst.family || s.rdst.len > h.dstLen || !inPrefix(dst, s.rdst))) return false;
  if (s.mdst && (fam !== s.mdst.family || s.mdst.len < h.dstLen || !inPrefix(dst, s.mdst, h.dstLen))) return false;
  if (s.rsrc && (fam !== s.rsrc.family || s.rsrc.len > h.srcLen || !inPrefix(src, s.rsrc))) return false;
  if (s.msrc && (fam !== s.msrc.family || s.msrc.len < h.srcLen || !inPrefix(src, s.msrc, h.srcLen))) return false;
  if (s.via) {
    const gw = a.gateway !== undefined ? parseIP(a.gateway) : zero(fam);
    if (fam !== s.via.family || !inPrefix(gw, s.via)) return false;
  }
  if (s.prefsrc) {
    const ps = a.prefsrc !== undefined ? parseIP(a.prefsrc) : zero(fam);
    if (fam !== s.prefsrc.family || !inPrefix(ps, s.prefsrc)) return false;
  }
  if (oif !== undefined && a.oif !== oif) return false;
  if (iif !== undefined && a.iif !== iif) return false;
  if (s.metric !== undefined && (a.priority ?? 0) !== s.metric) return false;
  if (s.mark !== undefined && (a.mark ?? 0) !== s.mark) return false;
  return true;
}

/** The fields ip leaves out of a route's line because the selector fixed them. */
export function routeFiltered(s: RouteSelector): { dev: boolean; protocol: boolean; scope: boolean; via: boolean; prefsrc: boolean; metric: boolean; iif: boolean } {
  return {
    dev: s.dev !== undefined, protocol: s.protocol !== undefined, scope: s.scope !== undefined,
    via: s.via !== undefined && s.via.len === hostLen(s.via.family), prefsrc: s.prefsrc !== undefined && s.prefsrc.len === hostLen(s.prefsrc.family),
    metric: s.metric !== undefined, iif: s.iif !== undefined,
  };
}

// ---- addresses ----------------------------------------------------------------------------------------

/** ip's address flag words (ifa_flag_data[]: the one name table's, and 'temporary' for secondary). */
const IFA_F: Readonly<Record<string, number>> = { ...Object.fromEntries(IFA_FLAG_NAMES.map(([bit, word]) => [word, bit])), temporary: 0x01 };

/** ipaddr_list_flush_or_save()'s address selectors. */
export interface AddressSelector {
  dev?: string;
  up?: boolean;
  kind?: string;
  master?: string;
  nomaster?: boolean;
  /** `group G`: ip checks it itself, like `up`. */
  group?: number;
  to?: Prefix;
  scope?: number;
  label?: string;
  flags: number;
  flagmask: number;
}

export function parseAddressSelector(w: Words, family?: 4 | 6): AddressSelector {
  const s: AddressSelector = { flags: 0, flagmask: 0 };
  while (!w.done) {
    const word = w.next();
    if (word === 'to') s.to = prefixArg(w.value(), family);
    else if (word === 'scope') {
      const v = w.value();
      if (v !== 'all') { const n = parseScope(v); if (n === undefined) invarg('invalid "scope"\n', v); s.scope = n; }
    } else if (word === 'up') s.up = true;
    else if (word === 'label') s.label = w.value();
    else if (word === 'master') s.master = w.value();
    else if (word === 'group') { const v = w.value(); const g = parseGroup(v); if (g === undefined) invarg('Invalid "group" value\n', v); s.group = g; }
    else if (word === 'nomaster') s.nomaster = true;
    else if (word === 'type') s.kind = w.value();
    else if (word === 'dynamic') s.flagmask |= IFA_F.permanent!;
    else if (word === 'primary') s.flagmask |= IFA_F.secondary!;
    else if (Object.hasOwn(IFA_F, word)) { const f = IFA_F[word]!; s.flags |= f; s.flagmask |= f; }
    else if (word.startsWith('-') && Object.hasOwn(IFA_F, word.slice(1))) s.flagmask |= IFA_F[word.slice(1)]!;
    else if (word === 'dev') { const v = w.value(); if (s.dev !== undefined) throw new IpExit(`Error: either "dev" is duplicate, or "${v}" is a garbage.\n`, 255); s.dev = v; }
    else if (word === 'vrf') throw new IpExit('Error: "vrf" is not supported by nlwire yet.\n', 255);
    else {
      if (s.dev !== undefined) throw new IpExit(`Error: either "dev" is duplicate, or "${word}" is a garbage.\n`, 255);
      s.dev = word;
    }
  }
  return s;
}

/** fnmatch(3) with ip's use: `*`, `?` and `[...]`, no flags. */
function fnmatch(pattern: string, s: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') { const j = pattern.indexOf(']', i + 1); if (j < 0) re += '\\['; else { re += pattern.slice(i, j + 1).replace(/^\[!/, '[^'); i = j; } }
    else re += c.replace(/[\\^$.|+(){}]/g, '\\$&');
  }
  try { return new RegExp(re + '$', 's').test(s); } catch { return false; }
}

/** The address passes the address part of the selector (scope, flags, to, label). */
export function addressMatches(a: Address, s: AddressSelector, ifname: string): boolean {
  const flags = a.attrs.flags ?? a.header.flags;
  if (s.scope !== undefined && a.header.scope !== s.scope) return false;
  if (((flags ^ s.flags) & s.flagmask) !== 0) return false;
  if (s.to) {
    const local = a.attrs.local ?? a.attrs.address;
    if (a.header.family !== s.to.family || !inPrefix(local, s.to)) return false;
  }
  if (s.label !== undefined && !fnmatch(s.label, a.attrs.label ?? ifname)) return false;
  return true;
}

/** The link passes the link part of the selector (up, type, master, nomaster). */
export function linkMatches(l: Link, s: AddressSelector, masterIndex?: number): boolean {
  if (s.up && (l.header.flags & 1) === 0) return false;
  if (s.group !== undefined && l.attrs.group !== undefined && l.attrs.group !== s.group) return false; // as ip: only a link that reports its group
  if (s.kind !== undefined && l.attrs.linkinfo?.kind !== s.kind) return false;
  if (masterIndex !== undefined && l.attrs.master !== masterIndex) return false;
  if (s.nomaster && l.attrs.master !== undefined && l.attrs.master !== 0) return false;
  return true;
}

// ---- neighbours -----------------------------------------------------------------------------------

const NUD: Record<string, number> = { incomplete: 0x01, reachable: 0x02, stale: 0x04, delay: 0x08, probe: 0x10, failed: 0x20, noarp: 0x40, permanent: 0x80, none: 0x00 };
const NUD_NOARP = 0x40, NUD_PERMANENT = 0x80, NTF_PROXY = 0x08, NTF_ROUTER = 0x80;

/** do_show_or_flush()'s selectors. */
export interface NeighSelector {
  dev?: string;
  /** The NUD states wanted (0x100: NUD_NONE entries too). */
  state: number;
  stateGiven: boolean;
  to?: Prefix;
  proxy?: boolean;
  router?: boolean;
  unused?: boolean;
}

export function parseNeighSelector(w: Words, flush: boolean, family?: 4 | 6): NeighSelector {
  // ip: a flush leaves NOARP entries (and, unless asked for, PERMANENT ones); show shows all but them.
  const s: NeighSelector = { state: flush ? ~(NUD_PERMANENT | NUD_NOARP) : ~0, stateGiven: false };
  while (!w.done) {
    const word = w.next();
    if (word === 'dev') s.dev = w.value();
    else if (word === 'nud') {
      const v = w.value();
      if (!s.stateGiven) { s.stateGiven = true; s.state = 0; }
      let st: number;
      if (v === 'all') st = flush ? ~NUD_NOARP : ~0;
      else if (v in NUD) st = NUD[v]!;
      else {
        const n = /^(0x[0-9a-f]+|[0-9]+)$/i.test(v) ? Number(v) : NaN;
        if (!Number.isInteger(n) || n > 255) invarg('nud state is bad', v);
        st = n;
      }
      s.state |= st === 0 ? 0x100 : st;
    } else if (word === 'proxy') s.proxy = true;
    else if (word === 'unused') s.unused = true;
    else if (word === 'vrf' || word === 'master') throw new IpExit(`Error: "${word}" is not supported by nlwire yet.\n`, 255);
    else {
      const v = word === 'to' ? w.value() : word;
      if (v === 'all' || v === 'default' || v === 'any') continue;
      s.to = prefixArg(v, family);
    }
  }
  return s;
}

/** print_neigh()'s filter. */
export function neighMatches(n: Neighbour, s: NeighSelector): boolean {
  const state = n.header.state, flags = n.header.flags;
  if (s.to && (n.header.family !== s.to.family || !inPrefix(n.attrs.dst, s.to))) return false;
  if (s.router && !(flags & NTF_ROUTER)) return false;
  if (!(s.state & state) && !(flags & NTF_PROXY) && !(flags & 0x10) && (state || !(s.state & 0x100))) return false;
  return true;
}
