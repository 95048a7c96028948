// `nlwire link|address|route|neigh|rule|nexthop ...`: ip's grammar over the Rtnl verbs, with
// output rendered as ip renders it (text, or -j JSON equal to `ip -j`).
import { Rtnl, type Family } from '../rtnl/rtnl.js';
import { NetlinkError } from '../core/errors.js';
import type { Link, RtObject } from '../rtnl/types.js';
import * as R from '../rtnl/render-ip.js';
import type { CliContext } from './context.js';
import { stringify, toJsonValue } from './format.js';
import { toRtObject } from '../rtnl/rtnl.js';
import { IpExit, UsageError } from './io.js';
import { changeCommand } from './ip-change.js';
import { flush, routeGet } from './ip-query.js';
import { matches, verbOf, Words } from './ip-words.js';
import { invarg, parseProtocol, parseRouteType, parseTable, unsignedOr } from './values.js';

export type RouteObjectName = 'link' | 'address' | 'route' | 'neigh' | 'rule' | 'nexthop';

const HELP: Record<RouteObjectName, string> = {
  link: `Usage: nlwire link show [[dev] NAME] [type KIND] [master DEV] [up]
       nlwire link add [name] NAME type veth peer name PEER [netns NS]
       nlwire link add [name] NAME type bridge|ifb [mtu N] [address MAC] [up]
       nlwire link add [name] NAME type vxlan id VNI [local A] [remote|group A] [dstport P] [dev DEV]
       nlwire link add link PARENT [name] NAME type macvlan [mode private|vepa|bridge|passthru|source]
       nlwire link set [dev] NAME [up|down] [mtu N] [name NEW] [address MAC] [master DEV|nomaster]
                                  [netns NS] [alias TEXT] [txqueuelen N]
       nlwire link del [dev] NAME
Examples:
  nlwire -j -d link show dev eth0
  nlwire link add v0 type veth peer name v1
  nlwire link set v0 up mtu 1400 master br0
`,
  address: `Usage: nlwire address show [dev NAME]
       nlwire address flush dev NAME [scope S] [to PREFIX]
       nlwire address add|replace|del PREFIX dev NAME [valid_lft SECS] [preferred_lft SECS]
                                  [label LABEL] [broadcast ADDR] [peer ADDR] [nodad] [metric N]
Examples:
  nlwire -4 addr show dev eth0
  nlwire addr add 10.0.0.1/24 dev v0 valid_lft 300 preferred_lft 200
`,
  route: `Usage: nlwire route show [table ID|all] [dev NAME] [proto P] [type T]
       nlwire route get [fibmatch] ADDRESS [from ADDRESS iif DEV] [oif DEV] [mark N] [uid N]
             [ipproto P] [sport N] [dport N] [tos T]
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
  rule: `Usage: nlwire rule show
       nlwire rule add|del [from PREFIX] [to PREFIX] [priority N] [table ID] [fwmark M[/MASK]]
             [iif NAME] [oif NAME] [ipproto N] [sport N[-M]] [dport N[-M]] [uidrange A-B]
             [goto N] [suppress_prefixlength N] [blackhole|unreachable|prohibit|nop]
Example:
  nlwire rule add from 10.0.0.0/24 table 100 priority 1000
`,
  nexthop: `Usage: nlwire nexthop show [id ID]
       nlwire nexthop add id ID via ADDR dev NAME | blackhole | group ID[,WEIGHT]/ID[,WEIGHT] [type resilient buckets N]
       nlwire nexthop del id ID
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
  if (verb === 'help') { ctx.io.stdout(HELP[object]); return 0; }
  using owned = ctx.rtnl ? undefined : Rtnl.open({ ...(ctx.netns ? { netns: ctx.netns } : {}), ...(ctx.capture ? { capture: ctx.capture } : {}) });
  const rt = ctx.rtnl ?? owned!;
  if (verb === 'show') return await show(object, new Words(rest), rt, ctx); // awaited: `using` closes rt on return
  if (verb === 'get' && object === 'route') return await routeGet(rest, rt, ctx);
  if (verb === 'flush' && (object === 'address' || object === 'route' || object === 'neigh')) return await flush(object, rest, rt, ctx);
  await changeCommand(object, verb, rest, rt, ctx.family);
  return 0;
}

// ---- show --------------------------------------------------------------------------------------

function renderOpts(ctx: CliContext, links: Link[]): R.IpRenderOptions {
  return { details: ctx.details, stats: ctx.stats, numeric: ctx.numeric, ifnames: new Map(links.map((l) => [l.header.index, l.attrs.ifname ?? String(l.header.index)])) };
}

function emit(ctx: CliContext, json: unknown[], text: () => string): number {
  if (ctx.json) ctx.io.stdout(stringify(json, ctx.pretty) + '\n');
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
  const family: Family | undefined = ctx.family;
  let dev: string | undefined;
  let upOnly = false;
  let kind: string | undefined;
  let master: string | undefined;
  let table: number | 'all' | undefined;
  let proto: number | undefined;
  let type: number | undefined;
  let id: number | undefined;
  const unsupported = (word: string): never => { throw new UsageError(`${object} show: "${word}" is an ip filter nlwire does not implement yet`); };
  while (!w.done) {
    const word = w.next();
    if (word === 'dev' || (object !== 'link' && object !== 'address' && word === 'oif')) { dev = w.value(); continue; }
    switch (object) {
      case 'link': case 'address':
        if (word === 'up') upOnly = true;
        else if (word === 'type' && object === 'link') kind = w.value();
        else if (word === 'master') master = w.value();
        else if (dev === undefined && !['label', 'scope', 'to', 'group', 'vrf', 'permanent', 'dynamic', 'primary', 'secondary', 'tentative', 'deprecated', 'dadfailed', 'temporary', 'nomaster'].includes(word)) dev = word;
        else unsupported(word);
        break;
      case 'route':
        if (matches(word, 'table')) {
          const v = w.value();
          if (v === 'all') table = 'all';
          else if (v === 'cache') unsupported('table cache');
          else { const n = parseTable(v); if (n === undefined) invarg('table id value is invalid\n', v); table = n; }
        } else if (matches(word, 'protocol')) {
          const v = w.value(); const n = parseProtocol(v);
          if (n === undefined) invarg('invalid "protocol"\n', v);
          proto = n;
        } else if (word === 'type') {
          const v = w.value(); const n = parseRouteType(v);
          if (n === undefined) invarg('node type value is invalid\n', v);
          type = n;
        } else unsupported(word);
        break;
      case 'nexthop':
        if (word === 'id') id = unsignedOr(w.value(), 'invalid id value');
        else unsupported(word);
        break;
      default: unsupported(word);
    }
  }
  const tableSel = table === undefined ? 'main' : table;
  // Large routing tables: stream the JSON, with only the link names read first (cheap).
  if (object === 'route' && ctx.json && !ctx.pretty && !ctx.details && !ctx.stats && !ctx.numeric && !ctx.capture && !dev && proto === undefined && type === undefined) {
    return streamRoutesJson(ctx, rt, tableSel, family);
  }
  const devIndex = dev === undefined ? undefined
    : await existingDevice(rt, dev, object === 'neigh' || object === 'route' ? 'cannot-find' : object === 'nexthop' ? 'invarg' : 'does-not-exist');
  const links = await rt.links();
  const opts = renderOpts(ctx, links);
  switch (object) {
    case 'link': {
      let ls = devIndex !== undefined ? [await rt.link(devIndex)] : links;
      if (kind) ls = ls.filter((l) => l.attrs.linkinfo?.kind === kind);
      if (master) { const m = await existingDevice(rt, master, 'does-not-exist'); ls = ls.filter((l) => l.attrs.master === m); }
      if (upOnly) ls = ls.filter((l) => (l.header.flags & 1) !== 0);
      if (ctx.brief) return emit(ctx, R.renderLinksBrief(ls, { ...opts, devices: links }), () => R.renderLinksBriefText(ls, { ...opts, devices: links }));
      return emit(ctx, R.renderLinks(ls, opts), () => R.renderLinksText(ls, opts));
    }
    case 'address': {
      // ip -6 lists links from the AF_INET6 link dump; full links fill in what it lacks.
      let ls = family === 6 ? await rt.links({ family: 6 }) : links;
      if (devIndex !== undefined) ls = ls.filter((l) => l.header.index === devIndex);
      if (upOnly) ls = ls.filter((l) => (l.header.flags & 1) !== 0);
      const addrs = await rt.addresses({ ...(family ? { family } : {}), ...(devIndex !== undefined ? { dev: devIndex } : {}) });
      const o = { ...opts, devices: links, ...(family ? { family } : {}) };
      if (ctx.brief) {
        const bl = devIndex !== undefined ? links.filter((l) => l.header.index === devIndex) : upOnly ? links.filter((l) => (l.header.flags & 1) !== 0) : links;
        return emit(ctx, R.renderAddressesBrief(bl, addrs, o), () => R.renderAddressesBriefText(bl, addrs, o));
      }
      // ip -o: one line per address, led by its device, in link order.
      const oneline = (): string => ls.map((l) => addrs.filter((a) => a.header.index === l.header.index).map((a) => R.renderAddressEventText(a, o).replace(/\n?$/, '\n')).join('')).join('');
      return emit(ctx, R.renderAddresses(ls, addrs, o), () => (ctx.oneline ? oneline() : R.renderAddressesText(ls, addrs, o)));
    }
    case 'route': {
      // ip lists every family for `table all`, IPv4 otherwise (unless -6).
      const found = await rt.routes({ ...(family || tableSel !== 'all' ? { family: family ?? 4 } : {}), table: tableSel, ...(devIndex !== undefined ? { dev: devIndex } : {}), ...(proto !== undefined ? { protocol: proto } : {}), ...(type !== undefined ? { type } : {}) });
      // ip's dev filter compares RTA_OIF: a multipath route (no RTA_OIF) is not listed under it.
      const routes = devIndex === undefined ? found : found.filter((r) => r.attrs.oif === devIndex);
      const o = { ...opts, table: tableSel, filtered: { dev: devIndex !== undefined, protocol: proto !== undefined }, ...(ctx.details ? { nexthops: await rt.nexthops() } : {}) };
      return emit(ctx, R.renderRoutes(routes, o), () => R.renderRoutesText(routes, o));
    }
    case 'neigh': {
      const ns = await rt.neighbours({ ...(family ? { family } : {}), ...(devIndex !== undefined ? { dev: devIndex } : {}) });
      return emit(ctx, R.renderNeighbours(links, ns, opts), () => R.renderNeighboursText(links, ns, opts));
    }
    case 'rule': {
      const rules = await rt.rules({ family: family ?? 4 });
      return emit(ctx, R.renderRules(rules, opts), () => R.renderRulesText(rules, opts));
    }
    case 'nexthop': {
      const nhs = await rt.nexthops(id !== undefined ? { id } : devIndex !== undefined ? { dev: devIndex } : {});
      return emit(ctx, R.renderNexthops(nhs, opts), () => R.renderNexthopsText(nhs, opts));
    }
  }
}

/**
 * `-j route show` for any table size: JSON is written as the dump is decoded (flat memory), by
 * the fast path; routes it does not model go through the full renderer.
 */
/**
 * `-j route show` for tables of any size: routes are decoded (by the one engine) and rendered one
 * at a time as the dump arrives, so memory stays flat; only the link names are read first.
 */
async function streamRoutesJson(ctx: CliContext, rt: Rtnl, t: number | 'all' | 'main', family: Family | undefined): Promise<number> {
  const names = new Map<number, string>();
  for (const l of await rt.links()) if (l.attrs.ifname !== undefined) names.set(l.header.index, l.attrs.ifname);
  const renderOpts: R.IpRenderOptions = { ifnames: names, table: t };
  const filter = { table: t, family: family ?? (t === 'all' ? undefined : 4) } as const;
  let first = true;
  let pending = '[';
  for await (const r of rt.routeStream(filter.family === undefined ? { table: t } : { table: t, family: filter.family })) {
    pending += (first ? '' : ',') + JSON.stringify(toJsonValue(R.renderRoutes([r], renderOpts)[0]));
    first = false;
    if (pending.length > 1 << 16) { ctx.io.stdout(pending); pending = ''; }
  }
  ctx.io.stdout(pending + ']\n');
  return 0;
}

export type { RtObject };
