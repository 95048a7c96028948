// Scratch network namespaces for tests. As root they are made with `ip netns add`; otherwise the
// test runner re-executes everything under `unshare --user --map-root-user --net --mount`, where
// the same commands work. A test that cannot get a namespace fails with the reason; it never
// passes silently.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

let counter = 0;

export class TestNetns {
  readonly path: string;
  constructor(readonly name: string) {
    this.path = `/var/run/netns/${name}`;
  }
  /** Runs `ip -n NAME ARGS...`; throws with ip's stderr on failure. */
  ip(...args: string[]): string {
    return run('ip', ['-n', this.name, ...args]);
  }
  /** `ip -j -n NAME ARGS...` parsed. */
  ipJson<T = unknown>(...args: string[]): T {
    const out = run('ip', ['-j', '-n', this.name, ...args]);
    return JSON.parse(out || '[]') as T;
  }
  /** Feeds lines to `ip -n NAME -batch -` (fast bulk changes). */
  batch(lines: string[]): void {
    const r = spawnSync('ip', ['-n', this.name, '-batch', '-'], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`ip -batch failed: ${r.stderr}`);
  }
  /** Runs a command inside the namespace. */
  exec(cmd: string, args: string[] = [], input?: string): string {
    return run('ip', ['netns', 'exec', this.name, cmd, ...args], input);
  }
  delete(): void {
    spawnSync('ip', ['netns', 'del', this.name]);
  }
}

function run(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 28, ...(input !== undefined ? { input } : {}) });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${err.stderr?.trim() || err.message}`);
  }
}

/** Fails loudly (with what to do) when namespaces cannot be made here. */
export function requireNetnsSupport(): void {
  if (spawnSync('ip', ['-V']).status !== 0) throw new Error('iproute2 (`ip`) is required for kernel tests: apt-get install iproute2');
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) {
    throw new Error('kernel tests need root or a user namespace: run them through `npm test`, which re-executes ' +
      'under `unshare --user --map-root-user --net --mount` when not root');
  }
}

/** Creates a fresh namespace; remember to delete it (use withNetns for that). */
export function createNetns(tag = 't'): TestNetns {
  requireNetnsSupport();
  const name = `nlw-${tag}-${process.pid}-${++counter}`;
  run('ip', ['netns', 'add', name]);
  if (!existsSync(`/var/run/netns/${name}`)) throw new Error(`ip netns add ${name} did not create /var/run/netns/${name}`);
  const ns = new TestNetns(name);
  ns.ip('link', 'set', 'lo', 'up');
  return ns;
}

export async function withNetns<T>(tag: string, fn: (ns: TestNetns) => Promise<T> | T): Promise<T> {
  const ns = createNetns(tag);
  try {
    return await fn(ns);
  } finally {
    ns.delete();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `cond()` is true, polling; throws after `ms`. */
export async function waitFor(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
