// `nlwire link|address|route|neigh|rule|nexthop ...`: ip's grammar over the Rtnl verbs, with
// output rendered as ip renders it (text, or -j JSON equal to `ip -j`).
import { Rtnl, type Family } from '../rtnl/rtnl.js';
import { NetlinkError } from '../core/errors.js';
import { errnoText } from '../core/errno.js';
import type { Address, Link, Neighbour, Route, RtObject, Rule } from '../rtnl/types.js';
import * as R from '../rtnl/render/index.js';
import type { CliContext } from './context.js';
import { ipJson } from './format.js';
import { toRtObject } from '../rtnl/rtnl.js';
import { IpExit, UsageError } from './io.js';
import { usageExit } from './ip-usage.js';
import { changeCommand } from './ip-change.js';
import { netnsNamesById } from './netns.js';
import { flush, flushNexthops, routeGet } from './ip-query.js';
import { matches, verbOf, Words } from './ip-words.js';
import { invarg, parseProtocol, parseTable, unsignedOr } from './values.js';
import { addressMatches, inPrefix, linkMatches, neighMatches, parseAddressSelector, parseNeighSelector, prefixArg, routeFiltered, routeMatches, routeSelectorWord, type Prefix, type RouteSelector } from './ip-filters.js';
import { rtnetlinkMessages as M } from '../families/route/index.js';
import { buildMessage } from '../schema/family.js';

export type RouteObjectName = 'link' | 'address' | 'route' | 'neigh' | 'rule' | 'nexthop';

const HELP: Record<RouteObjectName, string> = {
  link: `Usage: nlwire link show [[dev] NAME] [type KIND] [master DEV] [up]
       nlwire link add [name] NAME type veth peer name PEER [netns NS]
       nlwire link add [name] NAME type bridge|ifb [mtu N] [address MAC] [up]
       nlwire link add [name] NAME type vxlan id VNI [local A] [remote|group A] [dstport P] [dev DEV]
       nlwire link add link PARENT [name] NAME type macvlan [mode private|vepa|bridge|passthru|source]
       nlwire link set [dev] NAME [up|down] [mtu N] [name NEW] [address MAC] [master DEV|nomaster]
                                  [netns NS] [alias TEXT] [txqueuelen N] [group G]
       nlwire link set group G [up|down] [mtu N] [txqueuelen N]
       nlwire link del [dev] NAME
Examples:
  nlwire -j -d link show dev eth0
  nlwire link add v0 type veth peer name v1
  nlwire link set v0 up mtu 1400 master br0
`,
  address: `Usage: nlwire address show [dev NAME] [label PATTERN] [to PREFIX] [scope S] [up] [master DEV] [type KIND]
       nlwire address flush dev NAME [scope S] [to PREFIX]
       nlwire address add|replace|del PREFIX dev NAME [valid_lft SECS] [preferred_lft SECS]
                                  [label LABEL] [broadcast ADDR] [peer ADDR] [nodad] [metric N]
Examples:
  nlwire -4 addr show dev eth0
  nlwire addr add 10.0.0.1/24 dev v0 valid_lft 300 preferred_lft 200
`,
  route: `Usage: nlwire route show [table ID|all|cache] [dev NAME] [proto P] [type T] [cache]
       nlwire route get [fibmatch] ADDRESS [from ADDRESS iif DEV] [oif DEV] [vrf NAME] [mark N] [uid N]
             [ipproto P] [sport N] [dport N] [tos T] [connected]
       nlwire route flush [table ID|all] [dev NAME] [proto P] [scope S] [PREFIX]
       nlwire route add|replace|append|del [TYPE] PREFIX|default [via ADDR] [dev NAME] [table ID]
             [metric N] [proto P] [scope S] [src ADDR] [nhid ID] [mtu N] [advmss N] [pref low|medium|high]
             [nexthop via ADDR dev NAME weight N]...
       TYPE: unicast blackhole unreachable prohibit local broadcast throw
Examples:
  nlwire -j route show table all
  nlwire route add 10.10.0.0/16 via 192.0.2.1 dev eth0 metric 50 table 100
  nlwire route add default nexthop via 10.0.0.1 dev a weight 1 nexthop via 10.0.1.1 dev b weight 2
`,
  neigh: `Usage: nlwire neigh show [dev NAME]
       nlwire neigh flush dev NAME [PREFIX]
       nlwire neigh add|replace|del ADDR [lladdr MAC] dev NAME [nud permanent|reachable|stale|noarp] [router] [proxy]
Example:
  nlwire neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v0
`,
  rule: `Usage: nlwire rule show|flush [pref N] [table ID] [iif NAME] [oif NAME] [fwmark M[/MASK]] [from P] [to P]
       nlwire rule add|del [from PREFIX] [to PREFIX] [priority N] [table ID] [fwmark M[/MASK]]
             [iif NAME] [oif NAME] [ipproto N] [sport N[-M]] [dport N[-M]] [uidrange A-B]
             [goto N] [suppress_prefixlength N] [blackhole|unreachable|prohibit|nop]
Example:
  nlwire rule add from 10.0.0.0/24 table 100 priority 1000
`,
  nexthop: `Usage: nlwire nexthop show [id ID]
       nlwire nexthop add id ID via ADDR dev NAME | blackhole | group ID[,WEIGHT]/ID[,WEIGHT] [type resilient buckets N]
       nlwire nexthop del id ID | flush [dev NAME] [groups]
Example:
  nlwire nexthop add id 1 via 10.0.0.2 dev v0; nlwire nexthop add id 10 group 1/2,3
`,
};

export function routeObjectHelp(o: RouteObjectName): string {
  return HELP[o];
}

const VERB_OBJECT: Record<RouteObjectName, string> = { link: 'link', address: 'address', route: 'route', neigh: 'neigh', rule: 'rule', nexthop: 'nexthop' };

export async function routeObjectCommand(object: RouteObjectName, args: string[], ctx: CliContext): Promise<number> {
  // No verb lists, as ip does; an unknown verb is ip's "Command ... is unknown" (exit 255).
  const verb = args[0] === undefined ? 'show' : verbOf(VERB_OBJECT[object], args[0]);
  const rest = args.slice(1);
  if (verb === 'help') usageExit(object);
  // ip 6.1 calls usage() for a `help` keyword (or any prefix of it) in these verbs' arguments only.
  const help = helpIn(object, verb) ? (): never => usageExit(object) : undefined;
  using owned = ctx.rtnl ? undefined : Rtnl.open({ ...(ctx.netns ? { netns: ctx.netns } : {}), ...(ctx.capture ? { capture: ctx.capture } : {}) });
  const rt = ctx.rtnl ?? owned!;
  if (verb === 'show') return await show(object, new Words(rest, help), rt, ctx); // awaited: `using` closes rt on return
  if (verb === 'get' && object === 'route') return await routeGet(rest, rt, ctx, help);
  if (verb === 'get' && object === 'nexthop') return await nexthopGet(new Words(rest), rt, ctx);
  if (verb === 'save' || verb === 'restore' || verb === 'showdump') throw new UsageError(`${object} ${verb}: not implemented by nlwire`);
  if (verb === 'flush' && (object === 'address' || object === 'route' || object === 'neigh')) return await flush(object, rest, rt, ctx, help);
  if (verb === 'flush' && object === 'nexthop') return await flushNexthops(rest, rt, ctx, help);
  if (verb === 'flush' && object === 'rule') return await flushRules(rest, rt, ctx);
  await changeCommand(object, verb, rest, rt, ctx.family, ctx.io, help);
  return 0;
}

/** Where ip's argument loops test `matches(*argv, "help")`: not route show/flush, rule show/flush, nor neigh add/del (which skip the word). */
function helpIn(object: RouteObjectName, verb: string): boolean {
  switch (object) {
    case 'route': return verb !== 'show' && verb !== 'flush';
    case 'rule': return verb !== 'show' && verb !== 'flush';
    case 'neigh': return verb === 'show' || verb === 'flush';
    default: return true;
  }
}

// ---- show --------------------------------------------------------------------------------------

function renderOpts(ctx: CliContext, links: Link[]): R.IpRenderOptions {
  return { details: ctx.details, stats: ctx.stats, numeric: ctx.numeric, ...(ctx.color ? { color: true } : {}), ifnames: new Map(links.map((l) => [l.header.index, l.attrs.ifname ?? String(l.header.index)])) };
}

/** Text names a link's peer namespace (`link-netns NAME`) when it has one; looked up only then. */
async function withNetnsNames(ctx: CliContext, rt: Rtnl, links: readonly Link[], o: R.IpRenderOptions): Promise<R.IpRenderOptions> {
  if (ctx.json || !links.some((l) => l.attrs.linkNetnsid !== undefined && l.attrs.linkNetnsid >= 0)) return o;
  return { ...o, netnsNames: await netnsNamesById(rt) };
}

function emit(ctx: CliContext, json: unknown[], text: () => string): number {
  if (ctx.json) ctx.io.stdout(ipJson(json, ctx.pretty) + '\n');
  else {
    let t = text();
    if (ctx.oneline) t = t.replace(/\n(?=[ \t])/g, '\\'); // continuation lines join their object's line
    if (t) ctx.io.stdout(t.endsWith('\n') ? t : t + '\n');
  }
  return 0;
}

/** A device a show filter names: ip's message and exit when it does not exist. */
async function existingDevice(rt: Rtnl, name: string, missing: 'does-not-exist' | 'cannot-find' | 'invarg'): Promise<number> {
  try { return (await rt.link(name)).header.index; } catch (e) {
    if (!(e instanceof NetlinkError) || e.code !== 'ENODEV') throw e;
    if (missing === 'invarg') invarg('Device does not exist\n', name);
    throw new IpExit(missing === 'cannot-find' ? `Cannot find device "${name}"\n` : `Device "${name}" does not exist.\n`, 1);
  }
}

async function show(object: RouteObjectName, w: Words, rt: Rtnl, ctx: CliContext): Promise<number> {
  try {
    return await showObjects(object, w, rt, ctx);
  } catch (e) {
    // rtnl_dump_filter(): a dump the kernel refuses ends with "Dump terminated", exit 2.
    if (e instanceof NetlinkError && e.syscall.startsWith('RTM_GET')) {
      const why = e.extack.message ? `Error: ${e.extack.message}${/[.]$/.test(e.extack.message) ? '' : '.'}\n` : `RTNETLINK answers: ${errnoText(e.errno)}\n`;
      if (ctx.json) ctx.io.stdout('['); // ip has opened its JSON array before the dump
      throw new IpExit(`${why}Dump terminated\n`, 2);
    }
    throw e;
  }
}

async function showObjects(object: RouteObjectName, w: Words, rt: Rtnl, ctx: CliContext): Promise<number> {
  const family: Family | undefined = ctx.family;
  switch (object) {
    case 'link': return showLinks(w, rt, ctx);
    case 'address': return showAddresses(w, rt, ctx);
    case 'route': return showRoutes(w, rt, ctx);
    case 'neigh': return showNeighbours(w, rt, ctx);
    case 'rule': return showRules(w, rt, ctx);
    case 'nexthop': return showNexthops(w, rt, ctx);
  }
  void family;
}

/**
 * ip's JSON under link selectors: print_linkinfo() returns early for a link that fails `up`,
 * `master` or `type` after its JSON object is opened, so such a link is an empty `{}` (text: nothing).
 */
function withPlaceholders(all: readonly Link[], pass: (l: Link) => boolean, render: (ls: Link[]) => unknown[]): unknown[] {
  const shown = all.filter(pass);
  const out = render(shown);
  let i = 0;
  return all.map((l) => (pass(l) ? out[i++] : {}));
}

async function showLinks(w: Words, rt: Rtnl, ctx: CliContext): Promise<number> {
  const s = parseAddressSelector(w, ctx.family);
  if (s.to || s.scope !== undefined || s.label !== undefined || s.flagmask) throw new UsageError('link show: address selectors (to, scope, label, flags) are for address show');
  const devIndex = s.dev === undefined ? undefined : await existingDevice(rt, s.dev, 'does-not-exist');
  const masterIndex = s.master === undefined ? undefined : await existingDevice(rt, s.master, 'does-not-exist');
  const links = await rt.links();
  const opts = await withNetnsNames(ctx, rt, links, renderOpts(ctx, links));
  // ip asks the kernel to filter the dump by kind and master; `up` it filters itself.
  const candidates = (devIndex !== undefined ? [await rt.link(devIndex)] : links).filter((l) => linkMatches(l, { ...s, up: false, group: undefined }, masterIndex));
  const pass = (l: Link): boolean => linkMatches(l, s, masterIndex);
  const ls = candidates.filter(pass);
  if (ctx.brief) return emit(ctx, withPlaceholders(candidates, pass, (x) => R.renderLinksBrief(x, { ...opts, devices: links })), () => R.renderLinksBriefText(ls, { ...opts, devices: links }));
  return emit(ctx, withPlaceholders(candidates, pass, (x) => R.renderLinks(x, opts)), () => R.renderLinksText(ls, opts));
}

async function showAddresses(w: Words, rt: Rtnl, ctx: CliContext): Promise<number> {
  const s = parseAddressSelector(w, ctx.family);
  // `to PREFIX` fixes the family, as ip's filter.family (links without such addresses drop out).
  const family: Family | undefined = ctx.family ?? (s.to ? (s.to.family === 10 ? 6 : 4) : undefined);
  const devIndex = s.dev === undefined ? undefined : await existingDevice(rt, s.dev, 'does-not-exist');
  const masterIndex = s.master === undefined ? undefined : await existingDevice(rt, s.master, 'does-not-exist');
  const links = await rt.links();
  const opts = await withNetnsNames(ctx, rt, links, renderOpts(ctx, links));
  // ip -6 without a device lists links from the AF_INET6 link dump (fewer attributes: no kind, no
  // master, so those selectors match nothing there); with a device it asks for that link.
  let ls = ctx.family === 6 && devIndex === undefined ? await rt.links({ family: 6 }) : links;
  if (devIndex !== undefined) ls = ls.filter((l) => l.header.index === devIndex);
  const full = new Map(links.map((l) => [l.header.index, l]));
  const names = opts.ifnames!;
  const all = await rt.addresses({ ...(family ? { family } : {}), ...(devIndex !== undefined ? { dev: devIndex } : {}) });
  const ok = (a: Address): boolean => addressMatches(a, s, names.get(a.header.index) ?? '');
  const addrs = all.filter(ok);
  // ipaddr_filter(): a link whose addresses all fail the selector is left out; one without any stays.
  const has = new Set(all.map((a) => a.header.index)), kept = new Set(addrs.map((a) => a.header.index));
  // With a family (-4/-6, `to`), a link without such addresses is left out too.
  ls = ls.filter((l) => (!has.has(l.header.index) && !family) || kept.has(l.header.index));
  // The kernel filters a full link dump by kind and master (those links are left out); the
  // family's link dump of -4/-6 it does not, so there ip's own check leaves `{}`s, as for `up`.
  const kernelFiltered = !(ctx.family !== undefined && devIndex === undefined);
  if (kernelFiltered) ls = ls.filter((l) => linkMatches(l, { ...s, up: false, group: undefined }, masterIndex));
  // Under `label` ip does not print link information, and of print_linkinfo()'s checks only `up` still applies.
  const pass = s.label !== undefined ? (l: Link): boolean => !s.up || (l.header.flags & 1) !== 0 : (l: Link): boolean => linkMatches(l, s, masterIndex);
  const o = { ...opts, devices: links, ...(family ? { family } : {}) };
  // ip -o prints no link lines, so the link checks of print_linkinfo() (up, group) do not apply.
  if (ctx.oneline && !ctx.json && !ctx.brief) {
    // print_selected_addrinfo() still skips a down link's addresses under `up`.
    const oneLinks = ls.filter((l) => (!kernelFiltered || linkMatches(l, { ...s, up: false, group: undefined }, masterIndex)) && (!s.up || (l.header.flags & 1) !== 0));
    return emit(ctx, [], () => oneLinks.map((l) => addrs.filter((a) => a.header.index === l.header.index).map((a) => R.renderAddressEventText(a, o).replace(/\n?$/, '\n')).join('')).join(''));
  }
  // JSON: a failing link is `{}`, and so is each of a shown link's addresses that fails (ip opens
  // their objects before it filters).
  const json = (render: (ls2: Link[], as: Address[]) => unknown[], brief: boolean, keep: (l: Link) => boolean = pass): unknown[] => withPlaceholders(ls, keep, (shown) => {
    const out = render(brief ? shown.map((l) => full.get(l.header.index) ?? l) : shown, all) as Array<{ addr_info?: unknown[] }>;
    return out.map((obj, i) => {
      const idx = shown[i]!.header.index;
      const mine = all.filter((a) => a.header.index === idx && (!family || a.header.family === (family === 6 ? 10 : 2)));
      const ordered = brief ? mine : [...mine.filter((a) => a.header.family === 2), ...mine.filter((a) => a.header.family !== 2)];
      if (obj && Array.isArray(obj.addr_info)) obj.addr_info = obj.addr_info.map((x, j) => (ordered[j] && !ok(ordered[j]!) ? {} : x));
      return obj;
    });
  });
  const shownLinks = ls.filter(pass);
  // Under `label` (and -o -j) ip prints no link information: each link's JSON object holds only
  // its addr_info (with -o, each address names its device), and -br lines only the addresses.
  const noLink = s.label !== undefined || (ctx.oneline === true && !ctx.brief);
  if (ctx.json && noLink) {
    // -o: print_linkinfo()'s link checks do not run; of them only `up` is tested again (no addresses).
    const one = ctx.oneline === true && !ctx.brief;
    const objs = json((x, as) => (ctx.brief ? R.renderAddressesBrief(x, as, o) : R.renderAddresses(x, as, o)), ctx.brief === true, one ? () => true : pass) as Array<{ addr_info?: unknown[] }>;
    return emit(ctx, objs.map((obj, i) => {
      if (!obj || obj.addr_info === undefined) return obj; // a link `up` leaves out: ip's empty object
      const l = ls[i]!;
      const entries = one && s.up && (l.header.flags & 1) === 0 ? [] : obj.addr_info;
      if (!one) return { addr_info: entries };
      const dev = { index: l.header.index, dev: names.get(l.header.index) ?? '' };
      return { addr_info: entries.map((e) => (e && typeof e === 'object' && Object.keys(e).length > 0 ? { ...dev, ...e } : e)) };
    }), () => '');
  }
  if (ctx.brief && noLink) {
    const fam = (f: number): boolean => !family || f === (family === 6 ? 10 : 2);
    // ip's colours: inet magenta, inet6 blue
    const paint = (f: number, t: string): string => (ctx.color && (f === 2 || f === 10) ? `\x1b[${f === 2 ? 35 : 34}m${t}\x1b[0m` : t);
    return emit(ctx, [], () => shownLinks.map((l) => addrs.filter((a) => a.header.index === l.header.index && fam(a.header.family)).map((a) => {
      const local = a.attrs.local ?? a.attrs.address ?? '', peer = a.attrs.address, f = a.header.family;
      return `${paint(f, local)}${peer !== undefined && peer !== local ? ` peer ${paint(f, peer)}` : ''}/${a.header.prefixlen} `;
    }).join('') + '\n').join(''));
  }
  if (ctx.brief) {
    const bl = shownLinks.map((l) => full.get(l.header.index) ?? l);
    return emit(ctx, ctx.json ? json((x, as) => R.renderAddressesBrief(x, as, o), true) : [], () => R.renderAddressesBriefText(bl, addrs, o));
  }
  // ip under `label`: the matching address lines only, without their links.
  if (s.label !== undefined) {
    const text = R.renderAddressesText(shownLinks, addrs, o).split('\n').filter((line, i, lines) => /^    \S/.test(line) && !/^    link\//.test(line) || /^       valid_lft/.test(line) && /^    \S/.test(lines[i - 1] ?? '') && !/^    link\//.test(lines[i - 1] ?? ''));
    return emit(ctx, [], () => text.map((l) => l + '\n').join(''));
  }
  // ip -o: one line per address, led by its device, in link order.
  const oneline = (): string => shownLinks.map((l) => addrs.filter((a) => a.header.index === l.header.index).map((a) => R.renderAddressEventText(a, o).replace(/\n?$/, '\n')).join('')).join('');
  return emit(ctx, ctx.json ? json((x, as) => R.renderAddresses(x, as, o), false) : [], () => (ctx.oneline ? oneline() : R.renderAddressesText(shownLinks, addrs, o)));
}

async function showRoutes(w: Words, rt: Rtnl, ctx: CliContext): Promise<number> {
  const s: RouteSelector = {};
  while (!w.done) routeSelectorWord(w.next(), w, s, ctx.family);
  const tableSel = s.table ?? 'main';
  if (s.cache) return showRouteCache(s, rt, ctx, tableSel);
  const plain = Object.keys(s).every((k) => k === 'table');
  // Large routing tables: stream the JSON, with only the link names read first (cheap).
  if (ctx.json && !ctx.capture && plain) {
    return streamRoutesJson(ctx, rt, tableSel, ctx.family);
  }
  const oif = s.dev === undefined ? undefined : await existingDevice(rt, s.dev, 'cannot-find');
  const iif = s.iif === undefined ? undefined : await existingDevice(rt, s.iif, 'cannot-find');
  const links = await rt.links();
  const opts = renderOpts(ctx, links);
  // ip lists every family for `table all`, IPv4 otherwise (unless -6): an IPv6 prefix selector
  // without -6 matches nothing in the IPv4 dump, as in ip.
  const family: Family | undefined = ctx.family;
  const found = await rt.routes({ ...(family || tableSel !== 'all' ? { family: family ?? 4 } : {}), table: tableSel, ...(oif !== undefined ? { dev: oif } : {}), ...(s.protocol !== undefined ? { protocol: s.protocol } : {}), ...(s.type !== undefined ? { type: s.type } : {}) });
  // ip's dev filter compares RTA_OIF: a multipath route (no RTA_OIF) is not listed under it.
  const routes = found.filter((r) => routeMatches(r, s, oif, iif));
  const o = { ...opts, table: tableSel, filtered: routeFiltered(s), ...(ctx.details ? { nexthops: await rt.nexthops() } : {}) };
  if (ctx.json) return emitRoutesJson(ctx, routes, o);
  return emit(ctx, [], () => R.renderRoutesText(routes, o));
}

/**
 * `route show cache` (`cached`, `cloned`, `table cache`): the kernel's route exceptions (PMTU,
 * redirects), asked for as ip asks (a dump with RTM_F_CLONED, the table as RTA_TABLE), shown only
 * when cloned and matching the other selectors.
 */
async function showRouteCache(s: RouteSelector, rt: Rtnl, ctx: CliContext, tableSel: number | 'all' | 'main'): Promise<number> {
  const oif = s.dev === undefined ? undefined : await existingDevice(rt, s.dev, 'cannot-find');
  const iif = s.iif === undefined ? undefined : await existingDevice(rt, s.iif, 'cannot-find');
  const table = tableSel === 'all' ? 0 : tableSel === 'main' ? 254 : tableSel;
  const attrs: Record<string, unknown> = { ...(table ? { table } : {}), ...(oif !== undefined ? { oif } : {}) };
  // As for routes: IPv4 unless -6, every family for `table all`.
  const header = { family: ctx.family === 6 ? 10 : ctx.family === 4 || table ? 2 : 0, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: s.protocol ?? 0, scope: 0, type: 0, flags: RTM_F_CLONED };
  let found: Route[] = [];
  try {
    found = (await rt.socket.dumpAll(buildMessage(M.RTM_GETROUTE, { flags: 0, header, attrs }))).messages.map(toRtObject).filter((o): o is Route => o?.kind === 'route');
  } catch (e) {
    if (!(table === 254 && e instanceof NetlinkError && e.code === 'ENOENT')) throw e; // no main table yet: nothing cached
  }
  const routes = found.filter((r) => (r.header.flags & RTM_F_CLONED) !== 0 && (!table || (r.attrs.table ?? r.header.table) === table) && routeMatches(r, s, oif, iif));
  const links = await rt.links();
  const o = { ...renderOpts(ctx, links), table: tableSel, cache: true, filtered: routeFiltered(s) };
  if (ctx.json) return emitRoutesJson(ctx, routes, o);
  return emit(ctx, [], () => R.renderRoutesText(routes, o));
}

/** A neighbour dump with ndm_flags set (NTF_PROXY: the proxy entries, which a plain dump leaves out). */
async function neighbourDump(rt: Rtnl, family: Family | undefined, flags: number): Promise<Neighbour[]> {
  const msg = buildMessage(M.RTM_GETNEIGH, { flags: 0, header: { family: family === 6 ? 10 : family === 4 ? 2 : 0, ifindex: 0, state: 0, flags, type: 0 }, attrs: {} });
  return (await rt.socket.dumpAll(msg)).messages.map(toRtObject).filter((o): o is Neighbour => o?.kind === 'neighbour');
}

async function showNeighbours(w: Words, rt: Rtnl, ctx: CliContext): Promise<number> {
  const s = parseNeighSelector(w, false, ctx.family);
  const devIndex = s.dev === undefined ? undefined : await existingDevice(rt, s.dev, 'cannot-find');
  const links = await rt.links();
  const opts = renderOpts(ctx, links);
  let ns = s.proxy ? await neighbourDump(rt, ctx.family, 0x08) : await rt.neighbours({ ...(ctx.family ? { family: ctx.family } : {}), ...(devIndex !== undefined ? { dev: devIndex } : {}) });
  if (devIndex !== undefined) ns = ns.filter((n) => n.header.ifindex === devIndex);
  const o = { ...opts, ...(s.stateGiven ? { allStates: true } : {}), filtered: { dev: devIndex !== undefined } };
  ns = ns.filter((n) => neighMatches(n, s));
  if (ctx.json) return emitJsonText(ctx, R.neighboursJsonText(links, o, ctx.pretty), ns);
  return emit(ctx, [], () => R.renderNeighboursText(links, ns, o));
}

const RTM_F_CLONED = 0x200;

interface RuleSelector { priority?: number; table?: number; iif?: string; oif?: string; fwmark?: number; fwmask?: number; protocol?: number; not?: boolean; from?: Prefix; to?: Prefix }

/** ip's rule list selectors nlwire does not filter by yet (refused, never ignored). */
const RULE_FILTERS_NOT_DONE = ['tos', 'dsfield', 'realms', 'vrf', 'l3mdev', 'uidrange', 'ipproto', 'sport', 'dport'];

/** iprule_list_flush_or_save()'s selectors. */
function parseRuleSelector(w: Words, verb: string, family?: 4 | 6): RuleSelector {
  const want: RuleSelector = {};
  while (!w.done) {
    const word = w.next();
    if (matches(word, 'preference') || matches(word, 'order') || matches(word, 'priority')) want.priority = unsignedOr(w.value(), 'preference value is invalid\n');
    else if (matches(word, 'table') || word === 'lookup') { const v = w.value(); const n = parseTable(v); if (n === undefined) invarg('table id value is invalid\n', v); want.table = n; }
    else if (word === 'iif' || word === 'dev') want.iif = w.value();
    else if (word === 'oif') want.oif = w.value();
    else if (word === 'not') want.not = true;
    else if (word === 'fwmark') {
      const v = w.value(); const slash = v.indexOf('/');
      want.fwmark = unsignedOr(slash < 0 ? v : v.slice(0, slash), 'fwmark value is invalid\n');
      if (slash >= 0) want.fwmask = unsignedOr(v.slice(slash + 1), 'fwmask value is invalid\n');
    } else if (matches(word, 'protocol')) { const v = w.value(); const n = parseProtocol(v); if (n === undefined) invarg('"protocol" value is invalid\n', v); want.protocol = n; }
    else if (word === 'from') want.from = prefixArg(w.value(), family);
    else if (word === 'to') want.to = prefixArg(w.value(), family);
    else if (RULE_FILTERS_NOT_DONE.some((k) => matches(word, k))) throw new UsageError(`rule ${verb}: "${word}" is an ip filter nlwire does not implement yet`);
    else want.from = prefixArg(word, family); // ip: any other word is the `from` prefix
  }
  return want;
}

function ruleMatches(r: Rule, want: RuleSelector): boolean {
  const a = r.attrs, h = r.header;
  if (want.priority !== undefined && (a.priority ?? 0) !== want.priority) return false;
  if (want.table !== undefined && (a.table ?? h.table) !== want.table) return false;
  if (want.iif !== undefined && a.iifname !== want.iif) return false;
  if (want.oif !== undefined && a.oifname !== want.oif) return false;
  if (want.not && !(h.flags & 2)) return false;
  if (want.fwmark !== undefined && (a.fwmark ?? 0) !== want.fwmark) return false;
  if (want.fwmask !== undefined && (a.fwmask ?? 0) !== want.fwmask) return false;
  if (want.protocol !== undefined && (a.protocol ?? 0) !== want.protocol) return false;
  if (want.from && (h.srcLen !== want.from.len || !inPrefix(a.src ?? new Uint8Array(want.from.bytes.length), want.from))) return false;
  if (want.to && (h.dstLen !== want.to.len || !inPrefix(a.dst ?? new Uint8Array(want.to.bytes.length), want.to))) return false;
  return true;
}

async function showRules(w: Words, rt: Rtnl, ctx: CliContext): Promise<number> {
  const want = parseRuleSelector(w, 'show', ctx.family ?? 4);
  const links = await rt.links();
  const opts = renderOpts(ctx, links);
  const rules = (await rt.rules({ family: ctx.family ?? 4 })).filter((r) => ruleMatches(r, want));
  return emit(ctx, R.renderRules(rules, opts), () => R.renderRulesText(rules, opts));
}

/** `rule flush [SELECTOR]`: as ip, every matching rule but priority 0's (the local table) is deleted, each as dumped. */
async function flushRules(words: readonly string[], rt: Rtnl, ctx: CliContext): Promise<number> {
  const want = parseRuleSelector(new Words(words), 'flush', ctx.family ?? 4);
  const rules = (await rt.rules({ family: ctx.family ?? 4 })).filter((r) => (r.attrs.priority ?? 0) !== 0 && ruleMatches(r, want));
  for (const r of rules) {
    try { await rt.socket.request(buildMessage(M.RTM_DELRULE, { flags: 0, header: r.header, attrs: r.attrs })); } catch (e) {
      if (!(e instanceof NetlinkError && e.code === 'ENOENT')) throw e;
    }
  }
  return 0;
}

async function showNexthops(w: Words, rt: Rtnl, ctx: CliContext): Promise<number> {
  let id: number | undefined, dev: string | undefined, groups = false, fdb = false, protocol: number | undefined;
  while (!w.done) {
    const word = w.next();
    if (word === 'id') id = unsignedOr(w.value(), 'invalid id value');
    else if (word === 'dev') dev = w.value();
    else if (word === 'groups' || word === 'group') groups = true;
    else if (word === 'fdb') fdb = true;
    else if (matches(word, 'protocol')) { const v = w.value(); const n = parseProtocol(v); if (n === undefined) invarg('"protocol" value is invalid\n', v); protocol = n; }
    else if (word === 'vrf' || word === 'master') throw new UsageError(`nexthop show: "${word}" is an ip filter nlwire does not implement yet`);
    else invarg('', word);
  }
  const devIndex = dev === undefined ? undefined : await existingDevice(rt, dev, 'invarg');
  const links = await rt.links();
  const opts = renderOpts(ctx, links);
  let nhs = await rt.nexthops(id !== undefined ? { id } : devIndex !== undefined ? { dev: devIndex } : {});
  if (groups) nhs = nhs.filter((n) => n.attrs.group !== undefined);
  if (fdb) nhs = nhs.filter((n) => n.attrs.fdb !== undefined);
  if (protocol !== undefined) nhs = nhs.filter((n) => n.header.protocol === protocol);
  return emit(ctx, R.renderNexthops(nhs, opts), () => R.renderNexthopsText(nhs, opts));
}

/** ipnh_get(): `nexthop get id ID` (the last id wins; any other word, or none, is ip's usage). */
async function nexthopGet(w: Words, rt: Rtnl, ctx: CliContext): Promise<number> {
  let id: number | undefined;
  while (!w.done) {
    if (w.next() === 'id') id = unsignedOr(w.value(), 'invalid id value');
    else usageExit('nexthop');
  }
  if (id === undefined) usageExit('nexthop');
  const links = await rt.links();
  const opts = renderOpts(ctx, links);
  const nhs = await rt.nexthops({ id });
  return emit(ctx, R.renderNexthops(nhs, opts), () => R.renderNexthopsText(nhs, opts));
}

/**
 * `-j route show` for tables of any size: routes are decoded (by the one engine) and written as
 * JSON text one at a time as the dump arrives (iproute2's json_writer), flushed in chunks of
 * 64 KiB, so memory stays flat; only the link names (and with -d the nexthops) are read first.
 */
async function streamRoutesJson(ctx: CliContext, rt: Rtnl, t: number | 'all' | 'main', family: Family | undefined): Promise<number> {
  const names = new Map<number, string>();
  for (const l of await rt.links()) if (l.attrs.ifname !== undefined) names.set(l.header.index, l.attrs.ifname);
  const opts: R.IpRenderOptions = {
    details: ctx.details, stats: ctx.stats, numeric: ctx.numeric, ifnames: names, table: t,
    ...(ctx.details ? { nexthops: await rt.nexthops() } : {}),
  };
  const json = R.routesJsonText(opts, ctx.pretty);
  const f = family ?? (t === 'all' ? undefined : 4);
  for await (const batch of rt.routeBatchStream(f === undefined ? { table: t } : { table: t, family: f })) {
    for (let i = 0; i < batch.length; i++) {
      json.add(batch[i]!);
      if (json.length >= 1 << 16) writeOut(ctx, json);
    }
  }
  ctx.io.stdout(json.end() + '\n');
  return 0;
}

/** A chunk of JSON text out: as bytes where the output takes them (no string decoded to be encoded again). */
function writeOut(ctx: CliContext, json: R.JsonTextList<Route>): void {
  if (ctx.io.stdoutBytes) ctx.io.stdoutBytes(json.takeBytes());
  else ctx.io.stdout(json.take());
}

/** ip -j's list of objects read whole, written as text as the stream writes it. */
function emitJsonText<T>(ctx: CliContext, json: R.JsonTextList<T>, items: readonly T[]): number {
  for (const x of items) json.add(x);
  ctx.io.stdout(json.end() + '\n');
  return 0;
}
/** ip -j's route list of routes read whole (under selectors). */
function emitRoutesJson(ctx: CliContext, routes: readonly Route[], o: R.IpRenderOptions): number {
  return emitJsonText(ctx, R.routesJsonText(o, ctx.pretty), routes);
}

export type { RtObject };
