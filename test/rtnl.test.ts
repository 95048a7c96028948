// The rtnetlink verbs against the real kernel: every change is checked with `ip -j`, and its
// reverse restores the state; every change produces the expected typed event.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NetlinkError } from '../src/core/errors.js';
import { Rtnl, type MonitorItem, type RouteEvent } from '../src/rtnl/rtnl.js';
import { createNetns, withNetns, type TestNetns } from './helpers/netns.js';

interface IpLink { ifname: string; ifindex: number; mtu: number; flags: string[]; master?: string; address?: string; ifalias?: string; linkinfo?: { info_kind: string; info_data?: Record<string, unknown> } }
interface IpAddr { ifname: string; addr_info: Array<{ local: string; prefixlen: number; family: string; valid_life_time?: number; label?: string }> }
interface IpRoute { dst: string; gateway?: string; dev?: string; metric?: number; table?: string; type?: string; nexthops?: Array<{ gateway: string; dev: string; weight: number }>; nhid?: number; metrics?: Array<Record<string, number>> }

const links = (ns: TestNetns): IpLink[] => ns.ipJson<IpLink[]>('-d', 'link', 'show');
const link = (ns: TestNetns, name: string): IpLink | undefined => links(ns).find((l) => l.ifname === name);
const addrs = (ns: TestNetns, dev: string): string[] =>
  ns.ipJson<IpAddr[]>('addr', 'show', 'dev', dev).flatMap((l) => l.addr_info.map((a) => `${a.local}/${a.prefixlen}`));
const routes = (ns: TestNetns, ...args: string[]): IpRoute[] => ns.ipJson<IpRoute[]>('route', 'show', ...args);

function rich(ns: TestNetns): void {
  ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
  ns.ip('link', 'set', 'va', 'up');
  ns.ip('link', 'set', 'vb', 'up');
  ns.ip('addr', 'add', '10.1.0.1/24', 'dev', 'va');
  ns.ip('addr', 'add', '2001:db8:1::1/64', 'dev', 'va', 'nodad');
}

test('reads: links, addresses, routes, neighbours, rules agree with ip -j', async () => {
  await withNetns('read', async (ns) => {
    rich(ns);
    ns.ip('route', 'add', '10.5.0.0/16', 'via', '10.1.0.2', 'table', '100');
    ns.ip('neigh', 'add', '10.1.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'va');
    ns.ip('rule', 'add', 'from', '10.1.0.0/24', 'table', '100', 'priority', '1000');
    using rt = Rtnl.open({ netns: ns.name });
    const ls = await rt.links();
    assert.equal(ls.map((l) => l.attrs.ifname).sort(), links(ns).map((l) => l.ifname).sort());
    const va = await rt.link('va');
    assert.is(va.header.index, link(ns, 'va')!.ifindex);
    assert.is(va.attrs.linkinfo?.kind, 'veth');
    const byIndex = await rt.link(va.header.index);
    assert.is(byIndex.attrs.ifname, 'va');
    try { await rt.link('nope0'); assert.unreachable(); } catch (e) { assert.is((e as NetlinkError).code, 'ENODEV'); }
    const vethOnly = await rt.links({ kind: 'veth' });
    assert.equal(vethOnly.map((l) => l.attrs.ifname).sort(), ['va', 'vb']);
    const a = await rt.addresses({ dev: 'va' });
    assert.equal(a.map((x) => `${x.attrs.address}/${x.header.prefixlen}`).sort(), addrs(ns, 'va').sort());
    const t100 = await rt.routes({ table: 100 });
    assert.equal(t100.map((r) => `${r.attrs.dst}/${r.header.dstLen} via ${r.attrs.gateway}`), ['10.5.0.0/16 via 10.1.0.2']);
    const main4 = await rt.routes({ table: 'main', family: 4 });
    assert.equal(main4.length, routes(ns).length);
    const neigh = await rt.neighbours({ dev: 'va' });
    assert.ok(neigh.some((n) => n.attrs.dst === '10.1.0.9' && n.attrs.lladdr === '02:00:00:00:00:09'));
    const rules = await rt.rules({ family: 4 });
    assert.ok(rules.some((r) => r.attrs.priority === 1000 && r.attrs.table === 100 && r.attrs.src === '10.1.0.0'));
    let streamed = 0;
    for await (const l of rt.linkStream()) { assert.is(l.kind, 'link'); streamed++; }
    assert.is(streamed, ls.length);
    // Every kind can be read as a stream too, with the same objects as the array form.
    const collect = async <T>(g: AsyncGenerator<T>): Promise<T[]> => { const out: T[] = []; for await (const x of g) out.push(x); return out; };
    assert.is((await collect(rt.addressStream())).length, (await rt.addresses()).length);
    assert.is((await collect(rt.routeStream({ table: 100 }))).length, 1);
    assert.is((await collect(rt.neighbourStream())).length, (await rt.neighbours()).length);
    assert.is((await collect(rt.ruleStream(4))).length, rules.length);
    assert.is((await collect(rt.nexthopStream())).length, 0);
  });
});

test('links: create veth/bridge/vxlan/macvlan, set and delete, checked with ip -j', async () => {
  await withNetns('links', async (ns) => {
    using rt = Rtnl.open({ netns: ns.name });
    await rt.addLink({ name: 'v0', type: 'veth', peer: { name: 'v1' } });
    assert.is(link(ns, 'v0')?.linkinfo?.info_kind, 'veth');
    assert.ok(link(ns, 'v1'));
    await rt.addLink({ name: 'br0', type: 'bridge', up: true });
    assert.is(link(ns, 'br0')?.linkinfo?.info_kind, 'bridge');
    await rt.setLink('v0', { master: 'br0', up: true, mtu: 1400, alias: 'uplink', address: '02:11:22:33:44:55' });
    let v0 = link(ns, 'v0')!;
    assert.is(v0.master, 'br0');
    assert.is(v0.mtu, 1400);
    assert.ok(v0.flags.includes('UP'));
    assert.is(v0.ifalias, 'uplink');
    assert.is(v0.address, '02:11:22:33:44:55');
    await rt.setLink('v0', { master: null, up: false, name: 'v0renamed' });
    v0 = link(ns, 'v0renamed')!;
    assert.is(v0.master, undefined);
    assert.not.ok(v0.flags.includes('UP'));
    await rt.addAddress('v1', '10.3.0.1/24');
    await rt.addLink({ name: 'vx0', type: 'vxlan', vxlan: { id: 42, local: '10.3.0.1', port: 4789, dev: 'v1' } });
    const vx = link(ns, 'vx0')!;
    assert.is(vx.linkinfo?.info_kind, 'vxlan');
    assert.is(vx.linkinfo?.info_data?.id, 42);
    assert.is(vx.linkinfo?.info_data?.port, 4789);
    assert.is(vx.linkinfo?.info_data?.local, '10.3.0.1');
    await rt.addLink({ name: 'mv0', type: 'macvlan', macvlan: { mode: 'bridge', link: 'v1' } });
    assert.is(link(ns, 'mv0')?.linkinfo?.info_data?.mode, 'bridge');
    try { await rt.addLink({ name: 'dm0', type: 'dummy' }); assert.unreachable(); } catch (e) {
      assert.instance(e, NetlinkError);
      assert.is((e as NetlinkError).code, 'EOPNOTSUPP');
      assert.is((e as NetlinkError).extack.message, 'Unknown device type');
    }
    for (const n of ['mv0', 'vx0', 'v0renamed', 'br0']) await rt.deleteLink(n);
    assert.equal(links(ns).map((l) => l.ifname), ['lo']);
  });
});

test('links: create a veth whose peer lives in another namespace, and move a link', async () => {
  const other = createNetns('peer');
  try {
    await withNetns('move', async (ns) => {
      using rt = Rtnl.open({ netns: ns.name });
      await rt.addLink({ name: 'xa', type: 'veth', peer: { name: 'xb', netns: other.name } });
      assert.ok(link(ns, 'xa'));
      assert.ok(link(other, 'xb'));
      await rt.addLink({ name: 'ya', type: 'veth', peer: { name: 'yb' } });
      await rt.setLink('yb', { netns: other.name });
      assert.ok(link(other, 'yb'));
      assert.is(link(ns, 'yb'), undefined);
    });
  } finally { other.delete(); }
});

test('addresses: add with lifetimes, replace, delete (v4 and v6)', async () => {
  await withNetns('addr', async (ns) => {
    rich(ns);
    using rt = Rtnl.open({ netns: ns.name });
    await rt.addAddress('va', '10.2.0.1/16', { validLifetime: 300, preferredLifetime: 200, label: 'va:x' });
    const a = ns.ipJson<IpAddr[]>('addr', 'show', 'dev', 'va')[0]!.addr_info.find((x) => x.local === '10.2.0.1')!;
    assert.is(a.prefixlen, 16);
    assert.ok(a.valid_life_time! <= 300 && a.valid_life_time! > 250);
    assert.is(a.label, 'va:x');
    await rt.addAddress('va', '2001:db8:2::5/64', { noDad: true });
    assert.ok(addrs(ns, 'va').includes('2001:db8:2::5/64'));
    try { await rt.addAddress('va', '10.2.0.1/16'); assert.unreachable(); } catch (e) { assert.is((e as NetlinkError).code, 'EEXIST'); }
    await rt.replaceAddress('va', '10.2.0.1/16', { validLifetime: 100, preferredLifetime: 100 });
    await rt.deleteAddress('va', '10.2.0.1/16');
    await rt.deleteAddress('va', '2001:db8:2::5/64');
    assert.equal(addrs(ns, 'va').filter((x) => !x.startsWith('fe80')).sort(), ['10.1.0.1/24', '2001:db8:1::1/64']);
    // A prefix the address cannot have is refused before anything is sent.
    try { await rt.addAddress('va', '10.9.9.9/40'); assert.unreachable(); } catch (e) { assert.instance(e, TypeError); }
  });
});

test('routes: add/replace/append/delete, tables, metrics, multipath, nhid, special types', async () => {
  await withNetns('route', async (ns) => {
    rich(ns);
    ns.ip('link', 'add', 'wa', 'type', 'veth', 'peer', 'name', 'wb');
    ns.ip('link', 'set', 'wa', 'up');
    ns.ip('addr', 'add', '10.4.0.1/24', 'dev', 'wa');
    using rt = Rtnl.open({ netns: ns.name });
    await rt.addRoute({ dst: '10.10.0.0/16', gateway: '10.1.0.2', metric: 50, metrics: { mtu: 1400, advmss: 1300 } });
    let r = routes(ns).find((x) => x.dst === '10.10.0.0/16')!;
    assert.is(r.gateway, '10.1.0.2');
    assert.is(r.dev, 'va');
    assert.is(r.metric, 50);
    assert.equal(r.metrics, [{ mtu: 1400, advmss: 1300 }]);
    await rt.replaceRoute({ dst: '10.10.0.0/16', gateway: '10.4.0.2', metric: 50 });
    r = routes(ns).find((x) => x.dst === '10.10.0.0/16')!;
    assert.is(r.gateway, '10.4.0.2');
    await rt.addRoute({ dst: '10.11.0.0/16', gateway: '10.1.0.2', table: 100 });
    assert.is(routes(ns, 'table', '100')[0]!.dst, '10.11.0.0/16');
    await rt.addRoute({ dst: '10.12.0.0/16', table: 1000, dev: 'va' });
    assert.is(routes(ns, 'table', '1000')[0]!.dst, '10.12.0.0/16');
    await rt.addRoute({ dst: '10.13.0.0/16', multipath: [{ gateway: '10.1.0.2', dev: 'va', weight: 1 }, { gateway: '10.4.0.2', dev: 'wa', weight: 3 }] });
    r = routes(ns).find((x) => x.dst === '10.13.0.0/16')!;
    assert.equal(r.nexthops!.map((n) => [n.gateway, n.dev, n.weight]), [['10.1.0.2', 'va', 1], ['10.4.0.2', 'wa', 3]]);
    for (const type of ['blackhole', 'unreachable', 'prohibit']) await rt.addRoute({ dst: `10.14.${type.length}.0/24`, type });
    assert.equal(routes(ns).filter((x) => x.dst.startsWith('10.14.')).map((x) => x.type).sort(), ['blackhole', 'prohibit', 'unreachable']);
    await rt.addRoute({ dst: '2001:db8:9::/48', gateway: '2001:db8:1::2', metric: 10 });
    assert.ok(ns.ipJson<IpRoute[]>('-6', 'route', 'show').some((x) => x.dst === '2001:db8:9::/48' && x.gateway === '2001:db8:1::2'));
    await rt.appendRoute({ dst: '2001:db8:9::/48', gateway: '2001:db8:1::3', metric: 10 });
    await rt.addNexthop({ id: 7, gateway: '10.1.0.2', dev: 'va' });
    await rt.addRoute({ dst: '10.15.0.0/16', nhid: 7 });
    assert.is(routes(ns).find((x) => x.dst === '10.15.0.0/16')?.nhid, 7);
    try { await rt.addRoute({ dst: '10.16.0.0/16', gateway: '192.0.2.1' }); assert.unreachable(); } catch (e) {
      assert.is((e as NetlinkError).code, 'ENETUNREACH');
      assert.is((e as NetlinkError).extack.message, 'Nexthop has invalid gateway');
    }
    // Reverse everything: the tables are as before.
    for (const dst of ['10.10.0.0/16', '10.13.0.0/16', '10.15.0.0/16', '10.14.9.0/24', '10.14.11.0/24', '10.14.8.0/24']) await rt.deleteRoute({ dst });
    await rt.deleteRoute({ dst: '10.11.0.0/16', table: 100 });
    await rt.deleteRoute({ dst: '10.12.0.0/16', table: 1000 });
    await rt.deleteRoute({ dst: '2001:db8:9::/48', gateway: '2001:db8:1::3' });
    await rt.deleteRoute({ dst: '2001:db8:9::/48' });
    assert.equal(routes(ns).map((x) => x.dst).sort(), ['10.1.0.0/24', '10.4.0.0/24']);
    assert.equal(routes(ns, 'table', '100'), []);
  });
});

test('neighbours, rules, nexthops: add and delete, checked with ip -j', async () => {
  await withNetns('nrn', async (ns) => {
    rich(ns);
    using rt = Rtnl.open({ netns: ns.name });
    await rt.addNeighbour({ dst: '10.1.0.7', lladdr: '02:00:00:00:00:07', dev: 'va' });
    const n = ns.ipJson<Array<{ dst: string; lladdr: string; state: string[] }>>('neigh', 'show', 'dev', 'va').find((x) => x.dst === '10.1.0.7')!;
    assert.is(n.lladdr, '02:00:00:00:00:07');
    assert.equal(n.state, ['PERMANENT']);
    await rt.deleteNeighbour({ dst: '10.1.0.7', dev: 'va' });
    assert.not.ok(ns.ipJson<Array<{ dst: string }>>('neigh', 'show', 'dev', 'va').some((x) => x.dst === '10.1.0.7'));

    await rt.addRule({ priority: 500, from: '10.1.0.0/24', table: 100, fwmark: 0x10, fwmask: 0xff, ipproto: 6, dport: [80, 90] });
    await rt.addRule({ family: 6, priority: 600, to: '2001:db8::/32', table: 200 });
    const r4 = ns.ipJson<Array<Record<string, unknown>>>('rule', 'show').find((x) => x.priority === 500)!;
    assert.is(r4.src, '10.1.0.0');
    assert.is(r4.srclen, 24);
    assert.is(r4.table, '100');
    assert.is(r4.fwmark, '0x10');
    assert.is(r4.ipproto, 'tcp');
    assert.is(r4.dport_start, 80);
    assert.ok(ns.ipJson<Array<Record<string, unknown>>>('-6', 'rule', 'show').some((x) => x.priority === 600 && x.table === '200'));
    await rt.deleteRule({ priority: 500 });
    await rt.deleteRule({ family: 6, priority: 600 });
    assert.not.ok(ns.ipJson<Array<Record<string, unknown>>>('rule', 'show').some((x) => x.priority === 500));

    await rt.addNexthop({ id: 1, gateway: '10.1.0.2', dev: 'va' });
    await rt.addNexthop({ id: 2, gateway: '10.1.0.3', dev: 'va' });
    await rt.addNexthop({ id: 10, group: [{ id: 1 }, { id: 2, weight: 3 }] });
    await rt.addNexthop({ id: 11, group: [{ id: 1 }, { id: 2 }], resilient: { buckets: 8 } });
    const nhs = ns.ipJson<Array<{ id: number; gateway?: string; group?: Array<{ id: number; weight?: number }>; type?: string }>>('nexthop', 'show');
    assert.equal(nhs.find((x) => x.id === 10)?.group, [{ id: 1 }, { id: 2, weight: 3 }]);
    assert.is(nhs.find((x) => x.id === 11)?.type, 'resilient');
    const ours = await rt.nexthops();
    assert.equal(ours.map((x) => x.attrs.id).sort((a, b) => a! - b!), [1, 2, 10, 11]);
    assert.equal(ours.find((x) => x.attrs.id === 10)?.attrs.group, [{ id: 1, weight: 1 }, { id: 2, weight: 3 }]);
    const one = await rt.nexthops({ id: 1 });
    assert.is(one[0]?.attrs.gateway, '10.1.0.2');
    for (const id of [11, 10, 2, 1]) await rt.deleteNexthop(id);
    assert.equal(ns.ipJson('nexthop', 'show'), []);
    try { await rt.addNexthop({ id: 3, family: 4 }); assert.unreachable(); } catch (e) {
      assert.match((e as NetlinkError).extack.message ?? '', /Device attribute required/);
    }
  });
});

test('monitor: every change produces the expected typed event', async () => {
  await withNetns('mon', async (ns) => {
    using rt = Rtnl.open({ netns: ns.name });
    const mon = rt.monitor('all');
    const got: string[] = [];
    const collect = (async () => {
      for await (const ev of mon) {
        if (ev.action === 'overrun' || ev.action === 'resync') { got.push(ev.action); continue; }
        got.push(describe(ev));
        if (got.includes('del link m0')) break;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    await rt.addLink({ name: 'm0', type: 'veth', peer: { name: 'm1' }, up: true });
    await rt.setLink('m1', { up: true });
    await rt.addAddress('m0', '10.6.0.1/24');
    await rt.addRoute({ dst: '10.7.0.0/16', gateway: '10.6.0.2' });
    await rt.addNeighbour({ dst: '10.6.0.9', lladdr: '02:00:00:00:00:09', dev: 'm0' });
    await rt.addRule({ priority: 42, table: 42 });
    await rt.addNexthop({ id: 5, gateway: '10.6.0.2', dev: 'm0' });
    await rt.deleteNexthop(5);
    await rt.deleteRule({ priority: 42 });
    await rt.deleteNeighbour({ dst: '10.6.0.9', dev: 'm0' });
    await rt.deleteRoute({ dst: '10.7.0.0/16' });
    await rt.deleteAddress('m0', '10.6.0.1/24');
    await rt.deleteLink('m0');
    const timer = setTimeout(() => void mon.return?.(), 5000);
    await collect;
    clearTimeout(timer);
    const want = ['new link m0', 'new address 10.6.0.1', 'new route 10.7.0.0', 'new neighbour 10.6.0.9', 'new rule 42', 'new nexthop 5',
      'del nexthop 5', 'del rule 42', 'del neighbour 10.6.0.9', 'del route 10.7.0.0', 'del address 10.6.0.1', 'del link m0'];
    const seen = got.filter((g) => want.includes(g));
    assert.equal([...new Set(seen)], want, got.join(' | '));
  });
});

function describe(ev: RouteEvent): string {
  const o = ev.object;
  switch (o.kind) {
    case 'link': return `${ev.action} link ${o.attrs.ifname}`;
    case 'address': return `${ev.action} address ${o.attrs.local ?? o.attrs.address}`;
    case 'route': return `${ev.action} route ${o.attrs.dst ?? 'default'}`;
    case 'neighbour': return `${ev.action} neighbour ${o.attrs.dst}`;
    case 'rule': return `${ev.action} rule ${o.attrs.priority}`;
    case 'nexthop': return `${ev.action} nexthop ${o.attrs.id}`;
    default: return `${ev.action} ${o.kind}`;
  }
}
export type { MonitorItem };

test.run();
