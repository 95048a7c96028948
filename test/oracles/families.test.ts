// nlwire's family decoders against the system tools: ss, nft -j, conntrack -L, ip xfrm.
// Every tool is required: a missing one fails the test with the package to install.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { listPacketSockets, listSockets, listUnixSockets, PDI, SS_STATE_NAMES, type TcpStateName } from '../../src/families/diag/index.js';
import { listConntrack, listRuleset } from '../../src/families/netfilter/index.js';
import { addPolicy, allocSpi, listPolicies, listSAs } from '../../src/families/xfrm/index.js';
import { familiesCommand } from '../../src/cli/families.js';
import { waitFor, withNetns, type TestNetns } from '../helpers/netns.js';

function requireTool(cmd: string, args: string[], pkg: string): void {
  const r = spawnSync(cmd, args);
  if (r.error || r.status !== 0) throw new Error(`oracle tool '${cmd}' is missing or broken: apt-get install -y ${pkg}`);
}

async function nodeIn(ns: TestNetns, script: string): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  await waitFor(() => out.includes('ready') || child.exitCode !== null, 10_000, 'helper process');
  if (!out.includes('ready')) throw new Error('helper process failed');
  return child;
}

const SOCKETS = `
const net = require('net'), dgram = require('dgram');
net.createServer((s) => { globalThis.k = s; }).listen(48001, '127.0.0.1', () => {
  net.connect(48001, '127.0.0.1', () => {
    dgram.createSocket('udp4').bind(48002, '127.0.0.1', () => {
      dgram.createSocket('udp6').bind(48003, '::1', () => {
        net.createServer().listen(48004, '::', () => {
          const srv = net.createServer().listen('/tmp/nlw-oracle-' + process.pid, () => console.log('ready'));
          process.on('SIGTERM', () => { srv.close(); process.exit(0); });
        });
      });
    });
  });
});`;

/** `ss -H -tuna` rows as "proto state local peer" (ss's own text). */
function ssRows(ns: TestNetns, flags: string): string[] {
  return ns.exec('ss', ['-H', '-n', flags]).split('\n').filter(Boolean).map((l) => {
    const f = l.trim().split(/\s+/);
    return f.join(' ');
  });
}
// as ss prints them: a dual-stack (not v6only) wildcard is '*', other IPv6 addresses are bracketed
const fmt = (a: string, p: number, v6: boolean, v6only?: boolean): string =>
  `${v6 && a === '::' && v6only === false ? '*' : v6 ? `[${a}]` : a}:${p === 0 ? '*' : p}`;

test('sock_diag matches ss -tuna (netid, state, queues, addresses) and ss -xa (inodes, names)', async () => {
  requireTool('ss', ['-V'], 'iproute2');
  await withNetns('oss', async (ns) => {
    const child = await nodeIn(ns, SOCKETS);
    try {
      const ours: string[] = [];
      for (const proto of ['tcp', 'udp'] as const) {
        for (const family of [4, 6] as const) {
          for (const s of await listSockets({ netns: ns.name, protocol: proto, family })) {
            ours.push([proto, SS_STATE_NAMES[s.state as TcpStateName] ?? s.state, s.rqueue, s.wqueue, fmt(s.src, s.srcPort, family === 6, s.v6only), fmt(s.dst, s.dstPort, family === 6, s.v6only)].join(' '));
          }
        }
      }
      const theirs = ssRows(ns, '-tua');
      assert.equal([...ours].sort(), [...theirs].sort());
      assert.ok(ours.length >= 6, 'the helper sockets are there');

      // UNIX: inode, state and peer inode per socket (ss -xa -H: Netid State Recv-Q Send-Q Local Port Peer Port)
      const ux = await listUnixSockets({ netns: ns.name });
      const ssx = ns.exec('ss', ['-H', '-x', '-a']).split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/));
      const byInode = new Map(ssx.map((f) => [Number(f[5]), f]));
      assert.is(ux.length, ssx.length);
      for (const s of ux) {
        const f = byInode.get(s.inode);
        assert.ok(f, `inode ${s.inode} in ss`);
        assert.is(SS_STATE_NAMES[s.state as TcpStateName] ?? s.state, f![1]);
        assert.is(s.name ?? '*', f![4]);
        assert.is(String(s.peer ?? 0), f![7]);
      }
    } finally { child.kill('SIGTERM'); }
  });
});

test('packet_diag matches ss -0 -a -e (netid, protocol, device, inode, version, copy threshold, running)', async () => {
  requireTool('ss', ['-V'], 'iproute2');
  requireTool('python3', ['--version'], 'python3');
  await withNetns('opkt', async (ns) => {
    ns.ip('link', 'set', 'lo', 'up');
    // a raw ETH_P_ALL socket, and a dgram IPv4 one bound to lo, held by python inside the namespace
    const script = `import socket, sys
a = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
b = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800)); b.bind(('lo', 0))
print('ready', flush=True); sys.stdin.read()`;
    const child = spawn('ip', ['netns', 'exec', ns.name, 'python3', '-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await waitFor(() => out.includes('ready') || child.exitCode !== null, 10_000, 'python helper');
      assert.ok(out.includes('ready'), 'python3 opens AF_PACKET sockets in the namespace');
      const names = new Map(ns.ipJson<Array<{ ifindex: number; ifname: string }>>('link', 'show').map((l) => [l.ifindex, l.ifname]));
      const ours = (await listPacketSockets({ netns: ns.name })).map((s) => {
        const local = `${s.protocol === 3 ? '*' : `[${s.protocol}]`}:${s.ifindex ? names.get(s.ifindex) : '*'}`;
        const flags = (s.flags ?? 0) & PDI.RUNNING ? 'running' : '0';
        return `${s.type === 'raw' ? 'p_raw' : 'p_dgr'} ${local} ino:${s.inode} ver:${s.version} cpy_thresh:${s.copyThresh} ${flags}`;
      }).sort();
      // ss -H -0 -a -n -e: a line per socket, then an indented line of details
      const lines = ns.exec('ss', ['-H', '-0', '-a', '-n', '-e']).split('\n');
      const theirs: string[] = [];
      for (let i = 0; i < lines.length; i++) {
        const f = lines[i]!.trim().split(/\s+/);
        if (!/^p_(raw|dgr)$/.test(f[0] ?? '')) continue;
        const ino = f.find((x) => x.startsWith('ino:'));
        const d = (lines[i + 1] ?? '').trim();
        const ver = /ver:(\d+)/.exec(d)?.[1], thresh = /cpy_thresh:(\d+)/.exec(d)?.[1];
        theirs.push(`${f[0]} ${f[4]} ${ino} ver:${ver} cpy_thresh:${thresh} ${/flags\( running/.test(d) ? 'running' : '0'}`);
      }
      assert.equal(ours, theirs.sort());
      assert.is(ours.length, 2, 'the helper sockets are there');
    } finally { child.stdin!.end(); child.kill('SIGTERM'); }
  });
});

test('nf_tables listing matches nft -j list ruleset (tables, chains, hooks, priorities, policies, rule handles)', async () => {
  requireTool('nft', ['--version'], 'nftables');
  await withNetns('onft', async (ns) => {
    ns.exec('nft', ['-f', '-'], [
      'table inet filter {',
      '  set allowed {', '    type ipv4_addr', '    elements = { 10.0.0.1, 10.0.0.2 }', '  }',
      '  chain input {', '    type filter hook input priority 0; policy drop;', '    ip saddr @allowed accept', '    tcp dport 22 counter accept', '  }',
      '  chain output {', '    type filter hook output priority -150; policy accept;', '    ct state new counter', '    meta l4proto udp log prefix "u "', '  }',
      '  chain helper {', '  }',
      '}',
      'table ip nat {', '  chain post {', '    type nat hook postrouting priority 100; policy accept;', '    oifname "lo" masquerade', '  }', '}',
      'table netdev ingress_t {', '}',
    ].join('\n') + '\n');
    type J = { nftables: Array<Record<string, Record<string, unknown>>> };
    const j = JSON.parse(ns.exec('nft', ['-j', 'list', 'ruleset'])) as J;
    const of = (k: string): Array<Record<string, unknown>> => j.nftables.filter((x) => k in x).map((x) => x[k]!);
    const rs = await listRuleset({ netns: ns.name });
    assert.equal(rs.tables.map((t) => `${t.family} ${t.name} ${t.handle}`).sort(), of('table').map((t) => `${t.family} ${t.name} ${t.handle}`).sort());
    assert.equal(
      rs.chains.map((c) => `${c.family} ${c.table} ${c.name} ${c.handle} ${c.type ?? '-'} ${c.hook ?? '-'} ${c.priority ?? '-'} ${c.policy ?? '-'}`).sort(),
      of('chain').map((c) => `${c.family} ${c.table} ${c.name} ${c.handle} ${c.type ?? '-'} ${c.hook ?? '-'} ${c.prio ?? '-'} ${c.policy ?? '-'}`).sort(),
    );
    assert.equal(rs.rules.map((r) => `${r.family} ${r.table} ${r.chain} ${r.handle}`).sort(), of('rule').map((r) => `${r.family} ${r.table} ${r.chain} ${r.handle}`).sort());
    assert.equal(rs.sets.map((s) => `${s.family} ${s.table} ${s.name} ${s.handle}`).sort(), of('set').map((s) => `${s.family} ${s.table} ${s.name} ${s.handle}`).sort());
    // expressions: the set lookup, the port match, log prefix, masquerade (undeclared: kept raw)
    const input = rs.rules.filter((r) => r.chain === 'input');
    assert.ok(input[0]!.expressions.some((e) => e.name === 'lookup' && 'data' in e && e.data.set === 'allowed'));
    const portCmp = input[1]!.expressions.find((e) => e.name === 'cmp' && 'data' in e && e.data.data?.value?.length === 2);
    assert.ok(portCmp && 'data' in portCmp && portCmp.name === 'cmp' && portCmp.data.data!.value![1] === 22);
    const out = rs.rules.filter((r) => r.chain === 'output');
    assert.ok(out[1]!.expressions.some((e) => e.name === 'log' && 'data' in e && e.data.prefix === 'u '));
    const nat = rs.rules.find((r) => r.chain === 'post')!;
    assert.ok(nat.expressions.some((e) => e.name === 'masq' && 'raw' in e));
  });
});

test('conntrack listing matches conntrack -L (tuples, ports, ids, marks)', async () => {
  requireTool('conntrack', ['--version'], 'conntrack');
  requireTool('nft', ['--version'], 'nftables');
  await withNetns('oct', async (ns) => {
    ns.exec('nft', ['add table inet t; add chain inet t c { type filter hook output priority 0; }; add rule inet t c ct state new counter; add rule inet t c udp dport 9997 ct mark set 42']);
    for (const [dst, port] of [['127.0.0.4', 9998], ['127.0.0.5', 9997], ['127.0.0.6', 9996]] as const) {
      ns.exec('bash', ['-c', `echo x > /dev/udp/${dst}/${port}`]);
    }
    const ours = await listConntrack({ netns: ns.name });
    const text = ns.exec('conntrack', ['-L', '-o', 'id']);
    const lines = text.split('\n').filter((l) => l.startsWith('udp'));
    assert.is(ours.length, lines.length);
    assert.is(ours.length, 3);
    for (const c of ours) {
      const l = lines.find((x) => x.includes(`id=${c.id}`));
      assert.ok(l, `conntrack -L has id ${c.id}`);
      assert.match(l!, new RegExp(`src=${c.orig.src} dst=${c.orig.dst} sport=${c.orig.srcPort} dport=${c.orig.dstPort}`));
      assert.match(l!, new RegExp(`src=${c.reply!.src} dst=${c.reply!.dst} sport=${c.reply!.srcPort} dport=${c.reply!.dstPort}`));
      assert.match(l!, new RegExp(`mark=${c.mark}`));
      assert.is(l!.includes('[UNREPLIED]'), !c.status.includes('seen_reply'));
    }
    assert.is(ours.find((c) => c.orig.dstPort === 9997)!.mark, 42);
  });
});

test('xfrm policies match ip xfrm policy list; allocspi matches ip xfrm state list', async () => {
  requireTool('ip', ['-V'], 'iproute2');
  await withNetns('oxfrm', async (ns) => {
    ns.ip('xfrm', 'policy', 'add', 'src', '10.0.0.0/24', 'dst', '10.0.1.0/24', 'dir', 'out', 'priority', '5', 'tmpl', 'src', '192.0.2.1', 'dst', '192.0.2.2', 'proto', 'esp', 'mode', 'tunnel', 'reqid', '9');
    ns.ip('xfrm', 'policy', 'add', 'src', '2001:db8::/48', 'dst', '2001:db8:ff::/48', 'dir', 'fwd');
    await addPolicy({ src: '172.16.0.0/12', dst: '192.168.0.0/16', dir: 'in', priority: 3 }, { netns: ns.name });
    const text = ns.ip('xfrm', 'policy', 'list');
    const theirs = [...text.matchAll(/^src (\S+) dst (\S+)\s*\n\s+dir (\w+) priority (\d+)/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`);
    const ours = (await listPolicies({ netns: ns.name })).map((p) => `${p.selector.src}/${p.selector.srcPrefix} ${p.selector.dst}/${p.selector.dstPrefix} ${p.dir} ${p.priority}`);
    assert.equal([...ours].sort(), [...theirs].sort());
    assert.is(ours.length, 3);
    assert.match(text, /tmpl src 192\.0\.2\.1 dst 192\.0\.2\.2\s+proto esp reqid 9 mode tunnel/);
    const p = (await listPolicies({ netns: ns.name })).find((x) => x.dir === 'out')!;
    assert.equal(p.templates.map((t) => `${t.src} ${t.dst} ${t.proto} ${t.reqid} ${t.mode}`), ['192.0.2.1 192.0.2.2 esp 9 tunnel']);

    const sa = await allocSpi({ src: '198.51.100.1', dst: '198.51.100.2', reqid: 11 }, { netns: ns.name });
    const st = ns.ip('xfrm', 'state', 'list');
    assert.match(st, new RegExp(`src 198\\.51\\.100\\.1 dst 198\\.51\\.100\\.2\\s+proto esp spi 0x${sa.spi.toString(16).padStart(8, '0')} reqid 11 mode transport`));
    const sas = await listSAs({ netns: ns.name });
    assert.equal(sas.map((s) => [s.src, s.dst, s.spi, s.reqid]), [['198.51.100.1', '198.51.100.2', sa.spi, 11]]);
  });
});

test('nlwire xfrm state list prints what ip xfrm state list prints (larval SAs: the host kernel has no ESP/AH); value errors as ip', async () => {
  await withNetns('oxfrt', async (ns) => {
    ns.ip('xfrm', 'state', 'allocspi', 'src', '192.0.2.1', 'dst', '192.0.2.2', 'proto', 'esp', 'reqid', '4', 'mode', 'tunnel');
    await allocSpi({ src: '2001:db8::1', dst: '2001:db8::2', proto: 'ah', min: 0x300, max: 0x3ff }, { netns: ns.name });
    let out = '', err = '';
    const io = { stdout: (x: string) => { out += x; }, stderr: (x: string) => { err += x; } };
    assert.is(await familiesCommand('xfrm', ['state', 'list'], io, ns.name), 0, err);
    assert.fixture(out, ns.ip('xfrm', 'state', 'list'));
    for (const w of [
      ['add', 'src', '1.2.3.4', 'dst', '1.2.3.5', 'proto', 'esx'], ['add', 'src', '1.2.3.4', 'dst', '1.2.3.5', 'proto', 'esp', 'spi', '1', 'mode', 'tun2'],
      ['add', 'src', '1.2.3.4', 'dst', '::1', 'proto', 'esp'], ['add', 'src', '1.2.3.4', 'dst', '1.2.3.5', 'proto', 'esp', 'spi', '1', 'flag', 'bogus'],
      ['add', 'src', '1.2.3.4', 'dst', '1.2.3.5', 'proto', 'esp', 'spi', '1'], ['add', 'src', '1.2.3.4', 'dst', '1.2.3.5', 'proto', 'comp', 'spi', '1', 'enc', 'cbc(aes)', '0x11'],
      ['add', 'src', '1.2.3.4', 'dst', '1.2.3.5', 'proto', 'esp', 'spi', '1', 'aead', 'x', '0x11', '64', 'enc', 'y', '0x1'],
      ['add', 'src', '1.2.3.4', 'dst', '1.2.3.5', 'proto', 'esp', 'spi', '1', 'mark', '1', 'mask', 'y'], ['get', 'dst', '1.1.1.1', 'spi', '1'],
      ['delete', 'dst', '1.1.1.1', 'proto', 'esp', 'spi', '1', 'garbage'], ['flush', 'proto', 'bla'],
      // the kernel's refusals, as ip reports them
      ['delete', 'src', '10.0.0.1', 'dst', '10.0.0.2', 'proto', 'esp', 'spi', '0x100'], ['get', 'src', '10.0.0.1', 'dst', '10.0.0.2', 'proto', 'esp', 'spi', '0x100'],
    ]) {
      out = ''; err = '';
      const rc = await familiesCommand('xfrm', ['state', ...w], io, ns.name);
      const ip = spawnSync('ip', ['-n', ns.name, 'xfrm', 'state', ...w], { encoding: 'utf8' });
      assert.equal([rc, err], [ip.status, ip.stderr], w.join(' '));
    }
  });
});

test('audit status matches auditctl -s when auditctl is installed', async () => {
  const r = spawnSync('auditctl', ['-s'], { encoding: 'utf8' });
  if (r.error) { console.log('\n*** auditctl not installed: checked by test/families.test.ts only ***\n'); return; }
  const { auditStatus } = await import('../../src/families/audit/index.js');
  const s = await auditStatus();
  const backlog = /backlog_limit (\d+)/.exec(r.stdout)?.[1];
  assert.is(String(s.backlogLimit), backlog);
  assert.is(String(s.enabled), /enabled (\d+)/.exec(r.stdout)?.[1]);
});

test.run();
