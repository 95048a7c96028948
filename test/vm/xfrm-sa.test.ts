// xfrm with real SAs in the guest (esp4/esp6/ah4/ah6 and the crypto templates load on the kernel's
// own requests): ESP with AES-GCM and with hmac(sha256)+cbc(aes), AH, IPComp; added, read, listed,
// deleted, flushed and monitored through nlwire's API and CLI, compared with ip. iproute2 6.1 has no
// JSON for xfrm (`ip -j xfrm state` prints its text), so the comparison is its text, line for line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import * as xfrm from '../../src/entries/xfrm.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modprobe, nlwire, sh, vmDir } from './_guest.js';

/** `nlwire -batch FILE` with these command lines (one node start: node is slow in the guest); its output. */
function nlwireBatch(name: string, lines: string[][]): string {
  const file = join(vmDir(), `xfrm-${name}.batch`);
  writeFileSync(file, lines.map((l) => l.map((w) => (/[()]/.test(w) ? `"${w}"` : w)).join(' ')).join('\n') + '\n');
  return nlwire('-batch', file);
}

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed + i * 13) & 0xff);
const hex = (b: Uint8Array): string => '0x' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Waits for `p`, failing (with what arrived) after `ms`. */
async function within(p: Promise<unknown>, ms: number, what: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p, new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`${what()} within ${ms / 1000} s`)), ms); })]);
  } finally { clearTimeout(timer); }
}

/** ip's text and nlwire's, split into SAs (ip lists newest first, as the kernel dumps). */
function assertSameList(): void {
  const ip = sh('ip', 'xfrm', 'state', 'list');
  const nl = nlwire('xfrm', 'state', 'list');
  assert.fixture(nl, ip);
}

// Through the API: ESP AES-GCM (transport), ESP hmac(sha256)+cbc(aes) (tunnel, with a flag and a
// selector), AH hmac(sha256) (IPv4) and hmac(sha1) (IPv6), with marks.
const gcm: xfrm.SaSpec = {
  src: '192.0.2.1', dst: '192.0.2.2', proto: 'esp', spi: 0x1001, reqid: 1, mode: 'transport',
  aead: { name: 'rfc4106(gcm(aes))', key: bytes(20, 1), icvLen: 128 },
};
const cbc: xfrm.SaSpec = {
  src: '192.0.2.1', dst: '192.0.2.3', proto: 'esp', spi: 0x1002, reqid: 2, mode: 'tunnel', replayWindow: 32, flags: 1 | 32,
  auth: { name: 'hmac(sha256)', key: bytes(32, 2), truncLen: 128 }, crypt: { name: 'cbc(aes)', key: bytes(16, 3) },
  selector: { src: '10.1.0.0/16', dst: '10.2.0.0/16' }, mark: { value: 7 },
};
const ah4: xfrm.SaSpec = {
  src: '192.0.2.1', dst: '192.0.2.4', proto: 'ah', spi: 0x1003, reqid: 3, mode: 'transport',
  auth: { name: 'hmac(sha256)', key: bytes(32, 4), truncLen: 128 }, mark: { value: 0x10, mask: 0xff },
};
const ah6: xfrm.SaSpec = {
  src: '2001:db8::1', dst: '2001:db8::2', proto: 'ah', spi: 0x1004, reqid: 4,
  auth: { name: 'hmac(sha1)', key: bytes(20, 5), truncLen: 96 },
};
const gcm6: xfrm.SaSpec = {
  src: '2001:db8::1', dst: '2001:db8::3', proto: 'esp', spi: 0x1005, mode: 'tunnel',
  aead: { name: 'rfc4106(gcm(aes))', key: bytes(36, 6), icvLen: 64 }, ifId: 0x29,
};
const apiSpecs = [gcm, cbc, ah4, ah6, gcm6];

test('xfrm_user loads (the SAs pull esp4/esp6/ah4/ah6, gcm, authenc... on demand)', () => modprobe('xfrm_user'));

test('ESP (AES-GCM; hmac(sha256)+cbc(aes)) and AH SAs through the API: monitor sees each; ip lists the same', async () => {
  const ac = new AbortController();
  const events: xfrm.XfrmSaEvent[] = [];
  const watching = (async () => { for await (const e of xfrm.saEvents({ signal: ac.signal })) { events.push(e); if (events.length >= apiSpecs.length) break; } })();
  try {
    await new Promise((r) => setTimeout(r, 300)); // let the subscription reach the kernel
    for (const sa of apiSpecs) await xfrm.addSA(sa);
    await within(watching, 20_000, () => `${events.length} of ${apiSpecs.length} events`);
  } finally { ac.abort(); }
  assert.equal(events.map((e) => e.type), apiSpecs.map(() => 'new'));
  assert.equal(events.map((e) => (e.type === 'new' ? e.sa.spi : 0)), apiSpecs.map((s) => s.spi));
  const listed = await xfrm.listSAs();
  assert.is(listed.length, apiSpecs.length);
  const bySpi = new Map(listed.map((s) => [s.spi, s]));
  assert.is(bySpi.get(0x1001)?.aead?.name, 'rfc4106(gcm(aes))');
  assert.is(hex(bySpi.get(0x1001)!.aead!.key), hex(gcm.aead!.key));
  assert.is(bySpi.get(0x1002)?.auth?.name, 'hmac(sha256)');
  assert.is(bySpi.get(0x1002)?.crypt?.name, 'cbc(aes)');
  assert.is(bySpi.get(0x1002)?.flags, 33);
  assert.is(bySpi.get(0x1005)?.ifId, 0x29);
  assertSameList();
});

test('SAs added by ip (ESP auth+enc with `auth`, AES-GCM, AH, comp) read back through nlwire get, equal to ip xfrm state get', async () => {
  const add = (...w: string[]): string => sh('ip', 'xfrm', 'state', 'add', ...w);
  add('src', '198.51.100.1', 'dst', '198.51.100.2', 'proto', 'esp', 'spi', '0x2001', 'reqid', '9', 'mode', 'tunnel',
    'auth', 'hmac(sha256)', hex(bytes(32, 9)), 'enc', 'cbc(aes)', hex(bytes(32, 10)));
  add('src', '198.51.100.1', 'dst', '198.51.100.3', 'proto', 'esp', 'spi', '0x2002', 'aead', 'rfc4106(gcm(aes))', hex(bytes(20, 11)), '96');
  add('src', '198.51.100.1', 'dst', '198.51.100.4', 'proto', 'ah', 'spi', '0x2003', 'auth-trunc', 'hmac(sha1)', hex(bytes(20, 12)), '160');
  add('src', '198.51.100.1', 'dst', '198.51.100.5', 'proto', 'comp', 'spi', '0x2004', 'comp', 'deflate');
  const sa = await xfrm.getSA({ dst: '198.51.100.2', spi: 0x2001, proto: 'esp' });
  assert.is(sa.auth?.name, 'hmac(sha256)');
  assert.is(sa.auth?.truncLen, 96, 'the kernel applies hmac(sha256)\'s default truncation to a plain `auth`');
  assert.is(hex(sa.crypt!.key), hex(bytes(32, 10)));
  const ids = [['198.51.100.2', 'esp', '0x2001'], ['198.51.100.3', 'esp', '0x2002'], ['198.51.100.4', 'ah', '0x2003'], ['198.51.100.5', 'comp', '0x2004'], ['2001:db8::3', 'esp', '0x1005']];
  const gets = ids.map(([dst, proto, spi]) => ['xfrm', 'state', 'get', 'dst', dst!, 'proto', proto!, 'spi', spi!]);
  assert.fixture(nlwireBatch('get', gets), gets.map((g) => sh('ip', ...g)).join(''));
  assertSameList();
  const j = sh('ip', '-j', 'xfrm', 'state', 'list');
  assert.ok(!j.trimStart().startsWith('['), 'ip 6.1 prints text for -j xfrm: if it now prints JSON, compare it field for field');
});

test('the CLI adds ESP and AH SAs in ip\'s grammar; ip reads them as nlwire does', () => {
  nlwireBatch('add', [
    ['xfrm', 'state', 'add', 'src', '203.0.113.1', 'dst', '203.0.113.2', 'proto', 'esp', 'spi', '0x3001', 'reqid', '5', 'mode', 'tunnel',
      'aead', 'rfc4106(gcm(aes))', hex(bytes(20, 20)), '128', 'sel', 'src', '10.3.0.0/24', 'dst', '10.4.0.0/24'],
    ['xfrm', 'state', 'add', 'src', '203.0.113.1', 'dst', '203.0.113.3', 'proto', 'esp', 'spi', '0x3002', 'replay-window', '64', 'flag', 'noecn', 'af-unspec',
      'auth-trunc', 'hmac(sha256)', hex(bytes(32, 21)), '128', 'enc', 'cbc(aes)', hex(bytes(16, 22)), 'mark', '0x5', 'mask', '0xf'],
    ['xfrm', 'state', 'add', 'src', '2001:db8::10', 'dst', '2001:db8::11', 'proto', 'ah', 'spi', '0x3003', 'auth', 'hmac(sha256)', hex(bytes(32, 23))],
    ['xfrm', 'state', 'add', 'src', '203.0.113.1', 'dst', '203.0.113.4', 'proto', 'comp', 'spi', '0x3004', 'comp', 'deflate'],
    ['xfrm', 'state', 'update', 'src', '203.0.113.1', 'dst', '203.0.113.2', 'proto', 'esp', 'spi', '0x3001', 'reqid', '5', 'mode', 'tunnel',
      'aead', 'rfc4106(gcm(aes))', hex(bytes(20, 20)), '128', 'sel', 'src', '10.3.0.0/24', 'dst', '10.4.0.0/24', 'output-mark', '0x20'],
  ]);
  assert.match(sh('ip', 'xfrm', 'state', 'get', 'dst', '203.0.113.2', 'proto', 'esp', 'spi', '0x3001'), /output-mark 0x20/);
  assertSameList();
  const sas = JSON.parse(nlwire('-j', 'xfrm', 'state', 'list')) as Array<{ spi: number; proto: string }>;
  assert.is(sas.length, apiSpecs.length + 4 + 4);
});

test('the kernel refuses what it cannot build (a bad key length) and nlwire reports it; ip\'s value errors match ip', () => {
  const bad = ['xfrm', 'state', 'add', 'src', '192.0.2.1', 'dst', '192.0.2.9', 'proto', 'esp', 'spi', '0x9', 'aead', 'rfc4106(gcm(aes))', '0x0102', '128'];
  let r = spawnStatus('node', 'dist/cli.js', ...bad);
  assert.is.not(r.status, 0, 'a 2-byte GCM key is refused');
  // the kernel's refusal as ip reports it (its extack message, else RTNETLINK answers), exit 2
  const ipBad = spawnStatus('ip', ...bad);
  assert.equal([r.status, r.stderr], [ipBad.status, ipBad.stderr], 'a kernel refusal');
  for (const w of [['proto', 'esp', 'spi', 'x'], ['proto', 'ah', 'spi', '1', 'enc', 'cbc(aes)', '0x11']]) {
    const args = ['xfrm', 'state', 'add', 'src', '192.0.2.1', 'dst', '192.0.2.9', ...w];
    r = spawnStatus('node', 'dist/cli.js', ...args);
    const ip = spawnStatus('ip', ...args);
    assert.equal([r.status, r.stderr], [ip.status, ip.stderr], w.join(' '));
  }
});

test('delete and flush through the CLI, as ip xfrm monitor and nlwire xfrm monitor both see them', async () => {
  const ipMon = spawn('ip', ['xfrm', 'monitor'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const nlMon = spawn(process.execPath, ['dist/cli.js', 'xfrm', 'monitor', '-c', '4'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let ipOut = '', nlOut = '';
  ipMon.stdout.on('data', (d: Buffer) => { ipOut += d.toString(); });
  nlMon.stdout.on('data', (d: Buffer) => { nlOut += d.toString(); });
  const nlDone = new Promise((r) => nlMon.on('exit', r));
  try {
    // both subscribed: two NETLINK_XFRM sockets in XFRMNLGRP_SA (node starts slowly in a loaded guest)
    const subscribed = (): number => readFileSync('/proc/net/netlink', 'utf8').split('\n').slice(1)
      .map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === '6' && (parseInt(f[3] ?? '0', 16) & 4) !== 0).length;
    for (let i = 0; i < 600 && subscribed() < 2; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(subscribed() >= 2, 'ip xfrm monitor and nlwire xfrm monitor subscribed within 60 s');
    nlwireBatch('changes', [
      ['xfrm', 'state', 'add', 'src', '192.0.2.1', 'dst', '192.0.2.50', 'proto', 'esp', 'spi', '0x5001', 'aead', 'rfc4106(gcm(aes))', hex(bytes(20, 30)), '128'],
      ['xfrm', 'state', 'delete', 'dst', '2001:db8::2', 'proto', 'ah', 'spi', '0x1004'],
      ['xfrm', 'state', 'flush', 'proto', 'ah'],
      ['xfrm', 'state', 'flush'],
    ]);
    await within(nlDone, 30_000, () => `nlwire xfrm monitor printed ${JSON.stringify(nlOut)}`);
    for (let i = 0; i < 100 && !ipOut.includes('Flushed state proto ipsec-any'); i++) await new Promise((r) => setTimeout(r, 100));
  } finally { ipMon.kill(); nlMon.kill(); }
  assert.fixture(nlOut, ipOut);
  assert.match(nlOut, /^Deleted src 2001:db8::1 dst 2001:db8::2$/m);
  assert.match(nlOut, /^Flushed state proto ah$/m);
  assert.is(sh('ip', 'xfrm', 'state', 'list'), '');
  assert.equal(await xfrm.listSAs(), []);
});

function spawnStatus(cmd: string, ...args: string[]): { status: number; stderr: string } {
  const r = spawnSync(cmd === 'node' ? process.execPath : cmd, args, { encoding: 'utf8' });
  return { status: r.status ?? -1, stderr: String(r.stderr) };
}

test.run();
