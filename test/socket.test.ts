// NetlinkSocket against the real kernel, in namespaces the test creates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { AttributeBuilder, AttributeScanner, Concat, RawBytes } from '../src/core/attr.js';
import { NLM_F, Protocol } from '../src/core/constants.js';
import { NetlinkError } from '../src/core/errors.js';
import { MessageBuilder } from '../src/core/message.js';
import { parseIP } from '../src/core/addr.js';
import { NetlinkSocket } from '../src/socket/netlink-socket.js';
// The built-in declarations (the socket itself imports no family): extack names, decoding.
import '../src/families/registry.js';
import type { DecodedMessage, MessageFamily } from '../src/schema/family.js';

// Raw payloads: these tests check the socket layer, not the rtnetlink declarations.
const RAW: MessageFamily = { name: 'raw', protocol: 0, messages: [] };
import { createNetns, waitFor, withNetns } from './helpers/netns.js';

// Raw rtnetlink builders, independent of the declarations (which have their own tests).
const RTM = { NEWLINK: 16, DELLINK: 17, GETLINK: 18, NEWADDR: 20, DELADDR: 21, GETADDR: 22, NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26 };
const GRP = { LINK: 1, IPV4_IFADDR: 5, IPV4_ROUTE: 7 };

function ifinfomsg(index = 0): RawBytes { const b = new Uint8Array(16); new DataView(b.buffer).setInt32(4, index, true); return new RawBytes(b); }
function ifaddrmsg(family: number, prefixlen: number, index: number): RawBytes {
  const b = new Uint8Array(8); b[0] = family; b[1] = prefixlen; new DataView(b.buffer).setUint32(4, index, true); return new RawBytes(b);
}
function rtmsg(family: number, dstLen: number): RawBytes {
  const b = new Uint8Array(12); b[0] = family; b[1] = dstLen; b[4] = 254; b[5] = 3; b[6] = 0; b[7] = 1; return new RawBytes(b);
}
const getLinks = (): MessageBuilder => new MessageBuilder(RTM.GETLINK, 0, ifinfomsg());
const getAddrs = (): MessageBuilder => new MessageBuilder(RTM.GETADDR, 0, ifaddrmsg(0, 0, 0));

function payloadOf(m: DecodedMessage): Uint8Array {
  if (m.kind !== 'data' || !m.payload) throw new Error('expected a raw data message');
  return m.payload;
}
/** Attribute `type` of a raw message payload after a `hdr`-byte family header, as a string. */
function attrString(m: DecodedMessage, hdr: number, type: number): string | undefined {
  const p = payloadOf(m);
  const s = new AttributeScanner(p, hdr);
  while (s.next()) if (s.type === type) return s.string();
  return undefined;
}
function attrBytes(m: DecodedMessage, hdr: number, type: number): Uint8Array | undefined {
  const p = payloadOf(m);
  const s = new AttributeScanner(p, hdr);
  while (s.next()) if (s.type === type) return s.bytesCopy();
  return undefined;
}
function ifindex(ns: { ipJson<T>(...a: string[]): T }, name: string): number {
  return ns.ipJson<Array<{ ifindex: number }>>('link', 'show', 'dev', name)[0]!.ifindex;
}
const fdCount = (): number => readdirSync('/proc/self/fd').length;

test('a request the kernel accepts resolves with its ACK', async () => {
  await withNetns('req', async (ns) => {
    ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    const idx = ifindex(ns, 'va');
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name, family: RAW });
    const msg = new MessageBuilder(RTM.NEWADDR, NLM_F.CREATE | NLM_F.EXCL,
      new Concat([ifaddrmsg(2, 24, idx), new AttributeBuilder().bytes(2, parseIP('10.9.8.7')!).bytes(1, parseIP('10.9.8.7')!)]));
    const r = await sock.request(msg);
    assert.equal(r.messages, []);
    const addrs = ns.ipJson<Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>>('addr', 'show', 'dev', 'va');
    assert.ok(addrs[0]!.addr_info.some((a) => a.local === '10.9.8.7' && a.prefixlen === 24));
    // The same again: EEXIST, as a Node-style error.
    try { await sock.request(msg); assert.unreachable('expected EEXIST'); } catch (e) {
      assert.instance(e, NetlinkError);
      const ne = e as NetlinkError;
      assert.is(ne.code, 'EEXIST');
      assert.is(ne.errno, -17);
      assert.is(ne.syscall, 'message type 20');
    }
  });
});

test('a rejected request carries errno, code and the kernel extended-ACK message', async () => {
  await withNetns('ext', async (ns) => {
    ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    ns.ip('link', 'set', 'va', 'up');
    const idx = ifindex(ns, 'va');
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name });
    // Route via a gateway that is not on any connected network.
    const msg = new MessageBuilder(RTM.NEWROUTE, NLM_F.CREATE | NLM_F.EXCL,
      new Concat([rtmsg(2, 24), new AttributeBuilder().bytes(1, parseIP('10.50.0.0')!).bytes(5, parseIP('192.0.2.77')!).u32(4, idx)]));
    try { await sock.request(msg); assert.unreachable('expected an error'); } catch (e) {
      assert.instance(e, NetlinkError);
      const ne = e as NetlinkError;
      assert.is(ne.code, 'ENETUNREACH');
      assert.is(ne.errno, -101);
      assert.is(ne.extack.message, 'Nexthop has invalid gateway');
      assert.match(ne.message, /Nexthop has invalid gateway/);
    }
    // An attribute that fails the policy: the offset resolves to the attribute (IFLA_MTU, 2 bytes).
    const bad = new MessageBuilder(RTM.NEWLINK, 0, new Concat([ifinfomsg(idx), new AttributeBuilder().u16(4, 1400)]));
    try { await sock.request(bad); assert.unreachable('expected ERANGE'); } catch (e) {
      const ne = e as NetlinkError;
      assert.is(ne.code, 'ERANGE');
      assert.is(ne.extack.offset, 32);
      assert.equal(ne.extack.attribute?.types, [4]);
      assert.equal(ne.extack.attribute?.path, ['mtu']);
      assert.is(ne.syscall, 'RTM_NEWLINK');
    }
  });
});

test('a link dump in a namespace equals ip -n NS -j link, and the process stays in its namespace', async () => {
  const before = readlinkSync('/proc/thread-self/ns/net');
  await withNetns('dump', async (ns) => {
    ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    ns.ip('link', 'add', 'br0', 'type', 'bridge');
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.path, family: RAW });
    const r = await sock.dumpAll(getLinks());
    assert.is(r.interrupted, false);
    const ours = r.messages.map((m) => attrString(m, 16, 3)).sort();
    const ip = ns.ipJson<Array<{ ifname: string }>>('link', 'show').map((l) => l.ifname).sort();
    assert.equal(ours, ip);
    assert.equal(ours, ['br0', 'lo', 'va', 'vb']);
    assert.is(readlinkSync('/proc/thread-self/ns/net'), before);
    assert.is(readlinkSync('/proc/self/ns/net'), before);
  });
});

test('two dumps at once on one socket both complete, each with its own replies', async () => {
  await withNetns('conc', async (ns) => {
    ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    ns.ip('addr', 'add', '10.1.0.1/24', 'dev', 'va');
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name, family: RAW });
    const [links, addrs, links2] = await Promise.all([sock.dumpAll(getLinks()), sock.dumpAll(getAddrs()), sock.dumpAll(getLinks())]);
    assert.ok(links.messages.every((m) => m.nlmsg.type === RTM.NEWLINK));
    assert.ok(addrs.messages.every((m) => m.nlmsg.type === RTM.NEWADDR));
    assert.is(links.messages.length, 3);
    assert.is(links2.messages.length, 3);
    assert.ok(addrs.messages.length >= 2);
  });
});

test('a streaming dump yields as it goes; breaking out early leaves the socket usable', async () => {
  await withNetns('stream', async (ns) => {
    ns.batch(Array.from({ length: 200 }, (_, i) => `link add s${i} type veth peer name t${i}`));
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name, family: RAW });
    let n = 0;
    const stream = sock.dump(getLinks());
    for await (const m of stream) { assert.is(m.nlmsg.type, RTM.NEWLINK); n++; }
    assert.is(n, 401);
    assert.is(stream.interrupted, false);
    const again = await sock.dumpAll(getLinks());
    assert.is(again.messages.length, 401);
  });
});

test('a streaming dump with a slow consumer holds its reads: every route arrives, in order, and the socket goes on', async () => {
  await withNetns('slowdump', async (ns) => {
    ns.batch(['link add d0 type veth peer name d1', 'link set d0 up', 'link set d1 up', 'addr add 10.9.0.1/16 dev d0']);
    const N = 20_000;
    ns.batch(Array.from({ length: N }, (_, i) => `route add 10.${100 + (i >> 8)}.${i & 255}.0/24 via 10.9.0.2 table 100`));
    for (const readAhead of [true, false]) {
      using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name, family: RAW, timeout: 2000, readAhead });
      const all = new Uint8Array(12); all[0] = 2; // AF_INET, every table
      const req = new MessageBuilder(RTM.GETROUTE, 0, new RawBytes(all));
      let n = 0;
      let last = -1;
      let ordered = true;
      for await (const m of sock.dump(req)) {
        if (m.nlmsg.type !== RTM.NEWROUTE || payloadOf(m)[4] !== 100) continue;
        const dst = attrBytes(m, 12, 1)!;
        const key = (dst[1]! << 8) | dst[2]!;
        if (key < last) ordered = false;
        last = key;
        // the consumer falls behind: past the high-water mark the kernel keeps the rest
        if (++n % 5000 === 0) await new Promise((r) => setTimeout(r, 200));
      }
      assert.is(n, N, `readAhead ${readAhead}: every route of table 100`);
      assert.ok(ordered, 'in the kernel\'s order');
      assert.ok((await sock.dumpAll(getLinks())).messages.length >= 2, 'the socket answers after it');
    }
  });
});

test('subscription: NEW and DEL events for links, addresses and routes, in order', async () => {
  await withNetns('sub', async (ns) => {
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name, family: RAW });
    const events = sock.subscribe([GRP.LINK, GRP.IPV4_IFADDR, GRP.IPV4_ROUTE]);
    ns.ip('link', 'add', 'ea', 'type', 'veth', 'peer', 'name', 'eb');
    ns.ip('link', 'set', 'ea', 'up');
    ns.ip('link', 'set', 'eb', 'up');
    ns.ip('addr', 'add', '10.7.0.1/24', 'dev', 'ea');
    ns.ip('route', 'add', '10.8.0.0/16', 'via', '10.7.0.2');
    ns.ip('route', 'del', '10.8.0.0/16');
    ns.ip('addr', 'del', '10.7.0.1/24', 'dev', 'ea');
    ns.ip('link', 'del', 'ea');
    const seen: string[] = [];
    const want = ['NEWADDR 10.7.0.1', 'NEWROUTE 10.8.0.0', 'DELROUTE 10.8.0.0', 'DELADDR 10.7.0.1', 'DELLINK ea'];
    const timer = setTimeout(() => void events.return?.(), 5000);
    for await (const ev of events) {
      if (ev.type !== 'message') continue;
      const m = ev.message;
      const t = m.nlmsg.type;
      if (t === RTM.NEWLINK || t === RTM.DELLINK) seen.push(`${t === RTM.NEWLINK ? 'NEWLINK' : 'DELLINK'} ${attrString(m, 16, 3)}`);
      if (t === RTM.NEWADDR || t === RTM.DELADDR) {
        const a = attrBytes(m, 8, 2);
        seen.push(`${t === RTM.NEWADDR ? 'NEWADDR' : 'DELADDR'} ${a ? Array.from(a).join('.') : '?'}`);
      }
      if ((t === RTM.NEWROUTE || t === RTM.DELROUTE) && payloadOf(m)[1] === 16) {
        const d = attrBytes(m, 12, 1);
        seen.push(`${t === RTM.NEWROUTE ? 'NEWROUTE' : 'DELROUTE'} ${d ? Array.from(d).join('.') : '?'}`);
      }
      if (seen.includes('DELLINK ea')) break;
    }
    clearTimeout(timer);
    assert.ok(seen.includes('NEWLINK ea'), seen.join(', '));
    assert.ok(seen.indexOf('NEWLINK ea') < seen.indexOf('DELLINK ea'));
    const ordered = seen.filter((s) => want.includes(s));
    assert.equal(ordered, want, seen.join(', '));
  });
});

test('ENOBUFS becomes an in-band overrun; later events still arrive; a resync dump gives the state', async () => {
  await withNetns('nobufs', async (ns) => {
    ns.ip('link', 'add', 'qa', 'type', 'veth', 'peer', 'name', 'qb');
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name, receiveBufferSize: 4096, family: RAW });
    const events = sock.subscribe([GRP.LINK, GRP.IPV4_IFADDR]);
    // Block the event loop while the kernel floods the small buffer.
    ns.batch(Array.from({ length: 2000 }, (_, i) => `addr add 10.${(i >> 8) & 255}.${i & 255}.1/32 dev qa`));
    let overruns = 0, messages = 0, sawMarker = false;
    const timer = setTimeout(() => void events.return?.(), 10_000);
    setTimeout(() => ns.ip('link', 'set', 'qa', 'mtu', '1234'), 50);
    for await (const ev of events) {
      if (ev.type === 'overrun') { overruns++; assert.is(ev.reason, 'ENOBUFS'); continue; }
      messages++;
      if (ev.message.nlmsg.type === RTM.NEWLINK && attrString(ev.message, 16, 3) === 'qa') {
        const mtu = attrBytes(ev.message, 16, 4);
        if (mtu && new DataView(mtu.buffer).getUint32(0, true) === 1234) { sawMarker = true; break; }
      }
    }
    clearTimeout(timer);
    assert.ok(overruns >= 1, 'expected at least one overrun');
    assert.ok(messages < 2002, `some events were lost (${messages})`);
    assert.ok(sawMarker, 'an event after the overrun arrived');
    const state = await sock.dumpAll(getAddrs());
    const ipv4 = ns.ipJson<Array<{ addr_info: unknown[] }>>('-4', 'addr', 'show').reduce((n, l) => n + l.addr_info.length, 0);
    assert.is(state.messages.filter((m) => payloadOf(m)[0] === 2).length, ipv4);
    assert.ok(ipv4 >= 2000);
  });
});

test('NLM_F_DUMP_INTR is reported when the table changes during a dump', async () => {
  await withNetns('intr', async (ns) => {
    ns.ip('link', 'add', 'ia', 'type', 'veth', 'peer', 'name', 'ib');
    ns.batch(Array.from({ length: 1500 }, (_, i) => `addr add 10.20.${i >> 8}.${i & 255}/32 dev ia`));
    // plain reads: read-ahead would have the kernel finish this small dump before the change
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name, family: RAW, readAhead: false });
    let chunks = 0;
    const r = await sock.dumpRaw(getAddrs(), () => {
      // Change the table between two reads of the dump (synchronously, before the next recv).
      if (chunks++ === 1) execFileSync('ip', ['-n', ns.name, 'addr', 'add', '10.21.0.1/32', 'dev', 'ia']);
    });
    assert.ok(chunks > 2, `dump took ${chunks} datagrams`);
    assert.is(r.interrupted, true);
    // collect() with a retry gets a consistent copy.
    const again = await sock.dumpAll(getAddrs(), { retryInterrupted: 3 });
    assert.is(again.interrupted, false);
  });
});

test('custom protocol over NETLINK_USERSOCK: unicast by port id, and multicast to several listeners', async () => {
  await withNetns('usersock', async (ns) => {
    const server = NetlinkSocket.open({ protocol: 'usersock', netns: ns.name, portId: 0x4b50 });
    const client = NetlinkSocket.open({ protocol: Protocol.USERSOCK, netns: ns.name });
    const l1 = NetlinkSocket.open({ protocol: 'usersock', netns: ns.name, groups: [3] });
    const l2 = NetlinkSocket.open({ protocol: 'usersock', netns: ns.name, groups: [3] });
    try {
      assert.is(server.portId, 0x4b50);
      // The server echoes every unicast message back to its sender's port.
      const body = (b: Uint8Array): string => new TextDecoder().decode(b.subarray(16, new DataView(b.buffer, b.byteOffset).getUint32(0, true)));
      const stop = server.onRaw((c) => {
        if (c.group) return;
        const text = body(c.bytes);
        server.sendTo(new MessageBuilder(0x10, 0, new RawBytes(new TextEncoder().encode(`echo:${text}`))).toBytes(), c.portId);
      });
      const got: string[] = [];
      const stopClient = client.onRaw((c) => got.push(body(c.bytes)));
      client.sendTo(new MessageBuilder(0x10, 0, new RawBytes(new TextEncoder().encode('Hello'))).toBytes(), 0x4b50);
      const heard: string[] = [];
      const s1 = l1.onRaw((c) => heard.push(`l1:${c.group}`));
      const s2 = l2.onRaw((c) => heard.push(`l2:${c.group}`));
      // To a group only: the kernel also unicasts to port 0, which refuses: the group got it.
      try { client.sendTo(new MessageBuilder(0x11, 0).toBytes(), 0, 1 << 2); } catch (e) { assert.is((e as { code: string }).code, 'ECONNREFUSED'); }
      await waitFor(() => got.length === 1 && heard.length === 2, 3000, 'echo and multicast');
      assert.equal(got, ['echo:Hello']);
      assert.equal(heard.sort(), ['l1:3', 'l2:3']);
      stop(); stopClient(); s1(); s2();
    } finally {
      server.close(); client.close(); l1.close(); l2.close();
    }
  });
});

test('no fd leak: 100,000 open/close (and 1,000 in a namespace)', async () => {
  const ns = createNetns('leak');
  try {
    const before = fdCount();
    for (let i = 0; i < 100_000; i++) NetlinkSocket.open({ protocol: 'route' }).close();
    for (let i = 0; i < 1000; i++) NetlinkSocket.open({ protocol: 'route', netns: ns.name, family: RAW }).close();
    // A failing open leaks nothing either.
    for (let i = 0; i < 100; i++) { try { NetlinkSocket.open({ protocol: 'route', netns: 'no-such-ns', family: RAW }); } catch { /* expected */ } }
    assert.is(fdCount(), before);
  } finally { ns.delete(); }
});

test('a monitor keeps the event loop responsive while events stream', async () => {
  await withNetns('loop', async (ns) => {
    ns.ip('link', 'add', 'la', 'type', 'veth', 'peer', 'name', 'lb');
    using sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name, receiveBufferSize: 1 << 22, family: RAW });
    const events = sock.subscribe([GRP.IPV4_IFADDR]);
    const ticks: number[] = [];
    const iv = setInterval(() => ticks.push(Date.now()), 5);
    const N = 6000;
    const child = Array.from({ length: N }, (_, i) => `addr add 10.30.${i >> 8}.${i & 255}/32 dev la`).join('\n') + '\n';
    const p = new Promise<void>((resolve, reject) => {
      const c = spawn('ip', ['-n', ns.name, '-batch', '-']);
      c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ip exited ${code}`))));
      c.stdin.end(child);
    });
    let n = 0;
    const t0 = Date.now();
    for await (const ev of events) {
      if (ev.type === 'message') n++;
      if (n >= N || Date.now() - t0 > 20_000) break;
    }
    await p;
    clearInterval(iv);
    assert.is(n, N);
    let worst = 0;
    for (let i = 1; i < ticks.length; i++) worst = Math.max(worst, ticks[i]! - ticks[i - 1]!);
    assert.ok(ticks.length > 3, 'the timer fired during the stream');
    assert.ok(worst < 100, `longest gap between timer ticks ${worst} ms`);
  });
});

test.run();
