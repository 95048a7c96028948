// What a CLI command needs from its surroundings (so tests can run commands in-process).
export interface CliIO {
  stdout(s: string): void;
  /** Bytes (UTF-8 text) for stdout, which it may keep (large output written without a string in between); stdout() when absent. */
  stdoutBytes?(b: Uint8Array): void;
  stderr(s: string): void;
  /** Reads all of standard input. */
  readStdin(): Promise<Uint8Array>;
}

/** A usage error: printed as `nlwire: MESSAGE` with exit status 255 (ip's usage exit), never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An exit exactly as ip makes it: `text` goes to stderr verbatim, the process exits with `code`. */
export class IpExit extends Error {
  override readonly name = 'IpExit';
  constructor(readonly text: string, readonly code: number) {
    super(text.trim());
  }
}

/**
 * A closed standard output (`nlwire ... | head`) ends the command quietly, as a C tool killed by
 * SIGPIPE does: handled here, once, for every command.
 */
function exitOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
let pipesWatched = false;
function write(stream: NodeJS.WriteStream, s: string | Uint8Array): void {
  if (!pipesWatched) { pipesWatched = true; exitOnClosedPipe(process.stdout); exitOnClosedPipe(process.stderr); }
  stream.write(s);
}

export const processIO: CliIO = {
  stdout: (s) => write(process.stdout, s),
  stdoutBytes: (b) => write(process.stdout, b),
  stderr: (s) => write(process.stderr, s),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  },
};
