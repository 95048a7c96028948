// toJsonValue copies only where a value changes (bigints, bytes, undefined, instances): the same
// JSON as a full copy, on any tree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { toJsonValue } from '../src/cli/format.js';

function fullCopy(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(fullCopy);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = fullCopy(x);
    return out;
  }
  return v;
}

const leaf = fc.oneof(fc.integer(), fc.bigInt(), fc.string({ maxLength: 4 }), fc.constant(undefined), fc.constant(null), fc.boolean(), fc.uint8Array({ maxLength: 3 }));
const tree = fc.letrec((t) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(t('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 3 }), t('node'), { maxKeys: 4 })),
})).node;

test('toJsonValue equals a full copy on any tree, and leaves plain trees as they are', () => {
  fc.assert(fc.property(tree, (v) => { assert.equal(toJsonValue(v), fullCopy(v)); }), { numRuns: 3000 });
  const plain = { a: 1, b: ['x', { c: null }] };
  assert.ok(toJsonValue(plain) === plain);
  class Box { constructor(public n: number) {} toJSON(): unknown { return 'boxed'; } }
  assert.equal(toJsonValue({ box: new Box(3) }), { box: { n: 3 } });
});

test.run();
