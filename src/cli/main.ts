#!/usr/bin/env node
// nlwire: the command-line tool. `nlwire --help` lists the commands.
import '../entries/sockets.js';
import { DecodeError, NetlinkError } from '../core/errors.js';
import { errnoText } from '../core/errno.js';
import { pcapFileSink } from '../pcap/file.js';
import { captureAllSockets } from '../socket/netlink-socket.js';
import type { CliContext } from './context.js';
import { IpExit, processIO, UsageError, type CliIO } from './io.js';
import { IP_OBJECTS, matches, suggestion, unknownObject } from './ip-words.js';
import type { RouteObjectName } from './route-cmds.js';
import type { FamiliesObject } from './families.js';
import { batchCommand, BATCH_HELP } from './batch.js';
// Each command's module is loaded when it runs: a command (or a batch of 100,000 routes) pays
// start-up for its own code only, not for every family nlwire knows.

export const HELP = `Usage: nlwire [OPTIONS] OBJECT COMMAND [ARGS]
       nlwire [OPTIONS] monitor [link|address|route|neigh|rule|nexthop|all]
       nlwire decode ... | schema [FAMILY] | genl ... | main

Linux netlink from Node.js: what 'ip' shows and does, as a library and this command.

Objects (as in ip): link, address (addr), route, neigh, rule, nexthop
  show [filters]         list them (ip-style text; -j gives the same JSON as 'ip -j')
  add|del|set|replace    change them, in ip's grammar
  get | flush            route get ADDRESS (the kernel's answer); flush addresses, routes, neighbours,
                         rules, nexthops (ip's selectors)
  netns                  list | add | delete | exec NAME CMD... | identify [PID] (ip's /run/netns)
  netconf show [dev X]   per-device IP settings, as ip netconf
Values are read as ip reads them (0x hex, 0 octal, ip's names and ranges); ip's abbreviations
work (nlwire r a ..., nlwire l s DEV up); errors exit as ip's do (usage 255, kernel 2).
Other commands:
  monitor                live events, as ip monitor prints them (-j: NDJSON)
  decode                 decode netlink bytes (hex, pcap, stdin) to text or JSON
  schema                 the declarations nlwire decodes with
  genl                   generic netlink: ctrl list/get/policy, YNL specs (--spec FILE --do OP)
  ss                     sockets (sock_diag): -t -u -x -l -a
  nft | conntrack        nf_tables ruleset; conntrack -L / -E
  xfrm                   IPsec policies (list/add/del/monitor); SAs (state add/get/list/delete/flush, allocspi); monitor
  uevent | proc | audit  hotplug events; fork/exec/exit events; audit status
  crypto show            the kernel's crypto algorithms (NETLINK_CRYPTO)
  capture                every process's netlink traffic, live, over nlmon (-w FILE.pcap)
  main                   show interfaces, addresses and routes, then monitor (npm start)

Options:
  -n, --netns NAME   run in network namespace NAME (ip netns), or a path like /proc/PID/ns/net
  -j, --json         JSON output (like ip -j);  -p, --pretty  indented JSON
  -d, --details      more detail (like ip -d);  -s, --stats   statistics (like ip -s)
  -4, -6             IPv4 or IPv6 only;         -N, --numeric  numbers instead of names
  -t, --timestamp    timestamps in monitor output
  -c, -color[=WHEN]  colours as ip (always; auto: on a terminal, unless NO_COLOR; never)
  -o, -br            ip's one-line and brief output
  --engine wasm|js   walker engine for decoding (default wasm)
  --pcap-out FILE    record this command's netlink traffic as a pcap for Wireshark
  -b, -batch FILE    read commands from FILE ('-': standard input), one per line, as ip -batch;
                     -force: do not stop at the first failing line
  -h, --help         this help; 'nlwire OBJECT --help' for an object's commands ('nlwire OBJECT help': ip's usage)

Examples:
  nlwire -j addr show dev lo
  nlwire -n blue link add v0 type veth peer name v1
  nlwire route add 10.10.0.0/16 via 192.0.2.1 dev eth0 metric 50
  nlwire monitor all -t
  nlwire decode --pcap capture.pcap
`;

/** ip's global options (prefix-matched as ip matches them: -s, -stat, -statistics...), in ip.c's order. */
const IP_OPTIONS: ReadonlyArray<readonly [string, string]> = [
  ['-loops', 'loops'], ['-family', 'family'], ['-4', '4'], ['-6', '6'], ['-0', '0'], ['-M', 'M'], ['-B', 'B'],
  ['-human', 'human'], ['-iec', 'iec'], ['-stats', 'stats'], ['-statistics', 'stats'], ['-details', 'details'],
  ['-resolve', 'resolve'], ['-oneline', 'oneline'], ['-timestamp', 'timestamp'], ['-tshort', 'tshort'],
  ['-Version', 'version'], ['-force', 'force'], ['-batch', 'batch'], ['-brief', 'brief'], ['-json', 'json'],
  ['-pretty', 'pretty'], ['-rcvbuf', 'rcvbuf'], ['-color', 'color'], ['-help', 'help'], ['-netns', 'netns'],
  ['-Numeric', 'numeric'], ['-all', 'all'], ['-echo', 'echo'],
];
/** nlwire's own options, matched exactly (before ip's). */
const OWN_OPTIONS = new Set(['--netns', '--json', '--pretty', '--details', '--stats', '--numeric', '--timestamp', '--engine', '--pcap-out', '--help', '-h', '--version', '-V', '-n', '-j', '-p', '-d', '-s', '-N', '-t', '-b']);

/** The command word to the command it names: nlwire's own exactly, then ip's objects by ip's prefix rule. */
function resolveCommand(word: string): string | undefined {
  if (['decode', 'schema', 'genl', 'ss', 'nft', 'conntrack', 'uevent', 'xfrm', 'audit', 'proc', 'main', 'crypto', 'capture', 'nh'].includes(word)) return word === 'nh' ? 'nexthop' : word;
  return IP_OBJECTS.find((o) => matches(word, o));
}
const IP_TO_OBJECT: Record<string, RouteObjectName> = {
  address: 'address', route: 'route', rule: 'rule', neighbor: 'neigh', neighbour: 'neigh', link: 'link', nexthop: 'nexthop',
};

export async function run(argv: string[], io: CliIO = processIO): Promise<number> {
  const ctx: CliContext = { io, json: false, pretty: false, details: false, stats: 0, numeric: false, timestamps: false };
  let i = 0;
  let batchFile: string | undefined;
  let force = false;
  try {
    for (; i < argv.length; i++) {
      const a = argv[i]!;
      if (!a.startsWith('-') || a === '-' || a === '--') { if (a === '--') i++; break; }
      const val = (): string => {
        const v = argv[++i];
        if (v === undefined) throw new IpExit('Command line is not complete. Try option "help"\n', 255);
        return v;
      };
      let opt: string | undefined;
      if (OWN_OPTIONS.has(a)) opt = a.replace(/^-+/, '');
      else {
        // ip accepts -opt and --opt alike.
        const word = a.startsWith('--') ? a.slice(1) : a;
        opt = IP_OPTIONS.find(([k]) => word.length > 1 && matches(word, k))?.[1];
        const base = word.split('=')[0]!;
        if (base === '-c' || (base.length > 2 && matches(base, '-color'))) opt = 'color';
      }
      switch (opt) {
        case 'n': case 'netns': ctx.netns = val(); break;
        case 'j': case 'json': ctx.json = true; break;
        case 'p': case 'pretty': ctx.pretty = true; break;
        case 'd': case 'details': ctx.details = true; break;
        case 's': case 'stats': ctx.stats++; break;
        case 'N': case 'numeric': ctx.numeric = true; break;
        case '4': ctx.family = 4; break;
        case '6': ctx.family = 6; break;
        case 'family': {
          const f = val();
          if (f === 'inet') ctx.family = 4; else if (f === 'inet6') ctx.family = 6;
          else throw new UsageError(`-family ${f}: nlwire knows inet and inet6`);
          break;
        }
        case 't': case 'timestamp': ctx.timestamps = true; break;
        case 'oneline': ctx.oneline = true; break;
        case 'brief': ctx.brief = true; break;
        case 'engine': { const v = val(); if (v !== 'wasm' && v !== 'js') throw new UsageError(`--engine is wasm or js, not '${v}'`); ctx.engine = v; break; }
        case 'pcap-out': ctx.capture = pcapFileSink(val()); captureAllSockets(ctx.capture); break;
        case 'batch': case 'b': batchFile = val(); break;
        case 'force': force = true; break;
        case 'h': case 'help': io.stdout(batchFile !== undefined ? BATCH_HELP : HELP); return 0;
        case 'V': case 'version': io.stdout('nlwire 0.1.0\n'); return 0;
        case 'color': {
          // ip 6.1: -c and -color[=always] colour always, -color=auto only on a terminal, never not at all.
          const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'always';
          if (v !== 'always' && v !== 'auto' && v !== 'never') throw new IpExit(`Option "${a}" is unknown, try "nlwire -help".\n`, 255);
          // NO_COLOR (no-color.org) turns auto off; an explicit -c wins, as there.
          ctx.color = v === 'always' || (v === 'auto' && !process.env.NO_COLOR && process.stdout.isTTY === true);
          break;
        }
        case undefined:
          throw new IpExit(`Option "${a}" is unknown, try "nlwire -help".\n${suggestion(a, IP_OPTIONS.map(([k]) => k))}`, 255);
        default:
          throw new UsageError(`option ${a} (ip ${opt}) is not implemented by nlwire yet`);
      }
    }
    if (batchFile !== undefined) {
      if (i < argv.length) throw new UsageError(`-batch takes its commands from ${batchFile === '-' ? 'standard input' : batchFile}, not the command line`);
      return await batchCommand(batchFile, force, ctx, (line, lineCtx) => dispatch(line, lineCtx), (e) => reportError(e, io));
    }
    return await dispatch(argv.slice(i), ctx);
  } catch (e) {
    return reportError(e, io);
  }
}

/** Runs one command (OBJECT/COMMAND and its arguments, global options already parsed). */
async function dispatch(argv: string[], ctx: CliContext): Promise<number> {
  const io = ctx.io;
  {
    const word = argv[0];
    const rest = argv.slice(1);
    // `OBJECT help` is ip's (its usage, stderr, exit 255) for ip's objects; --help is nlwire's own text.
    const ownHelp = rest.includes('--help') || rest.includes('-h');
    const wantsHelp = ownHelp || rest[0] === 'help';
    if (word === undefined) { io.stderr(HELP); return 255; }
    const cmd = resolveCommand(word);
    if (cmd === undefined) unknownObject(word, [...IP_OBJECTS, 'decode', 'schema', 'genl', 'ss', 'nft', 'conntrack', 'uevent', 'audit', 'proc', 'main', 'crypto', 'capture']);
    if (cmd === 'help') { io.stdout(HELP); return 0; }
    const object = IP_TO_OBJECT[cmd];
    if (object) {
      const m = await import('./route-cmds.js');
      if (ownHelp) { io.stdout(m.routeObjectHelp(object)); return 0; }
      return await m.routeObjectCommand(object, rest, ctx);
    }
    switch (cmd) {
      case 'netns':
        return await (await import('./netns.js')).netnsCommand(rest, ctx);
      case 'netconf':
        return await (await import('./netconf.js')).netconfCommand(rest, ctx);
      case 'monitor': {
        const m = await import('./monitor.js');
        if (ownHelp) { io.stdout(m.MONITOR_HELP); return 0; }
        return await m.monitorCommand(rest, ctx);
      }
      case 'decode': {
        const m = await import('./decode-cmd.js');
        if (wantsHelp) { io.stdout(m.DECODE_HELP); return 0; }
        return await m.decodeCommand(rest, io, ctx.json, ctx.pretty, ctx.engine);
      }
      case 'schema': {
        const m = await import('./schema-cmd.js');
        if (wantsHelp) { io.stdout(m.SCHEMA_HELP); return 0; }
        return m.schemaCommand(rest, io, ctx.json, ctx.pretty);
      }
      case 'genl': {
        const m = await import('./genl.js');
        if (wantsHelp) { io.stdout(m.GENL_HELP); return 0; }
        return await m.genlCommand(rest, { stdout: io.stdout, stderr: io.stderr, ...(ctx.netns ? { netns: ctx.netns } : {}) });
      }
      case 'ss': case 'nft': case 'conntrack': case 'uevent': case 'xfrm': case 'audit': case 'proc': {
        const m = await import('./families.js');
        if (wantsHelp) { io.stdout(m.FAMILIES_HELP); return 0; }
        return await m.familiesCommand(cmd as FamiliesObject, rest, { stdout: io.stdout, stderr: io.stderr }, ctx.netns, ctx.json);
      }
      case 'capture': {
        const m = await import('./capture.js');
        if (wantsHelp) { io.stdout(m.CAPTURE_HELP); return 0; }
        return await m.captureCommand(rest, io, ctx.json, ctx.netns);
      }
      case 'crypto': {
        const m = await import('./crypto.js');
        if (wantsHelp) { io.stdout(m.CRYPTO_HELP); return 0; }
        return await m.cryptoCommand(rest, { stdout: io.stdout, stderr: io.stderr }, ctx.json);
      }
      case 'main': {
        const m = await import('./main-job.js');
        if (wantsHelp) { io.stdout(m.MAIN_HELP); return 0; }
        return await m.mainJob(rest, ctx);
      }
      default:
        throw new UsageError(`"ip ${cmd}" is not implemented by nlwire (see nlwire --help)`);
    }
  }
}

/** Errors as ip reports them (its message and exit status), never a stack trace. */
export function reportError(e: unknown, io: CliIO): number {
  if (e instanceof IpExit) { io.stderr(e.text); return e.code; }
  if (e instanceof UsageError) { io.stderr(`nlwire: ${e.message}\n`); return 255; }
  if (e instanceof NetlinkError) {
    // ip: the kernel's extended ACK message ("Error: MSG."), else "RTNETLINK answers: strerror"; exit 2.
    if (e.extack.message) io.stderr(`Error: ${e.extack.message}${/[.]$/.test(e.extack.message) ? '' : '.'}\n`);
    else if (e.syscall.startsWith('RTM_')) io.stderr(`RTNETLINK answers: ${errnoText(e.errno)}\n`);
    else io.stderr(`Error: ${errnoText(e.errno)} (${e.code}).\n`);
    if (e.extack.attribute?.path) io.stderr(`  at attribute ${e.extack.attribute.path.join('.')} (${e.syscall})\n`);
    return 2;
  }
  if (e instanceof DecodeError) { io.stderr(`nlwire: cannot decode: ${e.message}\n`); return 1; }
  const err = e as { code?: string; message?: string };
  if (err && typeof err.code === 'string') { io.stderr(`nlwire: ${err.message ?? err.code}\n`); return 1; }
  io.stderr(`nlwire: ${err?.message ?? String(e)}\n`);
  return 1;
}

// Run when executed directly (not when imported by tests).
const entry = process.argv[1] ?? '';
if (/(?:^|[\\/])(cli(\.[cm]?js)?|main\.ts|nlwire)$/.test(entry)) {
  run(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { process.exitCode = reportError(e, processIO); });
}
