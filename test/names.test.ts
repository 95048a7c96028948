// names(): every enum and flag field of a decoded message or a typed object by its declared name,
// from the declarations' own tables; the names are accepted back as input (same bytes); names given
// in another case or with other word breaks ('LISTEN', 'lower-up') match.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decode, decodeViews } from '../src/decode.js';
import { buildMessage, type MessageDef } from '../src/schema/family.js';
import { enumName, enumValue, flagsValue } from '../src/schema/define.js';
import { attrNames, names } from '../src/schema/names.js';
import type { AttrSet, StructDef } from '../src/schema/types.js';
import { iff, rtProtocol, rtScope, rtnetlinkMessages as M } from '../src/families/route/index.js';
import { toRtObject } from '../src/rtnl/rtnl.js';
import { stateMask } from '../src/families/diag/index.js';
import { ethtool, ethtoolHeaderFlags } from '../src/families/genl/index.js';

const route = buildMessage(M.RTM_NEWROUTE, {
  flags: 0,
  header: { family: 2, dstLen: 32, table: 255, protocol: 2, scope: 254, type: 2, flags: 0 },
  attrs: { table: 255, dst: '127.0.0.1', prefsrc: '127.0.0.1', oif: 1 },
}).toBytes();
const link = buildMessage(M.RTM_NEWLINK, {
  flags: 0,
  header: { family: 0, type: 772, index: 1, flags: 0x10049, change: 0 },
  attrs: { ifname: 'lo', mtu: 65536, operstate: 0, linkinfo: { kind: 'veth' } },
}).toBytes();

test('a decoded route: protocol, scope, type, table, family by name (decode() and Rtnl alike)', () => {
  const [m] = decode(route);
  assert.ok(m && m.kind === 'data');
  const n = names(m);
  assert.equal(n.header, { family: 'inet', dstLen: 32, srcLen: 0, tos: 0, table: 'local', protocol: 'kernel', scope: 'host', type: 'local', flags: [] });
  assert.is(n.attrs!.table, 'local');
  assert.is(n.attrs!.oif, 1, 'plain numbers stay numbers');
  // the input is not changed
  assert.is((m.header as { protocol: number }).protocol, 2);
  const obj = toRtObject(m)!;
  assert.equal(names(obj), n, 'an Rtnl object carries its declaration too');
  assert.is(JSON.stringify(obj).includes('def'), false, 'the declaration is not in the JSON');
  // the family header's earlier name answers too, as a getter: not an own property, not in JSON
  assert.is(m.fixed, m.header);
  assert.not.ok(Object.keys(m).includes('fixed'));
  assert.not.ok(JSON.stringify(m).includes('fixed'));
});

test('a decoded link: flags as lists of names, nested sets, enums in attributes', () => {
  const [m] = decode(link);
  assert.ok(m && m.kind === 'data');
  const n = names(m);
  assert.equal(n.header!.flags, ['up', 'loopback', 'running', 'lower_up']);
  assert.is(n.header!.type, 'loopback');
  assert.is(n.attrs!.operstate, 'unknown');
  assert.equal(n.attrs!.linkinfo, { kind: 'veth' });
});

test('the names are the declarations\' (one table): each equals enumName() of the number', () => {
  const [m] = decode(route);
  assert.ok(m && m.kind === 'data');
  const h = names(m).header!;
  assert.is(h.protocol, enumName(rtProtocol, 2));
  assert.is(h.scope, enumName(rtScope, 254));
});

test('values a table lacks stay numbers; leftover flag bits are hex', () => {
  const bytes = buildMessage(M.RTM_NEWROUTE, { flags: 0, header: { family: 2, protocol: 77, scope: 7, type: 1, table: 100, flags: 0 } }).toBytes();
  const [m] = decode(bytes);
  assert.ok(m && m.kind === 'data');
  const h = names(m).header!;
  assert.is(h.protocol, 77);
  assert.is(h.scope, 7);
  assert.is(h.table, 100);
  const l = buildMessage(M.RTM_NEWLINK, { flags: 0, header: { family: 0, type: 1, index: 2, flags: 1 | (1 << 30), change: 0 } }).toBytes();
  const [k] = decode(l);
  assert.ok(k && k.kind === 'data');
  assert.equal(names(k).header!.flags, ['up', '0x40000000']);
});

test('names are input: building from names() gives the same bytes', () => {
  for (const bytes of [route, link]) {
    const [m] = decode(bytes);
    assert.ok(m && m.kind === 'data');
    const n = names(m);
    const again = buildMessage(m.def as MessageDef<StructDef, AttrSet>, { flags: m.flags, seq: m.seq, pid: m.pid, header: n.header!, attrs: n.attrs! }).toBytes();
    assert.equal(again, bytes, m.name);
  }
});

test('attrNames() for attributes alone (genl typed replies)', () => {
  const set = ethtool.ops.linkinfoGet.attrs as AttrSet;
  const out = attrNames(set, { header: { devName: 'eth0', flags: 3 } });
  assert.equal(out, { header: { devName: 'eth0', flags: ['compact_bitsets', 'omit_reply'] } });
});

test('names on input match in any case and with - or _ between words', () => {
  assert.is(enumValue(rtScope, 'HOST'), 254);
  assert.is(enumValue(rtProtocol, 'Kernel'), 2);
  assert.is(flagsValue(iff, ['UP', 'lower-up', 'LOWER_UP', 'lowerUp']), 1 | 0x10000);
  assert.is(flagsValue(ethtoolHeaderFlags, ['omitReply', 'compact-bitsets']), 3);
  assert.is(stateMask(['LISTEN']), stateMask(['listen']));
  assert.is(stateMask(['TIME_WAIT', 'time-wait' as 'time_wait']), 1 << 6);
  assert.throws(() => enumValue(rtScope, 'nowher'), /unknown value 'nowher'/);
  assert.throws(() => stateMask(['listening' as 'listen']), /unknown socket state 'listening'/);
});

test('one naming of the headers: `header` the family header, `nlmsg` the nlmsghdr (objects, views, errors)', () => {
  const [m] = decode(route);
  const [v] = decodeViews(route);
  assert.ok(m && m.kind === 'data' && v);
  assert.equal(v.header, m.header);
  assert.equal(v.nlmsg, m.nlmsg);
  assert.equal(m.nlmsg, { length: route.length, type: 24, flags: 0, seq: 0, pid: 0 });
  assert.equal(JSON.parse(JSON.stringify(m)).header, m.header, 'JSON: header is the family header');
  const ack = Uint8Array.from([36, 0, 0, 0, 2, 0, 0, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 18, 0, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0]);
  const [e] = decode(ack);
  assert.ok(e && e.kind === 'error');
  assert.is(e.nlmsg.seq, 5);
  assert.is(e.request.type, 18);
  // the old name of the input field is refused, not silently sent as an all-zero header
  assert.throws(() => buildMessage(M.RTM_GETROUTE, { flags: 0, fixed: { family: 2 } } as never), /`header`, not `fixed`/);
});

test('names() without a declaration is a typed error', () => {
  assert.throws(() => names({ header: { a: 1 } }), (e: unknown) => e instanceof TypeError && /no declaration/.test((e as Error).message));
});

test.run();
