// Runs uvu test files (TypeScript through tsx) one file per process, names each suite with its
// counts and time as it finishes, and prints one closing line "N passed, N failed" that CI can
// read. Usage: node scripts/run-tests.mjs DIR [pattern]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Kernel tests need CAP_NET_ADMIN in their own namespaces. Without root, re-run everything in a
// user + network + mount namespace (mapped root), with a private /run so `ip netns add` works.
if (process.getuid && process.getuid() !== 0 && !process.env.NLWIRE_UNSHARED) {
  const probe = spawnSync('unshare', ['--user', '--map-root-user', '--net', '--mount', 'true']);
  if (probe.status !== 0) {
    console.error('not root, and unprivileged user namespaces are not available here ' +
      `(unshare: ${String(probe.stderr).trim()}); kernel tests cannot run. Run as root, or enable user namespaces.`);
    process.exit(1);
  }
  const inner = `mount -t tmpfs tmpfs /run && mkdir -p /run/netns && exec "$0" "$@"`;
  const r = spawnSync('unshare', ['--user', '--map-root-user', '--net', '--mount', 'sh', '-c', inner,
    process.execPath, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, NLWIRE_UNSHARED: '1' } });
  process.exit(r.status ?? 1);
}

const dir = process.argv[2] ?? 'test';
const pattern = new RegExp(process.argv[3] ?? '\\.test\\.ts$');
const files = [];
(function collect(d, top) {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) {
      // oracle tests run only through `npm run test:oracles`
      if (top && name === 'oracles' && dir === 'test') continue;
      // guest-kernel tests run only through `npm run test:vm`
      if (top && name === 'vm' && dir === 'test') continue;
      if (name === 'fixtures' || name === 'helpers') continue;
      collect(p, false);
    } else if (pattern.test(name)) files.push(p);
  }
})(dir, true);

let passed = 0, failed = 0, skipped = 0;
const failedFiles = [];
const timings = [];
const started = performance.now();
for (const file of files) {
  console.log(`\n== ${file}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...(file.endsWith('.mjs') ? [] : ['--import', 'tsx']), file], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 15 * 60_000,
  });
  const out = r.stdout ?? '';
  process.stdout.write(out);
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const sk = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
  passed += ok;
  skipped += sk;
  let bad = total - ok - sk;
  if (r.status !== 0 && bad === 0) bad = 1; // a crash or timeout counts as a failure
  if (bad > 0) failedFiles.push(file);
  failed += bad;
  const seconds = (performance.now() - t0) / 1000;
  timings.push({ file, seconds });
  const why = r.error ? ` (${r.error.message})` : r.status !== 0 && total === 0 ? ` (exit ${r.status ?? r.signal})` : '';
  console.log(`== ${file}: ${bad > 0 ? 'FAIL' : 'ok'}, ${ok} passed, ${bad} failed${sk ? `, ${sk} skipped` : ''}, ${seconds.toFixed(1)} s${why}`);
}
if (files.length === 0) { console.log('no test files found in ' + dir); process.exit(1); }
console.log('\nsuites by time:');
for (const { file, seconds } of [...timings].sort((a, b) => b.seconds - a.seconds)) {
  console.log(`  ${seconds.toFixed(1).padStart(7)} s  ${file}${failedFiles.includes(file) ? '  FAIL' : ''}`);
}
console.log(`  ${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s  in all`);
if (failedFiles.length) console.log('\nfailing files:\n  ' + failedFiles.join('\n  '));
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
