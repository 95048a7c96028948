// Read-ahead of dumps: a thread-pool job receives the next datagrams while the main thread
// decodes. The results must be those of plain reads, in order, whatever the consumer does
// meanwhile (slow stream consumers, requests on the same socket, close() mid-dump).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { Protocol } from '../src/core/constants.js';
import { NetlinkSocket } from '../src/socket/netlink-socket.js';
import { rtnetlink } from '../src/families/route/index.js';
import { Rtnl } from '../src/rtnl/rtnl.js';
import '../src/families/registry.js';
import { createNetns, sleep, type TestNetns } from './helpers/netns.js';

const ROUTES = 30_000;
let ns: TestNetns;

function rtnl(readAhead: boolean): Rtnl {
  const socket = NetlinkSocket.open({ protocol: Protocol.ROUTE, family: rtnetlink, strict: true, netns: ns.name, readAhead, receiveBufferSize: 1 << 20 });
  return Rtnl.over(socket);
}
const fds = (): number => readdirSync('/proc/self/fd').length;

test.before(() => {
  ns = createNetns('ahead');
  ns.batch(['link add d0 type veth peer name d1', 'link set d0 up', 'link set d1 up', 'addr add 10.0.0.1/24 dev d0']);
  const lines: string[] = [];
  for (let i = 0; i < ROUTES; i++) lines.push(`route add 20.${(i >> 8) & 255}.${i & 255}.0/24 via 10.0.0.2 proto ${i % 2 ? 'bgp' : 'static'}`);
  ns.batch(lines);
});
test.after(() => ns?.delete());

test('a dump read ahead equals the same dump read plainly, route for route', async () => {
  const a = rtnl(true), b = rtnl(false);
  try {
    const [x, y] = [await a.routes({ family: 4 }), await b.routes({ family: 4 })];
    assert.is(x.length, y.length);
    assert.ok(x.length >= ROUTES);
    assert.equal(JSON.parse(JSON.stringify(x)), JSON.parse(JSON.stringify(y)));
    // columns and views take the raw path: the same rows
    const [cx, cy] = [await a.routeColumns({ family: 4 }, ['dst', 'gateway', 'header.protocol']), await b.routeColumns({ family: 4 }, ['dst', 'gateway', 'header.protocol'])];
    assert.is(cx.count, cy.count);
    assert.equal([...cx.columns['dst']!], [...cy.columns['dst']!]);
  } finally { a.close(); b.close(); }
});

test('a slow stream consumer gets every route in order; requests on the same socket meanwhile get their answers', async () => {
  const plain = rtnl(false);
  const want = (await plain.routes({ family: 4 })).map((r) => `${String(r.attrs.dst)}/${r.header.dstLen}/${r.attrs.table}`);
  plain.close();
  const a = rtnl(true);
  try {
    const got: string[] = [];
    const side: Array<Promise<unknown[]>> = [];
    for await (const r of a.routeStream({ family: 4 })) {
      got.push(`${String(r.attrs.dst)}/${r.header.dstLen}/${r.attrs.table}`);
      if (got.length % 5000 === 0) {
        await sleep(20); // the consumer is behind: the socket is held, the kernel keeps the rest
        side.push(a.links());
      }
    }
    assert.equal(got, want);
    for (const l of await Promise.all(side)) assert.ok(l.length >= 2);
  } finally { a.close(); }
});

test('close() in the middle of a dump read ahead: the dump rejects, the fd is closed, nothing hangs', async () => {
  const before = fds();
  for (let round = 0; round < 20; round++) {
    const a = rtnl(true);
    let seen = 0;
    const q = a.routeColumnStream({ family: 4 }, ['dst']);
    const done = (async () => {
      try {
        for await (const t of q) { seen += t.count; if (seen > 2000) a.close(); }
        return 'ended';
      } catch { return 'rejected'; }
    })();
    const outcome = await Promise.race([done, sleep(10_000).then(() => 'hung')]);
    assert.ok(outcome !== 'hung', `round ${round}: the stream hung after close()`);
    a.close();
  }
  // the fds of closed sockets go once their read-ahead jobs return
  for (let i = 0; i < 50 && fds() > before; i++) await sleep(20);
  assert.ok(fds() <= before, `fds ${before} -> ${fds()}`);
});

test.run();
