// Seed 8: every link as columns: one typed array (or string list) per chosen field, filled by a
// WebAssembly extractor generated for those fields as the dump arrives. Names, kinds, counters
// (bigints), and options of one kind through its sub-message (`linkinfo.data.vxlan.id`).
//   npx tsx examples/08-link-columns.ts [--netns NAME]
import { Rtnl } from 'nlwire/route';
import { buildMessage, rtnetlinkMessages as M } from 'nlwire/codec';
import { exampleArgs } from './_args.js';

const { netns } = exampleArgs();
using rt = Rtnl.open(netns ? { netns } : {});
const fields = ['header.index', 'ifname', 'linkinfo.kind', 'mtu', 'stats64.rxBytes', 'linkinfo.data.vxlan.id', 'linkinfo.slaveData.bridge.cost'];
const getLinks = buildMessage(M.RTM_GETLINK, { flags: 0, header: {}, attrs: {} });
const { table: t } = await rt.socket.dumpColumns(getLinks, { message: M.RTM_NEWLINK, fields });

const index = t.columns['header.index']!, mtu = t.columns['mtu']!, rx = t.bigColumns['stats64.rxBytes']!;
const vni = t.columns['linkinfo.data.vxlan.id']!, cost = t.columns['linkinfo.slaveData.bridge.cost']!;
const has = (r: number, field: string): boolean => ((t.present[r]! >>> fields.indexOf(field)) & 1) === 1;
console.log('index  name             kind      mtu    rx bytes      vxlan id  port cost');
for (let r = 0; r < t.count; r++) {
  console.log([
    String(index[r]).padEnd(6), t.strings['ifname']![r]!.padEnd(16), (t.strings['linkinfo.kind']![r] || '-').padEnd(9),
    String(mtu[r]).padEnd(6), String(rx[r]).padEnd(13),
    (has(r, 'linkinfo.data.vxlan.id') ? String(vni[r]) : '-').padEnd(9), has(r, 'linkinfo.slaveData.bridge.cost') ? String(cost[r]) : '-',
  ].join(' '));
}
console.log(`${t.count} links`);
