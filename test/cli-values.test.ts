// Strict values: nlwire accepts exactly what ip 6.1 accepts, with ip's messages and exit codes,
// and what it accepts ends up in the kernel as ip puts it there. Checked on values fast-check
// generates, with ip itself as the oracle in a twin namespace.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { run } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/io.js';
import { parseInteger, parseUnsigned, strtoul, U16, U32 } from '../src/cli/values.js';
import { createNetns, type TestNetns } from './helpers/netns.js';

async function nlwire(ns: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: CliIO = { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, readStdin: async () => new Uint8Array() };
  const code = await run(['-n', ns, ...args], io);
  return { code, out, err };
}
function ip(ns: string, args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync('ip', ['-n', ns, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('strtoul and get_u32 as C reads them', () => {
  const cases: Array<[string, bigint | undefined]> = [
    ['0', 0n], ['10', 10n], ['0x10', 16n], ['0X1f', 31n], ['010', 8n], ['08', undefined], ['0x', undefined], ['+5', 5n],
    ['-0', 0n], ['-1', undefined], [' 7', 7n], ['7 ', undefined], ['1e3', undefined], ['', undefined], ['4294967295', 0xffffffffn],
    ['4294967296', undefined], ['99999999999999999999', undefined], ['0xffffffff', 0xffffffffn], ['--1', undefined], ['+-1', undefined],
  ];
  for (const [s, want] of cases) assert.is(parseUnsigned(s, U32, 0), want, `get_u32("${s}")`);
  assert.is(parseUnsigned('65536', U16), undefined);
  assert.is(parseUnsigned('0x10', U32, 10), undefined); // base 10 stops at the x
  assert.equal(strtoul('-5', 0).value, (1n << 64n) - 5n); // strtoul negates: ip then finds it out of range
  assert.is(parseInteger('-5'), -5);
  assert.is(parseInteger('2147483648'), undefined);
  assert.is(parseInteger('-2147483648'), -2147483648);
  assert.is(parseInteger('1e3'), undefined);
});

/** Values a user (or an adversary) might type where a number or a name is expected. */
const value = fc.oneof(
  fc.bigInt({ min: 0n, max: 1n << 70n }).map(String),
  fc.integer({ min: -3, max: 300 }).map(String),
  fc.bigInt({ min: 0n, max: 1n << 36n }).map((v) => `0x${v.toString(16)}`),
  fc.bigInt({ min: 0n, max: 1n << 36n }).map((v) => `0${v.toString(8)}`),
  fc.constantFrom('0x', '08', '1e3', '+5', '-0', '0xzz', '4294967295', '4294967296', '18446744073709551615', '18446744073709551616',
    '-1', '65535', '65536', '255', '256', 'main', 'local', 'default', 'unspec', 'boot', 'kernel', 'static', 'bird', 'openr', 'mrouted',
    'global', 'link', 'host', 'universe', 'tcp', 'udp', 'TCP', 'ipv6-icmp', 'nosuch', '0X1f', '1.5', 'forever', 'ecn', 'lock'),
  fc.stringMatching(/^[0-9a-fxA-FX+-]{1,6}$/),
);

/** Commands with one value slot; D is a destination unique to the case, P a unique rule preference. */
const TEMPLATES: string[] = [
  'route add D dev lo table V', 'route add D dev lo metric V', 'route add D dev lo proto V', 'route add D dev lo mtu V',
  'route add D dev lo scope V', 'route add D dev lo advmss V', 'route add D dev lo hoplimit V', 'route add D dev lo nhid V',
  'route add D nexthop dev lo weight V', 'route add D dev lo quickack V', 'route add D dev lo window V',
  'rule add pref P fwmark V table 100', 'rule add pref P fwmark 0x10/V table 100', 'rule add pref P ipproto V table 100',
  'rule add pref V table 101', 'rule add pref P table V', 'rule add pref P proto V table 100',
  'rule add pref P suppress_prefixlength V table 100', 'rule add pref P goto V',
  'nexthop add id V blackhole', 'nexthop add id N proto V blackhole',
  'addr add A dev lo preferred_lft V', 'addr add A dev lo metric V',
  'link set lo txqueuelen V', 'link set lo mtu V',
];

function dumps(ns: TestNetns): string {
  const j = (...a: string[]): unknown => JSON.parse(ip(ns.name, ['-j', ...a]).out || '[]');
  // Lifetimes tick; everything else must be equal.
  const addrs = JSON.stringify(j('addr', 'show', 'dev', 'lo')).replace(/"(valid|preferred)_life_time":\d+/g, '"$1":0');
  return JSON.stringify([j('-d', 'route', 'show', 'table', 'all'), j('rule', 'show'), j('nexthop', 'show'), j('-d', 'link', 'show', 'lo')]) + addrs;
}

test('every value: nlwire accepts and rejects as ip does, with the same message, exit code and kernel state', async () => {
  const ours = createNetns('valn'), theirs = createNetns('vali');
  try {
    let n = 0;
    const mismatches: string[] = [];
    const exits = new Map<number, number>();
    await fc.assert(fc.asyncProperty(fc.constantFrom(...TEMPLATES), value, async (template, v) => {
      n++;
      const line = template.replace('D', `10.${n >> 8}.${n & 255}.0/24`).replace('A', `10.250.${n >> 8}.${n & 255}/32`)
        .replace('P', String(1000 + n)).replace(/\bN\b/, String(100000 + n)).split(' ').map((w) => (w === 'V' ? v : w));
      const a = await nlwire(ours.name, line), b = ip(theirs.name, line);
      const same = a.code === b.code && a.err === b.err;
      exits.set(b.code, (exits.get(b.code) ?? 0) + 1);
      if (!same) mismatches.push(`${line.join(' ')}: nlwire ${a.code} ${JSON.stringify(a.err)}, ip ${b.code} ${JSON.stringify(b.err)}`);
      return true; // every mismatch is collected and reported at once
    }), { numRuns: 400, seed: 1310, endOnFailure: false });
    assert.equal(mismatches, []);
    // The generated cases exercise all three outcomes: accepted, refused by ip's parser, refused by the kernel.
    for (const code of [0, 255, 2]) assert.ok((exits.get(code) ?? 0) > 10, `enough cases ending with exit ${code}: ${[...exits]}`);
    assert.is(dumps(ours), dumps(theirs), 'the kernel state after the same commands');
  } finally {
    ours.delete();
    theirs.delete();
  }
});

/** Addresses and prefixes as a user (or an adversary) might type them: ip reads parts with strtoul(base 0). */
const part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('0', '00', '010', '08', '0x0a', '0xff', '0x100', '+1', '-0', '-1', '', ' 1', '1 '));
const ipv6ish = fc.constantFrom('::', '::1', 'fe80::1', '2001:db8::', '2001:db8::1:2:3:4:5', '1:2:3:4:5:6:7:8', '1::2::3', ':::', '::ffff:1.2.3.4',
  '::ffff:01.2.3.4', '2001:db8:0:0:0:0:0:0', '20010:db8::', 'g::1', '::1.2.3');
const prefixValue = fc.oneof(
  fc.tuple(fc.array(part, { minLength: 1, maxLength: 5 }), fc.option(fc.oneof(fc.integer({ min: -1, max: 130 }).map(String),
    fc.constantFrom('', '08', '010', '0x8', '0x20', '+8', '-0', '8/9', '8 ', '8.0', '1e1', '033')), { nil: undefined }))
    .map(([parts, len]) => parts.join('.') + (len === undefined ? '' : `/${len}`)),
  fc.tuple(ipv6ish, fc.option(fc.constantFrom('', '64', '0x40', '0100', '128', '129', '-0', '+64'), { nil: undefined }))
    .map(([a, len]) => a + (len === undefined ? '' : `/${len}`)),
);

test('every address and prefix: read as ip reads it (strtoul parts, base-0 lengths), installed where ip installs it', async () => {
  const ours = createNetns('vapn'), theirs = createNetns('vapi');
  try {
    const mismatches: string[] = [];
    const exits = new Map<number, number>();
    let n = 0;
    const templates = ['route add unreachable V', 'route add blackhole V table 100', 'rule add pref P from V table 100', 'rule add pref P to V table 100',
      'addr add V dev lo', 'route add D via V dev lo onlink', 'route get V'];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...templates), prefixValue, async (template, v) => {
      n++;
      const line = template.replace('D', `10.${n >> 8}.${n & 255}.0/24`).replace('P', String(1000 + n)).split(' ').map((w) => (w === 'V' ? v : w));
      const a = await nlwire(ours.name, line), b = ip(theirs.name, line);
      exits.set(b.code, (exits.get(b.code) ?? 0) + 1);
      if (a.code !== b.code || a.err !== b.err || (template.startsWith('route get') && a.out !== b.out)) {
        mismatches.push(`${JSON.stringify(line.join(' '))}: nlwire ${a.code} ${JSON.stringify(a.err)}, ip ${b.code} ${JSON.stringify(b.err)}`);
      }
      return true;
    }), { numRuns: 400, seed: 1311, endOnFailure: false });
    assert.equal(mismatches, []);
    for (const code of [0, 1]) assert.ok((exits.get(code) ?? 0) > 10, `enough cases ending with exit ${code}: ${[...exits]}`);
    assert.is(dumps(ours), dumps(theirs), 'the kernel state after the same commands');
  } finally {
    ours.delete();
    theirs.delete();
  }
});

test('a selector that cannot be parsed never widens a rule: nothing is sent', async () => {
  const ns = createNetns('valsel');
  try {
    const before = ip(ns.name, ['rule', 'show']).out;
    for (const args of [['rule', 'add', 'fwmark', '0xzz', 'table', '100'], ['rule', 'add', 'ipproto', 'nosuch', 'table', '100'],
      ['rule', 'add', 'dport', '70000', 'table', '100'], ['rule', 'add', 'from', '10.0.0.0/33', 'table', '100'],
      ['rule', 'add', 'sport', '1-x', 'table', '100'], ['rule', 'add', 'uidrange', '5', 'table', '100']]) {
      const r = await nlwire(ns.name, args);
      assert.ok(r.code === 255 || r.code === 1, `${args.join(' ')} exits as ip: ${r.code} ${r.err}`);
      assert.match(r.err, /^Error: /);
    }
    assert.is(ip(ns.name, ['rule', 'show']).out, before);
  } finally {
    ns.delete();
  }
});

test.run();
