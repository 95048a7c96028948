// ip link / ip addr's link lines (print_linkinfo() of ip/ipaddress.c): flags, state, link/TYPE,
// -d details with the kind's options (link-kinds.ts), -s statistics, altnames.
import { iff, in6AddrGenMode, linkmode, operstate } from '../../families/route/constants.js';
import { ADDR_GEN_MODE_WORDS, ARPHRD_NAMES, IFF_ORDER, LINK_GROUPS } from '../ip-names.js';
import type { Link } from '../types.js';
import { enumWord, Names, llAddr, type IpRenderOptions, type Shown } from './context.js';
import { printLinkinfo } from './link-kinds.js';
import { C_IFNAME, C_MAC, hex, hexBytes, operColor, print, u, type Printer } from './printer.js';

type LinkAttrs = Shown<Link>['attrs'];

/** ip's word for an IF_OPER_* state (the declaration's name upper-cased), undefined past the last. */
export function operName(state: number): string | undefined {
  return operstate.byValue.get(state)?.toUpperCase();
}

/** print_link_flags(): <UP,LOWER_UP,...> in ip's order, NO-CARRIER and M-DOWN as ip adds them. */
export function printLinkFlags(p: Printer, flags: number, mdown: boolean): void {
  const items: string[] = [];
  if (flags & iff.values.up && !(flags & iff.values.running)) items.push('NO-CARRIER');
  let f = flags & ~iff.values.running;
  for (const name of IFF_ORDER) {
    const bit = iff.values[name];
    if (f & bit) { f &= ~bit; items.push(name.toUpperCase()); }
  }
  if (f) items.push((f >>> 0).toString(16));
  if (mdown) items.push('M-DOWN');
  if (p.json) p.js('flags', items);
  else p.fp(`<${items.join(',')}> `);
}

/** The "NAME@LINK: " head; returns whether the lower link is down (M-DOWN). */
export function printNameAndLink(p: Printer, l: Shown<Link>, names: Names, brief = false): boolean {
  const a = l.attrs;
  let name = a.ifname ?? `if${l.header.index}`;
  let mdown = false;
  const iflink = a.link;
  if (iflink !== undefined) {
    let link: string | undefined;
    if (iflink) {
      if (a.linkNetnsid !== undefined) {
        if (p.json) p.js('link_index', iflink);
        else link = `if${iflink}`;
      } else {
        const ln = names.name(iflink);
        if (p.json) p.js('link', ln);
        else link = ln;
        const lf = names.linkFlags(iflink);
        mdown = lf !== undefined && !(lf & iff.values.up);
      }
    } else if (p.json) p.js('link', null);
    else link = 'NONE';
    if (link) name = `${name}@${link}`;
  }
  if (brief) p.cany(C_IFNAME, 'ifname', '%s ', name, name.padEnd(16)); // ip -br: "%-16s "
  else p.cany(C_IFNAME, 'ifname', '%s: ', name);
  return mdown;
}

/** The counters of rtnl_link_stats64 (and of the 32-bit rtnl_link_stats but its last). */
type StatsKey = keyof NonNullable<LinkAttrs['stats']>;

/** ip -j -s's counters in its order: JSON key, the stats field, and whether only a non-zero one is printed. */
type JsonCounters = ReadonlyArray<readonly [string, StatsKey, boolean?]>;
const RX_JSON: JsonCounters = [
  ['bytes', 'rxBytes'], ['packets', 'rxPackets'], ['errors', 'rxErrors'], ['dropped', 'rxDropped'],
  ['over_errors', 'rxOverErrors'], ['multicast', 'multicast'], ['compressed', 'rxCompressed', true],
];
/** -s -s adds these. */
const RX_ERRORS_JSON: JsonCounters = [
  ['length_errors', 'rxLengthErrors'], ['crc_errors', 'rxCrcErrors'], ['frame_errors', 'rxFrameErrors'],
  ['fifo_errors', 'rxFifoErrors'], ['missed_errors', 'rxMissedErrors'], ['nohandler', 'rxNohandler', true],
];
const TX_JSON: JsonCounters = [
  ['bytes', 'txBytes'], ['packets', 'txPackets'], ['errors', 'txErrors'], ['dropped', 'txDropped'],
  ['carrier_errors', 'txCarrierErrors'], ['collisions', 'collisions'], ['compressed', 'txCompressed', true],
];
const TX_ERRORS_JSON: JsonCounters = [
  ['aborted_errors', 'txAbortedErrors'], ['fifo_errors', 'txFifoErrors'], ['window_errors', 'txWindowErrors'],
  ['heartbeat_errors', 'txHeartbeatErrors'],
];

/** print_link_stats(): -s and -s -s, ip's JSON keys and its sized text columns. */
function printLinkStats(p: Printer, a: LinkAttrs, level: number): void {
  const s = a.stats64 ?? a.stats;
  if (!s) return;
  const key = a.stats64 ? 'stats64' : 'stats';
  const g = (k: StatsKey): number => Number(s[k]);
  // struct rtnl_link_stats has no rx_otherhost_dropped
  const otherhost = a.stats64 ? a.stats64.rxOtherhostDropped : 0n;
  const carrierChanges = a.carrierChanges;
  if (p.json) {
    const put = (list: JsonCounters): void => {
      for (const [k, f, onlySet] of list) { const v = g(f); if (!onlySet || v) p.js(k, v); }
    };
    p.open(key);
    p.open('rx');
    put(RX_JSON);
    if (level > 1) {
      put(RX_ERRORS_JSON);
      if (otherhost) p.js('otherhost', Number(otherhost));
    }
    p.close();
    p.open('tx');
    put(TX_JSON);
    if (level > 1) {
      put(TX_ERRORS_JSON);
      if (carrierChanges !== undefined) p.js('carrier_changes', carrierChanges);
    }
    p.close();
    p.close();
    return;
  }
  // text: ip's columns (size_columns() then "%*s " per number)
  const g2 = (k: StatsKey): bigint => BigInt(s[k]);
  const oh = BigInt(otherhost);
  const cc = carrierChanges !== undefined ? BigInt(carrierChanges) : 0n;
  const cols = [10, 7, 6, 7, 7, 7, 10, 9];
  const size = (...vals: bigint[]): void => vals.forEach((v, i) => { cols[i] = Math.max(cols[i]!, v.toString().length); });
  const rx = [g2('rxBytes'), g2('rxPackets'), g2('rxErrors'), g2('rxDropped'), g2('rxMissedErrors'), g2('multicast'), g2('rxCompressed'), oh];
  const rxe = [0n, g2('rxLengthErrors'), g2('rxCrcErrors'), g2('rxFrameErrors'), g2('rxFifoErrors'), g2('rxOverErrors'), g2('rxNohandler'), oh];
  const tx = [g2('txBytes'), g2('txPackets'), g2('txErrors'), g2('txDropped'), g2('txCarrierErrors'), g2('collisions'), g2('txCompressed')];
  const txe = [0n, g2('txAbortedErrors'), g2('txFifoErrors'), g2('txWindowErrors'), g2('txHeartbeatErrors'), cc];
  size(...rx);
  if (level > 1) size(...rxe);
  size(...tx);
  if (level > 1) size(...txe);
  const w = (i: number, v: string | bigint): string => String(v).padStart(cols[i]!);
  const numRow = (vals: bigint[], from: number, to: number): string => vals.slice(from, to).map((v, i) => w(i + from, v) + ' ').join('');
  p.fp(`    RX: ${'bytes'.padStart(cols[0]! - 4)} ${w(1, 'packets')} ${w(2, 'errors')} ${w(3, 'dropped')} ${w(4, 'missed')} ${w(5, 'mcast')} ${w(6, rx[6] ? 'compressed' : '')}\n`);
  p.fp('    ' + numRow(rx, 0, 6) + (rx[6] ? w(6, rx[6]) + ' ' : ''));
  if (level > 1) {
    p.fp(`\n    RX errors:${''.padStart(cols[0]! - 10)} ${w(1, 'length')} ${w(2, 'crc')} ${w(3, 'frame')} ${w(4, 'fifo')} ${w(5, 'overrun')}${rxe[6] ? ' ' + w(6, 'nohandler') : ''}${rxe[7] ? ' ' + w(7, 'otherhost') : ''}\n`);
    p.fp(''.padStart(cols[0]! + 5) + numRow(rxe, 1, 6) + (rxe[6] ? w(6, rxe[6]) + ' ' : '') + (rxe[7] ? w(7, rxe[7]) + ' ' : ''));
  }
  p.fp(`\n    TX: ${'bytes'.padStart(cols[0]! - 4)} ${w(1, 'packets')} ${w(2, 'errors')} ${w(3, 'dropped')} ${w(4, 'carrier')} ${w(5, 'collsns')} ${w(6, tx[6] ? 'compressed' : '')}\n`);
  p.fp('    ' + numRow(tx, 0, 6) + (tx[6] ? w(6, tx[6]) + ' ' : ''));
  if (level > 1) {
    p.fp(`\n    TX errors:${''.padStart(cols[0]! - 10)} ${w(1, 'aborted')} ${w(2, 'fifo')} ${w(3, 'window')} ${w(4, 'heartbt')}${carrierChanges !== undefined ? ' ' + w(5, 'transns') : ''}\n`);
    p.fp(''.padStart(cols[0]! + 5) + numRow(txe, 1, carrierChanges !== undefined ? 6 : 5));
  }
}

/** IFLA_AF_SPEC: ip link -d prints the IPv6 address generation mode. */
function printAfSpec(p: Printer, af: LinkAttrs['afSpec']): void {
  // AF_UNSPEC/AF_INET/AF_INET6 link messages carry the per-family nests; AF_BRIDGE ones do not
  const inet6 = af !== undefined && !(af instanceof Uint8Array) && 'inet6' in af ? af.inet6 : undefined;
  if (!inet6 || inet6.addrGenMode === undefined) return;
  const m = inet6.addrGenMode;
  p.any('inet6_addr_gen_mode', 'addrgenmode %s ', enumWord(in6AddrGenMode, m, ADDR_GEN_MODE_WORDS) ?? '0x' + m.toString(16).padStart(2, '0'));
}

/** print_linkinfo(): one link; `doLink` is true for `ip link`, false for `ip addr`. */
export function printLink(p: Printer, l: Shown<Link>, names: Names, opts: IpRenderOptions, doLink: boolean, addrs?: (p: Printer) => void): void {
  const a = l.attrs;
  const flags = l.header.flags;
  p.open(null);
  p.any('ifindex', '%s: ', l.header.index);
  const mdown = printNameAndLink(p, l, names);
  printLinkFlags(p, flags, mdown);
  u(p, 'mtu', 'mtu %s ', a.mtu);
  if (a.qdisc !== undefined) p.any('qdisc', 'qdisc %s ', a.qdisc);
  if (a.master !== undefined) p.any('master', 'master %s ', names.name(a.master));
  const ops = a.operstate;
  if (ops !== undefined) {
    const state = operName(ops);
    if (state === undefined) { p.js('operstate_index', ops); p.fp(`state ${hex(ops)} `); }
    else { p.fp('state '); p.cany(operColor(ops), 'operstate', '%s ', state); }
  }
  const lm = a.linkmode;
  if (doLink && lm !== undefined) {
    const mode = linkmode.byValue.get(lm)?.toUpperCase();
    if (mode === undefined) p.any('linkmode_index', 'mode %s ', lm);
    else p.any('linkmode', 'mode %s ', mode);
  }
  const group = a.group;
  if (group !== undefined) p.any('group', 'group %s ', opts.numeric ? String(group) : LINK_GROUPS[group] ?? String(group));
  const qlen = a.txqlen ?? names.device(l.header.index)?.attrs.txqlen;
  if (qlen && !opts.monitor) p.any('txqlen', 'qlen %s', qlen); // ip monitor shows no queue length
  if (a.protoDown) p.any('proto_down', ' protodown on ', true, '');
  const familyFilter = doLink ? undefined : opts.family;
  if (!familyFilter || opts.details) {
    const type = l.header.type;
    p.fp('\n');
    p.any('link_type', '    link/%s ', (opts.numeric ? undefined : ARPHRD_NAMES[type]) ?? `[${type}]`);
    if (a.address !== undefined) p.cany(C_MAC, 'address', '%s', llAddr(a.address, type));
    if (a.broadcast !== undefined) {
      if (flags & iff.values.pointopoint) { p.fp(' peer '); p.js('link_pointtopoint', true); }
      else p.fp(' brd ');
      p.cany(C_MAC, 'broadcast', '%s', llAddr(a.broadcast, type));
    }
    if (a.permAddress !== undefined && a.permAddress !== a.address) {
      p.fp(' permaddr ');
      p.any('permaddr', '%s', llAddr(a.permAddress, type));
    }
  }
  const netnsid = a.linkNetnsid;
  if (netnsid !== undefined) {
    if (p.json) p.js('link_netnsid', netnsid);
    else if (netnsid < 0) p.fp(' link-netnsid unknown');
    else {
      const nsName = opts.netnsNames?.get(netnsid);
      p.fp(nsName !== undefined ? ` link-netns ${nsName}` : ` link-netnsid ${netnsid}`);
    }
  }
  if (a.newNetnsid !== undefined) p.any('new_netnsid', ' new-netns %s', a.newNetnsid);
  if (a.newIfindex !== undefined) p.any('new_ifindex', ' new-ifindex %s', a.newIfindex);
  if (opts.details) {
    u(p, 'promiscuity', ' promiscuity %s ', a.promiscuity);
    u(p, 'allmulti', ' allmulti %s ', a.allmulti);
    u(p, 'min_mtu', 'minmtu %s ', a.minMtu);
    u(p, 'max_mtu', 'maxmtu %s ', a.maxMtu);
    if (a.linkinfo) printLinkinfo(p, a.linkinfo, names);
    if (doLink) printAfSpec(p, a.afSpec);
    u(p, 'num_tx_queues', 'numtxqueues %s ', a.numTxQueues);
    u(p, 'num_rx_queues', 'numrxqueues %s ', a.numRxQueues);
    u(p, 'gso_max_size', 'gso_max_size %s ', a.gsoMaxSize);
    u(p, 'gso_max_segs', 'gso_max_segs %s ', a.gsoMaxSegs);
    u(p, 'tso_max_size', 'tso_max_size %s ', a.tsoMaxSize);
    u(p, 'tso_max_segs', 'tso_max_segs %s ', a.tsoMaxSegs);
    u(p, 'gro_max_size', 'gro_max_size %s ', a.groMaxSize);
    if (a.physPortName !== undefined) p.any('phys_port_name', 'portname %s ', a.physPortName);
    if (a.physPortId !== undefined) p.any('phys_port_id', 'portid %s ', hexBytes(a.physPortId));
    if (a.physSwitchId !== undefined) p.any('phys_switch_id', 'switchid %s ', hexBytes(a.physSwitchId));
    if (a.parentDevBusName !== undefined) p.any('parentbus', 'parentbus %s ', a.parentDevBusName);
    if (a.parentDevName !== undefined) p.any('parentdev', 'parentdev %s ', a.parentDevName);
  }
  if ((doLink || opts.details) && a.ifalias !== undefined) {
    p.fp('\n');
    p.any('ifalias', '    alias %s', a.ifalias);
  }
  const level = opts.stats === true ? 1 : typeof opts.stats === 'number' ? opts.stats : 0;
  if (doLink && level) { p.fp('\n'); printLinkStats(p, a, level); }
  if (a.propList) {
    p.openArr('altnames');
    for (const n of a.propList.altIfname ?? []) { p.fp('\n    altname '); p.any(null, '%s', n); }
    p.closeArr();
  }
  if (addrs) {
    // ip addr: the link's line break comes first, then addresses, each ending its own line
    addrs(p);
    if (level) { printLinkStats(p, a, level); p.fp('\n'); }
  } else p.fp('\n');
  p.close();
}

/** `ip -j [-d] [-s] link show`. */
export function renderLinks(links: readonly Shown<Link>[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts, links);
  return print(true, (p) => { for (const l of links) printLink(p, l, names, opts, true); }).out;
}
/** `ip [-d] [-s] link show`. */
export function renderLinksText(links: readonly Shown<Link>[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts, links);
  return print(false, (p) => { for (const l of links) printLink(p, l, names, opts, true); }, opts.color).text;
}
/** One link as `ip monitor link` prints it (no mode, no qlen; two lines). */
export function renderLinkEventText(link: Shown<Link>, opts: IpRenderOptions = {}, known: readonly Shown<Link>[] = []): string {
  const names = new Names(opts, [...known, link]); // the links known so far: their flags make M-DOWN
  const o = { ...opts, monitor: true };
  delete o.family;
  return print(false, (p) => { printLink(p, link, names, o, false); }, opts.color).text;
}
