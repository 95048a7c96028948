// `nlwire capture`: every process's netlink traffic, live, through an nlmon device. The kernel
// copies each netlink message sent or received on the host (all protocols, all sockets) to
// nlmon; dumpcap (Wireshark's capture tool) reads it as LINKTYPE_NETLINK pcap, and nlwire
// decodes each packet with its own declarations (text, or NDJSON with the packet number), optionally keeping the pcap.
import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import '../families/registry.js';
import { decode } from '../decode.js';
import { readPcap } from '../pcap/pcap.js';
import { Rtnl } from '../rtnl/rtnl.js';
import { messageJson, messageText, stringify } from './format.js';
import { UsageError, type CliIO } from './io.js';

export const CAPTURE_HELP = `Usage: nlwire capture [-i NLMON] [-w FILE.pcap] [-c COUNT] [-j]
  Decodes the netlink traffic of every process live. Uses the nlmon device NLMON (default
  nlmon0; created, and removed at the end, when missing: needs the nlmon module) and dumpcap
  (apt-get install tshark). -w also writes the capture as pcap (Wireshark reads it); -c stops
  after COUNT packets; -j prints one JSON object per message (NDJSON). Ctrl-C stops.
Examples:
  nlwire capture
  nlwire -j capture -c 20 -w netlink.pcap
`;

const PCAP_HEADER = 24, RECORD_HEADER = 16;

export async function captureCommand(args: string[], io: CliIO, json: boolean, netns?: string): Promise<number> {
  let dev = 'nlmon0', file: string | undefined, count = Infinity;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const val = (): string => { const v = args[++i]; if (v === undefined) throw new UsageError(`capture: ${a} needs a value`); return v; };
    switch (a) {
      case '-i': dev = val(); break;
      case '-w': file = val(); break;
      case '-c': count = Number(val()); if (!(count > 0)) throw new UsageError('capture: -c needs a positive count'); break;
      case '-j': json = true; break;
      default: throw new UsageError(`capture: unknown argument '${a}' (see nlwire capture --help)`);
    }
  }
  const rt = Rtnl.open(netns !== undefined ? { netns } : {});
  let created = false;
  try {
    if (!(await rt.links()).some((l) => l.attrs.ifname === dev)) {
      await rt.addLink({ name: dev, type: 'nlmon', up: true });
      created = true;
    } else await rt.setLink(dev, { up: true });
  } catch (e) {
    rt.close();
    throw new Error(`cannot set up the nlmon device ${dev} (is the nlmon module available?): ${(e as Error).message}`);
  }
  const out: WriteStream | undefined = file ? createWriteStream(file) : undefined;
  const dumpcapArgs = ['-q', '-i', dev, '-P', '-w', '-'];
  const child = netns !== undefined
    ? spawn('ip', ['netns', 'exec', netns, 'dumpcap', ...dumpcapArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('dumpcap', dumpcapArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  let pending = new Uint8Array(0);
  let header: Uint8Array | undefined;
  let seen = 0;
  const stop = (): void => { child.kill('SIGINT'); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  child.stdout.on('data', (chunk: Buffer) => {
    out?.write(chunk);
    const joined = new Uint8Array(pending.length + chunk.length);
    joined.set(pending);
    joined.set(chunk, pending.length);
    let off = 0;
    if (!header) {
      if (joined.length < PCAP_HEADER) { pending = joined; return; }
      header = joined.slice(0, PCAP_HEADER);
      off = PCAP_HEADER;
    }
    const little = header[0] === 0xd4;
    const v = new DataView(joined.buffer, joined.byteOffset, joined.byteLength);
    while (seen < count && off + RECORD_HEADER <= joined.length) {
      const len = v.getUint32(off + 8, little);
      if (off + RECORD_HEADER + len > joined.length) break;
      // the pcap reader parses the record's cooked header (direction, protocol)
      const one = new Uint8Array(PCAP_HEADER + RECORD_HEADER + len);
      one.set(header);
      one.set(joined.subarray(off, off + RECORD_HEADER + len), PCAP_HEADER);
      seen++;
      for (const r of readPcap(one).records) emit(seen, r.timestamp, r.direction, r.protocol, r.data);
      off += RECORD_HEADER + len;
    }
    pending = joined.slice(off);
    if (seen >= count) stop();
  });
  const emit = (packet: number, time: number, direction: string | number, protocol: number, data: Uint8Array): void => {
    let msgs;
    try {
      msgs = decode(data, { protocol });
    } catch (e) {
      io.stdout(json ? stringify({ packet, time, direction, protocol, error: (e as Error).message }) + '\n' : `${time.toFixed(6)} ${direction} proto ${protocol}: ${(e as Error).message}\n`);
      return;
    }
    for (const m of msgs) {
      io.stdout(json ? stringify({ packet, time, direction, protocol, message: messageJson(m, protocol) }) + '\n'
        : `${time.toFixed(6)} ${direction === 'out' ? 'user->kernel' : direction === 'in' ? 'kernel->user' : direction} proto ${protocol} ${messageText(m)}\n`);
    }
  };
  const status = await new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 0 : 1))));
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  await new Promise<void>((resolve) => (out ? out.end(resolve) : resolve()));
  try {
    if (created) await rt.deleteLink(dev);
  } finally { rt.close(); }
  if (status !== 0 && seen === 0) {
    io.stderr(`nlwire capture: dumpcap failed (exit ${status}): ${stderr.trim() || 'no output'}${/ENOENT/.test(stderr) ? ' (apt-get install tshark)' : ''}\n`);
    return 1;
  }
  return 0;
}
