// The npm registry reachable here lacks some platform builds that rollup (used by tsup) lists
// as optional dependencies; npm then writes a lock without them and `npm ci` refuses it. This
// adds lock entries (version, os, cpu, libc) for the missing ones so that `npm ci` skips them
// on this platform as it would anyway. Run after `npm install` changes the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const where = `node_modules/${name}`;
    if (pkgs[where] || !name.startsWith('@rollup/rollup-')) continue;
    const [os, cpuRaw, abi] = name.slice('@rollup/rollup-'.length).split('-');
    const cpu = cpuRaw === 'arm' ? 'arm' : cpuRaw;
    const entry = { version, cpu: [cpu], dev: true, license: 'MIT', optional: true, os: [os] };
    if (os === 'linux') entry.libc = [abi?.startsWith('musl') ? 'musl' : 'glibc'];
    pkgs[where] = entry;
    added++;
    void path;
  }
}
const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} platform entries`);
