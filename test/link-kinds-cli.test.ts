// The kind words of `link add/set ... type KIND` (src/cli/link-kinds.ts) as IFLA_INFO_DATA, and
// the values ip refuses. Pure parsing: the kinds themselves are created in the VM lane
// (test/vm/link-kinds.test.ts), which compares the result and the errors with ip.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IpExit, UsageError } from '../src/cli/io.js';
import { parseKindWords } from '../src/cli/link-kinds.js';

const words = (s: string): string[] => s.split(' ').filter(Boolean);

test('bond: mode by name or index, timers, hash policy, LACP rate', () => {
  assert.equal(parseKindWords('bond', words('mode 802.3ad miimon 100 lacp_rate fast xmit_hash_policy layer3+4 min_links 2'))?.data,
    { mode: 4, miimon: 100, adLacpRate: 1, xmitHashPolicy: 1, minLinks: 2 });
  assert.equal(parseKindWords('bond', words('mode 1'))?.data, { mode: 1 });
});

test('vlan: id, protocol, flags with their mask', () => {
  const v = parseKindWords('vlan', words('protocol 802.1ad id 20 reorder_hdr off gvrp on'))!;
  assert.equal(v, { data: { protocol: 0x88a8, id: 20, flags: { flags: 2, mask: 3 } } });
});

test('tunnels: gre keys set the key flags; ip6gre takes IPv6 endpoints; ipip/sit; `any` is left out', () => {
  assert.equal(parseKindWords('gre', words('local 192.0.2.1 remote any ttl 64 key 1.2.3.4 csum'))?.data,
    { local: '192.0.2.1', ttl: 64, ikey: 0x01020304, okey: 0x01020304, iflags: 0xa000, oflags: 0xa000 });
  assert.equal(parseKindWords('ip6gre', words('local 2001:db8::1 remote 2001:db8::2 hoplimit 32 dev eth0')),
    { data: { local: '2001:db8::1', remote: '2001:db8::2', ttl: 32 }, lower: 'eth0' });
  assert.equal(parseKindWords('sit', words('remote 192.0.2.5 nopmtudisc'))?.data, { remote: '192.0.2.5', pmtudisc: 0 });
});

test('vrf, geneve, macsec, dummy, wireguard', () => {
  assert.equal(parseKindWords('vrf', words('table 10'))?.data, { table: 10 });
  assert.equal(parseKindWords('geneve', words('id 77 remote 2001:db8::9 dstport 6082'))?.data, { id: 77, remote6: '2001:db8::9', port: 6082 });
  assert.equal(parseKindWords('macsec', words('port 12 encrypt on sci 0x1122'))?.data, { port: 12, encrypt: 1, sci: 0x1122n });
  assert.equal(parseKindWords('dummy', []), { data: {} });
  assert.equal(parseKindWords('wireguard', []), { data: {} });
  assert.is(parseKindWords('veth', []), undefined, 'kinds parsed elsewhere');
});

test('bad values exit as ip does; unknown words are usage errors, never ignored', () => {
  const exit = (kind: string, s: string): IpExit => {
    try { parseKindWords(kind, words(s)); } catch (e) { if (e instanceof IpExit) return e; throw e; }
    throw new Error(`${kind} ${s}: accepted`);
  };
  assert.equal([exit('bond', 'mode bogus').text, exit('bond', 'mode bogus').code], ['Error: argument "bogus" is wrong: invalid mode\n', 255]);
  assert.is(exit('vlan', 'id 70000').text, 'Error: argument "70000" is wrong: id is invalid\n');
  assert.is(exit('gre', 'ttl 300').text, 'Error: argument "300" is wrong: invalid TTL\n\n');
  assert.is(exit('geneve', 'remote 192.0.2.1').code, 1);
  assert.is(exit('gre', 'remote 2001:db8::1').code, 1);
  assert.throws(() => parseKindWords('dummy', ['numtxqueues']), (e: unknown) => e instanceof UsageError);
  assert.throws(() => parseKindWords('bond', ['arp_ip_target', '1.2.3.4']), (e: unknown) => e instanceof UsageError);
});

test.run();
