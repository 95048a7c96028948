// `nlwire capture` over nlmon (the guest loads the module): capturing `ip` making changes,
// decoded live by nlwire, compared with tshark's reading of the pcap nlwire wrote.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { modprobe, sh } from './_guest.js';

interface Line { packet: number; protocol: number; direction: string; message: { nlmsg?: { length: number; type: number; seq: number; pid: number }; request?: { length: number; type: number; seq: number; pid: number }; type?: string; attrs?: Record<string, unknown> } }

test("capture ip's changes: NDJSON decoded live, and a pcap that tshark reads the same", async () => {
  modprobe('nlmon', 'dummy');
  const pcap = '/tmp/nlwire-capture.pcap';
  const cap = spawn(process.execPath, ['dist/cli.js', '-j', 'capture', '-i', 'nlmon7', '-w', pcap], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  cap.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  cap.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  // wait until the capture runs: the nlmon device is up and dumpcap has it open
  // (a packet socket bound to nlmon7 in /proc/net/packet), polled: under load dumpcap starts slowly
  const capturing = (): boolean => {
    if (!existsSync('/sys/class/net/nlmon7/ifindex')) return false;
    const index = readFileSync('/sys/class/net/nlmon7/ifindex', 'utf8').trim();
    return readFileSync('/proc/net/packet', 'utf8').split('\n').slice(1).some((l) => l.trim().split(/\s+/)[4] === index);
  };
  for (let i = 0; i < 600 && !(existsSync(pcap) && capturing()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(capturing(), `dumpcap captures on nlmon7 within 60 s (${err.trim()})`);
  await new Promise((r) => setTimeout(r, 1000));
  sh('ip', 'link', 'add', 'capdum0', 'type', 'dummy');
  sh('ip', 'addr', 'add', '198.51.100.7/24', 'dev', 'capdum0');
  sh('ip', 'link', 'set', 'capdum0', 'up');
  sh('ip', 'link', 'del', 'capdum0');
  await new Promise((r) => setTimeout(r, 3000));
  cap.kill('SIGINT');
  const code = await new Promise<number | null>((r) => cap.on('close', r));
  assert.is(code, 0, err);
  const lines = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  const route = lines.filter((l) => l.protocol === 0);
  const newlink = route.find((l) => l.message.type === 'RTM_NEWLINK' && l.direction === 'out' && l.message.attrs?.ifname === 'capdum0');
  assert.ok(newlink, `ip's RTM_NEWLINK request for capdum0 is in the capture (${route.length} route messages)`);
  assert.ok(route.some((l) => l.message.type === 'RTM_NEWADDR' && l.direction === 'out'), 'the RTM_NEWADDR request');
  assert.ok(route.some((l) => l.message.type === 'RTM_DELLINK' && l.direction === 'out'), 'the RTM_DELLINK request');
  const seen = [...new Set(route.map((l) => `${l.message.type}/${l.direction}`))].join(' ');
  assert.ok(route.some((l) => l.message.type === 'NLMSG_ERROR'), `the kernel's ACKs (seen: ${seen})`);

  // tshark's reading of the same pcap, one row per packet. Its field lists also hold the headers
  // nested in NLMSG_ERROR, so each packet is compared by its count and its first message; its
  // netlink.hdr_type stays 0 for types a family dissector names, so the type is checked above.
  const rows = sh('tshark', '-r', pcap, '-T', 'fields', '-E', 'separator=|', '-e', 'netlink.hdr_len', '-e', 'netlink.hdr_seq', '-e', 'netlink.hdr_pid')
    .trim().split('\n').filter(Boolean);
  const tshark = rows.map((row) => row.split('|').map((c) => Number(c.split(',')[0])));
  const firstOfPacket = new Map<number, number[]>();
  for (const l of lines) {
    const h = l.message.nlmsg;
    if (h && !firstOfPacket.has(l.packet)) firstOfPacket.set(l.packet, [h.length, h.seq, h.pid]);
  }
  const ours = [...firstOfPacket.entries()].sort((x, y) => x[0] - y[0]).map(([, v]) => v);
  assert.ok(ours.length > 8, `${ours.length} packets`);
  assert.is(ours.length, tshark.length, 'as many packets as tshark reads');
  const at = ours.findIndex((r, i) => r.join() !== tshark[i]!.join());
  assert.is(at, -1, `packet ${at + 1}: nlwire ${ours[at]?.join()} tshark ${tshark[at]?.join()}`);
});

test.run();
