// NETLINK_CRYPTO (crypto_user) in the guest: `nlwire crypto show` against /proc/crypto.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import * as crypto from '../../src/entries/crypto.js';

type CryptoAlg = crypto.CryptoAlg;
const { getAlgorithm, listAlgorithms } = crypto;
import { modprobe, nlwire } from './_guest.js';

type ProcEntry = Record<string, string>;
function procCrypto(): ProcEntry[] {
  return readFileSync('/proc/crypto', 'utf8').split('\n\n').filter((b) => b.trim()).map((block) => {
    const e: ProcEntry = {};
    for (const line of block.split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) e[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
    return e;
  });
}
// /proc/crypto fields that crypto_user's report structs do not carry.
const NOT_REPORTED = new Set(['refcnt', 'async', 'chunksize', 'walksize', 'statesize', 'flags']);
// nlwire's report field names in /proc/crypto's wording.
const PROC_NAME: Record<string, string> = { minKeysize: 'min keysize', maxKeysize: 'max keysize' };

function asProc(a: CryptoAlg): ProcEntry {
  const e: ProcEntry = {
    name: a.name, driver: a.driver, module: a.module, priority: String(a.priority),
    selftest: a.selftest, internal: a.internal ? 'yes' : 'no', type: a.type,
  };
  for (const [k, v] of Object.entries(a.report)) e[PROC_NAME[k] ?? k] = String(v);
  return e;
}

test('crypto_user loads; the dump lists every algorithm of /proc/crypto with the same fields', async () => {
  modprobe('crypto_user', 'gcm', 'ccm', 'sha512_generic', 'authenc', 'echainiv');
  const algs = await listAlgorithms();
  const proc = procCrypto();
  assert.ok(algs.length > 20, `${algs.length} algorithms`);
  const byDriver = new Map(algs.map((a) => [a.driver, asProc(a)]));
  const problems: string[] = [];
  for (const p of proc) {
    const n = byDriver.get(p.driver!);
    if (!n) { problems.push(`${p.driver}: in /proc/crypto, not in the dump`); continue; }
    for (const [k, v] of Object.entries(p)) {
      if (NOT_REPORTED.has(k)) continue;
      if (n[k] !== v) problems.push(`${p.driver}.${k}: /proc ${JSON.stringify(v)} nlwire ${JSON.stringify(n[k])}`);
    }
    for (const k of Object.keys(n)) if (!(k in p)) problems.push(`${p.driver}.${k}: nlwire has it, /proc/crypto does not`);
  }
  assert.is(algs.length, proc.length, 'as many algorithms as /proc/crypto');
  assert.equal(problems, []);
});

test('get one by driver name and by name', async () => {
  const byDriver = await getAlgorithm({ driver: 'sha256-generic' });
  assert.is(byDriver.name, 'sha256');
  assert.is(byDriver.type, 'shash');
  assert.is(byDriver.report.digestsize, 32);
  const byName = await getAlgorithm({ name: 'sha256' });
  assert.is(byName.name, 'sha256');
  await getAlgorithm({ driver: 'no-such-driver' }).then(() => assert.unreachable('ENOENT expected'), (e: Error) => assert.match(String(e), /ENOENT|No such file/));
});

test('nlwire crypto show (text and -j) as a user runs it', () => {
  const list = JSON.parse(nlwire('-j', 'crypto', 'show')) as CryptoAlg[];
  assert.is(list.length, procCrypto().length);
  const text = nlwire('crypto', 'show');
  assert.match(text, /^name\s+: /m);
  assert.match(text, /^driver\s+: sha256-generic$/m);
  assert.is(text.split('\n\n').filter((b) => b.trim()).length, list.length);
  const one = JSON.parse(nlwire('-j', 'crypto', 'show', 'sha256-generic')) as CryptoAlg[];
  assert.is(one[0]!.driver, 'sha256-generic');
});

test.run();
