// `route flush SELECTOR` as iproute2 6.1 does it, including what it does when the kernel refuses
// some of the deletions (a route using `nhid` is dumped with its nexthop's gateway and device, and
// the kernel refuses that dump back as a delete: EINVAL).
//
// ip copies each matching dumped route into a 3584-byte buffer as an RTM_DELROUTE without
// NLM_F_ACK and sends the buffer whenever the next route would not fit (and once after the dump).
// After each send it peeks at its socket (MSG_DONTWAIT): only when the first datagram queued there
// is an error does it stop ("Failed to send flush request: ..."; "Flush terminated" too when that
// happens mid-dump), exit 2. Errors queued behind pending dump datagrams are skipped unseen by the
// dump loop, so which batches ip sends depends on how the kernel cuts its dump into datagrams. That
// is modelled here (the kernel's dump sizes, measured against ip on this kernel: two datagrams of
// at most NLMSG_GOODSIZE, then up to 32 KiB, NLMSG_DONE alone), while the deletions themselves go
// to the kernel batch by batch, as ip's do, so its verdict on each is the kernel's own.
import { NetlinkError } from '../core/errors.js';
import { errnoText } from '../core/errno.js';
import { decodeEach } from '../decode.js';
import { rtnetlink, rtnetlinkMessages as M } from '../families/route/index.js';
import { buildMessage } from '../schema/family.js';
import type { Rtnl } from '../rtnl/rtnl.js';
import type { Route } from '../rtnl/types.js';
import type { CliContext } from './context.js';
import { IpExit } from './io.js';
import { routeMatches, type RouteSelector } from './ip-filters.js';

const RTM_NEWROUTE = 24, RTM_DELROUTE = 25, NLM_F_REQUEST = 1, RTM_F_CLONED = 0x200;
/** ip's flush buffer: `char flushb[4096-512]`. */
const FLUSH_BUFFER = 4096 - 512;
/** The kernel's dump datagram sizes: NLMSG_GOODSIZE (a 4 KiB page less skb_shared_info), SKB_WITH_OVERHEAD(32 KiB). */
const GOOD_SIZE = 3776, BIG_SIZE = 32768 - 320;
/** ip's receive buffer (rtnl_recvmsg allocates at least this). */
const IP_RECV = 32768;

interface DumpedRoute { bytes: Uint8Array; matched: boolean; route?: Route }
type Queued = { kind: 'data'; routes: DumpedRoute[]; length: number } | { kind: 'done' } | { kind: 'error'; errno: number };

/** The kernel's side of ip's socket: the dump's datagrams as it queues them, and the errors of the deletions. */
class IpSocketModel {
  readonly queue: Queued[] = [];
  private next = 0;
  private running = true;
  constructor(private readonly routes: readonly DumpedRoute[], private maxRecv: number) {
    this.dump(); // the first datagram is filled as the dump starts
  }
  get recvLimit(): number { return this.maxRecv; }
  /** netlink_dump(): one more datagram (as much as fits), or NLMSG_DONE on its own. */
  private dump(): void {
    if (!this.running) return;
    if (this.next >= this.routes.length) { this.queue.push({ kind: 'done' }); this.running = false; return; }
    const cap = this.maxRecv > GOOD_SIZE ? this.maxRecv : GOOD_SIZE;
    const taken: DumpedRoute[] = [];
    let used = 0;
    while (this.next < this.routes.length) {
      const len = this.routes[this.next]!.bytes.length;
      if (taken.length > 0 && used + len > cap) break;
      taken.push(this.routes[this.next++]!);
      used += len;
    }
    this.queue.push({ kind: 'data', routes: taken, length: used });
  }
  /** netlink_recvmsg() with an iov of `len` bytes: what is at the head (or undefined: EAGAIN). */
  recv(len: number, peek: boolean): Queued | undefined {
    const head = this.queue[0];
    if (head === undefined) return undefined;
    if (!peek) this.queue.shift();
    this.maxRecv = Math.max(this.maxRecv, Math.min(len, BIG_SIZE));
    this.dump();
    return head;
  }
  /** Size of a queued datagram (for ip's recv buffer). */
  static size(q: Queued): number { return q.kind === 'data' ? q.length : q.kind === 'done' ? 20 : 36; }
}

/** One dump as ip's request asks for it (family, protocol, RTA_TABLE, RTA_OIF), with each route's bytes. */
async function dumpForFlush(rt: Rtnl, family: number, protocol: number, table: number, oif: number | undefined, matches: (r: Route) => boolean): Promise<DumpedRoute[]> {
  const attrs: Record<string, unknown> = {};
  if (table) attrs.table = table;
  if (oif !== undefined) attrs.oif = oif;
  const req = buildMessage(M.RTM_GETROUTE, { flags: 0, header: { family, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol, scope: 0, type: 0, flags: 0 }, attrs });
  const out: DumpedRoute[] = [];
  try {
    await rt.socket.dumpRaw(req, (chunk) => {
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (let off = 0; off + 16 <= chunk.length;) {
        const len = view.getUint32(off, true);
        if (len < 16 || off + len > chunk.length) break;
        if (view.getUint16(off + 4, true) === RTM_NEWROUTE) {
          const bytes = chunk.slice(off, off + len);
          let matched = false, route: Route | undefined;
          decodeEach(bytes, { family: rtnetlink }, (_def, header, a) => {
            const r = { kind: 'route', header: header ?? {}, attrs: a ?? {} } as unknown as Route;
            matched = (r.header.flags & RTM_F_CLONED) === 0 && matches(r);
            if (matched) route = r;
          });
          out.push(route ? { bytes, matched, route } : { bytes, matched });
        }
        off += (len + 3) & ~3;
      }
    });
  } catch (e) {
    // rtnl_dump_filter() reports the refusal (a table that does not exist, even main in a new
    // namespace), then iproute_flush() "Flush terminated": exit 2.
    if (e instanceof NetlinkError) {
      const m = e.extack.message;
      throw new IpExit(`${m ? `Error: ${m}${m.endsWith('.') ? '' : '.'}` : `RTNETLINK answers: ${errnoText(e.errno)}`}\nFlush terminated\n`, 2);
    }
    throw e;
  }
  return out;
}

/** Sends one of ip's flush buffers: each route as RTM_DELROUTE; the errnos of those the kernel refused, in order. */
async function sendFlushBuffer(rt: Rtnl, batch: readonly Uint8Array[]): Promise<number[]> {
  const msgs = batch.map((b) => {
    const m = b.slice();
    const v = new DataView(m.buffer);
    v.setUint16(4, RTM_DELROUTE, true);
    v.setUint16(6, NLM_F_REQUEST, true);
    return m;
  });
  // One datagram, as ip's one send() of its buffer.
  const r = await rt.socket.batch(msgs, { onError: 'continue', operation: 'RTM_DELROUTE', maxDatagram: FLUSH_BUFFER });
  return r.failed.map((f) => (f.error instanceof NetlinkError ? f.error.errno : 5 /* EIO */));
}

/**
 * iproute_flush() for the selector: returns ip's exit status (messages written as ip writes them).
 * `show` renders a route as ip's text, for -s -s (which prints each route it deletes).
 */
export async function flushRoutes(rt: Rtnl, ctx: CliContext, s: RouteSelector, oif: number | undefined, iif: number | undefined, show?: (r: Route) => string): Promise<number> {
  const family = ctx.family === 6 ? 10 : ctx.family === 4 ? 2 : s.table === 'all' ? 0 : 2;
  const table = s.table === 'all' ? 0 : s.table ?? 254;
  const matches = (r: Route): boolean => (table === 0 || (r.attrs.table ?? r.header.table) === table) && routeMatches(r, s, oif, iif);
  let maxRecv = 0;
  const start = Date.now();
  for (let round = 0; ; ) {
    const routes = await dumpForFlush(rt, family, s.protocol ?? 0, table, oif, matches);
    const sock = new IpSocketModel(routes, maxRecv);
    let batch: Uint8Array[] = [], used = 0, flushed = 0;
    // flush_update(): send, then rtnl_send_check()'s peek; the errno ip reports, if it stops.
    const flushUpdate = async (): Promise<number | undefined> => {
      for (const errno of await sendFlushBuffer(rt, batch)) sock.queue.push({ kind: 'error', errno });
      batch = []; used = 0;
      const head = sock.recv(1024, true);
      return head?.kind === 'error' ? head.errno : undefined;
    };
    for (;;) {
      const head = sock.queue[0];
      if (head === undefined) break; // cannot happen: the dump always ends with NLMSG_DONE
      sock.recv(0, true); // rtnl_recvmsg(): MSG_PEEK|MSG_TRUNC for the size, then the read
      sock.recv(Math.max(IpSocketModel.size(head), IP_RECV), false);
      if (head.kind === 'done') break;
      if (head.kind !== 'data') continue; // another sequence number: skipped by the dump loop
      for (const r of head.routes) {
        if (!r.matched) continue;
        if (((used + 3) & ~3) + r.bytes.length > FLUSH_BUFFER) {
          const errno = await flushUpdate();
          if (errno !== undefined) throw new IpExit(`Failed to send flush request: ${errnoText(errno)}\nFlush terminated\n`, 2);
        }
        used = ((used + 3) & ~3) + r.bytes.length;
        batch.push(r.bytes);
        flushed++;
        if (ctx.stats >= 2 && show && r.route) ctx.io.stdout(show(r.route));
      }
    }
    maxRecv = sock.recvLimit;
    if (flushed === 0) {
      if (ctx.stats) ctx.io.stdout(round === 0 ? 'Nothing to flush.\n' : `*** Flush is complete after ${round} round${round > 1 ? 's' : ''} ***\n`);
      return 0;
    }
    round++;
    const errno = await flushUpdate();
    if (errno !== undefined) throw new IpExit(`Failed to send flush request: ${errnoText(errno)}\n`, 2);
    // ip gives up after 30 seconds of rounds (routes that come back as fast as they go).
    if (Date.now() - start > 30_000) {
      ctx.io.stdout(`\n*** Flush not completed after ${Math.floor((Date.now() - start) / 1000)} seconds, ${flushed} entries remain ***\n`);
      return 1;
    }
    if (ctx.stats) ctx.io.stdout(`\n*** Round ${round}, deleting ${flushed} entries ***\n`);
  }
}
