// ip addr (print_addrinfo() of ip/ipaddress.c): each link's line, then its addresses; and the
// one-address forms of ip monitor and ip -o.
import { AF_INET, AF_INET6, ifaFlags } from '../../families/route/constants.js';
import { FAMILY_NAMES, IFA_FLAG_NAMES } from '../ip-names.js';
import type { Address, Link } from '../types.js';
import { familyWanted, Names, rtScopeName, type IpRenderOptions, type Shown } from './context.js';
import { printLink } from './link.js';
import { familyColor, print, present, s32, u, type Printer } from './printer.js';

/** ifa_cacheinfo's lifetimes: 0xffffffff is forever. */
const INFINITY_LIFE_TIME = 0xffffffff;

function printAddr(p: Printer, a: Shown<Address>, opts: IpRenderOptions, oneline?: Names): void {
  const at = a.attrs;
  const family = a.header.family;
  p.open(null);
  if (oneline) {
    // ip monitor (oneline): the device leads each address
    const idx = a.header.index;
    p.js('index', idx);
    p.js('dev', oneline.name(idx));
    p.fp(`${idx}: ${oneline.name(idx)}`);
  }
  const fname = FAMILY_NAMES[family];
  if (fname && family !== 0) p.any('family', '    %s ', fname);
  else p.any('family_index', '    family %s ', family);
  const local = at.local ?? at.address;
  const address = at.address ?? local;
  if (local !== undefined) {
    p.cany(familyColor(family), 'local', '%s', local);
    if (address !== undefined && address !== local) { p.fp(' peer '); p.cany(familyColor(family), 'address', '%s', address); }
    p.any('prefixlen', '/%s ', a.header.prefixlen);
    u(p, 'metric', 'metric %s ', at.rtPriority);
  }
  if (at.broadcast !== undefined) { p.fp('brd '); p.cany(familyColor(family), 'broadcast', '%s ', at.broadcast); }
  if (at.anycast !== undefined) { p.fp('any '); p.any('anycast', '%s ', at.anycast); }
  p.any('scope', 'scope %s ', rtScopeName(a.header.scope, opts));
  // IFA_FLAGS has every bit; ifa_flags in the header only the low 8
  const allFlags = at.flags ?? a.header.flags;
  let flags = allFlags;
  for (const [mask, name] of IFA_FLAG_NAMES) {
    if (mask === ifaFlags.values.permanent) {
      if (!(flags & mask)) present(p, 'dynamic', 'dynamic ');
    } else if (flags & mask) {
      // IFA_F_TEMPORARY is IFA_F_SECONDARY's bit
      if (mask === ifaFlags.values.secondary && family === AF_INET6) present(p, 'temporary', 'temporary ');
      else present(p, name, `${name} `);
    }
    flags &= ~mask;
  }
  if (flags) p.any('ifa_flags', 'flags %s ', flags.toString(16).padStart(2, '0'));
  if (at.label !== undefined) p.any('label', '%s', at.label);
  const ci = at.cacheinfo;
  if (ci) {
    const valid = ci.valid, pref = ci.prefered;
    p.fp('\n       valid_lft ');
    if (valid === INFINITY_LIFE_TIME) { p.js('valid_life_time', INFINITY_LIFE_TIME); p.fp('forever'); }
    else p.any('valid_life_time', '%ssec', valid);
    p.fp(' preferred_lft ');
    if (pref === INFINITY_LIFE_TIME) { p.js('preferred_life_time', INFINITY_LIFE_TIME); p.fp('forever'); }
    else if (allFlags & ifaFlags.values.deprecated) p.any('preferred_life_time', '%ssec', s32(pref));
    else p.any('preferred_life_time', '%ssec', pref);
  }
  p.fp('\n');
  p.close();
}

function walkAddresses(p: Printer, links: readonly Shown<Link>[], addrs: readonly Shown<Address>[], opts: IpRenderOptions): void {
  const names = new Names(opts, links);
  const byIndex = new Map<number, Shown<Address>[]>();
  for (const a of addrs) {
    if (!familyWanted(opts, a.header.family)) continue;
    const idx = a.header.index;
    let list = byIndex.get(idx);
    if (!list) byIndex.set(idx, (list = []));
    list.push(a);
  }
  for (const l of links) {
    const mine = byIndex.get(l.header.index) ?? [];
    if (opts.family && mine.length === 0) continue;
    // the kernel dumps IPv4 addresses before IPv6 ones; ip prints them in that order
    const ordered = [...mine.filter((a) => a.header.family === AF_INET), ...mine.filter((a) => a.header.family !== AF_INET)];
    printLink(p, l, names, opts, false, (q) => {
      q.fp('\n');
      q.openArr('addr_info');
      for (const a of ordered) printAddr(q, a, opts);
      q.closeArr();
    });
  }
}

/** One address as `ip -j monitor address` prints it: `{ index, dev, family, local, ... }`. */
export function renderAddressEvent(addr: Shown<Address>, opts: IpRenderOptions = {}): unknown {
  const names = new Names(opts);
  return print(true, (p) => printAddr(p, addr, opts, names)).out[0];
}
/** One address as `ip monitor address` prints it, its lifetimes on a second line. */
export function renderAddressEventLines(addr: Shown<Address>, opts: IpRenderOptions = {}): string {
  const names = new Names(opts);
  return print(false, (p) => printAddr(p, addr, opts, names), opts.color).text;
}
/** One address as `ip -o addr` prints it (one line, its line breaks as backslashes). */
export function renderAddressEventText(addr: Shown<Address>, opts: IpRenderOptions = {}): string {
  return renderAddressEventLines(addr, opts).replace(/\n(?=.)/g, '\\');
}

/** `ip -j [-d] [-s] [-4|-6] addr show`: link objects with their `addr_info`. */
export function renderAddresses(links: readonly Shown<Link>[], addrs: readonly Shown<Address>[], opts: IpRenderOptions = {}): unknown[] {
  return print(true, (p) => walkAddresses(p, links, addrs, opts)).out;
}
/** `ip [-d] [-s] addr show`. */
export function renderAddressesText(links: readonly Shown<Link>[], addrs: readonly Shown<Address>[], opts: IpRenderOptions = {}): string {
  return print(false, (p) => walkAddresses(p, links, addrs, opts), opts.color).text;
}
