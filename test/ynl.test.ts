// YNL specs → engine declarations, without a kernel: numbering rules, definitions, attribute
// types, presentation and request checks, and byte round trips through the engine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { NLM_F } from '../src/core/constants.js';
import { familyMessages } from '../src/families/genl/define.js';
import { buildMessage, decodeAll } from '../src/schema/family.js';
import { compileSpec } from '../src/ynl/family.js';
import { kernelJson, parseJsonExact, prepareAttrs, presentAttrs } from '../src/ynl/present.js';
import { YnlSpecError } from '../src/ynl/spec.js';
import type { YnlModel } from '../src/ynl/convert.js';

const ethtoolSpec = compileSpec(readFileSync(new URL('../specs/ethtool.yaml', import.meta.url), 'utf8'));
const netdevSpec = compileSpec(readFileSync(new URL('../specs/netdev.yaml', import.meta.url), 'utf8'));

/** A spec with every attribute type the converter knows. */
const ZOO = `
name: zoo
protocol: genetlink-legacy
version: 2
doc: test family
definitions:
  - { name: key-len, type: const, value: 4 }
  - { name: color, type: enum, value-start: 3, entries: [ red, green, { name: blue, value: 10 }, cyan ] }
  - { name: opts, type: flags, entries: [ a, b, c ] }
  - { name: mode, type: enum, entries: [ zero, one, two ] }
  - name: pair
    type: struct
    members:
      - { name: kind, type: u8, enum: color }
      - { name: pad, type: pad, len: 1 }
      - { name: port, type: u16, byte-order: big-endian }
      - { name: key, type: binary, len: key-len }
  - name: zoohdr
    type: struct
    members:
      - { name: zone, type: u32 }
attribute-sets:
  - name: main
    attributes:
      - { name: num, type: u32, checks: { min: 2, max: u8-max } }
      - { name: name, type: string, checks: { max-len: 5 } }
      - { name: big, type: u64, value: 10 }
      - { name: after-big, type: s16 }
      - { name: on, type: flag }
      - { name: color, type: u8, enum: color }
      - { name: opts, type: u32, enum: opts }
      - { name: modes, type: u32, enum: mode, enum-as-flags: true }
      - { name: wide-opts, type: u64, enum: opts }
      - { name: inner, type: nest, nested-attributes: inner }
      - { name: list, type: indexed-array, sub-type: nest, nested-attributes: inner }
      - { name: nums, type: indexed-array, sub-type: u16 }
      - { name: blobs, type: indexed-array, sub-type: binary }
      - { name: many, type: u32, multi-attr: true }
      - { name: pair, type: binary, struct: pair }
      - { name: words, type: binary, sub-type: u32 }
      - { name: mac, type: binary, display-hint: mac }
      - { name: v4, type: u32, byte-order: big-endian, display-hint: ipv4 }
      - { name: v6, type: binary, display-hint: ipv6 }
      - { name: uuid, type: binary, display-hint: uuid }
      - { name: bf, type: bitfield32, enum: opts }
      - { name: kind, type: string }
      - { name: data, type: sub-message, sub-message: kinds, selector: kind }
      - { name: tv, type: nest-type-value, type-value: [ slot ], nested-attributes: inner }
      - { name: pad, type: pad }
      - { name: gone, type: unused }
      - { name: count, type: uint }
  - name: inner
    attributes:
      - { name: a, type: u16 }
      - { name: b, type: string }
  - name: inner-a
    subset-of: inner
    attributes:
      - { name: a }
  - name: alpha
    attributes:
      - { name: x, type: u32, value: 7 }
sub-messages:
  - name: kinds
    formats:
      - { value: alpha, attribute-set: alpha }
      - { value: beta, fixed-header: pair }
operations:
  fixed-header: zoohdr
  list:
    - { name: get, attribute-set: main, do: { request: { attributes: [ num ] }, reply: { attributes: [ num, name ] } }, dump: { reply: { attributes: [ num ] } } }
    - { name: set, attribute-set: main, do: { request: { attributes: [ num ] } } }
    - { name: changed, notify: get, mcgrp: events }
    - { name: boom, value: 9, attribute-set: inner, event: { attributes: [ a ] }, mcgrp: events }
mcast-groups:
  list: [ { name: events } ]
`;
const zoo = compileSpec(ZOO);
const set = (m: YnlModel, name: string) => m.sets.get(name)!;
const ids = (m: YnlModel, name: string) => Object.fromEntries(Object.entries(set(m, name).attrs).map(([k, d]) => [k, d.id]));

test('attribute ids count up from 1, or from an explicit value; unused ids are skipped', () => {
  const main = ids(zoo, 'main');
  assert.is(main.num, 1);
  assert.is(main.name, 2);
  assert.is(main.big, 10);
  assert.is(main['after-big'], 11);
  assert.is(main.pad, 32);
  assert.not.ok('gone' in main);
  assert.is(main.count, 34);
  assert.equal(ids(zoo, 'alpha'), { x: 7 });
  assert.equal(ids(zoo, 'inner-a'), { a: 1 }, 'a subset keeps its parent ids');
});

test('enums count from value-start, flags are bit numbers, consts size binaries', () => {
  const color = zoo.enums.get('color')!;
  assert.equal(color.values, { red: 3, green: 4, blue: 10, cyan: 11 });
  assert.equal(zoo.enums.get('opts')!.values, { a: 1, b: 2, c: 4 });
  const pair = zoo.structs.get('pair')!;
  assert.is(pair.size, 8);
  assert.is(zoo.consts.get('key-len'), 4);
});

test('operations: unified ids, notifications, events, groups and C names', () => {
  const f = zoo.family;
  assert.is(f.name, 'zoo');
  assert.is(f.version, 2);
  assert.equal(Object.keys(f.ops), ['get', 'set']);
  assert.is(f.ops.get!.cmd, 1);
  assert.is(f.ops.get!.reply, 1);
  assert.is(f.ops.set!.cmd, 2);
  assert.is(f.ops.set!.reply, undefined, 'no reply declared');
  assert.is(f.events.changed!.cmd, 3);
  assert.is(f.events.changed!.attrs, set(zoo, 'main'));
  assert.is(f.events.boom!.cmd, 9);
  assert.is(f.events.boom!.group, 'events');
  assert.is(f.ops.get!.enumName, 'ZOO_CMD_GET');
  assert.equal(f.mcastGroups, ['events']);
  assert.equal(zoo.ops.map((o) => o.name), ['get', 'set', 'changed', 'boom']);
  assert.equal(f.ops.get!.do, { request: ['num'], reply: ['num', 'name'] });
});

test('directional ids (ethtool): requests and replies numbered apart, notifications in the reply space', () => {
  const ops = Object.fromEntries(ethtoolSpec.ops.map((o) => [o.name, [o.request, o.reply]]));
  assert.equal(ops, {
    'strset-get': [1, 1], 'linkinfo-get': [2, 2], 'linkinfo-set': [3, undefined], 'linkinfo-ntf': [undefined, 3],
    'linkstate-get': [6, 6], 'features-get': [11, 11], 'features-set': [12, 12], 'features-ntf': [undefined, 13],
    'rings-get': [15, 16], 'channels-get': [17, 18], 'channels-set': [18, undefined], 'channels-ntf': [undefined, 19],
  });
  assert.is(ethtoolSpec.family.ops['rings-get']!.enumName, 'ETHTOOL_MSG_RINGS_GET');
  assert.is(netdevSpec.family.ops['queue-get']!.cmd, 10);
  assert.is(netdevSpec.family.ops['napi-get']!.cmd, 11);
  assert.is(netdevSpec.family.events['dev-change-ntf']!.cmd, 4);
});

/** Request bytes built from ynl-style input, decoded back as a reply, presented. */
function roundTrip(model: YnlModel, op: string, input: Record<string, unknown>, fixed: Record<string, unknown> = {}): { bytes: Uint8Array; out: Record<string, unknown> } {
  const { family, requests } = familyMessages(model.family, 0x42);
  const def = requests.get(op)!;
  const attrs = prepareAttrs(model, def.attrs!, input);
  const bytes = buildMessage(def, { flags: NLM_F.MULTI, seq: 7, header: { ...fixed, cmd: model.family.ops[op]!.reply ?? 0, version: 1 }, attrs }).toBytes();
  const [m] = decodeAll(family, bytes);
  if (m?.kind !== 'data') throw new Error('not decoded');
  assert.is(m.name, op);
  return { bytes, out: presentAttrs(model, def.attrs!, m.attrs!) };
}

test('every attribute type encodes from ynl JSON and decodes back to it', () => {
  const input = {
    num: 5, name: 'abc', big: 1n << 40n, 'after-big': -2, on: true, color: 'blue', opts: ['a', 'c'], modes: ['one', 'two'],
    'wide-opts': ['b'], inner: { a: 1, b: 'x' }, list: [{ a: 1 }, { b: 'y' }], nums: [7, 8], blobs: [Uint8Array.of(1, 2, 3)],
    many: [1, 2, 3], pair: { kind: 'green', port: 8080, key: Uint8Array.of(9, 9, 9, 9) }, words: [1, 0xffffffff],
    mac: '02:00:00:00:00:01', v4: '192.0.2.1', v6: '2001:db8::1', uuid: '00112233445566778899aabbccddeeff',
    bf: { value: 1, selector: 5 }, kind: 'alpha', data: { x: 9 }, tv: { slot: 3, a: 4 }, count: 1n << 33n,
  };
  const { out, bytes } = roundTrip(zoo, 'get', input, { zone: 77 });
  assert.equal(out, {
    ...input, uuid: '00112233-4455-6677-8899-aabbccddeeff', bf: { value: ['a'], selector: ['a', 'c'] },
    list: [{ 0: { a: 1 } }, { 1: { b: 'y' } }], // the kernel CLI's form: the index of each item
  });
  // the fixed header follows genlmsghdr
  assert.is(new DataView(bytes.buffer).getUint32(20, true), 77);
});

test('sub-messages with a struct format, and the selector decides', () => {
  const { out } = roundTrip(zoo, 'get', { kind: 'beta', data: { kind: 'red', port: 1, key: Uint8Array.of(1, 2, 3, 4) } });
  assert.equal(out.data, { kind: 'red', port: 1, key: Uint8Array.of(1, 2, 3, 4) });
});

test('requests are checked against the spec', () => {
  const main = set(zoo, 'main');
  assert.throws(() => prepareAttrs(zoo, main, { nope: 1 }), /has no attribute 'nope'/);
  assert.throws(() => prepareAttrs(zoo, main, { num: 1 }), (e: Error) => e instanceof RangeError && /num: 1 is outside 2\.\.255/.test(e.message));
  assert.throws(() => prepareAttrs(zoo, main, { num: 256 }), RangeError);
  assert.throws(() => prepareAttrs(zoo, main, { name: 'toolong' }), /at most 5/);
  assert.throws(() => prepareAttrs(zoo, main, { opts: ['zz'] }), /unknown flag 'zz'/);
  assert.throws(() => prepareAttrs(zoo, main, { inner: { c: 1 } }), /main\.inner: set 'inner' has no attribute 'c'/);
  assert.equal(prepareAttrs(zoo, main, { on: false, num: '7' }), { num: 7 }, 'false flags are left out, numeric strings accepted');
  assert.equal(prepareAttrs(zoo, main, { many: 4 }), { many: [4] }, 'a single value of a multi-attr');
});

test('requests take the kernel CLI\'s forms: hex for bytes, integers for addresses', () => {
  const main = set(zoo, 'main');
  assert.equal(prepareAttrs(zoo, main, { uuid: '0011 2233', mac: '020000000001', v6: 0x20010db8n << 96n }), {
    uuid: Uint8Array.of(0, 0x11, 0x22, 0x33), mac: Uint8Array.of(2, 0, 0, 0, 0, 1), v6: Uint8Array.of(0x20, 1, 0x0d, 0xb8, ...new Uint8Array(12)),
  });
  assert.equal(prepareAttrs(zoo, main, { v4: 0xc0000201 }), { v4: 0xc0000201 });
  assert.throws(() => prepareAttrs(zoo, main, { mac: 'zz' }), /cannot use "zz" as bytes/);
});

test('request JSON keeps integers past 2^53 exact (u64s, IPv6 addresses as integers)', () => {
  const v = parseJsonExact('{"a": 18446744073709551615, "b": [42540766411282592856903984951653826561, 7], "s": "12345678901234567890", "f": 1e30, "n": -9007199254740993}') as Record<string, unknown>;
  assert.equal(v, { a: 18446744073709551615n, b: [42540766411282592856903984951653826561n, 7], s: '12345678901234567890', f: 1e30, n: -9007199254740993n });
  const main = set(zoo, 'main');
  const addr = prepareAttrs(zoo, main, { v6: (parseJsonExact('{"v6": 42540766411282592856903984951653826561}') as { v6: bigint }).v6 });
  assert.equal(addr.v6, Uint8Array.of(0x20, 1, 0x0d, 0xb8, ...new Uint8Array(11), 1), '2001:db8::1 as an integer');
  assert.throws(() => parseJsonExact('{"a": 1'), SyntaxError);
});

test('display hints are applied by length: an ipv4 hint on 16 bytes is an IPv6 address', () => {
  const { out } = roundTrip(zoo, 'get', { v6: Uint8Array.of(10, 0, 0, 1) });
  assert.is(out.v6, '10.0.0.1');
  const odd = roundTrip(zoo, 'get', { v6: Uint8Array.of(1, 2, 3) }).out;
  assert.equal(odd.v6, Uint8Array.of(1, 2, 3), 'an odd length keeps the bytes instead of failing the message');
});

test('kernelJson is Python\'s json.dumps', () => {
  assert.is(kernelJson([{ a: 1, b: Uint8Array.of(0xab, 1), c: 1n << 63n, d: ['x'], e: null, f: 'é' }]), '[{"a": 1, "b": "ab01", "c": 9223372036854775808, "d": ["x"], "e": null, "f": "\\u00e9"}]');
});

test('every spec form: a struct used before it is defined, a placeholder operation', () => {
  const m = compileSpec(`
name: fwd
definitions:
  - { name: outer, type: struct, members: [ { name: in, type: binary, struct: inner }, { name: z, type: u8 } ] }
  - { name: inner, type: struct, members: [ { name: x, type: u16 } ] }
attribute-sets:
  - { name: s, attributes: [ { name: o, type: binary, struct: outer } ] }
operations:
  list:
    - { name: unspec, value: 0 }
    - { name: get, attribute-set: s, do: { reply: { attributes: [ o ] } } }
`);
  assert.is(m.structs.get('outer')!.size, 3);
  assert.is(m.family.ops.get!.cmd, 1);
  assert.not.ok('unspec' in m.family.ops);
  const { out } = roundTrip(m, 'get', { o: { in: Uint8Array.of(5, 0), z: 7 } });
  assert.equal(out.o, { in: { x: 5 }, z: 7 }, 'a nested struct member decoded as the kernel CLI does');
});

test('pad attributes are shown only on request, unknown ones always (as UnknownAttr(N))', () => {
  const { family, requests } = familyMessages(zoo.family, 0x42);
  const def = requests.get('get')!;
  const bytes = buildMessage(def, { flags: 0, seq: 1, header: { cmd: 1, version: 1 }, attrs: { num: 3, pad: new Uint8Array(4), unknown: [{ type: 99, data: Uint8Array.of(1) }] } }).toBytes();
  const [m] = decodeAll(family, bytes);
  if (m?.kind !== 'data') throw new Error('not decoded');
  assert.equal(presentAttrs(zoo, def.attrs!, m.attrs!), { num: 3, 'UnknownAttr(99)': Uint8Array.of(1) });
  assert.equal(presentAttrs(zoo, def.attrs!, m.attrs!, { pads: true }), { num: 3, pad: new Uint8Array(4), 'UnknownAttr(99)': Uint8Array.of(1) });
});

test('notifications: multicast messages (seq 0) select the notification of their command', () => {
  const { family } = familyMessages(zoo.family, 0x42);
  const ntf = buildMessage({ name: 'x', type: 0x42, header: family.messages[0]!.header, attrs: set(zoo, 'inner') }, { flags: 0, header: { cmd: 9, version: 1 }, attrs: { a: 5 } }).toBytes();
  const [m] = decodeAll(family, ntf);
  assert.is(m?.name, 'boom');
  assert.equal(m?.kind === 'data' && m.attrs, { a: 5 });
});

test('spec errors name the place', () => {
  const bad = (text: string, where: RegExp): void => {
    try { compileSpec(text); assert.unreachable('should fail'); } catch (e) {
      assert.instance(e, YnlSpecError);
      assert.match((e as Error).message, where);
    }
  };
  bad('name: x\nattribute-sets: [ { name: s, attributes: [ { name: a, type: u33 } ] } ]\noperations: { list: [] }\n', /attribute-sets\[0\]\.attributes\[0\] \(a\): unknown attribute type 'u33'/);
  bad('name: x\nattribute-sets: [ { name: s, attributes: [ { name: a, type: nest, nested-attributes: nope } ] } ]\noperations: { list: [] }\n', /attribute-sets\.s\.a: no attribute set named 'nope'/);
  bad('name: x\nprotocol: netlink-raw\nattribute-sets: []\noperations: { list: [] }\n', /protonum/);
  bad('name: x\nattribute-sets: []\noperations: { list: [ { name: o, attribute-set: s, do: {} } ] }\n', /operations\.o: no attribute set named 's'/);
  bad('name: [\n', /not valid YAML/);
  bad('name: x\nattribute-sets: [ { name: s, attributes: [ { name: a, type: binary, struct: nope } ] } ]\noperations: { list: [] }\n', /no struct definition named 'nope'/);
});

test('netlink-raw specs: message type is the command, the fixed header is the family header', () => {
  const raw = compileSpec(readFileSync(new URL('../specs/rt-link-mini.yaml', import.meta.url), 'utf8'));
  assert.equal(raw.family.raw, { protocol: 0, groups: { 'rtnlgrp-link': 1 } });
  const { family, requests } = familyMessages(raw.family, 0);
  const req = requests.get('getlink')!;
  assert.is(req.type, 18);
  const bytes = buildMessage({ ...req, type: 16 }, { flags: 0, seq: 3, header: { 'ifi-index': 4, 'ifi-flags': 1 }, attrs: prepareAttrs(raw, req.attrs!, { ifname: 'eth0', mtu: 1500, address: '02:00:00:00:00:01' }) }).toBytes();
  const [m] = decodeAll(family, bytes);
  assert.is(m?.name, 'getlink');
  assert.equal(m?.kind === 'data' && m.header, { 'ifi-family': 0, 'ifi-type': 0, 'ifi-index': 4, 'ifi-flags': 1, 'ifi-change': 0 });
  assert.equal(m?.kind === 'data' && presentAttrs(raw, req.attrs!, m.attrs!), { ifname: 'eth0', mtu: 1500, address: '02:00:00:00:00:01' });
});

test.run();
