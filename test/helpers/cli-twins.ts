// nlwire and ip run side by side on a namespace, for the tests that compare them byte for byte.
import { spawnSync } from 'node:child_process';
import { run } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

export interface Out { code: number; out: string; err: string }

/** The CLI in process, in namespace `ns`, its output collected. */
export async function nlwire(ns: string, args: string[]): Promise<Out> {
  let out = '', err = '';
  const io: CliIO = { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, readStdin: async () => new Uint8Array() };
  const code = await run(['-n', ns, ...args], io);
  return { code, out, err };
}

/** ip's output with the program named as nlwire names itself (usage lines, `try "ip ..."`). */
export function ip(ns: string, args: string[]): Out {
  const r = spawnSync('ip', ['-n', ns, ...args], { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.replace(/^(Usage:)?([ \t]*)ip (?=[[a-z])/gm, '$1$2nlwire ').replace(/"ip /g, '"nlwire ') };
}

/** nlwire may add a "Did you mean" line to ip's message, nothing else. */
export const sameErr = (ours: string, theirs: string): boolean =>
  ours === theirs || (ours.startsWith(theirs) && /^Did you mean "[^"]+"\?\n$/.test(ours.slice(theirs.length)));
