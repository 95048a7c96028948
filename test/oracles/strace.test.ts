// Oracle: strace's netlink decoder watches NetlinkSocket's syscalls. Its reading of our request
// (type, flags, seq, pid, length) must equal what we sent, and the interface names it finds in the
// kernel's replies must equal what nlwire decoded. Needs strace; without it the test fails with
// the install command. Run: npm run test:oracles
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withNetns } from '../helpers/netns.js';
import { requireTool } from './oracle-helpers.js';

const CHILD = fileURLToPath(new URL('./strace-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface ChildReport {
  portId: number;
  sent: Array<{ length: number; type: number; flags: number; seq: number; pid: number }>;
  ifnames: string[];
  seqs: number[];
  kinds: string[];
}

/** `nlmsg_*=` fields of every netlink header strace printed on a line. */
function headersIn(line: string): Array<{ len: number; type: string; flags: string; seq: number; pid: number }> {
  const re = /\{nlmsg_len=(\d+), nlmsg_type=([^,]+), nlmsg_flags=([^,]+), nlmsg_seq=(\d+), nlmsg_pid=(\d+)\}/g;
  return [...line.matchAll(re)].map((m) => ({ len: Number(m[1]), type: m[2]!, flags: m[3]!, seq: Number(m[4]), pid: Number(m[5]) }));
}

test('strace is installed', () => {
  requireTool('strace', 'strace');
});

test('strace decodes our RTM_GETLINK dump request as sent, and the same interface names as nlwire', async () => {
  requireTool('strace', 'strace');
  const dir = mkdtempSync(join(tmpdir(), 'nlw-strace-'));
  try {
    await withNetns('strace', async (ns) => {
      ns.ip('link', 'add', 'nlw-left', 'type', 'veth', 'peer', 'name', 'nlw-right');
      ns.ip('link', 'add', 'nlw-br', 'type', 'bridge');
      ns.ip('link', 'set', 'nlw-left', 'master', 'nlw-br');
      const log = join(dir, 'strace.log');
      // strace runs inside the namespace too, so it can tell the socket is NETLINK_ROUTE and decode it.
      const r = spawnSync('ip', ['netns', 'exec', ns.name, 'strace', '-f', '-v', '-s', '4096', '-e', 'trace=sendto,sendmsg,recvmsg',
        '-o', log, process.execPath, '--import', 'tsx', CHILD], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      assert.is(r.status, 0, `child under strace failed (${r.status}): ${r.stderr}`);
      const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport;
      const lines = readFileSync(log, 'utf8').split('\n');

      // --- the request ---
      const sends = lines.filter((l) => /\b(sendto|sendmsg)\(/.test(l) && l.includes('nlmsg_type='));
      assert.is(sends.length, 1, `one netlink send, strace saw:\n${sends.join('\n')}`);
      const [req] = headersIn(sends[0]!);
      assert.ok(req, `strace did not decode the request header: ${sends[0]}`);
      const sent = report.sent[0]!;
      assert.is(report.sent.length, 1);
      assert.is(req.type, 'RTM_GETLINK');
      assert.is(sent.type, 18);
      assert.is(req.flags, 'NLM_F_REQUEST|NLM_F_DUMP');
      assert.is(sent.flags, 0x301);
      assert.is(req.seq, sent.seq);
      assert.is(req.pid, sent.pid);
      assert.is(req.pid, report.portId);
      assert.is(req.len, sent.length);
      assert.match(sends[0]!, /ifi_family=AF_UNSPEC/);

      // --- the replies ---
      const recvs = lines.filter((l) => /\brecvmsg\(/.test(l) && /\) = \d+$/.test(l));
      const replyHeaders = recvs.flatMap(headersIn);
      assert.ok(replyHeaders.length >= 2, 'strace decoded the replies');
      assert.equal(replyHeaders.map((h) => h.seq), report.seqs, 'reply sequence numbers');
      assert.ok(replyHeaders.every((h) => h.pid === report.portId), 'replies addressed to our port id');
      assert.equal(replyHeaders.map((h) => h.type === 'NLMSG_DONE' ? 'done' : h.type === 'RTM_NEWLINK' ? 'data' : h.type), report.kinds);
      const straceNames = recvs.flatMap((l) => [...l.matchAll(/nla_type=IFLA_IFNAME\}, "([^"]*)"\]/g)].map((m) => m[1]!));
      assert.equal(straceNames, report.ifnames, 'IFLA_IFNAME: strace vs nlwire');
      assert.equal([...report.ifnames].sort(), ['lo', 'nlw-br', 'nlw-left', 'nlw-right']);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
