// Seed 4: a detailed multi-group monitor (LINK, IPV4/IPV6_IFADDR, IPV4/IPV6_ROUTE) that decodes
// everything: link flags (UP, RUNNING, ...), operational state, addresses, routes.
//   npx tsx examples/04-detailed-monitor.ts [--netns NAME] [--count N]
import { Rtnl, iff, operstate, rtScope, rtProtocol } from 'nlwire/route';
import { enumName, flagNamesOf } from 'nlwire';
import { exampleArgs } from './_args.js';

const { netns, count } = exampleArgs();
using rt = Rtnl.open(netns ? { netns } : {});
const ac = new AbortController();
process.once('SIGINT', () => ac.abort());
const names = new Map((await rt.links()).map((l) => [l.header.index, l.attrs.ifname ?? '?']));
const dev = (i: number | undefined): string => (i === undefined ? '-' : names.get(i) ?? `if${i}`);

let n = 0;
for await (const ev of rt.monitor(['link', 'address', 'route'], { signal: ac.signal })) {
  if (ev.action === 'overrun') { console.log('[overrun] events lost'); continue; }
  if (ev.action === 'resync') continue;
  const tag = ev.action === 'new' ? 'NEW' : 'DEL';
  const o = ev.object;
  switch (o.kind) {
    case 'link': {
      if (o.attrs.ifname) names.set(o.header.index, o.attrs.ifname);
      const flags = flagNamesOf(iff, o.header.flags);
      console.log(`[${tag} LINK] ${o.attrs.ifname} index=${o.header.index} up=${flags.includes('up')} running=${flags.includes('running')} ` +
        `state=${enumName(operstate, o.attrs.operstate ?? 0)} mtu=${o.attrs.mtu} mac=${o.attrs.address ?? '-'} flags=<${flags.join(',')}>`);
      break;
    }
    case 'address':
      console.log(`[${tag} ADDR] ${o.attrs.local ?? o.attrs.address}/${o.header.prefixlen} dev ${dev(o.header.index)} ` +
        `scope ${enumName(rtScope, o.header.scope)}${o.attrs.label ? ` label ${o.attrs.label}` : ''}`);
      break;
    case 'route':
      console.log(`[${tag} ROUTE] ${o.attrs.dst ? `${o.attrs.dst}/${o.header.dstLen}` : 'default'}` +
        `${o.attrs.gateway ? ` via ${o.attrs.gateway}` : ''} dev ${dev(o.attrs.oif)} table ${o.attrs.table ?? o.header.table} ` +
        `proto ${enumName(rtProtocol, o.header.protocol)}${o.attrs.priority !== undefined ? ` metric ${o.attrs.priority}` : ''}`);
      break;
    default:
      break;
  }
  if (count && ++n >= count) break;
}
