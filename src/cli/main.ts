#!/usr/bin/env node
// nlwire: the command-line tool. `nlwire --help` lists the commands.
import { DecodeError, NetlinkError } from '../core/errors.js';
import { errnoText } from '../core/errno.js';
import { pcapFileSink } from '../pcap/file.js';
import { captureAllSockets } from '../socket/netlink-socket.js';
import type { CliContext } from './context.js';
import { decodeCommand, DECODE_HELP } from './decode-cmd.js';
import { processIO, UsageError, type CliIO } from './io.js';
import { schemaCommand, SCHEMA_HELP } from './schema-cmd.js';
import { ROUTE_OBJECTS, routeObjectCommand, routeObjectHelp } from './route-cmds.js';
import { monitorCommand, MONITOR_HELP } from './monitor.js';
import { mainJob, MAIN_HELP } from './main-job.js';
import { genlCommand, GENL_HELP } from './genl.js';
import { familiesCommand, FAMILIES_HELP, type FamiliesObject } from './families.js';
import { cryptoCommand, CRYPTO_HELP } from './crypto.js';
import { captureCommand, CAPTURE_HELP } from './capture.js';

export const HELP = `Usage: nlwire [OPTIONS] OBJECT COMMAND [ARGS]
       nlwire [OPTIONS] monitor [link|address|route|neigh|rule|nexthop|all]
       nlwire decode ... | schema [FAMILY] | genl ... | main

Linux netlink from Node.js: what 'ip' shows and does, as a library and this command.

Objects (as in ip): link, address (addr), route, neigh, rule, nexthop
  show [filters]         list them (ip-style text; -j gives the same JSON as 'ip -j')
  add|del|set|replace    change them, in ip's grammar
Other commands:
  monitor                live NEW/DEL events, one line each (-j: NDJSON)
  decode                 decode netlink bytes (hex, pcap, stdin) to text or JSON
  schema                 the declarations nlwire decodes with
  genl                   generic netlink: ctrl list/get/policy, YNL specs (--spec FILE --do OP)
  ss                     sockets (sock_diag): -t -u -x -l -a
  nft | conntrack        nf_tables ruleset; conntrack -L / -E
  xfrm                   IPsec policies (list/add/del/monitor), state allocspi
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
  --engine wasm|js   walker engine for decoding (default wasm)
  --pcap-out FILE    record this command's netlink traffic as a pcap for Wireshark
  -h, --help         this help; 'nlwire OBJECT --help' for an object's commands

Examples:
  nlwire -j addr show dev lo
  nlwire -n blue link add v0 type veth peer name v1
  nlwire route add 10.10.0.0/16 via 192.0.2.1 dev eth0 metric 50
  nlwire monitor all -t
  nlwire decode --pcap capture.pcap
`;

export async function run(argv: string[], io: CliIO = processIO): Promise<number> {
  const ctx: CliContext = { io, json: false, pretty: false, details: false, stats: false, numeric: false, timestamps: false };
  let i = 0;
  try {
    for (; i < argv.length; i++) {
      const a = argv[i]!;
      if (!a.startsWith('-') || a === '-') break;
      const val = (): string => {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`option ${a} needs a value`);
        return v;
      };
      switch (a) {
        case '-n': case '--netns': case '-netns': ctx.netns = val(); break;
        case '-j': case '--json': case '-json': ctx.json = true; break;
        case '-p': case '--pretty': case '-pretty': ctx.pretty = true; break;
        case '-d': case '--details': case '-details': ctx.details = true; break;
        case '-s': case '--stats': case '-stats': ctx.stats = true; break;
        case '-N': case '--numeric': ctx.numeric = true; break;
        case '-4': ctx.family = 4; break;
        case '-6': ctx.family = 6; break;
        case '-t': case '--timestamp': ctx.timestamps = true; break;
        case '--engine': { const v = val(); if (v !== 'wasm' && v !== 'js') throw new UsageError(`--engine is wasm or js, not '${v}'`); ctx.engine = v; break; }
        case '--pcap-out': ctx.capture = pcapFileSink(val()); captureAllSockets(ctx.capture); break;
        case '-h': case '--help': case '-help': io.stdout(HELP); return 0;
        case '-V': case '--version': io.stdout('nlwire 0.1.0\n'); return 0;
        default: throw new UsageError(`unknown option '${a}' (see nlwire --help)`);
      }
    }
    const cmd = argv[i];
    const rest = argv.slice(i + 1);
    const wantsHelp = rest.includes('--help') || rest.includes('-h') || rest[0] === 'help';
    if (cmd === undefined) { io.stderr(HELP); return 2; }
    if (cmd === 'help') { io.stdout(HELP); return 0; }
    const object = ROUTE_OBJECTS.get(cmd);
    if (object) {
      if (wantsHelp) { io.stdout(routeObjectHelp(object)); return 0; }
      return await routeObjectCommand(object, rest, ctx);
    }
    switch (cmd) {
      case 'monitor':
        if (wantsHelp) { io.stdout(MONITOR_HELP); return 0; }
        return await monitorCommand(rest, ctx);
      case 'decode':
        if (wantsHelp) { io.stdout(DECODE_HELP); return 0; }
        return await decodeCommand(rest, io, ctx.json, ctx.pretty, ctx.engine);
      case 'schema':
        if (wantsHelp) { io.stdout(SCHEMA_HELP); return 0; }
        return schemaCommand(rest, io, ctx.json, ctx.pretty);
      case 'genl':
        if (wantsHelp) { io.stdout(GENL_HELP); return 0; }
        return await genlCommand(rest, { stdout: io.stdout, stderr: io.stderr, ...(ctx.netns ? { netns: ctx.netns } : {}) });
      case 'ss': case 'nft': case 'conntrack': case 'uevent': case 'xfrm': case 'audit': case 'proc':
        if (wantsHelp) { io.stdout(FAMILIES_HELP); return 0; }
        return await familiesCommand(cmd as FamiliesObject, rest, { stdout: io.stdout, stderr: io.stderr }, ctx.netns, ctx.json);
      case 'capture':
        if (wantsHelp) { io.stdout(CAPTURE_HELP); return 0; }
        return await captureCommand(rest, io, ctx.json, ctx.netns);
      case 'crypto':
        if (wantsHelp) { io.stdout(CRYPTO_HELP); return 0; }
        return await cryptoCommand(rest, { stdout: io.stdout, stderr: io.stderr }, ctx.json);
      case 'main':
        if (wantsHelp) { io.stdout(MAIN_HELP); return 0; }
        return await mainJob(rest, ctx);
      default:
        throw new UsageError(`unknown command '${cmd}' (see nlwire --help)`);
    }
  } catch (e) {
    return reportError(e, io);
  }
}

/** Errors as a user wants them: the kernel's message like ip prints it, never a stack trace. */
export function reportError(e: unknown, io: CliIO): number {
  if (e instanceof UsageError) { io.stderr(`nlwire: ${e.message}\n`); return 2; }
  if (e instanceof NetlinkError) {
    const text = e.extack.message ? `${e.extack.message}${/[.!]$/.test(e.extack.message) ? '' : '.'}` : `${errnoText(e.errno)} (${e.code}).`;
    io.stderr(`Error: ${text}\n`);
    if (e.extack.attribute?.path) io.stderr(`  at attribute ${e.extack.attribute.path.join('.')} (${e.syscall})\n`);
    return 1;
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
