// The kind-specific words of `link add NAME type KIND ...` and `link set DEV type KIND ...` for the
// kinds of iproute2 6.1's link_*.c that nlwire parses: dummy, vlan, bond, vrf, gre/gretap/ip6gre/
// ip6gretap, ipip/sit, geneve, macsec and wireguard. Each becomes IFLA_INFO_DATA (the attribute
// names of src/families/route/linkinfo.ts) plus what the kind needs around it (the lower device).
import { IpExit, UsageError } from './io.js';
import { matches, Words } from './ip-words.js';
import { BOND_AD_SELECT as AD_SELECT, BOND_LACP_RATE as LACP_RATE, BOND_MODES, BOND_XMIT_HASH as XMIT_HASH } from '../rtnl/ip-names.js';
import { invarg, ipAddress, parseTable, parseUnsigned, U16, U32, U8, unsignedOr } from './values.js';

/** What a kind's words give: its IFLA_INFO_DATA and the lower device a tunnel names (`dev`); vlan and macsec take `link` before `type`, and the kernel refuses them without it, as with ip. */
export interface KindOptions { data: Record<string, unknown>; lower?: string }

function unsupported(kind: string, word: string): never {
  throw new UsageError(`link type ${kind}: "${word}" is an ip keyword nlwire does not implement yet`);
}
function onOff(w: Words, key: string): number {
  const v = w.value();
  if (v === 'on') return 1;
  if (v === 'off') return 0;
  throw new IpExit(`Error: argument of "${key}" must be "on" or "off", not "${v}"\n`, 1);
}

/** ip's get_index(): a name of the table, or its index as a number. */
function indexOf(table: readonly string[], arg: string): number | undefined {
  const i = table.indexOf(arg);
  if (i >= 0) return i;
  const n = parseUnsigned(arg, U8, 10);
  return n !== undefined && n < BigInt(table.length) ? Number(n) : undefined;
}

function bond(w: Words): KindOptions {
  const d: Record<string, unknown> = {};
  const u32 = (key: string, name: string): void => { d[name] = unsignedOr(w.value(), `invalid ${key}`); };
  const u8 = (key: string, name: string): void => { d[name] = unsignedOr(w.value(), `invalid ${key}`, U8); };
  while (!w.done) {
    const word = w.next();
    if (word === 'mode') {
      const v = w.value();
      const i = indexOf(BOND_MODES, v);
      if (i === undefined) invarg('invalid mode', v);
      d.mode = i;
    } else if (word === 'miimon') u32('miimon', 'miimon');
    else if (word === 'updelay') u32('updelay', 'updelay');
    else if (word === 'downdelay') u32('downdelay', 'downdelay');
    else if (word === 'peer_notify_delay') u32('peer_notify_delay', 'peerNotifDelay');
    else if (word === 'use_carrier') u8('use_carrier', 'useCarrier');
    else if (word === 'arp_interval') u32('arp_interval', 'arpInterval');
    else if (word === 'min_links') u32('min_links', 'minLinks');
    else if (word === 'resend_igmp') u32('resend_igmp', 'resendIgmp');
    else if (word === 'num_grat_arp' || word === 'num_unsol_na') u8(word, 'numPeerNotif');
    else if (word === 'all_slaves_active') u8('all_slaves_active', 'allSlavesActive');
    else if (word === 'packets_per_slave') u32('packets_per_slave', 'packetsPerSlave');
    else if (word === 'lp_interval') u32('lp_interval', 'lpInterval');
    else if (word === 'tlb_dynamic_lb') u8('tlb_dynamic_lb', 'tlbDynamicLb');
    else if (word === 'ad_actor_sys_prio') d.adActorSysPrio = unsignedOr(w.value(), 'invalid ad_actor_sys_prio', U16);
    else if (word === 'ad_user_port_key') d.adUserPortKey = unsignedOr(w.value(), 'invalid ad_user_port_key', U16);
    else if (word === 'xmit_hash_policy' || word === 'lacp_rate' || word === 'ad_select') {
      const table = word === 'xmit_hash_policy' ? XMIT_HASH : word === 'lacp_rate' ? LACP_RATE : AD_SELECT;
      const v = w.value();
      const i = indexOf(table, v);
      if (i === undefined) invarg(`invalid ${word}`, v);
      d[word === 'xmit_hash_policy' ? 'xmitHashPolicy' : word === 'lacp_rate' ? 'adLacpRate' : 'adSelect'] = i;
    } else unsupported('bond', word);
  }
  return { data: d };
}

function vlan(w: Words): KindOptions {
  const d: Record<string, unknown> = {};
  let flags = 0, mask = 0;
  const flag = (bit: number, key: string): void => { mask |= bit; if (onOff(w, key)) flags |= bit; else flags &= ~bit; };
  while (!w.done) {
    const word = w.next();
    if (matches(word, 'protocol')) {
      const v = w.value().toLowerCase();
      if (v !== '802.1q' && v !== '802.1ad') invarg('protocol is invalid', v);
      d.protocol = v === '802.1q' ? 0x8100 : 0x88a8;
    } else if (matches(word, 'id')) {
      const v = w.value();
      const n = parseUnsigned(v, U16, 0);
      if (n === undefined) invarg('id is invalid', v);
      d.id = Number(n);
    } else if (word === 'reorder_hdr') flag(1, 'reorder_hdr');
    else if (word === 'gvrp') flag(2, 'gvrp');
    else if (word === 'loose_binding') flag(4, 'loose_binding');
    else if (word === 'mvrp') flag(8, 'mvrp');
    else if (word === 'bridge_binding') flag(16, 'bridge_binding');
    else unsupported('vlan', word);
  }
  if (mask) d.flags = { flags, mask };
  return { data: d };
}

function vrf(w: Words): KindOptions {
  const d: Record<string, unknown> = {};
  while (!w.done) {
    const word = w.next();
    if (word === 'table') {
      const v = w.value();
      const t = parseTable(v);
      if (t === undefined) invarg('invalid table ID\n', v);
      d.table = t;
    } else unsupported('vrf', word);
  }
  return { data: d };
}

/** A tunnel endpoint: an address of the family, or `any` (left out). */
function endpoint(v: string, v6: boolean): string | undefined {
  if (v === 'any') return undefined;
  const a = ipAddress(v, v6 ? 6 : 4);
  if (!a) throw new IpExit(`Error: ${v6 ? 'inet6' : 'inet'} address is expected rather than "${v}".\n`, 1);
  return a.text;
}
/** ip's gre key: a dotted quad or a number. */
function greKey(v: string, what: string): number {
  if (v.includes('.')) {
    const a = ipAddress(v, 4)?.bytes;
    if (!a) invarg(`invalid value for "${what}" parameter`, v);
    return ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
  }
  const n = parseUnsigned(v, U32, 0);
  if (n === undefined) invarg(`invalid value for "${what}" parameter`, v);
  return Number(n);
}
const GRE_KEY = 0x2000, GRE_CSUM = 0x8000, GRE_SEQ = 0x1000;

function gre(kind: string, w: Words): KindOptions {
  const v6 = kind.startsWith('ip6');
  const d: Record<string, unknown> = {};
  let iflags = 0, oflags = 0;
  let lower: string | undefined;
  while (!w.done) {
    const word = w.next();
    if (word === 'remote' || word === 'local') { const a = endpoint(w.value(), v6); if (a) d[word] = a; }
    else if (word === 'key') { const k = greKey(w.value(), 'key'); d.ikey = d.okey = k; iflags |= GRE_KEY; oflags |= GRE_KEY; }
    else if (word === 'ikey') { d.ikey = greKey(w.value(), 'ikey'); iflags |= GRE_KEY; }
    else if (word === 'okey') { d.okey = greKey(w.value(), 'okey'); oflags |= GRE_KEY; }
    else if (word === 'seq') { iflags |= GRE_SEQ; oflags |= GRE_SEQ; }
    else if (word === 'iseq') iflags |= GRE_SEQ;
    else if (word === 'oseq') oflags |= GRE_SEQ;
    else if (word === 'csum') { iflags |= GRE_CSUM; oflags |= GRE_CSUM; }
    else if (word === 'icsum') iflags |= GRE_CSUM;
    else if (word === 'ocsum') oflags |= GRE_CSUM;
    else if (word === 'ttl' || word === 'hoplimit' || word === 'hlim') {
      const v = w.value();
      if (v === 'inherit') d.ttl = 0;
      else d.ttl = unsignedOr(v, 'invalid TTL\n', U8);
    } else if (!v6 && word === 'pmtudisc') d.pmtudisc = 1;
    else if (!v6 && word === 'nopmtudisc') d.pmtudisc = 0;
    else if (!v6 && word === 'ignore-df') d.ignoreDf = 1;
    else if (!v6 && word === 'noignore-df') d.ignoreDf = 0;
    else if (word === 'fwmark') d.fwmark = unsignedOr(w.value(), 'invalid fwmark\n');
    else if (word === 'dev') lower = w.value();
    else if (word === 'external') d.collectMetadata = true;
    else unsupported(kind, word);
  }
  if (iflags) d.iflags = iflags;
  if (oflags) d.oflags = oflags;
  return lower ? { data: d, lower } : { data: d };
}

function iptun(kind: string, w: Words): KindOptions {
  const d: Record<string, unknown> = {};
  let lower: string | undefined;
  while (!w.done) {
    const word = w.next();
    if (word === 'remote' || word === 'local') { const a = endpoint(w.value(), false); if (a) d[word] = a; }
    else if (word === 'ttl' || word === 'hoplimit' || word === 'hlim') {
      const v = w.value();
      d.ttl = v === 'inherit' ? 0 : unsignedOr(v, 'invalid TTL\n', U8);
    } else if (word === 'pmtudisc') d.pmtudisc = 1;
    else if (word === 'nopmtudisc') d.pmtudisc = 0;
    else if (word === 'fwmark') d.fwmark = unsignedOr(w.value(), 'invalid fwmark\n');
    else if (word === 'dev') lower = w.value();
    else if (word === 'external') d.collectMetadata = true;
    else unsupported(kind, word);
  }
  return lower ? { data: d, lower } : { data: d };
}

function geneve(w: Words): KindOptions {
  const d: Record<string, unknown> = {};
  while (!w.done) {
    const word = w.next();
    if (matches(word, 'id') || matches(word, 'vni')) {
      const v = w.value();
      const n = parseUnsigned(v, U32, 0);
      if (n === undefined || n >= 1n << 24n) invarg('invalid id', v);
      d.id = Number(n);
    } else if (word === 'remote') {
      const v = w.value();
      const a = ipAddress(v);
      if (!a) throw new IpExit(`Error: any valid address is expected rather than "${v}".\n`, 1);
      d[a.family === 4 ? 'remote' : 'remote6'] = a.text;
    } else if (word === 'ttl' || word === 'hoplimit') {
      const v = w.value();
      if (v === 'inherit') d.ttlInherit = 1; else d.ttl = unsignedOr(v, 'invalid TTL', U8);
    } else if (word === 'dstport') d.port = unsignedOr(w.value(), 'dstport', U16);
    else if (word === 'external') d.collectMetadata = true;
    else if (word === 'udpcsum') d.udpCsum = 1;
    else if (word === 'noudpcsum') d.udpCsum = 0;
    else unsupported('geneve', word);
  }
  if (d.id === undefined && !d.collectMetadata) throw new IpExit('geneve: missing virtual network identifier\n', 1);
  return { data: d };
}

function macsec(w: Words): KindOptions {
  const d: Record<string, unknown> = {};
  const on = (name: string, key: string): void => { d[name] = onOff(w, key); };
  while (!w.done) {
    const word = w.next();
    if (word === 'port') {
      const v = w.value();
      const n = parseUnsigned(v, U16, 0);
      if (n === undefined || n === 0n) invarg('invalid port', v);
      d.port = Number(n);
    } else if (word === 'sci') {
      const v = w.value();
      const n = parseUnsigned(v, (1n << 64n) - 1n, 16);
      if (n === undefined) invarg('invalid sci', v);
      d.sci = n;
    } else if (word === 'icvlen') d.icvLen = unsignedOr(w.value(), 'invalid ICV length', U8);
    else if (word === 'encrypt') on('encrypt', 'encrypt');
    else if (word === 'send_sci') on('incSci', 'send_sci');
    else if (word === 'end_station') on('es', 'end_station');
    else if (word === 'scb') on('scb', 'scb');
    else if (word === 'protect') on('protect', 'protect');
    else if (word === 'replay') on('replayProtect', 'replay');
    else if (word === 'window') d.window = unsignedOr(w.value(), 'invalid window', U32);
    else if (word === 'encodingsa') d.encodingSa = unsignedOr(w.value(), 'invalid AN', U8);
    else unsupported('macsec', word);
  }
  return { data: d };
}

/** Parses the words after `type KIND`; undefined for a kind nlwire does not parse. */
export function parseKindWords(kind: string, words: readonly string[]): KindOptions | undefined {
  const w = new Words(words);
  switch (kind) {
    case 'dummy': case 'wireguard': if (!w.done) unsupported(kind, w.next()); return { data: {} };
    case 'vlan': return vlan(w);
    case 'bond': return bond(w);
    case 'vrf': return vrf(w);
    case 'gre': case 'gretap': case 'ip6gre': case 'ip6gretap': return gre(kind, w);
    case 'ipip': case 'sit': return iptun(kind, w);
    case 'geneve': return geneve(w);
    case 'macsec': return macsec(w);
  }
  return undefined;
}
