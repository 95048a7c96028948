// Address and prefix text in the library: exactly one reading of every accepted string. An
// ambiguous form (a leading zero, which inet_aton() and ip read as octal) is refused, never guessed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6, parsePrefix } from '../src/codec.js';

test('parseIPv4: decimal dotted quads only, no leading zeros', () => {
  assert.equal([...parseIPv4('10.0.0.1')!], [10, 0, 0, 1]);
  assert.equal([...parseIPv4('0.0.0.0')!], [0, 0, 0, 0]);
  for (const bad of ['010.0.0.1', '10.00.0.1', '10.0.0.01', '0x0a.0.0.1', '10.0.0', '10', '10.0.0.1 ', ' 10.0.0.1', '+1.0.0.1', '1.2.3.256', '']) {
    assert.is(parseIPv4(bad), undefined, bad);
  }
});

test('parsePrefix: one slash, a decimal length without sign, spaces or leading zero, at most the family bits', () => {
  assert.equal(parsePrefix('10.0.0.0/8'), { address: parseIPv4('10.0.0.0'), prefixLength: 8 });
  assert.is(parsePrefix('10.0.0.1')!.prefixLength, 32);
  assert.is(parsePrefix('2001:db8::/32')!.prefixLength, 32);
  assert.is(parsePrefix('::/0')!.prefixLength, 0);
  assert.is(parsePrefix('::1')!.prefixLength, 128);
  for (const bad of ['10.0.0.0/', '10.0.0.0/08', '10.0.0.0/010', '10.0.0.0/0x8', '10.0.0.0/+8', '10.0.0.0/-0', '10.0.0.0/8 ', '10.0.0.0/ 8',
    '10.0.0.0/8/9', '10.0.0.0/8.0', '10.0.0.0/33', '::/', '::/129', '::/0128', '010.0.0.0/8', '/8']) {
    assert.is(parsePrefix(bad), undefined, bad);
  }
});

test('every formatted address and prefix parses back to itself', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }), (b, len) => {
    const p = parsePrefix(`${formatIPv4(b)}/${len}`);
    return !!p && p.prefixLength === len && formatIPv4(p.address) === formatIPv4(b);
  }));
  fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 128 }), (b, len) => {
    const p = parsePrefix(`${formatIPv6(b)}/${len}`);
    return !!p && p.prefixLength === len && formatIPv6(p.address) === formatIPv6(b) && formatIPv6(parseIPv6(formatIPv6(b))!) === formatIPv6(b);
  }));
});

test.run();
