// parseHex / toHex: plain hex in its usual spellings and the xxd, hexdump -C and strace dump layouts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { DecodeError } from '../src/core/errors.js';
import { parseHex, toHex } from '../src/core/hex.js';

const u8 = (b: Uint8Array): number[] => Array.from(b);
// 'ab\0\x01hello world, 0123456789abcdef\n': the ASCII columns hold text that looks like hex
const SAMPLE = [0x61, 0x62, 0x00, 0x01, ...new TextEncoder().encode('hello world, 0123456789abcdef\n')];

function badFormat(text: string): DecodeError {
  try {
    parseHex(text);
  } catch (e) {
    assert.instance(e, DecodeError);
    assert.is((e as DecodeError).reason, 'bad-format');
    return e as DecodeError;
  }
  assert.unreachable(`parseHex accepted ${JSON.stringify(text)}`);
  throw new Error('unreachable');
}

test('plain hex in the usual spellings', () => {
  assert.equal(u8(parseHex('34000000 10000500')), [0x34, 0, 0, 0, 0x10, 0, 5, 0]);
  assert.equal(u8(parseHex('0x34, 0x0, 0x1,0XFF')), [0x34, 0, 1, 0xff]);
  assert.equal(u8(parseHex('de:ad:BE:EF')), [0xde, 0xad, 0xbe, 0xef]);
  assert.equal(u8(parseHex('"\\x61\\x62\\x00"')), [0x61, 0x62, 0]);
  assert.equal(u8(parseHex('<Buffer 01 02 ff>')), [1, 2, 255]);
  assert.equal(u8(parseHex('# a comment line\n3400\r\n  0000 # trailing comment\n\t10 00')), [0x34, 0, 0, 0, 0x10, 0]);
  assert.equal(u8(parseHex('0x3400000010000500')), [0x34, 0, 0, 0, 0x10, 0, 5, 0]);
  assert.equal(u8(parseHex('')), []);
  assert.equal(u8(parseHex('  \n# nothing\n')), []);
  // a hex stream wrapped at an odd column still reads as one stream
  assert.equal(u8(parseHex('123\n456')), [0x12, 0x34, 0x56]);
});

test('errors are DecodeError bad-format with the text offset', () => {
  assert.is(badFormat('34 zz').offset, 3);
  assert.match(badFormat('34 0g').message, /line 1 column 5/);
  assert.match(badFormat('3400\n12 3').message, /odd number of hex digits/);
  badFormat('0x');
  badFormat('hello');
  badFormat('00000000: 3g00  ..');
  badFormat('00000000  34 00 00 00  |4...|\n*\n');
});

test('xxd dumps (default and -g1), and xxd -p', () => {
  const xxd = [
    '00000000: 6162 0001 6865 6c6c 6f20 776f 726c 642c  ab..hello world,',
    '00000010: 2030 3132 3334 3536 3738 3961 6263 6465   0123456789abcde',
    '00000020: 660a                                     f.',
  ].join('\n');
  assert.equal(u8(parseHex(xxd)), SAMPLE);
  const g1 = [
    '00000000: 61 62 00 01 68 65 6c 6c 6f 20 77 6f 72 6c 64 2c  ab..hello world,',
    '00000010: 20 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65   0123456789abcde',
    '00000020: 66 0a                                            f.',
    '',
  ].join('\n');
  assert.equal(u8(parseHex(g1)), SAMPLE);
  assert.equal(u8(parseHex('6162000168656c6c6f20776f726c642c2030313233343536373839616263\n6465660a\n')), SAMPLE);
  // an offset that does not follow on is a mistake, not data
  badFormat('00000000: 6162  ab\n00000010: 6364  cd');
});

test('hexdump -C dumps, with a * repeat', () => {
  const dump = [
    '00000000  61 62 00 01 68 65 6c 6c  6f 20 77 6f 72 6c 64 2c  |ab..hello world,|',
    '00000010  20 30 31 32 33 34 35 36  37 38 39 61 62 63 64 65  | 0123456789abcde|',
    '00000020  66 0a                                             |f.|',
    '00000022',
  ].join('\n');
  assert.equal(u8(parseHex(dump)), SAMPLE);
  const rep = [
    '00000000  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|',
    '*',
    '00000030  01 02                                             |..|',
    '00000032',
  ].join('\n');
  assert.equal(u8(parseHex(rep)), [...new Array(48).fill(0x41), 1, 2]);
});

test('strace -e read=/write= dumps, syscall lines skipped', () => {
  const log = [
    'write(1, "\\x61\\x62\\x00\\x01\\x68\\x65\\x6c\\x6c"..., 34) = 34',
    ' | 00000  61 62 00 01 68 65 6c 6c  6f 20 77 6f 72 6c 64 2c  ab..hello world, |',
    ' | 00010  20 30 31 32 33 34 35 36  37 38 39 61 62 63 64 65   0123456789abcde |',
    ' | 00020  66 0a                                             f.               |',
  ].join('\n');
  assert.equal(u8(parseHex(log)), SAMPLE);
});

test('toHex: plain, grouped, lines, uppercase; parseHex reads it back', () => {
  const b = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
  assert.is(toHex(b.subarray(0, 4)), '000d1a27');
  assert.is(toHex(b.subarray(0, 4), { group: 1 }), '00 0d 1a 27');
  assert.is(toHex(b.subarray(0, 6), { group: 2, separator: ':' }), '000d:1a27:3441');
  assert.is(toHex(b.subarray(0, 6), { group: 1, lineLength: 4 }), '00 0d 1a 27\n34 41');
  assert.is(toHex(Uint8Array.of(0xab), { uppercase: true }), 'AB');
  assert.is(toHex(new Uint8Array(0)), '');
  for (const opts of [{}, { group: 1 }, { group: 4, lineLength: 16 }, { group: 2, separator: ':' }]) {
    assert.equal(u8(parseHex(toHex(b, opts))), u8(b));
  }
});

test('property: toHex/parseHex round trip; arbitrary text only ever raises DecodeError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 40 }), (b, group, lineLength) => {
    assert.equal(u8(parseHex(toHex(b, { group, lineLength }))), u8(b));
  }), { numRuns: 500 });
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
    try { parseHex(s); } catch (e) { if (!(e instanceof DecodeError)) throw e; }
  }), { numRuns: 3000 });
  const alphabet = fc.constantFrom(...'0123456789abcdefx:|* \n#\\"'.split(''));
  fc.assert(fc.property(fc.array(alphabet, { maxLength: 120 }), (chars) => {
    try { parseHex(chars.join('')); } catch (e) { if (!(e instanceof DecodeError)) throw e; }
  }), { numRuns: 3000 });
});

test.run();
