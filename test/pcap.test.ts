// pcap / pcapng reading and writing, and the captured corpus (test/fixtures/corpus, made by
// scripts/capture-corpus.ts) decoded with decode().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeBuilder, Concat, RawBytes } from '../src/core/attr.js';
import { align4 } from '../src/core/constants.js';
import { DecodeError } from '../src/core/errors.js';
import { MessageBuilder } from '../src/core/message.js';
import { pcapFileSink } from '../src/pcap/file.js';
import { LINKTYPE_NETLINK, PcapWriter, readPcap, writePcap, type PcapRecord } from '../src/pcap/pcap.js';
import type { DecodedMessage } from '../src/schema/family.js';

const CORPUS = new URL('./fixtures/corpus/', import.meta.url);

// --- helpers ---------------------------------------------------------------------------------

const getLink = (seq: number): Uint8Array => new MessageBuilder(18, 0x301, new RawBytes(new Uint8Array(16)), seq, 4242).toBytes();
/**
 * An RTM_NEWLINK whose last attribute (IFLA_IFNAME) is not padded, so nlmsg_len is usually not a
 * multiple of 4 and MessageBuilder pads the message after it.
 */
function newLink(name: string, seq: number): Uint8Array {
  const n = new TextEncoder().encode(name);
  const body = new Uint8Array(16 + 4 + n.length + 1);
  const v = new DataView(body.buffer);
  v.setUint16(16, 4 + n.length + 1, true);
  v.setUint16(18, 3, true);
  body.set(n, 20);
  return new MessageBuilder(16, 2, new RawBytes(body), seq, 4242).toBytes();
}
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
const u8 = (b: Uint8Array): number[] => Array.from(b);
/** The first `nlmsg_len` bytes of a message built by MessageBuilder (without its padding). */
const unpadded = (m: Uint8Array): Uint8Array => m.subarray(0, new DataView(m.buffer, m.byteOffset).getUint32(0, true));

function expectDecodeError(fn: () => unknown, reason = 'bad-format'): DecodeError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, DecodeError, `expected DecodeError, got ${String(e)}`);
    assert.is((e as DecodeError).reason, reason);
    return e as DecodeError;
  }
  assert.unreachable('expected a DecodeError');
  throw new Error('unreachable');
}

// --- writing ----------------------------------------------------------------------------------

test('global header and cooked header bytes are exactly LINKTYPE_NETLINK', () => {
  const w = new PcapWriter({ now: () => 1_700_000_000_250.5 });
  w.record('out', 16, getLink(1));
  const b = w.toBytes();
  assert.equal(u8(b.subarray(0, 24)), [
    0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x00, 0x00, 0x04, 0x00, // snaplen 262144
    253, 0, 0, 0,
  ]);
  const v = new DataView(b.buffer, 24);
  assert.is(v.getUint32(0, true), 1_700_000_000);
  assert.is(v.getUint32(4, true), 250_500); // µs
  assert.is(v.getUint32(8, true), 16 + 32);
  assert.is(v.getUint32(12, true), 16 + 32);
  // packet type 4 (outgoing), ARPHRD_NETLINK 0x0338, address length 0, 8 zero bytes, protocol 16: all big-endian
  assert.equal(u8(b.subarray(40, 56)), [0, 4, 0x03, 0x38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16]);
  assert.equal(u8(b.subarray(56)), u8(getLink(1)));
  w.record('in', 0, newLink('eth0', 1));
  assert.equal(u8(w.toBytes().subarray(b.length + 16, b.length + 18)), [0, 0]); // PACKET_HOST
});

test('round trip: one record per message, padding dropped, directions and protocols kept', () => {
  let t = 1_600_000_000_000;
  const w = new PcapWriter({ now: () => (t += 1.5) });
  const req = getLink(7);
  const a = newLink('a', 7), bb = newLink('abcde', 7), done = new MessageBuilder(3, 2, new RawBytes(new Uint8Array(4)), 7, 4242).toBytes();
  w.record('out', 0, req);
  w.record('in', 0, concat(a, bb));
  w.record('in', 0, done);
  w.record('out', 16, getLink(8));
  const cap = readPcap(w.toBytes());
  assert.is(cap.format, 'pcap');
  assert.is(cap.endianness, 'little');
  assert.is(cap.linktype, LINKTYPE_NETLINK);
  assert.is(cap.records.length, 5);
  assert.equal(cap.records.map((r) => r.direction), ['out', 'in', 'in', 'in', 'out']);
  assert.equal(cap.records.map((r) => r.protocol), [0, 0, 0, 0, 16]);
  assert.equal(u8(cap.records[0]!.data), u8(req));
  assert.equal(u8(cap.records[1]!.data), u8(unpadded(a)));
  assert.ok(unpadded(a).length % 4 !== 0, 'the test message must have an unaligned nlmsg_len');
  assert.equal(u8(cap.records[2]!.data), u8(unpadded(bb)));
  assert.equal(u8(cap.records[3]!.data), u8(done));
  // both messages of one datagram share its timestamp
  assert.equal(cap.records[1]!.time, cap.records[2]!.time);
  assert.equal(cap.records[0]!.time, { sec: 1_600_000_000, nsec: 1_500_000 });
  assert.ok(Math.abs(cap.records[0]!.timestamp - 1_600_000_000.0015) < 1e-6);
  for (const r of cap.records) assert.is(r.truncated, false);
});

test('splitMessages: false keeps whole datagrams; malformed tails are kept as one record', () => {
  const dg = concat(newLink('a', 1), newLink('b', 1));
  const whole = readPcap(new PcapWriter({ splitMessages: false }).toBytes());
  assert.is(whole.records.length, 0);
  const w = new PcapWriter({ splitMessages: false });
  w.record('in', 0, dg);
  const r = readPcap(w.toBytes()).records;
  assert.is(r.length, 1);
  assert.equal(u8(r[0]!.data), u8(dg));
  const w2 = new PcapWriter();
  const junk = concat(newLink('a', 1), Uint8Array.of(1, 2, 3, 4, 5));
  w2.record('in', 0, junk);
  const r2 = readPcap(w2.toBytes()).records;
  assert.is(r2.length, 2);
  assert.equal(u8(r2[1]!.data), [1, 2, 3, 4, 5]);
});

test('snaplen cuts long records and flags them truncated; ns resolution', () => {
  const w = new PcapWriter({ snaplen: 40, resolution: 'ns', now: () => 1_000_123.456789 });
  const m = newLink('a-rather-long-interface-name', 1);
  w.record('in', 0, m);
  const b = w.toBytes();
  assert.equal(u8(b.subarray(0, 4)), [0x4d, 0x3c, 0xb2, 0xa1]);
  const r = readPcap(b).records[0]!;
  assert.is(r.data.length, 24);
  assert.is(r.truncated, true);
  assert.is(r.originalLength, 16 + unpadded(m).length);
  assert.is(r.time.sec, 1000);
  assert.ok(Math.abs(r.time.nsec - 123_456_789) < 1000, String(r.time.nsec));
});

test('onData streams the same bytes as toBytes; pcapFileSink writes them to a file', () => {
  const chunks: Uint8Array[] = [];
  const clock = (): number => 1_700_000_000_000;
  const streamed = new PcapWriter({ onData: (c) => chunks.push(c.slice()), now: clock });
  const kept = new PcapWriter({ now: clock });
  const dir = mkdtempSync(join(tmpdir(), 'nlw-pcap-'));
  try {
    const sink = pcapFileSink(join(dir, 'x.pcap'), { now: clock });
    for (const w of [streamed, kept, sink]) {
      w.record('out', 0, getLink(3));
      w.record('in', 0, concat(newLink('lo', 3), newLink('eth0', 3)));
    }
    sink.close();
    sink.record('in', 0, getLink(4)); // after close: dropped, no throw
    assert.equal(u8(concat(...chunks)), u8(kept.toBytes()));
    assert.equal(u8(readFileSync(join(dir, 'x.pcap'))), u8(kept.toBytes()));
    assert.throws(() => streamed.toBytes(), /retain/);
    assert.is(kept.recordCount, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writePcap builds a file from packets; the reader accepts big-endian classic pcap', () => {
  const le = writePcap([
    { direction: 'out', protocol: 0, data: getLink(1), time: 5_000 },
    { direction: 2, protocol: 9, data: newLink('x', 1), time: 6_000 },
  ]);
  // Byte-swap the global and record headers (the cooked header is big-endian in both).
  const be = le.slice();
  const sv = new DataView(be.buffer), lv = new DataView(le.buffer);
  sv.setUint32(0, lv.getUint32(0, true), false);
  sv.setUint16(4, 2, false); sv.setUint16(6, 4, false);
  sv.setUint32(16, lv.getUint32(16, true), false);
  sv.setUint32(20, lv.getUint32(20, true), false);
  for (let off = 24; off < be.length; ) {
    for (let k = 0; k < 16; k += 4) sv.setUint32(off + k, lv.getUint32(off + k, true), false);
    off += 16 + lv.getUint32(off + 8, true);
  }
  for (const bytes of [le, be]) {
    const cap = readPcap(bytes);
    assert.is(cap.endianness, bytes === le ? 'little' : 'big');
    assert.equal(cap.records.map((r) => [r.direction, r.protocol, r.time.sec]), [['out', 0, 5], [2, 9, 6]]);
    assert.equal(u8(cap.records[1]!.data), u8(newLink('x', 1))); // writePacket does not split or trim
  }
});

test('other link types need { raw: true }', () => {
  const b = writePcap([{ direction: 'in', protocol: 0, data: getLink(1), time: 0 }]);
  new DataView(b.buffer).setUint32(20, 1, true); // LINKTYPE_ETHERNET
  const e = expectDecodeError(() => readPcap(b));
  assert.match(e.message, /link type 1/);
  const raw = readPcap(b, { raw: true });
  assert.is(raw.linktype, 1);
  assert.is(raw.records[0]!.data.length, 16 + 32); // cooked header left in place
});

// --- pcapng -----------------------------------------------------------------------------------

function ngBlock(le: boolean, type: number, body: Uint8Array): Uint8Array {
  const len = 12 + align4(body.length);
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, le);
  v.setUint32(4, len, le);
  out.set(body, 8);
  v.setUint32(len - 4, len, le);
  return out;
}
function ngOptions(le: boolean, opts: Array<[number, Uint8Array]>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [code, value] of opts) {
    const o = new Uint8Array(4 + align4(value.length));
    const v = new DataView(o.buffer);
    v.setUint16(0, code, le);
    v.setUint16(2, value.length, le);
    o.set(value, 4);
    parts.push(o);
  }
  if (opts.length) parts.push(new Uint8Array(4)); // opt_endofopt
  return concat(...parts);
}
function shb(le: boolean, opts: Array<[number, Uint8Array]> = []): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x1a2b3c4d, le);
  v.setUint16(4, 1, le);
  v.setUint16(6, 0, le);
  v.setBigInt64(8, -1n, le);
  return ngBlock(le, 0x0a0d0d0a, concat(b, ngOptions(le, opts)));
}
function idb(le: boolean, linktype: number, opts: Array<[number, Uint8Array]> = [], snaplen = 0): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint16(0, linktype, le);
  v.setUint32(4, snaplen, le);
  return ngBlock(le, 1, concat(b, ngOptions(le, opts)));
}
function epb(le: boolean, iface: number, ts: bigint, data: Uint8Array, orig = data.length): Uint8Array {
  const b = new Uint8Array(20);
  const v = new DataView(b.buffer);
  v.setUint32(0, iface, le);
  v.setUint32(4, Number(ts >> 32n), le);
  v.setUint32(8, Number(ts & 0xffffffffn), le);
  v.setUint32(12, data.length, le);
  v.setUint32(16, orig, le);
  return ngBlock(le, 6, concat(b, data, new Uint8Array(align4(data.length) - data.length)));
}
function spb(le: boolean, data: Uint8Array): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, data.length, le);
  return ngBlock(le, 3, concat(b, data));
}
function cooked(pkttype: number, protocol: number, nl: Uint8Array): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint16(0, pkttype, false);
  v.setUint16(2, 824, false);
  v.setUint16(14, protocol, false);
  return concat(h, nl);
}
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const leU64 = (n: bigint, le: boolean): Uint8Array => { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, n, le); return b; };

for (const le of [true, false]) {
  test(`pcapng (${le ? 'little' : 'big'}-endian): interfaces, tsresol, EPB, SPB, unknown blocks`, () => {
    const m1 = getLink(11), m2 = unpadded(newLink('eth0', 11)), m3 = unpadded(newLink('wg0', 12));
    const file = concat(
      shb(le, [[4, text('nlwire test')]]), // shb_userappl
      idb(le, 253, [[2, text('nlmon0')], [9, Uint8Array.of(9)]]), // if_name, if_tsresol 10^-9
      idb(le, 253, [[9, Uint8Array.of(0x80 | 10)], [14, leU64(100n, le)]]), // 2^-10 s units, +100 s
      ngBlock(le, 0x0bad, Uint8Array.of(1, 2, 3, 4)), // unknown: skipped
      epb(le, 0, 1_700_000_000_123_456_789n, cooked(4, 0, m1)),
      epb(le, 1, 1024n * 5n + 512n, cooked(0, 16, m3)),
      ngBlock(le, 5, new Uint8Array(12)), // interface statistics: skipped
      spb(le, cooked(0, 0, m2)),
    );
    const cap = readPcap(file);
    assert.is(cap.format, 'pcapng');
    assert.is(cap.endianness, le ? 'little' : 'big');
    assert.is(cap.linktype, 253);
    assert.is(cap.interfaces.length, 2);
    assert.is(cap.interfaces[0]!.name, 'nlmon0');
    assert.is(cap.interfaces[0]!.unitsPerSecond, 1_000_000_000n);
    assert.is(cap.interfaces[1]!.unitsPerSecond, 1024n);
    assert.is(cap.records.length, 3);
    const [a, b, c] = cap.records as [PcapRecord, PcapRecord, PcapRecord];
    assert.equal([a.direction, a.protocol, a.interfaceIndex, a.time], ['out', 0, 0, { sec: 1_700_000_000, nsec: 123_456_789 }]);
    assert.equal(u8(a.data), u8(m1));
    assert.equal([b.direction, b.protocol, b.interfaceIndex, b.time], ['in', 16, 1, { sec: 105, nsec: 500_000_000 }]);
    assert.equal(u8(b.data), u8(m3));
    assert.equal([c.direction, c.protocol, c.interfaceIndex], ['in', 0, 0]);
    assert.equal(u8(c.data), u8(m2));
  });
}

test('pcapng: several sections of different byte order, each with its own interfaces', () => {
  const m = getLink(1);
  const file = concat(
    shb(true), idb(true, 253), epb(true, 0, 1_000_000n, cooked(4, 0, m)),
    shb(false), idb(false, 1), idb(false, 253), epb(false, 1, 2_000_000n, cooked(0, 0, m)),
  );
  const cap = readPcap(file);
  assert.is(cap.interfaces.length, 3);
  assert.equal(cap.records.map((r) => [r.interfaceIndex, r.direction, r.time.sec]), [[0, 'out', 1], [2, 'in', 2]]);
  // A packet on the Ethernet interface is an error unless raw
  const withEth = concat(file, epb(false, 0, 0n, Uint8Array.of(1, 2, 3)));
  expectDecodeError(() => readPcap(withEth));
  assert.is(readPcap(withEth, { raw: true }).records.length, 3);
});

test('pcapng: malformed blocks are DecodeError bad-format with the offset', () => {
  const good = concat(shb(true), idb(true, 253), epb(true, 0, 0n, cooked(0, 0, getLink(1))));
  const shbLen = shb(true).length;
  // trailing length differs
  const t = good.slice();
  new DataView(t.buffer).setUint32(shbLen + 16, 99, true);
  assert.is(expectDecodeError(() => readPcap(t)).offset, shbLen + 16);
  // packet for an interface that was never described
  expectDecodeError(() => readPcap(concat(shb(true), epb(true, 0, 0n, cooked(0, 0, getLink(1))))));
  // SPB before any IDB
  expectDecodeError(() => readPcap(concat(shb(true), spb(true, cooked(0, 0, getLink(1))))));
  // bad byte-order magic
  const bom = good.slice();
  bom[8] = 0;
  expectDecodeError(() => readPcap(bom));
  // a block before the SHB
  expectDecodeError(() => readPcap(idb(true, 253)));
  // packet shorter than the cooked header
  expectDecodeError(() => readPcap(concat(shb(true), idb(true, 253), epb(true, 0, 0n, Uint8Array.of(0, 4, 3)))));
  // option overrunning its block
  const badOpt = idb(true, 253, [[2, text('abcd')]]);
  new DataView(badOpt.buffer).setUint16(18, 200, true);
  expectDecodeError(() => readPcap(concat(shb(true), badOpt)));
  // classic: truncated record, bad magic, too short
  const classic = writePcap([{ direction: 'in', protocol: 0, data: getLink(1) }]);
  assert.is(expectDecodeError(() => readPcap(classic.subarray(0, classic.length - 1))).offset, 24);
  expectDecodeError(() => readPcap(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)));
  expectDecodeError(() => readPcap(new Uint8Array(0)));
  expectDecodeError(() => readPcap(classic.subarray(0, 20)));
});

// --- robustness -------------------------------------------------------------------------------

function onlyDecodeErrors(b: Uint8Array): boolean {
  try {
    readPcap(b);
  } catch (e) {
    if (!(e instanceof DecodeError) || e.reason !== 'bad-format') throw e;
  }
  try {
    readPcap(b, { raw: true });
  } catch (e) {
    if (!(e instanceof DecodeError) || e.reason !== 'bad-format') throw e;
  }
  return true;
}

const validFiles: Uint8Array[] = [
  writePcap([{ direction: 'out', protocol: 0, data: getLink(1) }, { direction: 'in', protocol: 0, data: newLink('lo', 1) }]),
  writePcap([{ direction: 'in', protocol: 0, data: newLink('lo', 1) }], { resolution: 'ns' }),
  concat(shb(true), idb(true, 253, [[9, Uint8Array.of(6)]]), epb(true, 0, 5n, cooked(4, 0, getLink(2))), spb(true, cooked(0, 0, getLink(3)))),
  concat(shb(false), idb(false, 253, [[14, leU64(7n, false)]]), epb(false, 0, 5n, cooked(4, 0, getLink(2)))),
  // real captures too
  ...readdirSync(CORPUS).filter((f) => f.endsWith('.pcap')).sort().map((f) => new Uint8Array(readFileSync(new URL(f, CORPUS)))),
];

test('property: random bytes only ever raise DecodeError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), onlyDecodeErrors), { numRuns: 3000 });
  // with a valid magic in front, so the parsers get past the first check
  const magics = [validFiles[0]!.subarray(0, 24), validFiles[2]!.subarray(0, 28), validFiles[3]!.subarray(0, 28)];
  fc.assert(fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 300 }), (m, tail) => onlyDecodeErrors(concat(m, tail))), { numRuns: 3000 });
});

test('property: truncations and corruptions of valid files only ever raise DecodeError', () => {
  fc.assert(fc.property(fc.constantFrom(...validFiles), fc.nat(), (f, n) => onlyDecodeErrors(f.subarray(0, n % (f.length + 1)))), { numRuns: 2000 });
  fc.assert(fc.property(
    fc.constantFrom(...validFiles),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
    (f, edits) => {
      const b = f.slice();
      for (const [pos, val] of edits) b[pos % b.length] = val;
      return onlyDecodeErrors(b);
    }), { numRuns: 4000 });
  // every single-byte truncation of every valid file (no hang, no other error)
  for (const f of validFiles) for (let n = 0; n <= f.length; n++) onlyDecodeErrors(f.subarray(0, n));
});

// --- the corpus -------------------------------------------------------------------------------

const corpusFiles = readdirSync(CORPUS).filter((f) => f.endsWith('.pcap')).sort();

test('the corpus is there and small', () => {
  for (const kind of ['link', 'addr', 'route4', 'route6', 'neigh', 'rule', 'nexthop', 'extack']) {
    assert.ok(corpusFiles.includes(`${kind}.pcap`), `missing test/fixtures/corpus/${kind}.pcap (run scripts/capture-corpus.ts)`);
  }
  for (const f of corpusFiles) assert.ok(readFileSync(new URL(f, CORPUS)).length < 16 * 1024, `${f} is larger than 16 KiB`);
});

// decode() is loaded when first needed, so the tests above do not depend on the declarations.
async function decodeCorpus(file: string, engine: 'js' | 'wasm'): Promise<Array<{ record: PcapRecord; messages: DecodedMessage[] }>> {
  const { decode } = await import('../src/codec.js'); // the entry: every built-in family registered
  const cap = readPcap(readFileSync(new URL(file, CORPUS)));
  assert.is(cap.linktype, LINKTYPE_NETLINK);
  return cap.records.map((record, i) => {
    assert.is(record.protocol, 0, `${file} record ${i + 1}: protocol`);
    assert.is(record.truncated, false);
    try {
      return { record, messages: decode(record.data, { protocol: record.protocol, engine }) };
    } catch (e) {
      throw new Error(`${file} record ${i + 1} (${record.direction}): ${String(e)}`);
    }
  });
}

const EXPECTED: Record<string, { request: number; reply: number }> = {
  'link.pcap': { request: 18, reply: 16 },
  'addr.pcap': { request: 22, reply: 20 },
  'route4.pcap': { request: 26, reply: 24 },
  'route6.pcap': { request: 26, reply: 24 },
  'neigh.pcap': { request: 30, reply: 28 },
  'rule.pcap': { request: 34, reply: 32 },
  'nexthop.pcap': { request: 106, reply: 104 },
};

for (const engine of ['js', 'wasm'] as const) {
  test(`corpus: every record decodes with decode() (${engine} walker); dumps have the expected types`, async () => {
    for (const file of corpusFiles) {
      const recs = await decodeCorpus(file, engine);
      for (const { record, messages } of recs) assert.is(messages.length, 1, `${file}: one message per record`);
      const exp = EXPECTED[file];
      if (!exp) continue;
      const out = recs.filter((r) => r.record.direction === 'out').map((r) => r.messages[0]!);
      const inn = recs.filter((r) => r.record.direction === 'in').map((r) => r.messages[0]!);
      assert.ok(out.length >= 1 && out.every((m) => m.nlmsg.type === exp.request && (m.nlmsg.flags & 0x301) === 0x301), `${file}: dump requests`);
      const data = inn.filter((m) => m.kind === 'data');
      assert.ok(data.length >= 1, `${file}: replies`);
      for (const m of data) {
        assert.is(m.nlmsg.type, exp.reply, `${file}: reply type`);
        assert.ok(m.name !== `type ${exp.reply}`, `${file}: type ${exp.reply} is not declared (name ${m.name})`);
        assert.ok(m.nlmsg.flags & 2, `${file}: NLM_F_MULTI`);
      }
      const dones = inn.filter((m) => m.kind === 'done');
      assert.is(dones.length, out.length, `${file}: one NLMSG_DONE per dump`);
      for (const d of dones) assert.is(d.kind === 'done' && d.error, 0);
      // replies answer the request's sequence number
      const seqs = new Set(out.map((m) => m.nlmsg.seq));
      for (const m of inn) assert.ok(seqs.has(m.nlmsg.seq), `${file}: reply seq ${m.nlmsg.seq}`);
    }
  });
}

test('corpus: the refused RTM_NEWLINK carries an extended ACK with message, offset and policy', async () => {
  const recs = await decodeCorpus('extack.pcap', 'js');
  assert.equal(recs.map((r) => r.record.direction), ['out', 'in']);
  const req = recs[0]!.messages[0]!;
  assert.is(req.nlmsg.type, 16);
  const err = recs[1]!.messages[0]!;
  assert.is(err.kind, 'error');
  if (err.kind !== 'error') return;
  assert.is(err.error, -34); // ERANGE
  assert.is(err.request.type, 16);
  assert.is(err.request.seq, req.nlmsg.seq);
  assert.is(err.extack.message, 'Attribute failed policy validation');
  // the offset points at IFLA_IFNAME in the request: right after nlmsghdr + ifinfomsg
  assert.is(err.extack.offset, 32);
  assert.is(new DataView(recs[0]!.record.data.buffer, recs[0]!.record.data.byteOffset).getUint16(32 + 2, true), 3);
  assert.is(err.extack.policy?.type, 'string');
  assert.is(err.extack.policy?.maxLength, 15);
});

test.run();
