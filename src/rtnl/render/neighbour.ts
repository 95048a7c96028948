// ip neigh (print_neigh() of ip/ipneigh.c): address, device, link-layer address, flags, -s usage
// times, NUD state and protocol.
import { ntfFlags, nudState, rtProtocol } from '../../families/route/constants.js';
import type { Link, Neighbour } from '../types.js';
import { familyWanted, keysOf, llAddr, Names, rtProtoName, type IpRenderOptions, type Shown } from './context.js';
import { C_IFNAME, C_MAC, familyColor, HZ, JsonTextList, print, u, type Printer } from './printer.js';

/** ip's NUD_* words: the declaration's names upper-cased, in bit order. */
const NUD_NAMES = keysOf(nudState.values).map((k) => [nudState.values[k], k.toUpperCase()] as const);

function printNeigh(p: Printer, n: Shown<Neighbour>, names: Names, opts: IpRenderOptions): void {
  const a = n.attrs;
  const { family, ifindex, flags, state } = n.header;
  const ntf = ntfFlags.values;
  p.open(null);
  if (a.dst !== undefined) p.cany(familyColor(family), 'dst', '%s ', a.dst);
  // ip 6.1's print_neigh(): every item carries its own trailing space.
  if (ifindex && !opts.filtered?.dev) { p.fp('dev '); p.cany(C_IFNAME, 'dev', '%s ', names.name(ifindex)); } // ip omits the device it filters on
  if (a.lladdr !== undefined) { p.fp('lladdr '); p.cany(C_MAC, 'lladdr', '%s ', llAddr(a.lladdr, names.type(ifindex))); }
  if (flags & ntf.router) p.nul('router', 'router ');
  if (flags & ntf.proxy) p.nul('proxy', 'proxy ');
  if (flags & ntf.ext_learned) p.nul('extern_learn', 'extern_learn ');
  if (flags & ntf.offloaded) p.nul('offload', 'offload ');
  if (opts.stats) {
    const ci = a.cacheinfo;
    if (ci) {
      if (ci.refcnt) p.any('refcnt', ' ref %s', ci.refcnt);
      p.any('used', ' used %s', Math.floor(ci.used / HZ));
      p.any('confirmed', '/%s', Math.floor(ci.confirmed / HZ));
      p.any('updated', '/%s', Math.floor(ci.updated / HZ));
    }
    u(p, 'probes', 'probes %s ', a.probes);
  }
  if (state) {
    const items = NUD_NAMES.filter(([bit]) => state & bit).map(([, name]) => name);
    if (p.json) p.js('state', items);
    else p.fp(items.map((i) => `${i} `).join(''));
  }
  if (a.protocol !== undefined) {
    const proto = a.protocol;
    if (proto !== rtProtocol.values.unspec || opts.details) p.any('protocol', 'proto %s ', rtProtoName(proto, opts));
  }
  p.fp('\n');
  p.close();
}

/** ip's default neighbour filter: not NOARP, not NONE, except proxy and externally learned entries. */
function neighShown(n: Shown<Neighbour>, opts: IpRenderOptions): boolean {
  if (opts.allStates) return true;
  const want = 0xff & ~nudState.values.noarp;
  const { state, flags } = n.header;
  if (!(want & state) && !(flags & ntfFlags.values.proxy) && !(flags & ntfFlags.values.ext_learned)) return false;
  if (opts.family && !familyWanted(opts, n.header.family)) return false;
  return true;
}

/** `ip -j [-s] neigh show`. */
export function renderNeighbours(links: readonly Shown<Link>[], neighs: readonly Shown<Neighbour>[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts, links);
  return print(true, (p) => { for (const n of neighs) if (neighShown(n, opts)) printNeigh(p, n, names, opts); }).out;
}
/** `ip [-s] neigh show`. */
export function renderNeighboursText(links: readonly Shown<Link>[], neighs: readonly Shown<Neighbour>[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts, links);
  return print(false, (p) => { for (const n of neighs) if (neighShown(n, opts)) printNeigh(p, n, names, opts); }, opts.color).text;
}

/** `ip -j [-p] neigh show` written as JSON text neighbour by neighbour: the bytes of ipJson(renderNeighbours(...)). */
export function neighboursJsonText(links: readonly Shown<Link>[], opts: IpRenderOptions = {}, pretty = false): JsonTextList<Shown<Neighbour>> {
  const names = new Names(opts, links);
  return new JsonTextList((p, n) => { if (neighShown(n, opts)) printNeigh(p, n, names, opts); }, pretty);
}
