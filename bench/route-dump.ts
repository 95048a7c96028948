// Route dump benchmark (issue 6): nlwire's fast route paths against the kernel floor and peers.
//
//   npm run bench:routes -- --routes 100000,1000000 --runs 5
//
// For each table size it fills one namespace (routes are added incrementally: 100k, then the
// rest up to 1M), with 2,000 veth links with addresses, then measures in the same run:
//   floor          bench/floor.c (cc -O2): raw netlink, 32 KiB reads, receive + header walk only
//   objects        dumpRoutes() -> RouteView[]
//   stream         streamRoutes() batches, counted
//   columns        routeColumns() (WASM extractor); columns-ts: the TS fallback
//   json           writeRoutesJson() into fs.writeSync(/dev/null) per chunk
//   (default)      plain-buffer variants use mode 'batch' (one pool job reads every ready chunk)
//   *-hybrid       the same with mode 'hybrid' (queued chunks read on the loop, then one pooled receive)
//   *-tp           the same with mode 'threadpool' (every recvmsg on the libuv pool)
//   ip -j          `ip -j route show > /dev/null` (whole process)
//   nlwire -j      `node dist/cli.js -j route show` (whole process, when dist/ exists)
//   json-proc      this file's json writer as a whole process (bundled, node startup included)
//   npm netlink    (when resolvable), pyroute2 (when importable by /usr/bin/python3)
//   links          link dump of the 2,000 veths: nlwire linkNames() vs floor
// In-process variants run in a child process each (bundled with esbuild, no tsx in the child),
// so peak RSS (VmHWM) is the variant's own. Ratios are to the floor of the same run.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface ChildResult {
  variant: string;
  times: number[];
  count: number;
  maxRssMiB: number;
  stallMs: number;
  bytesPerRoute?: number;
  note?: string;
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const best = (xs: number[]): number => Math.min(...xs);

// ---------------------------------------------------------------------------------------------
// child: one in-process variant, several runs

async function child(): Promise<void> {
  const variant = arg('child', '');
  const ns = arg('ns', '');
  const runs = Number(arg('runs', '5'));
  const fr = await import('../src/rtnl/fast-routes.js');
  let stall = 0;
  let last = performance.now();
  const iv = setInterval(() => { const t = performance.now(); stall = Math.max(stall, t - last); last = t; }, 1);
  const gc = (globalThis as { gc?: () => void }).gc;
  const times: number[] = [];
  let count = 0;
  let bytesPerRoute: number | undefined;
  let worstStall = 0;
  const devnull = openSync('/dev/null', 'w');
  for (let r = 0; r < runs; r++) {
    gc?.();
    await new Promise((res) => setTimeout(res, 20));
    const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    last = performance.now();
    stall = 0;
    const t0 = performance.now();
    let keep: unknown;
    const g = globalThis as { __benchKeep?: unknown };
    switch (variant) {
      case 'objects': { const a = await fr.dumpRoutes({ netns: ns, family: 'inet' }); count = a.length; keep = a; break; }
      case 'objects-hybrid': { const a = await fr.dumpRoutes({ netns: ns, family: 'inet', mode: 'hybrid' }); count = a.length; keep = a; break; }
      case 'stream-hybrid': { let n = 0; for await (const b of fr.streamRoutes({ netns: ns, family: 'inet', mode: 'hybrid' })) n += b.count; count = n; break; }
      case 'objects-tp': { const a = await fr.dumpRoutes({ netns: ns, family: 'inet', mode: 'threadpool' }); count = a.length; keep = a; break; }
      case 'stream-tp': { let n = 0; for await (const b of fr.streamRoutes({ netns: ns, family: 'inet', mode: 'threadpool' })) n += b.count; count = n; break; }
      case 'columns-tp': { const c = await fr.routeColumns({ netns: ns, family: 'inet', mode: 'threadpool' }); count = c.count; keep = c; break; }
      case 'stream': { let n = 0; for await (const b of fr.streamRoutes({ netns: ns, family: 'inet' })) n += b.count; count = n; break; }
      case 'columns': { const c = await fr.routeColumns({ netns: ns, family: 'inet' }); count = c.count; keep = c; break; }
      case 'columns-ts': { const c = await fr.routeColumns({ netns: ns, family: 'inet', engine: 'ts' }); count = c.count; keep = c; break; }
      case 'json': { let n = 0; await fr.writeRoutesJson({ netns: ns }, (s) => { n += s.length; writeSync(devnull, s); }); count = n; break; }
      case 'links': { const m = await fr.linkNames({ netns: ns }); count = m.size; break; }
      default: throw new Error(`unknown variant ${variant}`);
    }
    const t1 = performance.now();
    worstStall = Math.max(worstStall, stall);
    times.push((t1 - t0) / 1000);
    g.__benchKeep = keep; // keep the result reachable through the heap measurement
    if (variant.startsWith('objects') && gc && r === 0) { // later runs: the previous array may still be alive at heap0
      gc();
      const heap1 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      bytesPerRoute = Math.round((heap1 - heap0) / count);
    }
    g.__benchKeep = keep = undefined;
  }
  clearInterval(iv);
  closeSync(devnull);
  const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  const res: ChildResult = { variant, times, count, maxRssMiB: hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024, stallMs: worstStall };
  if (bytesPerRoute !== undefined) res.bytesPerRoute = bytesPerRoute;
  process.stdout.write(`CHILD ${JSON.stringify(res)}\n`);
}

/** `nlwire -j route show` stand-in: the json writer as a whole process (stdout). */
async function jsonProc(): Promise<void> {
  const fr = await import('../src/rtnl/fast-routes.js');
  let buf = '';
  await fr.writeRoutesJson({}, (s) => { buf += s; if (buf.length > 1 << 16) { writeSync(1, buf); buf = ''; } });
  if (buf) writeSync(1, buf);
}

// ---------------------------------------------------------------------------------------------
// parent

function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...(input !== undefined ? { input } : {}) });
}

function batch(ns: string, lines: string[]): void {
  const r = spawnSync('ip', ['-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ip -batch: ${r.stderr}`);
}

function routeLines(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) {
    // 11.0.0.0/24 upwards: 65,536 /24s per first octet.
    const a = 11 + Math.floor(i / 65536);
    out.push(`route add ${a}.${(i >> 8) & 255}.${i & 255}.0/24 via 10.0.0.2`);
  }
  return out;
}

function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const fd = openSync('/dev/null', 'w');
  try {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: ['ignore', fd, 'pipe'], maxBuffer: 1 << 24, env });
    const t1 = performance.now();
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${String(r.stderr).trim()}`);
    return (t1 - t0) / 1000;
  } finally { closeSync(fd); }
}

function peerNetlinkDir(): string | undefined {
  for (const d of [ROOT, process.env.NLWIRE_BENCH_PEER_DIR ?? '/tmp/peer']) {
    if (existsSync(join(d, 'node_modules/netlink/package.json'))) return d;
  }
  return undefined;
}

interface Row { name: string; times: number[]; routes: number; rss?: number; stall?: number; bpr?: number; note?: string }

async function parent(): Promise<void> {
  const sizes = arg('routes', '100000,1000000').split(',').map(Number).sort((a, b) => a - b);
  const runs = Math.max(1, Number(arg('runs', '5')));
  const nlinks = Number(arg('links', '2000'));
  const tmp = mkdtempSync(join(tmpdir(), 'nlwire-bench-'));
  const ns = `nlwbench-${process.pid}`;
  const results: Record<string, unknown> = { sizes: {}, runs, links: nlinks, node: process.version };
  try {
    // Floor binary and the child bundle.
    execFileSync('cc', ['-O2', '-o', join(tmp, 'floor'), join(ROOT, 'bench/floor.c')]);
    const { build } = await import('esbuild');
    await build({ entryPoints: [join(ROOT, 'bench/route-dump.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: join(tmp, 'bench.mjs'), logLevel: 'error' });
    const childEnv = { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), NLWIRE_NATIVE_DIR: join(ROOT, 'native') };

    sh('ip', ['netns', 'add', ns]);
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    console.error(`# namespace ${ns}: ${nlinks} veth links with addresses ...`);
    const setup = ['link add va type veth peer name vb', 'addr add 10.0.0.1/24 dev va', 'link set va up', 'link set vb up'];
    for (let i = 0; i < nlinks / 2; i++) {
      setup.push(`link add x${i} type veth peer name y${i}`);
      setup.push(`addr add 172.${16 + (i >> 8)}.${i & 255}.1/30 dev x${i}`);
      setup.push(`addr add 172.${16 + (i >> 8)}.${i & 255}.2/30 dev y${i}`);
    }
    batch(ns, setup);
    const up: string[] = [];
    for (let i = 0; i < nlinks / 2; i++) up.push(`link set x${i} up`, `link set y${i} up`);
    batch(ns, up);

    const runChild = (variant: string): ChildResult => {
      const r = spawnSync(process.execPath, ['--expose-gc', join(tmp, 'bench.mjs'), '--child', variant, '--ns', ns, '--runs', String(runs)], { encoding: 'utf8', env: childEnv, maxBuffer: 1 << 26 });
      const line = r.stdout.split('\n').find((l) => l.startsWith('CHILD '));
      if (!line) throw new Error(`child ${variant} failed: ${r.stderr}`);
      return JSON.parse(line.slice(6)) as ChildResult;
    };
    const floor = (what: string): number[] => sh('ip', ['netns', 'exec', ns, join(tmp, 'floor'), what, '2', String(runs)])
      .split('\n').filter((l) => l.startsWith('FLOOR ')).map((l) => Number(l.split(' ')[1]));

    let have = 0;
    for (const n of sizes) {
      console.error(`# adding routes ${have} -> ${n} ...`);
      const t0 = performance.now();
      const lines = routeLines(have, n);
      for (let i = 0; i < lines.length; i += 200_000) batch(ns, lines.slice(i, i + 200_000));
      have = n;
      console.error(`#   ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const rows: Row[] = [];
      const f = floor('route');
      const total = Number(sh('ip', ['netns', 'exec', ns, join(tmp, 'floor'), 'route', '2', '1']).split(' ')[2]);
      rows.push({ name: 'floor (C, receive only)', times: f, routes: total });
      for (const v of ['objects', 'stream', 'columns', 'columns-ts', 'json', 'objects-hybrid', 'stream-hybrid', 'objects-tp', 'stream-tp', 'columns-tp']) {
        console.error(`#   ${v} ...`);
        const c = runChild(v);
        const row: Row = { name: `nlwire ${v}`, times: c.times, routes: v === 'json' ? total : c.count, rss: c.maxRssMiB, stall: c.stallMs };
        if (c.bytesPerRoute !== undefined) row.bpr = c.bytesPerRoute;
        rows.push(row);
      }
      // Whole processes.
      const procRuns = Math.min(runs, 3);
      const ipT: number[] = [];
      for (let i = 0; i < procRuns; i++) ipT.push(timeProcess('ip', ['-n', ns, '-j', 'route', 'show']));
      rows.push({ name: 'ip -j route show (process)', times: ipT, routes: total });
      const jp: number[] = [];
      for (let i = 0; i < procRuns; i++) jp.push(timeProcess('ip', ['netns', 'exec', ns, process.execPath, join(tmp, 'bench.mjs'), '--json-proc'], childEnv));
      rows.push({ name: 'nlwire json writer (process)', times: jp, routes: total, note: 'bench bundle: writeRoutesJson to stdout' });
      const dist = join(ROOT, 'dist/cli.js');
      if (existsSync(dist)) {
        const t: number[] = [];
        try {
          for (let i = 0; i < procRuns; i++) t.push(timeProcess('ip', ['netns', 'exec', ns, process.execPath, dist, '-j', 'route', 'show']));
          rows.push({ name: 'nlwire -j route show (dist/cli.js)', times: t, routes: total });
        } catch (e) { rows.push({ name: 'nlwire -j route show (dist/cli.js)', times: [], routes: total, note: `failed: ${(e as Error).message.split('\n')[0]}` }); }
      } else rows.push({ name: 'nlwire -j route show (dist/cli.js)', times: [], routes: total, note: 'skipped: dist/ not built (npm run build)' });
      // Peers.
      const peer = peerNetlinkDir();
      if (peer) {
        const script = join(tmp, 'peer-netlink.cjs');
        writeFileSync(script, `const nl = require(${JSON.stringify(join(peer, 'node_modules/netlink'))});
const s = nl.createRtNetlink();
const t0 = process.hrtime.bigint();
s.getRoutes({ family: 2 }).then((r) => { const t = Number(process.hrtime.bigint() - t0) / 1e9; console.log('PEER ' + t + ' ' + r.length); s.socket.close(); })
  .catch((e) => { console.error(e); process.exit(1); });\n`);
        const t: number[] = [];
        let note: string | undefined;
        for (let i = 0; i < procRuns; i++) {
          const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, script], { encoding: 'utf8', maxBuffer: 1 << 26 });
          const m = /PEER (\S+)/.exec(r.stdout);
          if (m) t.push(Number(m[1])); else { note = `failed: ${r.stderr.trim().split('\n')[0]}`; break; }
        }
        rows.push({ name: 'npm netlink getRoutes (in-process)', times: t, routes: total, ...(note ? { note } : {}) });
      } else rows.push({ name: 'npm netlink', times: [], routes: total, note: 'skipped: not installed (devDependency netlink@0.3, or NLWIRE_BENCH_PEER_DIR)' });
      if (spawnSync('/usr/bin/python3', ['-c', 'import pyroute2']).status === 0) {
        const py = `import time\nfrom pyroute2 import IPRoute\nip=IPRoute()\nt=time.perf_counter()\nn=sum(1 for _ in ip.get_routes(family=2))\nprint('PEER', time.perf_counter()-t, n)\n`;
        const t: number[] = [];
        for (let i = 0; i < Math.min(procRuns, 2); i++) {
          const r = spawnSync('ip', ['netns', 'exec', ns, '/usr/bin/python3', '-c', py], { encoding: 'utf8' });
          const m = /PEER (\S+)/.exec(r.stdout);
          if (m) t.push(Number(m[1]));
        }
        rows.push({ name: 'pyroute2 get_routes (in-process)', times: t, routes: total });
      } else rows.push({ name: 'pyroute2', times: [], routes: total, note: 'skipped: not importable by /usr/bin/python3' });

      printTable(`${n} routes (+ ${nlinks} links' routes; ${total} IPv4 routes dumped)`, rows, median(f));
      (results.sizes as Record<string, unknown>)[n] = summarize(rows, median(f));
    }
    // Link dump.
    const lf = floor('link');
    const lc = runChild('links');
    const lrows: Row[] = [
      { name: 'floor (C) link dump', times: lf, routes: lc.count },
      { name: 'nlwire linkNames()', times: lc.times, routes: lc.count, rss: lc.maxRssMiB, stall: lc.stallMs },
    ];
    printTable(`link dump (${lc.count} links)`, lrows, median(lf));
    results.linkDump = summarize(lrows, median(lf));
    console.log(`BENCH_JSON ${JSON.stringify(results)}`);
  } finally {
    if (!process.argv.includes('--keep')) spawnSync('ip', ['netns', 'del', ns]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

function summarize(rows: Row[], floorMedian: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const r of rows) {
    if (!r.times.length) { o[r.name] = { skipped: r.note }; continue; }
    o[r.name] = {
      best: +best(r.times).toFixed(4), median: +median(r.times).toFixed(4), ratio: +(median(r.times) / floorMedian).toFixed(3),
      routesPerSec: Math.round(r.routes / median(r.times)),
      ...(r.rss !== undefined ? { rssMiB: +r.rss.toFixed(1) } : {}), ...(r.stall !== undefined ? { stallMs: +r.stall.toFixed(1) } : {}),
      ...(r.bpr !== undefined ? { bytesPerRoute: r.bpr } : {}),
    };
  }
  return o;
}

function printTable(title: string, rows: Row[], floorMedian: number): void {
  console.log(`\n## ${title}`);
  console.log(`${'variant'.padEnd(40)} ${'best s'.padStart(8)} ${'median s'.padStart(9)} ${'x floor'.padStart(8)} ${'routes/s'.padStart(11)} ${'RSS MiB'.padStart(8)} ${'stall ms'.padStart(9)} ${'B/route'.padStart(8)}`);
  for (const r of rows) {
    if (!r.times.length) { console.log(`${r.name.padEnd(40)} ${r.note ?? ''}`); continue; }
    const m = median(r.times);
    console.log(`${r.name.padEnd(40)} ${best(r.times).toFixed(3).padStart(8)} ${m.toFixed(3).padStart(9)} ${(m / floorMedian).toFixed(2).padStart(8)} ${Math.round(r.routes / m).toLocaleString('en').padStart(11)} ${(r.rss?.toFixed(1) ?? '').padStart(8)} ${(r.stall?.toFixed(1) ?? '').padStart(9)} ${(r.bpr?.toString() ?? '').padStart(8)}${r.note ? '  ' + r.note : ''}`);
  }
}

if (process.argv.includes('--child')) await child();
else if (process.argv.includes('--json-proc')) await jsonProc();
else await parent();
