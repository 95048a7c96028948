// ip nexthop (print_nexthop() of ip/ipnexthop.c): id, group members, resilient group parameters,
// gateway, device, scope, protocol and flags.
import { nexthopGroupType, rtProtocol } from '../../families/route/constants.js';
import type { Nexthop } from '../types.js';
import { Names, rtProtoName, rtScopeName, type IpRenderOptions, type Shown } from './context.js';
import { printEncap, printRtFlags } from './encap.js';
import { C_IFNAME, familyColor, HZ, print, type Printer } from './printer.js';

/** One nexthop object; `jsonKey` nests it (a route's nh_info) instead of listing it. */
export function printNexthop(p: Printer, n: Shown<Nexthop>, names: Names, opts: IpRenderOptions, jsonKey: string | null = null): void {
  const a = n.attrs;
  const { family, scope, protocol, flags } = n.header;
  p.open(jsonKey);
  p.any('id', 'id %s ', a.id ?? 0);
  if (a.group) {
    p.openArr('group');
    p.fp('group ');
    a.group.forEach((m, i) => {
      p.open(null);
      if (i) p.fp('/');
      p.any('id', '%s', m.id);
      // ip 6.1 knows only the low byte of the weight (struct nexthop_grp.weight)
      const w = (m.weight - 1) & 0xff;
      if (w) p.any('weight', ',%s', w + 1);
      p.close();
    });
    p.fp(' ');
    p.closeArr();
  }
  const gtype = a.groupType ?? nexthopGroupType.values.mpath;
  if (gtype !== nexthopGroupType.values.mpath) p.any('type', 'type %s ', gtype === nexthopGroupType.values.res ? 'resilient' : `<${gtype}>`);
  const res = a.resGroup;
  if (res) {
    p.open('resilient_args');
    p.any('buckets', 'buckets %s ', res.buckets ?? 0);
    const t = (v: number | bigint | undefined): number => Number(v ?? 0) / HZ;
    p.any('idle_timer', 'idle_timer %s ', t(res.idleTimer));
    p.any('unbalanced_timer', 'unbalanced_timer %s ', t(res.unbalancedTimer));
    p.any('unbalanced_time', 'unbalanced_time %s ', t(res.unbalancedTime));
    p.close();
  }
  if (a.encap !== undefined) printEncap(p, a.encapType, a.encap);
  if (a.gateway !== undefined) { p.fp('via '); p.cany(familyColor(family), 'gateway', '%s ', a.gateway); }
  if (a.oif) { p.fp('dev '); p.cany(C_IFNAME, 'dev', '%s ', names.name(a.oif)); }
  if (scope !== 0 || opts.details) p.any('scope', 'scope %s ', rtScopeName(scope, opts));
  if (a.blackhole !== undefined) p.nul('blackhole', 'blackhole ');
  if (protocol !== rtProtocol.values.unspec || opts.details) p.any('protocol', 'proto %s ', rtProtoName(protocol, opts));
  printRtFlags(p, flags);
  if (a.fdb !== undefined) p.nul('fdb', 'fdb');
  if (jsonKey === null) p.fp('\n');
  p.close();
}

/** `ip -j nexthop show`. */
export function renderNexthops(nhs: readonly Shown<Nexthop>[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts);
  return print(true, (p) => { for (const n of nhs) printNexthop(p, n, names, opts); }).out;
}
/** `ip nexthop show`. */
export function renderNexthopsText(nhs: readonly Shown<Nexthop>[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts);
  return print(false, (p) => { for (const n of nhs) printNexthop(p, n, names, opts); }, opts.color).text;
}
