// What every ip renderer is given: the options (ip's -d, -s, -N, filters...), the interface names
// it prints for indexes, and ip's names for protocol, scope, table, realm and type numbers.
import { formatIPv4, formatIPv6, parseHex } from '../../core/addr.js';
import { AF_INET, AF_INET6, AF_MPLS, arphrd } from '../../families/route/constants.js';
import { FAMILY_NAMES, RT_DSFIELD, RT_PROTOS, RT_REALMS, RT_SCOPES, RT_TABLES, RTN_TYPES } from '../ip-names.js';
import type { EnumDef } from '../../schema/types.js';
import type { Link, Nexthop, RtObject } from '../types.js';

/** What a renderer reads of an object: its typed header and attributes (a `Link`, a `Route`...). */
export type Shown<T extends RtObject> = Pick<T, 'header' | 'attrs'>;

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
  devices?: readonly Shown<Link>[];
  /** Nexthop objects, for the `nh_info` of routes using `nhid` (printed with details, as ip -d does). */
  nexthops?: readonly Shown<Nexthop>[];
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

/** What ip knows of the interfaces while it prints (ll_map): names, types and flags by index. */
export class Names {
  private readonly devices = new Map<number, Shown<Link>>();
  private readonly byIndex = new Map<number, string>();
  private readonly types = new Map<number, number>();
  private readonly flags = new Map<number, number>();
  constructor(opts: IpRenderOptions, links: readonly Shown<Link>[] = []) {
    for (const l of links) {
      const idx = l.header.index;
      if (l.attrs.ifname !== undefined) this.byIndex.set(idx, l.attrs.ifname);
      this.types.set(idx, l.header.type);
      this.flags.set(idx, l.header.flags);
    }
    if (opts.ifnames) for (const [i, n] of opts.ifnames) this.byIndex.set(i, n);
    for (const d of opts.devices ?? []) {
      const idx = d.header.index;
      this.devices.set(idx, d);
      const n = d.attrs.ifname;
      if (n !== undefined && !this.byIndex.has(idx)) this.byIndex.set(idx, n);
    }
  }
  /** The full link object (AF_UNSPEC dump) of an index, when `devices` were given. */
  device(idx: number): Shown<Link> | undefined {
    return this.devices.get(idx);
  }
  /** ll_index_to_name(): "if%d" for an index it does not know. */
  name(idx: number): string {
    return this.byIndex.get(idx) ?? `if${idx}`;
  }
  type(idx: number): number {
    return this.types.get(idx) ?? arphrd.values.ether;
  }
  linkFlags(idx: number): number | undefined {
    return this.flags.get(idx);
  }
}

// ---- ip's names for numbers (rt_names.c), or the numbers under -N --------------------------------

function nameOr(table: Record<number, string>, id: number, numeric: boolean | undefined): string {
  if (numeric) return String(id);
  return table[id] ?? String(id);
}
export const rtProtoName = (id: number, o: IpRenderOptions): string => nameOr(RT_PROTOS, id, o.numeric);
export const rtScopeName = (id: number, o: IpRenderOptions): string => nameOr(RT_SCOPES, id, o.numeric);
export const rtTableName = (id: number, o: IpRenderOptions): string => nameOr(RT_TABLES, id, o.numeric);
export const rtRealmName = (id: number, o: IpRenderOptions): string => nameOr(RT_REALMS, id, o.numeric);
export function dsfieldName(id: number, o: IpRenderOptions): string {
  if (!o.numeric && RT_DSFIELD[id]) return RT_DSFIELD[id]!;
  return '0x' + id.toString(16).padStart(2, '0');
}
export const rtnTypeName = (t: number, o: IpRenderOptions): string => (o.numeric ? String(t) : RTN_TYPES[t] ?? String(t));
export const familyName = (f: number): string => FAMILY_NAMES[f] ?? '???';

/** ll_addr_n2a(): tunnels carry IP addresses as their link addresses. */
export function llAddr(addr: string, type: number): string {
  const b = parseHex(addr);
  const t = arphrd.values;
  if (b && b.length === 4 && (type === t.tunnel || type === t.sit || type === t.ipgre)) return formatIPv4(b);
  if (b && b.length === 16 && (type === t.tunnel6 || type === t.ip6gre)) return formatIPv6(b);
  return addr;
}

/** The prefix length of a host address of the family (ip prints no "/len" then). */
export function hostLen(family: number): number {
  return family === AF_INET ? 32 : family === AF_INET6 ? 128 : family === AF_MPLS ? 20 : 0;
}

/** ip -4 / -6: whether an object of this family is shown. */
export function familyWanted(opts: IpRenderOptions, family: number): boolean {
  return !opts.family || (opts.family === 4 ? family === AF_INET : family === AF_INET6);
}

/** The declaration's name of an enum value, or ip's word for it where `words` has one. */
export function enumWord(def: EnumDef, value: number, words: Readonly<Record<string, string | undefined>> = {}): string | undefined {
  const n = def.byValue.get(value);
  return n === undefined ? undefined : words[n] ?? n;
}

/** A declaration's own keys, typed (Object.keys() gives plain strings; declarations are literals). */
export function keysOf<T extends object>(o: T): Array<keyof T & string> {
  return Object.keys(o) as Array<keyof T & string>;
}
