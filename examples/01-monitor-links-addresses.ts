// Seed 1: monitor link and address changes (RTNLGRP_LINK, IPV4_IFADDR, IPV6_IFADDR) and say
// what happened, in words. Ctrl+C exits cleanly.
//   npx tsx examples/01-monitor-links-addresses.ts [--netns NAME] [--count N]
import { Rtnl, iff } from 'nlwire/route';
import { flagNamesOf } from 'nlwire';
import { exampleArgs } from './_args.js';

const { netns, count } = exampleArgs();
using rt = Rtnl.open(netns ? { netns } : {});
const ac = new AbortController();
process.once('SIGINT', () => ac.abort());
const names = new Map((await rt.links()).map((l) => [l.header.index, l.attrs.ifname ?? '?']));

let n = 0;
console.log('watching links and addresses (Ctrl+C to stop)');
for await (const ev of rt.monitor(['link', 'address'], { signal: ac.signal, resync: true })) {
  if (ev.action === 'overrun') { console.log('events were lost; re-reading the current state'); continue; }
  if (ev.action === 'resync') continue;
  const o = ev.object;
  if (o.kind === 'link') {
    const name = o.attrs.ifname ?? `if${o.header.index}`;
    names.set(o.header.index, name);
    const flags = flagNamesOf(iff, o.header.flags).map((f) => f.toUpperCase()).join(',');
    console.log(ev.action === 'new' ? `link ${name} (index ${o.header.index}) is now <${flags}> mtu ${o.attrs.mtu}` : `link ${name} was deleted`);
  } else if (o.kind === 'address') {
    const dev = names.get(o.header.index) ?? `if${o.header.index}`;
    const addr = `${o.attrs.local ?? o.attrs.address}/${o.header.prefixlen}`;
    console.log(ev.action === 'new' ? `address ${addr} added on ${dev}` : `address ${addr} removed from ${dev}`);
  }
  if (count && ++n >= count) break;
}
