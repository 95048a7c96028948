// Every value the ip-style commands take, parsed as strictly as iproute2 6.1 parses it: numbers
// as strtoul()/strtol() read them (base 0: 0x hex, 0 octal) with ip's range checks, names from
// ip's tables. A rejected value throws IpExit with ip's own message and exit status, before
// anything is sent to the kernel.
import { readFileSync } from 'node:fs';
import { formatIPv4, formatIPv6, parseIPv6 } from '../core/addr.js';
import { namesFromFile, namesOf, RT_PROTOS, RT_SCOPES, RT_TABLES, RTN_TYPES } from '../rtnl/ip-names.js';
import { IpExit } from './io.js';

const ULONG_MAX = (1n << 64n) - 1n;
export const U8 = 0xffn, U16 = 0xffffn, U32 = 0xffffffffn, U64 = ULONG_MAX;

/** What C's strtoul(arg, &end, base) returns: the value (wrapped for a '-' sign), where parsing stopped, ERANGE. */
export function strtoul(s: string, base: 0 | 8 | 10 | 16): { value: bigint; end: number; erange: boolean } {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i]!)) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') { negative = s[i] === '-'; i++; }
  let b: number = base;
  const hexAfter = (j: number): boolean => s[j] === '0' && (s[j + 1] === 'x' || s[j + 1] === 'X') && /[0-9a-fA-F]/.test(s[j + 2] ?? '');
  if ((b === 0 || b === 16) && hexAfter(i)) { b = 16; i += 2; }
  else if (b === 0) b = s[i] === '0' ? 8 : 10;
  const start = i;
  let v = 0n;
  let erange = false;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, 36);
    if (Number.isNaN(d) || d >= b) break;
    v = v * BigInt(b) + BigInt(d);
    if (v > ULONG_MAX) erange = true;
  }
  if (i === start) return { value: 0n, end: 0, erange: false }; // no digits: end is the string's start
  if (erange) return { value: ULONG_MAX, end: i, erange };
  return { value: negative && v !== 0n ? ULONG_MAX + 1n - v : v, end: i, erange };
}

/** ip's get_u8/get_u16/get_u32/get_u64/get_unsigned: the whole word, no overflow, at most `max`. */
export function parseUnsigned(arg: string, max: bigint = U32, base: 0 | 10 | 16 = 0): bigint | undefined {
  if (!arg) return undefined;
  const r = strtoul(arg, base);
  if (r.end === 0 || r.end !== arg.length) return undefined;
  if (r.erange || r.value > max) return undefined;
  return r.value;
}

/** ip's get_integer/get_s32 (strtol): a signed int in [INT_MIN, INT_MAX]. */
export function parseInteger(arg: string, base: 0 | 10 = 0): number | undefined {
  const m = /^([ \t\n\v\f\r]*)([+-]?)(.*)$/s.exec(arg)!;
  const digits = m[3]!;
  if (!digits || /^[+-]/.test(digits)) return undefined;
  const mag = parseUnsigned(digits, 1n << 63n, base);
  if (mag === undefined) return undefined;
  const v = m[2] === '-' ? -mag : mag;
  return v < -(1n << 31n) || v > (1n << 31n) - 1n ? undefined : Number(v);
}

// ---- addresses and prefixes, as get_addr_1()/get_prefix_1() read them ----------------------------

/** An address as ip read it: its bytes and its canonical text (what nlwire passes on, never the typed word). */
export interface IpAddress { bytes: Uint8Array; text: string; family: 4 | 6 }
/** A prefix as ip read it; `text` is canonical `A/LEN` (or `A` when no length was typed). */
export interface IpPrefix extends IpAddress { len: number; lenGiven: boolean }

/**
 * get_addr_ipv4(): up to four parts, each strtoul(base 0) <= 255, missing parts 0. So '10' is
 * 10.0.0.0, '0x0a.1' is 10.1.0.0 and '010.0.0.1' is 8.0.0.1, as ip installs them.
 */
function ipv4Parts(arg: string): Uint8Array | undefined {
  const out = new Uint8Array(4);
  let rest = arg;
  for (let i = 0; i < 4; i++) {
    const r = strtoul(rest, 0);
    if (r.end === 0 || r.erange || r.value > 255n) return undefined;
    out[i] = Number(r.value);
    if (r.end === rest.length) return out;
    if (i === 3 || rest[r.end] !== '.') return undefined;
    rest = rest.slice(r.end + 1);
  }
  return out;
}

/** get_addr_1() for inet/inet6 (`family` as -4/-6 fixed it); undefined where ip fails. */
export function ipAddress(arg: string, family?: 4 | 6): IpAddress | undefined {
  if (arg.includes(':')) {
    if (family === 4) return undefined;
    const bytes = parseIPv6(arg); // inet_pton(AF_INET6)
    return bytes && { bytes, text: formatIPv6(bytes), family: 6 };
  }
  if (family === 6) return undefined;
  const bytes = ipv4Parts(arg);
  return bytes && { bytes, text: formatIPv4(bytes), family: 4 };
}

/** get_prefix_1(): ADDRESS[/LEN], LEN as get_unsigned() (base 0) reads it, at most the family's bits. */
export function ipPrefix(arg: string, family?: 4 | 6): IpPrefix | undefined {
  const slash = arg.indexOf('/');
  const a = ipAddress(slash < 0 ? arg : arg.slice(0, slash), family);
  if (!a) return undefined;
  const max = a.family === 4 ? 32 : 128;
  if (slash < 0) return { ...a, len: max, lenGiven: false };
  const len = parseUnsigned(arg.slice(slash + 1), U32, 0);
  if (len === undefined || len > BigInt(max)) return undefined;
  return { ...a, text: `${a.text}/${len}`, len: Number(len), lenGiven: true };
}

// ---- ip's error exits -------------------------------------------------------------------------------

/** ip's invarg(): `Error: argument "ARG" is wrong: MSG`, exit 255. MSG keeps ip's own trailing newline. */
export function invarg(msg: string, arg: string): never {
  throw new IpExit(`Error: argument "${arg}" is wrong: ${msg}\n`, 255);
}
/** ip's get_prefix()/get_addr() failures: exit 1. */
export function badPrefix(arg: string, family: 'inet' | 'inet6' | 'any' = 'any'): never {
  throw new IpExit(`Error: ${family === 'any' ? 'any valid' : family} prefix is expected rather than "${arg}".\n`, 1);
}
export function badAddress(arg: string, family: 'inet' | 'inet6' | 'any' = 'any'): never {
  throw new IpExit(`Error: ${family === 'any' ? 'any valid' : family} address is expected rather than "${arg}".\n`, 1);
}
/** ip's missarg()/incomplete_command(). */
export function missingArgument(keyword: string): never {
  throw new IpExit(`Error: argument "${keyword}" is required\n`, 255);
}
export function incompleteCommand(): never {
  throw new IpExit('Command line is not complete. Try option "help"\n', 255);
}
export function duplicateArgument(key: string, arg: string): never {
  throw new IpExit(`Error: duplicate "${key}": "${arg}" is the second value.\n`, 255);
}

/** An unsigned value or ip's invarg exit. */
export function unsignedOr(arg: string, msg: string, max: bigint = U32, base: 0 | 10 | 16 = 0): number {
  const v = parseUnsigned(arg, max, base);
  if (v === undefined) invarg(msg, arg);
  return Number(v);
}

// ---- ip's name tables -------------------------------------------------------------------------------

/** rtnl_rttable_a2n: a name (main, local, default, unspec, rt_tables) or a number up to 2^32-1. */
export function parseTable(arg: string): number | undefined {
  const named = namesOf(RT_TABLES).get(arg) ?? namesFromFile('rt_tables').get(arg);
  if (named !== undefined) return named;
  const v = parseUnsigned(arg, U32, 0);
  return v === undefined ? undefined : Number(v);
}
/** rtnl_rtprot_a2n: ip 6.1 names protocols from /etc/iproute2/rt_protos, then its built-in list. */
export function parseProtocol(arg: string): number | undefined {
  const named = namesFromFile('rt_protos').get(arg) ?? namesOf(RT_PROTOS).get(arg);
  if (named !== undefined) return named;
  const v = parseUnsigned(arg, U8, 0);
  return v === undefined ? undefined : Number(v);
}
/** rtnl_rtscope_a2n: global (not the kernel's "universe"), site, link, host, nowhere, rt_scopes, or 0..255. */
export function parseScope(arg: string): number | undefined {
  const named = namesOf(RT_SCOPES).get(arg) ?? namesFromFile('rt_scopes').get(arg);
  if (named !== undefined) return named;
  const v = parseUnsigned(arg, U8, 0);
  return v === undefined ? undefined : Number(v);
}
/** rtnl_rtntype_a2n: the route type names (not "unspec"), or 0..255. */
export function parseRouteType(arg: string): number | undefined {
  const named = namesOf(RTN_TYPES, [0]).get(arg);
  if (named !== undefined) return named;
  const v = parseUnsigned(arg, U8, 0);
  return v === undefined ? undefined : Number(v);
}
/** A word that names a route type (as ip's route grammar recognises a leading TYPE). */
export function isRouteTypeName(arg: string): boolean {
  return namesOf(RTN_TYPES, [0]).has(arg);
}
/** rtnl_dsfield_a2n: rt_dsfield names or a hex byte (base 16, as ip reads TOS). */
export function parseDsfield(arg: string): number | undefined {
  const named = namesFromFile('rt_dsfield').get(arg);
  if (named !== undefined) return named;
  const v = parseUnsigned(arg, U8, 16);
  return v === undefined ? undefined : Number(v);
}
/** rtnl_group_a2n: /etc/iproute2/group names or a signed int. */
export function parseGroup(arg: string): number | undefined {
  const named = (arg === 'default' ? 0 : undefined) ?? namesFromFile('group').get(arg);
  return named ?? parseInteger(arg, 0);
}

/** /etc/protocols, as getprotobyname() reads it (names and aliases, case-insensitively). */
let protocols: Map<string, number> | undefined;
function protocolNames(): Map<string, number> {
  if (protocols) return protocols;
  protocols = new Map();
  let text = '';
  try { text = readFileSync('/etc/protocols', 'utf8'); } catch { /* names then fail, numbers still work */ }
  for (const line of text.split('\n')) {
    const w = line.replace(/#.*/, '').trim().split(/\s+/);
    if (w.length < 2) continue;
    const n = Number(w[1]);
    for (const name of [w[0]!, ...w.slice(2)]) if (!protocols.has(name.toLowerCase())) protocols.set(name.toLowerCase(), n);
  }
  return protocols;
}
/** inet_proto_a2n: an /etc/protocols name or a decimal 0..255. */
export function parseIpProto(arg: string): number | undefined {
  const named = protocolNames().get(arg.toLowerCase());
  if (named !== undefined) return named;
  const v = parseUnsigned(arg, U8, 10);
  return v === undefined ? undefined : Number(v);
}

/** ip's lifetimes (valid_lft, preferred_lft): "forever" or a u32. */
export function parseLifetime(arg: string): number | undefined {
  if (arg === 'forever') return 0xffffffff;
  const v = parseUnsigned(arg, U32, 0);
  return v === undefined ? undefined : Number(v);
}

/** get_time_rtt (rtt, rttvar, rto_min): N (raw), N[.N] with s|sec|secs|ms|msec|msecs, in ms. */
export function parseRttTime(arg: string): { ms: number; raw: boolean } | undefined {
  const m = /^(\d+(?:\.\d*)?|\.\d+)(s|secs?|ms|msecs?)?$/i.exec(arg);
  if (!m) {
    const v = parseUnsigned(arg, U32, 0);
    return v === undefined ? undefined : { ms: Number(v), raw: true };
  }
  let t = Number(m[1]);
  if (!m[2] && !m[1]!.includes('.')) { const v = parseUnsigned(arg, U32, 0); return v === undefined ? undefined : { ms: Number(v), raw: true }; }
  if (m[2] && /^s/i.test(m[2])) t *= 1000;
  const ms = Math.ceil(t);
  return ms > 0xffffffff ? undefined : { ms, raw: !m[2] };
}

/** A port or a range "A-B" (rule sport/dport), each 0..65535 (ip 6.1 wraps larger values; nlwire refuses them). */
export function parsePortRange(arg: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(arg);
  if (!m) return undefined;
  const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
  return a > 65535 || b > 65535 ? undefined : [a, b];
}
/** A uid range "A-B" (u32 each). */
export function parseUidRange(arg: string): [number, number] | undefined {
  const m = /^(\d+)-(\d+)$/.exec(arg);
  if (!m) return undefined;
  const a = Number(m[1]), b = Number(m[2]);
  return a > 0xffffffff || b > 0xffffffff ? undefined : [a, b];
}
