// ip route (print_route() of ip/iproute.c): destination, gateway, device, table, proto, scope,
// metrics, cache info, multipath next hops, and with -d the nexthop object a route uses.
import { AF_INET, AF_INET6, AF_MPLS, rtmFlags, rtnType, rtProtocol, rtTable } from '../../families/route/constants.js';
import { metricsAttrs, routerPref, type rtaCacheinfo, type RouteVia } from '../../families/route/route.js';
import type { DecodedSet, StructValue } from '../../schema/types.js';
import { RTAX_WORDS, RTCF_NAMES } from '../ip-names.js';
import type { Route } from '../types.js';
import {
  dsfieldName, familyName, hostLen, keysOf, Names, rtnTypeName, rtProtoName, rtRealmName, rtScopeName, rtTableName,
  type IpRenderOptions, type Shown,
} from './context.js';
import { printEncap, printRtFlags } from './encap.js';
import { printNexthop } from './nexthop.js';
import { C_IFNAME, familyColor, formatG, hex, hexBytes, HZ, JsonTextList, print, s32, u, type Printer } from './printer.js';

/** RTA_FLOW / FRA_FLOW realms: "realm TO" or "realms FROM/TO". */
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

function printVia(p: Printer, via: RouteVia): void {
  const fam = familyName(via.family);
  if (p.json) { p.open('via'); p.js('family', fam); p.js('host', via.address); p.close(); }
  else p.fp(`via ${fam} ${via.address} `);
}

type Metrics = DecodedSet<typeof metricsAttrs>;
const mx = metricsAttrs.attrs;
/** The metrics after RTAX_LOCK, in RTAX order (the declaration's order). */
const METRIC_KEYS = keysOf(mx).filter((k) => k !== 'lock');

function printMetrics(p: Printer, m: Metrics): void {
  p.openArr('metrics');
  p.open(null);
  const lock = m.lock ?? 0;
  for (const key of METRIC_KEYS) {
    const i = mx[key].id;
    const raw = m[key];
    if (raw === undefined && !(lock & (1 << i))) continue;
    let val = typeof raw === 'number' ? raw >>> 0 : 0;
    if (i === mx.hoplimit.id && val === 0xffffffff) continue;
    const name = RTAX_WORDS[i]!;
    if (!p.json) { p.fp(`${name} `); if (lock & (1 << i)) p.fp('lock '); }
    if (i === mx.features.id) {
      let f = val;
      if (f & mx.features.flags.values.ecn) { p.nul('ecn', 'ecn '); f &= ~mx.features.flags.values.ecn; }
      if (f) p.any('features', '%s ', hex(val));
    } else if (i === mx.rtt.id || i === mx.rttvar.id || i === mx.rtoMin.id) {
      // the kernel keeps rtt in 1/8 ms and rttvar in 1/4 ms
      if (i === mx.rtt.id) val = Math.floor(val / 8);
      else if (i === mx.rttvar.id) val = Math.floor(val / 4);
      p.any(name, '%s ', val, val >= 1000 ? `${formatG(val / 1e3)}s` : `${val}ms`);
    } else if (i === mx.ccAlgo.id) {
      p.any('congestion', '%s ', typeof raw === 'string' ? raw : '');
    } else {
      p.any(name, '%s ', val);
    }
  }
  p.close();
  p.closeArr();
}

function printCacheinfo(p: Printer, ci: StructValue<typeof rtaCacheinfo>, opts: IpRenderOptions): void {
  const expires = s32(ci.expires), error = ci.error;
  if (expires !== 0) p.any('expires', 'expires %ssec ', Math.trunc(expires / HZ));
  if (error !== 0) p.any('error', 'error %s ', error >>> 0);
  if (opts.stats) {
    if (ci.clntref) p.any('users', 'users %s ', ci.clntref);
    if (ci.used) p.any('used', 'used %s ', ci.used);
    if (ci.lastuse) p.any('age', 'age %ssec ', Math.floor(ci.lastuse / HZ));
  }
  if (ci.id) p.any('ipid', 'ipid %s ', '0x' + ci.id.toString(16).padStart(4, '0'));
  if (ci.ts || ci.tsage) { p.any('ts', 'ts %s', hex(ci.ts)); p.any('tsage', 'tsage %ssec ', ci.tsage); }
}

/** The RTCF_* bits of a cached IPv4 route (the high half of rtm_flags). */
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

function printRoute(p: Printer, r: Shown<Route>, names: Names, opts: IpRenderOptions): void {
  const a = r.attrs;
  const { family, type, flags, dstLen, srcLen } = r.header;
  const hl = hostLen(family);
  const table = a.table ?? r.header.table;
  const tableFilter = opts.table !== undefined && opts.table !== 'all';
  const cloned = (flags & rtmFlags.values.cloned) !== 0;
  p.open(null);
  if (type !== rtnType.values.unicast || opts.details) p.any('type', '%s ', rtnTypeName(type, opts));
  let dst: string;
  if (a.dst !== undefined) dst = dstLen !== hl ? `${a.dst}/${dstLen}` : a.dst;
  else if (dstLen) dst = `0/${dstLen} `;
  else dst = 'default';
  p.cany(dst === 'default' ? 0 : familyColor(family), 'dst', '%s ', dst); // ip prints "default" uncoloured
  if (a.src !== undefined) p.any('from', 'from %s ', srcLen !== hl ? `${a.src}/${srcLen}` : a.src);
  else if (srcLen) p.any('src', 'from %s ', `0/${srcLen}`);
  u(p, 'nhid', 'nhid %s ', a.nhId);
  if (a.newdst !== undefined) p.any('to', 'as to %s ', hexBytes(a.newdst));
  if (a.encap !== undefined) printEncap(p, a.encapType, a.encap);
  const tos = r.header.tos;
  if (tos) p.any('tos', 'tos %s ', dsfieldName(tos, opts));
  if (a.gateway !== undefined && !opts.filtered?.via) { p.fp('via '); p.cany(familyColor(family), 'gateway', '%s ', a.gateway); }
  if (a.via !== undefined) printVia(p, a.via);
  if (a.oif !== undefined && !opts.filtered?.dev) { p.fp('dev '); p.cany(C_IFNAME, 'dev', '%s ', names.name(a.oif)); }
  if (table && (table !== rtTable.values.main || opts.details) && !tableFilter) p.any('table', 'table %s ', rtTableName(table, opts));
  if (!cloned) {
    const { protocol, scope } = r.header;
    if ((protocol !== rtProtocol.values.boot || opts.details) && !opts.filtered?.protocol) p.any('protocol', 'proto %s ', rtProtoName(protocol, opts));
    if ((scope !== 0 || opts.details) && !opts.filtered?.scope) p.any('scope', 'scope %s ', rtScopeName(scope, opts));
  }
  if (a.prefsrc !== undefined && !opts.filtered?.prefsrc) { p.fp('src '); p.cany(familyColor(family), 'prefsrc', '%s ', a.prefsrc); }
  if (!opts.filtered?.metric) u(p, 'metric', 'metric %s ', a.priority);
  printRtFlags(p, flags);
  const mark = a.mark;
  if (mark) p.any('mark', 'mark %s ', mark, mark >= 16 ? '0x' + mark.toString(16) : String(mark));
  if (a.flow !== undefined) printFlow(p, a.flow, opts);
  u(p, 'uid', 'uid %s ', a.uid);
  const ci = a.cacheinfo;
  if (family === AF_INET) {
    if (cloned) printCacheFlags(p, flags);
    if (ci) printCacheinfo(p, ci, opts);
  } else if (family === AF_INET6 && ci) printCacheinfo(p, ci, opts);
  if (a.metrics) printMetrics(p, a.metrics);
  if (a.iif !== undefined && !opts.filtered?.iif) { p.fp('iif '); p.any('iif', '%s ', names.name(a.iif)); }
  if (a.pref !== undefined) {
    const pref = a.pref;
    const pn = pref !== routerPref.values.invalid ? routerPref.byValue.get(pref) : undefined;
    if (pn) p.any('pref', 'pref %s', pn);
    else p.any('pref', '%s', pref);
  }
  if (a.ttlPropagate !== undefined) {
    const on = !!a.ttlPropagate;
    if (p.json) p.js('ttl-propogate', on);
    else p.fp(`ttl-propogate ${on ? 'enabled' : 'disabled'}`);
  }
  const nhid = a.nhId;
  if (nhid !== undefined && opts.details) {
    const nh = opts.nexthops?.find((n) => n.attrs.id === nhid);
    if (nh) {
      p.fp('\n\tnh_info ');
      printNexthop(p, nh, names, opts, 'nh_info');
    }
  }
  if (a.multipath) {
    p.openArr('nexthops');
    const mcCache = cloned && type === rtnType.values.multicast;
    let first = true;
    for (const nh of a.multipath) {
      const na = nh.attrs;
      p.open(null);
      if (mcCache) { p.fp(first ? 'Oifs: ' : ' '); first = false; }
      else p.fp('\n\tnexthop ');
      if (na.encap !== undefined) printEncap(p, na.encapType, na.encap);
      if (na.newdst !== undefined) p.any('to', 'as to %s ', hexBytes(na.newdst));
      if (na.gateway !== undefined) { p.fp('via '); p.cany(familyColor(family), 'gateway', '%s ', na.gateway); }
      if (na.via !== undefined) printVia(p, na.via);
      if (na.flow !== undefined) printFlow(p, na.flow, opts);
      if (mcCache) {
        p.any('dev', '%s', names.name(nh.ifindex));
        if (nh.hops !== 1) p.any('ttl', '(ttl>%s)', nh.hops);
        p.fp(' ');
      } else {
        p.any('dev', 'dev %s ', names.name(nh.ifindex));
        if (family !== AF_MPLS) p.any('weight', 'weight %s ', nh.hops + 1);
      }
      printRtFlags(p, nh.flags);
      p.close();
    }
    p.closeArr();
  }
  p.fp('\n');
  p.close();
}

/** ip route show lists regular routes; ip route show cache the cloned ones. */
function routesShown(routes: readonly Shown<Route>[], opts: IpRenderOptions): Shown<Route>[] {
  return routes.filter((r) => ((r.header.flags & rtmFlags.values.cloned) !== 0) === !!opts.cache);
}

/** `ip -j [-d] route show [table all]`: pass the routes of the tables shown (e.g. the main table). */
export function renderRoutes(routes: readonly Shown<Route>[], opts: IpRenderOptions = {}): unknown[] {
  const names = new Names(opts);
  return print(true, (p) => { for (const r of routesShown(routes, opts)) printRoute(p, r, names, opts); }).out;
}
/** `ip [-d] route show`. */
export function renderRoutesText(routes: readonly Shown<Route>[], opts: IpRenderOptions = {}): string {
  const names = new Names(opts);
  return print(false, (p) => { for (const r of routesShown(routes, opts)) printRoute(p, r, names, opts); }, opts.color).text;
}

/**
 * `ip -j [-p] route show` written as JSON text route by route (iproute2's json_writer), for dumps
 * of any size: the same bytes as ipJson(renderRoutes(routes, opts), pretty).
 */
export function routesJsonText(opts: IpRenderOptions = {}, pretty = false): JsonTextList<Shown<Route>> {
  const names = new Names(opts);
  const cache = !!opts.cache;
  return new JsonTextList((p, r) => {
    if (((r.header.flags & rtmFlags.values.cloned) !== 0) === cache) printRoute(p, r, names, opts);
  }, pretty);
}
