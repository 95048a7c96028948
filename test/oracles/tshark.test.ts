// Oracle: Wireshark's netlink dissector reads the pcap files nlwire writes, and what it sees equals
// what nlwire decodes, field by field. Needs tshark (and capinfos, from wireshark-common);
// without them the tests fail with the install command. Run: npm run test:oracles
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeBuilder, Concat, RawBytes } from '../../src/core/attr.js';
import { NLM_F } from '../../src/core/constants.js';
import { MessageBuilder } from '../../src/core/message.js';
import { decode } from '../../src/codec.js'; // the entry: every built-in family registered
import { pcapFileSink } from '../../src/pcap/file.js';
import { PcapWriter, readPcap, type PcapRecord } from '../../src/pcap/pcap.js';
import type { DecodedMessage } from '../../src/schema/family.js';
import { NetlinkSocket } from '../../src/socket/netlink-socket.js';
import { withNetns } from '../helpers/netns.js';
import { asList, attrById, declaresAttr, fieldAt, requireTool } from './oracle-helpers.js';

const CORPUS = new URL('../fixtures/corpus/', import.meta.url);

// tshark field names (Wireshark 4.x). Each entry may list alternatives for other versions.
const FIELDS = {
  frame: ['frame.number'],
  time: ['frame.time_epoch'],
  hatype: ['netlink.hatype'],
  family: ['netlink.family'],
  len: ['netlink.hdr_len', 'netlink.len'],
  type: ['netlink.hdr_type', 'netlink.type'],
  routeType: ['netlink-route.nltype'],
  flags: ['netlink.hdr_flags', 'netlink.flags'],
  seq: ['netlink.hdr_seq', 'netlink.seq'],
  pid: ['netlink.hdr_pid', 'netlink.pid'],
  error: ['netlink.error'],
  ifiIndex: ['netlink-route.ifi_index'],
  ifname: ['netlink-route.ifla_ifname'],
  mtu: ['netlink-route.ifla_mtu'],
  ifaFamily: ['netlink-route.ifa_family'],
  ifaPrefixlen: ['netlink-route.ifa_prefixlen'],
  ifaIndex: ['netlink-route.ifa_index'],
  ifaAddr4: ['netlink-route.ifa_address.ipv4'],
  ifaAddr6: ['netlink-route.ifa_address.ipv6'],
  ifaLabel: ['netlink-route.ifa_label'],
  rtFamily: ['netlink-route.rt_family'],
  rtDstLen: ['netlink-route.rt_dst_len'],
  rtTable: ['netlink-route.rt_table'],
  ndFamily: ['netlink-route.nd_family'],
  ndIndex: ['netlink-route.nd_index'],
  ndState: ['netlink-route.nd_state'],
} as const;
type Key = keyof typeof FIELDS;

let resolved: Record<Key, string> | undefined;
/** Picks the field names this tshark knows; fails listing the ones it does not. */
function fieldNames(): Record<Key, string> {
  if (resolved) return resolved;
  requireTool('tshark', 'tshark');
  const r = spawnSync('tshark', ['-G', 'fields'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`tshark -G fields failed: ${r.stderr}`);
  const known = new Set(r.stdout.split('\n').map((l) => l.split('\t')[2]));
  const out: Partial<Record<Key, string>> = {};
  const missing: string[] = [];
  for (const [k, names] of Object.entries(FIELDS) as Array<[Key, readonly string[]]>) {
    const n = names.find((x) => known.has(x));
    if (n) out[k] = n; else missing.push(names.join(' / '));
  }
  if (missing.length) throw new Error(`this tshark lacks netlink fields: ${missing.join(', ')}`);
  resolved = out as Record<Key, string>;
  return resolved;
}

type Row = Record<Key, string[]>;
/** Runs tshark on a file: one row per frame, each field as its list of occurrences. */
function tsharkRows(file: string): Row[] {
  const names = fieldNames();
  const keys = Object.keys(names) as Key[];
  const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-E', 'separator=;', '-E', 'occurrence=a', '-E', 'aggregator=|',
    ...keys.flatMap((k) => ['-e', names[k]])], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`tshark -r ${file} failed (${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((line) => {
    const cols = line.split(';');
    if (cols.length !== keys.length) throw new Error(`tshark row with ${cols.length} columns, expected ${keys.length}: ${line}`);
    const row = {} as Row;
    keys.forEach((k, i) => { row[k] = cols[i] === '' ? [] : cols[i]!.split('|'); });
    return row;
  });
}

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
const first = (l: string[]): number | undefined => num(l[0]);

/** What tshark and nlwire say about one frame, in the same shape. */
interface View { [k: string]: unknown }

function tsharkView(row: Row, type: number): View {
  const v: View = {
    len: first(row.len),
    type: type < 16 ? first(row.type) : first(row.routeType),
    flags: first(row.flags),
    seq: first(row.seq),
    pid: first(row.pid),
  };
  if (type === 2) {
    v.error = first(row.error);
    // the echoed request header is dissected as a second netlink header
    v.request = { len: num(row.len[1]), type: num(row.type[1] ?? row.routeType[0]), flags: num(row.flags[1]), seq: num(row.seq[1]), pid: num(row.pid[1]) };
  }
  addFamilyFields(v, type, (k) => row[k]);
  return v;
}

function nlwireView(m: DecodedMessage): View {
  const h = m.nlmsg;
  const v: View = { len: h.length, type: h.type, flags: h.flags, seq: h.seq, pid: h.pid };
  if (m.kind === 'error') {
    v.error = m.error;
    v.request = { len: m.request.length, type: m.request.type, flags: m.request.flags, seq: m.request.seq, pid: m.request.pid };
  }
  if (m.kind !== 'data') return v;
  const attr = (id: number): string[] => {
    if (!declaresAttr(m, id)) throw new Error(`${m.name}: attribute ${id} is not declared`);
    return asList(attrById(m, id)).map(String);
  };
  const field = (off: number): string[] => {
    const x = fieldAt(m, off);
    if (x === undefined) throw new Error(`${m.name}: no fixed-header field at offset ${off}`);
    return [String(x)];
  };
  const family = Number(fieldAt(m, 0));
  addFamilyFields(v, h.type, (k) => {
    switch (k) {
      case 'ifiIndex': return field(4);
      case 'ifname': return attr(3); // IFLA_IFNAME
      case 'mtu': return attr(4); // IFLA_MTU
      case 'ifaFamily': case 'rtFamily': case 'ndFamily': return field(0);
      case 'ifaPrefixlen': case 'rtDstLen': return field(1);
      case 'ifaIndex': case 'ndIndex': return field(4);
      // IFA_ADDRESS and IFA_LOCAL both show as ifa_address
      case 'ifaAddr4': return family === 2 ? [...attr(1), ...attr(2)] : [];
      case 'ifaAddr6': return family === 10 ? [...attr(1), ...attr(2)] : [];
      case 'ifaLabel': return attr(3); // IFA_LABEL
      case 'rtTable': return field(4);
      case 'ndState': return field(8);
      default: throw new Error(`no nlwire value for ${k}`);
    }
  });
  return v;
}

/** The family-specific comparisons for a message type (same keys on both sides). */
function addFamilyFields(v: View, type: number, get: (k: Key) => string[]): void {
  const nums = (k: Key): number[] => get(k).map(Number);
  const sorted = (k: Key): string[] => [...get(k)].sort();
  if (type >= 16 && type <= 19) Object.assign(v, { ifiIndex: nums('ifiIndex'), ifname: get('ifname'), mtu: nums('mtu') });
  else if (type >= 20 && type <= 22) {
    Object.assign(v, {
      ifaFamily: nums('ifaFamily'), ifaPrefixlen: nums('ifaPrefixlen'), ifaIndex: nums('ifaIndex'),
      ifaAddr4: sorted('ifaAddr4'), ifaAddr6: sorted('ifaAddr6'), ifaLabel: get('ifaLabel'),
    });
  } else if (type >= 24 && type <= 26) Object.assign(v, { rtFamily: nums('rtFamily'), rtDstLen: nums('rtDstLen'), rtTable: nums('rtTable') });
  else if (type >= 28 && type <= 30) Object.assign(v, { ndFamily: nums('ndFamily'), ndIndex: nums('ndIndex'), ndState: nums('ndState') });
}

/** Compares every frame of `file` with nlwire's decoding of the same records. Returns the rows. */
function compareFile(file: string, what: string): { rows: Row[]; records: PcapRecord[]; messages: DecodedMessage[] } {
  const cap = readPcap(readFileSync(file));
  const rows = tsharkRows(file);
  assert.is(rows.length, cap.records.length, `${what}: tshark frames vs records`);
  const messages: DecodedMessage[] = [];
  cap.records.forEach((rec, i) => {
    const row = rows[i]!;
    const ms = decode(rec.data, { protocol: rec.protocol });
    assert.is(ms.length, 1, `${what} frame ${i + 1}: one message per record`);
    const m = ms[0]!;
    messages.push(m);
    assert.is(first(row.frame), i + 1);
    assert.equal(first(row.hatype), 824, `${what} frame ${i + 1}: ARPHRD_NETLINK`);
    assert.equal(first(row.family), rec.protocol, `${what} frame ${i + 1}: netlink family`);
    // timestamp: tshark prints seconds.nanoseconds
    const [sec, frac = ''] = row.time[0]!.split('.');
    assert.equal({ sec: Number(sec), nsec: Number(frac.padEnd(9, '0').slice(0, 9)) }, rec.time, `${what} frame ${i + 1}: timestamp`);
    assert.equal(tsharkView(row, m.nlmsg.type), nlwireView(m), `${what} frame ${i + 1} (${m.name}, ${rec.direction})`);
  });
  return { rows, records: cap.records, messages };
}

function tmp(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'nlw-tshark-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------------

test('tshark and capinfos are installed', () => {
  requireTool('tshark', 'tshark');
  requireTool('capinfos', 'tshark');
  fieldNames();
});

test('corpus and generated messages: tshark sees what nlwire decodes, field by field', () => {
  fieldNames();
  const { dir, done } = tmp();
  try {
    const w = new PcapWriter();
    let n = 0;
    for (const f of readdirSync(CORPUS).filter((x) => x.endsWith('.pcap')).sort()) {
      for (const r of readPcap(readFileSync(new URL(f, CORPUS))).records) {
        w.writePacket({ direction: r.direction, protocol: r.protocol, data: r.data, time: r.time.sec * 1000 + r.time.nsec / 1e6 });
        n++;
      }
    }
    // Generated: a plain ACK, an uncapped error that echoes the whole request, an RTM_NEWADDR with a label.
    const req = new MessageBuilder(16, NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE, new Concat([
      new RawBytes(new Uint8Array(16)), new AttributeBuilder().string(3, 'dup0').u32(4, 1280)]), 99, 1234).toBytes();
    const errBody = (errno: number, echo: Uint8Array): RawBytes => {
      const b = new Uint8Array(4 + echo.length);
      new DataView(b.buffer).setInt32(0, errno, true);
      b.set(echo, 4);
      return new RawBytes(b);
    };
    const ack = new MessageBuilder(2, NLM_F.CAPPED, errBody(0, req.subarray(0, 16)), 99, 1234).toBytes();
    const eexist = new MessageBuilder(2, 0, errBody(-17, req), 99, 1234).toBytes();
    const ifaddr = new Uint8Array(8);
    ifaddr[0] = 2; ifaddr[1] = 28; ifaddr[3] = 0; new DataView(ifaddr.buffer).setUint32(4, 7, true);
    const addr = new MessageBuilder(20, NLM_F.MULTI, new Concat([new RawBytes(ifaddr),
      new AttributeBuilder().bytes(1, Uint8Array.of(10, 1, 2, 3)).bytes(2, Uint8Array.of(10, 1, 2, 4)).string(3, 'eth7:x')]), 5, 0).toBytes();
    for (const [d, m] of [['out', req], ['in', ack], ['in', eexist], ['in', addr]] as const) {
      w.writePacket({ direction: d, protocol: 0, data: m });
      n++;
    }
    const file = join(dir, 'all.pcap');
    writeFileSync(file, w.toBytes());
    const { messages } = compareFile(file, 'corpus');
    assert.is(messages.length, n);
    // the comparison covered every kind (not just headers)
    const types = new Set(messages.map((m) => m.nlmsg.type));
    for (const t of [2, 3, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 104, 106]) assert.ok(types.has(t), `type ${t} in the comparison`);
    const errors = messages.filter((m) => m.kind === 'error').map((m) => (m.kind === 'error' ? m.error : 0));
    assert.equal(errors.sort(), [-34, -17, 0].sort());
  } finally {
    done();
  }
});

test('a live NetlinkSocket capture written by pcapFileSink: capinfos and tshark agree with nlwire', async () => {
  fieldNames();
  requireTool('capinfos', 'tshark');
  const { dir, done } = tmp();
  try {
    await withNetns('tshark', async (ns) => {
      ns.ip('link', 'add', 'nlw-a', 'type', 'veth', 'peer', 'name', 'nlw-b');
      ns.ip('link', 'add', 'nlw-c', 'mtu', '1280', 'type', 'veth', 'peer', 'name', 'nlw-d');
      ns.ip('link', 'set', 'nlw-c', 'up');
      ns.ip('addr', 'add', '192.0.2.77/26', 'dev', 'nlw-c');
      ns.ip('route', 'add', '198.18.0.0/15', 'dev', 'nlw-c', 'table', '100');
      const file = join(dir, 'live.pcap');
      const sink = pcapFileSink(file);
      const sock = NetlinkSocket.open({ protocol: 'route', netns: ns.name, capture: sink });
      try {
        await sock.dumpAll(new MessageBuilder(18, 0, new RawBytes(new Uint8Array(16))));
        await sock.dumpAll(new MessageBuilder(22, 0, new RawBytes(Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0))));
        await sock.dumpAll(new MessageBuilder(26, 0, new RawBytes(Uint8Array.of(2, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0))));
      } finally {
        sock.close();
        sink.close();
      }
      const info = spawnSync('capinfos', [file], { encoding: 'utf8' });
      assert.is(info.status, 0, `capinfos failed: ${info.stderr}`);
      assert.match(info.stdout, /File encapsulation:\s+Linux Netlink/);
      assert.match(info.stdout, /File type:\s+Wireshark\/tcpdump\/\.\.\. - pcap/);

      const { rows, records, messages } = compareFile(file, 'live');
      // the requests went out with our port id, the replies came back to it
      const out = records.map((r, i) => [r, messages[i]!] as const).filter(([r]) => r.direction === 'out');
      assert.is(out.length, 3);
      for (const [, m] of out) assert.is(m.nlmsg.pid, sock.portId);
      assert.ok(rows.every((row) => first(row.pid) === sock.portId), 'every frame carries our port id');
      // tshark's interface names are the namespace's
      const names = rows.flatMap((r) => r.ifname).sort();
      const want = ns.ipJson<Array<{ ifname: string }>>('link', 'show').map((l) => l.ifname).sort();
      assert.equal(names, want);
      assert.ok(rows.some((r) => r.mtu.includes('1280')));
      assert.ok(rows.some((r) => r.ifaAddr4.includes('192.0.2.77') && r.ifaPrefixlen.includes('26')));
      assert.ok(rows.some((r) => r.rtTable.includes('100') && r.rtDstLen.includes('15')));
    });
  } finally {
    done();
  }
});

test.run();
