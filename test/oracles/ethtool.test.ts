// nlwire's ethtool (TS declarations and the YNL spec) against the ethtool binary, on a veth pair
// in a scratch namespace. ethtool is required: apt-get install -y ethtool.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { NetlinkError } from '../../src/core/errors.js';
import { bitsetFromRecord, ethtool, ethtoolStringSet, featureStates, stringSetOf, type FeatureState } from '../../src/families/genl/ethtool.js';
import { GenericNetlink } from '../../src/families/genl/resolve.js';
import { YnlFamily } from '../../src/ynl/family.js';
import { createNetns, type TestNetns } from '../helpers/netns.js';
import { requireTool } from './oracle-helpers.js';

type OracleFeature = { active: boolean; fixed: boolean | null; requested: boolean | null };

let ns: TestNetns;
let gn: GenericNetlink;

test.before(() => {
  requireTool('ethtool', 'ethtool');
  ns = createNetns('eto');
  ns.ip('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
  ns.ip('link', 'set', 'va', 'up');
  ns.ip('link', 'set', 'vb', 'up');
  gn = GenericNetlink.open({ netns: ns.name });
});
test.after(() => {
  gn?.close();
  ns?.delete();
});

/** `ethtool --json -k va`: feature name → state (legacy aggregate names included). */
function oracleFeatures(): Record<string, OracleFeature> {
  const [j] = JSON.parse(ns.exec('ethtool', ['--json', '-k', 'va'])) as Array<Record<string, OracleFeature | string>>;
  const out: Record<string, OracleFeature> = {};
  for (const [k, v] of Object.entries(j!)) if (typeof v === 'object') out[k] = v;
  return out;
}

async function ourFeatures(): Promise<Record<string, FeatureState>> {
  const eth = await gn.bind(ethtool);
  const strings = await eth.do('strsetGet', { header: { devName: 'va' }, stringsets: { stringset: [{ id: ethtoolStringSet.values.features }] } });
  const reply = await eth.do('featuresGet', { header: { devName: 'va' } });
  return featureStates(reply!, stringSetOf(strings!, ethtoolStringSet.values.features));
}

/** Compares every kernel feature ethtool -k lists by its kernel name; returns how many. */
function compareFeatures(ours: Record<string, FeatureState>, oracle: Record<string, OracleFeature>): number {
  let n = 0;
  for (const [name, o] of Object.entries(oracle)) {
    const f = ours[name];
    if (!f) continue; // a legacy aggregate name (tx-checksumming, scatter-gather, ...)
    assert.is(f.active, o.active, `${name} active`);
    assert.is(f.fixed, o.fixed, `${name} fixed`);
    assert.is(f.requested, o.requested, `${name} requested`);
    n++;
  }
  return n;
}

test('features: declarations and YNL spec agree with ethtool --json -k', async () => {
  const oracle = oracleFeatures();
  const ours = await ourFeatures();
  assert.ok(compareFeatures(ours, oracle) > 30, 'most features compared');
  await using y = await YnlFamily.load(fileURLToPath(new URL('../../specs/ethtool.yaml', import.meta.url)), { genl: gn });
  const r = (await y.do('features-get', { header: { 'dev-name': 'va' } }))!;
  type Bs = { nomask?: true; bits?: { bit?: Array<{ name: string; value?: true }> } };
  const set = (k: string): Set<string> => {
    const bs = r[k] as Bs;
    return new Set((bs.bits?.bit ?? []).filter((b) => bs.nomask || b.value).map((b) => b.name));
  };
  const [hw, wanted, active, nochange] = ['hw', 'wanted', 'active', 'nochange'].map(set) as [Set<string>, Set<string>, Set<string>, Set<string>];
  const fromSpec: Record<string, FeatureState> = {};
  for (const name of Object.keys(ours)) fromSpec[name] = { active: active.has(name), requested: wanted.has(name), fixed: !hw.has(name) || nochange.has(name) };
  assert.ok(compareFeatures(fromSpec, oracle) > 30);
});

test('features set through nlwire shows in ethtool -k; ethtool -K shows in nlwire and on the monitor group', async () => {
  const eth = await gn.bind(ethtool);
  await eth.do('featuresSet', { header: { devName: 'va', flags: ['omit_reply'] }, wanted: bitsetFromRecord({ 'tx-tcp-segmentation': false }) });
  let oracle = oracleFeatures();
  assert.equal([oracle['tx-tcp-segmentation']!.active, oracle['tx-tcp-segmentation']!.requested], [false, false]);
  compareFeatures(await ourFeatures(), oracle);

  const sub = eth.subscribe('monitor');
  try {
    ns.exec('ethtool', ['-K', 'va', 'gro', 'on', 'tso', 'on']);
    const n = await Promise.race([sub.next(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no notification within 5 s')), 5000).unref())]);
    assert.is(n.value?.type === 'event' && n.value.name, 'featuresNtf');
    oracle = oracleFeatures();
    const ours = await ourFeatures();
    assert.is(ours['rx-gro']!.active, true);
    assert.is(ours['tx-tcp-segmentation']!.active, true);
    compareFeatures(ours, oracle);
  } finally {
    await sub.return?.();
  }
});

test('channels, link info and link state agree with ethtool -l and ethtool', async () => {
  const eth = await gn.bind(ethtool);
  const hdr = { header: { devName: 'va' } };
  const text = ns.exec('ethtool', ['-l', 'va']);
  const [max, cur] = text.split('Current hardware settings:') as [string, string];
  const field = (s: string, name: string): number | undefined => {
    const m = new RegExp(`^${name}:\\s+(\\S+)`, 'm').exec(s);
    return m && /^\d+$/.test(m[1]!) ? Number(m[1]) : undefined;
  };
  const ch = (await eth.do('channelsGet', hdr))!;
  assert.equal([ch.rxMax, ch.txMax, ch.rxCount, ch.txCount], [field(max, 'RX'), field(max, 'TX'), field(cur, 'RX'), field(cur, 'TX')]);
  await using y = await YnlFamily.load(fileURLToPath(new URL('../../specs/ethtool.yaml', import.meta.url)), { genl: gn });
  const ych = (await y.do('channels-get', { header: { 'dev-name': 'va' } }))!;
  assert.equal([ych['rx-max'], ych['tx-max'], ych['rx-count'], ych['tx-count']], [ch.rxMax, ch.txMax, ch.rxCount, ch.txCount]);

  const summary = ns.exec('ethtool', ['va']);
  assert.match(summary, /Link detected: yes/);
  assert.is((await eth.do('linkstateGet', hdr))?.link, 1);
  const modes = (await eth.do('linkmodesGet', hdr))!;
  assert.match(summary, new RegExp(`Speed: ${modes.speed}Mb/s`));
  assert.match(summary, modes.duplex === 1 ? /Duplex: Full/ : /Duplex: Half/);
  const info = (await eth.do('linkinfoGet', hdr))!;
  assert.is(info.port, 0);
  assert.match(summary, /Port: Twisted Pair/);
  assert.match(summary, info.transceiver === 0 ? /Transceiver: internal/ : /Transceiver: external/);
});

test('rings: EOPNOTSUPP for nlwire as for ethtool -g', async () => {
  const eth = await gn.bind(ethtool);
  try {
    await eth.do('ringsGet', { header: { devName: 'va' } });
    assert.unreachable('veth has no rings');
  } catch (e) {
    assert.instance(e, NetlinkError);
    assert.is((e as NetlinkError).code, 'EOPNOTSUPP');
  }
  assert.throws(() => ns.exec('ethtool', ['-g', 'va']), /Operation not supported/);
});

test.run();
