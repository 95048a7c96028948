// Beyond rtnetlink: generic netlink (a declared family and a YNL spec loaded at run time),
// sockets (sock_diag) and the nf_tables ruleset, in one namespace.
//   npx tsx examples/07-other-families.ts [--netns NAME] [--dev NAME]
import * as genl from 'nlwire/genl';
import * as ynl from 'nlwire/ynl';
import * as diag from 'nlwire/diag';
import * as netfilter from 'nlwire/netfilter';
import { exampleArgs } from './_args.js';

const { netns, rest } = exampleArgs();
const dev = rest[rest.indexOf('--dev') + 1] ?? 'lo';
const where = netns ? { netns } : {};

using g = genl.GenericNetlink.open(where);
const info = await g.resolve('ethtool');
console.log(`ethtool: family id ${info.id}, ${info.ops.length} operations, groups ${Object.keys(info.mcastGroups).join(', ')}`);
const eth = await g.bind(genl.ethtool);
const state = await eth.do('linkstateGet', { header: { devName: dev } });
console.log(`${dev}: link ${state?.link ? 'up' : 'down'}`);

const netdev = await ynl.YnlFamily.load('specs/netdev.yaml', where);
for (const d of await netdev.dump('dev-get', {})) console.log('netdev', JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
netdev.close();

const tcp = await diag.listSockets({ protocol: 'tcp', family: 4, ...where });
console.log(`${tcp.length} IPv4 TCP sockets`);
const rs = await netfilter.listRuleset(where);
console.log(`nf_tables: ${rs.tables.length} tables, ${rs.chains.length} chains, ${rs.rules.length} rules`);
