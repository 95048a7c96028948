// ip -br: one line per link (name, state, MAC, flags) or per link's addresses (name, state, addresses).
import type { Address, Link } from '../types.js';
import { familyWanted, Names, type IpRenderOptions, type Shown } from './context.js';
import { operName, printLinkFlags, printNameAndLink } from './link.js';
import { C_MAC, familyColor, hex, operColor, print, type Printer } from './printer.js';

/** ip -br's head of a link line: the name (and link) padded to 16, the operational state to 14. */
function printBriefHead(p: Printer, l: Shown<Link>, names: Names): boolean {
  const mdown = printNameAndLink(p, l, names, true);
  const ops = l.attrs.operstate ?? 0;
  const state = operName(ops) ?? `state ${hex(ops)}`;
  p.cany(operColor(ops), 'operstate', '%s ', state, state.padEnd(14));
  return mdown;
}

function printLinkBrief(p: Printer, l: Shown<Link>, names: Names): void {
  p.open(null);
  const mdown = printBriefHead(p, l, names);
  if (l.attrs.address !== undefined) p.cany(C_MAC, 'address', '%s ', l.attrs.address);
  printLinkFlags(p, l.header.flags, mdown);
  p.fp('\n');
  p.close();
}
/** `ip -j -br link show`. */
export function renderLinksBrief(links: readonly Shown<Link>[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts, opts.devices ?? links);
  return print(true, (p) => { for (const l of links) printLinkBrief(p, l, names); }).out;
}
/** `ip -br link show`. */
export function renderLinksBriefText(links: readonly Shown<Link>[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts, opts.devices ?? links);
  return print(false, (p) => { for (const l of links) printLinkBrief(p, l, names); }, opts.color).text;
}

function printAddressesBrief(p: Printer, links: readonly Shown<Link>[], addrs: readonly Shown<Address>[], opts: IpRenderOptions): void {
  const names = new Names(opts, opts.devices ?? links);
  for (const l of links) {
    const index = l.header.index;
    const mine = addrs.filter((a) => a.header.index === index && familyWanted(opts, a.header.family));
    if (opts.family && mine.length === 0) continue; // ip -4/-6 -br: only links with such addresses
    p.open(null);
    printBriefHead(p, l, names);
    p.openArr('addr_info');
    for (const a of mine) {
      const local = a.attrs.local ?? a.attrs.address ?? '';
      const peer = a.attrs.address;
      const color = familyColor(a.header.family);
      p.open(null);
      p.cany(color, 'local', '%s', local);
      // as ip: a point-to-point address shows its peer
      if (peer !== undefined && peer !== local) { p.fp(' peer '); p.cany(color, 'address', '%s', peer); }
      p.any('prefixlen', '/%s ', a.header.prefixlen);
      p.close();
    }
    p.closeArr();
    p.fp('\n');
    p.close();
  }
}
/** `ip -j -br addr show`. */
export function renderAddressesBrief(links: readonly Shown<Link>[], addrs: readonly Shown<Address>[], opts: IpRenderOptions = {}): unknown[] {
  return print(true, (p) => printAddressesBrief(p, links, addrs, opts)).out;
}
/** `ip -br addr show`. */
export function renderAddressesBriefText(links: readonly Shown<Link>[], addrs: readonly Shown<Address>[], opts: IpRenderOptions = {}): string {
  return print(false, (p) => printAddressesBrief(p, links, addrs, opts), opts.color).text;
}
