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
import { ipv4At, ROUTE_CHANGE_WIRE, RouteWire, type RouteChangeOp } from '../rtnl/route-wire.js';
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
  // Lines are split only when a line needs the command code; bulk route lines are read in place.
  let lines: string[] | undefined;
  const lineAt = (n: number): string => (lines ??= text.split('\n'))[n]!;
  const lineCount = (): number => (lines ??= text.split('\n')).length;
  /** Where line `no` starts in text, walking on from the last line asked for. */
  let cursorNo = 0, cursorPos = 0;
  const startOf = (n: number): number => {
    if (n < cursorNo) { cursorNo = 0; cursorPos = 0; }
    while (cursorNo < n) { const eol = text.indexOf('\n', cursorPos); cursorPos = eol < 0 ? text.length + 1 : eol + 1; cursorNo++; }
    return cursorPos;
  };
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
  // Lines go in runs: bulk route lines (read in place into one reused message, sent many per
  // datagram), other route changes the batch API takes, and the rest (run by the command code,
  // as on the command line).
  const wire = new RouteWire();
  const quickLines = new Int32Array(CHUNK);
  let no = 0;
  while (startOf(no) < text.length) {
    if (ctx.family !== 6 && quickRouteWire(text, startOf(no), lineEnd(text, startOf(no)), wire)) {
      // A run of bulk lines: the generator reads each when the socket takes it.
      let count = 0;
      function* run(): Generator<RouteWire> {
        while (count < CHUNK) {
          const start = startOf(no);
          if (start >= text.length) return;
          const end = lineEnd(text, start);
          if (!quickRouteWire(text, start, end, wire)) {
            if (!blankLine(text, start, end)) return;
            no++;
            continue;
          }
          quickLines[count++] = no++;
          yield wire;
        }
      }
      const r = await rt.socket.batch(run(), force ? { onError: 'continue' } : { onError: 'stop', perDatagram: 1 });
      for (const f of r.failed) failed(quickLines[f.index]!, f.error);
      if (r.failed.length && !force) return status;
      continue;
    }
    const changes: RtChange[] = [];
    const lineOf: number[] = [];
    /** The line that ends the run: not a route change, or one that does not parse (its error). */
    let other: { no: number; argv: string[]; error?: unknown } | undefined;
    // A run is sent in chunks, so its change objects die young (no heap growth with the file).
    for (; no < lineCount() && changes.length < CHUNK; no++) {
      // A bulk line starts a run of its own.
      if (changes.length && ctx.family !== 6 && quickRouteWire(text, startOf(no), lineEnd(text, startOf(no)), wire)) break;
      try {
        const argv = batchWords(lineAt(no));
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
    for (no = other.no + 1; no < lineCount() && run.length < 100_000; no++) {
      let argv: string[];
      try { argv = batchWords(lineAt(no)); } catch { break; }
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

/** The end of the line starting at `start` (its '\n', or the text's end). */
function lineEnd(text: string, start: number): number {
  const eol = text.indexOf('\n', start);
  return eol < 0 ? text.length : eol;
}
/** A line of blanks only (ip skips it). */
function blankLine(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) { const c = text.charCodeAt(i); if (c !== 32 && c !== 9 && c !== 13) return false; }
  return true;
}

const tokenStart = new Int32Array(6);
const tokenEnd = new Int32Array(6);
const ROUTE_VERB_TABLE = OBJECT_VERBS.route!;

/** firstMatch() of text[start, end) in the route verbs, without making the word a string. */
function routeVerbAt(text: string, start: number, end: number): Verb | undefined {
  const len = end - start;
  for (const [k, v, exact] of ROUTE_VERB_TABLE) {
    if (exact ? len !== k.length : len === 0 || len > k.length) continue;
    let i = 0;
    while (i < len && text.charCodeAt(start + i) === k.charCodeAt(i)) i++;
    if (i === len) return v;
  }
  return undefined;
}

/**
 * The bulk line `route VERB A.B.C.D[/LEN] [via E.F.G.H]` (plain words, IPv4, one- or two-digit
 * decimal length), read in place from text[start, end) into `wire`: the message parseRoute and
 * Rtnl would make of it, without strings, word arrays or objects. False for any other line
 * (the command code reads those, with ip's own reading of octal, hex and short forms).
 */
export function quickRouteWire(text: string, start: number, end: number, wire: RouteWire): boolean {
  let n = 0, tok = -1;
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 32;
    if (c === 34 || c === 39 || c === 35 || c === 92) return false;
    if (c === 32 || c === 9 || c === 13) {
      if (tok >= 0) {
        if (n === 5) return false;
        tokenStart[n] = tok; tokenEnd[n++] = i; tok = -1;
      }
    } else if (tok < 0) tok = i;
  }
  if (n !== 3 && n !== 5) return false;
  const objLen = tokenEnd[0]! - tokenStart[0]!;
  if (objLen > 5) return false;
  for (let k = 0; k < objLen; k++) if (text.charCodeAt(tokenStart[0]! + k) !== 'route'.charCodeAt(k)) return false;
  const verb = routeVerbAt(text, tokenStart[1]!, tokenEnd[1]!);
  const op = verb && ROUTE_VERBS[verb];
  if (!op) return false;
  const [type, flags] = ROUTE_CHANGE_WIRE[op];
  // The destination: A.B.C.D or A.B.C.D/LEN.
  const ds = tokenStart[2]!, de = tokenEnd[2]!;
  let slash = -1;
  for (let i = ds; i < de; i++) if (text.charCodeAt(i) === 47) { slash = i; break; }
  const dst = ipv4At(text, ds, slash < 0 ? de : slash);
  if (dst < 0) return false;
  let dstLen = 32;
  if (slash >= 0) {
    const digits = de - slash - 1;
    if (digits < 1 || digits > 2 || (digits === 2 && text.charCodeAt(slash + 1) === 48)) return false;
    dstLen = 0;
    for (let i = slash + 1; i < de; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return false;
      dstLen = dstLen * 10 + c - 48;
    }
    if (dstLen > 32) return false;
  }
  let gateway = -1;
  if (n === 5) {
    if (tokenEnd[3]! - tokenStart[3]! !== 3 || !text.startsWith('via', tokenStart[3]!)) return false;
    gateway = ipv4At(text, tokenStart[4]!, tokenEnd[4]!);
    if (gateway < 0) return false;
  }
  wire.set(type, flags, op === 'deleteRoute', dst, dstLen, gateway, -1, -1, RT_TABLE_MAIN, -1);
  return true;
}
const RT_TABLE_MAIN = 254;

const ROUTE_VERBS: Partial<Record<Verb, RouteChangeOp>> = { add: 'addRoute', replace: 'replaceRoute', change: 'changeRoute', prepend: 'prependRoute', append: 'appendRoute', delete: 'deleteRoute' };

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
