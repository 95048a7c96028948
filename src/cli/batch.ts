// nlwire -batch FILE | -batch - [-force]: ip -batch's file format and semantics. Each line is one
// command (OBJECT COMMAND ARGS, as on the command line), run by the same command code on one
// shared Rtnl. As ip does: empty lines and '#' comments are skipped; a failing line prints its
// error and `Command failed FILE:LINE`; without -force the batch stops there, with -force it goes
// on; the exit status is 1 if any line failed.
//
// Without -force, lines run one after the other (a later line is never sent before an earlier
// one is answered, so stopping means what it says). With -force, the order of outcomes does not
// change what runs, so up to FORCE_IN_FLIGHT lines are in flight at once and the socket packs
// their requests under its flow control.
import { readFileSync } from 'node:fs';
import { Rtnl } from '../rtnl/rtnl.js';
import type { CliContext } from './context.js';
import { UsageError } from './io.js';

export const BATCH_HELP = `Usage: nlwire [OPTIONS] -batch FILE [-force]
       nlwire [OPTIONS] -batch - [-force]     (commands from standard input)

Runs one command per line (as 'ip -batch' does): OBJECT COMMAND [ARGS], e.g.
  route add 10.1.0.0/16 via 192.0.2.1
  addr add 192.0.2.10/24 dev eth0
Empty lines and # comments are skipped. Without -force the first failing line stops the batch;
with -force every line runs. Exit status 1 if any line failed.
`;

const FORCE_IN_FLIGHT = 512;

/** Runs one command line (an argv without global options) with the batch's context. */
export type BatchDispatch = (argv: string[], ctx: CliContext) => Promise<number>;

/** Splits a batch line into words as ip's makeargs does: blanks separate, quotes group, # comments. */
export function batchWords(line: string): string[] {
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
  const runLine = async (no: number): Promise<boolean> => {
    let code: number;
    try {
      const argv = batchWords(lines[no]!);
      if (argv.length === 0) return true;
      code = await dispatch(argv, lineCtx);
    } catch (e) {
      code = report(e);
    }
    if (code === 0) return true;
    ctx.io.stderr(`Command failed ${file}:${no + 1}\n`);
    status = 1;
    return false;
  };
  if (!force) {
    for (let no = 0; no < lines.length; no++) if (!(await runLine(no))) break;
    return status;
  }
  // -force: a window of lines in flight; their messages print as their outcomes arrive.
  let next = 0;
  const worker = async (): Promise<void> => { while (next < lines.length) await runLine(next++); };
  await Promise.all(Array.from({ length: Math.min(FORCE_IN_FLIGHT, lines.length) }, worker));
  return status;
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
