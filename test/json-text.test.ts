// The JSON text writer (ip -j written as it goes, iproute2's json_writer) against the object path
// it replaces (objects rendered, then ipJson()): the same bytes, compact and -p, for a real dump of
// varied routes (and neighbours) under every option, and for the Printer calls a renderer can make (repeated and
// index-like keys, undefined values, keyless values in objects, containers left open, escapes).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl } from '../src/rtnl/rtnl.js';
import { neighboursJsonText, renderNeighbours, renderRoutes, routesJsonText, type IpRenderOptions } from '../src/rtnl/render/index.js';
import { JsonTextList, print, type Printer } from '../src/rtnl/render/printer.js';
import type { Route } from '../src/rtnl/types.js';
import { ipJson } from '../src/cli/format.js';
import { createNetns } from './helpers/netns.js';

/** Both paths for items printed by `printItem`: [object path's text, text path's text]. */
function both<T>(items: readonly T[], printItem: (p: Printer, item: T) => void, pretty: boolean, chunk = Infinity): [string, string] {
  const objects = print(true, (p) => { for (const i of items) printItem(p, i); }).out;
  const list = new JsonTextList(printItem, pretty);
  let text = '';
  for (const i of items) {
    list.add(i);
    if (list.length >= chunk) text += list.take();
  }
  return [ipJson(objects, pretty), text + list.end()];
}

const SHAPES: Record<string, (p: Printer) => void> = {
  empty: () => {},
  scalars: (p) => { p.open(); p.any('s', '%s', 'a'); p.any('n', '%s', 1.5); p.any('z', '%s', -0); p.any('b', '%s', false); p.nul('x', ''); p.any('inf', '%s', Infinity); p.close(); },
  undefinedDropped: (p) => { p.open(); p.any('a', '%s', undefined); p.any('b', '%s', 2); p.close(); },
  undefinedThenSet: (p) => { p.open(); p.any('a', '%s', undefined); p.any('b', '%s', 2); p.any('a', '%s', 3); p.close(); },
  repeatedKey: (p) => { p.open(); p.any('dst', '%s', '10.0.0.0/8'); p.any('encap', '%s', 'ip'); p.any('dst', '%s', '192.0.2.1'); p.close(); },
  repeatedAfterNested: (p) => { p.open(); p.open('via'); p.any('host', '%s', 'h'); p.close(); p.any('host', '%s', 'x'); p.close(); },
  sameKeyNested: (p) => { p.open(); p.any('dev', '%s', 'a'); p.openArr('nexthops'); p.open(); p.any('dev', '%s', 'b'); p.close(); p.open(); p.any('dev', '%s', 'c'); p.close(); p.closeArr(); p.close(); },
  indexLikeKeys: (p) => { p.open(); p.any('b', '%s', 1); p.any('2', '%s', 2); p.any('a', '%s', 3); p.close(); },
  keylessInObject: (p) => { p.open(); p.any(null, '%s', 'lost'); p.open(null); p.any('k', '%s', 1); p.close(); p.any('kept', '%s', 1); p.close(); },
  arrays: (p) => { p.open(); p.js('flags', []); p.js('words', ['a', 'b']); p.openArr('list'); p.any(null, '%s', 1); p.any('k', '%s', 'keyed'); p.any(null, '%s', undefined); p.open(); p.close(); p.closeArr(); p.openArr('none'); p.closeArr(); p.close(); },
  leftOpen: (p) => { p.open(); p.any('a', '%s', 1); p.openArr('l'); p.open(); p.any('b', '%s', 2); },
  extraClose: (p) => { p.open(); p.any('a', '%s', 1); p.close(); p.close(); p.closeArr(); },
  topLevelScalars: (p) => { p.any(null, '%s', 'x'); p.any('k', '%s', 2); },
  escapes: (p) => { p.open(); p.any('q"uote\\', '%s', 'tab\there "q" \\ \u0001 é ü 日本 \ud800 😀 \u007f'); p.any('alias', '%s', 'dummy one'); p.close(); },
  deep: (p) => { p.open(); p.openArr('a'); p.open(); p.open('b'); p.openArr('c'); p.js(null, ['x']); p.closeArr(); p.close(); p.close(); p.closeArr(); p.close(); },
};

test('the Printer calls a renderer makes: the object path\'s bytes, compact and -p', () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    for (const pretty of [false, true]) {
      // an item left open is closed before the next (the object path would nest the next one in it)
      for (const n of name === 'leftOpen' ? [0, 1] : [0, 1, 3]) {
        const [objects, text] = both(Array.from({ length: n }, (_, i) => i), (p) => shape(p), pretty, 8);
        assert.is(text, objects, `${name} x${n}${pretty ? ' -p' : ''}`);
      }
    }
  }
});

test('a repeated key in one item leaves the items around it as text', () => {
  const items = ['plain', 'repeated', 'plain'];
  const printItem = (p: Printer, kind: string): void => {
    p.open(); p.any('a', '%s', 1);
    if (kind === 'repeated') p.any('a', '%s', 2);
    p.any('b', '%s', kind); p.close();
  };
  for (const pretty of [false, true]) {
    const [objects, text] = both(items, printItem, pretty);
    assert.is(text, objects);
  }
  assert.is(both(items, printItem, false)[1], '[{"a":1,"b":"plain"},{"a":2,"b":"repeated"},{"a":1,"b":"plain"}]');
});

const ROUTES: string[] = [
  'link add v0 type veth peer name v1', 'link add d0 type ifb', 'link set v0 up', 'link set v1 up', 'link set d0 up',
  'addr add 10.0.0.1/24 dev v0', 'addr add 10.4.0.1/24 dev d0', 'addr add 2001:db8:1::1/64 dev v0 nodad', 'addr add 2001:db8:3::1/64 dev d0 nodad',
  'route add 10.5.0.0/16 via 10.0.0.254 metric 20', 'route add 10.6.0.0/16 via 10.0.0.254 proto bird', 'route add 10.7.0.0/16 dev d0 proto static scope link',
  'route add 10.8.0.0/16 nexthop via 10.0.0.253 dev v0 weight 2 nexthop via 10.4.0.254 dev d0', 'route add blackhole 10.10.0.0/16',
  'route add unreachable 10.11.0.0/16', 'route add prohibit 10.12.0.0/16 metric 7', 'route add throw 10.18.0.0/16',
  'route add 10.13.0.0/16 via 10.0.0.254 mtu lock 1300 advmss 1200 rtt 3s rttvar 10ms window 1000 cwnd 10 initcwnd 5 quickack 1 congctl cubic features ecn',
  'route add 10.14.0.0/16 via 10.0.0.254 table 100 proto static', 'route add default via 10.0.0.254 table 100', 'route add 10.15.0.0/16 dev d0 table 200 src 10.4.0.1',
  'route add 10.19.0.0/16 via 10.0.0.254 realms 3/4', 'route add 10.20.0.0/16 via 10.0.0.254 dev v0 onlink', 'route add 10.21.0.0/16 via 10.0.0.254 tos 0x10',
  'route add 10.22.0.0/16 via inet6 2001:db8:1::2 dev v0',
  'route add 2001:db8:9::/48 via 2001:db8:1::2 proto bird', 'route add 2001:db8:a::/48 nexthop via 2001:db8:1::2 dev v0 nexthop via 2001:db8:3::2 dev d0',
  'route add 2001:db8:b::/48 dev d0 metric 512 pref high table 100', 'route add unreachable 2001:db8:c::/48', 'route add 2001:db8:d::/48 via 2001:db8:1::2 expires 300',
  'nexthop add id 1 via 10.0.0.254 dev v0', 'nexthop add id 2 via 10.4.0.254 dev d0', 'nexthop add id 3 blackhole', 'nexthop add id 10 group 1/2,3',
  'route add 10.16.0.0/16 nhid 10', 'route add 10.17.0.0/16 nhid 1 proto bird',
  'neigh add 10.0.0.254 lladdr 02:00:00:00:01:fe dev v0', 'neigh add 10.0.0.253 lladdr 02:00:00:00:01:fd dev v0 nud reachable',
  'neigh add 10.4.0.254 lladdr 02:00:00:00:02:fe dev d0 nud stale router', 'neigh add 2001:db8:1::2 lladdr 02:00:00:00:01:02 dev v0 router', 'neigh add 10.0.0.9 lladdr 02:00:00:00:01:09 dev v0 nud noarp',
  'neigh add proxy 10.0.0.100 dev v0',
];
/** Encapsulations this kernel may not have (each tried alone): ip's encap ip puts `dst` twice in a route. */
const OPTIONAL_ROUTES: string[] = [
  'route add 10.30.0.0/16 encap ip id 5 dst 192.0.2.9 ttl 3 dev v0', 'route add 10.31.0.0/16 encap ip6 id 5 dst 2001:db8::9 hoplimit 4 tc 1 dev v0',
  'route add 10.32.0.0/16 encap mpls 100/200 via 10.0.0.254 dev v0', 'route add 10.33.0.0/16 encap seg6 mode encap segs 2001:db8::9 dev v0',
];

test('a real dump of varied routes: the object path\'s bytes under every option, compact and -p', async () => {
  const ns = createNetns('jsontext');
  try {
    ns.exec('sysctl', ['-qw', 'net.ipv6.conf.default.addr_gen_mode=1', 'net.ipv6.conf.all.addr_gen_mode=1']);
    ns.batch(ROUTES);
    const encaps = OPTIONAL_ROUTES.filter((r) => { try { ns.ip(...r.split(' ')); return true; } catch { return false; } });
    using rt = Rtnl.open({ netns: ns.name });
    const links = await rt.links();
    const ifnames = new Map(links.map((l) => [l.header.index, l.attrs.ifname ?? '']));
    const all = await rt.routes({ table: 'all' });
    const nexthops = await rt.nexthops();
    // the CLI's stream reads a datagram's routes at a time: the same routes, in order
    const batched: Route[] = [];
    for await (const b of rt.routeBatchStream({ table: 'all' })) batched.push(...b);
    assert.equal(batched.map((r) => [r.header, r.attrs.dst, r.attrs.table]), all.map((r) => [r.header, r.attrs.dst, r.attrs.table]));
    const shapes = new Set(all.map((r) => Object.keys(r.attrs).sort().join(',')));
    assert.ok(all.length > 30 && shapes.size > 10, `${all.length} routes, ${shapes.size} attribute sets`);
    assert.ok(all.some((r) => r.attrs.multipath) && all.some((r) => r.attrs.metrics) && all.some((r) => r.header.family === 10));
    const main4 = all.filter((r) => r.header.family === 2 && (r.attrs.table ?? r.header.table) === 254);
    const sets: Array<[string, readonly Route[], IpRenderOptions]> = [];
    for (const [what, routes, table] of [['table all', all, 'all'], ['main', main4, 254], ['table 100', all.filter((r) => r.attrs.table === 100), 100]] as const) {
      for (const o of [{}, { details: true, nexthops }, { stats: 1 }, { numeric: true }, { details: true, stats: 2, numeric: true, nexthops }, { cache: true }, { filtered: { dev: true, protocol: true, via: true, metric: true } }] as IpRenderOptions[]) {
        sets.push([`${what} ${JSON.stringify(Object.keys(o))}`, routes, { ifnames, table, ...o }]);
      }
    }
    for (const [what, routes, o] of sets) {
      for (const pretty of [false, true]) {
        const objects = ipJson(renderRoutes(routes, o), pretty);
        const list = routesJsonText(o, pretty);
        let text = '';
        for (const r of routes) { list.add(r); if (list.length > 512) text += list.take(); }
        text += list.end();
        assert.is(text, objects, `${what}${pretty ? ' -p' : ''}`);
      }
    }
    const neighs = await rt.neighbours();
    assert.ok(neighs.length >= 4, `${neighs.length} neighbours`);
    for (const o of [{}, { stats: 1 }, { allStates: true }, { filtered: { dev: true } }, { family: 6 }] as IpRenderOptions[]) {
      for (const pretty of [false, true]) {
        const list = neighboursJsonText(links, { ifnames, ...o }, pretty);
        for (const n of neighs) list.add(n);
        assert.is(list.end(), ipJson(renderNeighbours(links, neighs, { ifnames, ...o }), pretty), `neighbours ${JSON.stringify(o)}${pretty ? ' -p' : ''}`);
      }
    }
    console.log(`  ${all.length} routes (${shapes.size} attribute sets, encaps: ${encaps.map((e) => e.split(' ')[4]).join(' ') || 'none'}), ${sets.length * 2} option sets`);
  } finally { ns.delete(); }
});

test.run();
