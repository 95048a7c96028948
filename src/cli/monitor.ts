// nlwire monitor: live rtnetlink events, one line each (NDJSON with -j). Overruns are reported
// and followed by a resync; they are never fatal.
import { Rtnl, type MonitorKind, type MonitorItem } from '../rtnl/rtnl.js';
import type { Link, RtObject } from '../rtnl/types.js';
import * as R from '../rtnl/render-ip.js';
import type { CliContext } from './context.js';
import { stringify } from './format.js';
import { UsageError } from './io.js';

export const MONITOR_HELP = `Usage: nlwire monitor [all|link|address|route|neigh|rule|nexthop|netconf|nsid ...] [-t] [-j]
       nlwire monitor ... [count N]

Prints every change the kernel announces, one line each: NEW or DEL, the kind, and the object
as 'ip' shows it. With -j each line is a JSON object {"action","kind","object"} where object is
what 'ip -j' prints for it. Lost events (the kernel's ENOBUFS) are reported and followed by a
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

export function parseMonitorArgs(args: string[]): { kinds: MonitorKind[] | 'all'; count?: number } {
  const kinds: MonitorKind[] = [];
  let count: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'all') continue;
    if (a === 'count') { count = Number(args[++i]); if (!Number.isInteger(count) || count < 1) throw new UsageError('monitor: count needs a positive number'); continue; }
    const k = KINDS[a];
    if (!k) throw new UsageError(`monitor: unknown object '${a}' (see nlwire monitor --help)`);
    kinds.push(k);
  }
  return count === undefined ? { kinds: kinds.length ? kinds : 'all' } : { kinds: kinds.length ? kinds : 'all', count };
}

/** One rendered line for an event (text) or one JSON object (NDJSON). */
export function formatEvent(item: MonitorItem, ctx: CliContext, names: Map<number, string>): string {
  const ts = ctx.timestamps ? `[${new Date().toISOString()}] ` : '';
  if (item.action === 'overrun') {
    return ctx.json ? stringify({ action: 'overrun', reason: item.reason }) : `${ts}!! events lost (${item.reason}); state follows`;
  }
  if (item.action === 'resync') {
    if (ctx.json) return stringify({ action: 'resync', kind: item.kind, objects: render(item.objects, names, ctx, true) });
    return `${ts}== ${item.kind}: ${item.objects.length} now\n` + renderText(item.objects, names, ctx);
  }
  if (ctx.json) {
    const out: Record<string, unknown> = { action: item.action, kind: item.kind, object: render([item.object], names, ctx, true)[0] ?? {} };
    if (ctx.timestamps) out.time = new Date().toISOString();
    if (item.nsid !== undefined) out.nsid = item.nsid;
    return stringify(out);
  }
  const label = item.action === 'new' ? 'NEW' : 'DEL';
  return `${ts}${label} ${item.kind.padEnd(9)} ${renderText([item.object], names, ctx).trimEnd().replace(/\n\s*/g, ' ')}`;
}

function opts(names: Map<number, string>, ctx: CliContext): R.IpRenderOptions {
  return { details: ctx.details, stats: ctx.stats, numeric: ctx.numeric, ifnames: names, allStates: true };
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
    ...[...by('netconf'), ...by('nsid')].map((x) => x.attrs),
  ];
}

function renderText(objects: RtObject[], names: Map<number, string>, ctx: CliContext): string {
  const o = opts(names, ctx);
  const by = <K extends RtObject['kind']>(k: K) => objects.filter((x): x is Extract<RtObject, { kind: K }> => x.kind === k);
  return [
    R.renderLinksText(by('link'), o),
    by('address').map((a) => R.renderAddressEventText(a, o)).join('\n'),
    R.renderRoutesText(by('route'), o),
    R.renderNeighboursText([], by('neighbour'), o),
    R.renderRulesText(by('rule'), o),
    R.renderNexthopsText(by('nexthop'), o),
    [...by('netconf'), ...by('nsid')].map((x) => stringify(x.attrs)).join('\n'),
  ].filter(Boolean).join('\n');
}

/** Keeps an index → name map current from link events (names of deleted links stay known). */
export function trackNames(names: Map<number, string>, item: MonitorItem): void {
  if (item.action === 'resync' && item.kind === 'link') for (const l of item.objects as Link[]) names.set(l.header.index, l.attrs.ifname ?? String(l.header.index));
  if ((item.action === 'new' || item.action === 'del') && item.object.kind === 'link') {
    const l = item.object;
    if (l.attrs.ifname) names.set(l.header.index, l.attrs.ifname);
  }
}

export async function monitorCommand(args: string[], ctx: CliContext, rt?: Rtnl, signal?: AbortSignal): Promise<number> {
  // ip accepts its options after the command too: `monitor all -t`.
  const words = args.filter((a) => {
    if (a === '-t' || a === '--timestamp') { ctx.timestamps = true; return false; }
    if (a === '-j' || a === '--json') { ctx.json = true; return false; }
    return true;
  });
  const { kinds, count } = parseMonitorArgs(words);
  const own = !rt;
  const r = rt ?? Rtnl.open({ ...(ctx.netns ? { netns: ctx.netns } : {}), ...(ctx.capture ? { capture: ctx.capture } : {}) });
  const names = new Map((await r.links()).map((l) => [l.header.index, l.attrs.ifname ?? String(l.header.index)]));
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  signal?.addEventListener('abort', stop, { once: true });
  const mon = r.monitor(kinds, { resync: true, signal: ac.signal, ...(ctx.family ? { families: [ctx.family] } : {}) });
  let n = 0;
  try {
    for await (const item of mon) {
      trackNames(names, item);
      ctx.io.stdout(formatEvent(item, ctx, names) + '\n');
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
