// `route get` (the kernel's answer for one destination) and the flush verbs of address, route and
// neigh, in ip's grammar, with ip's values and output.
import { parseIP, parsePrefix } from '../core/addr.js';
import { NetlinkError } from '../core/errors.js';
import { rtnetlinkMessages as M } from '../families/route/index.js';
import { buildMessage } from '../schema/family.js';
import { toRtObject, type Family, type Rtnl } from '../rtnl/rtnl.js';
import type { Address, Link, Neighbour, Route } from '../rtnl/types.js';
import * as R from '../rtnl/render-ip.js';
import type { CliContext } from './context.js';
import { ipJson } from './format.js';
import { IpExit, UsageError } from './io.js';
import { matches, Words } from './ip-words.js';
import { badPrefix, invarg, parseDsfield, parseIpProto, parseProtocol, parseScope, parseTable, U16, unsignedOr } from './values.js';

const AF_INET = 2, AF_INET6 = 10;
const RTM_F_CLONED = 0x200, RTM_F_FIB_MATCH = 0x2000, RTM_F_NOTIFY = 0x100, RTM_F_LOOKUP_TABLE = 0x1000;

async function deviceIndex(rt: Rtnl, name: string): Promise<number> {
  try { return (await rt.link(name)).header.index; } catch (e) {
    if (e instanceof NetlinkError && e.code === 'ENODEV') throw new IpExit(`Cannot find device "${name}"\n`, 1);
    throw e;
  }
}

function renderOptions(ctx: CliContext, links: Link[]): R.IpRenderOptions {
  return { details: ctx.details, stats: ctx.stats, numeric: ctx.numeric, ifnames: new Map(links.map((l) => [l.header.index, l.attrs.ifname ?? String(l.header.index)])) };
}

/** iproute_get(): `route get [fibmatch] ADDRESS [from ADDRESS iif DEV] [oif DEV] [mark N] [uid N] [ipproto P] [sport N] [dport N] [tos T]`. */
export async function routeGet(words: readonly string[], rt: Rtnl, ctx: CliContext): Promise<number> {
  const w = new Words(words);
  const fixed: Record<string, unknown> = { family: ctx.family === 6 ? AF_INET6 : ctx.family === 4 ? AF_INET : 0, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 };
  const attrs: Record<string, unknown> = {};
  let iif: string | undefined, oif: string | undefined, found = false;
  const prefix = (arg: string): { addr?: string; len: number; family: number } => {
    const p = parsePrefix(arg);
    const want = ctx.family === 4 ? 4 : ctx.family === 6 ? 16 : 0;
    if (!p || (want && p.address.length !== want)) badPrefix(arg, ctx.family === 4 ? 'inet' : ctx.family === 6 ? 'inet6' : 'any');
    return { addr: arg.split('/')[0]!, len: p.prefixLength, family: p.address.length === 4 ? AF_INET : AF_INET6 };
  };
  while (!w.done) {
    const word = w.next();
    if (word === 'tos' || matches(word, 'dsfield')) { const v = w.value(); const n = parseDsfield(v); if (n === undefined) invarg('TOS value is invalid\n', v); fixed.tos = n; }
    else if (matches(word, 'from')) { const p = prefix(w.value()); attrs.src = p.addr; fixed.srcLen = p.len; }
    else if (matches(word, 'iif')) iif = w.value();
    else if (matches(word, 'mark')) attrs.mark = unsignedOr(w.value(), 'invalid mark value');
    else if (matches(word, 'oif') || word === 'dev') oif = w.value();
    else if (matches(word, 'notify')) fixed.flags = (fixed.flags as number) | RTM_F_NOTIFY;
    else if (matches(word, 'uid')) attrs.uid = unsignedOr(w.value(), 'invalid UID\n');
    else if (matches(word, 'fibmatch')) fixed.flags = (fixed.flags as number) | RTM_F_FIB_MATCH;
    else if (matches(word, 'sport')) attrs.sport = unsignedOr(w.value(), 'invalid sport\n', U16);
    else if (matches(word, 'dport')) attrs.dport = unsignedOr(w.value(), 'invalid dport\n', U16);
    else if (matches(word, 'ipproto')) { const v = w.value(); const n = parseIpProto(v); if (n === undefined) invarg('Invalid "ipproto" value\n', v); attrs.ipProto = n; }
    else if (matches(word, 'connected') || matches(word, 'vrf') || word === 'as') throw new UsageError(`route get: "${word}" is not implemented by nlwire yet`);
    else {
      const p = prefix(word === 'to' ? w.value() : word);
      if (!fixed.family) fixed.family = p.family;
      attrs.dst = p.addr;
      if (fixed.family === AF_INET && p.len !== 32) ctx.io.stderr(`Warning: /${p.len} as prefix is invalid, only /32 (or none) is supported.\n`);
      // ip's socket is not strict, so the kernel ignores the length there; a strict one refuses it.
      fixed.dstLen = p.addr === undefined ? 0 : p.family === AF_INET ? 32 : 128;
      found = true;
    }
  }
  if (!found) throw new IpExit('need at least a destination address\n', 1);
  if (iif !== undefined) attrs.iif = await deviceIndex(rt, iif);
  if (oif !== undefined) attrs.oif = await deviceIndex(rt, oif);
  if (!fixed.family) fixed.family = AF_INET;
  // As ip: an IPv4 reply then names the table the lookup used (IPv6 replies always do, and refuses the flag).
  if (fixed.family === AF_INET) fixed.flags = (fixed.flags as number) | RTM_F_LOOKUP_TABLE;
  const reply = await rt.socket.request(buildMessage(M.RTM_GETROUTE, { flags: 0, fixed, attrs }));
  const routes = reply.messages.map(toRtObject).filter((o): o is Route => o?.kind === 'route');
  const links = await rt.links();
  const o: R.IpRenderOptions = { ...renderOptions(ctx, links), table: 'all', cache: routes.some((r) => (r.header.flags & RTM_F_CLONED) !== 0) };
  if (ctx.json) ctx.io.stdout(ipJson(R.renderRoutes(routes, o), ctx.pretty) + '\n');
  else ctx.io.stdout(R.renderRoutesText(routes, o));
  return 0;
}

/** The selectors flush takes: enough of ip's for everyday use; the rest is refused, never ignored. */
interface FlushFilter { dev?: number; table?: number | 'all'; proto?: number; scope?: number; prefix?: { bytes: Uint8Array; len: number } }

function parseFlushFilter(object: string, words: readonly string[], rt: Rtnl): Promise<FlushFilter> {
  const w = new Words(words);
  const f: FlushFilter = {};
  let dev: string | undefined;
  while (!w.done) {
    const word = w.next();
    if (word === 'dev') dev = w.value();
    else if (object === 'route' && matches(word, 'table')) {
      const v = w.value();
      if (v === 'all') f.table = 'all';
      else { const n = parseTable(v); if (n === undefined) invarg('table id value is invalid\n', v); f.table = n; }
    } else if (object === 'route' && matches(word, 'protocol')) { const v = w.value(); const n = parseProtocol(v); if (n === undefined) invarg('invalid "protocol"\n', v); f.proto = n; }
    else if (object !== 'neigh' && word === 'scope') { const v = w.value(); const n = parseScope(v); if (n === undefined) invarg('invalid "scope"\n', v); f.scope = n; }
    else if (object !== 'address' || word === 'to') {
      const v = word === 'to' || word === 'root' ? w.value() : word;
      const p = parsePrefix(v);
      if (!p) badPrefix(v);
      f.prefix = { bytes: p.address, len: p.prefixLength };
    } else if (dev === undefined && object === 'address') dev = word;
    else throw new UsageError(`${object} flush: "${word}" is not implemented by nlwire yet`);
  }
  return (async () => {
    if (dev !== undefined) {
      try { f.dev = (await rt.link(dev)).header.index; } catch (e) {
        if (e instanceof NetlinkError && e.code === 'ENODEV') throw new IpExit(object === 'address' ? `Device "${dev}" does not exist.\n` : `Cannot find device "${dev}"\n`, 1);
        throw e;
      }
    }
    return f;
  })();
}

function inPrefix(addr: string | undefined, p: FlushFilter['prefix']): boolean {
  if (!p) return true;
  const a = addr === undefined ? undefined : parseIP(addr);
  if (!a || a.length !== p.bytes.length) return false;
  for (let bit = 0; bit < p.len; bit++) {
    const m = 0x80 >> (bit & 7);
    if ((a[bit >> 3]! & m) !== (p.bytes[bit >> 3]! & m)) return false;
  }
  return true;
}

/**
 * `address|route|neigh flush SELECTOR`: deletes what the selector matches, as ip does (one
 * request per object). ip refuses a flush without a selector for addresses and neighbours.
 */
export async function flush(object: 'address' | 'route' | 'neigh', words: readonly string[], rt: Rtnl, ctx: CliContext): Promise<number> {
  if (words.length === 0) throw new IpExit(object === 'route' ? '"ip route flush" requires arguments.\n' : 'Flush requires arguments.\n', 1);
  const f = await parseFlushFilter(object, words, rt);
  const family: Family | undefined = ctx.family;
  if (object === 'address') {
    const addrs: Address[] = (await rt.addresses({ ...(family ? { family } : {}), ...(f.dev !== undefined ? { dev: f.dev } : {}) }))
      .filter((a) => (f.scope === undefined || a.header.scope === f.scope) && inPrefix(a.attrs.local ?? a.attrs.address, f.prefix));
    // Secondaries go with their primary: delete secondaries first so none is promoted and missed.
    addrs.sort((a, b) => (b.header.flags & 1) - (a.header.flags & 1));
    for (const a of addrs) {
      try { await rt.deleteAddress(a.header.index, `${a.attrs.local ?? a.attrs.address}/${a.header.prefixlen}`); } catch (e) {
        if (!(e instanceof NetlinkError && e.code === 'EADDRNOTAVAIL')) throw e;
      }
    }
    return 0;
  }
  if (object === 'neigh') {
    const ns: Neighbour[] = (await rt.neighbours({ ...(family ? { family } : {}), ...(f.dev !== undefined ? { dev: f.dev } : {}) }))
      .filter((n) => (n.header.state & (0x80 | 0x40)) === 0 && inPrefix(n.attrs.dst, f.prefix)); // ip keeps permanent and noarp entries
    for (const n of ns) {
      try { await rt.deleteNeighbour({ dst: n.attrs.dst!, dev: n.header.ifindex }); } catch (e) {
        if (!(e instanceof NetlinkError && e.code === 'ENOENT')) throw e;
      }
    }
    return 0;
  }
  const routes: Route[] = (await rt.routes({ family: family ?? 4, table: f.table ?? 'main', ...(f.proto !== undefined ? { protocol: f.proto } : {}) }))
    .filter((r) => (f.dev === undefined || r.attrs.oif === f.dev) && (f.scope === undefined || r.header.scope === f.scope)
      && (!f.prefix || (r.header.dstLen >= f.prefix.len && inPrefix(r.attrs.dst ?? (r.header.family === AF_INET6 ? '::' : '0.0.0.0'), f.prefix))));
  for (const r of routes) {
    const msg = buildMessage(M.RTM_DELROUTE, { flags: 0, fixed: r.header, attrs: { ...(r.attrs.dst !== undefined ? { dst: r.attrs.dst } : {}), ...(r.attrs.table !== undefined ? { table: r.attrs.table } : {}), ...(r.attrs.oif !== undefined ? { oif: r.attrs.oif } : {}), ...(r.attrs.gateway !== undefined ? { gateway: r.attrs.gateway } : {}), ...(r.attrs.priority !== undefined ? { priority: r.attrs.priority } : {}) } });
    try { await rt.socket.request(msg); } catch (e) {
      if (!(e instanceof NetlinkError && (e.code === 'ESRCH' || e.code === 'ENOENT'))) throw e;
    }
  }
  return 0;
}

