import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attrSet, defineEnum, defineStruct } from '../src/schema/define.js';
import { decodeAttrs, encodeAttrs } from '../src/schema/engine.js';
import { buildMessage, decodeAll, defineMessage } from '../src/schema/family.js';
import { AttributeBuilder } from '../src/core/attr.js';
import { DecodeError } from '../src/core/errors.js';
import { dataView } from '../src/core/header.js';
import type { DecodedSet } from '../src/schema/types.js';

const scope = defineEnum('scope', { universe: 0, link: 253, host: 254 });
const inner = attrSet('inner', {
  a: { id: 1, type: 'u16' },
  b: { id: 2, type: 'string' },
});
const vethLike = attrSet('veth-like', { peerName: { id: 1, type: 'string' } });
const bridgeLike = attrSet('bridge-like', { stp: { id: 5, type: 'u32' } });
const info = attrSet('info', {
  kind: { id: 1, type: 'string' },
  data: { id: 2, type: 'sub-message', selector: 'kind', formats: { veth: vethLike, bridge: bridgeLike } },
});
const hdr = defineStruct('hdr', [
  { name: 'family', type: 'u8' }, { name: 'pad', type: 'pad', len: 1 }, { name: 'kind', type: 'u16' }, { name: 'index', type: 's32' },
]);
const top = attrSet('top', {
  name: { id: 3, type: 'string' },
  mtu: { id: 4, type: 'u32' },
  scope: { id: 5, type: 'u8', enum: scope },
  big: { id: 6, type: 'u64' },
  addr: { id: 7, type: 'ip' },
  mac: { id: 8, type: 'mac' },
  on: { id: 9, type: 'flag' },
  nest: { id: 10, type: 'nest', set: inner },
  many: { id: 11, type: 'u32', multi: true },
  info: { id: 12, type: 'nest', set: info },
  port: { id: 13, type: 'u16', byteOrder: 'big-endian' },
  counters: { id: 14, type: 'array', item: 'u32' },
  list: { id: 15, type: 'indexed-array', item: inner },
  st: { id: 16, type: 'struct', struct: hdr },
  count: { id: 17, type: 'uint' },
});

function roundTrip(v: DecodedSet<typeof top>): Uint8Array {
  const e = encodeAttrs(top, v);
  const b = new Uint8Array(e.byteLength());
  const end = e.encodeInto(dataView(b), 0);
  assert.is(end, b.length);
  return b;
}

test('typed values encode and decode', () => {
  const value: DecodedSet<typeof top> = {
    name: 'eth0', mtu: 1500, scope: 253, big: 1n << 40n, addr: '2001:db8::1', mac: '02:00:00:00:00:01', on: true,
    nest: { a: 7, b: 'x' }, many: [1, 2, 3], info: { kind: 'veth', data: { peerName: 'p0' } }, port: 443,
    counters: [1, 2], list: [{ a: 1 }, { b: 'z' }], st: { family: 2, kind: 1, index: -1 }, count: 5n,
  };
  const bytes = roundTrip(value);
  const back = decodeAttrs(top, bytes);
  assert.equal(back, value);
  // decode -> encode gives identical bytes
  assert.equal(roundTrip(back), bytes);
  // big-endian really is big-endian on the wire
  const b2 = new AttributeBuilder().u16(13, 0).toBytes();
  assert.is(b2.length, 8);
});

test('unknown attributes are kept and re-encoded byte for byte, in place', () => {
  const b = new AttributeBuilder().string(3, 'lo').u32(99, 0xdeadbeef).u32(4, 65536).bytes(100, new Uint8Array([1, 2, 3])).toBytes();
  const d = decodeAttrs(top, b);
  assert.is(d.name, 'lo');
  assert.is(d.mtu, 65536);
  assert.is(d.unknown!.length, 2);
  assert.is(d.unknown![0]!.type, 99);
  const again = encodeAttrs(top, d);
  const out = new Uint8Array(again.byteLength());
  again.encodeInto(dataView(out), 0);
  assert.equal(out, b);
});

test('enum names are accepted when building', () => {
  const e = encodeAttrs(top, { scope: 'host' } as unknown as DecodedSet<typeof top>);
  const out = new Uint8Array(e.byteLength());
  e.encodeInto(dataView(out), 0);
  assert.is(decodeAttrs(top, out).scope, 254);
});

test('bad sizes and truncation raise DecodeError with offsets', () => {
  const b = new AttributeBuilder().string(3, 'lo').u16(4, 5).toBytes(); // mtu needs 4 bytes
  try { decodeAttrs(top, b); assert.unreachable(); } catch (e) {
    assert.instance(e, DecodeError);
    assert.is((e as DecodeError).reason, 'attr-bad-size');
    assert.is((e as DecodeError).offset, 8);
  }
  const t = new AttributeBuilder().string(3, 'eth0').toBytes().subarray(0, 7);
  try { decodeAttrs(top, t); assert.unreachable(); } catch (e) {
    assert.is((e as DecodeError).reason, 'attr-truncated');
    assert.is((e as DecodeError).offset, 0);
  }
});

test('messages: fixed header + attributes, control messages', () => {
  const m = defineMessage({ name: 'NEWTHING', type: 16, header: hdr, attrs: top });
  const bytes = buildMessage(m, { flags: 2, seq: 9, header: { family: 10, kind: 1, index: 3 }, attrs: { name: 'x', mtu: 9000 } }).toBytes();
  const [msg] = decodeAll({ name: 't', protocol: 0, messages: [m] }, bytes);
  assert.is(msg!.kind, 'data');
  if (msg!.kind === 'data') {
    assert.equal(msg.header, { family: 10, kind: 1, index: 3 });
    assert.equal(msg.attrs, { name: 'x', mtu: 9000 });
    assert.is(msg.nlmsg.seq, 9);
  }
});

test.run();
