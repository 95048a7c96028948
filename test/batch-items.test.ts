// batchItems: a stream of batches as a stream of items, with the contract of an async generator
// (order, early stop running the source's cleanup, errors, next() called ahead, after the end).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { batchItems } from '../src/core/batch-items.js';

function source(batches: number[][], log: string[], fail?: Error): AsyncGenerator<number[], void, undefined> {
  return (async function* () {
    try {
      for (const b of batches) { await new Promise((r) => setImmediate(r)); yield b; }
      if (fail) throw fail;
    } finally {
      log.push('cleanup');
    }
  })();
}

test('every item in order, empty batches skipped, the source cleaned up once', async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.array(fc.integer(), { maxLength: 5 }), { maxLength: 6 }), async (batches) => {
    const log: string[] = [];
    const got: number[] = [];
    for await (const x of batchItems(source(batches, log))) got.push(x);
    assert.equal(got, batches.flat());
    assert.equal(log, ['cleanup']);
  }), { numRuns: 50 });
});

test('break stops the source (its finally runs) and later next() calls are done', async () => {
  const log: string[] = [];
  const it = batchItems(source([[1, 2, 3], [4, 5], [6]], log));
  const got: number[] = [];
  for await (const x of it) { got.push(x); if (x === 4) break; }
  assert.equal(got, [1, 2, 3, 4]);
  assert.equal(log, ['cleanup']);
  assert.equal(await it.next(), { value: undefined, done: true });
});

test('next() called several times ahead resolves in order, across batches', async () => {
  const log: string[] = [];
  const it = batchItems(source([[1], [2, 3], [], [4]], log));
  const rs = await Promise.all([it.next(), it.next(), it.next(), it.next(), it.next(), it.next()]);
  assert.equal(rs.map((r) => (r.done ? 'done' : r.value)), [1, 2, 3, 4, 'done', 'done']);
  // the protocol's promises: .then works as well as await
  await new Promise<void>((resolve) => { void it.next().then((r) => { assert.ok(r.done); resolve(); }); });
});

test("the source's error reaches the consumer after the items before it", async () => {
  const log: string[] = [];
  const got: number[] = [];
  try {
    for await (const x of batchItems(source([[1, 2], [3]], log, new Error('boom')))) got.push(x);
    assert.unreachable('no error');
  } catch (e) {
    assert.is((e as Error).message, 'boom');
  }
  assert.equal(got, [1, 2, 3]);
  assert.equal(log, ['cleanup']);
});

test('an error thrown in the loop body stops the source', async () => {
  const log: string[] = [];
  try {
    for await (const x of batchItems(source([[1], [2]], log))) if (x === 1) throw new Error('consumer');
  } catch (e) {
    assert.is((e as Error).message, 'consumer');
  }
  assert.equal(log, ['cleanup']);
});

test('await using disposes (ends the source)', async () => {
  const log: string[] = [];
  {
    await using it = batchItems(source([[1, 2], [3]], log));
    assert.equal(await it.next(), { value: 1, done: false });
  }
  assert.equal(log, ['cleanup']);
});

test.run();
