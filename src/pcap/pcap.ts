// pcap / pcapng for netlink traffic. Pure TypeScript over Uint8Array (no Node APIs): it runs in a
// browser as well. Node's file helper lives in ./file.ts.
//
// Writing: classic pcap, LINKTYPE_NETLINK (253). Every record starts with the 16-byte cooked
// header Linux's nlmon device produces (all fields big-endian):
//
//   u16 packet type   0 = PACKET_HOST (kernel -> user, 'in'), 4 = PACKET_OUTGOING (user -> kernel, 'out')
//   u16 ARPHRD_NETLINK (824)
//   u16 address length (0)
//   u8[8] address (zero)
//   u16 netlink protocol (NETLINK_ROUTE = 0, ...)
//
// followed by the netlink bytes. Wireshark walks the messages of one record by nlmsg_len without
// NLMSG_ALIGN, so by default every datagram is written as one record per message.
//
// Reading: classic pcap (both byte orders, microsecond and nanosecond magic) and pcapng (sections
// of either byte order, several interfaces, EPB / SPB / obsolete PB, if_tsresol and if_tsoffset;
// unknown blocks are skipped). Malformed input raises DecodeError('bad-format', offset, detail)
// and nothing else; every loop advances, so no input makes it hang.
import type { CaptureSink } from '../socket/netlink-socket.js';
import { NLMSG_HDRLEN, align4 } from '../core/constants.js';
import { DecodeError } from '../core/errors.js';

/** pcap link type of netlink captures (Linux cooked netlink, as nlmon produces). */
export const LINKTYPE_NETLINK = 253;
/** The ARPHRD type in a LINKTYPE_NETLINK cooked header. */
export const ARPHRD_NETLINK = 824;
/** sll_pkttype of kernel -> user messages (PACKET_HOST). */
export const PACKET_HOST = 0;
/** sll_pkttype of user -> kernel messages (PACKET_OUTGOING). */
export const PACKET_OUTGOING = 4;
/** Size of the cooked header before the netlink bytes of a LINKTYPE_NETLINK record. */
export const NETLINK_COOKED_HEADER_LENGTH = 16;
/** Snapshot length written to new captures: larger datagrams are cut and marked truncated. */
export const DEFAULT_SNAPLEN = 262144;

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAP_GLOBAL_HEADER = 24;
const PCAP_RECORD_HEADER = 16;

const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_IDB = 0x00000001;
const PCAPNG_PB = 0x00000002; // obsolete Packet Block
const PCAPNG_SPB = 0x00000003;
const PCAPNG_EPB = 0x00000006;
const PCAPNG_BOM = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

/** Which way a recorded datagram went: 'in' (kernel to user) or 'out'. */
export type Direction = 'in' | 'out';

// ---------------------------------------------------------------------------------------------
// Writer

/** Options of a {@link PcapWriter}. */
export interface PcapWriterOptions {
  /** Receives every chunk as it is produced (the global header first, then one chunk per record). */
  onData?: (chunk: Uint8Array) => void;
  /** Keep the bytes for toBytes(). Default: true without onData, false with it. */
  retain?: boolean;
  /**
   * One record per netlink message (default true), as Wireshark expects. false writes every
   * datagram as one record.
   */
  splitMessages?: boolean;
  /** Default 262144. Longer records are cut to it (orig_len keeps the real length). */
  snaplen?: number;
  /** Timestamp resolution of the file: 'us' (default, magic a1b2c3d4) or 'ns' (a1b23c4d). */
  resolution?: 'us' | 'ns';
  /** Clock in milliseconds since the epoch (fractions kept); default performance/Date. */
  now?: () => number;
}

/** A record to write as is: the cooked header is added, nothing is split. */
export interface PcapPacket {
  direction: Direction | number;
  protocol: number;
  /** Netlink bytes (without the cooked header). */
  data: Uint8Array;
  /** Milliseconds since the epoch; default the writer's clock. */
  time?: number;
}

function defaultClock(): number {
  const perf = (globalThis as { performance?: { timeOrigin?: number; now(): number } }).performance;
  if (perf && typeof perf.timeOrigin === 'number' && perf.timeOrigin > 0) return perf.timeOrigin + perf.now();
  return Date.now();
}

/**
 * Writes classic pcap with LINKTYPE_NETLINK. It is a CaptureSink: pass it as
 * `NetlinkSocket.open({ ..., capture: writer })`, then `writer.toBytes()`.
 */
export class PcapWriter implements CaptureSink {
  readonly snaplen: number;
  readonly splitMessages: boolean;
  readonly resolution: 'us' | 'ns';
  private readonly onData: ((chunk: Uint8Array) => void) | undefined;
  private readonly retain: boolean;
  private readonly chunks: Uint8Array[] = [];
  private readonly now: () => number;
  private bytesWritten = 0;
  private records = 0;

  constructor(options: PcapWriterOptions = {}) {
    this.onData = options.onData;
    this.retain = options.retain ?? options.onData === undefined;
    this.splitMessages = options.splitMessages ?? true;
    this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    if (!Number.isInteger(this.snaplen) || this.snaplen < NETLINK_COOKED_HEADER_LENGTH || this.snaplen > 0x7fffffff) {
      throw new RangeError(`snaplen must be an integer in [16, 2^31): ${this.snaplen}`);
    }
    this.resolution = options.resolution ?? 'us';
    this.now = options.now ?? defaultClock;
    const h = new Uint8Array(PCAP_GLOBAL_HEADER);
    const v = new DataView(h.buffer);
    v.setUint32(0, this.resolution === 'ns' ? PCAP_MAGIC_NS : PCAP_MAGIC_US, true); // d4 c3 b2 a1
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setInt32(8, 0, true); // thiszone
    v.setUint32(12, 0, true); // sigfigs
    v.setUint32(16, this.snaplen, true);
    v.setUint32(20, LINKTYPE_NETLINK, true);
    this.emit(h);
  }

  /** Number of records written. */
  get recordCount(): number { return this.records; }
  /** Bytes produced so far (global header included). */
  get byteLength(): number { return this.bytesWritten; }

  /**
   * CaptureSink: records one datagram. With splitMessages (default) each netlink message becomes
   * its own record (padding between messages dropped); bytes that do not parse as messages are
   * written as one record so nothing captured is lost.
   */
  record(direction: Direction, protocol: number, bytes: Uint8Array): void {
    const time = this.now();
    if (!this.splitMessages) {
      this.writePacket({ direction, protocol, data: bytes, time });
      return;
    }
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let off = 0;
    while (off < bytes.length) {
      const remaining = bytes.length - off;
      const len = remaining >= NLMSG_HDRLEN ? v.getUint32(off, true) : 0;
      if (len < NLMSG_HDRLEN || len > remaining) {
        this.writePacket({ direction, protocol, data: bytes.subarray(off), time });
        return;
      }
      this.writePacket({ direction, protocol, data: bytes.subarray(off, off + len), time });
      off += align4(len);
    }
    if (bytes.length === 0) this.writePacket({ direction, protocol, data: bytes, time });
  }

  /** Writes one record (cooked header + `data`), unsplit. */
  writePacket(p: PcapPacket): void {
    const pkttype = p.direction === 'in' ? PACKET_HOST : p.direction === 'out' ? PACKET_OUTGOING : p.direction;
    if (!Number.isInteger(pkttype) || pkttype < 0 || pkttype > 0xffff) throw new RangeError(`bad packet type ${String(p.direction)}`);
    if (!Number.isInteger(p.protocol) || p.protocol < 0 || p.protocol > 0xffff) throw new RangeError(`bad netlink protocol ${p.protocol}`);
    const origLen = NETLINK_COOKED_HEADER_LENGTH + p.data.length;
    const inclLen = Math.min(origLen, this.snaplen);
    const out = new Uint8Array(PCAP_RECORD_HEADER + inclLen);
    const v = new DataView(out.buffer);
    const ms = p.time ?? this.now();
    let sec = Math.floor(ms / 1000);
    const scale = this.resolution === 'ns' ? 1e9 : 1e6;
    let frac = Math.round((ms - sec * 1000) * (scale / 1000));
    if (frac >= scale) { sec += 1; frac -= scale; }
    v.setUint32(0, sec >>> 0, true);
    v.setUint32(4, frac, true);
    v.setUint32(8, inclLen, true);
    v.setUint32(12, origLen, true);
    // cooked header, big-endian
    v.setUint16(16, pkttype, false);
    v.setUint16(18, ARPHRD_NETLINK, false);
    v.setUint16(20, 0, false);
    // 8 zero address bytes at 22..29
    v.setUint16(30, p.protocol, false);
    out.set(p.data.subarray(0, inclLen - NETLINK_COOKED_HEADER_LENGTH), PCAP_RECORD_HEADER + NETLINK_COOKED_HEADER_LENGTH);
    this.records++;
    this.emit(out);
  }

  /** The whole file so far. Throws when the writer streams to onData without `retain`. */
  toBytes(): Uint8Array {
    if (!this.retain) throw new Error('PcapWriter: bytes went to onData and were not kept (pass retain: true)');
    const out = new Uint8Array(this.bytesWritten);
    let off = 0;
    for (const c of this.chunks) { out.set(c, off); off += c.length; }
    return out;
  }

  private emit(chunk: Uint8Array): void {
    this.bytesWritten += chunk.length;
    if (this.retain) this.chunks.push(chunk);
    this.onData?.(chunk);
  }
}

/** Builds a LINKTYPE_NETLINK pcap from messages in one call (tests, fixtures). */
export function writePcap(packets: Iterable<PcapPacket>, options: Omit<PcapWriterOptions, 'onData' | 'retain'> = {}): Uint8Array {
  const w = new PcapWriter(options);
  for (const p of packets) w.writePacket(p);
  return w.toBytes();
}

// ---------------------------------------------------------------------------------------------
// Reader

/** An exact timestamp: seconds since the epoch plus nanoseconds. */
export interface PcapTime {
  sec: number;
  nsec: number;
}

/** A captured packet as stored (any link type). */
export interface PcapRawRecord {
  /** Seconds since the epoch, as a float (for display; `time` is exact). */
  timestamp: number;
  time: PcapTime;
  /** Link type of the packet's interface. */
  linktype: number;
  /** Index into `interfaces` (pcapng); 0 for classic pcap. */
  interfaceIndex: number;
  /** Length on the wire (may exceed the captured bytes when the snaplen cut it). */
  originalLength: number;
  /** The captured bytes, a view into the input (with the cooked header, for netlink). */
  data: Uint8Array;
}

/** A LINKTYPE_NETLINK packet with its cooked header parsed. */
export interface PcapRecord extends Omit<PcapRawRecord, 'data'> {
  /** 'in' (packet type 0, kernel to user), 'out' (4, user to kernel), else the raw packet type. */
  direction: Direction | number;
  /** Netlink protocol from the cooked header (0 = route, 16 = generic, ...). */
  protocol: number;
  /** The netlink bytes after the cooked header (a view into the input). */
  data: Uint8Array;
  /** True when the snaplen cut the packet: the netlink bytes are incomplete. */
  truncated: boolean;
}

/** An interface of a capture (pcapng has one block per interface; classic pcap has one). */
export interface PcapInterface {
  linktype: number;
  snaplen: number;
  /** pcapng if_name, when present. */
  name?: string;
  /** Timestamp units per second (1e6 for classic pcap in microseconds). */
  unitsPerSecond: bigint;
}

/** A parsed capture file ({@link readPcap}): its format, interfaces and records. */
export interface PcapCapture<R> {
  format: 'pcap' | 'pcapng';
  /** Byte order the file was written in. */
  endianness: 'little' | 'big';
  /** Link type of the file (classic) or of its first interface (pcapng); -1 without interfaces. */
  linktype: number;
  interfaces: PcapInterface[];
  records: R[];
}

/** Options of {@link readPcap}. */
export interface ReadPcapOptions {
  /** Return packets of any link type untouched (the cooked header is not stripped). */
  raw?: boolean;
}

function bad(offset: number, detail: string): DecodeError {
  return new DecodeError('bad-format', offset, detail);
}

/**
 * Reads a classic pcap or pcapng file. Without `raw`, every packet must be LINKTYPE_NETLINK
 * (253): its cooked header is parsed into direction and protocol. Record data are views into
 * `bytes`. Throws DecodeError('bad-format') for anything malformed.
 */
export function readPcap(bytes: Uint8Array): PcapCapture<PcapRecord>;
export function readPcap(bytes: Uint8Array, options: ReadPcapOptions & { raw: true }): PcapCapture<PcapRawRecord>;
export function readPcap(bytes: Uint8Array, options?: ReadPcapOptions): PcapCapture<PcapRecord> | PcapCapture<PcapRawRecord>;
export function readPcap(bytes: Uint8Array, options: ReadPcapOptions = {}): PcapCapture<PcapRecord> | PcapCapture<PcapRawRecord> {
  const raw = readPcapRaw(bytes);
  if (options.raw) return raw;
  const records: PcapRecord[] = [];
  for (let i = 0; i < raw.records.length; i++) {
    const r = raw.records[i]!;
    const at = r.data.byteOffset - bytes.byteOffset;
    if (r.linktype !== LINKTYPE_NETLINK) {
      throw bad(at, `packet ${i + 1} has link type ${r.linktype}, not LINKTYPE_NETLINK (253); read it with { raw: true }`);
    }
    records.push(parseCooked(r, at, i));
  }
  return { ...raw, records };
}

function parseCooked(r: PcapRawRecord, at: number, index: number): PcapRecord {
  if (r.data.length < NETLINK_COOKED_HEADER_LENGTH) {
    throw bad(at, `packet ${index + 1}: ${r.data.length} bytes, shorter than the 16-byte netlink cooked header`);
  }
  const v = new DataView(r.data.buffer, r.data.byteOffset, r.data.byteLength);
  const pkttype = v.getUint16(0, false);
  const direction: Direction | number = pkttype === PACKET_HOST ? 'in' : pkttype === PACKET_OUTGOING ? 'out' : pkttype;
  return {
    timestamp: r.timestamp,
    time: r.time,
    linktype: r.linktype,
    interfaceIndex: r.interfaceIndex,
    originalLength: r.originalLength,
    direction,
    protocol: v.getUint16(14, false),
    data: r.data.subarray(NETLINK_COOKED_HEADER_LENGTH),
    truncated: r.originalLength > r.data.length,
  };
}

function readPcapRaw(bytes: Uint8Array): PcapCapture<PcapRawRecord> {
  if (!(bytes instanceof Uint8Array)) throw bad(0, 'input is not a Uint8Array');
  if (bytes.length < 4) throw bad(0, `${bytes.length} bytes: too short for a pcap or pcapng file`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicLE = v.getUint32(0, true);
  if (magicLE === PCAPNG_SHB) return readPcapng(bytes, v);
  for (const le of [true, false]) {
    const m = v.getUint32(0, le);
    if (m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS) return readClassic(bytes, v, le, m === PCAP_MAGIC_NS);
  }
  throw bad(0, `unknown magic 0x${v.getUint32(0, false).toString(16).padStart(8, '0')} (not pcap or pcapng)`);
}

function timeOf(sec: number, nsec: number): { timestamp: number; time: PcapTime } {
  return { timestamp: sec + nsec / 1e9, time: { sec, nsec } };
}

function readClassic(bytes: Uint8Array, v: DataView, le: boolean, nano: boolean): PcapCapture<PcapRawRecord> {
  if (bytes.length < PCAP_GLOBAL_HEADER) throw bad(0, `pcap global header needs 24 bytes, file has ${bytes.length}`);
  const major = v.getUint16(4, le);
  if (major !== 2) throw bad(4, `unsupported pcap version ${major}.${v.getUint16(6, le)}`);
  const snaplen = v.getUint32(16, le);
  // The upper bits may carry FCS information; the link type is the low 16 bits.
  const linktype = v.getUint32(20, le) & 0xffff;
  const iface: PcapInterface = { linktype, snaplen, unitsPerSecond: nano ? 1_000_000_000n : 1_000_000n };
  const records: PcapRawRecord[] = [];
  let off = PCAP_GLOBAL_HEADER;
  while (off < bytes.length) {
    if (bytes.length - off < PCAP_RECORD_HEADER) {
      throw bad(off, `record ${records.length + 1}: ${bytes.length - off} bytes left for a 16-byte record header`);
    }
    const sec = v.getUint32(off, le);
    const frac = v.getUint32(off + 4, le);
    const incl = v.getUint32(off + 8, le);
    const orig = v.getUint32(off + 12, le);
    const start = off + PCAP_RECORD_HEADER;
    if (incl > bytes.length - start) {
      throw bad(off, `record ${records.length + 1}: incl_len ${incl} with ${bytes.length - start} bytes left`);
    }
    const nsec = nano ? frac : frac * 1000;
    records.push({
      ...timeOf(sec, nsec), linktype, interfaceIndex: 0,
      originalLength: Math.max(orig, incl), data: bytes.subarray(start, start + incl),
    });
    off = start + incl;
  }
  return { format: 'pcap', endianness: le ? 'little' : 'big', linktype, interfaces: [iface], records };
}

interface Section {
  le: boolean;
  /** Index into the global interface list of this section's interface 0. */
  base: number;
  count: number;
  tsoffset: bigint[];
}

function readPcapng(bytes: Uint8Array, v: DataView): PcapCapture<PcapRawRecord> {
  const interfaces: PcapInterface[] = [];
  const records: PcapRawRecord[] = [];
  let section: Section | undefined;
  let firstLE: boolean | undefined;
  let off = 0;
  while (off < bytes.length) {
    const left = bytes.length - off;
    if (left < 12) throw bad(off, `${left} bytes left for a pcapng block (needs at least 12)`);
    const typeLE = v.getUint32(off, true);
    if (typeLE === PCAPNG_SHB) {
      if (left < 28) throw bad(off, `section header block needs 28 bytes, ${left} left`);
      const bom = v.getUint32(off + 8, true);
      let le: boolean;
      if (bom === PCAPNG_BOM) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else throw bad(off + 8, `bad byte-order magic 0x${bom.toString(16)} in section header block`);
      const major = v.getUint16(off + 12, le);
      if (major !== 1) throw bad(off + 12, `unsupported pcapng version ${major}.${v.getUint16(off + 14, le)}`);
      const len = blockLength(bytes, v, off, le, 28);
      section = { le, base: interfaces.length, count: 0, tsoffset: [] };
      firstLE ??= le;
      off += len;
      continue;
    }
    if (!section) throw bad(off, 'pcapng file does not start with a section header block');
    const le = section.le;
    const type = v.getUint32(off, le);
    const len = blockLength(bytes, v, off, le, 12);
    const body = off + 8;
    const bodyEnd = off + len - 4;
    switch (type) {
      case PCAPNG_IDB: {
        if (bodyEnd - body < 8) throw bad(off, 'interface description block shorter than 20 bytes');
        const iface: PcapInterface = { linktype: v.getUint16(body, le), snaplen: v.getUint32(body + 4, le), unitsPerSecond: 1_000_000n };
        let tsoffset = 0n;
        forOptions(v, body + 8, bodyEnd, le, (code, o, n) => {
          if (code === IF_TSRESOL) {
            if (n < 1) throw bad(o - 4, 'if_tsresol option without a value');
            const r = bytes[o]!;
            const exp = r & 0x7f;
            if (r & 0x80) {
              if (exp > 63) throw bad(o, `if_tsresol 2^-${exp} out of range`);
              iface.unitsPerSecond = 1n << BigInt(exp);
            } else {
              if (exp > 18) throw bad(o, `if_tsresol 10^-${exp} out of range`);
              iface.unitsPerSecond = 10n ** BigInt(exp);
            }
          } else if (code === IF_TSOFFSET) {
            if (n !== 8) throw bad(o - 4, `if_tsoffset option of ${n} bytes (needs 8)`);
            tsoffset = v.getBigInt64(o, le);
          } else if (code === IF_NAME) {
            iface.name = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(o, o + n)).replace(/\0+$/, '');
          }
        });
        interfaces.push(iface);
        section.count++;
        section.tsoffset.push(tsoffset);
        break;
      }
      case PCAPNG_EPB:
      case PCAPNG_PB: {
        if (bodyEnd - body < 20) throw bad(off, `packet block shorter than ${20 + 12} bytes`);
        const id = type === PCAPNG_EPB ? v.getUint32(body, le) : v.getUint16(body, le);
        if (id >= section.count) throw bad(body, `packet block for interface ${id}, but the section has ${section.count}`);
        const hi = v.getUint32(body + 4, le);
        const lo = v.getUint32(body + 8, le);
        const incl = v.getUint32(body + 12, le);
        const orig = v.getUint32(body + 16, le);
        const start = body + 20;
        if (incl > bodyEnd - start) throw bad(off, `captured length ${incl} exceeds the block (${bodyEnd - start} bytes)`);
        const iface = interfaces[section.base + id]!;
        const t = pcapngTime(hi, lo, iface.unitsPerSecond, section.tsoffset[id]!);
        records.push({
          ...t, linktype: iface.linktype, interfaceIndex: section.base + id,
          originalLength: Math.max(orig, incl), data: bytes.subarray(start, start + incl),
        });
        break;
      }
      case PCAPNG_SPB: {
        if (bodyEnd - body < 4) throw bad(off, 'simple packet block shorter than 16 bytes');
        if (section.count === 0) throw bad(off, 'simple packet block before any interface description block');
        const iface = interfaces[section.base]!;
        const orig = v.getUint32(body, le);
        const start = body + 4;
        let incl = Math.min(orig, bodyEnd - start);
        if (iface.snaplen > 0) incl = Math.min(incl, iface.snaplen);
        records.push({
          timestamp: 0, time: { sec: 0, nsec: 0 }, linktype: iface.linktype, interfaceIndex: section.base,
          originalLength: orig, data: bytes.subarray(start, start + incl),
        });
        break;
      }
      default:
        break; // name resolution, statistics, custom, decryption secrets...: not needed here
    }
    off += len;
  }
  if (firstLE === undefined) throw bad(0, 'pcapng file without a section header block');
  return { format: 'pcapng', endianness: firstLE ? 'little' : 'big', linktype: interfaces[0]?.linktype ?? -1, interfaces, records };
}

/** Checks a block's total length (both copies) and returns it. */
function blockLength(bytes: Uint8Array, v: DataView, off: number, le: boolean, min: number): number {
  const len = v.getUint32(off + 4, le);
  const left = bytes.length - off;
  if (len < min || len % 4 !== 0) throw bad(off + 4, `bad pcapng block length ${len}`);
  if (len > left) throw bad(off + 4, `pcapng block length ${len} with ${left} bytes left`);
  const trailer = v.getUint32(off + len - 4, le);
  if (trailer !== len) throw bad(off + len - 4, `pcapng block length ${len} does not match its trailing copy ${trailer}`);
  return len;
}

/** Walks pcapng options (code, length, value padded to 4) until opt_endofopt or the end. */
function forOptions(v: DataView, start: number, end: number, le: boolean,
  fn: (code: number, valueOffset: number, length: number) => void): void {
  let o = start;
  while (end - o >= 4) {
    const code = v.getUint16(o, le);
    const n = v.getUint16(o + 2, le);
    if (code === OPT_ENDOFOPT) return;
    if (n > end - o - 4) throw bad(o, `pcapng option ${code} of ${n} bytes overruns its block`);
    fn(code, o + 4, n);
    o += 4 + align4(n);
  }
}

function pcapngTime(hi: number, lo: number, unitsPerSecond: bigint, offsetSeconds: bigint): { timestamp: number; time: PcapTime } {
  const units = (BigInt(hi) << 32n) | BigInt(lo);
  const sec = units / unitsPerSecond + offsetSeconds;
  const nsec = ((units % unitsPerSecond) * 1_000_000_000n) / unitsPerSecond;
  return timeOf(Number(sec), Number(nsec));
}
