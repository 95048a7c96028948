// Shared by the tests that run inside the test VM (scripts/vm/run.mjs boots it). Outside the VM
// they fail with the reason: they need a kernel that loads modules, which the host may not be.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The directory scripts/vm/run.mjs prepared (module, bundled examples); throws outside the VM. */
export function vmDir(): string {
  const dir = process.env.NLWIRE_VM_DIR;
  if (!dir) throw new Error('this test runs only inside the test VM: npm run test:vm');
  return dir;
}

/** Runs a command, returns stdout; throws with its stderr when it fails. */
export function sh(cmd: string, ...args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${err.stderr?.trim() || err.message}`);
  }
}

/** `cmd args` as JSON. */
export function shJson<T = unknown>(cmd: string, ...args: string[]): T {
  return JSON.parse(sh(cmd, ...args) || '[]') as T;
}

/** Runs a bundled example (build/vm/examples/NAME.mjs) with node; returns status and output. */
export function runExample(name: string, ...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(vmDir(), 'examples', `${name}.mjs`), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the built CLI (dist/cli.js) with node; throws with stderr when it fails. */
export function nlwire(...args: string[]): string {
  return sh(process.execPath, 'dist/cli.js', ...args);
}

/** Loads a module of the guest kernel (modprobe), failing with the reason. */
export function modprobe(...mods: string[]): void {
  for (const m of mods) sh('modprobe', m);
}
