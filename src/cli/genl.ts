// nlwire genl: generic netlink from the command line. nlctrl queries (ctrl list/get/policy) and
// any family driven by a YNL spec, the way the kernel's ynl CLI does (JSON in, JSON out).
import { errnoText } from '../core/errno.js';
import { NetlinkError, type AttrPolicy } from '../core/errors.js';
import { GenericNetlink, type GenlFamilyInfo, type GenlPolicyDump } from '../families/genl/resolve.js';
import { YnlFamily, compileSpec, type YnlRequestFlag } from '../ynl/family.js';
import { kernelJson, parseJsonExact } from '../ynl/present.js';
import { YnlSpecError } from '../ynl/spec.js';
import { readFile } from 'node:fs/promises';
import { stringify } from './format.js';
import { UsageError } from './io.js';

export const GENL_HELP = `Usage: nlwire genl ctrl list
       nlwire genl ctrl get NAME
       nlwire genl ctrl policy NAME [--op CMD]
       nlwire genl --spec FILE --list-ops
       nlwire genl --spec FILE (--do OP | --dump OP) [--json '{...}'] [--subscribe GROUP [--count N]]
       nlwire genl --spec FILE --subscribe GROUP [--count N]

Generic netlink families: nlctrl's view of them, and families described by a YNL spec (the
kernel's Documentation/netlink/specs format). Attribute names are the spec's, e.g.
  nlwire genl --spec specs/ethtool.yaml --do linkinfo-get --json '{"header":{"dev-name":"eth0"}}'
Output is JSON, one object per line (one per message of a dump or per notification).

Options:
  --spec FILE        the YNL spec (YAML) of the family
  --do OP            a request; prints its reply, if any
  --dump OP          a dump; prints every reply
  --json JSON        the request's attributes (and fixed-header fields)
  --subscribe GROUP  print notifications of multicast group GROUP (with --do/--dump: joined first)
  --count N          stop after N notifications
  --timeout MS       stop waiting for notifications after MS milliseconds
  --list-ops         the operations and notifications of the spec
  --op CMD           ctrl policy: only this command (a number, or an operation name with --spec)
  --create, --excl, --replace, --append
                     request flags (NLM_F_CREATE, ...), as the kernel's CLI takes them
  --output-json      print exactly what the kernel's cli.py --output-json prints: one JSON
                     value per request (a dump is one list, a request without reply null)
  --process-unknown  also show pad attributes (attributes the spec lacks are always shown,
                     as UnknownAttr(N))
  --pretty           indented JSON

Values are the kernel CLI's: enums and flags by name, addresses and MACs as text, other bytes
as hex. In --json, binary attributes take hex strings and addresses take text or integers.
An empty dump prints [].
`;

export interface GenlIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  netns?: string;
}

interface Args {
  spec?: string;
  do?: string;
  dump?: string;
  json?: string;
  subscribe: string[];
  count?: number;
  timeout?: number;
  listOps: boolean;
  op?: string;
  pretty: boolean;
  processUnknown: boolean;
  outputJson: boolean;
  flags: YnlRequestFlag[];
  positional: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { subscribe: [], listOps: false, pretty: false, processUnknown: false, outputJson: false, flags: [], positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--spec': a.spec = val(); break;
      case '--do': a.do = val(); break;
      case '--dump': a.dump = val(); break;
      case '--json': a.json = val(); break;
      case '--subscribe': a.subscribe.push(val()); break;
      case '--count': {
        const v = val();
        if (!/^\d+$/.test(v)) throw new UsageError(`--count needs a number, not '${v}'`);
        a.count = Number(v);
        break;
      }
      case '--timeout': {
        const v = val();
        if (!/^\d+$/.test(v)) throw new UsageError(`--timeout needs milliseconds, not '${v}'`);
        a.timeout = Number(v);
        break;
      }
      case '--list-ops': a.listOps = true; break;
      case '--op': a.op = val(); break;
      case '--pretty': case '-p': a.pretty = true; break;
      case '--process-unknown': a.processUnknown = true; break;
      case '--no-process-unknown': a.processUnknown = false; break;
      case '--output-json': a.outputJson = true; break;
      case '--create': case '--excl': case '--replace': case '--append': a.flags.push(arg.slice(2) as YnlRequestFlag); break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`genl: unknown option '${arg}' (see nlwire genl --help)`);
        a.positional.push(arg);
    }
  }
  return a;
}

/** Runs `nlwire genl ...`; returns the exit status (0 ok, 1 failed, 2 usage). */
export async function genlCommand(argv: string[], io: GenlIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') { io.stdout(GENL_HELP); return 0; }
  try {
    const a = parseArgs(argv);
    const out = (v: unknown): void => io.stdout(stringify(v, a.pretty) + '\n');
    if (a.positional[0] === 'ctrl') return await ctrlCommand(a, io, out);
    if (a.positional.length) throw new UsageError(`genl: unexpected '${a.positional[0]}' (see nlwire genl --help)`);
    if (!a.spec) throw new UsageError('genl: give --spec FILE, or use genl ctrl list|get|policy');
    return await specCommand(a, io, out);
  } catch (e) {
    return report(e, io);
  }
}

async function ctrlCommand(a: Args, io: GenlIO, out: (v: unknown) => void): Promise<number> {
  const [, verb, name] = a.positional;
  using genl = GenericNetlink.open(io.netns ? { netns: io.netns } : {});
  switch (verb) {
    case 'list':
    case undefined:
      for (const f of await genl.list()) out(familyJson(f));
      return 0;
    case 'get':
      if (!name) throw new UsageError('genl ctrl get needs a family name');
      out(familyJson(await genl.resolve(name)));
      return 0;
    case 'policy': {
      if (!name) throw new UsageError('genl ctrl policy needs a family name');
      const op = a.op === undefined ? undefined : await opNumber(a.op, a.spec);
      out(policyJson(await genl.policy(name, op === undefined ? {} : { op })));
      return 0;
    }
    default:
      throw new UsageError(`genl ctrl: unknown command '${verb}' (list, get, policy)`);
  }
}

/** --op: a command number, or an operation name looked up in --spec. */
async function opNumber(op: string, spec: string | undefined): Promise<number> {
  if (/^\d+$/.test(op)) return Number(op);
  if (!spec) throw new UsageError(`--op '${op}' is a name: give its number, or --spec FILE to look it up`);
  const model = compileSpec(await readFile(spec, 'utf8'));
  const cmd = model.family.ops[op]?.cmd;
  if (cmd === undefined) throw new UsageError(`--op: the spec has no operation '${op}'`);
  return cmd;
}

async function specCommand(a: Args, io: GenlIO, out: (v: unknown) => void): Promise<number> {
  if (a.do && a.dump) throw new UsageError('genl: --do and --dump are exclusive');
  if (a.listOps) {
    const model = compileSpec(await readFile(a.spec!, 'utf8'));
    for (const op of model.ops) out(op);
    return 0;
  }
  if (!a.do && !a.dump && !a.subscribe.length) throw new UsageError('genl: give --do OP, --dump OP, --subscribe GROUP or --list-ops');
  let attrs: Record<string, unknown> = {};
  if (a.json !== undefined) {
    let parsed: unknown;
    try { parsed = parseJsonExact(a.json); } catch (e) { throw new UsageError(`--json: ${(e as Error).message}`); } // u64s and IPv6 integers exact
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--json needs a JSON object');
    attrs = parsed as Record<string, unknown>;
  }
  await using fam = await YnlFamily.load(a.spec!, { ...(io.netns ? { netns: io.netns } : {}), processUnknown: a.processUnknown });
  const callOpts = a.flags.length ? { flags: a.flags } : {};
  // One JSON value per request as the kernel's CLI prints it, or one line per message.
  const print = (replies: Array<Record<string, unknown>>, dump: boolean): void => {
    if (a.outputJson) io.stdout(kernelJson(dump ? replies : replies.length === 0 ? null : replies.length === 1 ? replies[0] : replies) + '\n');
    else if (dump && !replies.length) out([]);
    else for (const r of replies) out(r);
  };
  // Join first, so that notifications caused by the request are seen.
  const stop = new AbortController();
  const sub = a.subscribe.length ? fam.subscribe(a.subscribe, { signal: stop.signal }) : undefined;
  const timer = a.timeout !== undefined && sub ? setTimeout(() => stop.abort(), a.timeout) : undefined;
  try {
    if (a.do) print(await fam.doAll(a.do, attrs, callOpts), false);
    else if (a.dump) print(await fam.dump(a.dump, attrs, callOpts), true);
    if (sub) {
      let seen = 0;
      while (a.count === undefined || seen < a.count) {
        const n = await sub.next();
        if (n.done) break;
        if (n.value.type === 'overrun') { io.stderr(`nlwire: notifications lost (${n.value.reason})\n`); continue; }
        const ntf = { name: n.value.name, group: n.value.group, msg: n.value.msg };
        if (a.outputJson) io.stdout(kernelJson(ntf) + '\n'); else out(ntf);
        seen++;
      }
    }
  } finally {
    clearTimeout(timer);
    await sub?.return?.();
  }
  return 0;
}

/** A family as nlctrl's spec names its attributes (what the kernel's CLI prints for getfamily). */
function familyJson(f: GenlFamilyInfo): Record<string, unknown> {
  return {
    'family-name': f.name, 'family-id': f.id, version: f.version, hdrsize: f.hdrsize, maxattr: f.maxattr,
    ops: f.ops.map((o) => ({ id: o.cmd, flags: o.flagNames })),
    'mcast-groups': Object.entries(f.mcastGroups).map(([name, id]) => ({ name, id })),
  };
}

/** nlctrl's policy-attrs names (the kernel's CLI names an extack policy the same way). */
const POLICY_KEYS: Record<keyof AttrPolicy, string> = {
  type: 'type', minValue: 'min-value', maxValue: 'max-value', minLength: 'min-length', maxLength: 'max-length',
  policyIndex: 'policy-idx', maxType: 'policy-maxtype', bitfield32Mask: 'bitfield32-mask', mask: 'mask',
};

/** A policy dump with nlctrl's names: op-policy (command → do/dump policy) and policy (index → attribute → policy). */
function policyJson(p: GenlPolicyDump): Record<string, unknown> {
  const ops: Record<string, unknown> = {};
  for (const [cmd, v] of p.ops) ops[cmd] = v;
  const policies: Record<string, Record<string, unknown>> = {};
  for (const [idx, attrs] of p.policies) {
    const o: Record<string, unknown> = {};
    for (const [type, pol] of attrs) {
      o[type] = Object.fromEntries(Object.entries(pol).map(([k, v]) => [POLICY_KEYS[k as keyof AttrPolicy] ?? k, v]));
    }
    policies[idx] = o;
  }
  return { 'family-name': p.family, 'family-id': p.id, 'op-policy': ops, policy: policies };
}

function report(e: unknown, io: GenlIO): number {
  if (e instanceof UsageError) { io.stderr(`nlwire: ${e.message}\n`); return 2; }
  if (e instanceof NetlinkError) {
    // The kernel CLI's first line (strerror of the netlink errno), then nlwire's detail.
    io.stderr(`Netlink error: ${errnoText(-e.errno)}\nError: ${e.message}\n`);
    return 1;
  }
  if (e instanceof YnlSpecError) { io.stderr(`nlwire: bad spec: ${e.message}\n`); return 1; }
  const err = e as { message?: string };
  io.stderr(`nlwire: ${err?.message ?? String(e)}\n`);
  return 1;
}
