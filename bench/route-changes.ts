// Bulk route changes (issue 11): nlwire's batch against `ip -batch` of the same commands, and the
// resources (fds, RSS) of many concurrent requests.
//
//   npm run bench:changes -- --routes 100000,1000000 --runs 5
//   npm run bench:changes -- --resources 100000
//
// Each run adds N /32 routes via a gateway to a fresh namespace (a veth with 10.0.0.1/24):
//   ip -batch      `ip -n NS -batch FILE`, FILE holding `route add A/32 via 10.0.0.2` lines (whole process)
//   nlwire batch   Rtnl.batch() of the same changes, in this process (changes built in the timing)
//   nlwire -batch -force  `node dist/cli.js -n NS -batch FILE -force` (whole process, when dist/cli.js exists)
// Variants alternate within a run; times are medians. Prints one JSON object per line.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rtnl, type RtChange } from '../src/rtnl/rtnl.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const v4 = (i: number): string => `${20 + (i >> 24)}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', maxBuffer: 1 << 30 });

let nsCounter = 0;
function freshNetns(): string {
  const name = `nlw-bench-chg-${process.pid}-${++nsCounter}`;
  ip('netns', 'add', name);
  ip('-n', name, 'link', 'set', 'lo', 'up');
  ip('-n', name, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd0p');
  ip('-n', name, 'link', 'set', 'd0', 'up');
  ip('-n', name, 'link', 'set', 'd0p', 'up');
  ip('-n', name, 'addr', 'add', '10.0.0.1/24', 'dev', 'd0');
  return name;
}
function routeCount(ns: string): number {
  // Counting lines is cheaper than -j for 1M routes.
  return ip('-n', ns, 'route', 'show', 'proto', 'boot').split('\n').filter((l) => l.startsWith('2')).length;
}

async function nlwireBatch(ns: string, n: number): Promise<number> {
  const t0 = performance.now();
  const rt = Rtnl.open({ netns: ns });
  try {
    const changes: RtChange[] = new Array(n);
    for (let i = 0; i < n; i++) changes[i] = { op: 'addRoute', route: { dst: `${v4(i)}/32`, gateway: '10.0.0.2' } };
    const r = await rt.batch(changes, { onError: 'continue' });
    if (r.ok !== n) throw new Error(`nlwire batch: ${r.ok} of ${n} ok, first failure: ${r.failed[0]?.error.message}`);
  } finally { rt.close(); }
  return (performance.now() - t0) / 1000;
}

function processRun(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const t = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return t;
}

async function changes(): Promise<void> {
  const sizes = arg('routes', '100000,1000000').split(',').map(Number);
  const runs = Number(arg('runs', '5'));
  const cli = join(ROOT, 'dist', 'cli.js');
  const withCli = existsSync(cli) && arg('cli', 'yes') !== 'no';
  const dir = mkdtempSync(join(tmpdir(), 'nlw-bench-'));
  try {
    for (const n of sizes) {
      const file = join(dir, `routes-${n}.batch`);
      const lines: string[] = [];
      for (let i = 0; i < n; i++) lines.push(`route add ${v4(i)}/32 via 10.0.0.2`);
      writeFileSync(file, lines.join('\n') + '\n');
      const times: Record<string, number[]> = { 'ip -batch': [], 'nlwire batch': [], ...(withCli ? { 'nlwire -batch -force': [] } : {}) };
      const variants = Object.keys(times);
      for (let run = 0; run < runs; run++) {
        // Rotate the order so no variant always runs first.
        for (let k = 0; k < variants.length; k++) {
          const v = variants[(run + k) % variants.length]!;
          const ns = freshNetns();
          try {
            let t: number;
            if (v === 'ip -batch') t = processRun('ip', ['-n', ns, '-batch', file]);
            else if (v === 'nlwire -batch -force') t = processRun(process.execPath, [cli, '-n', ns, '-batch', file, '-force']);
            else t = await nlwireBatch(ns, n);
            const got = routeCount(ns);
            if (got !== n) throw new Error(`${v}: the kernel holds ${got} of ${n} routes`);
            times[v]!.push(t);
          } finally { ip('netns', 'del', ns); }
        }
      }
      const ipMedian = median(times['ip -batch']!);
      for (const v of variants) {
        const m = median(times[v]!);
        console.log(JSON.stringify({ bench: 'route-changes', routes: n, variant: v, runs, medianS: +m.toFixed(3), times: times[v]!.map((x) => +x.toFixed(3)), speedupVsIp: +(ipMedian / m).toFixed(2) }));
      }
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** fds and RSS while `total` concurrent requests run in waves on one Rtnl. */
async function resources(): Promise<void> {
  const total = Number(arg('resources', '100000'));
  const wave = 10_000;
  const ns = freshNetns();
  const rt = Rtnl.open({ netns: ns });
  const fds = (): number => readdirSync('/proc/self/fd').length;
  const rssMiB = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
  const samples: Array<{ done: number; fds: number; rssMiB: number }> = [];
  try {
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let done = 0; done < total; done += wave) {
      // Add then delete the same addresses: the kernel state stays small, the requests add up.
      const cidrs = Array.from({ length: wave / 2 }, (_, i) => `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`);
      await Promise.all(cidrs.map((c) => rt.addAddress('d0', c)));
      await Promise.all(cidrs.map((c) => rt.deleteAddress('d0', c)));
      gc?.();
      samples.push({ done: done + wave, fds: fds(), rssMiB: +rssMiB().toFixed(1) });
    }
  } finally { rt.close(); ip('netns', 'del', ns); }
  const first = samples[0]!, last = samples[samples.length - 1]!;
  console.log(JSON.stringify({ bench: 'request-resources', requests: total, concurrency: wave / 2, samples, fdGrowth: last.fds - first.fds, rssGrowthMiB: +(last.rssMiB - first.rssMiB).toFixed(1) }));
}

if (process.argv.includes('--resources')) await resources();
else await changes();
