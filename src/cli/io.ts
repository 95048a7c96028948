// What a CLI command needs from its surroundings (so tests can run commands in-process).
export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
  /** Reads all of standard input. */
  readStdin(): Promise<Uint8Array>;
}

/** A usage error: printed as `nlwire: MESSAGE` with exit status 2, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const processIO: CliIO = {
  stdout: (s) => { process.stdout.write(s); },
  stderr: (s) => { process.stderr.write(s); },
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  },
};
