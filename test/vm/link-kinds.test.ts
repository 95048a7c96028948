// Link kinds the host kernel lacks (their modules load in the guest): created, changed and
// deleted through Rtnl, ip and nlwire's CLI (ip's grammar), and `nlwire -j -d link show` equal to
// `ip -j -d link show`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rtnl } from '../../src/entries/route.js';
import { modprobe, nlwire, sh, shJson, vmDir } from './_guest.js';

type Json = Record<string, unknown>;

/** The links of `ip -j -d link show` and nlwire's, by name, and the paths where they differ. */
function compareLinkShow(...args: string[]): { differences: string[]; names: string[] } {
  const ip = shJson<Json[]>('ip', '-j', '-d', 'link', 'show', ...args);
  const nl = JSON.parse(nlwire('-j', '-d', 'link', 'show', ...args)) as Json[];
  writeFileSync(join(vmDir(), 'results', `link-show-${args.join('-') || 'all'}.json`), JSON.stringify({ ip, nlwire: nl }, null, 1));
  const differences: string[] = [];
  diff(ip, nl, '', differences);
  return { differences, names: ip.map((l) => String(l.ifname)) };
}

function diff(a: unknown, b: unknown, path: string, out: string[]): void {
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const label = Array.isArray(a) ? `${path}[${(a[Number(k)] as Json | undefined)?.ifname ?? k}]` : `${path}.${k}`;
      diff((a as Json)[k], (b as Json)[k], label, out);
    }
    return;
  }
  if (a !== b) out.push(`${path}: ip ${JSON.stringify(a)} nlwire ${JSON.stringify(b)}`);
}

function assertSame(...args: string[]): void {
  const { differences } = compareLinkShow(...args);
  assert.equal(differences, [], `nlwire -j -d link show ${args.join(' ')} differs from ip:\n  ${differences.join('\n  ')}`);
}

/** Waits (up to 20 s) for a link's carrier to come up, so that ip and nlwire see the same state. */
async function settled(dev: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (shJson<Json[]>('ip', '-j', 'link', 'show', 'dev', dev)[0]?.operstate === 'UP') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${dev} did not come up`);
}

const ipLink = (...args: string[]): string => sh('ip', 'link', ...args);

test('modules of the link kinds load', () => {
  modprobe('dummy', '8021q', 'bonding', 'vrf', 'ip_gre', 'ip6_gre', 'ipip', 'sit', 'geneve', 'macsec', 'wireguard');
});

test('dummy through Rtnl: create, change, delete', async () => {
  await using rt = await Rtnl.open();
  await rt.addLink({ name: 'dm0', type: 'dummy', mtu: 1400, up: true });
  let l = await rt.link('dm0');
  assert.is(l.attrs.mtu, 1400);
  await rt.setLink('dm0', { mtu: 1300, alias: 'a dummy' });
  l = await rt.link('dm0');
  assert.is(l.attrs.mtu, 1300);
  assertSame('dev', 'dm0');
  await rt.deleteLink('dm0');
  assert.not.ok((await rt.links({ kind: 'dummy' })).some((x) => x.attrs.ifname === 'dm0'));
});

test('bond through Rtnl (active-backup, miimon) with two dummy slaves; ip agrees', async () => {
  await using rt = await Rtnl.open();
  await rt.addLink({ name: 'bd0', type: 'bond', data: { mode: 'active-backup', miimon: 100 } });
  await rt.addLink({ name: 'bs0', type: 'dummy' });
  await rt.addLink({ name: 'bs1', type: 'dummy' });
  await rt.setLink('bs0', { master: 'bd0' });
  await rt.setLink('bs1', { master: 'bd0' });
  await rt.setLink('bd0', { up: true });
  await settled('bd0');
  const bond = shJson<Json[]>('ip', '-j', '-d', 'link', 'show', 'dev', 'bd0')[0]!;
  const info = (bond.linkinfo as Json).info_data as Json;
  assert.is(info.mode, 'active-backup');
  assert.is(info.miimon, 100);
  const slave = shJson<Json[]>('ip', '-j', '-d', 'link', 'show', 'dev', 'bs0')[0]!;
  assert.is((slave.linkinfo as Json).info_slave_kind, 'bond');
  // bd0, bs0 and bs1 are compared with ip in the whole-table test below (each nlwire run costs seconds here)
});

test('bond modes: each one set through Rtnl reads back from ip', async () => {
  await using rt = await Rtnl.open();
  const modes = ['balance-rr', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'];
  for (const [i, mode] of modes.entries()) await rt.addLink({ name: `bm${i}`, type: 'bond', data: { mode } });
  for (const [i, mode] of modes.entries()) {
    const info = (shJson<Json[]>('ip', '-j', '-d', 'link', 'show', 'dev', `bm${i}`)[0]!.linkinfo as Json).info_data as Json;
    assert.is(info.mode, mode);
  }
  assertSame('type', 'bond');
  for (const i of modes.keys()) await rt.deleteLink(`bm${i}`);
});

test('vrf through Rtnl, with a port', async () => {
  await using rt = await Rtnl.open();
  await rt.addLink({ name: 'vrf10', type: 'vrf', data: { table: 10 }, up: true });
  await rt.addLink({ name: 'vp0', type: 'dummy', master: 'vrf10' });
});

test('vlan (802.1Q and 802.1ad) made by ip, changed by Rtnl', async () => {
  await using rt = await Rtnl.open();
  await rt.addLink({ name: 'vl-p', type: 'dummy', up: true });
  ipLink('add', 'link', 'vl-p', 'name', 'vl10', 'type', 'vlan', 'id', '10');
  ipLink('add', 'link', 'vl-p', 'name', 'vl20', 'type', 'vlan', 'protocol', '802.1ad', 'id', '20');
  await rt.setLink('vl10', { mtu: 1200, up: true });
  assert.is(shJson<Json[]>('ip', '-j', 'link', 'show', 'dev', 'vl10')[0]!.mtu, 1200);
});

test('tunnels through Rtnl: gre, gretap, ip6gre, ipip, sit', async () => {
  await using rt = await Rtnl.open();
  await rt.addLink({ name: 'gre1', type: 'gre', data: { local: '192.0.2.1', remote: '192.0.2.2', ttl: 64 } });
  await rt.addLink({ name: 'gtap1', type: 'gretap', data: { local: '192.0.2.1', remote: '192.0.2.3' } });
  await rt.addLink({ name: 'g6', type: 'ip6gre', data: { local: '2001:db8::1', remote: '2001:db8::2' } });
  await rt.addLink({ name: 'ipip1', type: 'ipip', data: { local: '192.0.2.1', remote: '192.0.2.4' } });
  await rt.addLink({ name: 'sit1', type: 'sit', data: { local: '192.0.2.1', remote: '192.0.2.5', ttl: 32 } });
  // these, and the fallback devices the modules made (gre0, gretap0, ip6gre0, tunl0, sit0), are
  // compared with ip in the whole-table test below
});

test('geneve and macsec', async () => {
  await using rt = await Rtnl.open();
  await rt.addLink({ name: 'gnv0', type: 'geneve', data: { id: 42, remote: '192.0.2.9' } });
  await rt.addLink({ name: 'ms-p', type: 'dummy', up: true });
  ipLink('add', 'link', 'ms-p', 'name', 'ms0', 'type', 'macsec', 'port', '11', 'encrypt', 'on');
});

test('wireguard link through Rtnl', async () => {
  await using rt = await Rtnl.open();
  await rt.addLink({ name: 'wg0', type: 'wireguard', mtu: 1420 });
});

/** Runs `nlwire -batch FILE` (one node start for many commands: node is slow in the guest). */
function nlwireBatch(name: string, lines: string[]): void {
  const file = join(vmDir(), `${name}.batch`);
  writeFileSync(file, lines.join('\n') + '\n');
  nlwire('-batch', file);
}

test('the CLI creates every kind in ip\'s grammar (nlwire -batch), changes bond and vlan, deletes; -j -d link show equals ip', () => {
  nlwireBatch('create', [
    'link add cdm0 type dummy',
    'link add cbd0 type bond mode 802.3ad miimon 100 lacp_rate fast xmit_hash_policy layer3+4 min_links 1',
    'link add cbs0 type dummy',
    'link set cbs0 master cbd0',
    'link add cvp type dummy',
    'link set cvp up',
    'link add link cvp name cvl10 type vlan id 10',
    'link add link cvp name cvl20 type vlan protocol 802.1ad id 20 reorder_hdr off',
    'link add cvrf type vrf table 20',
    'link add cvrp type dummy',
    'link set cvrp master cvrf',
    'link add cgre type gre local 198.51.100.1 remote 198.51.100.2 ttl 64 key 42',
    'link add cgtap type gretap local 198.51.100.1 remote 198.51.100.3 ikey 1 okey 2 csum',
    'link add cg6 type ip6gre local 2001:db8::11 remote 2001:db8::12 hoplimit 32',
    'link add cipip type ipip local 198.51.100.1 remote 198.51.100.4 ttl 10',
    'link add csit type sit local 198.51.100.1 remote 198.51.100.5 ttl 20',
    'link add cgnv type geneve id 77 remote 198.51.100.9 dstport 6082',
    'link add link cvp name cms type macsec port 12 encrypt on',
    'link add cg6t type ip6gretap local 2001:db8::21 remote 2001:db8::22 key 7',
    'link add cwg type wireguard',
    'link add cwg2 type wireguard',
  ]);
  const info = (dev: string): Json => (shJson<Json[]>('ip', '-j', '-d', 'link', 'show', 'dev', dev)[0]!.linkinfo as Json);
  assert.is((info('cbd0').info_data as Json).mode, '802.3ad');
  assert.is((info('cbd0').info_data as Json).miimon, 100);
  assert.is((info('cbs0') as Json).info_slave_kind, 'bond');
  assert.is((info('cvl20').info_data as Json).protocol, '802.1ad');
  assert.is((info('cvrf').info_data as Json).table, 20);
  assert.is((info('cgnv').info_data as Json).id, 77);
  nlwireBatch('change', [
    'link set cbd0 type bond miimon 200 updelay 400',
    'link set cvl10 type vlan reorder_hdr off',
    'link set cms type macsec encrypt off',
    // tunnels: a change names only what changes, the rest is kept (ip reads it first)
    'link set cgre type gre ttl 32',
    'link set cgtap type gretap seq',
    'link set cipip type ipip ttl 33',
    'link set csit type sit remote 198.51.100.6',
    'link delete cwg2',
  ]);
  const gre = info('cgre').info_data as Json;
  assert.equal([gre.ttl, gre.remote, gre.local, gre.ikey], [32, '198.51.100.2', '198.51.100.1', '0.0.0.42'], JSON.stringify(gre));
  const gtap = info('cgtap').info_data as Json;
  assert.equal([gtap.remote, gtap.ikey, gtap.okey, gtap.iseq, gtap.icsum], ['198.51.100.3', '0.0.0.1', '0.0.0.2', true, true], JSON.stringify(gtap));
  const ipip = info('cipip').info_data as Json;
  assert.equal([ipip.ttl, ipip.remote], [33, '198.51.100.4'], JSON.stringify(ipip));
  const sit = info('csit').info_data as Json;
  assert.equal([sit.ttl, sit.remote], [20, '198.51.100.6'], JSON.stringify(sit));
  assert.is((info('cbd0').info_data as Json).miimon, 200);
  assert.is((info('cbd0').info_data as Json).updelay, 400);
  assert.is((info('cms').info_data as Json).encrypt, false);
  assert.not.ok(shJson<Json[]>('ip', '-j', 'link', 'show').some((l) => l.ifname === 'cwg2'), 'cwg2 deleted');
  assertSame();
});

test('the CLI refuses bad kind values as ip does (same message, same exit status)', () => {
  for (const words of [
    ['link', 'add', 'x0', 'type', 'bond', 'mode', 'bogus'],
    ['link', 'add', 'x0', 'type', 'bond', 'miimon', '-x'],
    ['link', 'add', 'link', 'cvp', 'name', 'x0', 'type', 'vlan', 'id', 'abc'],
    ['link', 'add', 'link', 'cvp', 'name', 'x0', 'type', 'vlan', 'protocol', '802.1x', 'id', '3'],
    ['link', 'add', 'x0', 'type', 'vrf', 'table', 'nosuch'],
    ['link', 'add', 'x0', 'type', 'gre', 'ttl', '300'],
    ['link', 'add', 'x0', 'type', 'geneve', 'remote', '192.0.2.1'],
  ]) {
    const ip = spawnSync('ip', words, { encoding: 'utf8' });
    const nl = spawnSync(process.execPath, ['dist/cli.js', ...words], { encoding: 'utf8' });
    assert.equal([nl.status, nl.stderr], [ip.status, ip.stderr], words.join(' '));
  }
});

test('the whole `-j -d link show` equals ip', () => {
  assertSame();
});

test('deleting them all through Rtnl', async () => {
  await using rt = await Rtnl.open();
  for (const d of ['bd0', 'bs0', 'bs1', 'vrf10', 'vp0', 'vl10', 'vl20', 'vl-p', 'gre1', 'gtap1', 'g6', 'ipip1', 'sit1', 'gnv0', 'ms0', 'ms-p', 'wg0',
    'cdm0', 'cbd0', 'cbs0', 'cvl10', 'cvl20', 'cms', 'cvp', 'cvrf', 'cvrp', 'cgre', 'cgtap', 'cg6', 'cipip', 'csit', 'cgnv', 'cwg', 'cg6t']) {
    await rt.deleteLink(d).catch((e: Error) => { if (!/ENODEV/.test(String(e))) throw e; });
  }
  const left = shJson<Json[]>('ip', '-j', 'link', 'show').map((l) => String(l.ifname));
  for (const d of ['bd0', 'gre1', 'wg0', 'ms0', 'vl10']) assert.not.ok(left.includes(d), `${d} is gone`);
});

test.run();
