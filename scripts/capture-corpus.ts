// Captures a small corpus of real rtnetlink traffic as pcap files (LINKTYPE_NETLINK), one per kind,
// through nlwire's own socket and PcapWriter: requests (direction 'out') and the kernel's replies
// ('in'), one record per message. Needs root (or a user + net namespace where `ip netns add` works).
//
//   node --import tsx scripts/capture-corpus.ts [OUTDIR]     (default test/fixtures/corpus)
//
// Requests are built from raw bytes (MessageBuilder + RawBytes + AttributeBuilder) so the corpus
// does not depend on the rtnetlink declarations it is meant to test.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AttributeBuilder, Concat, RawBytes } from '../src/core/attr.js';
import { NLM_F } from '../src/core/constants.js';
import { NetlinkError } from '../src/core/errors.js';
import { MessageBuilder } from '../src/core/message.js';
import { PcapWriter } from '../src/pcap/pcap.js';
import { NetlinkSocket, type CaptureSink } from '../src/socket/netlink-socket.js';
import type { MessageFamily } from '../src/schema/family.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'test/fixtures/corpus'));

const RAW: MessageFamily = { name: 'raw', protocol: 0, messages: [] };
const AF_UNSPEC = 0, AF_INET = 2, AF_INET6 = 10;
const RTM = { NEWLINK: 16, GETLINK: 18, GETADDR: 22, GETROUTE: 26, GETNEIGH: 30, GETRULE: 34, GETNEXTHOP: 106 } as const;
const IFLA_IFNAME = 3;
const IFLA_EXT_MASK = 29;
const RTEXT_FILTER_SKIP_STATS = 1 << 3;

function ip(ns: string, ...args: string[]): void {
  try {
    execFileSync('ip', ['-n', ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (e) {
    throw new Error(`ip -n ${ns} ${args.join(' ')}: ${(e as { stderr?: string }).stderr?.trim() ?? String(e)}`);
  }
}

const ifinfomsg = (family = AF_UNSPEC, index = 0): RawBytes => {
  const b = new Uint8Array(16);
  b[0] = family;
  new DataView(b.buffer).setInt32(4, index, true);
  return new RawBytes(b);
};
const ifaddrmsg = (family: number): RawBytes => new RawBytes(Uint8Array.of(family, 0, 0, 0, 0, 0, 0, 0));
/** rtmsg with only the family set: a dump of every table (strict checking on). */
const rtmsg = (family: number): RawBytes => new RawBytes(Uint8Array.of(family, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
const ndmsg = (family: number): RawBytes => new RawBytes(Uint8Array.of(family, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
/** fib_rule_hdr: family, dst_len, src_len, tos, table, res1, res2, action, flags(u32) */
const fibRuleHdr = (family: number): RawBytes => new RawBytes(Uint8Array.of(family, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
const nhmsg = (family: number): RawBytes => new RawBytes(Uint8Array.of(family, 0, 0, 0, 0, 0, 0, 0));

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('capture-corpus needs root (it creates a network namespace)');
  const ns = `nlw-corpus-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const sysctl = (k: string, v: string): void => {
      execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `${k}=${v}`]);
    };
    // No DAD (addresses usable at once) and no autoconfigured extras that change from run to run.
    sysctl('net.ipv6.conf.default.accept_dad', '0');
    sysctl('net.ipv6.conf.all.accept_dad', '0');
    sysctl('net.ipv6.conf.default.addr_gen_mode', '1'); // no link-local addresses
    ip(ns, 'link', 'set', 'lo', 'up');
    ip(ns, 'link', 'add', 'br0', 'address', '02:00:00:00:00:01', 'type', 'bridge');
    ip(ns, 'link', 'add', 'veth0', 'address', '02:00:00:00:00:02', 'type', 'veth', 'peer', 'name', 'veth1', 'address', '02:00:00:00:00:03');
    ip(ns, 'link', 'set', 'veth0', 'master', 'br0');
    ip(ns, 'link', 'set', 'veth1', 'mtu', '1400');
    for (const dev of ['br0', 'veth0', 'veth1']) ip(ns, 'link', 'set', dev, 'up');
    ip(ns, 'addr', 'add', '192.0.2.1/24', 'dev', 'br0');
    ip(ns, 'addr', 'add', '2001:db8:1::1/64', 'dev', 'br0', 'nodad');
    ip(ns, 'addr', 'add', '198.51.100.1/24', 'dev', 'veth1', 'label', 'veth1:a');
    ip(ns, '-6', 'addr', 'add', '2001:db8:2::1/64', 'dev', 'veth1', 'nodad');
    ip(ns, 'route', 'add', '203.0.113.0/24', 'via', '192.0.2.254', 'metric', '10');
    ip(ns, 'route', 'add', '10.100.0.0/16', 'via', '198.51.100.254', 'table', '100');
    ip(ns, '-6', 'route', 'add', '2001:db8:100::/48', 'via', '2001:db8:1::fe', 'metric', '20');
    ip(ns, '-6', 'route', 'add', '2001:db8:200::/48', 'via', '2001:db8:2::fe', 'table', '100');
    ip(ns, 'neigh', 'add', '192.0.2.254', 'lladdr', '02:00:00:00:00:fe', 'dev', 'br0', 'nud', 'permanent');
    ip(ns, 'neigh', 'add', '198.51.100.254', 'lladdr', '02:00:00:00:01:fe', 'dev', 'veth1', 'nud', 'reachable');
    ip(ns, '-6', 'neigh', 'add', '2001:db8:1::fe', 'lladdr', '02:00:00:00:00:fe', 'dev', 'br0', 'nud', 'permanent');
    ip(ns, 'rule', 'add', 'from', '10.1.0.0/16', 'table', '100', 'pref', '1000');
    ip(ns, '-6', 'rule', 'add', 'from', '2001:db8:1::/48', 'table', '100', 'pref', '1000');
    ip(ns, 'nexthop', 'add', 'id', '10', 'via', '192.0.2.254', 'dev', 'br0');
    ip(ns, 'route', 'add', '203.0.114.0/24', 'nhid', '10');

    // One writer per kind; the socket's capture sink forwards to the current one.
    let current: PcapWriter | undefined;
    const sink: CaptureSink = { record: (d, p, b) => current?.record(d, p, b) };
    const files = new Map<string, PcapWriter>();
    const kind = (name: string): PcapWriter => {
      const w = new PcapWriter();
      files.set(name, w);
      current = w;
      return w;
    };

    const sock = NetlinkSocket.open({ protocol: 'route', netns: ns, family: RAW, capture: sink });
    try {
      // Links: stats skipped (IFLA_EXT_MASK) to keep the file small; they are still in the messages.
      kind('link');
      await sock.dumpAll(new MessageBuilder(RTM.GETLINK, 0, new Concat([ifinfomsg(), new AttributeBuilder().u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)])));
      kind('addr');
      await sock.dumpAll(new MessageBuilder(RTM.GETADDR, 0, ifaddrmsg(AF_UNSPEC)));
      kind('route4');
      await sock.dumpAll(new MessageBuilder(RTM.GETROUTE, 0, rtmsg(AF_INET)));
      kind('route6');
      await sock.dumpAll(new MessageBuilder(RTM.GETROUTE, 0, rtmsg(AF_INET6)));
      kind('neigh');
      await sock.dumpAll(new MessageBuilder(RTM.GETNEIGH, 0, ndmsg(AF_INET)));
      await sock.dumpAll(new MessageBuilder(RTM.GETNEIGH, 0, ndmsg(AF_INET6)));
      kind('rule');
      await sock.dumpAll(new MessageBuilder(RTM.GETRULE, 0, fibRuleHdr(AF_INET)));
      await sock.dumpAll(new MessageBuilder(RTM.GETRULE, 0, fibRuleHdr(AF_INET6)));
      kind('nexthop');
      await sock.dumpAll(new MessageBuilder(RTM.GETNEXTHOP, 0, nhmsg(AF_UNSPEC)));
      // A request the kernel refuses with an extended ACK: IFLA_IFNAME longer than IFNAMSIZ - 1.
      kind('extack');
      try {
        await sock.request(new MessageBuilder(RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL,
          new Concat([ifinfomsg(), new AttributeBuilder().string(IFLA_IFNAME, 'x'.repeat(20))])));
        throw new Error('RTM_NEWLINK with a 20-character name was accepted');
      } catch (e) {
        if (!(e instanceof NetlinkError)) throw e;
        console.log(`extack: ${e.message}`);
      }
    } finally {
      sock.close();
    }

    mkdirSync(outDir, { recursive: true });
    for (const [name, w] of files) {
      const path = join(outDir, `${name}.pcap`);
      writeFileSync(path, w.toBytes());
      console.log(`${path}: ${w.recordCount} records, ${w.byteLength} bytes`);
    }
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
