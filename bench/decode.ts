// Decode benchmark (issue 10): nlwire's one engine against C, libmnl and npm `netlink`, all in one
// run, on a real kernel dump.
//
//   npm run bench:decode -- --routes 1000000 --runs 5 [--file routes.bin] [--keep]
//
// It fills a namespace with IPv4 /24 routes via a gateway (`ip -batch`), saves the kernel's dump
// (messages only) with bench/decode-peers.c, and measures, each variant in its own process:
//   decode from memory (the dump split into <= 32 KiB message-aligned chunks, every route kept):
//     c-raw (hand-written NLMSG_OK/RTA_OK loop), libmnl (mnl_cb_run + mnl_attr_parse),
//     nlwire decode() objects (compiled decoders, WASM walker; also the JS walker and the
//     interpreter), decodeViews() lazy views, columns (WASM and JS extractors), npm netlink 0.3
//   whole dump of the namespace: C receive-only floor (bench/floor.c), libmnl dump + parse,
//     Rtnl.routes() objects, routeStream(), routeViews(), routeColumns()
//   hostile inputs of the same size: messages full of 4-byte unknown attributes, 16-byte NOOPs
//   links: Rtnl.links() of --links veths, and the same link dump decoded from memory (decodeEach,
//     every attribute) against libmnl's link callback over the same file, taking turns with libmnl
// Medians of --runs after one warm-up run (links: ten), ratios to libmnl of the same run; the last line is
// `BENCH_JSON {...}`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };

interface Result { times: number[]; count: number; rssMiB: number; heapMiB?: number; note?: string; stallMs?: number[]; gcMs?: number[] }

// ---- child: one variant -------------------------------------------------------------------------

function chunksOf(u: Uint8Array): Uint8Array[] {
  const v = new DataView(u.buffer, u.byteOffset, u.length);
  const out: Uint8Array[] = [];
  let start = 0, off = 0;
  while (off < u.length) {
    const next = off + ((v.getUint32(off, true) + 3) & ~3);
    if (next - start > 32768 && off > start) { out.push(u.slice(start, off)); start = off; }
    off = next;
  }
  if (off > start) out.push(u.slice(start, off));
  return out;
}

async function child(): Promise<void> {
  const variant = arg('child', '');
  const runs = Number(arg('runs', '5'));
  const file = arg('file', '');
  const ns = arg('ns', '');
  const { decode, decodeAsync, decodeEach, decodeViews, appendViews } = await import('../src/decode.js');
  const { setCompiledDecoders } = await import('../src/schema/compile.js');
  const { ColumnExtractor } = await import('../src/schema/columns.js');
  const { Rtnl } = await import('../src/rtnl/rtnl.js');
  const { rtnetlinkMessages } = await import('../src/families/route/index.js');
  const { NetlinkSocket } = await import('../src/socket/netlink-socket.js');
  const { buildMessage } = await import('../src/schema/family.js');
  const gc = (globalThis as { gc?: () => void }).gc;
  const chunks = file ? chunksOf(new Uint8Array(readFileSync(file))) : [];
  const whole = file && (variant.startsWith('hostile') || variant.startsWith('async-') || variant === 'normal-whole') ? new Uint8Array(readFileSync(file)) : undefined;
  const fields = ['header.dstLen', 'header.table', 'header.protocol', 'header.scope', 'header.type', 'table', 'dst', 'gateway', 'oif', 'priority'];
  const times: number[] = [];
  let count = 0;
  let heap = 0;
  let keep: unknown;
  let reusing: InstanceType<typeof ColumnExtractor> | undefined;
  // decodeAsync(): per run, the longest the event loop waited (between 1 ms timer ticks) and the longest GC pause
  const stalls: number[] = [], gcPauses: number[] = [];
  let gcMax = 0, asyncStart = Infinity;
  // entries arrive later than their GC: the forced one before a run is told apart by its start
  if (variant.startsWith('async-')) new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.startTime >= asyncStart) gcMax = Math.max(gcMax, e.duration); }).observe({ entryTypes: ['gc'] });
  const rt = ns ? Rtnl.open({ netns: ns }) : undefined;
  const receiver = ns && variant === 'socket-receive' ? NetlinkSocket.open({ protocol: 'route', netns: ns }) : undefined;
  const getRoutes = buildMessage(rtnetlinkMessages.RTM_GETROUTE, { flags: 0, header: { family: 2 }, attrs: {} });
  let peer: { parseMessages(b: Buffer): Array<{ type: number; data: Buffer }>; rt: { parseMessage(t: number, b: Buffer): unknown } } | undefined;
  if (variant === 'npm-netlink') peer = createRequire(join(arg('root', ROOT), 'package.json'))('netlink') as typeof peer;
  if (variant === 'objects-interpreted') setCompiledDecoders(false);
  // r < 0 are warm-ups (JIT, learned shapes), as a long-running program has had: not timed
  const warmups = Math.max(1, Number(arg('warmup', '1')));
  for (let r = -warmups; r < runs; r++) {
    keep = undefined;
    gc?.();
    const h0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    switch (variant) {
      case 'objects': case 'objects-interpreted': case 'objects-js-walker': {
        const out: unknown[] = [];
        const opts = variant === 'objects-js-walker' ? { engine: 'js' as const } : {};
        for (const c of chunks) { const m = decode(c, opts); for (let i = 0; i < m.length; i++) out.push(m[i]); }
        count = out.length; keep = out; break;
      }
      case 'objects-dropped': {
        // decode()'s objects of each chunk read and dropped, as a stream's consumer does: the
        // decoding without keeping a million objects alive (V8 copies every survivor, twice)
        let n = 0, sum = 0;
        for (const c of chunks) {
          const m = decode(c);
          for (let i = 0; i < m.length; i++) { const x = m[i]!; if (x.kind === 'data') { sum += (x.attrs as { oif?: number }).oif ?? 0; n++; } }
        }
        if (sum < 0) throw new Error('unreachable');
        count = n; break;
      }
      case 'views': {
        // one list over every chunk, as Rtnl.routeViews() gathers a dump
        const list = decodeViews(chunks[0]!);
        for (let i = 1; i < chunks.length; i++) appendViews(list, chunks[i]!);
        count = list.length; keep = list; break;
      }
      case 'columns-wasm': case 'columns-js': {
        const x = new ColumnExtractor({ message: rtnetlinkMessages.RTM_NEWROUTE, fields }, variant === 'columns-wasm' ? 'wasm' : 'js');
        const acc = x.collector();
        for (const c of chunks) acc.add(c);
        const t = acc.result(); count = t.count; keep = t; break;
      }
      case 'js-floor': {
        // What V8 needs to allocate and keep the object graph decode() returns, with no decoding:
        // per route a message literal, its family header and attributes, and the dst string (the
        // gateway is one shared string, as decode() shares it), from values read by a minimal loop.
        const out: unknown[] = [];
        for (const c of chunks) {
          const v = new DataView(c.buffer, c.byteOffset, c.length);
          for (let off = 0; off < c.length;) {
            const len = v.getUint32(off, true);
            const type = v.getUint16(off + 4, true);
            if (type === 24) {
              const header = { family: c[off + 16], dstLen: c[off + 17], srcLen: c[off + 18], tos: c[off + 19], table: c[off + 20], protocol: c[off + 21], scope: c[off + 22], type: c[off + 23], flags: v.getUint32(off + 24, true) };
              const d = off + 40; // RTA_DST's payload in the kernel's order (RTA_TABLE, RTA_DST, ...)
              const attrs = { table: v.getUint32(off + 32, true), dst: `${c[d]}.${c[d + 1]}.${c[d + 2]}.${c[d + 3]}`, gateway: '10.255.0.2', oif: v.getUint32(off + len - 4, true) };
              out.push({ offset: off, name: 'RTM_NEWROUTE', length: len, type, flags: v.getUint16(off + 6, true), seq: v.getUint32(off + 8, true), pid: v.getUint32(off + 12, true), kind: 'data', header, attrs, payload: undefined });
            }
            off += (len + 3) & ~3;
          }
        }
        count = out.length; keep = out; break;
      }
      case 'js-floor-flat': {
        // The cheapest object graph that holds a route's values: one flat literal of numbers per
        // route (no envelope, no nested header or attributes, dst as a number), kept.
        const out: unknown[] = [];
        for (const c of chunks) {
          const v = new DataView(c.buffer, c.byteOffset, c.length);
          for (let off = 0; off < c.length;) {
            const len = v.getUint32(off, true);
            if (v.getUint16(off + 4, true) === 24) {
              out.push({ family: c[off + 16], dstLen: c[off + 17], srcLen: c[off + 18], tos: c[off + 19], table: c[off + 20], protocol: c[off + 21], scope: c[off + 22], type: c[off + 23], flags: v.getUint32(off + 24, true), tableId: v.getUint32(off + 32, true), dst: v.getInt32(off + 40, false), gateway: v.getInt32(off + 48, false), oif: v.getUint32(off + len - 4, true) });
            }
            off += (len + 3) & ~3;
          }
        }
        count = out.length; keep = out; break;
      }
      case 'columns-wasm-reuse': {
        // one extractor for every run, collecting into the memory it kept: as the C loop reuses its array
        reusing ??= new ColumnExtractor({ message: rtnetlinkMessages.RTM_NEWROUTE, fields }, 'wasm');
        const acc = reusing.collector({ reuse: true });
        for (const c of chunks) acc.add(c);
        const t = acc.result(); count = t.count; keep = t; break;
      }
      case 'npm-netlink': {
        const out: unknown[] = [];
        for (const c of chunks) for (const m of peer!.parseMessages(Buffer.from(c.buffer, c.byteOffset, c.length))) out.push(peer!.rt.parseMessage(m.type, m.data));
        count = out.length; keep = out; break;
      }
      case 'links-memory': {
        // what Rtnl.links() does per datagram, without the socket
        const out: unknown[] = [];
        for (const c of chunks) decodeEach(c, {}, (def, header, attrs) => { out.push({ kind: def.object, header, attrs }); });
        count = out.length; keep = out; break;
      }
      case 'async-normal': case 'async-hostile-attrs': case 'async-hostile-noop': {
        let last = performance.now(), longest = 0;
        const tick = setInterval(() => { const t = performance.now(); longest = Math.max(longest, t - last); last = t; }, 1);
        gcMax = 0; asyncStart = last;
        const m = await decodeAsync(whole!);
        longest = Math.max(longest, performance.now() - last);
        clearInterval(tick);
        await new Promise((r) => setTimeout(r, 20)); // the last GC entries
        if (r >= 0) { stalls.push(longest); gcPauses.push(gcMax); }
        count = m.length; keep = m; break;
      }
      case 'hostile-attrs': case 'hostile-noop': case 'normal-whole': {
        const m = decode(whole!); count = m.length; keep = m; break;
      }
      case 'socket-receive': {
        // nlwire's own receive of the dump (every datagram walked and matched), nothing decoded
        let n = 0;
        await receiver!.dumpRaw(getRoutes, (_chunk, index) => { n += index.messageCount; });
        count = n; break;
      }
      case 'rtnl-routes': { const a = await rt!.routes({ family: 4 }); count = a.length; keep = a; break; }
      case 'rtnl-stream': { let n = 0; for await (const x of rt!.routeStream({ family: 4 })) { void x; n++; } count = n; break; }
      case 'rtnl-batch-stream': { let n = 0; for await (const b of rt!.routeBatchStream({ family: 4 })) for (let i = 0; i < b.length; i++) { void b[i]; n++; } count = n; break; }
      case 'rtnl-view-stream': { let n = 0; for await (const v of rt!.routeViewStream({ family: 4 })) { void v; n++; } count = n; break; }
      case 'rtnl-column-stream': { let n = 0; for await (const t of rt!.routeColumnStream({ family: 4 }, fields)) n += t.count; count = n; break; }
      case 'rtnl-views': { const a = await rt!.routeViews({ family: 4 }); count = a.length; keep = a; break; }
      case 'rtnl-columns': { const t = await rt!.routeColumns({ family: 4 }, fields); count = t.count; keep = t; break; }
      case 'rtnl-links': { const a = await rt!.links(); count = a.length; keep = a; break; }
      default: throw new Error(`unknown variant ${variant}`);
    }
    if (r >= 0) times.push((performance.now() - t0) / 1000);
    if (r === -warmups && gc) { gc(); heap = (process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - h0) / 2 ** 20; }
  }
  void keep;
  rt?.close();
  receiver?.close();
  const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  const res: Result = { times, count, rssMiB: hwm ? Number(hwm[1]) / 1024 : 0, heapMiB: +heap.toFixed(1), ...(stalls.length ? { stallMs: stalls, gcMs: gcPauses } : {}) };
  process.stdout.write(`CHILD ${JSON.stringify(res)}\n`);
}

// ---- parent -------------------------------------------------------------------------------------

function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...(input !== undefined ? { input } : {}) });
}

/** Messages of the same total size as `n` routes: RTM_NEWROUTE full of 4-byte unknown attributes, or NOOPs. */
function hostile(kind: 'attrs' | 'noop', bytes: number): Uint8Array {
  const out = new Uint8Array(bytes - (bytes % 16));
  const v = new DataView(out.buffer);
  if (kind === 'noop') {
    for (let off = 0; off < out.length; off += 16) { v.setUint32(off, 16, true); v.setUint16(off + 4, 1, true); }
    return out;
  }
  const msgLen = 16 + 12 + 4 * 4000; // rtmsg, then 4,000 empty attributes of an unknown type
  let off = 0;
  for (; off + msgLen <= out.length; off += msgLen) {
    v.setUint32(off, msgLen, true); v.setUint16(off + 4, 24, true); v.setUint16(off + 6, 2, true);
    out[off + 16] = 2;
    for (let a = off + 28; a < off + msgLen; a += 4) { v.setUint16(a, 4, true); v.setUint16(a + 2, 999, true); }
  }
  return out.subarray(0, off);
}

interface Row { name: string; times: number[]; count: number; rss?: number; heap?: number; note?: string }

async function parent(): Promise<void> {
  const nroutes = Number(arg('routes', '1000000'));
  const runs = Math.max(1, Number(arg('runs', '5')));
  const nlinks = Number(arg('links', '2000'));
  const tmp = mkdtempSync(join(tmpdir(), 'nlwire-decode-'));
  const ns = `nlwdecode-${process.pid}`;
  const results: Record<string, unknown> = { routes: nroutes, runs, node: process.version };
  try {
    const peers = join(tmp, 'decode-peers');
    try {
      execFileSync('cc', ['-O2', '-o', peers, join(ROOT, 'bench/decode-peers.c'), '-lmnl']);
      execFileSync('cc', ['-O2', '-o', join(tmp, 'floor'), join(ROOT, 'bench/floor.c')]);
    } catch (e) {
      throw new Error(`building the C peers failed (needs cc and libmnl-dev: apt-get install libmnl-dev): ${(e as Error).message}`);
    }
    const { build } = await import('esbuild');
    await build({ entryPoints: [join(ROOT, 'bench/decode.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: join(tmp, 'bench.mjs'), logLevel: 'error', external: ['netlink'] });
    const childEnv = { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), NLWIRE_NATIVE_DIR: join(ROOT, 'native') };

    sh('ip', ['netns', 'add', ns]);
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    console.error(`# namespace ${ns}: ${nlinks} veths, ${nroutes} routes ...`);
    const setup = ['link add v0 type veth peer name v1', 'link set v0 up', 'link set v1 up', 'addr add 10.255.0.1/30 dev v0'];
    for (let i = 0; i < nlinks / 2; i++) setup.push(`link add x${i} type veth peer name y${i}`);
    sh('ip', ['-n', ns, '-batch', '-'], setup.join('\n') + '\n');
    const lines: string[] = [];
    for (let i = 0; i < nroutes; i++) lines.push(`route add ${11 + Math.floor(i / 65536)}.${(i >> 8) & 255}.${i & 255}.0/24 via 10.255.0.2 dev v0 proto bgp`);
    for (let i = 0; i < lines.length; i += 200_000) sh('ip', ['-n', ns, '-batch', '-'], lines.slice(i, i + 200_000).join('\n') + '\n');
    const file = join(tmp, 'routes.bin');
    sh('ip', ['netns', 'exec', ns, peers, 'save', file]);
    const fileBytes = readFileSync(file).length;
    console.error(`# dump file: ${(fileBytes / 2 ** 20).toFixed(1)} MiB`);

    const runChild = (variant: string, extra: string[] = [], n = runs): Result => {
      const r = spawnSync(process.execPath, ['--expose-gc', join(tmp, 'bench.mjs'), '--child', variant, '--runs', String(n), '--root', ROOT, ...extra], { encoding: 'utf8', env: childEnv, maxBuffer: 1 << 26 });
      const line = r.stdout.split('\n').find((l) => l.startsWith('CHILD '));
      if (!line) return { times: [], count: 0, rssMiB: 0, note: `failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` };
      return JSON.parse(line.slice(6)) as Result;
    };
    const cPeer = (args: string[], inNs = false): number[] => {
      const out = inNs ? sh('ip', ['netns', 'exec', ns, peers, ...args]) : sh(peers, args);
      return out.split('\n').filter((l) => l.startsWith('PEER ')).map((l) => Number(l.split(' ')[1]));
    };
    const row = (name: string, r: Result): Row => ({ name, times: r.times, count: r.count, rss: r.rssMiB, ...(r.heapMiB !== undefined ? { heap: r.heapMiB } : {}), ...(r.note ? { note: r.note } : {}) });

    // A. decode from memory
    const a: Row[] = [];
    a.push({ name: 'C hand-written loop', times: cPeer(['raw', file, String(runs)]), count: nroutes });
    const mnl = cPeer(['mnl', file, String(runs)]);
    a.push({ name: 'C libmnl', times: mnl, count: nroutes });
    for (const [name, v] of [['JS allocation floor: one flat object of numbers per route', 'js-floor-flat'], ['JS allocation floor: decode()\'s objects, no decoding', 'js-floor'], ['nlwire decode() objects', 'objects'], ['nlwire decode() objects, each chunk\'s read and dropped', 'objects-dropped'], ['nlwire decode() objects, JS walker', 'objects-js-walker'], ['nlwire decode() objects, interpreter', 'objects-interpreted'], ['nlwire decodeViews() views', 'views'], ['nlwire columns (WASM)', 'columns-wasm'], ['nlwire columns (WASM), reusing collector', 'columns-wasm-reuse'], ['nlwire columns (JS)', 'columns-js'], ['npm netlink 0.3', 'npm-netlink']] as const) {
      console.error(`#   ${v} ...`);
      a.push(row(name, runChild(v, ['--file', file])));
    }
    printTable(`decode from memory: ${nroutes} routes, ${(fileBytes / 2 ** 20).toFixed(1)} MiB`, a, median(mnl), 'x libmnl');
    results.decode = summarize(a, median(mnl));

    // B. whole dump. A dump takes ~1 s and this machine's speed drifts over minutes: the floor,
    // libmnl and every nlwire variant take turns, 5 rounds (each nlwire round its own process,
    // warmed by one untimed dump), medians over all rounds.
    const b: Row[] = [];
    const dumpVariants = [['nlwire socket receive only (dumpRaw, no decoding)', 'socket-receive'], ['nlwire Rtnl.routes() objects', 'rtnl-routes'], ['nlwire routeStream()', 'rtnl-stream'], ['nlwire routeBatchStream()', 'rtnl-batch-stream'], ['nlwire routeViews()', 'rtnl-views'], ['nlwire routeViewStream()', 'rtnl-view-stream'], ['nlwire routeColumns()', 'rtnl-columns'], ['nlwire routeColumnStream()', 'rtnl-column-stream']] as const;
    const dumpRounds = 5, dumpPerRound = Math.max(1, Math.ceil(runs / 5));
    const floorT: number[] = [], mnlDump: number[] = [];
    const dumpRuns = new Map<string, Result[]>(dumpVariants.map(([, v]) => [v, []]));
    for (let round = 0; round < dumpRounds; round++) {
      console.error(`#   dump round ${round + 1} of ${dumpRounds} ...`);
      floorT.push(...sh('ip', ['netns', 'exec', ns, join(tmp, 'floor'), 'route', '2', String(dumpPerRound)]).split('\n').filter((l) => l.startsWith('FLOOR ')).map((l) => Number(l.split(' ')[1])));
      mnlDump.push(...cPeer(['mnl-dump', String(dumpPerRound)], true));
      for (const [, v] of dumpVariants) dumpRuns.get(v)!.push(runChild(v, ['--ns', ns], dumpPerRound));
    }
    b.push({ name: 'C receive only (floor)', times: floorT, count: nroutes });
    b.push({ name: 'C libmnl dump + parse', times: mnlDump, count: nroutes });
    for (const [name, v] of dumpVariants) {
      const rs = dumpRuns.get(v)!;
      const failed = rs.find((r) => r.note);
      b.push(row(name, failed ?? { times: rs.flatMap((r) => r.times), count: rs[0]!.count, rssMiB: Math.max(...rs.map((r) => r.rssMiB)), ...(rs[0]!.heapMiB !== undefined ? { heapMiB: rs[0]!.heapMiB } : {}) }));
    }
    const ipT: number[] = [];
    for (let i = 0; i < Math.min(runs, 3); i++) { const t0 = performance.now(); spawnSync('ip', ['-n', ns, '-j', 'route', 'show'], { stdio: 'ignore' }); ipT.push((performance.now() - t0) / 1000); }
    b.push({ name: 'ip -j route show (process)', times: ipT, count: nroutes });
    const dist = join(ROOT, 'dist/cli.js');
    if (existsSync(dist)) {
      const t: number[] = [];
      for (let i = 0; i < Math.min(runs, 3); i++) { const t0 = performance.now(); spawnSync('ip', ['netns', 'exec', ns, process.execPath, dist, '-j', 'route', 'show'], { stdio: 'ignore' }); t.push((performance.now() - t0) / 1000); }
      b.push({ name: 'nlwire -j route show (process)', times: t, count: nroutes });
    }
    printTable(`whole dump: ${nroutes} routes`, b, median(mnlDump), 'x libmnl', median(floorT), 'x floor');
    results.dump = summarize(b, median(mnlDump), median(floorT));

    // C. hostile shapes of the same size, decoded whole
    const h: Row[] = [];
    const normal = runChild('normal-whole', ['--file', file]);
    h.push(row('normal dump', normal));
    for (const kind of ['attrs', 'noop'] as const) {
      const f = join(tmp, `hostile-${kind}.bin`);
      writeFileSync(f, hostile(kind, fileBytes));
      h.push(row(kind === 'attrs' ? '4-byte unknown attributes' : '16-byte NOOP messages', runChild(`hostile-${kind}`, ['--file', f])));
    }
    printTable(`hostile inputs of ${(fileBytes / 2 ** 20).toFixed(1)} MiB, decode() whole (time and heap vs the normal dump)`, h, median(normal.times), 'x normal');
    results.hostile = summarize(h, median(normal.times));

    // E. the event loop while decodeAsync() decodes the same buffers whole
    console.log(`\n## the event loop during decodeAsync() of ${(fileBytes / 2 ** 20).toFixed(1)} MiB (medians; decode() holds it for the whole decode)`);
    console.log(`${'input'.padEnd(40)} ${'total s'.padStart(9)} ${'longest stall ms'.padStart(17)} ${'longest GC pause ms'.padStart(20)}`);
    const loop: Record<string, unknown> = {};
    for (const [name, v, f] of [['normal dump', 'async-normal', file], ['4-byte unknown attributes', 'async-hostile-attrs', join(tmp, 'hostile-attrs.bin')], ['16-byte NOOP messages', 'async-hostile-noop', join(tmp, 'hostile-noop.bin')]] as const) {
      const r = runChild(v, ['--file', f]);
      const stall = median(r.stallMs ?? []), gcp = median(r.gcMs ?? []);
      console.log(`${name.padEnd(40)} ${median(r.times).toFixed(3).padStart(9)} ${stall.toFixed(1).padStart(17)} ${gcp.toFixed(1).padStart(20)}`);
      loop[name] = { total: +median(r.times).toFixed(4), stallMs: +stall.toFixed(1), gcPauseMs: +gcp.toFixed(1), runs: r.stallMs, gcRuns: r.gcMs };
    }
    results.eventLoop = loop;

    // D. links: every attribute decoded, against libmnl parsing the same dump
    // A links dump takes ~20 ms, and this machine's speed drifts over seconds: libmnl and nlwire
    // take turns, 5 rounds of 5 runs each, and the medians are over all 25 runs of each.
    const rounds = 5, perRound = Math.max(5, Math.ceil(runs / 5));
    const linksFile = join(tmp, 'links.bin');
    cPeer(['save-links', linksFile], true);
    const mnlLinks: number[] = [], mnlLinksMem: number[] = [];
    const l: Result = { times: [], count: 0, rssMiB: 0 }, lm: Result = { times: [], count: 0, rssMiB: 0 };
    const pool = (into: Result, r: Result): void => {
      into.times.push(...r.times); into.count = r.count; into.rssMiB = Math.max(into.rssMiB, r.rssMiB);
      if (r.note) into.note = r.note;
    };
    for (let round = 0; round < rounds; round++) {
      mnlLinks.push(...cPeer(['mnl-links', String(perRound)], true));
      // a child's first dumps run cold (JIT, the heap growing): 10 untimed ones first
      pool(l, runChild('rtnl-links', ['--ns', ns, '--warmup', '10'], perRound));
      mnlLinksMem.push(...cPeer(['mnl-links-mem', linksFile, String(perRound)]));
      pool(lm, runChild('links-memory', ['--file', linksFile, '--warmup', '10'], perRound));
    }
    const lrows = [{ name: 'C libmnl link dump + parse', times: mnlLinks, count: l.count }, row('nlwire Rtnl.links()', l)];
    printTable(`links: ${l.count} links`, lrows, median(mnlLinks), 'x libmnl');
    results.links = summarize(lrows, median(mnlLinks));
    const mrows = [{ name: 'C libmnl link parse', times: mnlLinksMem, count: lm.count }, row('nlwire decodeEach() objects', lm)];
    printTable(`links decoded from memory (the same dump, saved): ${lm.count} links`, mrows, median(mnlLinksMem), 'x libmnl');
    results.linksMemory = summarize(mrows, median(mnlLinksMem));
    console.log(`BENCH_JSON ${JSON.stringify(results)}`);
  } finally {
    if (!process.argv.includes('--keep')) spawnSync('ip', ['netns', 'del', ns]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

function summarize(rows: Row[], base: number, base2?: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const r of rows) {
    if (!r.times.length) { o[r.name] = { skipped: r.note }; continue; }
    o[r.name] = {
      median: +median(r.times).toFixed(4), best: +Math.min(...r.times).toFixed(4), ratio: +(median(r.times) / base).toFixed(2),
      ...(base2 ? { floorRatio: +(median(r.times) / base2).toFixed(2) } : {}),
      count: r.count, ...(r.rss ? { rssMiB: +r.rss.toFixed(0) } : {}), ...(r.heap !== undefined ? { heapMiB: r.heap } : {}),
    };
  }
  return o;
}

function printTable(title: string, rows: Row[], base: number, ratioName: string, base2?: number, ratio2Name = ''): void {
  console.log(`\n## ${title}`);
  console.log(`${'variant'.padEnd(40)} ${'median s'.padStart(9)} ${'best s'.padStart(8)} ${ratioName.padStart(9)}${base2 ? ' ' + ratio2Name.padStart(8) : ''} ${'count'.padStart(9)} ${'RSS MiB'.padStart(8)} ${'heap MiB'.padStart(9)}`);
  for (const r of rows) {
    if (!r.times.length) { console.log(`${r.name.padEnd(40)} ${r.note ?? ''}`); continue; }
    const m = median(r.times);
    const second = base2 ? ' ' + (m / base2).toFixed(2).padStart(8) : '';
    console.log(`${r.name.padEnd(40)} ${m.toFixed(3).padStart(9)} ${Math.min(...r.times).toFixed(3).padStart(8)} ${(m / base).toFixed(2).padStart(9)}${second} ${String(r.count).padStart(9)} ${(r.rss?.toFixed(0) ?? '').padStart(8)} ${(r.heap?.toFixed(0) ?? '').padStart(9)}`);
  }
}

if (process.argv.includes('--child')) await child();
else await parent();
