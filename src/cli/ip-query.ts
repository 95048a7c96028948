// `route get` (the kernel's answer for one destination) and the flush verbs of address, route and
// neigh, in ip's grammar, with ip's values and output.
import { NetlinkError } from '../core/errors.js';
import { rtnetlinkMessages as M } from '../families/route/index.js';
import { buildMessage } from '../schema/family.js';
import { toRtObject, type Family, type Rtnl } from '../rtnl/rtnl.js';
import type { Address, Link, Neighbour, Route } from '../rtnl/types.js';
import * as R from '../rtnl/render/index.js';
import type { CliContext } from './context.js';
import { ipJson } from './format.js';
import { IpExit, UsageError } from './io.js';
import { matches, Words } from './ip-words.js';
import { badPrefix, invarg, ipPrefix, parseDsfield, parseIpProto, parseProtocol, U16, unsignedOr } from './values.js';
import { addressMatches, linkMatches, neighMatches, parseAddressSelector, parseNeighSelector, routeFiltered, routeSelectorWord, type RouteSelector } from './ip-filters.js';
import { spawnSync } from 'node:child_process';
import { flushRoutes } from './route-flush.js';

const AF_INET = 2, AF_INET6 = 10;
const RTM_F_CLONED = 0x200, RTM_F_FIB_MATCH = 0x2000, RTM_F_NOTIFY = 0x100, RTM_F_LOOKUP_TABLE = 0x1000;

async function deviceIndex(rt: Rtnl, name: string): Promise<number> {
  try { return (await rt.link(name)).header.index; } catch (e) {
    if (e instanceof NetlinkError && e.code === 'ENODEV') throw new IpExit(`Cannot find device "${name}"\n`, 1);
    throw e;
  }
}

function renderOptions(ctx: CliContext, links: Link[]): R.IpRenderOptions {
  return { details: ctx.details, stats: ctx.stats, numeric: ctx.numeric, ...(ctx.color ? { color: true } : {}), ifnames: new Map(links.map((l) => [l.header.index, l.attrs.ifname ?? String(l.header.index)])) };
}

/** iproute_get(): `route get [fibmatch] ADDRESS [from ADDRESS iif DEV] [oif DEV] [vrf NAME] [mark N] [uid N] [ipproto P] [sport N] [dport N] [tos T] [connected]`. */
export async function routeGet(words: readonly string[], rt: Rtnl, ctx: CliContext, help?: () => never): Promise<number> {
  const w = new Words(words, help);
  // ip tests the address after `from` and `to` for help too.
  const helpOr = (v: string): string => { if (help && matches(v, 'help')) help(); return v; };
  const fixed: Record<string, unknown> = { family: ctx.family === 6 ? AF_INET6 : ctx.family === 4 ? AF_INET : 0, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 };
  const attrs: Record<string, unknown> = {};
  let iif: string | undefined, oif: string | undefined, found = false, connected = false, fromGiven = false;
  const prefix = (arg: string): { addr?: string; len: number; family: number } => {
    // ip parses each address in the family fixed so far (-4/-6, or the first address's).
    const fam = fixed.family === AF_INET ? 4 : fixed.family === AF_INET6 ? 6 : undefined;
    const p = ipPrefix(arg, fam);
    if (!p) badPrefix(arg, fam === 4 ? 'inet' : fam === 6 ? 'inet6' : 'any');
    return { addr: p.text.split('/')[0]!, len: p.len, family: p.family === 4 ? AF_INET : AF_INET6 };
  };
  while (!w.done) {
    const word = w.next();
    if (word === 'tos' || matches(word, 'dsfield')) { const v = w.value(); const n = parseDsfield(v); if (n === undefined) invarg('TOS value is invalid\n', v); fixed.tos = n; }
    else if (matches(word, 'from')) {
      const p = prefix(helpOr(w.value()));
      if (!fixed.family) fixed.family = p.family;
      attrs.src = p.addr; fixed.srcLen = p.len; fromGiven = true;
    }
    else if (matches(word, 'iif')) iif = w.value();
    else if (matches(word, 'mark')) attrs.mark = unsignedOr(w.value(), 'invalid mark value');
    else if (matches(word, 'oif') || word === 'dev') oif = w.value();
    else if (matches(word, 'notify')) fixed.flags = (fixed.flags as number) | RTM_F_NOTIFY;
    else if (matches(word, 'uid')) attrs.uid = unsignedOr(w.value(), 'invalid UID\n');
    else if (matches(word, 'fibmatch')) fixed.flags = (fixed.flags as number) | RTM_F_FIB_MATCH;
    else if (matches(word, 'sport')) attrs.sport = unsignedOr(w.value(), 'invalid sport\n', U16);
    else if (matches(word, 'dport')) attrs.dport = unsignedOr(w.value(), 'invalid dport\n', U16);
    else if (matches(word, 'ipproto')) { const v = w.value(); const n = parseIpProto(v); if (n === undefined) invarg('Invalid "ipproto" value\n', v); attrs.ipProto = n; }
    else if (matches(word, 'connected')) connected = true;
    else if (matches(word, 'vrf')) {
      // ip: the VRF device is the output device of the lookup (name_is_vrf() first).
      const v = w.value();
      if (!(await isVrf(rt, v))) invarg('Invalid VRF\n', v);
      oif = v;
    } else if (word === 'as') throw new UsageError(`route get: "${word}" is not implemented by nlwire yet`);
    else {
      const p = prefix(word === 'to' ? helpOr(w.value()) : word);
      if (!fixed.family) fixed.family = p.family;
      attrs.dst = p.addr;
      const full = fixed.family === AF_INET ? 32 : fixed.family === AF_INET6 ? 128 : p.len;
      if (p.len !== full) ctx.io.stderr(`Warning: /${p.len} as prefix is invalid, only /${full} (or none) is supported.\n`);
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
  const ask = async (): Promise<Route[]> => {
    const reply = await rt.socket.request(buildMessage(M.RTM_GETROUTE, { flags: 0, header: fixed, attrs }));
    return reply.messages.map(toRtObject).filter((o): o is Route => o?.kind === 'route');
  };
  const routes = await ask();
  const links = await rt.links();
  const opts = (rs: Route[]): R.IpRenderOptions => ({ ...renderOptions(ctx, links), table: 'all', cache: rs.some((r) => (r.header.flags & RTM_F_CLONED) !== 0) });
  const json = ctx.json ? ipJson(R.renderRoutes(routes, opts(routes)), ctx.pretty) : undefined;
  if (connected && !fromGiven) {
    // ip 6.1 prints the answer, requires a source in it, then asks the same question again and
    // prints that answer too (as text: its JSON array was closed after the first).
    const r = routes[0];
    if (r && r.attrs.prefsrc === undefined && r.attrs.src === undefined) {
      if (json !== undefined) ctx.io.stdout(json.replace(/\s*\]$/, '')); // ip exits with its array still open
      else ctx.io.stdout(R.renderRoutesText(routes, opts(routes)));
      throw new IpExit('Failed to connect the route\n', 1);
    }
    ctx.io.stdout(json !== undefined ? json + '\n' : R.renderRoutesText(routes, opts(routes)));
    const again = await ask();
    ctx.io.stdout(R.renderRoutesText(again, opts(again)));
    return 0;
  }
  ctx.io.stdout(json !== undefined ? json + '\n' : R.renderRoutesText(routes, opts(routes)));
  return 0;
}

/** ip's name_is_vrf(): an existing device of kind vrf. */
async function isVrf(rt: Rtnl, name: string): Promise<boolean> {
  try { return (await rt.link(name)).attrs.linkinfo?.kind === 'vrf'; } catch (e) {
    if (e instanceof NetlinkError && e.code === 'ENODEV') return false;
    throw e;
  }
}

async function devIndexOr(rt: Rtnl, dev: string | undefined, object: string): Promise<number | undefined> {
  if (dev === undefined) return undefined;
  try { return (await rt.link(dev)).header.index; } catch (e) {
    if (e instanceof NetlinkError && e.code === 'ENODEV') throw new IpExit(object === 'address' ? `Device "${dev}" does not exist.\n` : `Cannot find device "${dev}"\n`, 1);
    throw e;
  }
}

/** ip -s flush: what the (single) round deleted. */
function flushStats(ctx: CliContext, n: number, what: string): void {
  if (ctx.stats && n > 0) ctx.io.stdout(`\n*** Round 1, deleting ${n} ${what} ***\n*** Flush is complete after 1 round ***\n`);
  else if (ctx.stats) ctx.io.stdout('Nothing to flush.\n');
}

/** Deletes, counting what the kernel removed; an object already gone (with its primary, its device) is not an error. */
async function deleteEach<T>(items: readonly T[], del: (x: T) => Promise<unknown>, gone: readonly string[]): Promise<number> {
  let n = 0;
  for (const x of items) {
    try { await del(x); n++; } catch (e) {
      if (!(e instanceof NetlinkError && gone.includes(e.code))) throw e;
    }
  }
  return n;
}

/**
 * `address|route|neigh flush SELECTOR`: deletes what ip's selector matches (one request per
 * object, each the object as the kernel sent it, as ip does). ip refuses a flush without a
 * selector for addresses and neighbours; a selector word it does not know is refused here too.
 */
export async function flush(object: 'address' | 'route' | 'neigh', words: readonly string[], rt: Rtnl, ctx: CliContext, help?: () => never): Promise<number> {
  if (words.length === 0) throw new IpExit(object === 'route' ? '"nlwire route flush" requires arguments.\n' : 'Flush requires arguments.\n', 1);
  const w = new Words(words, object === 'route' ? undefined : help);
  if (object === 'address') {
    const s = parseAddressSelector(w, ctx.family);
    const family: Family | undefined = ctx.family ?? (s.to ? (s.to.family === AF_INET6 ? 6 : 4) : undefined);
    const dev = await devIndexOr(rt, s.dev, object);
    const master = await devIndexOr(rt, s.master, object);
    const links = await rt.links();
    const names = new Map(links.map((l) => [l.header.index, l.attrs.ifname ?? '']));
    const linkOk = new Set(links.filter((l) => linkMatches(l, s, master)).map((l) => l.header.index));
    const addrs: Address[] = (await rt.addresses({ ...(family ? { family } : {}), ...(dev !== undefined ? { dev } : {}) }))
      .filter((a) => linkOk.has(a.header.index) && addressMatches(a, s, names.get(a.header.index) ?? ''));
    // Secondaries first: deleting a primary takes its secondaries along (or promotes one, which then stays matched).
    addrs.sort((a, b) => (b.header.flags & 1) - (a.header.flags & 1));
    const n = await deleteEach(addrs, (a) => rt.socket.request(buildMessage(M.RTM_DELADDR, { flags: 0, header: a.header,
      attrs: { ...(a.attrs.local !== undefined ? { local: a.attrs.local } : {}), ...(a.attrs.address !== undefined ? { address: a.attrs.address } : {}) } })), ['EADDRNOTAVAIL', 'ENODEV']);
    flushStats(ctx, n, 'addresses');
    return 0;
  }
  if (object === 'neigh') {
    const s = parseNeighSelector(w, true, ctx.family);
    const dev = await devIndexOr(rt, s.dev, object);
    const ns: Neighbour[] = (await rt.neighbours({ ...(ctx.family ? { family: ctx.family } : {}), ...(dev !== undefined ? { dev } : {}) }))
      .filter((n) => (dev === undefined || n.header.ifindex === dev) && (n.header.flags & 0x08) === 0 && neighMatches(n, s));
    const n = await deleteEach(ns, (x) => rt.deleteNeighbour({ dst: x.attrs.dst!, dev: x.header.ifindex }), ['ENOENT', 'ENODEV']);
    flushStats(ctx, n, 'entries');
    return 0;
  }
  const s: RouteSelector = {};
  while (!w.done) routeSelectorWord(w.next(), w, s, ctx.family);
  if (s.cache) {
    // The IPv4 route cache is gone since Linux 3.6; ip still writes the flush file, which does nothing else.
    const file = `/proc/sys/net/ipv${ctx.family === 6 ? 6 : 4}/route/flush`;
    const r = ctx.netns ? spawnSync('nsenter', [`--net=${ctx.netns.includes('/') ? ctx.netns : `/run/netns/${ctx.netns}`}`, 'sh', '-c', `echo -1 > ${file}`])
      : spawnSync('sh', ['-c', `echo -1 > ${file}`]);
    if (r.status !== 0) throw new IpExit(`Cannot open "${file}"\n`, 1);
    return 0;
  }
  const oif = await devIndexOr(rt, s.dev, object);
  const iif = await devIndexOr(rt, s.iif, object);
  // -s -s: each deleted route as show prints it under the same selector.
  let show: ((r: Route) => string) | undefined;
  if (ctx.stats >= 2) {
    const o: R.IpRenderOptions = { ...renderOptions(ctx, await rt.links()), table: s.table ?? 'main', filtered: routeFiltered(s) };
    show = (r) => R.renderRoutesText([r], o);
  }
  return await flushRoutes(rt, ctx, s, oif, iif, show);
}

/** `nexthop flush [id ID] [dev DEV] [groups] [fdb] [proto P]`: deletes the matching nexthops, counted as ip counts them. */
export async function flushNexthops(words: readonly string[], rt: Rtnl, ctx: CliContext, help?: () => never): Promise<number> {
  const w = new Words(words, help);
  let id: number | undefined, dev: string | undefined, groups = false, fdb = false, protocol: number | undefined;
  while (!w.done) {
    const word = w.next();
    if (word === 'id') id = unsignedOr(w.value(), 'invalid id value');
    else if (word === 'dev') dev = w.value();
    else if (word === 'groups') groups = true;
    else if (word === 'fdb') fdb = true;
    else if (matches(word, 'protocol')) { const v = w.value(); const n = parseProtocol(v); if (n === undefined) invarg('"protocol" value is invalid\n', v); protocol = n; }
    else invarg('', word);
  }
  if (id !== undefined) { await rt.deleteNexthop(id); return 0; } // ip: flush id N is a plain delete
  let devIndex: number | undefined;
  if (dev !== undefined) {
    try { devIndex = (await rt.link(dev)).header.index; } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENODEV') invarg('Device does not exist\n', dev);
      throw e;
    }
  }
  const nhs = (await rt.nexthops(devIndex !== undefined ? { dev: devIndex } : {}))
    .filter((n) => (!groups || n.attrs.group !== undefined) && (!fdb || n.attrs.fdb !== undefined) && (protocol === undefined || n.header.protocol === protocol));
  if (nhs.length === 0) { ctx.io.stdout('Nothing to flush\n'); return 0; }
  await deleteEach(nhs, (n) => rt.deleteNexthop(n.attrs.id!), ['ENOENT']);
  ctx.io.stdout(`Flushed ${nhs.length} nexthops\n`);
  return 0;
}
