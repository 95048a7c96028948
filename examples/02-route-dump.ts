// Seed 2: dump the main routing table and show every route (the C original only counted them).
//   npx tsx examples/02-route-dump.ts [--netns NAME] [-6]
import { Rtnl, rtProtocol, rtScope, rtnType } from 'nlwire/route';
import { enumName } from 'nlwire';
import { exampleArgs } from './_args.js';

const { netns, rest } = exampleArgs();
using rt = Rtnl.open(netns ? { netns } : {});
const family = rest.includes('-6') ? 6 : 4;
const names = new Map((await rt.links()).map((l) => [l.header.index, l.attrs.ifname ?? '?']));
const routes = await rt.routes({ family, table: 'main' });
for (const r of routes) {
  const dst = r.attrs.dst ? `${r.attrs.dst}/${r.header.dstLen}` : 'default';
  const parts = [dst];
  if (r.header.type !== 1) parts.unshift(enumName(rtnType, r.header.type) ?? String(r.header.type));
  if (r.attrs.gateway) parts.push(`via ${r.attrs.gateway}`);
  if (r.attrs.oif !== undefined) parts.push(`dev ${names.get(r.attrs.oif) ?? r.attrs.oif}`);
  for (const nh of r.attrs.multipath ?? []) parts.push(`nexthop via ${nh.attrs.gateway ?? '-'} dev ${names.get(nh.ifindex)} weight ${nh.hops + 1}`);
  parts.push(`proto ${enumName(rtProtocol, r.header.protocol) ?? r.header.protocol}`);
  parts.push(`scope ${enumName(rtScope, r.header.scope) ?? r.header.scope}`);
  if (r.attrs.prefsrc) parts.push(`src ${r.attrs.prefsrc}`);
  if (r.attrs.priority !== undefined) parts.push(`metric ${r.attrs.priority}`);
  console.log(parts.join(' '));
}
console.log(`${routes.length} routes in the main table (IPv${family})`);
