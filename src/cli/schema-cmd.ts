// nlwire schema: the declarations nlwire knows, so users see exactly what is decoded.
import { Protocol } from '../core/constants.js';
import { familyForProtocol } from '../families/registry.js';
import * as genl from '../families/genl/index.js';
import type { GenlFamilyDef } from '../families/genl/define.js';
import { describeFamily, type FamilyDescription } from '../schema/describe.js';
import { defineMessage, type MessageFamily } from '../schema/family.js';
import { stringify } from './format.js';
import { UsageError, type CliIO } from './io.js';

export const SCHEMA_HELP = `Usage: nlwire schema [FAMILY] [-j [-p]]

Lists the declarations nlwire decodes with: messages, fixed headers, every attribute set with
each attribute's id, name, type and nested set, and enums. FAMILY: route, generic, netfilter, xfrm,
audit, ethtool, netdev, tcp_metrics, mptcp_pm, wireguard, nl80211 ('nlwire schema' lists them).

Examples:
  nlwire schema                 # the families
  nlwire schema route           # rtnetlink, as text
  nlwire schema route -j | jq '.attributeSets[] | select(.name=="link")'
`;

/** Families the schema command can describe; genl modules add theirs with addSchemaFamily(). */
const extra = new Map<string, () => MessageFamily>();
export function addSchemaFamily(name: string, f: () => MessageFamily): void {
  extra.set(name, f);
}

/** Declared generic netlink families: their ids are assigned at boot, so 0 stands in here. */
const GENL: ReadonlyArray<[string, GenlFamilyDef]> = [
  ['ethtool', genl.ethtool], ['netdev', genl.netdev], ['tcp_metrics', genl.tcpMetrics],
  ['mptcp_pm', genl.mptcpPm], ['wireguard', genl.wireguard], ['nl80211', genl.nl80211],
];

/** A genl family as a message list for the description: one entry per operation and event (type = cmd). */
function genlSchema(def: GenlFamilyDef): MessageFamily {
  const header = def.fixedHeader ?? genl.genlmsghdr;
  const ops = Object.entries(def.ops).map(([name, op]) => defineMessage({ name: `${name} (cmd ${op.cmd})`, type: op.cmd, header: op.fixedHeader ?? header, attrs: op.attrs }));
  const events = Object.entries(def.events).map(([name, ev]) => defineMessage({ name: `${name} (event, cmd ${ev.cmd})`, type: ev.cmd, header, attrs: ev.attrs }));
  return { name: def.name, protocol: def.raw?.protocol ?? Protocol.GENERIC, messages: [...ops, ...events] };
}

function families(): Map<string, () => MessageFamily> {
  const m = new Map<string, () => MessageFamily>([
    ['route', () => familyForProtocol(Protocol.ROUTE)],
    ['generic', () => familyForProtocol(Protocol.GENERIC)],
    ['netfilter', () => familyForProtocol(Protocol.NETFILTER)],
    ['xfrm', () => familyForProtocol(Protocol.XFRM)],
    ['audit', () => familyForProtocol(Protocol.AUDIT)],
    ...GENL.map(([name, def]): [string, () => MessageFamily] => [name, () => genlSchema(def)]),
  ]);
  for (const [k, v] of extra) m.set(k, v);
  return m;
}

export function schemaCommand(args: string[], io: CliIO, json: boolean, pretty: boolean): number {
  const names = args.filter((a) => !a.startsWith('-'));
  if (args.includes('-j') || args.includes('--json')) json = true;
  if (args.includes('-p')) pretty = true;
  const fams = families();
  if (names.length === 0) {
    const list = [...fams.entries()].map(([name, f]) => { const d = describeFamily(f()); return { name, protocol: d.protocol, messages: d.messages.length, attributeSets: d.attributeSets.length }; });
    if (json) io.stdout(stringify(list, pretty) + '\n');
    else for (const l of list) io.stdout(`${l.name.padEnd(14)} protocol ${String(l.protocol).padEnd(3)} ${l.messages} messages, ${l.attributeSets} attribute sets\n`);
    return 0;
  }
  for (const name of names) {
    const f = fams.get(name);
    if (!f) throw new UsageError(`schema: unknown family '${name}' (known: ${[...fams.keys()].join(', ')})`);
    const d = describeFamily(f());
    io.stdout(json ? stringify(d, pretty) + '\n' : schemaText(d));
  }
  return 0;
}

function schemaText(d: FamilyDescription): string {
  const out: string[] = [`family ${d.name} (protocol ${d.protocol})`, '', 'messages:'];
  for (const m of d.messages) out.push(`  ${String(m.type).padStart(5)}  ${m.name.padEnd(24)} ${m.header ?? '-'} + ${m.attrs ?? '-'}`);
  out.push('', 'structs:');
  for (const s of d.structs) out.push(`  ${s.name} (${s.size} bytes): ${s.fields.map((f) => `${f.name}:${f.type}${f.size ? `[${f.size}]` : ''}`).join(', ')}`);
  for (const s of d.attributeSets) {
    out.push('', `attribute set ${s.name}:`);
    for (const a of s.attributes) {
      const extra = [a.nested && `-> ${a.nested}`, a.struct && `struct ${a.struct}`, a.selector && `by ${a.selector}: ${Object.entries(a.formats ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}`,
        a.enum && `enum ${a.enum}`, a.flags && `flags ${a.flags}`, a.item && `of ${a.item}`, a.multi && 'multi', a.byteOrder].filter(Boolean).join(', ');
      out.push(`  ${String(a.id).padStart(4)}  ${a.name.padEnd(24)} ${a.type}${extra ? `  (${extra})` : ''}`);
    }
  }
  out.push('', 'enums:');
  for (const e of d.enums) out.push(`  ${e.kind} ${e.name}: ${Object.entries(e.values).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return out.join('\n') + '\n';
}
