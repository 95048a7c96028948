// CLI commands for the non-route families: ss, nft, conntrack, uevent, xfrm, audit, proc.
//   nlwire ss [-t] [-u] [-x] [-l] [-a] [-4|-6] [-i] [--sport N] [--dport N]
//   nlwire nft list ruleset
//   nlwire conntrack -L | -E [-c COUNT]
//   nlwire uevent monitor [-c COUNT]
//   nlwire xfrm policy list | add SRC DST dir DIR [priority N] [action allow|block] | del SRC DST dir DIR | flush | monitor
//   nlwire xfrm state list | allocspi src A dst B [proto esp] [reqid N] [mode M] | add|update|get|delete|flush (ip's grammar: xfrm-state.ts)
//   nlwire xfrm monitor [-c COUNT]
//   nlwire audit status
//   nlwire proc monitor [-c COUNT]
// Text by default; JSON (one document, or NDJSON for monitors) with json = true.
import { auditStatus, auditStatusText } from '../families/audit/index.js';
import { procEventText, procEvents } from '../families/connector/index.js';
import { listSockets, listUnixSockets, SS_STATE_NAMES, type InetSocket, type TcpStateName, type UnixSocket } from '../families/diag/index.js';
import { conntrackEvents, conntrackText, expressionText, listConntrack, listRuleset, type NftRuleset } from '../families/netfilter/index.js';
import { uevents } from '../families/uevent/index.js';
import {
  addPolicy, allocSpi, deletePolicy, flushPolicies, listPolicies, policyEvents, policyText, saText,
  type XfrmDirName,
} from '../families/xfrm/index.js';
import { IpExit, UsageError } from './io.js';
import { NetlinkError } from '../core/errors.js';
import { errnoText } from '../core/errno.js';
import { xfrmMonitorCommand, xfrmStateCommand } from './xfrm-state.js';

export type FamiliesObject = 'ss' | 'nft' | 'conntrack' | 'uevent' | 'xfrm' | 'audit' | 'proc';
export interface FamiliesIO { stdout(s: string): void; stderr(s: string): void }

export const FAMILIES_HELP = `Usage: nlwire ss [-t] [-u] [-x] [-l] [-a] [-4|-6] [-i] [--sport N] [--dport N]
       nlwire nft list ruleset
       nlwire conntrack -L | -E [-c COUNT]
       nlwire uevent monitor [-c COUNT]
       nlwire xfrm policy list | add SRC DST dir in|out|fwd [priority N] [action allow|block] | del SRC DST dir DIR | flush | monitor [-c COUNT]
       nlwire xfrm state list | allocspi src ADDR dst ADDR [proto esp|ah] [reqid N] [mode transport|tunnel]
       nlwire xfrm state add|update src ADDR dst ADDR proto esp|ah|comp spi SPI [aead NAME KEY ICV | enc NAME KEY | auth NAME KEY |
                  auth-trunc NAME KEY LEN | comp NAME]... [mode M] [reqid N] [replay-window N] [flag F...] [mark M [mask M]] [sel src P dst P]
       nlwire xfrm state get|delete [src ADDR] dst ADDR proto P spi SPI | flush [proto P]
       nlwire xfrm monitor [-c COUNT]       (SA events as ip xfrm monitor prints them)
       nlwire audit status
       nlwire proc monitor [-c COUNT]
`;

class FamUsage extends Error {}

/** JSON with bigints as numbers-in-strings and bytes as hex. */
export function toJson(v: unknown, indent?: number): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return x.toString();
    if (x instanceof Uint8Array) return Array.from(x, (b) => b.toString(16).padStart(2, '0')).join('');
    return x;
  }, indent);
}

function countArg(args: string[]): number | undefined {
  const i = args.findIndex((a) => a === '-c' || a === '--count');
  if (i < 0) return undefined;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new FamUsage(`${args[i]} needs a positive count`);
  return n;
}

/** Runs an event stream until COUNT events, SIGINT, or its end. */
async function monitor<T>(make: (signal: AbortSignal) => AsyncIterable<T>, print: (e: T) => void, count?: number): Promise<void> {
  const ac = new AbortController();
  const onInt = (): void => ac.abort();
  process.once('SIGINT', onInt);
  let n = 0;
  try {
    for await (const e of make(ac.signal)) {
      print(e);
      if (count !== undefined && ++n >= count) break;
    }
  } finally {
    process.removeListener('SIGINT', onInt);
  }
}

/** As ss prints an endpoint: a dual-stack (not v6only) IPv6 wildcard is '*', IPv6 is bracketed. */
const ssAddr = (a: string, p: number | string, v6: boolean, v6only?: boolean): string =>
  `${v6 && a === '::' && v6only === false ? '*' : v6 && a.includes(':') ? `[${a}]` : a}:${p === 0 ? '*' : p}`;

async function ssCommand(args: string[], io: FamiliesIO, netns: string | undefined, json: boolean): Promise<number> {
  let tcp = false, udp = false, unix = false, listening = false, all = false, info = false;
  let fams: Array<4 | 6> = [4, 6];
  let sport: number | undefined, dport: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--sport' || a === '--dport') {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new FamUsage(`${a} needs a port number`);
      if (a === '--sport') sport = n; else dport = n;
      continue;
    }
    if (/^-[tuxlai46nH]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 't') tcp = true; else if (c === 'u') udp = true; else if (c === 'x') unix = true;
        else if (c === 'l') listening = true; else if (c === 'a') all = true; else if (c === 'i') info = true;
        else if (c === '4') fams = [4]; else if (c === '6') fams = [6];
      }
      continue;
    }
    throw new FamUsage(`ss: unknown argument '${a}'`);
  }
  if (!tcp && !udp && !unix) { tcp = true; udp = true; }
  const tcpStates: TcpStateName[] | undefined = all ? undefined : listening ? ['listen'] : undefined;
  const opt = netns !== undefined ? { netns } : {};
  const inet: InetSocket[] = [];
  for (const f of fams) {
    if (tcp) {
      const l = await listSockets({ ...opt, protocol: 'tcp', family: f, info, ...(tcpStates ? { states: tcpStates } : {}), ...(sport !== undefined ? { port: sport } : {}), ...(dport !== undefined ? { dport } : {}) });
      inet.push(...(all || listening ? l : l.filter((s) => s.state !== 'listen' && s.state !== 'close')));
    }
    if (udp) {
      const l = await listSockets({ ...opt, protocol: 'udp', family: f, ...(sport !== undefined ? { port: sport } : {}), ...(dport !== undefined ? { dport } : {}) });
      inet.push(...(all ? l : listening ? l.filter((s) => s.state === 'close') : l.filter((s) => s.state === 'established')));
    }
  }
  let ux: UnixSocket[] = [];
  if (unix) {
    ux = await listUnixSockets(opt);
    if (!all) ux = listening ? ux.filter((s) => s.state === 'listen') : ux.filter((s) => s.state !== 'listen');
  }
  if (json) { io.stdout(toJson({ inet, unix: ux }) + '\n'); return 0; }
  const rows: string[][] = [['Netid', 'State', 'Recv-Q', 'Send-Q', 'Local Address:Port', 'Peer Address:Port']];
  const st = (s: string): string => SS_STATE_NAMES[s as TcpStateName] ?? s;
  for (const s of inet) {
    const v6 = s.family === 6;
    rows.push([s.protocol, st(s.state), String(s.rqueue), String(s.wqueue), ssAddr(s.src, s.srcPort, v6, s.v6only), ssAddr(s.dst, s.dstPort, v6, s.v6only)]);
  }
  for (const s of ux) {
    const netid = s.type === 'stream' ? 'u_str' : s.type === 'dgram' ? 'u_dgr' : s.type === 'seqpacket' ? 'u_seq' : `u_${s.type}`;
    rows.push([netid, st(s.state), String(s.rqueue ?? 0), String(s.wqueue ?? 0), `${s.name ?? '*'} ${s.inode}`, `* ${s.peer ?? 0}`]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) io.stdout(r.map((c, i) => c.padEnd(widths[i]!)).join(' ').trimEnd() + '\n');
  if (info) for (const s of inet) if (s.tcpInfo) io.stdout(`${ssAddr(s.src, s.srcPort, s.family === 6)} ${s.congestion ?? ''} rto:${s.tcpInfo.rto / 1000} rtt:${s.tcpInfo.rtt / 1000}/${s.tcpInfo.rttvar / 1000} cwnd:${s.tcpInfo.sndCwnd}\n`);
  return 0;
}

function rulesetText(rs: NftRuleset): string {
  let out = '';
  for (const t of rs.tables) {
    out += `table ${t.family} ${t.name} { # handle ${t.handle}\n`;
    for (const s of rs.sets.filter((x) => x.family === t.family && x.table === t.name)) out += `\tset ${s.name} { # handle ${s.handle ?? ''}\n\t}\n`;
    for (const c of rs.chains.filter((x) => x.family === t.family && x.table === t.name)) {
      out += `\tchain ${c.name} { # handle ${c.handle}\n`;
      if (c.hook !== undefined) out += `\t\ttype ${c.type ?? 'filter'} hook ${c.hook}${c.device ? ` device ${c.device}` : ''} priority ${c.priority ?? 0}; policy ${c.policy ?? 'accept'};\n`;
      for (const r of rs.rules.filter((x) => x.family === t.family && x.table === t.name && x.chain === c.name)) {
        out += `\t\t${r.expressions.map(expressionText).join(' ')} # handle ${r.handle}\n`;
      }
      out += '\t}\n';
    }
    out += '}\n';
  }
  return out;
}

function kv(args: string[], from: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = from; i < args.length; i += 2) {
    if (args[i + 1] === undefined) throw new FamUsage(`'${args[i]}' needs a value`);
    out[args[i]!] = args[i + 1]!;
  }
  return out;
}
const num = (s: string | undefined, what: string): number => {
  const n = s === undefined ? NaN : Number(s);
  if (!Number.isInteger(n)) throw new FamUsage(`${what} needs a number`);
  return n;
};

async function xfrmCommand(args: string[], io: FamiliesIO, netns: string | undefined, json: boolean): Promise<number> {
  const opt = netns !== undefined ? { netns } : {};
  const [obj, cmd = 'list'] = args;
  if (obj === 'monitor') return xfrmMonitorCommand(args.slice(1), io, { ...opt, json });
  if (obj === 'state' && cmd !== 'allocspi') return xfrmStateCommand(cmd, args.slice(2), io, { ...opt, json });
  if (obj === 'policy') {
    switch (cmd) {
      case 'list': case 'show': {
        const ps = await listPolicies(opt);
        io.stdout(json ? toJson(ps) + '\n' : ps.map((p) => policyText(p) + '\n').join(''));
        return 0;
      }
      case 'add': case 'update': case 'del': case 'delete': {
        const [src, dst] = [args[2], args[3]];
        if (!src || !dst) throw new FamUsage(`xfrm policy ${cmd} SRC DST dir DIR`);
        const o = kv(args, 4);
        const dir = o.dir as XfrmDirName | undefined;
        if (dir !== 'in' && dir !== 'out' && dir !== 'fwd') throw new FamUsage('dir must be in, out or fwd');
        if (cmd === 'del' || cmd === 'delete') await deletePolicy({ src, dst, dir }, opt);
        else {
          const action = o.action === 'block' ? 'block' : 'allow';
          await addPolicy({ src, dst, dir, action, ...(o.priority ? { priority: num(o.priority, 'priority') } : {}) }, { ...opt, update: cmd === 'update' });
        }
        return 0;
      }
      case 'flush': await flushPolicies(opt); return 0;
      case 'monitor':
        await monitor((signal) => policyEvents({ ...opt, signal }), (e) => {
          io.stdout(json ? toJson(e) + '\n' : e.type === 'flush' || e.type === 'overrun' ? `${e.type}\n` : `${e.type === 'delete' ? 'Deleted ' : ''}${policyText(e.policy)}\n`);
        }, countArg(args));
        return 0;
    }
  } else if (obj === 'state') {
    switch (cmd) {
      case 'allocspi': {
        const o = kv(args, 2);
        if (!o.src || !o.dst) throw new FamUsage('xfrm state allocspi src ADDR dst ADDR');
        const proto = (o.proto ?? 'esp') as 'esp' | 'ah' | 'comp';
        const mode = (o.mode ?? 'transport') as 'transport' | 'tunnel' | 'beet';
        const sa = await allocSpi({ src: o.src, dst: o.dst, proto, mode, ...(o.reqid ? { reqid: num(o.reqid, 'reqid') } : {}),
          ...(o.min ? { min: num(o.min, 'min') } : {}), ...(o.max ? { max: num(o.max, 'max') } : {}) }, opt);
        io.stdout(json ? toJson(sa) + '\n' : saText(sa));
        return 0;
      }
    }
  }
  throw new FamUsage(`xfrm: unknown command '${args.join(' ')}'`);
}

/** Runs one family command; returns the exit status (2 for usage errors). */
export async function familiesCommand(
  object: FamiliesObject, args: string[], io: FamiliesIO, netns?: string, json?: boolean,
): Promise<number> {
  const j = json ?? false;
  const opt = netns !== undefined ? { netns } : {};
  if (args.includes('-h') || args.includes('--help')) { io.stdout(FAMILIES_HELP); return 0; }
  try {
    switch (object) {
      case 'ss': return await ssCommand(args, io, netns, j);
      case 'nft': {
        if (args[0] !== 'list' || (args[1] ?? 'ruleset') !== 'ruleset') throw new FamUsage('nft: only `list ruleset` is supported');
        const rs = await listRuleset(opt);
        io.stdout(j ? toJson(rs) + '\n' : rulesetText(rs));
        return 0;
      }
      case 'conntrack': {
        if (args.includes('-E')) {
          await monitor((signal) => conntrackEvents({ ...opt, signal }), (e) => {
            io.stdout(j ? toJson(e) + '\n' : e.type === 'overrun' ? `[OVERRUN] ${e.reason}\n` : `[${e.type.toUpperCase()}] ${conntrackText(e.conntrack)}\n`);
          }, countArg(args));
          return 0;
        }
        if (args.length && !args.includes('-L')) throw new FamUsage('conntrack: -L or -E');
        const cts = await listConntrack(opt);
        io.stdout(j ? toJson(cts) + '\n' : cts.map((c) => conntrackText(c) + '\n').join(''));
        if (!j) io.stderr(`conntrack: ${cts.length} flow entries have been shown.\n`);
        return 0;
      }
      case 'uevent':
        if ((args[0] ?? 'monitor') !== 'monitor') throw new FamUsage('uevent: only `monitor`');
        await monitor((signal) => uevents({ ...opt, signal }), (e) => {
          io.stdout(j ? toJson(e) + '\n' : `KERNEL [${e.seqnum ?? ''}] ${e.action} ${e.devpath} (${e.subsystem ?? ''})\n`);
        }, countArg(args));
        return 0;
      case 'xfrm': return await xfrmCommand(args, io, netns, j);
      case 'audit': {
        if ((args[0] ?? 'status') !== 'status') throw new FamUsage('audit: only `status`');
        const s = await auditStatus(opt);
        io.stdout(j ? toJson(s) + '\n' : auditStatusText(s) + '\n');
        return 0;
      }
      case 'proc':
        if ((args[0] ?? 'monitor') !== 'monitor') throw new FamUsage('proc: only `monitor`');
        if (netns !== undefined) throw new FamUsage('proc: process events exist only in the initial network namespace');
        await monitor((signal) => procEvents({ signal }), (e) => io.stdout(j ? toJson(e) + '\n' : procEventText(e) + '\n'), countArg(args));
        return 0;
    }
  } catch (e) {
    if (e instanceof FamUsage) { io.stderr(`nlwire: ${e.message}\n${FAMILIES_HELP}`); return 2; }
    if (e instanceof IpExit) { io.stderr(e.text); return e.code; }
    if (e instanceof UsageError) { io.stderr(`nlwire: ${e.message}\n`); return 255; }
    if (object === 'xfrm' && e instanceof NetlinkError) {
      // ip xfrm talks through rtnl_talk: the kernel's extended ACK message, else "RTNETLINK answers"; exit 2
      io.stderr(e.extack.message ? `Error: ${e.extack.message}${/[.]$/.test(e.extack.message) ? '' : '.'}\n` : `RTNETLINK answers: ${errnoText(e.errno)}\n`);
      return 2;
    }
    io.stderr(`nlwire ${object}: ${(e as Error).message}\n`);
    return 1;
  }
  return 2;
}
