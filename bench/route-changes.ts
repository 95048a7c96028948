// Bulk route changes (issue 11): nlwire's batch against `ip -batch` of the same commands, and the
// resources (fds, RSS) of many requests.
//
//   npm run bench:changes -- --routes 100000,1000000 --runs 5 [--variants ip,api,cli,cli-noforce,floor]
//   npm run bench:changes -- --resources 100000 [--wave 10000] [--max-rss-growth 16]
//
// Each run adds N /32 routes via a gateway to a fresh namespace (a veth with 10.0.0.1/24), made
// and removed by the bench; every variant is a process of its own:
//   ip -batch               `ip -n NS -batch FILE`, FILE holding `route add A/32 via 10.0.0.2` lines
//   nlwire API              Rtnl.batch() of the same changes from the built package (dist/): timed
//                           inside the process from Rtnl.open to the last ACK, the change objects
//                           built in the timing (node's start-up is not: an application pays it once)
//   nlwire -batch -force    `node dist/cli.js -n NS -batch FILE -force` (whole process, start-up included)
//   nlwire -batch           the same without -force: one change per datagram, as ip (whole process)
//   C floor                 raw netlink from C, 52 routes per datagram, one ACK per datagram (bench/route-floor.c;
//                           needs cc): what the kernel costs, the best any user-space tool can do
// Variants rotate within a run; times are medians (wall, and CPU = user + system where GNU time
// is installed; the API's CPU is its timed region's); every variant's kernel state is checked.
// One JSON line per size and variant, then `BENCH_JSON {...}` with all of them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Rtnl } from '../src/rtnl/rtnl.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const v4 = (i: number): string => `${20 + (i >> 24)}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', maxBuffer: 1 << 30 });

const namespaces = new Set<string>();
let nsCounter = 0;
function freshNetns(): string {
  const name = `nlw-bench-chg-${process.pid}-${++nsCounter}`;
  ip('netns', 'add', name);
  namespaces.add(name);
  ip('-n', name, 'link', 'set', 'lo', 'up');
  ip('-n', name, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd0p');
  ip('-n', name, 'link', 'set', 'd0', 'up');
  ip('-n', name, 'link', 'set', 'd0p', 'up');
  ip('-n', name, 'addr', 'add', '10.0.0.1/24', 'dev', 'd0');
  return name;
}
function removeNetns(ns: string): void {
  // Deleting the device first flushes its routes now, not in the kernel's deferred namespace
  // cleanup, which would otherwise run during the next variant's timing.
  try { ip('-n', ns, 'link', 'del', 'd0'); } catch { /* gone already */ }
  ip('netns', 'del', ns);
  namespaces.delete(ns);
}
const cleanup = (): void => { for (const ns of [...namespaces]) try { removeNetns(ns); } catch { /* best effort */ } };
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { cleanup(); process.exit(130); });

function routeCount(ns: string): number {
  // Counting lines is cheaper than -j for 1M routes.
  return ip('-n', ns, 'route', 'show', 'proto', 'boot').split('\n').filter((l) => l.startsWith('2')).length;
}

/** The API variant's process: the built package, timed inside. */
const API_CHILD = `
const { Rtnl } = await import(process.argv[1]);
const ns = process.argv[2], n = Number(process.argv[3]);
const v4 = (i) => \`\${20 + (i >> 24)}.\${(i >> 16) & 255}.\${(i >> 8) & 255}.\${i & 255}\`;
const t0 = performance.now();
const c0 = process.cpuUsage();
const rt = Rtnl.open({ netns: ns });
const changes = new Array(n);
for (let i = 0; i < n; i++) changes[i] = { op: 'addRoute', route: { dst: \`\${v4(i)}/32\`, gateway: '10.0.0.2' } };
const r = await rt.batch(changes, { onError: 'continue' });
rt.close();
const s = (performance.now() - t0) / 1000;
const c = process.cpuUsage(c0);
if (r.ok !== n) { console.error(\`\${r.ok} of \${n} ok: \${r.failed[0]?.error.message}\`); process.exit(1); }
console.log(JSON.stringify({ s, cpu: (c.user + c.system) / 1e6 }));
`;

// CPU seconds (user + system) of a whole process come from GNU time where it is installed: on a
// shared machine they vary far less than wall time.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
function processRun(cmd: string, args: string[]): { s: number; cpu?: number; stdout: string } {
  const t0 = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', 'NLW_CPU %U %S', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const m = /NLW_CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { s, ...(m ? { cpu: Number(m[1]) + Number(m[2]) } : {}), stdout: r.stdout };
}

type Variant = 'ip -batch' | 'nlwire API' | 'nlwire -batch -force' | 'nlwire -batch' | 'C floor';
const VARIANT_KEYS: Record<string, Variant> = { ip: 'ip -batch', api: 'nlwire API', cli: 'nlwire -batch -force', 'cli-noforce': 'nlwire -batch', floor: 'C floor' };

function buildFloor(dir: string): string | undefined {
  const out = join(dir, 'route-floor');
  const r = spawnSync('cc', ['-O2', '-o', out, join(ROOT, 'bench', 'route-floor.c')], { encoding: 'utf8' });
  if (r.status !== 0) { console.error(`C floor skipped: cc failed: ${r.error?.message ?? r.stderr}`); return undefined; }
  return out;
}

async function changes(): Promise<void> {
  const sizes = arg('routes', '100000,1000000').split(',').map(Number);
  const runs = Number(arg('runs', '5'));
  const cli = join(ROOT, 'dist', 'cli.js');
  const route = join(ROOT, 'dist', 'route.js');
  if (!existsSync(cli) || !existsSync(route)) throw new Error('dist/ is not built: run node scripts/ensure-built.mjs first');
  const dir = mkdtempSync(join(tmpdir(), 'nlw-bench-'));
  const results: Array<Record<string, unknown>> = [];
  try {
    const floor = buildFloor(dir);
    const wanted = arg('variants', 'ip,api,cli,cli-noforce,floor').split(',').map((k) => {
      const v = VARIANT_KEYS[k];
      if (!v) throw new Error(`--variants: '${k}' is not one of ${Object.keys(VARIANT_KEYS).join(', ')}`);
      return v;
    }).filter((v) => v !== 'C floor' || floor);
    if (!wanted.includes('ip -batch')) wanted.unshift('ip -batch');
    for (const n of sizes) {
      const file = join(dir, `routes-${n}.batch`);
      const lines: string[] = [];
      for (let i = 0; i < n; i++) lines.push(`route add ${v4(i)}/32 via 10.0.0.2`);
      writeFileSync(file, lines.join('\n') + '\n');
      const times = new Map<Variant, number[]>(wanted.map((v) => [v, []]));
      const cpus = new Map<Variant, number[]>(wanted.map((v) => [v, []]));
      for (let run = 0; run < runs; run++) {
        // Rotate the order so no variant always runs first.
        for (let k = 0; k < wanted.length; k++) {
          const v = wanted[(run + k) % wanted.length]!;
          const ns = freshNetns();
          try {
            let t: { s: number; cpu?: number };
            if (v === 'ip -batch') t = processRun('ip', ['-n', ns, '-batch', file]);
            else if (v === 'nlwire -batch -force') t = processRun(process.execPath, [cli, '-n', ns, '-batch', file, '-force']);
            else if (v === 'nlwire -batch') t = processRun(process.execPath, [cli, '-n', ns, '-batch', file]);
            else if (v === 'C floor') t = processRun('ip', ['netns', 'exec', ns, floor!, String(n), '52']);
            else t = JSON.parse(processRun(process.execPath, ['--input-type=module', '-e', API_CHILD, pathToFileURL(route).href, ns, String(n)]).stdout) as { s: number; cpu: number };
            const got = routeCount(ns);
            if (got !== n) throw new Error(`${v}: the kernel holds ${got} of ${n} routes`);
            times.get(v)!.push(t.s);
            if (t.cpu !== undefined) cpus.get(v)!.push(t.cpu);
          } finally { removeNetns(ns); }
        }
      }
      const ipMedian = median(times.get('ip -batch')!);
      const ipCpu = cpus.get('ip -batch')!.length === runs ? median(cpus.get('ip -batch')!) : undefined;
      for (const v of wanted) {
        const m = median(times.get(v)!);
        const cpu = cpus.get(v)!.length === runs ? median(cpus.get(v)!) : undefined;
        const row = {
          bench: 'route-changes', routes: n, variant: v, runs, medianS: +m.toFixed(3), times: times.get(v)!.map((x) => +x.toFixed(3)), speedupVsIp: +(ipMedian / m).toFixed(2),
          ...(cpu !== undefined && ipCpu !== undefined ? { medianCpuS: +cpu.toFixed(3), cpuSpeedupVsIp: +(ipCpu / cpu).toFixed(2) } : {}),
        };
        results.push(row);
        console.log(JSON.stringify(row));
      }
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
  console.log(`BENCH_JSON ${JSON.stringify(results)}`);
}

/**
 * fds and RSS while `total` requests run on one Rtnl, `wave` at a time (concurrently), added
 * then deleted so the kernel state stays small. Flat means: the fd count never changes, and the
 * highest RSS of the second half of the waves is at most `--max-rss-growth` MiB (default 16)
 * above the highest of the first half (the heap reaches its working size in the first waves).
 */
async function resources(): Promise<void> {
  const total = Number(arg('resources', '100000'));
  const wave = Number(arg('wave', '10000'));
  const maxGrowth = Number(arg('max-rss-growth', '16'));
  const ns = freshNetns();
  const rt = Rtnl.open({ netns: ns });
  const fds = (): number => readdirSync('/proc/self/fd').length;
  const rssMiB = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
  const samples: Array<{ done: number; fds: number; rssMiB: number }> = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  try {
    for (let done = 0; done < total; done += wave) {
      const cidrs = Array.from({ length: wave / 2 }, (_, i) => `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`);
      await Promise.all(cidrs.map((c) => rt.addAddress('d0', c)));
      await Promise.all(cidrs.map((c) => rt.deleteAddress('d0', c)));
      gc?.();
      samples.push({ done: done + wave, fds: fds(), rssMiB: +rssMiB().toFixed(1) });
    }
  } finally { rt.close(); removeNetns(ns); }
  const half = Math.max(1, samples.length >> 1);
  const peak = (xs: typeof samples): number => Math.max(...xs.map((x) => x.rssMiB));
  const fdSet = new Set(samples.map((x) => x.fds));
  const rssGrowthMiB = +(peak(samples.slice(half)) - peak(samples.slice(0, half))).toFixed(1);
  const row = {
    bench: 'request-resources', requests: total, concurrency: wave / 2, gc: Boolean(gc), samples,
    fds: [...fdSet], rssGrowthMiB, flat: fdSet.size === 1 && rssGrowthMiB <= maxGrowth,
  };
  console.log(JSON.stringify(row));
  console.log(`BENCH_JSON ${JSON.stringify([row])}`);
  if (!row.flat) process.exitCode = 1;
}

if (process.argv.includes('--resources')) await resources();
else await changes();
