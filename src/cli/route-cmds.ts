// `nlwire link|address|route|neigh|rule|nexthop ...`: ip's grammar over the Rtnl verbs, with
// output rendered as ip renders it (text, or -j JSON equal to `ip -j`).
import { Rtnl, type Family, type LinkChanges, type LinkSpec, type RouteSpec, type RuleSpec, type NexthopSpec, type NeighbourSpec, type AddressOptions } from '../rtnl/rtnl.js';
import type { Link, RtObject } from '../rtnl/types.js';
import * as R from '../rtnl/render-ip.js';
import type { CliContext } from './context.js';
import { stringify, toJsonValue } from './format.js';
import { decode } from '../decode.js';
import { toRtObject } from '../rtnl/rtnl.js';
import { linkNames, writeRoutesJson } from '../rtnl/fast-routes.js';
import { UsageError } from './io.js';

export type RouteObjectName = 'link' | 'address' | 'route' | 'neigh' | 'rule' | 'nexthop';

/** Command words (and ip's abbreviations) to objects. */
export const ROUTE_OBJECTS = new Map<string, RouteObjectName>([
  ['link', 'link'], ['l', 'link'],
  ['address', 'address'], ['addr', 'address'], ['a', 'address'],
  ['route', 'route'], ['r', 'route'], ['ro', 'route'],
  ['neigh', 'neigh'], ['neighbour', 'neigh'], ['neighbor', 'neigh'], ['n', 'neigh'],
  ['rule', 'rule'], ['ru', 'rule'],
  ['nexthop', 'nexthop'], ['nh', 'nexthop'],
]);

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
       nlwire address add|replace|del PREFIX dev NAME [valid_lft SECS] [preferred_lft SECS]
                                  [label LABEL] [broadcast ADDR] [peer ADDR] [nodad] [metric N]
Examples:
  nlwire -4 addr show dev eth0
  nlwire addr add 10.0.0.1/24 dev v0 valid_lft 300 preferred_lft 200
`,
  route: `Usage: nlwire route show [table ID|all] [dev NAME] [proto P] [type T]
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

/** A tiny cursor over ip-style words. */
class Words {
  private i = 0;
  constructor(private readonly w: string[], private readonly cmd: string) {}
  get done(): boolean { return this.i >= this.w.length; }
  peek(): string | undefined { return this.w[this.i]; }
  next(): string | undefined { return this.w[this.i++]; }
  value(after: string): string {
    const v = this.w[this.i++];
    if (v === undefined) throw new UsageError(`${this.cmd}: '${after}' needs a value`);
    return v;
  }
  number(after: string): number {
    const v = this.value(after);
    const n = Number(v);
    if (!Number.isFinite(n)) throw new UsageError(`${this.cmd}: '${after}' needs a number, not '${v}'`);
    return n;
  }
  bad(word: string): never {
    throw new UsageError(`${this.cmd}: unexpected '${word}' (see nlwire ${this.cmd.split(' ')[0]} --help)`);
  }
}

const VERBS = new Set(['show', 'list', 'lst', 'ls', 'sh', 'add', 'del', 'delete', 'set', 'change', 'replace', 'append', 'help', 'get']);

export async function routeObjectCommand(object: RouteObjectName, args: string[], ctx: CliContext): Promise<number> {
  let verb = args[0] && VERBS.has(args[0]) ? args[0] : 'show';
  const rest = args[0] && VERBS.has(args[0]) ? args.slice(1) : args;
  if (['list', 'lst', 'ls', 'sh'].includes(verb)) verb = 'show';
  if (verb === 'delete') verb = 'del';
  if (verb === 'help') { ctx.io.stdout(HELP[object]); return 0; }
  using owned = ctx.rtnl ? undefined : Rtnl.open({ ...(ctx.netns ? { netns: ctx.netns } : {}), ...(ctx.capture ? { capture: ctx.capture } : {}) });
  const rt = ctx.rtnl ?? owned!;
  const w = new Words(rest, `${object} ${verb}`);
  if (verb === 'show') return await show(object, w, rt, ctx); // awaited: `using` closes rt on return
  switch (object) {
    case 'link': await linkChange(verb, w, rt); break;
    case 'address': await addressChange(verb, w, rt); break;
    case 'route': await routeChange(verb, w, rt); break;
    case 'neigh': await neighChange(verb, w, rt); break;
    case 'rule': await ruleChange(verb, w, rt, ctx.family); break;
    case 'nexthop': await nexthopChange(verb, w, rt); break;
  }
  return 0;
}

// ---- show --------------------------------------------------------------------------------------

function renderOpts(ctx: CliContext, links: Link[]): R.IpRenderOptions {
  return { details: ctx.details, stats: ctx.stats, numeric: ctx.numeric, ifnames: new Map(links.map((l) => [l.header.index, l.attrs.ifname ?? String(l.header.index)])) };
}

function emit(ctx: CliContext, json: unknown[], text: () => string): number {
  if (ctx.json) ctx.io.stdout(stringify(json, ctx.pretty) + '\n');
  else { const t = text(); if (t) ctx.io.stdout(t.endsWith('\n') ? t : t + '\n'); }
  return 0;
}

async function show(object: RouteObjectName, w: Words, rt: Rtnl, ctx: CliContext): Promise<number> {
  const family: Family | undefined = ctx.family;
  let dev: string | undefined;
  let upOnly = false;
  let kind: string | undefined;
  let master: string | undefined;
  let table: string | undefined;
  let proto: string | undefined;
  let type: string | undefined;
  let id: number | undefined;
  while (!w.done) {
    const word = w.next()!;
    switch (word) {
      case 'dev': dev = w.value('dev'); break;
      case 'up': upOnly = true; break;
      case 'type': kind = w.value('type'); type = kind; break;
      case 'master': master = w.value('master'); break;
      case 'table': case 'tab': table = w.value('table'); break;
      case 'proto': case 'protocol': proto = w.value('proto'); break;
      case 'id': id = w.number('id'); break;
      default:
        if (!dev && (object === 'link')) dev = word;
        else w.bad(word);
    }
  }
  // Large routing tables: stream the JSON, with only the link names read first (cheap).
  if (object === 'route' && ctx.json && !ctx.pretty && !ctx.details && !ctx.stats && !ctx.numeric && !ctx.capture && !dev && !proto && !type) {
    return streamRoutesJson(ctx, table, family);
  }
  const links = await rt.links();
  const opts = renderOpts(ctx, links);
  switch (object) {
    case 'link': {
      let ls = dev ? [await rt.link(dev)] : links;
      if (kind) ls = ls.filter((l) => l.attrs.linkinfo?.kind === kind);
      if (master) { const m = await rt.ifindex(master); ls = ls.filter((l) => l.attrs.master === m); }
      if (upOnly) ls = ls.filter((l) => (l.header.flags & 1) !== 0);
      return emit(ctx, R.renderLinks(ls, opts), () => R.renderLinksText(ls, opts));
    }
    case 'address': {
      // ip -6 lists links from the AF_INET6 link dump; full links fill in what it lacks.
      let ls = family === 6 ? await rt.links({ family: 6 }) : links;
      if (dev) { const i = await rt.ifindex(dev); ls = ls.filter((l) => l.header.index === i); }
      if (upOnly) ls = ls.filter((l) => (l.header.flags & 1) !== 0);
      const addrs = await rt.addresses({ ...(family ? { family } : {}), ...(dev ? { dev } : {}) });
      const o = { ...opts, devices: links, ...(family ? { family } : {}) };
      return emit(ctx, R.renderAddresses(ls, addrs, o), () => R.renderAddressesText(ls, addrs, o));
    }
    case 'route': {
      // ip lists every family for `table all`, IPv4 otherwise (unless -6).
      const routes = await rt.routes({ ...(family || table !== 'all' ? { family: family ?? 4 } : {}), table: table ?? 'main', ...(dev ? { dev } : {}), ...(proto ? { protocol: proto } : {}), ...(type ? { type } : {}) });
      const o = { ...opts, table: table ?? 'main', ...(ctx.details ? { nexthops: await rt.nexthops() } : {}) };
      return emit(ctx, R.renderRoutes(routes, o), () => R.renderRoutesText(routes, o));
    }
    case 'neigh': {
      const ns = await rt.neighbours({ ...(family ? { family } : {}), ...(dev ? { dev } : {}) });
      return emit(ctx, R.renderNeighbours(links, ns, opts), () => R.renderNeighboursText(links, ns, opts));
    }
    case 'rule': {
      const rules = await rt.rules({ family: family ?? 4 });
      return emit(ctx, R.renderRules(rules, opts), () => R.renderRulesText(rules, opts));
    }
    case 'nexthop': {
      const nhs = await rt.nexthops(id !== undefined ? { id } : dev ? { dev } : {});
      return emit(ctx, R.renderNexthops(nhs, opts), () => R.renderNexthopsText(nhs, opts));
    }
  }
}

/**
 * `-j route show` for any table size: JSON is written as the dump is decoded (flat memory), by
 * the fast path; routes it does not model go through the full renderer.
 */
async function streamRoutesJson(ctx: CliContext, table: string | undefined, family: Family | undefined): Promise<number> {
  const t = table === undefined ? 'main' : /^\d+$/.test(table) ? Number(table) : table;
  if (typeof t === 'string' && !['main', 'local', 'default', 'all'].includes(t)) throw new UsageError(`route show: unknown table '${t}'`);
  const names = await linkNames(ctx.netns ? { netns: ctx.netns } : {});
  const renderOpts: R.IpRenderOptions = { ifnames: names, table: t };
  const fallback = (bytes: Uint8Array): string | undefined => {
    const m = decode(bytes, { protocol: 'route' })[0];
    const o = m ? toRtObject(m) : undefined;
    return o?.kind === 'route' ? JSON.stringify(toJsonValue(R.renderRoutes([o], renderOpts)[0])) : undefined;
  };
  await writeRoutesJson({
    table: t as 'main', family: family === 6 ? 'inet6' : t === 'all' && !family ? 'all' : 'inet', linkNames: names, fallback,
    ...(ctx.netns ? { netns: ctx.netns } : {}),
  }, (s) => ctx.io.stdout(s));
  ctx.io.stdout('\n');
  return 0;
}

// ---- changes -------------------------------------------------------------------------------------

async function linkChange(verb: string, w: Words, rt: Rtnl): Promise<void> {
  if (verb === 'del') {
    let dev = w.next();
    if (dev === 'dev') dev = w.next();
    if (!dev) throw new UsageError('link del: which device?');
    await rt.deleteLink(dev);
    return;
  }
  if (verb === 'add') {
    const spec: Partial<LinkSpec> & { data?: Record<string, unknown> } = {};
    let parent: string | undefined;
    let peerName: string | undefined, peerNs: string | undefined;
    const vx: NonNullable<LinkSpec['vxlan']> = { id: -1 };
    let mode: string | undefined;
    let inPeer = false;
    while (!w.done) {
      const word = w.next()!;
      if (inPeer) {
        if (word === 'name') { peerName = w.value('peer name'); continue; }
        if (word === 'netns') { peerNs = w.value('netns'); continue; }
        inPeer = false;
      }
      switch (word) {
        case 'name': case 'dev': spec.name = w.value(word); break;
        case 'type': spec.type = w.value('type'); break;
        case 'link': parent = w.value('link'); break;
        case 'mtu': spec.mtu = w.number('mtu'); break;
        case 'address': spec.address = w.value('address'); break;
        case 'master': spec.master = w.value('master'); break;
        case 'netns': spec.netns = w.value('netns'); break;
        case 'up': spec.up = true; break;
        case 'peer': inPeer = true; break;
        case 'id': case 'vni': vx.id = w.number(word); break;
        case 'local': vx.local = w.value('local'); break;
        case 'remote': case 'group': vx.group = w.value(word); break;
        case 'dstport': vx.port = w.number('dstport'); break;
        case 'ttl': vx.ttl = w.number('ttl'); break;
        case 'nolearning': vx.learning = false; break;
        case 'learning': vx.learning = true; break;
        case 'mode': mode = w.value('mode'); break;
        default:
          if (!spec.name) spec.name = word;
          else w.bad(word);
      }
    }
    if (!spec.name || !spec.type) throw new UsageError('link add: NAME and type KIND are required (see nlwire link --help)');
    if (spec.type === 'veth') {
      if (!peerName) throw new UsageError('link add: a veth needs peer name PEER');
      spec.peer = peerNs ? { name: peerName, netns: peerNs } : { name: peerName };
    }
    if (spec.type === 'vxlan') {
      if (vx.id < 0) throw new UsageError('link add: a vxlan needs id VNI');
      if (parent && vx.dev === undefined) vx.dev = parent;
      spec.vxlan = vx;
    } else if (vx.dev !== undefined || vx.local) throw new UsageError('link add: local/remote/dstport are for vxlan');
    if (spec.type === 'macvlan' || spec.type === 'macvtap') {
      if (!parent) throw new UsageError(`link add: a ${spec.type} needs link PARENT`);
      spec.macvlan = { link: parent, ...(mode ? { mode: mode as 'bridge' } : {}) };
    }
    await rt.addLink(spec as LinkSpec);
    return;
  }
  if (verb === 'set' || verb === 'change') {
    let dev: string | undefined;
    const c: LinkChanges = {};
    while (!w.done) {
      const word = w.next()!;
      switch (word) {
        case 'dev': dev = w.value('dev'); break;
        case 'up': c.up = true; break;
        case 'down': c.up = false; break;
        case 'mtu': c.mtu = w.number('mtu'); break;
        case 'name': c.name = w.value('name'); break;
        case 'address': c.address = w.value('address'); break;
        case 'master': c.master = w.value('master'); break;
        case 'nomaster': c.master = null; break;
        case 'netns': c.netns = w.value('netns'); break;
        case 'alias': c.alias = w.value('alias'); break;
        case 'txqueuelen': case 'txqlen': case 'qlen': c.txqlen = w.number(word); break;
        default:
          if (!dev) dev = word;
          else w.bad(word);
      }
    }
    if (!dev) throw new UsageError('link set: which device?');
    await rt.setLink(dev, c);
    return;
  }
  throw new UsageError(`link: unknown command '${verb}'`);
}

async function addressChange(verb: string, w: Words, rt: Rtnl): Promise<void> {
  let prefix: string | undefined, dev: string | undefined;
  const o: AddressOptions = {};
  while (!w.done) {
    const word = w.next()!;
    switch (word) {
      case 'dev': dev = w.value('dev'); break;
      case 'valid_lft': { const v = w.value(word); o.validLifetime = v === 'forever' ? 0xffffffff : Number(v); break; }
      case 'preferred_lft': { const v = w.value(word); o.preferredLifetime = v === 'forever' ? 0xffffffff : Number(v); break; }
      case 'label': o.label = w.value('label'); break;
      case 'broadcast': case 'brd': o.broadcast = w.value(word); break;
      case 'peer': o.peer = w.value('peer'); break;
      case 'nodad': o.noDad = true; break;
      case 'metric': case 'priority': o.metric = w.number(word); break;
      case 'local': prefix = w.value('local'); break;
      default:
        if (!prefix) prefix = word;
        else w.bad(word);
    }
  }
  if (!prefix || !dev) throw new UsageError(`address ${verb}: PREFIX and dev NAME are required`);
  if (verb === 'add') await rt.addAddress(dev, prefix, o);
  else if (verb === 'replace' || verb === 'change') await rt.replaceAddress(dev, prefix, o);
  else if (verb === 'del') await rt.deleteAddress(dev, prefix);
  else throw new UsageError(`address: unknown command '${verb}'`);
}

const ROUTE_TYPES = new Set(['unicast', 'blackhole', 'unreachable', 'prohibit', 'local', 'broadcast', 'throw', 'anycast', 'multicast', 'nat']);
const METRICS = new Set(['mtu', 'advmss', 'window', 'rtt', 'rttvar', 'ssthresh', 'cwnd', 'initcwnd', 'initrwnd', 'reordering', 'hoplimit', 'features', 'rto_min', 'quickack', 'fastopen_no_cookie']);
const METRIC_KEYS: Record<string, string> = { rto_min: 'rtoMin', fastopen_no_cookie: 'fastopenNoCookie' };

async function routeChange(verb: string, w: Words, rt: Rtnl): Promise<void> {
  const s: Partial<RouteSpec> = {};
  const metrics: Record<string, number> = {};
  let nh: { gateway?: string; dev?: string; weight?: number } | undefined;
  const multipath: Array<{ gateway?: string; dev?: string; weight?: number }> = [];
  while (!w.done) {
    const word = w.next()!;
    if (nh) {
      if (word === 'via') { nh.gateway = w.value('via').replace(/^inet6? /, ''); continue; }
      if (word === 'dev') { nh.dev = w.value('dev'); continue; }
      if (word === 'weight') { nh.weight = w.number('weight'); continue; }
    }
    if (METRICS.has(word)) { const v = w.value(word); metrics[METRIC_KEYS[word] ?? word] = v === 'lock' ? w.number(word) : Number(v); continue; }
    switch (word) {
      case 'via': { let v = w.value('via'); if (v === 'inet' || v === 'inet6') v = w.value('via'); s.gateway = v; break; }
      case 'dev': case 'oif': s.dev = w.value(word); break;
      case 'table': case 'tab': s.table = w.value('table'); break;
      case 'metric': case 'priority': case 'preference': s.metric = w.number(word); break;
      case 'proto': case 'protocol': s.protocol = w.value(word); break;
      case 'scope': s.scope = w.value('scope'); break;
      case 'src': s.prefsrc = w.value('src'); break;
      case 'from': s.src = w.value('from'); break;
      case 'nhid': s.nhid = w.number('nhid'); break;
      case 'pref': s.pref = w.value('pref') as RouteSpec['pref']; break;
      case 'nexthop': nh = {}; multipath.push(nh); break;
      case 'to': s.dst = w.value('to'); break;
      default:
        if (ROUTE_TYPES.has(word) && !s.type && !s.dst) s.type = word;
        else if (!s.dst) s.dst = word;
        else w.bad(word);
    }
  }
  if (!s.dst) throw new UsageError(`route ${verb}: which PREFIX (or default)?`);
  if (Object.keys(metrics).length) s.metrics = metrics;
  if (multipath.length) s.multipath = multipath;
  const spec = s as RouteSpec;
  if (verb === 'add') await rt.addRoute(spec);
  else if (verb === 'replace' || verb === 'change') await rt.replaceRoute(spec);
  else if (verb === 'append') await rt.appendRoute(spec);
  else if (verb === 'del') await rt.deleteRoute(spec);
  else throw new UsageError(`route: unknown command '${verb}'`);
}

async function neighChange(verb: string, w: Words, rt: Rtnl): Promise<void> {
  const s: Partial<NeighbourSpec> = {};
  while (!w.done) {
    const word = w.next()!;
    switch (word) {
      case 'dev': s.dev = w.value('dev'); break;
      case 'lladdr': s.lladdr = w.value('lladdr'); break;
      case 'nud': s.state = w.value('nud'); break;
      case 'router': s.router = true; break;
      case 'proxy': s.proxy = true; break;
      case 'to': s.dst = w.value('to'); break;
      default:
        if (!s.dst) s.dst = word;
        else w.bad(word);
    }
  }
  if (!s.dst || s.dev === undefined) throw new UsageError(`neigh ${verb}: ADDR and dev NAME are required`);
  const spec = s as NeighbourSpec;
  if (verb === 'add') await rt.addNeighbour(spec);
  else if (verb === 'replace' || verb === 'change') await rt.replaceNeighbour(spec);
  else if (verb === 'del') await rt.deleteNeighbour(spec);
  else throw new UsageError(`neigh: unknown command '${verb}'`);
}

function range(v: string): number | [number, number] {
  const [a, b] = v.split('-').map(Number);
  if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) throw new UsageError(`bad range '${v}'`);
  return b === undefined ? a! : [a!, b];
}

async function ruleChange(verb: string, w: Words, rt: Rtnl, family?: Family): Promise<void> {
  const s: RuleSpec = family ? { family } : {};
  while (!w.done) {
    const word = w.next()!;
    switch (word) {
      case 'from': s.from = w.value('from'); break;
      case 'to': s.to = w.value('to'); break;
      case 'priority': case 'pref': case 'preference': case 'order': s.priority = w.number(word); break;
      case 'table': case 'lookup': s.table = w.value(word); break;
      case 'fwmark': { const [m, mask] = w.value('fwmark').split('/'); s.fwmark = Number(m); if (mask !== undefined) s.fwmask = Number(mask); break; }
      case 'iif': case 'dev': s.iif = w.value(word); break;
      case 'oif': s.oif = w.value('oif'); break;
      case 'ipproto': { const v = w.value('ipproto'); s.ipproto = ({ tcp: 6, udp: 17, icmp: 1, sctp: 132, ipv6_icmp: 58 } as Record<string, number>)[v] ?? Number(v); break; }
      case 'sport': s.sport = range(w.value('sport')); break;
      case 'dport': s.dport = range(w.value('dport')); break;
      case 'uidrange': { const r = range(w.value('uidrange')); s.uidrange = typeof r === 'number' ? [r, r] : r; break; }
      case 'goto': s.goto = w.number('goto'); s.action = 'goto'; break;
      case 'suppress_prefixlength': s.suppressPrefixlength = w.number(word); break;
      case 'protocol': case 'proto': s.protocol = w.value(word); break;
      case 'tos': case 'dsfield': s.tos = w.number(word); break;
      case 'blackhole': case 'unreachable': case 'prohibit': case 'nop': s.action = word; break;
      default: w.bad(word);
    }
  }
  if (verb === 'add') await rt.addRule(s);
  else if (verb === 'del') await rt.deleteRule(s);
  else throw new UsageError(`rule: unknown command '${verb}'`);
}

async function nexthopChange(verb: string, w: Words, rt: Rtnl): Promise<void> {
  const s: Partial<NexthopSpec> = {};
  let replace = false;
  while (!w.done) {
    const word = w.next()!;
    switch (word) {
      case 'id': s.id = w.number('id'); break;
      case 'via': s.gateway = w.value('via'); break;
      case 'dev': s.dev = w.value('dev'); break;
      case 'blackhole': s.blackhole = true; break;
      case 'fdb': s.fdb = true; break;
      case 'proto': case 'protocol': s.protocol = w.value(word); break;
      case 'group':
        s.group = w.value('group').split('/').map((g) => {
          const [id, weight] = g.split(',').map(Number);
          if (!Number.isInteger(id)) throw new UsageError(`nexthop: bad group member '${g}'`);
          return weight === undefined ? { id: id! } : { id: id!, weight };
        });
        break;
      case 'type': { const t = w.value('type'); if (t === 'resilient') s.resilient = { buckets: 128 }; else if (t !== 'mpath') w.bad(t); break; }
      case 'buckets': s.resilient = { ...(s.resilient ?? { buckets: 128 }), buckets: w.number('buckets') }; break;
      case 'idle_timer': s.resilient = { ...(s.resilient ?? { buckets: 128 }), idleTimer: w.number(word) }; break;
      case 'unbalanced_timer': s.resilient = { ...(s.resilient ?? { buckets: 128 }), unbalancedTimer: w.number(word) }; break;
      default: w.bad(word);
    }
  }
  if (s.id === undefined) throw new UsageError(`nexthop ${verb}: id ID is required`);
  if (verb === 'del') { await rt.deleteNexthop(s.id); return; }
  if (verb === 'replace') replace = true;
  else if (verb !== 'add') throw new UsageError(`nexthop: unknown command '${verb}'`);
  await rt.addNexthop(s as NexthopSpec, replace);
}

export type { RtObject };
