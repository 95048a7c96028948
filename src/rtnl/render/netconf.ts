// ip netconf (print_netconf() of ip/ipnetconf.c): per-device and default IP settings.
import { RP_FILTER_MODES } from '../ip-names.js';
import type { Link, Netconf } from '../types.js';
import { familyName, Names, type IpRenderOptions, type Shown } from './context.js';
import { onOff, print, s32, type Printer } from './printer.js';

function printNetconf(p: Printer, n: Shown<Netconf>, names: Names): void {
  const a = n.attrs;
  p.open(null);
  p.any('family', '%s ', familyName(n.header.family));
  if (a.ifindex !== undefined) {
    // NETCONFA_IFINDEX_ALL and NETCONFA_IFINDEX_DEFAULT
    const idx = s32(a.ifindex);
    p.any('interface', '%s ', idx === -1 ? 'all' : idx === -2 ? 'default' : names.name(idx));
  }
  onOff(p, 'forwarding', 'forwarding', a.forwarding);
  if (a.rpFilter !== undefined) p.any('rp_filter', 'rp_filter %s ', RP_FILTER_MODES[a.rpFilter] ?? 'unknown mode');
  onOff(p, 'mc_forwarding', 'mc_forwarding', a.mcForwarding);
  onOff(p, 'proxy_neigh', 'proxy_neigh', a.proxyNeigh);
  onOff(p, 'ignore_routes_with_linkdown', 'ignore_routes_with_linkdown', a.ignoreRoutesWithLinkdown);
  onOff(p, 'input', 'input', a.input);
  p.fp('\n');
  p.close();
}

/** `ip -j netconf show`. */
export function renderNetconf(links: readonly Shown<Link>[], confs: readonly Shown<Netconf>[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts, links);
  return print(true, (p) => { for (const c of confs) printNetconf(p, c, names); }).out;
}
/** `ip netconf show`. */
export function renderNetconfText(links: readonly Shown<Link>[], confs: readonly Shown<Netconf>[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts, links);
  return print(false, (p) => { for (const c of confs) printNetconf(p, c, names); }, opts.color).text;
}
