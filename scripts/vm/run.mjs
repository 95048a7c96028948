// `npm run test:vm`: runs test/vm/*.test.ts inside a Debian guest kernel booted ONCE under qemu
// (TCG: the CI host offers no nested virtualisation), for what the host kernel cannot do: load
// modules (the echo module, dummy, bond, wireguard, crypto_user, xfrm ESP/AH, nlmon...).
// The tests are bundled to JS first (tsx is far too slow in the emulated guest). The guest mounts
// the host's / read-only, so it runs this checkout, node and ip as they are here. It ends with
// "N passed, N failed"; it fails with the reason when it cannot run (no qemu, no guest kernel,
// boot or run timeout), with what the guest printed.  Usage: node scripts/vm/run.mjs [PATTERN]
// (PATTERN selects test/vm files by name). NLWIRE_VM_RUN='shell words' runs that in the guest's
// checkout instead of the tests (for trying things out; its exit status is the result).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// Inside the checkout (not node_modules) so that bundled examples resolve `nlwire` to dist/.
const cache = join(repo, 'build/vm');
const pattern = new RegExp(process.argv[2] ?? '\\.test\\.ts$');
const bootTimeoutS = Number(process.env.NLWIRE_VM_BOOT_TIMEOUT ?? 240);
const runTimeoutS = Number(process.env.NLWIRE_VM_TIMEOUT ?? 900);
const script = process.env.NLWIRE_VM_RUN;

function fail(reason) {
  console.error(`test:vm cannot run: ${reason}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
function step(what, cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) fail(`${what}: ${r.error.message}`);
  if (r.status !== 0) fail(`${what} failed (exit ${r.status})`);
}

const qemu = spawnSync('qemu-system-x86_64', ['--version']);
if (qemu.error || qemu.status !== 0) fail('qemu-system-x86_64 not found: apt-get install qemu-system-x86');
if (!existsSync(join(repo, 'dist/cli.js'))) fail('dist/ is not built: npm run build');
// The guest runs dist/cli.js: refuse to test a build older than the sources.
const newest = (dir) => Math.max(0, ...readdirSync(dir, { recursive: true }).map((f) => statSync(join(dir, String(f))).mtimeMs));
if (newest(join(repo, 'src')) > statSync(join(repo, 'dist/cli.js')).mtimeMs) fail('dist/ is older than src/: npm run build');
mkdirSync(cache, { recursive: true });

// 1. The guest kernel (uncompressed) and the initramfs.
step('building the guest kernel image and initramfs', 'bash', [join(repo, 'scripts/vm/build-guest.sh'), cache]);
const kver = readFileSync(join(cache, 'stamp'), 'utf8').split(' ')[0];

// 2. The echo module, against the guest kernel's headers (built here: a compiler in TCG is slow).
const kdir = `/usr/src/linux-headers-${kver}`;
if (!existsSync(kdir)) fail(`no headers for the guest kernel ${kver}: apt-get install linux-headers-amd64`);
const modDir = join(cache, 'module');
rmSync(modDir, { recursive: true, force: true });
mkdirSync(modDir, { recursive: true });
for (const f of ['nlwire_echo.c', 'Kbuild']) step('copying the module source', 'cp', [join(repo, 'examples/kernel-module', f), modDir]);
step('building examples/kernel-module', 'make', ['-s', '-C', kdir, `M=${modDir}`, 'modules']);

// 3. The tests, bundled to JS (packages stay external and resolve from this checkout).
const testDir = join(repo, 'test/vm');
const sources = readdirSync(testDir).filter((f) => pattern.test(f)).sort();
if (sources.length === 0 && script === undefined) fail(`no test files in test/vm matching ${pattern}`);
const outDir = join(cache, 'tests');
rmSync(outDir, { recursive: true, force: true });
if (sources.length) step('bundling the VM tests', join(repo, 'node_modules/.bin/esbuild'), [
  ...sources.map((f) => join(testDir, f)), '--bundle', '--platform=node', '--format=esm', '--target=node20',
  '--packages=external', `--outdir=${outDir}`, '--out-extension:.js=.mjs', '--log-level=warning',
]);
// The example programs the tests run, bundled the same way (they import `nlwire`, i.e. dist/).
step('bundling the examples', join(repo, 'node_modules/.bin/esbuild'), [
  join(repo, 'examples/06-echo-client.ts'), '--bundle', '--platform=node', '--format=esm', '--target=node20',
  '--packages=external', `--outdir=${join(cache, 'examples')}`, '--out-extension:.js=.mjs', '--log-level=warning',
]);

// 4. Boot once and run them all.
const results = join(cache, 'results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const env = {
  NLWIRE_REPO: repo,
  NLWIRE_VM_DIR: cache,
};
const cmdline = ['console=ttyS0', 'quiet', 'loglevel=3', 'tsc=reliable', 'panic=-1', 'rdinit=/init',
  ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
// What the guest runs (its init runs /nlwire-results/run.sh in the checkout).
const inner = script ?? `node scripts/run-tests.mjs '${outDir}' '\\.test\\.mjs$'`;
writeFileSync(join(results, 'run.sh'), `set -o pipefail\n{ ${inner}\n} 2>&1 | tee /nlwire-results/output.log\n`);

const started = Date.now();
const args = [
  '-accel', 'tcg,thread=multi', '-machine', 'pc', '-cpu', 'qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt',
  '-smp', '2', '-m', '2048', '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-no-reboot',
  '-kernel', join(cache, 'vmlinux'), '-initrd', join(cache, 'initramfs.cpio.gz'),
  '-append', cmdline.join(' '),
  '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
  '-virtfs', `local,path=${results},mount_tag=results,security_model=none`,
  '-nic', 'none',
];
const vm = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'inherit'] });
let booted = false;
let reason = '';
let tail = '';
let consoleLog = ''; // what the guest printed, for the failure message
vm.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-200);
  consoleLog = (consoleLog + chunk.toString()).slice(-20000);
  if (!booted && tail.includes('nlwire-vm: guest up')) {
    booted = true;
    console.log(`[test:vm] guest up after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
});
const bootTimer = setTimeout(() => {
  if (!booted) { reason = `the guest did not come up within ${bootTimeoutS} s`; vm.kill('SIGKILL'); }
}, bootTimeoutS * 1000);
const runTimer = setTimeout(() => { reason = `the guest run exceeded ${runTimeoutS} s`; vm.kill('SIGKILL'); }, runTimeoutS * 1000);
vm.on('exit', (code, signal) => {
  clearTimeout(bootTimer);
  clearTimeout(runTimer);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const output = existsSync(join(results, 'output.log')) ? readFileSync(join(results, 'output.log'), 'utf8') : '';
  const closing = /(\d+) passed, (\d+) failed/.exec(output.split('\n').filter((l) => /passed, \d+ failed/.test(l)).pop() ?? '');
  const rc = existsSync(join(results, 'rc')) ? Number(readFileSync(join(results, 'rc'), 'utf8')) : NaN;
  if (script !== undefined && !reason) {
    console.log(`[test:vm] NLWIRE_VM_RUN exited ${rc}, qemu ran ${secs} s`);
    process.exit(rc === 0 ? 0 : 1);
  }
  if (!reason && !closing) {
    reason = `the guest produced no test summary (qemu exit ${code ?? signal}, ` +
      `${Number.isNaN(rc) ? 'no exit status recorded: the guest never finished its run' : `run.sh exit ${rc}`}, ` +
      `${booted ? 'booted' : 'never reported "guest up"'}, output.log ${output ? `${output.length} bytes` : 'absent'})`;
  }
  if (reason) {
    const said = (output || consoleLog).trimEnd().split('\n').slice(-40).join('\n  ');
    console.error(`test:vm failed: ${reason}\nthe guest's last lines (of ${output ? 'output.log' : 'its console'}):\n  ${said || '(nothing)'}`);
    console.log(`\n${closing ? closing[1] : 0} passed, ${closing ? Number(closing[2]) + 1 : 1} failed`);
    process.exit(1);
  }
  console.log(`[test:vm] ${sources.length} files in the guest, qemu ran ${secs} s`);
  console.log(`\n${closing[1]} passed, ${closing[2]} failed`);
  process.exit(rc === 0 && Number(closing[2]) === 0 && Number(closing[1]) > 0 ? 0 : 1);
});
