// Renders decoded rtnetlink objects the way iproute2 6.1 prints them: `ip -j [-d] [-s] ...` JSON
// (deep-equal to ip's output once parsed) and ip's plain text. Both come from one walk per object,
// as in iproute2 itself, where every print_*() call names a JSON key and a text format: the
// Printer below collects JSON values or appends text depending on the mode.
//
// Matching ip 6.1 means printing only what ip 6.1 knows: attributes newer than its headers
// (IFA_PROTO, IFLA_GSO_IPV4_MAX_SIZE, IFLA_BR_FDB_N_LEARNED, NHA_GROUP_STATS...) are left out.
import { formatIPv4, formatIPv6, parseHex } from '../core/addr.js';
import type { AnyRtObject } from './types.js';
import { LINKINFO_DATA_PRINTERS, LINKINFO_SLAVE_PRINTERS } from './render-linkinfo.js';
import { FAMILY_NAMES, IP_PROTOS, LINK_GROUPS, RT_DSFIELD, RT_PROTOS, RT_REALMS, RT_SCOPES, RT_TABLES, RTN_TYPES } from './ip-names.js';

/** What an object to render must look like: a decoded family header and decoded attributes. */
export type RenderObject = Pick<AnyRtObject, 'header' | 'attrs'> & { kind?: string };

/** Which of iproute2's options the renderers follow (`-d`, `-s`, ...). */
export interface IpRenderOptions {
  /** `-d`: details (link kinds, queues...; route/nexthop type, table, proto and scope always). */
  details?: boolean;
  /** `-s` (true or 1), `-s -s` (2): statistics. */
  stats?: boolean | number;
  /** `-N`: protocol, scope, table and realm numbers instead of names (as strings, like ip). */
  numeric?: boolean;
  /** Interface names by index, for `dev`, `master`, `link`... (defaults to the links given, if any). */
  ifnames?: ReadonlyMap<number, string>;
  /** `-4` / `-6` for addresses: only that family's addresses, and links that have some. */
  family?: 4 | 6;
  /**
   * The route table selector in effect (`table N`): ip omits the `table` key when it filters on a
   * single table. 'all' (or undefined) prints it for every table but main.
   */
  table?: number | string;
  /** Show cloned (cache) routes instead of regular ones. */
  cache?: boolean;
  /**
   * Full link objects (an AF_UNSPEC link dump), consulted for what ip reads with an ioctl when a
   * link message lacks it (txqlen of the AF_INET6 link dump that `ip -6 addr` uses) and for names.
   */
  devices?: readonly RenderObject[];
  /** Nexthop objects, for the `nh_info` of routes using `nhid` (printed with details, as ip -d does). */
  nexthops?: readonly RenderObject[];
  /** Namespace names by nsid, for text output's `link-netns NAME` (ip looks them up in /var/run/netns). */
  netnsNames?: ReadonlyMap<number, string>;
  /** Route fields a show filter fixed (`dev X`, `proto P`, `scope S`): ip leaves them out of each line. */
  filtered?: { dev?: boolean; protocol?: boolean; scope?: boolean; via?: boolean; prefsrc?: boolean; metric?: boolean; iif?: boolean };
  /** ip -c: colour the text as ip does (names, MAC and IP addresses, states). */
  color?: boolean;
  /** ip monitor's link lines: print_linkinfo() without ip link's mode and queue length. */
  monitor?: boolean;
  /** Neighbours: print every entry (also NOARP and NONE states, which ip hides by default). */
  allStates?: boolean;
}

// ---- constants ------------------------------------------------------------------------------------

const AF_INET = 2, AF_INET6 = 10, AF_BRIDGE = 7, AF_MPLS = 28, AF_PACKET = 17;
const RT_TABLE_MAIN = 254;
const RTPROT_UNSPEC = 0, RTPROT_KERNEL = 2, RTPROT_BOOT = 3;
const RTN_UNICAST = 1, RTN_MULTICAST = 5;
const RTM_F_NOTIFY = 0x100, RTM_F_CLONED = 0x200, RTM_F_OFFLOAD = 0x4000, RTM_F_TRAP = 0x8000, RTM_F_OFFLOAD_FAILED = 0x20000000;
const RTNH_F_DEAD = 1, RTNH_F_PERVASIVE = 2, RTNH_F_ONLINK = 4, RTNH_F_OFFLOAD = 8, RTNH_F_LINKDOWN = 16, RTNH_F_UNRESOLVED = 32, RTNH_F_TRAP = 64;
const IFF_UP = 1, IFF_POINTOPOINT = 0x10, IFF_RUNNING = 0x40;
const IFA_F_SECONDARY = 0x01, IFA_F_DEPRECATED = 0x20, IFA_F_PERMANENT = 0x80;
const INFINITY_LIFE_TIME = 0xffffffff;
const NTF_PROXY = 0x08, NTF_EXT_LEARNED = 0x10, NTF_OFFLOADED = 0x20, NTF_ROUTER = 0x80;
const NUD_NOARP = 0x40;
const FIB_RULE_INVERT = 0x2, FIB_RULE_UNRESOLVED = 0x4, FIB_RULE_IIF_DETACHED = 0x8, FIB_RULE_OIF_DETACHED = 0x10;
const FR_ACT_TO_TBL = 1, FR_ACT_GOTO = 2, FR_ACT_NOP = 3;
const RTN_NAT = 10;
/** USER_HZ: the kernel reports clock_t values in 1/100 s. */
const HZ = 100;

/** lib/ll_types.c: link/TYPE names by ARPHRD_*. */
const ARPHRD_NAMES: Record<number, string> = {
  0: 'netrom', 1: 'ether', 2: 'eether', 3: 'ax25', 4: 'pronet', 5: 'chaos', 6: 'ieee802', 7: 'arcnet', 8: 'atalk',
  15: 'dlci', 19: 'atm', 23: 'metricom', 24: 'ieee1394', 32: 'infiniband', 256: 'slip', 257: 'cslip', 258: 'slip6',
  259: 'cslip6', 260: 'rsrvd', 264: 'adapt', 270: 'rose', 271: 'x25', 272: 'hwx25', 280: 'can', 290: 'mctp', 512: 'ppp', 513: 'hdlc',
  516: 'lapb', 517: 'ddcmp', 518: 'rawhdlc', 519: 'rawip', 768: 'ipip', 769: 'tunnel6', 770: 'frad', 771: 'skip',
  772: 'loopback', 773: 'ltalk', 774: 'fddi', 775: 'bif', 776: 'sit', 777: 'ip/ddp', 778: 'gre', 779: 'pimreg',
  780: 'hippi', 781: 'ash', 782: 'econet', 783: 'irda', 784: 'fcpp', 785: 'fcal', 786: 'fcpl', 787: 'fcfb0',
  788: 'fcfb1', 789: 'fcfb2', 790: 'fcfb3', 791: 'fcfb4', 792: 'fcfb5', 793: 'fcfb6', 794: 'fcfb7', 795: 'fcfb8',
  796: 'fcfb9', 797: 'fcfb10', 798: 'fcfb11', 799: 'fcfb12', 800: 'tr', 801: 'ieee802.11', 802: 'ieee802.11/prism',
  803: 'ieee802.11/radiotap', 804: 'ieee802.15.4', 805: 'ieee802.15.4/monitor', 820: 'phonet', 821: 'phonet_pipe',
  822: 'caif', 823: 'gre6', 824: 'netlink', 825: '6lowpan', 826: 'vsockmon', 0xfffe: 'none', 0xffff: 'void',
};
const ARPHRD_TUNNEL = 768, ARPHRD_TUNNEL6 = 769, ARPHRD_SIT = 776, ARPHRD_IPGRE = 778, ARPHRD_IP6GRE = 823;
const OPER_STATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];
const LINK_MODES = ['DEFAULT', 'DORMANT', 'TESTING'];
const IFF_NAMES: Array<[number, string]> = [
  [0x8, 'LOOPBACK'], [0x2, 'BROADCAST'], [0x10, 'POINTOPOINT'], [0x1000, 'MULTICAST'], [0x80, 'NOARP'],
  [0x200, 'ALLMULTI'], [0x100, 'PROMISC'], [0x400, 'MASTER'], [0x800, 'SLAVE'], [0x4, 'DEBUG'], [0x8000, 'DYNAMIC'],
  [0x4000, 'AUTOMEDIA'], [0x2000, 'PORTSEL'], [0x20, 'NOTRAILERS'], [0x1, 'UP'], [0x10000, 'LOWER_UP'],
  [0x20000, 'DORMANT'], [0x40000, 'ECHO'],
];
const NUD_NAMES: Array<[number, string]> = [
  [0x01, 'INCOMPLETE'], [0x02, 'REACHABLE'], [0x04, 'STALE'], [0x08, 'DELAY'], [0x10, 'PROBE'], [0x20, 'FAILED'],
  [0x40, 'NOARP'], [0x80, 'PERMANENT'],
];
/** RTAX_* names as ip prints them (index = RTAX id). */
const MX_NAMES: Array<string | undefined> = [
  undefined, 'lock', 'mtu', 'window', 'rtt', 'rttvar', 'ssthresh', 'cwnd', 'advmss', 'reordering', 'hoplimit',
  'initcwnd', 'features', 'rto_min', 'initrwnd', 'quickack', 'congctl', 'fastopen_no_cookie',
];
const MX_KEYS = [
  '', 'lock', 'mtu', 'window', 'rtt', 'rttvar', 'ssthresh', 'cwnd', 'advmss', 'reordering', 'hoplimit', 'initcwnd',
  'features', 'rtoMin', 'initrwnd', 'quickack', 'ccAlgo', 'fastopenNoCookie',
] as const;
const RTAX_RTT = 4, RTAX_RTTVAR = 5, RTAX_HOPLIMIT = 10, RTAX_FEATURES = 12, RTAX_RTO_MIN = 13, RTAX_CC_ALGO = 16;

// ---- the printer ------------------------------------------------------------------------------------

/** ip -c's colours (SGR codes): interface names, MAC addresses, IPv4, IPv6, operational states. */
const C_IFNAME = 36, C_MAC = 33, C_INET = 35, C_INET6 = 34, C_UP = 32, C_DOWN = 31;
const familyColor = (family: number): number => (family === AF_INET ? C_INET : family === AF_INET6 ? C_INET6 : 0);
const operColor = (state: number): number => (state === 6 ? C_UP : state === 2 ? C_DOWN : 0);

type JsonObject = Record<string, unknown>;

/** iproute2's json_print: each call adds a JSON value (JSON mode) or text (text mode). */
class Printer {
  readonly out: unknown[] = [];
  text = '';
  private stack: Array<JsonObject | unknown[]> = [];
  constructor(readonly json: boolean, readonly color = false) {}

  private put(key: string | null, v: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) this.out.push(v);
    else if (Array.isArray(top)) top.push(v);
    else if (key !== null) top[key] = v;
  }
  /** PRINT_ANY: `fmt` holds one %s for the value's text (`text`, or String(v)). */
  any(key: string | null, fmt: string, v: unknown, text?: string): void {
    if (this.json) this.put(key, v);
    else this.text += fmt.replace('%s', text ?? String(v));
  }
  /** print_color_*(PRINT_ANY...): as any(), the text wrapped in the colour's escape codes when colours are on. */
  cany(color: number, key: string | null, fmt: string, v: unknown, text?: string): void {
    if (this.json) this.put(key, v);
    else if (this.color && color) this.text += `\x1b[${color}m${fmt.replace('%s', text ?? String(v))}\x1b[0m`;
    else this.text += fmt.replace('%s', text ?? String(v));
  }
  /** PRINT_JSON only. */
  js(key: string | null, v: unknown): void {
    if (this.json) this.put(key, v);
  }
  /** PRINT_FP only. */
  fp(s: string): void {
    if (!this.json) this.text += s;
  }
  /** print_null(PRINT_ANY...). */
  nul(key: string, text: string): void {
    if (this.json) this.put(key, null);
    else this.text += text;
  }
  open(key: string | null = null): void {
    if (!this.json) return;
    const o: JsonObject = {};
    this.put(key, o);
    this.stack.push(o);
  }
  close(): void {
    if (this.json) this.stack.pop();
  }
  openArr(key: string | null): void {
    if (!this.json) return;
    const a: unknown[] = [];
    this.put(key, a);
    this.stack.push(a);
  }
  closeArr(): void {
    if (this.json) this.stack.pop();
  }
}

// ---- small helpers ----------------------------------------------------------------------------------

type Attrs = Record<string, unknown>;

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function obj(v: unknown): Attrs | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as Attrs) : undefined;
}
function hdr(o: RenderObject, key: string): number {
  return num(o.header[key]) ?? 0;
}
/** C's printf("%g"): 6 significant digits, trailing zeros dropped, exponent form outside 1e-4..1e6. */
export function formatG(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e');
    const n = Number(e);
    return `${m!.includes('.') ? m!.replace(/\.?0+$/, '') : m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(0, 5 - exp));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

function hex(n: number | bigint): string {
  return n === 0 || n === 0n ? '0' : '0x' + n.toString(16);
}
/** C's %#llx: "0" for zero, "0x..." otherwise. */
const hexAlt = hex;
const s32 = (n: number): number => n | 0;

function nameOr(table: Record<number, string>, id: number, numeric: boolean | undefined): string {
  if (numeric) return String(id);
  return table[id] ?? String(id);
}
const rtProtoName = (id: number, o: IpRenderOptions): string => nameOr(RT_PROTOS, id, o.numeric);
const rtScopeName = (id: number, o: IpRenderOptions): string => nameOr(RT_SCOPES, id, o.numeric);
const rtTableName = (id: number, o: IpRenderOptions): string => nameOr(RT_TABLES, id, o.numeric);
const rtRealmName = (id: number, o: IpRenderOptions): string => nameOr(RT_REALMS, id, o.numeric);
function dsfieldName(id: number, o: IpRenderOptions): string {
  if (!o.numeric && RT_DSFIELD[id]) return RT_DSFIELD[id]!;
  return '0x' + id.toString(16).padStart(2, '0');
}
const rtnTypeName = (t: number, o: IpRenderOptions): string => (o.numeric ? String(t) : RTN_TYPES[t] ?? String(t));
const familyName = (f: number): string => FAMILY_NAMES[f] ?? '???';

class Names {
  private readonly devices = new Map<number, RenderObject>();
  private readonly byIndex = new Map<number, string>();
  private readonly types = new Map<number, number>();
  private readonly flags = new Map<number, number>();
  constructor(opts: IpRenderOptions, links: readonly RenderObject[] = []) {
    for (const l of links) {
      const idx = hdr(l, 'index');
      const n = str(l.attrs.ifname);
      if (n !== undefined) this.byIndex.set(idx, n);
      this.types.set(idx, hdr(l, 'type'));
      this.flags.set(idx, hdr(l, 'flags'));
    }
    if (opts.ifnames) for (const [i, n] of opts.ifnames) this.byIndex.set(i, n);
    for (const d of opts.devices ?? []) {
      const idx = hdr(d, 'index');
      this.devices.set(idx, d);
      const n = str(d.attrs.ifname);
      if (n !== undefined && !this.byIndex.has(idx)) this.byIndex.set(idx, n);
    }
  }
  /** The full link object (AF_UNSPEC dump) of an index, when `devices` were given. */
  device(idx: number): RenderObject | undefined {
    return this.devices.get(idx);
  }
  /** ll_index_to_name(): "if%d" for an index it does not know. */
  name(idx: number): string {
    return this.byIndex.get(idx) ?? `if${idx}`;
  }
  type(idx: number): number {
    return this.types.get(idx) ?? 1;
  }
  linkFlags(idx: number): number | undefined {
    return this.flags.get(idx);
  }
}

/** ll_addr_n2a(): tunnels carry IP addresses as their link addresses. */
function llAddr(addr: string, type: number): string {
  const b = parseHex(addr);
  if (b && b.length === 4 && (type === ARPHRD_TUNNEL || type === ARPHRD_SIT || type === ARPHRD_IPGRE)) return formatIPv4(b);
  if (b && b.length === 16 && (type === ARPHRD_TUNNEL6 || type === ARPHRD_IP6GRE)) return formatIPv6(b);
  return addr;
}

function hostLen(family: number): number {
  return family === AF_INET ? 32 : family === AF_INET6 ? 128 : family === AF_MPLS ? 20 : 0;
}

/** __jiffies_to_tv() with ip's "%i.%.2i" (clock_t → seconds with 2 decimals). */
function jiffiesTimer(v: unknown): { json: number; text: string } {
  const j = BigInt(typeof v === 'bigint' ? v : Math.trunc(num(v) ?? 0));
  const usec = 10000n * j;
  const sec = usec / 1000000n;
  const cs = (usec - sec * 1000000n) / 10000n;
  const t = `${sec}.${cs.toString().padStart(2, '0')}`;
  return { json: Number(t), text: t };
}

function print(json: boolean, fn: (p: Printer) => void, color = false): Printer {
  const p = new Printer(json, color);
  fn(p);
  return p;
}

// ---- links ------------------------------------------------------------------------------------------

function printLinkFlags(p: Printer, flags: number, mdown: boolean): void {
  const items: string[] = [];
  if (flags & IFF_UP && !(flags & IFF_RUNNING)) items.push('NO-CARRIER');
  let f = flags & ~IFF_RUNNING;
  for (const [bit, name] of IFF_NAMES) {
    if (f & bit) { f &= ~bit; items.push(name); }
  }
  if (f) items.push((f >>> 0).toString(16));
  if (mdown) items.push('M-DOWN');
  if (p.json) p.js('flags', items);
  else p.fp(`<${items.join(',')}> `);
}

function printNameAndLink(p: Printer, o: RenderObject, names: Names, brief = false): boolean {
  const a = o.attrs;
  let name = str(a.ifname) ?? `if${hdr(o, 'index')}`;
  let mdown = false;
  const iflink = num(a.link);
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
        mdown = lf !== undefined && !(lf & IFF_UP);
      }
    } else if (p.json) p.js('link', null);
    else link = 'NONE';
    if (link) name = `${name}@${link}`;
  }
  if (brief) p.cany(C_IFNAME, 'ifname', '%s ', name, name.padEnd(16)); // ip -br: "%-16s "
  else p.cany(C_IFNAME, 'ifname', '%s: ', name);
  return mdown;
}

function printLinkStats(p: Printer, a: Attrs, level: number): void {
  const s = obj(a.stats64) ?? obj(a.stats);
  if (!s) return;
  const key = a.stats64 ? 'stats64' : 'stats';
  const g = (k: string): number => num(s[k]) ?? 0;
  const carrierChanges = num(a.carrierChanges);
  if (p.json) {
    p.open(key);
    p.open('rx');
    p.js('bytes', g('rxBytes')); p.js('packets', g('rxPackets')); p.js('errors', g('rxErrors'));
    p.js('dropped', g('rxDropped')); p.js('over_errors', g('rxOverErrors')); p.js('multicast', g('multicast'));
    if (g('rxCompressed')) p.js('compressed', g('rxCompressed'));
    if (level > 1) {
      p.js('length_errors', g('rxLengthErrors')); p.js('crc_errors', g('rxCrcErrors'));
      p.js('frame_errors', g('rxFrameErrors')); p.js('fifo_errors', g('rxFifoErrors'));
      p.js('missed_errors', g('rxMissedErrors'));
      if (g('rxNohandler')) p.js('nohandler', g('rxNohandler'));
      if (g('rxOtherhostDropped')) p.js('otherhost', g('rxOtherhostDropped'));
    }
    p.close();
    p.open('tx');
    p.js('bytes', g('txBytes')); p.js('packets', g('txPackets')); p.js('errors', g('txErrors'));
    p.js('dropped', g('txDropped')); p.js('carrier_errors', g('txCarrierErrors')); p.js('collisions', g('collisions'));
    if (g('txCompressed')) p.js('compressed', g('txCompressed'));
    if (level > 1) {
      p.js('aborted_errors', g('txAbortedErrors')); p.js('fifo_errors', g('txFifoErrors'));
      p.js('window_errors', g('txWindowErrors')); p.js('heartbeat_errors', g('txHeartbeatErrors'));
      if (carrierChanges !== undefined) p.js('carrier_changes', carrierChanges);
    }
    p.close();
    p.close();
    return;
  }
  // text: ip's columns (size_columns() then "%*s " per number)
  const g2 = (k: string): bigint => BigInt(typeof s[k] === 'bigint' ? (s[k] as bigint) : Math.trunc(num(s[k]) ?? 0));
  const cc = carrierChanges !== undefined ? BigInt(carrierChanges) : 0n;
  const cols = [10, 7, 6, 7, 7, 7, 10, 9];
  const size = (...vals: bigint[]): void => vals.forEach((v, i) => { cols[i] = Math.max(cols[i]!, v.toString().length); });
  const rx = [g2('rxBytes'), g2('rxPackets'), g2('rxErrors'), g2('rxDropped'), g2('rxMissedErrors'), g2('multicast'), g2('rxCompressed'), g2('rxOtherhostDropped')];
  const rxe = [0n, g2('rxLengthErrors'), g2('rxCrcErrors'), g2('rxFrameErrors'), g2('rxFifoErrors'), g2('rxOverErrors'), g2('rxNohandler'), g2('rxOtherhostDropped')];
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

function bridgeId(v: unknown): string | undefined {
  const id = obj(v);
  if (!id) return undefined;
  const prio = id.prio instanceof Uint8Array ? id.prio : new Uint8Array(2);
  // ether_ntoa(): no leading zeros in the MAC's bytes
  const mac = (str(id.addr) ?? '').split(':').map((x) => parseInt(x, 16).toString(16)).join(':');
  return `${(prio[0] ?? 0).toString(16).padStart(2, '0')}${(prio[1] ?? 0).toString(16).padStart(2, '0')}.${mac}`;
}

const onOff = (p: Printer, key: string, label: string, v: unknown): void => {
  if (v === undefined) return;
  const b = !!num(v);
  p.any(key, `${label} %s `, b, b ? 'on' : 'off');
};
const u = (p: Printer, key: string, fmt: string, v: unknown): void => {
  const n = num(v);
  if (n !== undefined) p.any(key, fmt, n);
};
const timer = (p: Printer, key: string, v: unknown): void => {
  if (v === undefined) return;
  const t = jiffiesTimer(v);
  p.any(key, `${key} %s `, t.json, t.text.padStart(7));
};

const PORT_STATES = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];
/** br group_fwd_mask bits ip names (iplink_bridge_slave.c fwd_mask_tbl). */
const FWD_MASK_NAMES: Record<number, string> = { 0: 'stp', 2: 'lacp', 14: 'lldp' };
function fwdMaskStr(mask: number): string {
  if (!mask) return '0x0';
  const parts: string[] = [];
  let rest = mask;
  for (let b = 0; b < 16; b++) {
    if (mask & (1 << b) && FWD_MASK_NAMES[b]) { parts.push(FWD_MASK_NAMES[b]!); rest &= ~(1 << b); }
  }
  if (rest) parts.push('0x' + rest.toString(16));
  return parts.join(',');
}

function printBridgeSlave(p: Printer, d: Attrs, names: Names): void {
  if (d.state !== undefined) {
    const st = num(d.state)!;
    p.any('state', 'state %s ', PORT_STATES[st] ?? String(st));
  }
  u(p, 'priority', 'priority %s ', d.priority);
  u(p, 'cost', 'cost %s ', d.cost);
  onOff(p, 'hairpin', 'hairpin', d.mode);
  onOff(p, 'guard', 'guard', d.guard);
  onOff(p, 'root_block', 'root_block', d.protect);
  onOff(p, 'fastleave', 'fastleave', d.fastLeave);
  onOff(p, 'learning', 'learning', d.learning);
  onOff(p, 'flood', 'flood', d.unicastFlood);
  if (d.id !== undefined) p.any('id', 'port_id %s ', hexAlt(num(d.id)!));
  if (d.no !== undefined) p.any('no', 'port_no %s ', hexAlt(num(d.no)!));
  u(p, 'designated_port', 'designated_port %s ', d.designatedPort);
  u(p, 'designated_cost', 'designated_cost %s ', d.designatedCost);
  const bid = bridgeId(d.bridgeId);
  if (bid) p.any('bridge_id', 'designated_bridge %s ', bid);
  const rid = bridgeId(d.rootId);
  if (rid) p.any('root_id', 'designated_root %s ', rid);
  timer(p, 'hold_timer', d.holdTimer);
  timer(p, 'message_age_timer', d.messageAgeTimer);
  timer(p, 'forward_delay_timer', d.forwardDelayTimer);
  u(p, 'topology_change_ack', 'topology_change_ack %s ', d.topologyChangeAck);
  u(p, 'config_pending', 'config_pending %s ', d.configPending);
  onOff(p, 'proxy_arp', 'proxy_arp', d.proxyarp);
  onOff(p, 'proxy_arp_wifi', 'proxy_arp_wifi', d.proxyarpWifi);
  u(p, 'multicast_router', 'mcast_router %s ', d.multicastRouter);
  if (d.fastLeave !== undefined) p.fp(`mcast_fast_leave ${num(d.fastLeave) ? 'on' : 'off'} `);
  if (d.flush !== undefined) p.fp('flush ');
  onOff(p, 'mcast_flood', 'mcast_flood', d.mcastFlood);
  onOff(p, 'bcast_flood', 'bcast_flood', d.bcastFlood);
  onOff(p, 'mcast_to_unicast', 'mcast_to_unicast', d.mcastToUcast);
  onOff(p, 'neigh_suppress', 'neigh_suppress', d.neighSuppress);
  if (d.groupFwdMask !== undefined) {
    const m = num(d.groupFwdMask)!;
    p.any('group_fwd_mask', 'group_fwd_mask %s ', hexAlt(m));
    p.any('group_fwd_mask_str', 'group_fwd_mask_str %s ', fwdMaskStr(m));
  }
  onOff(p, 'vlan_tunnel', 'vlan_tunnel', d.vlanTunnel);
  const backup = num(d.backupPort);
  if (backup) p.any('backup_port', 'backup_port %s ', names.name(backup));
  onOff(p, 'isolated', 'isolated', d.isolated);
  onOff(p, 'locked', 'locked', d.locked);
}

function printBridge(p: Printer, d: Attrs): void {
  u(p, 'forward_delay', 'forward_delay %s ', d.forwardDelay);
  u(p, 'hello_time', 'hello_time %s ', d.helloTime);
  u(p, 'max_age', 'max_age %s ', d.maxAge);
  u(p, 'ageing_time', 'ageing_time %s ', d.ageingTime);
  u(p, 'stp_state', 'stp_state %s ', d.stpState);
  u(p, 'priority', 'priority %s ', d.priority);
  u(p, 'vlan_filtering', 'vlan_filtering %s ', d.vlanFiltering);
  if (d.vlanProtocol !== undefined) {
    const vp = num(d.vlanProtocol)!;
    p.any('vlan_protocol', 'vlan_protocol %s ', vp === 0x8100 ? '802.1Q' : vp === 0x88a8 ? '802.1ad' : hex(vp));
  }
  const bid = bridgeId(d.bridgeId);
  if (bid) p.any('bridge_id', 'bridge_id %s ', bid);
  const rid = bridgeId(d.rootId);
  if (rid) p.any('root_id', 'designated_root %s ', rid);
  u(p, 'root_port', 'root_port %s ', d.rootPort);
  u(p, 'root_path_cost', 'root_path_cost %s ', d.rootPathCost);
  u(p, 'topology_change', 'topology_change %s ', d.topologyChange);
  u(p, 'topology_change_detected', 'topology_change_detected %s ', d.topologyChangeDetected);
  timer(p, 'hello_timer', d.helloTimer);
  timer(p, 'tcn_timer', d.tcnTimer);
  timer(p, 'topology_change_timer', d.topologyChangeTimer);
  timer(p, 'gc_timer', d.gcTimer);
  u(p, 'vlan_default_pvid', 'vlan_default_pvid %s ', d.vlanDefaultPvid);
  u(p, 'vlan_stats_enabled', 'vlan_stats_enabled %s ', d.vlanStatsEnabled);
  u(p, 'vlan_stats_per_port', 'vlan_stats_per_port %s ', d.vlanStatsPerPort);
  if (d.groupFwdMask !== undefined) p.any('group_fwd_mask', 'group_fwd_mask %s ', hexAlt(num(d.groupFwdMask)!));
  if (d.groupAddr !== undefined) p.any('group_addr', 'group_address %s ', str(d.groupAddr));
  u(p, 'mcast_snooping', 'mcast_snooping %s ', d.mcastSnooping);
  const bm = obj(d.multiBoolopt);
  if (bm) {
    const optval = num(bm.optval) ?? 0, optmask = num(bm.optmask) ?? 0;
    if (optmask & 1) p.any('no_linklocal_learn', 'no_linklocal_learn %s ', optval & 1 ? 1 : 0);
    if (optmask & 2) p.any('mcast_vlan_snooping', 'mcast_vlan_snooping %s ', optval & 2 ? 1 : 0);
  }
  u(p, 'mcast_router', 'mcast_router %s ', d.mcastRouter);
  u(p, 'mcast_query_use_ifaddr', 'mcast_query_use_ifaddr %s ', d.mcastQueryUseIfaddr);
  u(p, 'mcast_querier', 'mcast_querier %s ', d.mcastQuerier);
  u(p, 'mcast_hash_elasticity', 'mcast_hash_elasticity %s ', d.mcastHashElasticity);
  u(p, 'mcast_hash_max', 'mcast_hash_max %s ', d.mcastHashMax);
  u(p, 'mcast_last_member_cnt', 'mcast_last_member_count %s ', d.mcastLastMemberCnt);
  u(p, 'mcast_startup_query_cnt', 'mcast_startup_query_count %s ', d.mcastStartupQueryCnt);
  u(p, 'mcast_last_member_intvl', 'mcast_last_member_interval %s ', d.mcastLastMemberIntvl);
  u(p, 'mcast_membership_intvl', 'mcast_membership_interval %s ', d.mcastMembershipIntvl);
  u(p, 'mcast_querier_intvl', 'mcast_querier_interval %s ', d.mcastQuerierIntvl);
  u(p, 'mcast_query_intvl', 'mcast_query_interval %s ', d.mcastQueryIntvl);
  u(p, 'mcast_query_response_intvl', 'mcast_query_response_interval %s ', d.mcastQueryResponseIntvl);
  u(p, 'mcast_startup_query_intvl', 'mcast_startup_query_interval %s ', d.mcastStartupQueryIntvl);
  u(p, 'mcast_stats_enabled', 'mcast_stats_enabled %s ', d.mcastStatsEnabled);
  u(p, 'mcast_igmp_version', 'mcast_igmp_version %s ', d.mcastIgmpVersion);
  u(p, 'mcast_mld_version', 'mcast_mld_version %s ', d.mcastMldVersion);
  u(p, 'nf_call_iptables', 'nf_call_iptables %s ', d.nfCallIptables);
  u(p, 'nf_call_ip6tables', 'nf_call_ip6tables %s ', d.nfCallIp6tables);
  u(p, 'nf_call_arptables', 'nf_call_arptables %s ', d.nfCallArptables);
}

function isMulticast4(a: string): boolean {
  const first = Number(a.split('.')[0]);
  return first >= 224 && first <= 239;
}

function printVxlan(p: Printer, d: Attrs, names: Names): void {
  if (num(d.collectMetadata)) p.any('external', 'external ', true, '');
  if (num(d.vnifilter)) p.any('vnifilter', 'vnifilter', true, '');
  u(p, 'id', 'id %s ', d.id);
  const group = str(d.group), group6 = str(d.group6);
  if (group !== undefined) {
    if (group !== '0.0.0.0') p.any(isMulticast4(group) ? 'group' : 'remote', isMulticast4(group) ? 'group %s ' : 'remote %s ', group);
  } else if (group6 !== undefined && group6 !== '::') {
    const mc = group6.toLowerCase().startsWith('ff');
    p.any(mc ? 'group6' : 'remote6', mc ? 'group %s ' : 'remote %s ', group6);
  }
  const local = str(d.local), local6 = str(d.local6);
  if (local !== undefined) {
    if (local !== '0.0.0.0') p.any('local', 'local %s ', local);
  } else if (local6 !== undefined && local6 !== '::') p.any('local6', 'local %s ', local6);
  const link = num(d.link);
  if (link) p.any('link', 'dev %s ', names.name(link));
  const pr = obj(d.portRange);
  if (pr) {
    if (p.json) { p.open('port_range'); p.js('low', num(pr.low)); p.js('high', num(pr.high)); p.close(); }
    else p.fp(`srcport ${num(pr.low)} ${num(pr.high)} `);
  }
  u(p, 'port', 'dstport %s ', d.port);
  if (d.learning !== undefined) {
    const l = !!num(d.learning);
    p.js('learning', l);
    if (!l) p.fp('nolearning ');
  }
  if (num(d.proxy)) p.any('proxy', 'proxy ', true, '');
  if (num(d.rsc)) p.any('rsc', 'rsc ', true, '');
  if (num(d.l2miss)) p.any('l2miss', 'l2miss ', true, '');
  if (num(d.l3miss)) p.any('l3miss', 'l3miss ', true, '');
  const tos = num(d.tos) ?? 0;
  if (tos) {
    if (p.json || tos !== 1) p.any('tos', 'tos %s ', hexAlt(tos));
    else p.fp('tos inherit ');
  }
  if (d.ttlInherit !== undefined && (d.ttlInherit === true || num(d.ttlInherit))) p.fp('ttl auto ');
  else if (d.ttl !== undefined) {
    const ttl = num(d.ttl)!;
    if (p.json || ttl) p.any('ttl', 'ttl %s ', ttl);
    else p.fp('ttl auto ');
  }
  if (d.df !== undefined) {
    const df = num(d.df)!;
    if (df === 0) p.js('df', 'unset');
    else if (df === 1) p.any('df', 'df %s ', 'set');
    else if (df === 2) p.any('df', 'df %s ', 'inherit');
  }
  const label = num(d.label);
  if (label) p.any('label', 'flowlabel %s ', hexAlt(label));
  if (d.ageing !== undefined) {
    const age = num(d.ageing)!;
    p.any('ageing', age === 0 ? 'ageing none ' : 'ageing %s ', age);
  }
  const limit = num(d.limit);
  if (limit) p.any('limit', 'maxaddr %s ', limit);
  const boolOpt = (key: string, v: unknown, textOn: string): void => {
    if (v === undefined) return;
    const b = !!num(v);
    if (p.json) p.js(key, b);
    else p.fp(`${b ? '' : 'no'}${textOn} `);
  };
  boolOpt('udp_csum', d.udpCsum, 'udpcsum');
  boolOpt('udp_zero_csum6_tx', d.udpZeroCsum6Tx, 'udp6zerocsumtx');
  boolOpt('udp_zero_csum6_rx', d.udpZeroCsum6Rx, 'udp6zerocsumrx');
  if (num(d.remcsumTx)) p.any('remcsum_tx', 'remcsumtx ', true, '');
  if (num(d.remcsumRx)) p.any('remcsum_rx', 'remcsumrx ', true, '');
  if (d.gbp !== undefined) p.any('gbp', 'gbp ', true, '');
  if (d.gpe !== undefined) p.any('gpe', 'gpe ', true, '');
}

const MACVLAN_MODES: Record<number, string> = { 1: 'private', 2: 'vepa', 4: 'bridge', 8: 'passthru', 16: 'source' };
function printMacvlan(p: Printer, d: Attrs): void {
  const mode = num(d.mode);
  if (mode === undefined) return;
  p.any('mode', 'mode %s ', MACVLAN_MODES[mode] ?? 'unknown');
  const flags = num(d.flags) ?? 0;
  if (flags & 1) p.any('nopromisc', 'nopromisc ', true, '');
  if (flags & 2) p.any('nodst', 'nodst ', true, '');
  u(p, 'bcqueuelen', 'bcqueuelen %s ', d.bcQueueLen);
  u(p, 'usedbcqueuelen', 'usedbcqueuelen %s ', d.bcQueueLenUsed);
  if (mode !== 16) return;
  const count = num(d.macaddrCount);
  if (count === undefined) return;
  p.any('macaddr_count', 'remotes (%s) ', count);
  const data = obj(d.macaddrData);
  if (!data) return;
  const macs = Array.isArray(data.macaddr) ? (data.macaddr as string[]) : [];
  p.openArr('macaddr_data');
  for (const m of macs) p.any(null, '%s ', m);
  p.closeArr();
}

function printVlan(p: Printer, d: Attrs): void {
  const proto = num(d.protocol);
  if (proto !== undefined) p.any('protocol', 'protocol %s ', proto === 0x8100 ? '802.1Q' : proto === 0x88a8 ? '802.1ad' : hex(proto));
  u(p, 'id', 'id %s ', d.id);
  const fl = obj(d.flags);
  if (fl) {
    const f = num(fl.flags) ?? 0;
    const names: string[] = [];
    if (f & 1) names.push('REORDER_HDR');
    if (f & 2) names.push('GVRP');
    if (f & 4) names.push('LOOSE_BINDING');
    if (f & 8) names.push('MVRP');
    if (f & 16) names.push('BRIDGE_BINDING');
    if (p.json) p.js('flags', names);
    else p.fp(`<${names.join(',')}> `);
  }
}

function printVrf(p: Printer, d: Attrs): void {
  u(p, 'table', 'table %s ', d.table);
}

/** Kinds whose print_opt ip 6.1 has, and what they print. Kinds not listed print no info_data. */
const KIND_PRINTERS: Record<string, (p: Printer, d: Attrs, names: Names) => void> = {
  bridge: (p, d) => printBridge(p, d),
  vxlan: printVxlan,
  macvlan: (p, d) => printMacvlan(p, d),
  macvtap: (p, d) => printMacvlan(p, d),
  vlan: (p, d) => printVlan(p, d),
  vrf: (p, d) => printVrf(p, d),
  ...LINKINFO_DATA_PRINTERS,
};
const SLAVE_PRINTERS: Record<string, (p: Printer, d: Attrs, names: Names) => void> = {
  bridge: printBridgeSlave,
  vrf: (p, d) => u(p, 'table', 'table %s ', d.table),
  ...LINKINFO_SLAVE_PRINTERS,
};

function printLinkinfo(p: Printer, li: Attrs, names: Names): void {
  p.open('linkinfo');
  const kind = str(li.kind);
  if (kind !== undefined) {
    p.fp('\n    ');
    p.any('info_kind', '%s ', kind);
    const pr = KIND_PRINTERS[kind];
    if (pr) {
      p.open('info_data');
      const d = obj(li.data);
      if (d) pr(p, d, names);
      p.close();
    }
  }
  const skind = str(li.slaveKind);
  if (skind !== undefined) {
    p.fp('\n    ');
    p.any('info_slave_kind', '%s_slave ', skind);
    const pr = SLAVE_PRINTERS[skind];
    if (pr) {
      p.open('info_slave_data');
      const d = obj(li.slaveData);
      if (d) pr(p, d, names);
      p.close();
    }
  }
  p.close();
}

const ADDR_GEN_MODES = ['eui64', 'none', 'stable_secret', 'random'];
function printAfSpec(p: Printer, af: Attrs): void {
  const inet6 = obj(af.inet6);
  if (!inet6 || inet6.addrGenMode === undefined) return;
  const m = num(inet6.addrGenMode)!;
  p.any('inet6_addr_gen_mode', 'addrgenmode %s ', ADDR_GEN_MODES[m] ?? '0x' + m.toString(16).padStart(2, '0'));
}

function hexBytes(v: unknown): string {
  return v instanceof Uint8Array ? Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('') : String(v);
}

/** print_linkinfo(): one link; `doLink` is true for `ip link`, false for `ip addr`. */
function printLink(p: Printer, l: RenderObject, names: Names, opts: IpRenderOptions, doLink: boolean, addrs?: (p: Printer) => void): void {
  const a = l.attrs;
  const flags = hdr(l, 'flags');
  p.open(null);
  p.any('ifindex', '%s: ', hdr(l, 'index'));
  const mdown = printNameAndLink(p, l, names);
  printLinkFlags(p, flags, mdown);
  u(p, 'mtu', 'mtu %s ', a.mtu);
  if (a.qdisc !== undefined) p.any('qdisc', 'qdisc %s ', str(a.qdisc));
  const master = num(a.master);
  if (master !== undefined) p.any('master', 'master %s ', names.name(master));
  const ops = num(a.operstate);
  if (ops !== undefined) {
    if (ops >= OPER_STATES.length) { p.js('operstate_index', ops); p.fp(`state ${hex(ops)} `); }
    else { p.fp('state '); p.cany(operColor(ops), 'operstate', '%s ', OPER_STATES[ops]); }
  }
  const lm = num(a.linkmode);
  if (doLink && lm !== undefined) {
    if (lm >= LINK_MODES.length) p.any('linkmode_index', 'mode %s ', lm);
    else p.any('linkmode', 'mode %s ', LINK_MODES[lm]);
  }
  const group = num(a.group);
  if (group !== undefined) p.any('group', 'group %s ', opts.numeric ? String(group) : LINK_GROUPS[group] ?? String(group));
  const qlen = num(a.txqlen ?? names.device(hdr(l, 'index'))?.attrs.txqlen);
  if (qlen && !opts.monitor) p.any('txqlen', 'qlen %s', qlen); // ip monitor shows no queue length
  if (num(a.protoDown)) p.any('proto_down', ' protodown on ', true, '');
  const familyFilter = doLink ? undefined : opts.family;
  if (!familyFilter || opts.details) {
    const type = hdr(l, 'type');
    p.fp('\n');
    p.any('link_type', '    link/%s ', (opts.numeric ? undefined : ARPHRD_NAMES[type]) ?? `[${type}]`);
    if (a.address !== undefined) p.cany(C_MAC, 'address', '%s', llAddr(str(a.address) ?? '', type));
    if (a.broadcast !== undefined) {
      if (flags & IFF_POINTOPOINT) { p.fp(' peer '); p.js('link_pointtopoint', true); }
      else p.fp(' brd ');
      p.cany(C_MAC, 'broadcast', '%s', llAddr(str(a.broadcast) ?? '', type));
    }
    if (a.permAddress !== undefined && a.permAddress !== a.address) {
      p.fp(' permaddr ');
      p.any('permaddr', '%s', llAddr(str(a.permAddress) ?? '', type));
    }
  }
  const netnsid = num(a.linkNetnsid);
  if (netnsid !== undefined) {
    if (p.json) p.js('link_netnsid', netnsid);
    else if (netnsid < 0) p.fp(' link-netnsid unknown');
    else {
      const nsName = opts.netnsNames?.get(netnsid);
      p.fp(nsName !== undefined ? ` link-netns ${nsName}` : ` link-netnsid ${netnsid}`);
    }
  }
  if (a.newNetnsid !== undefined) p.any('new_netnsid', ' new-netns %s', num(a.newNetnsid));
  if (a.newIfindex !== undefined) p.any('new_ifindex', ' new-ifindex %s', num(a.newIfindex));
  if (opts.details) {
    u(p, 'promiscuity', ' promiscuity %s ', a.promiscuity);
    u(p, 'allmulti', ' allmulti %s ', a.allmulti);
    u(p, 'min_mtu', 'minmtu %s ', a.minMtu);
    u(p, 'max_mtu', 'maxmtu %s ', a.maxMtu);
    const li = obj(a.linkinfo);
    if (li) printLinkinfo(p, li, names);
    const af = obj(a.afSpec);
    if (doLink && af) printAfSpec(p, af);
    u(p, 'num_tx_queues', 'numtxqueues %s ', a.numTxQueues);
    u(p, 'num_rx_queues', 'numrxqueues %s ', a.numRxQueues);
    u(p, 'gso_max_size', 'gso_max_size %s ', a.gsoMaxSize);
    u(p, 'gso_max_segs', 'gso_max_segs %s ', a.gsoMaxSegs);
    u(p, 'tso_max_size', 'tso_max_size %s ', a.tsoMaxSize);
    u(p, 'tso_max_segs', 'tso_max_segs %s ', a.tsoMaxSegs);
    u(p, 'gro_max_size', 'gro_max_size %s ', a.groMaxSize);
    if (a.physPortName !== undefined) p.any('phys_port_name', 'portname %s ', str(a.physPortName));
    if (a.physPortId !== undefined) p.any('phys_port_id', 'portid %s ', hexBytes(a.physPortId));
    if (a.physSwitchId !== undefined) p.any('phys_switch_id', 'switchid %s ', hexBytes(a.physSwitchId));
    if (a.parentDevBusName !== undefined) p.any('parentbus', 'parentbus %s ', str(a.parentDevBusName));
    if (a.parentDevName !== undefined) p.any('parentdev', 'parentdev %s ', str(a.parentDevName));
  }
  if ((doLink || opts.details) && a.ifalias !== undefined) {
    p.fp('\n');
    p.any('ifalias', '    alias %s', str(a.ifalias));
  }
  const level = opts.stats === true ? 1 : typeof opts.stats === 'number' ? opts.stats : 0;
  if (doLink && level) { p.fp('\n'); printLinkStats(p, a, level); }
  const pl = obj(a.propList);
  if (pl) {
    p.openArr('altnames');
    for (const n of Array.isArray(pl.altIfname) ? (pl.altIfname as string[]) : []) { p.fp('\n    altname '); p.any(null, '%s', n); }
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
export function renderLinks(links: readonly RenderObject[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts, links);
  return print(true, (p) => { for (const l of links) printLink(p, l, names, opts, true); }).out;
}
/** `ip [-d] [-s] link show`. */
export function renderLinksText(links: readonly RenderObject[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts, links);
  return tidy(print(false, (p) => { for (const l of links) printLink(p, l, names, opts, true); }, opts.color).text);
}

// ---- addresses ----------------------------------------------------------------------------------------

const IFA_FLAG_NAMES: Array<[number, string]> = [
  [0x01, 'secondary'], [0x02, 'nodad'], [0x04, 'optimistic'], [0x08, 'dadfailed'], [0x10, 'home'],
  [0x20, 'deprecated'], [0x40, 'tentative'], [0x80, 'permanent'], [0x100, 'mngtmpaddr'], [0x200, 'noprefixroute'],
  [0x400, 'autojoin'], [0x800, 'stable-privacy'],
];

function printAddr(p: Printer, a: RenderObject, opts: IpRenderOptions, oneline?: Names): void {
  const at = a.attrs;
  const family = hdr(a, 'family');
  p.open(null);
  if (oneline) {
    // ip monitor (oneline): the device leads each address
    const idx = hdr(a, 'index');
    p.js('index', idx);
    p.js('dev', oneline.name(idx));
    p.fp(`${idx}: ${oneline.name(idx)}`);
  }
  const fname = FAMILY_NAMES[family];
  if (fname && family !== 0) p.any('family', '    %s ', fname);
  else p.any('family_index', '    family %s ', family);
  const local = str(at.local) ?? str(at.address);
  const address = str(at.address) ?? local;
  if (local !== undefined) {
    p.cany(familyColor(family), 'local', '%s', local);
    if (address !== undefined && address !== local) { p.fp(' peer '); p.cany(familyColor(family), 'address', '%s', address); }
    p.any('prefixlen', '/%s ', hdr(a, 'prefixlen'));
    u(p, 'metric', 'metric %s ', at.rtPriority);
  }
  if (at.broadcast !== undefined) { p.fp('brd '); p.cany(familyColor(family), 'broadcast', '%s ', str(at.broadcast)); }
  if (at.anycast !== undefined) { p.fp('any '); p.any('anycast', '%s ', str(at.anycast)); }
  p.any('scope', 'scope %s ', rtScopeName(hdr(a, 'scope'), opts));
  let flags = num(at.flags) ?? hdr(a, 'flags');
  for (const [mask, name] of IFA_FLAG_NAMES) {
    if (mask === IFA_F_PERMANENT) {
      if (!(flags & mask)) p.any('dynamic', 'dynamic ', true, '');
    } else if (flags & mask) {
      if (mask === IFA_F_SECONDARY && family === AF_INET6) p.any('temporary', 'temporary ', true, '');
      else p.any(name, `${name} `, true, '');
    }
    flags &= ~mask;
  }
  if (flags) p.any('ifa_flags', 'flags %s ', flags.toString(16).padStart(2, '0'));
  if (at.label !== undefined) p.any('label', '%s', str(at.label));
  const ci = obj(at.cacheinfo);
  if (ci) {
    const valid = num(ci.valid) ?? 0, pref = num(ci.prefered) ?? 0;
    p.fp('\n       valid_lft ');
    if (valid === INFINITY_LIFE_TIME) { p.js('valid_life_time', INFINITY_LIFE_TIME); p.fp('forever'); }
    else p.any('valid_life_time', '%ssec', valid);
    p.fp(' preferred_lft ');
    if (pref === INFINITY_LIFE_TIME) { p.js('preferred_life_time', INFINITY_LIFE_TIME); p.fp('forever'); }
    else if ((num(at.flags) ?? hdr(a, 'flags')) & IFA_F_DEPRECATED) p.any('preferred_life_time', '%ssec', s32(pref));
    else p.any('preferred_life_time', '%ssec', pref);
  }
  p.fp('\n');
  p.close();
}

function addrFamilyWanted(opts: IpRenderOptions, family: number): boolean {
  return !opts.family || (opts.family === 4 ? family === AF_INET : family === AF_INET6);
}

function walkAddresses(p: Printer, links: readonly RenderObject[], addrs: readonly RenderObject[], opts: IpRenderOptions): void {
  const names = new Names(opts, links);
  const byIndex = new Map<number, RenderObject[]>();
  for (const a of addrs) {
    if (!addrFamilyWanted(opts, hdr(a, 'family'))) continue;
    const idx = hdr(a, 'index');
    let list = byIndex.get(idx);
    if (!list) byIndex.set(idx, (list = []));
    list.push(a);
  }
  for (const l of links) {
    const mine = byIndex.get(hdr(l, 'index')) ?? [];
    if (opts.family && mine.length === 0) continue;
    // the kernel dumps IPv4 addresses before IPv6 ones; ip prints them in that order
    const ordered = [...mine.filter((a) => hdr(a, 'family') === AF_INET), ...mine.filter((a) => hdr(a, 'family') !== AF_INET)];
    printLink(p, l, names, opts, false, (q) => {
      q.fp('\n');
      q.openArr('addr_info');
      for (const a of ordered) printAddr(q, a, opts);
      q.closeArr();
    });
  }
}

/** One address as `ip -j monitor address` prints it: `{ index, dev, family, local, ... }`. */
export function renderAddressEvent(addr: RenderObject, opts: IpRenderOptions = {}): unknown {
  const names = new Names(opts);
  return print(true, (p) => printAddr(p, addr, opts, names)).out[0];
}
/** One link as `ip monitor link` prints it (no mode, no qlen; two lines). */
export function renderLinkEventText(link: RenderObject, opts: IpRenderOptions = {}, known: readonly RenderObject[] = []): string {
  const names = new Names(opts, [...known, link]); // the links known so far: their flags make M-DOWN
  const o = { ...opts, monitor: true };
  delete o.family;
  return print(false, (p) => { printLink(p, link, names, o, false); }, opts.color).text;
}
/** One address as `ip monitor address` prints it, its lifetimes on a second line. */
export function renderAddressEventLines(addr: RenderObject, opts: IpRenderOptions = {}): string {
  const names = new Names(opts);
  return print(false, (p) => printAddr(p, addr, opts, names), opts.color).text;
}
/** One address as `ip monitor address` prints it (one line). */
export function renderAddressEventText(addr: RenderObject, opts: IpRenderOptions = {}): string {
  const names = new Names(opts);
  return tidy(print(false, (p) => printAddr(p, addr, opts, names), opts.color).text).replace(/\n(?=.)/g, '\\');
}

/** `ip -j [-d] [-s] [-4|-6] addr show`: link objects with their `addr_info`. */
export function renderAddresses(links: readonly RenderObject[], addrs: readonly RenderObject[], opts: IpRenderOptions = {}): unknown[] {
  return print(true, (p) => walkAddresses(p, links, addrs, opts)).out;
}
/** `ip [-d] [-s] addr show`. */
export function renderAddressesText(links: readonly RenderObject[], addrs: readonly RenderObject[], opts: IpRenderOptions = {}): string {
  return tidy(print(false, (p) => walkAddresses(p, links, addrs, opts), opts.color).text);
}

// ---- routes -----------------------------------------------------------------------------------------

function printRtFlags(p: Printer, flags: number): void {
  const items: string[] = [];
  const add = (bit: number, name: string): void => { if (flags & bit) items.push(name); };
  add(RTNH_F_DEAD, 'dead'); add(RTNH_F_ONLINK, 'onlink'); add(RTNH_F_PERVASIVE, 'pervasive'); add(RTNH_F_OFFLOAD, 'offload');
  add(RTNH_F_TRAP, 'trap'); add(RTM_F_NOTIFY, 'notify'); add(RTNH_F_LINKDOWN, 'linkdown'); add(RTNH_F_UNRESOLVED, 'unresolved');
  add(RTM_F_OFFLOAD, 'rt_offload'); add(RTM_F_TRAP, 'rt_trap'); add(RTM_F_OFFLOAD_FAILED, 'rt_offload_failed');
  if (p.json) p.js('flags', items);
  else for (const i of items) p.fp(`${i} `);
}

function printFlow(p: Printer, v: number, opts: IpRenderOptions): void {
  const from = v >>> 16, to = v & 0xffff;
  if (p.json) {
    p.open('flow');
    if (from) p.js('from', rtRealmName(from, opts));
    p.js('to', rtRealmName(to, opts));
    p.close();
  } else {
    p.fp(`realm${from ? 's' : ''} `);
    if (from) p.fp(`${rtRealmName(from, opts)}/`);
    p.fp(`${rtRealmName(to, opts)} `);
  }
}

function printVia(p: Printer, v: unknown): void {
  const via = obj(v);
  if (!via) return;
  const fam = familyName(num(via.family) ?? 0);
  if (p.json) { p.open('via'); p.js('family', fam); p.js('host', str(via.address)); p.close(); }
  else p.fp(`via ${fam} ${str(via.address)} `);
}

const ENCAP_NAMES: Record<number, string> = { 1: 'mpls', 2: 'ip', 3: 'ila', 4: 'ip6', 5: 'seg6', 6: 'bpf', 7: 'seg6local', 8: 'rpl', 9: 'ioam6', 10: 'xfrm' };
/** lwt_print_encap(), for the encapsulations tests meet (MPLS, ip/ip6 tunnel keys); others by name. */
function printEncap(p: Printer, type: number | undefined, encap: unknown): void {
  const e = obj(encap);
  const name = ENCAP_NAMES[type ?? 0] ?? 'unknown';
  p.any('encap', 'encap %s ', name);
  if (!e) return;
  if (type === 1 && e.dst instanceof Uint8Array) {
    const labels: string[] = [];
    for (let i = 0; i + 4 <= e.dst.length; i += 4) {
      const w = (e.dst[i]! << 24 | e.dst[i + 1]! << 16 | e.dst[i + 2]! << 8 | e.dst[i + 3]!) >>> 0;
      labels.push(String(w >>> 12));
      if (w & 0x100) break;
    }
    p.any('dst', '%s ', labels.join('/'));
    u(p, 'ttl', 'ttl %s ', e.ttl);
  } else if (type === 2 || type === 4) {
    const id = e.id;
    if (id !== undefined) p.any('id', 'id %s ', num(id));
    if (e.src !== undefined) p.any('src', 'src %s ', str(e.src));
    if (e.dst !== undefined) p.any('dst', 'dst %s ', str(e.dst));
    u(p, 'ttl', 'ttl %s ', type === 2 ? e.ttl : e.hoplimit);
    u(p, 'tos', 'tos %s ', type === 2 ? e.tos : e.tc);
  }
}

function printMetrics(p: Printer, m: Attrs): void {
  p.openArr('metrics');
  p.open(null);
  const lock = num(m.lock) ?? 0;
  for (let i = 2; i < MX_KEYS.length; i++) {
    const raw = m[MX_KEYS[i]!];
    if (raw === undefined && !(lock & (1 << i))) continue;
    let val = i === RTAX_CC_ALGO ? 0 : (num(raw) ?? 0) >>> 0;
    if (i === RTAX_HOPLIMIT && val === 0xffffffff) continue;
    const name = MX_NAMES[i]!;
    if (!p.json) { p.fp(`${name} `); if (lock & (1 << i)) p.fp('lock '); }
    if (i === RTAX_FEATURES) {
      let f = val;
      if (f & 1) { p.nul('ecn', 'ecn '); f &= ~1; }
      if (f) p.any('features', '%s ', hexAlt(val));
    } else if (i === RTAX_RTT || i === RTAX_RTTVAR || i === RTAX_RTO_MIN) {
      if (i === RTAX_RTT) val = Math.floor(val / 8);
      else if (i === RTAX_RTTVAR) val = Math.floor(val / 4);
      p.any(name, '%s ', val, val >= 1000 ? `${formatG(val / 1e3)}s` : `${val}ms`);
    } else if (i === RTAX_CC_ALGO) {
      p.any('congestion', '%s ', str(raw) ?? '');
    } else {
      p.any(name, '%s ', val);
    }
  }
  p.close();
  p.closeArr();
}

function printCacheinfo(p: Printer, ci: Attrs, opts: IpRenderOptions): void {
  const expires = s32(num(ci.expires) ?? 0), error = num(ci.error) ?? 0;
  if (expires !== 0) p.any('expires', 'expires %ssec ', Math.trunc(expires / HZ));
  if (error !== 0) p.any('error', 'error %s ', error >>> 0);
  if (opts.stats) {
    const clntref = num(ci.clntref) ?? 0, used = num(ci.used) ?? 0, lastuse = num(ci.lastuse) ?? 0;
    if (clntref) p.any('users', 'users %s ', clntref);
    if (used) p.any('used', 'used %s ', used);
    if (lastuse) p.any('age', 'age %ssec ', Math.floor(lastuse / HZ));
  }
  const id = num(ci.id) ?? 0;
  if (id) p.any('ipid', 'ipid %s ', '0x' + id.toString(16).padStart(4, '0'));
  const ts = num(ci.ts) ?? 0, tsage = num(ci.tsage) ?? 0;
  if (ts || tsage) { p.any('ts', 'ts %s', hexAlt(ts)); p.any('tsage', 'tsage %ssec ', tsage); }
}

const RTCF_NAMES: Array<[number, string]> = [
  [0x80000000, 'local'], [0x00000200, 'reject'], [0x20000000, 'mc'], [0x10000000, 'brd'], [0x00400000, 'dst-nat'],
  [0x00800000, 'src-nat'], [0x00100000, 'masq'], [0x04000000, 'dst-direct'], [0x08000000, 'src-direct'],
  [0x00040000, 'redirected'], [0x01000000, 'redirect'], [0x00200000, 'fastroute'], [0x00010000, 'notify'],
  [0x00020000, 'proxy'],
];
function printCacheFlags(p: Printer, flags: number): void {
  let f = (flags & ~0xffff) >>> 0;
  const names: string[] = [];
  for (const [bit, name] of RTCF_NAMES) if (f & bit) { f = (f & ~bit) >>> 0; names.push(name); }
  if (p.json) {
    if (f) names.push(f.toString(16));
    p.js('cache', names);
  } else {
    p.fp('\n    cache ');
    if (names.length || f) p.fp(`<${names.join(',')}${f ? (names.length ? ',' : '') + f.toString(16) : ''}> `);
  }
}

function printRoute(p: Printer, r: RenderObject, names: Names, opts: IpRenderOptions): void {
  const a = r.attrs;
  const family = hdr(r, 'family'), type = hdr(r, 'type'), flags = hdr(r, 'flags');
  const dstLen = hdr(r, 'dstLen'), srcLen = hdr(r, 'srcLen');
  const hl = hostLen(family);
  const table = num(a.table) ?? hdr(r, 'table');
  const tableFilter = opts.table !== undefined && opts.table !== 'all';
  p.open(null);
  if (type !== RTN_UNICAST || opts.details) p.any('type', '%s ', rtnTypeName(type, opts));
  let dst: string;
  if (a.dst !== undefined) dst = dstLen !== hl ? `${str(a.dst)}/${dstLen}` : str(a.dst)!;
  else if (dstLen) dst = `0/${dstLen} `;
  else dst = 'default';
  p.cany(dst === 'default' ? 0 : familyColor(family), 'dst', '%s ', dst); // ip prints "default" uncoloured
  if (a.src !== undefined) p.any('from', 'from %s ', srcLen !== hl ? `${str(a.src)}/${srcLen}` : str(a.src)!);
  else if (srcLen) p.any('src', 'from %s ', `0/${srcLen}`);
  u(p, 'nhid', 'nhid %s ', a.nhId);
  if (a.newdst !== undefined) p.any('to', 'as to %s ', hexBytes(a.newdst));
  if (a.encap !== undefined) printEncap(p, num(a.encapType), a.encap);
  const tos = hdr(r, 'tos');
  if (tos) p.any('tos', 'tos %s ', dsfieldName(tos, opts));
  if (a.gateway !== undefined && !opts.filtered?.via) { p.fp('via '); p.cany(familyColor(family), 'gateway', '%s ', str(a.gateway)); }
  if (a.via !== undefined) printVia(p, a.via);
  const oif = num(a.oif);
  if (oif !== undefined && !opts.filtered?.dev) { p.fp('dev '); p.cany(C_IFNAME, 'dev', '%s ', names.name(oif)); }
  if (table && (table !== RT_TABLE_MAIN || opts.details) && !tableFilter) p.any('table', 'table %s ', rtTableName(table, opts));
  if (!(flags & RTM_F_CLONED)) {
    const proto = hdr(r, 'protocol'), scope = hdr(r, 'scope');
    if ((proto !== RTPROT_BOOT || opts.details) && !opts.filtered?.protocol) p.any('protocol', 'proto %s ', rtProtoName(proto, opts));
    if ((scope !== 0 || opts.details) && !opts.filtered?.scope) p.any('scope', 'scope %s ', rtScopeName(scope, opts));
  }
  if (a.prefsrc !== undefined && !opts.filtered?.prefsrc) { p.fp('src '); p.cany(familyColor(family), 'prefsrc', '%s ', str(a.prefsrc)); }
  if (!opts.filtered?.metric) u(p, 'metric', 'metric %s ', a.priority);
  printRtFlags(p, flags);
  const mark = num(a.mark);
  if (mark) p.any('mark', 'mark %s ', mark, mark >= 16 ? '0x' + mark.toString(16) : String(mark));
  if (a.flow !== undefined) printFlow(p, num(a.flow)!, opts);
  u(p, 'uid', 'uid %s ', a.uid);
  const ci = obj(a.cacheinfo);
  if (family === AF_INET) {
    if (flags & RTM_F_CLONED) printCacheFlags(p, flags);
    if (ci) printCacheinfo(p, ci, opts);
  } else if (family === AF_INET6 && ci) printCacheinfo(p, ci, opts);
  const metrics = obj(a.metrics);
  if (metrics) printMetrics(p, metrics);
  const iif = num(a.iif);
  if (iif !== undefined && !opts.filtered?.iif) { p.fp('iif '); p.any('iif', '%s ', names.name(iif)); }
  if (a.pref !== undefined) {
    const pref = num(a.pref)!;
    const pn = pref === 3 ? 'low' : pref === 0 ? 'medium' : pref === 1 ? 'high' : undefined;
    if (pn) p.any('pref', 'pref %s', pn);
    else p.any('pref', '%s', pref);
  }
  if (a.ttlPropagate !== undefined) {
    const on = !!num(a.ttlPropagate);
    if (p.json) p.js('ttl-propogate', on);
    else p.fp(`ttl-propogate ${on ? 'enabled' : 'disabled'}`);
  }
  const nhid = num(a.nhId);
  if (nhid !== undefined && opts.details) {
    const nh = opts.nexthops?.find((n) => num(n.attrs.id) === nhid);
    if (nh) {
      p.fp('\n\tnh_info ');
      printNexthop(p, nh, names, opts, 'nh_info');
    }
  }
  if (Array.isArray(a.multipath)) {
    p.openArr('nexthops');
    const mcCache = (flags & RTM_F_CLONED) !== 0 && type === RTN_MULTICAST;
    let first = true;
    for (const nhv of a.multipath as unknown[]) {
      const nh = obj(nhv);
      if (!nh) continue;
      const na = obj(nh.attrs) ?? {};
      p.open(null);
      if (mcCache) { p.fp(first ? 'Oifs: ' : ' '); first = false; }
      else p.fp('\n\tnexthop ');
      if (na.encap !== undefined) printEncap(p, num(na.encapType), na.encap);
      if (na.newdst !== undefined) p.any('to', 'as to %s ', hexBytes(na.newdst));
      if (na.gateway !== undefined) { p.fp('via '); p.cany(familyColor(family), 'gateway', '%s ', str(na.gateway)); }
      if (na.via !== undefined) printVia(p, na.via);
      if (na.flow !== undefined) printFlow(p, num(na.flow)!, opts);
      const ifindex = num(nh.ifindex) ?? 0, hops = num(nh.hops) ?? 0;
      if (mcCache) {
        p.any('dev', '%s', names.name(ifindex));
        if (hops !== 1) p.any('ttl', '(ttl>%s)', hops);
        p.fp(' ');
      } else {
        p.any('dev', 'dev %s ', names.name(ifindex));
        if (family !== AF_MPLS) p.any('weight', 'weight %s ', hops + 1);
      }
      printRtFlags(p, num(nh.flags) ?? 0);
      p.close();
    }
    p.closeArr();
  }
  p.fp('\n');
  p.close();
}

function routesShown(routes: readonly RenderObject[], opts: IpRenderOptions): RenderObject[] {
  return routes.filter((r) => ((hdr(r, 'flags') & RTM_F_CLONED) !== 0) === !!opts.cache);
}

/** `ip -j [-d] route show [table all]`: pass the routes of the tables shown (e.g. the main table). */
export function renderRoutes(routes: readonly RenderObject[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts);
  return print(true, (p) => { for (const r of routesShown(routes, opts)) printRoute(p, r, names, opts); }).out;
}
/** `ip [-d] route show`. */
export function renderRoutesText(routes: readonly RenderObject[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts);
  return tidy(print(false, (p) => { for (const r of routesShown(routes, opts)) printRoute(p, r, names, opts); }, opts.color).text);
}

// ---- neighbours ---------------------------------------------------------------------------------------

function printNeigh(p: Printer, n: RenderObject, names: Names, opts: IpRenderOptions): void {
  const a = n.attrs;
  const family = hdr(n, 'family'), ifindex = hdr(n, 'ifindex'), flags = hdr(n, 'flags'), state = hdr(n, 'state');
  p.open(null);
  if (a.dst !== undefined) p.cany(familyColor(family), 'dst', '%s ', str(a.dst));
  // ip 6.1's print_neigh(): every item carries its own trailing space.
  if (ifindex && !opts.filtered?.dev) { p.fp('dev '); p.cany(C_IFNAME, 'dev', '%s ', names.name(ifindex)); } // ip omits the device it filters on
  if (a.lladdr !== undefined) { p.fp('lladdr '); p.cany(C_MAC, 'lladdr', '%s ', llAddr(str(a.lladdr) ?? '', names.type(ifindex))); }
  if (flags & NTF_ROUTER) p.nul('router', 'router ');
  if (flags & NTF_PROXY) p.nul('proxy', 'proxy ');
  if (flags & NTF_EXT_LEARNED) p.nul('extern_learn', 'extern_learn ');
  if (flags & NTF_OFFLOADED) p.nul('offload', 'offload ');
  if (opts.stats) {
    const ci = obj(a.cacheinfo);
    if (ci) {
      const refcnt = num(ci.refcnt) ?? 0;
      if (refcnt) p.any('refcnt', ' ref %s', refcnt);
      p.any('used', ' used %s', Math.floor((num(ci.used) ?? 0) / HZ));
      p.any('confirmed', '/%s', Math.floor((num(ci.confirmed) ?? 0) / HZ));
      p.any('updated', '/%s', Math.floor((num(ci.updated) ?? 0) / HZ));
    }
    u(p, 'probes', 'probes %s ', a.probes);
  }
  if (state) {
    const items: string[] = [];
    for (const [bit, name] of NUD_NAMES) if (state & bit) items.push(name);
    if (p.json) p.js('state', items);
    else p.fp(items.map((i) => `${i} `).join(''));
  }
  if (a.protocol !== undefined) {
    const proto = num(a.protocol)!;
    if (proto !== RTPROT_UNSPEC || opts.details) p.any('protocol', 'proto %s ', rtProtoName(proto, opts));
  }
  p.fp('\n');
  p.close();
  void family;
}

/** ip's default neighbour filter: not NOARP, not NONE, except proxy and externally learned entries. */
function neighShown(n: RenderObject, opts: IpRenderOptions): boolean {
  if (opts.allStates) return true;
  const want = 0xff & ~NUD_NOARP;
  const state = hdr(n, 'state'), flags = hdr(n, 'flags');
  if (!(want & state) && !(flags & NTF_PROXY) && !(flags & NTF_EXT_LEARNED)) return false;
  if (opts.family && !addrFamilyWanted(opts, hdr(n, 'family'))) return false;
  return true;
}

/** `ip -j [-s] neigh show`. */
export function renderNeighbours(links: readonly RenderObject[], neighs: readonly RenderObject[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts, links);
  return print(true, (p) => { for (const n of neighs) if (neighShown(n, opts)) printNeigh(p, n, names, opts); }).out;
}
/** `ip [-s] neigh show`. */
export function renderNeighboursText(links: readonly RenderObject[], neighs: readonly RenderObject[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts, links);
  return tidy(print(false, (p) => { for (const n of neighs) if (neighShown(n, opts)) printNeigh(p, n, names, opts); }, opts.color).text);
}

// ---- rules --------------------------------------------------------------------------------------------

function printRule(p: Printer, r: RenderObject, opts: IpRenderOptions): void {
  const a = r.attrs;
  const family = hdr(r, 'family'), flags = hdr(r, 'flags'), action = hdr(r, 'action');
  const srcLen = hdr(r, 'srcLen'), dstLen = hdr(r, 'dstLen');
  const hl = family === AF_INET ? 32 : family === AF_INET6 ? 128 : -1;
  p.open(null);
  p.any('priority', '%s:\t', num(a.priority) ?? 0);
  if (flags & FIB_RULE_INVERT) p.nul('not', 'not ');
  if (a.src !== undefined) {
    p.fp('from ');
    p.cany(familyColor(family), 'src', '%s', str(a.src));
    if (srcLen !== hl) p.any('srclen', '/%s', srcLen);
  } else if (srcLen) {
    p.any('src', 'from %s', '0');
    p.any('srclen', '/%s', srcLen);
  } else p.any('src', 'from %s', 'all');
  if (a.dst !== undefined) {
    p.fp(' to ');
    p.cany(familyColor(family), 'dst', '%s', str(a.dst));
    if (dstLen !== hl) p.any('dstlen', '/%s', dstLen);
  } else if (dstLen) {
    p.any('dst', ' to %s', '0');
    p.any('dstlen', '/%s', dstLen);
  }
  const tos = hdr(r, 'tos');
  if (tos) p.any('tos', ' tos %s', dsfieldName(tos, opts));
  if (a.fwmark !== undefined || a.fwmask !== undefined) {
    const mark = num(a.fwmark) ?? 0;
    const mask = num(a.fwmask);
    p.any('fwmark', ' fwmark %s', hexAlt(mark >>> 0));
    if (mask !== undefined && mask >>> 0 !== 0xffffffff) p.any('fwmask', '/%s', hexAlt(mask >>> 0));
  }
  if (a.iifname !== undefined) {
    p.fp(' iif ');
    p.cany(C_IFNAME, 'iif', '%s', str(a.iifname));
    if (flags & FIB_RULE_IIF_DETACHED) p.nul('iif_detached', ' [detached]');
  }
  if (a.oifname !== undefined) {
    p.fp(' oif ');
    p.cany(C_IFNAME, 'oif', '%s', str(a.oifname));
    if (flags & FIB_RULE_OIF_DETACHED) p.nul('oif_detached', ' [detached]');
  }
  if (num(a.l3mdev)) p.nul('l3mdev', ' lookup [l3mdev-table]');
  const uid = obj(a.uidRange);
  if (uid) { p.any('uid_start', ' uidrange %s', num(uid.start)); p.any('uid_end', '-%s', num(uid.end)); }
  if (a.ipProto !== undefined) {
    const proto = num(a.ipProto)!;
    p.any('ipproto', ' ipproto %s', (opts.numeric ? undefined : IP_PROTOS[proto]) ?? `ipproto-${proto}`);
  }
  for (const [key, label] of [['sportRange', 'sport'], ['dportRange', 'dport']] as const) {
    const pr = obj(a[key]);
    if (!pr) continue;
    const start = num(pr.start), end = num(pr.end);
    if (start === end) p.any(label, ` ${label} %s`, start);
    else { p.any(`${label}_start`, ` ${label} %s`, start); p.any(`${label}_end`, '-%s', end); }
  }
  if (a.tunId !== undefined) p.any('tun_id', ' tun_id %s', num(a.tunId));
  const table = num(a.table) ?? hdr(r, 'table');
  if (table) {
    p.any('table', ' lookup %s', rtTableName(table, opts));
    const spl = num(a.suppressPrefixlen);
    if (spl !== undefined && s32(spl) !== -1) p.any('suppress_prefixlen', ' suppress_prefixlength %s', s32(spl));
    const sig = num(a.suppressIfgroup);
    if (sig !== undefined && s32(sig) !== -1) p.any('suppress_ifgroup', ' suppress_ifgroup %s', opts.numeric ? String(sig) : LINK_GROUPS[sig] ?? String(sig));
  }
  if (a.flow !== undefined) {
    const v = num(a.flow)!;
    const from = v >>> 16, to = v & 0xffff;
    if (from) p.any('flow_from', ' realms %s/', rtRealmName(from, opts));
    else p.fp(' realms ');
    p.any('flow_to', '%s', rtRealmName(to, opts));
  }
  if (action === RTN_NAT) {
    p.any('nat', ' map-to %s', '0.0.0.0');
  } else if (action === FR_ACT_GOTO) {
    if (a.goto !== undefined) p.any('goto', ' goto %s', num(a.goto));
    else p.any('goto', ' goto %s', 'none');
    if (flags & FIB_RULE_UNRESOLVED) p.nul('unresolved', ' [unresolved]');
  } else if (action === FR_ACT_NOP) p.nul('nop', ' nop');
  else if (action !== FR_ACT_TO_TBL) p.any('action', ' %s', rtnTypeName(action, opts));
  if (a.protocol !== undefined) {
    const proto = num(a.protocol)!;
    if ((proto && proto !== RTPROT_KERNEL) || opts.details) p.any('protocol', ' proto %s', rtProtoName(proto, opts));
  }
  p.fp('\n');
  p.close();
}

/** `ip -j [-4|-6] rule show`. */
export function renderRules(rules: readonly RenderObject[], opts: IpRenderOptions = {}): unknown[] {
  return print(true, (p) => { for (const r of rules) printRule(p, r, opts); }).out;
}
/** `ip rule show`. */
export function renderRulesText(rules: readonly RenderObject[], opts: IpRenderOptions = {}): string {
  return tidy(print(false, (p) => { for (const r of rules) printRule(p, r, opts); }, opts.color).text);
}

// ---- nexthops -----------------------------------------------------------------------------------------

function printNexthop(p: Printer, n: RenderObject, names: Names, opts: IpRenderOptions, jsonKey: string | null = null): void {
  const a = n.attrs;
  const family = hdr(n, 'family'), scope = hdr(n, 'scope'), proto = hdr(n, 'protocol'), flags = hdr(n, 'flags');
  p.open(jsonKey);
  p.any('id', 'id %s ', num(a.id) ?? 0);
  if (Array.isArray(a.group)) {
    p.openArr('group');
    p.fp('group ');
    (a.group as unknown[]).forEach((mv, i) => {
      const m = obj(mv) ?? {};
      p.open(null);
      if (i) p.fp('/');
      p.any('id', '%s', num(m.id));
      // ip 6.1 knows only the low byte of the weight (struct nexthop_grp.weight)
      const w = ((num(m.weight) ?? 1) - 1) & 0xff;
      if (w) p.any('weight', ',%s', w + 1);
      p.close();
    });
    p.fp(' ');
    p.closeArr();
  }
  const gtype = num(a.groupType) ?? 0;
  if (gtype !== 0) p.any('type', 'type %s ', gtype === 1 ? 'resilient' : `<${gtype}>`);
  const res = obj(a.resGroup);
  if (res) {
    p.open('resilient_args');
    p.any('buckets', 'buckets %s ', num(res.buckets) ?? 0);
    const t = (k: string): number => (num(res[k]) ?? 0) / HZ;
    p.any('idle_timer', 'idle_timer %s ', t('idleTimer'));
    p.any('unbalanced_timer', 'unbalanced_timer %s ', t('unbalancedTimer'));
    p.any('unbalanced_time', 'unbalanced_time %s ', t('unbalancedTime'));
    p.close();
  }
  if (a.encap !== undefined) printEncap(p, num(a.encapType), a.encap);
  if (a.gateway !== undefined) { p.fp('via '); p.cany(familyColor(family), 'gateway', '%s ', str(a.gateway)); }
  const oif = num(a.oif);
  if (oif) { p.fp('dev '); p.cany(C_IFNAME, 'dev', '%s ', names.name(oif)); }
  if (scope !== 0 || opts.details) p.any('scope', 'scope %s ', rtScopeName(scope, opts));
  if (a.blackhole !== undefined) p.nul('blackhole', 'blackhole ');
  if (proto !== RTPROT_UNSPEC || opts.details) p.any('protocol', 'proto %s ', rtProtoName(proto, opts));
  printRtFlags(p, flags);
  if (a.fdb !== undefined) p.nul('fdb', 'fdb');
  if (jsonKey === null) p.fp('\n');
  p.close();
  void family;
}

/** `ip -j nexthop show`. */
export function renderNexthops(nhs: readonly RenderObject[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts);
  return print(true, (p) => { for (const n of nhs) printNexthop(p, n, names, opts); }).out;
}
/** `ip nexthop show`. */
export function renderNexthopsText(nhs: readonly RenderObject[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts);
  return tidy(print(false, (p) => { for (const n of nhs) printNexthop(p, n, names, opts); }, opts.color).text);
}

// ---- netconf ------------------------------------------------------------------------------------------

function printNetconf(p: Printer, n: RenderObject, names: Names): void {
  const a = n.attrs;
  p.open(null);
  p.any('family', '%s ', familyName(hdr(n, 'family')));
  if (a.ifindex !== undefined) {
    const idx = s32(num(a.ifindex)!);
    p.any('interface', '%s ', idx === -1 ? 'all' : idx === -2 ? 'default' : names.name(idx));
  }
  const oo = (key: string, label: string, v: unknown): void => {
    if (v === undefined) return;
    const b = !!num(v);
    p.any(key, `${label} %s `, b, b ? 'on' : 'off');
  };
  oo('forwarding', 'forwarding', a.forwarding);
  if (a.rpFilter !== undefined) {
    const rp = num(a.rpFilter)!;
    p.any('rp_filter', 'rp_filter %s ', rp === 0 ? 'off' : rp === 1 ? 'strict' : rp === 2 ? 'loose' : 'unknown mode');
  }
  oo('mc_forwarding', 'mc_forwarding', a.mcForwarding);
  oo('proxy_neigh', 'proxy_neigh', a.proxyNeigh);
  oo('ignore_routes_with_linkdown', 'ignore_routes_with_linkdown', a.ignoreRoutesWithLinkdown);
  oo('input', 'input', a.input);
  p.fp('\n');
  p.close();
}

/** `ip -j netconf show`. */
export function renderNetconf(links: readonly RenderObject[], confs: readonly RenderObject[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts, links);
  return print(true, (p) => { for (const c of confs) printNetconf(p, c, names); }).out;
}
/** `ip netconf show`. */
export function renderNetconfText(links: readonly RenderObject[], confs: readonly RenderObject[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts, links);
  return tidy(print(false, (p) => { for (const c of confs) printNetconf(p, c, names); }, opts.color).text);
}

/** Text is kept as ip prints it, trailing blanks included. */
function tidy(s: string): string {
  return s;
}

// ---- brief (-br) ------------------------------------------------------------------------------------

/** ip -br's head of a link line: the name (and link) padded to 16, the operational state to 14. */
function printBriefHead(p: Printer, l: RenderObject, names: Names): boolean {
  const mdown = printNameAndLink(p, l, names, true);
  const ops = num(l.attrs.operstate) ?? 0;
  const state = OPER_STATES[ops] ?? `state ${hex(ops)}`;
  p.cany(operColor(ops), 'operstate', '%s ', state, state.padEnd(14));
  return mdown;
}

function printLinkBrief(p: Printer, l: RenderObject, names: Names): void {
  p.open(null);
  const mdown = printBriefHead(p, l, names);
  const addr = str(l.attrs.address);
  if (addr !== undefined) p.cany(C_MAC, 'address', '%s ', addr);
  printLinkFlags(p, hdr(l, 'flags'), mdown);
  p.fp('\n');
  p.close();
}
/** `ip -j -br link show`. */
export function renderLinksBrief(links: readonly RenderObject[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts, opts.devices ?? links);
  return print(true, (p) => { for (const l of links) printLinkBrief(p, l, names); }).out;
}
/** `ip -br link show`. */
export function renderLinksBriefText(links: readonly RenderObject[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts, opts.devices ?? links);
  return print(false, (p) => { for (const l of links) printLinkBrief(p, l, names); }, opts.color).text;
}

function printAddressesBrief(p: Printer, links: readonly RenderObject[], addrs: readonly RenderObject[], opts: IpRenderOptions): void {
  const names = new Names(opts, opts.devices ?? links);
  for (const l of links) {
    const index = hdr(l, 'index');
    const mine = addrs.filter((a) => hdr(a, 'index') === index && addrFamilyWanted(opts, hdr(a, 'family')));
    if (opts.family && mine.length === 0) continue; // ip -4/-6 -br: only links with such addresses
    p.open(null);
    printBriefHead(p, l, names);
    p.openArr('addr_info');
    for (const a of mine) {
      const local = str(a.attrs.local) ?? str(a.attrs.address) ?? '';
      const peer = str(a.attrs.address);
      p.open(null);
      p.cany(familyColor(hdr(a, 'family')), 'local', '%s', local);
      // as ip: a point-to-point address shows its peer
      if (peer !== undefined && peer !== local) { p.fp(' peer '); p.cany(familyColor(hdr(a, 'family')), 'address', '%s', peer); }
      p.any('prefixlen', '/%s ', hdr(a, 'prefixlen'));
      p.close();
    }
    p.closeArr();
    p.fp('\n');
    p.close();
  }
}
/** `ip -j -br addr show`. */
export function renderAddressesBrief(links: readonly RenderObject[], addrs: readonly RenderObject[], opts: IpRenderOptions = {}): unknown[] {
  return print(true, (p) => printAddressesBrief(p, links, addrs, opts)).out;
}
/** `ip -br addr show`. */
export function renderAddressesBriefText(links: readonly RenderObject[], addrs: readonly RenderObject[], opts: IpRenderOptions = {}): string {
  return print(false, (p) => printAddressesBrief(p, links, addrs, opts), opts.color).text;
}
