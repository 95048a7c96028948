// nlwire monitor: live rtnetlink events, one line each (NDJSON with -j). Overruns are reported
// and followed by a resync; they are never fatal.
import { Rtnl, type MonitorKind, type MonitorItem } from '../rtnl/rtnl.js';
import type { Link, RtObject } from '../rtnl/types.js';
import * as R from '../rtnl/render/index.js';
import type { CliContext } from './context.js';
import { stringify } from './format.js';
import { IpExit, UsageError } from './io.js';
import { usageExit } from './ip-usage.js';
import { matches, suggestion } from './ip-words.js';
import { netnsNamesById } from './netns.js';

export const MONITOR_HELP = `Usage: nlwire monitor [all|link|address|route|neigh|rule|nexthop|netconf|nsid ...] [-t] [-j]
       nlwire monitor ... [count N]

Prints every change the kernel announces as 'ip monitor' prints it (a deletion led by "Deleted",
'monitor all' labels each event as [LINK], [ADDR]...; -t adds ip's Timestamp lines). With -j each
line is a JSON object {"action","kind","object"} where object is what 'ip -j' prints for it. Lost events (the kernel's ENOBUFS) are reported and followed by a
fresh listing; the monitor keeps running until Ctrl+C (or until N events with 'count N').

Examples:
  nlwire monitor                 # everything
  nlwire -t monitor link address # links and addresses, with timestamps
  nlwire -j monitor route | jq .
`;

const KINDS: Record<string, MonitorKind> = {
  link: 'link', address: 'address', addr: 'address', route: 'route', neigh: 'neighbour', neighbour: 'neighbour',
  rule: 'rule', nexthop: 'nexthop', nh: 'nexthop', netconf: 'netconf', nsid: 'nsid',
};

export function parseMonitorArgs(args: string[]): { kinds: MonitorKind[] | 'all'; count?: number; banner: boolean } {
  const kinds: MonitorKind[] = [];
  let count: number | undefined;
  let banner = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'all') { banner = true; continue; } // as ip: `monitor all` labels each event ([LINK] ...)
    if (a === 'count') { count = Number(args[++i]); if (!Number.isInteger(count) || count < 1) throw new UsageError('monitor: count needs a positive number'); continue; }
    const k = KINDS[a];
    if (!k && matches(a, 'label')) { banner = true; continue; } // ip's `label`: each event led by its kind, as under `all`
    if (!k && matches(a, 'help')) usageExit('monitor');
    if (!k) throw new IpExit(`Argument "${a}" is unknown, try "nlwire monitor help".\n${suggestion(a, Object.keys(KINDS))}`, 255);
    kinds.push(k);
  }
  const out = { kinds: kinds.length ? kinds : 'all' as const, banner };
  return count === undefined ? out : { ...out, count };
}

const BANNERS: Record<MonitorKind, string> = {
  link: '[LINK]', address: '[ADDR]', route: '[ROUTE]', neighbour: '[NEIGH]', rule: '[RULE]', nexthop: '[NEXTHOP]', netconf: '[NETCONF]', nsid: '[NSID]',
};

/** ip -t's stamp line: `Timestamp: Thu Dec  3 05:48:00 2026 943551 usec` (local time, as ctime). */
function ipTimestamp(now: Date, usec: number): string {
  const day = now.toLocaleString('en-US', { weekday: 'short' }), mon = now.toLocaleString('en-US', { month: 'short' });
  const t = [now.getHours(), now.getMinutes(), now.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
  return `Timestamp: ${day} ${mon} ${String(now.getDate()).padStart(2, ' ')} ${t} ${now.getFullYear()} ${usec} usec\n`;
}

/** What one event prints: ip monitor's text (or, with -j, one JSON object). */
export function formatEvent(item: MonitorItem, ctx: CliContext, names: Map<number, string>, banner = false, netnsNames?: ReadonlyMap<number, string>, known: ReadonlyMap<number, Link> = new Map()): string {
  const now = new Date();
  if (item.action === 'overrun') {
    return ctx.json ? stringify({ action: 'overrun', reason: item.reason }) : `!! events lost (${item.reason}); state follows`;
  }
  if (item.action === 'resync') {
    if (ctx.json) return stringify({ action: 'resync', kind: item.kind, objects: render(item.objects, names, ctx, true) });
    return `== ${item.kind}: ${item.objects.length} now\n` + item.objects.map((o) => eventText(o, names, ctx, netnsNames, known)).join('').replace(/\n$/, '');
  }
  if (ctx.json) {
    const out: Record<string, unknown> = { action: item.action, kind: item.kind, object: render([item.object], names, ctx, true)[0] ?? {} };
    if (ctx.timestamps) out.time = now.toISOString();
    if (item.nsid !== undefined) out.nsid = item.nsid;
    return stringify(out);
  }
  const ts = ctx.timestamps ? ipTimestamp(now, now.getMilliseconds() * 1000) : '';
  const body = eventText(item.object, names, ctx, netnsNames, known);
  return `${ts}${banner ? BANNERS[item.kind] : ''}${item.action === 'del' ? 'Deleted ' : ''}${body.replace(/\n$/, '')}`;
}

function opts(names: Map<number, string>, ctx: CliContext): R.IpRenderOptions {
  return { details: ctx.details, stats: ctx.stats, numeric: ctx.numeric, ifnames: names, allStates: true, ...(ctx.color ? { color: true } : {}) };
}

function render(objects: RtObject[], names: Map<number, string>, ctx: CliContext, _json: boolean): unknown[] {
  const o = opts(names, ctx);
  const by = <K extends RtObject['kind']>(k: K) => objects.filter((x): x is Extract<RtObject, { kind: K }> => x.kind === k);
  return [
    ...R.renderLinks(by('link'), o),
    ...by('address').map((a) => R.renderAddressEvent(a, o)),
    ...R.renderRoutes(by('route'), o),
    ...R.renderNeighbours([], by('neighbour'), o),
    ...R.renderRules(by('rule'), o),
    ...R.renderNexthops(by('nexthop'), o),
    ...R.renderNetconf([], by('netconf'), o),
    ...by('nsid').map((x) => x.attrs),
  ];
}

/** One object as ip monitor prints it (ipmonitor.c's accept_msg() for each kind). */
function eventText(x: RtObject, names: Map<number, string>, ctx: CliContext, netnsNames?: ReadonlyMap<number, string>, known: ReadonlyMap<number, Link> = new Map()): string {
  const o = { ...opts(names, ctx), ...(netnsNames ? { netnsNames } : {}) };
  switch (x.kind) {
    case 'link': return R.renderLinkEventText(x, o, [...known.values()].filter((l) => l.header.index !== x.header.index));
    case 'address': return R.renderAddressEventLines(x, o);
    case 'route': return R.renderRoutesText([x], { ...o, cache: (x.header.flags & 0x200) !== 0 });
    case 'neighbour': return R.renderNeighboursText([], [x], o);
    case 'rule': return R.renderRulesText([x], o);
    case 'nexthop': return R.renderNexthopsText([x], o);
    case 'netconf': return R.renderNetconfText([], [x], o);
    case 'nsid': {
      // print_nsid(): "nsid N " and the name ip knows for it.
      const id = x.attrs.nsid;
      const name = id === undefined ? undefined : netnsNames?.get(id);
      return `${id !== undefined ? `nsid ${id} ` : ''}${name !== undefined ? `(iproute2 netns name: ${name})` : ''}\n`;
    }
  }
}

/** Keeps an index → name map current from link events (names of deleted links stay known). */
export function trackNames(names: Map<number, string>, item: MonitorItem): void {
  if (item.action === 'resync' && item.kind === 'link') for (const l of item.objects as Link[]) names.set(l.header.index, l.attrs.ifname ?? String(l.header.index));
  if ((item.action === 'new' || item.action === 'del') && item.object.kind === 'link') {
    const l = item.object;
    if (l.attrs.ifname) names.set(l.header.index, l.attrs.ifname);
  }
}

/** The device index an event names, for a name ip would look up. */
function indexOf(x: RtObject): number | undefined {
  return x.kind === 'netconf' ? x.attrs.ifindex : x.kind === 'address' ? x.header.index : x.kind === 'neighbour' ? x.header.ifindex : x.kind === 'route' ? x.attrs.oif : undefined;
}

/** ll_index_to_name() on a miss: one RTM_GETLINK for the index an event names. */
async function learnName(rt: Rtnl, names: Map<number, string>, x: RtObject): Promise<void> {
  const idx = indexOf(x);
  if (idx === undefined || idx <= 0 || names.has(idx)) return;
  try { const l = await rt.link(idx); if (l.attrs.ifname) names.set(idx, l.attrs.ifname); } catch { /* not (or no longer) there */ }
}

export async function monitorCommand(args: string[], ctx: CliContext, rt?: Rtnl, signal?: AbortSignal): Promise<number> {
  // ip accepts its options after the command too: `monitor all -t`.
  const words = args.filter((a) => {
    if (a === '-t' || a === '--timestamp') { ctx.timestamps = true; return false; }
    if (a === '-j' || a === '--json') { ctx.json = true; return false; }
    return true;
  });
  const { kinds, count, banner } = parseMonitorArgs(words);
  const own = !rt;
  const r = rt ?? Rtnl.open({ ...(ctx.netns ? { netns: ctx.netns } : {}), ...(ctx.capture ? { capture: ctx.capture } : {}) });
  const initial = await r.links();
  const names = new Map(initial.map((l) => [l.header.index, l.attrs.ifname ?? String(l.header.index)]));
  // The last state of every link, as ip's link cache keeps it (flags for M-DOWN).
  const known = new Map(initial.map((l) => [l.header.index, l]));
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  signal?.addEventListener('abort', stop, { once: true });
  const mon = r.monitor(kinds, { resync: true, signal: ac.signal, ...(ctx.family ? { families: [ctx.family] } : {}) });
  let n = 0;
  // Namespace names for nsid events and link-netns (ip reads them at start and when an nsid appears).
  let nsNames = ctx.json ? undefined : await netnsNamesById(r);
  const pending: MonitorItem[] = [];
  try {
    for await (const item of mon) {
      trackNames(names, item);
      if (item.action === 'new' && item.object.kind === 'link') known.set(item.object.header.index, item.object);
      // ip asks the kernel for a name it does not know yet. A new device's netconf events come
      // before its link's, while a request for it still fails: they wait for the next event.
      if (item.action === 'new' || item.action === 'del') await learnName(r, names, item.object);
      if (!ctx.json && item.action === 'new' && item.object.kind === 'nsid') nsNames = new Map([...(nsNames ?? []), ...await netnsNamesById(r)]);
      const unnamed = item.action === 'new' ? indexOf(item.object) ?? 0 : 0;
      if (item.action === 'new' && item.object.kind === 'netconf' && unnamed > 0 && !names.has(unnamed)) { pending.push(item); continue; }
      for (const p of pending.splice(0)) ctx.io.stdout(formatEvent(p, ctx, names, banner, nsNames, known) + '\n');
      ctx.io.stdout(formatEvent(item, ctx, names, banner, nsNames, known) + '\n');
      if (item.action === 'del' && item.object.kind === 'link') known.delete(item.object.header.index);
      if (item.action !== 'overrun' && item.action !== 'resync' && count !== undefined && ++n >= count) break;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await mon.return?.();
    if (own) r.close();
  }
  return 0;
}
