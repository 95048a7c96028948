// Seed 3: list interfaces with index, name, type, flags, MTU and MAC address.
//   npx tsx examples/03-list-interfaces.ts [--netns NAME]
import { Rtnl, arphrd, iff } from 'nlwire/route';
import { enumName, flagNamesOf } from 'nlwire';
import { exampleArgs } from './_args.js';

const { netns } = exampleArgs();
using rt = Rtnl.open(netns ? { netns } : {});
console.log('index  name             type       mtu    mac                flags');
for (const l of await rt.links()) {
  const type = l.attrs.linkinfo?.kind ?? enumName(arphrd, l.header.type) ?? String(l.header.type);
  console.log([
    String(l.header.index).padEnd(6), (l.attrs.ifname ?? '').padEnd(16), type.padEnd(10),
    String(l.attrs.mtu ?? '').padEnd(6), (l.attrs.address ?? '-').padEnd(18), flagNamesOf(iff, l.header.flags).map((f) => f.toUpperCase()).join(','),
  ].join(' '));
}
