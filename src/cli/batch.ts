// nlwire -batch FILE | -batch - [-force]: ip -batch's file format and semantics. Each line is one
// command (OBJECT COMMAND ARGS, as on the command line), run by the same command code on one
// shared Rtnl. As ip does: empty lines and '#' comments are skipped; a failing line prints its
// error and `Command failed FILE:LINE`; without -force the batch stops there, with -force it goes
// on; the exit status is 1 if any line failed.
//
// Route changes (`route add ...`, the bulk of real batches) go through Rtnl.batch: with -force
// many per datagram; without, one per datagram, each sent after the previous one is answered (so
// stopping means what it says). Other lines run through the command code: one after the other,
// or with -force up to FORCE_IN_FLIGHT at once (the socket packs their requests under its flow
// control).
import { readFileSync } from 'node:fs';
import { Rtnl, type RtChange } from '../rtnl/rtnl.js';
import { ipv4At } from '../rtnl/route-wire.js';
import type { CliContext } from './context.js';
import { parseRoute } from './ip-change.js';
import { IpExit, UsageError } from './io.js';
import { firstMatch, matches, OBJECT_VERBS, Words, type Verb } from './ip-words.js';

export const BATCH_HELP = `Usage: nlwire [OPTIONS] -batch FILE [-force]
       nlwire [OPTIONS] -batch - [-force]     (commands from standard input)

Runs one command per line (as 'ip -batch' does): OBJECT COMMAND [ARGS], e.g.
  route add 10.1.0.0/16 via 192.0.2.1
  addr add 192.0.2.10/24 dev eth0
Empty lines and # comments are skipped. Without -force the first failing line stops the batch;
with -force every line runs. Exit status 1 if any line failed.
`;

const FORCE_IN_FLIGHT = 512;
/** Route changes handed to Rtnl.batch at a time. */
const CHUNK = 16384;

/** Runs one command line (an argv without global options) with the batch's context. */
export type BatchDispatch = (argv: string[], ctx: CliContext) => Promise<number>;

/** Splits a batch line into words as ip's makeargs does: blanks separate, quotes group, # comments. */
export function batchWords(line: string): string[] {
  // The common line (blanks and plain words only) is cut with slices.
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line.charCodeAt(i) : 32;
    if (c === 34 || c === 39 || c === 35 || c === 92) return quotedWords(line);
    if (c === 32 || c === 9 || c === 13 || c === 10) {
      if (start >= 0) { words.push(line.slice(start, i)); start = -1; }
    } else if (start < 0) start = i;
  }
  return words;
}

/** batchWords for lines with quotes, escapes or comments. */
function quotedWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined; else cur += c;
      continue;
    }
    if (c === '"' || c === "'") { quote = c; inWord = true; continue; }
    if (c === '#') break;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inWord) { words.push(cur); cur = ''; inWord = false; }
      continue;
    }
    if (c === '\\' && i + 1 < line.length) { cur += line[++i]; inWord = true; continue; }
    cur += c; inWord = true;
  }
  if (quote) throw new UsageError('unterminated quoted string');
  if (inWord) words.push(cur);
  return words;
}

export async function batchCommand(
  file: string, force: boolean, ctx: CliContext, dispatch: BatchDispatch, report: (e: unknown) => number,
): Promise<number> {
  const text = file === '-' ? new TextDecoder().decode(await ctx.io.readStdin()) : readFile(file);
  const lines = text.split('\n');
  using rt = Rtnl.open({ ...(ctx.netns ? { netns: ctx.netns } : {}), ...(ctx.capture ? { capture: ctx.capture } : {}) });
  const lineCtx: CliContext = { ...ctx, rtnl: rt };
  let status = 0;
  /** Set by a line whose error ends ip itself (exit() in ip): the batch's exit status. */
  let exited: number | undefined;
  const failed = (no: number, e: unknown): void => {
    if (endsBatch(e)) { if (exited === undefined) { report(e); exited = e.code; } return; }
    report(e);
    ctx.io.stderr(`Command failed ${file}:${no + 1}\n`);
    status = 1;
  };
  const runLine = async (no: number, argv: string[]): Promise<boolean> => {
    if (exited !== undefined) return false;
    let code: number;
    try {
      code = await dispatch(argv, lineCtx);
    } catch (e) {
      if (endsBatch(e)) { failed(no, e); return false; }
      code = report(e);
    }
    if (code === 0) return true;
    ctx.io.stderr(`Command failed ${file}:${no + 1}\n`);
    status = 1;
    return false;
  };
  // Lines go in runs: route changes the batch API takes (sent many per datagram), and the
  // others (run by the command code, as on the command line).
  let no = 0;
  while (no < lines.length) {
    const changes: RtChange[] = [];
    const lineOf: number[] = [];
    /** The line that ends the run: not a route change, or one that does not parse (its error). */
    let other: { no: number; argv: string[]; error?: unknown } | undefined;
    // A run is sent in chunks, so its change objects die young (no heap growth with the file).
    for (; no < lines.length && changes.length < CHUNK; no++) {
      try {
        const quick = ctx.family === 6 ? undefined : quickRoute(lines[no]!);
        if (quick) { changes.push(quick); lineOf.push(no); continue; }
        const argv = batchWords(lines[no]!);
        if (argv.length === 0) continue;
        const change = routeChange(argv, ctx);
        if (!change) { other = { no, argv }; break; }
        changes.push(change);
        lineOf.push(no);
      } catch (e) {
        // The line does not parse: it fails as it would on the command line.
        other = { no, argv: [], error: e };
        break;
      }
    }
    if (changes.length) {
      // Without -force one change per datagram, each sent after the previous one is answered:
      // after a failure nothing more is applied, as with ip.
      const r = await rt.batch(changes, force ? { onError: 'continue' } : { onError: 'stop', perDatagram: 1 });
      for (const f of r.failed) failed(lineOf[f.index]!, f.error);
      if (r.failed.length && !force) return status;
    }
    if (!other) continue; // a full chunk, or the end
    if (other.error !== undefined) {
      failed(other.no, other.error);
      if (exited !== undefined) return exited;
      if (!force) return status;
      no = other.no + 1;
      continue;
    }
    if (!force) {
      if (!(await runLine(other.no, other.argv))) return exited ?? status;
      no = other.no + 1;
      continue;
    }
    // -force: the following lines the fast path does not take run a window at a time; their
    // messages print as their outcomes arrive.
    const run: Array<{ no: number; argv: string[] }> = [other];
    for (no = other.no + 1; no < lines.length && run.length < 100_000; no++) {
      let argv: string[];
      try { argv = batchWords(lines[no]!); } catch { break; }
      if (argv.length === 0) continue;
      let fast: RtChange | undefined;
      try { fast = routeChange(argv, ctx); } catch { fast = undefined; }
      if (fast) break;
      run.push({ no, argv });
    }
    let next = 0;
    const worker = async (): Promise<void> => { while (next < run.length && exited === undefined) { const l = run[next++]!; await runLine(l.no, l.argv); } };
    await Promise.all(Array.from({ length: Math.min(FORCE_IN_FLIGHT, run.length) }, worker));
    if (exited !== undefined) return exited;
  }
  return status;
}

/**
 * Errors that end ip itself, -force or not (its argument parsers call exit(): a bad prefix,
 * an unknown verb, garbage), with their exit status and no "Command failed" line. A missing
 * device is a failed command in ip (nodev() returns), so the batch goes on after it.
 */
function endsBatch(e: unknown): e is IpExit {
  return e instanceof IpExit && !e.text.startsWith('Cannot find device');
}

const tokenStart = new Int32Array(6);
const tokenEnd = new Int32Array(6);

/**
 * The bulk line `route VERB A.B.C.D[/LEN] [via E.F.G.H]` (plain words, IPv4) as a change, read
 * in place: what parseRoute makes of it, without its word arrays and objects. Undefined for
 * any other line (routeChange and the command code take those).
 */
export function quickRoute(line: string): RtChange | undefined {
  let n = 0, start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line.charCodeAt(i) : 32;
    if (c === 34 || c === 39 || c === 35 || c === 92) return undefined;
    if (c === 32 || c === 9 || c === 13 || c === 10) {
      if (start >= 0) {
        if (n === 6) return undefined;
        tokenStart[n] = start; tokenEnd[n++] = i; start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (n !== 3 && n !== 5) return undefined;
  const objLen = tokenEnd[0]! - tokenStart[0]!;
  if (objLen > 5) return undefined;
  for (let k = 0; k < objLen; k++) if (line.charCodeAt(tokenStart[0]! + k) !== 'route'.charCodeAt(k)) return undefined;
  const verb = firstMatch(line.slice(tokenStart[1]!, tokenEnd[1]!), OBJECT_VERBS.route!);
  const op = verb && ROUTE_VERBS[verb];
  if (!op) return undefined;
  const dst = line.slice(tokenStart[2]!, tokenEnd[2]!);
  if (!isIPv4Prefix(dst)) return undefined;
  if (n === 3) return { op, route: { dst } } as RtChange;
  if (tokenEnd[3]! - tokenStart[3]! !== 3 || !line.startsWith('via', tokenStart[3]!)) return undefined;
  const gateway = line.slice(tokenStart[4]!, tokenEnd[4]!);
  if (ipv4At(gateway, 0, gateway.length) < 0) return undefined;
  return { op, route: { dst, gateway } } as RtChange;
}

/** A.B.C.D or A.B.C.D/LEN (LEN 0-32, one or two decimal digits, no leading zero): read the same by ip and in place. */
function isIPv4Prefix(s: string): boolean {
  const slash = s.indexOf('/');
  if (ipv4At(s, 0, slash < 0 ? s.length : slash) < 0) return false;
  if (slash < 0) return true;
  const digits = s.length - slash - 1;
  if (digits < 1 || digits > 2 || (digits === 2 && s.charCodeAt(slash + 1) === 48)) return false;
  let len = 0;
  for (let i = slash + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    len = len * 10 + c - 48;
  }
  return len <= 32;
}

const ROUTE_VERBS: Partial<Record<Verb, RtChange['op']>> = { add: 'addRoute', replace: 'replaceRoute', change: 'replaceRoute', append: 'appendRoute', delete: 'deleteRoute' };

/**
 * A line the batch API can send: `route add|change|replace|append|delete ROUTE` naming no device
 * (ip checks device names with messages of their own). Undefined for any other line; throws
 * the command's own error when the route does not parse.
 */
export function routeChange(argv: string[], ctx: Pick<CliContext, 'family'>): RtChange | undefined {
  if (argv.length < 3 || !matches(argv[0]!, 'route') || argv.includes('help') || argv.includes('-h') || argv.includes('--help')) return undefined;
  const verb = firstMatch(argv[1]!, OBJECT_VERBS.route!);
  const op = verb && ROUTE_VERBS[verb];
  if (!op) return undefined;
  const { spec, refs } = parseRoute(new Words(argv.slice(2)), ctx.family);
  if (refs.length) return undefined;
  return { op, route: spec } as RtChange;
}

function readFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    // As ip: `Cannot open file "X" for reading: ...`, exit status 1.
    const err = e as { code?: string };
    throw Object.assign(new Error(`Cannot open file "${file}" for reading: ${err.code ?? String(e)}`), { code: err.code ?? 'EIO' });
  }
}
