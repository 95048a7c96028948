// nlwire's built-in declarations (rtnetlink with tc, nftables, nlctrl, ethtool, netdev,
// tcp_metrics, mptcp_pm) against the kernel's own YNL specs of Linux 6.12: every attribute both
// describe has the same id, a compatible type and the same nesting, from every operation's
// message down. Needs the kernel's specs: apt-get install linux-source-6.12 (see scripts/kernel-ynl.sh).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ethtool } from '../../src/families/genl/ethtool.js';
import type { GenlFamilyDef } from '../../src/families/genl/define.js';
import { mptcpPm } from '../../src/families/genl/mptcp-pm.js';
import { netdev } from '../../src/families/genl/netdev.js';
import { ctrlAttrs } from '../../src/families/genl/static.js';
import { tcpMetrics } from '../../src/families/genl/tcp-metrics.js';
import { nftablesFamily } from '../../src/families/netfilter/nftables.js';
import { rtnetlink } from '../../src/families/route/index.js';
import { compileFamily, type MessageFamily } from '../../src/schema/family.js';
import { resolveSet } from '../../src/schema/engine.js';
import type { AttrDef, AttrSet, AttrSetRef } from '../../src/schema/types.js';
import type { YnlModel } from '../../src/ynl/convert.js';
import { compileSpec } from '../../src/ynl/family.js';
import type { YnlAttr } from '../../src/ynl/spec.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let specDir = '';

test.before(() => {
  const r = spawnSync('bash', [join(root, 'scripts/kernel-ynl.sh')], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(r.stderr);
    throw new Error(`the kernel's YNL specs are needed: ${r.stderr.trim()}`);
  }
  specDir = join(r.stdout.trim(), 'Documentation/netlink/specs');
});

const load = (f: string): YnlModel => compileSpec(readFileSync(join(specDir, f), 'utf8'));

const INTS = new Set(['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'uint', 'sint']);

/** Does nlwire's type describe the same bytes as the spec's? */
function sameType(a: YnlAttr, d: AttrDef): boolean {
  const t = d.type;
  if (t === 'custom') return true; // a codec of its own: checked by its family's tests
  switch (a.type) {
    case 'u8': case 'u16': case 'u32': case 'u64': case 's8': case 's16': case 's32': case 's64':
      if (a.type === 'u32' && t === 'ipv4') return true;
      if (!INTS.has(t)) return false;
      return t === a.type || (t === 'uint' && a.type.startsWith('u')) || (t === 'sint' && a.type.startsWith('s'));
    case 'uint': case 'sint': return t === a.type || (INTS.has(t) && t[0] === a.type[0] && (t.endsWith('32') || t.endsWith('64')));
    case 'string': return t === 'string';
    case 'flag': return t === 'flag';
    case 'bitfield32': return t === 'bitfield32';
    case 'pad': return t === 'binary' || t === 'flag';
    case 'binary': return ['binary', 'struct', 'ipv4', 'ipv6', 'ip', 'mac', 'array'].includes(t);
    case 'nest': return t === 'nest' || t === 'indexed-array' || t === 'sub-message';
    case 'indexed-array': case 'array-nest': return t === 'indexed-array' || t === 'nest' || t === 'array';
    case 'nest-type-value': return t === 'nest' || t === 'indexed-array';
    case 'sub-message': return t === 'sub-message' || t === 'nest' || t === 'binary';
    default: return false;
  }
}

/**
 * Where the 6.12 spec is less precise than the kernel's code, and nlwire follows the code
 * (spec path → why). Anything else that differs is an error in nlwire's declarations.
 */
const SPEC_IMPRECISE: Record<string, string> = {
  'rt_link.yaml newlink.cost': 'IFLA_COST: never sent, no payload format; kept as bytes',
  'rt_link.yaml newlink.priority': 'IFLA_PRIORITY: never sent, no payload format; kept as bytes',
  'rt_link.yaml newlink.wireless': 'IFLA_WIRELESS: a wireless event (struct iw_event), not a string',
  'rt_link.yaml newlink.protinfo': 'IFLA_PROTINFO: a nest whose set depends on the family (bridge port, inet6)',
  'rt_link.yaml newlink.weight': 'IFLA_WEIGHT: never sent nor read; kept as bytes',
  'rt_link.yaml newlink.net-ns-fd': 'IFLA_NET_NS_FD: a file descriptor, read with nla_get_s32 in rtnl_link_get_net_capable',
  'rt_link.yaml newlink.proto-down-reason': 'IFLA_PROTO_DOWN_REASON: a nest (IFLA_PROTO_DOWN_REASON_MASK/VALUE)',
  'rt_link.yaml newlink.devlink-port': 'IFLA_DEVLINK_PORT: a nest of devlink handle attributes',
  'rt_link.yaml getstats.link-xstats': 'IFLA_STATS_LINK_XSTATS: a nest (per link kind)',
  'rt_link.yaml getstats.link-xstats-slave': 'IFLA_STATS_LINK_XSTATS_SLAVE: a nest',
  'rt_link.yaml getstats.af-spec': 'IFLA_STATS_AF_SPEC: a nest per address family',
  'rt_addr.yaml newaddr.ifa-target-netnsid': 'IFA_TARGET_NETNSID: nla_get_s32',
  'rt_route.yaml getroute.rta-encap': 'RTA_ENCAP: a nest whose set RTA_ENCAP_TYPE selects',
  'rt_route.yaml getroute.rta-sport': 'RTA_SPORT: nla_get_be16 in inet_rtm_getroute',
  'rt_route.yaml getroute.rta-dport': 'RTA_DPORT: nla_get_be16 in inet_rtm_getroute',
  'nftables.yaml newchain.counters.bytes': 'NFTA_COUNTER_BYTES: nla_put_be64',
  'nftables.yaml newchain.counters.packets': 'NFTA_COUNTER_PACKETS: nla_put_be64',
  'nftables.yaml newchain.userdata': 'the spec lacks NFTA_CHAIN_PAD (9): NFTA_CHAIN_ID is 11, NFTA_CHAIN_USERDATA 12',
  'nftables.yaml newrule.position-id': 'the spec lacks NFTA_RULE_PAD (8): NFTA_RULE_ID is 9 (be32)',
  'nftables.yaml newrule.chain-id': 'the spec lacks NFTA_RULE_PAD (8): NFTA_RULE_POSITION_ID is 10 (be32)',
  'nftables.yaml newrule.compat.proto': 'NFTA_RULE_COMPAT_PROTO: nla_get_be32 in nft_parse_compat',
  'nftables.yaml newrule.compat.flags': 'NFTA_RULE_COMPAT_FLAGS: nla_get_be32 in nft_parse_compat',
  'nftables.yaml newset.id': 'NFTA_SET_ID: nla_get_be32',
  'nftables.yaml newset.timeout': 'NFTA_SET_TIMEOUT: nla_get_be64',
  'nftables.yaml newset.gc-interval': 'NFTA_SET_GC_INTERVAL: nla_get_be32',
  'nlctrl.yaml.policy': 'decoded by GenericNetlink.policy(), not by the declaration',
  'nlctrl.yaml.op-policy': 'decoded by GenericNetlink.policy(), not by the declaration',
};

interface Report { compared: number; same: number; imprecise: number; notDeclared: number; problems: string[]; seen: Set<string> }

/** Compares the attributes of one pair of sets and walks their nests together. */
function compareSets(model: YnlModel, specSet: string, ours: AttrSet, path: string, r: Report): void {
  const key = `${specSet}|${ours.name}`;
  if (r.seen.has(key)) return;
  r.seen.add(key);
  const set = model.sets.get(specSet)!;
  const meta = model.meta.get(set)!;
  const byId = new Map(Object.entries(ours.attrs as Record<string, AttrDef>).map(([k, d]) => [d.id, [k, d] as const]));
  for (const [name, m] of meta) {
    const a = m.spec;
    const id = (set.attrs as Record<string, AttrDef>)[name]!.id;
    const mine = byId.get(id);
    if (!mine) { r.notDeclared++; continue; }
    const [ourName, d] = mine;
    r.compared++;
    const where = `${path}.${name} (id ${id}, nlwire '${ourName}')`;
    if (`${path}.${name}` in SPEC_IMPRECISE) { r.imprecise++; continue; }
    if (!sameType(a, d)) { r.problems.push(`${where}: spec ${a.type}${a['sub-type'] ? `/${a['sub-type']}` : ''}, nlwire ${d.type}`); continue; }
    if ('byteOrder' in d && INTS.has(String(a.type)) && (a['byte-order'] === 'big-endian') !== (d.byteOrder === 'big-endian')) {
      r.problems.push(`${where}: byte order: spec ${a['byte-order'] ?? 'host'}, nlwire ${d.byteOrder ?? 'host'}`);
      continue;
    }
    r.same++;
    const inner = a['nested-attributes'];
    if (inner && d.type === 'nest') compareSets(model, inner, resolveSet(d.set), `${path}.${name}`, r);
    if (inner && d.type === 'indexed-array' && typeof d.item !== 'string') compareSets(model, inner, resolveSet(d.item), `${path}.${name}[]`, r);
    if (a.type === 'sub-message' && d.type === 'sub-message') {
      for (const [value, fmt] of model.subMessages.get(a['sub-message']!) ?? []) {
        const theirs = d.formats[value];
        if (fmt.set && theirs && typeof theirs === 'function') compareSets(model, model.spec['sub-messages']!.find((s) => s.name === a['sub-message'])!.formats.find((f) => f.value === value)!['attribute-set']!, resolveSet(theirs as AttrSetRef), `${path}.${name}(${value})`, r);
      }
    }
  }
}

function newReport(): Report { return { compared: 0, same: 0, imprecise: 0, notDeclared: 0, problems: [], seen: new Set() }; }

/** netlink-raw: the spec's message types against the family's declarations of the same types. */
function compareRaw(file: string, family: MessageFamily): Report {
  const model = load(file);
  const cf = compileFamily(family);
  const r = newReport();
  for (const op of model.ops) {
    // The reply's type (a request of its own type may carry other attributes: RTM_GETSTATS filters).
    const type = op.reply ?? op.request;
    const def = type === undefined ? undefined : cf.byType.get(type);
    if (def?.attrs) compareSets(model, op.attributeSet, def.attrs, `${file} ${op.name}`, r);
  }
  return r;
}

/** genl: operations matched by command number. */
function compareGenl(file: string, def: GenlFamilyDef): Report {
  const model = load(file);
  const r = newReport();
  const byCmd = new Map(Object.values(def.ops).map((o) => [o.cmd, o]));
  for (const op of model.ops) {
    const ours = op.request !== undefined ? byCmd.get(op.request) : Object.values(def.events).find((e) => e.cmd === op.reply);
    if (ours) compareSets(model, op.attributeSet, ours.attrs, `${file} ${op.name}`, r);
  }
  return r;
}

const cases: Array<[string, () => Report]> = [
  ['rt_link.yaml', () => compareRaw('rt_link.yaml', rtnetlink)],
  ['rt_addr.yaml', () => compareRaw('rt_addr.yaml', rtnetlink)],
  ['rt_route.yaml', () => compareRaw('rt_route.yaml', rtnetlink)],
  ['tc.yaml', () => compareRaw('tc.yaml', rtnetlink)],
  ['nftables.yaml', () => compareRaw('nftables.yaml', nftablesFamily)],
  ['nlctrl.yaml', () => { const r = newReport(); compareSets(load('nlctrl.yaml'), 'ctrl-attrs', ctrlAttrs, 'nlctrl.yaml', r); return r; }],
  ['ethtool.yaml', () => compareGenl('ethtool.yaml', ethtool)],
  ['netdev.yaml', () => compareGenl('netdev.yaml', netdev)],
  ['tcp_metrics.yaml', () => compareGenl('tcp_metrics.yaml', tcpMetrics)],
  ['mptcp_pm.yaml', () => compareGenl('mptcp_pm.yaml', mptcpPm)],
];

test('built-in declarations give every attribute the id, type and nesting of the kernel specs', () => {
  const problems: string[] = [];
  let compared = 0, same = 0, imprecise = 0;
  for (const [file, run] of cases) {
    const r = run();
    console.log(`  ${file}: ${r.same} of ${r.compared} attributes agree, ${r.imprecise} where the spec is imprecise (${r.notDeclared} in the spec only)`);
    assert.ok(r.compared > 0, `${file}: nothing compared`);
    compared += r.compared;
    same += r.same;
    imprecise += r.imprecise;
    problems.push(...r.problems);
  }
  console.log(`  built-in declarations: ${same} of ${compared} attributes agree; ${imprecise} more follow the kernel's code where the spec is imprecise`);
  if (problems.length) console.log(problems.map((p) => `  ${p}`).join('\n'));
  assert.equal(problems, []);
});

test.run();
