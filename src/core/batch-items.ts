/**
 * A stream of batches (a dump's datagrams, each already decoded into an array) as a stream of
 * items. An async generator that yields item by item pays a suspension and two promises per item
 * (~0.4 µs, 0.4 s over a 1M-route dump); this iterator hands out the items of a batch it holds
 * from a resolved promise and only waits when it needs the next batch.
 */
export function batchItems<T>(batches: AsyncGenerator<readonly T[], void, undefined>): AsyncGenerator<T, void, undefined> {
  return new BatchItems(batches);
}

const DONE: IteratorReturnResult<void> = Object.freeze({ value: undefined, done: true });

class BatchItems<T> implements AsyncGenerator<T, void, undefined> {
  private batch: readonly T[] = [];
  private next_ = 0;
  private finished = false;
  /** The pull for the next batch in flight: later next() calls wait behind it, in order. */
  private pulling: Promise<IteratorResult<T, void>> | undefined;

  constructor(private readonly batches: AsyncGenerator<readonly T[], void, undefined>) {}

  next(): Promise<IteratorResult<T, void>> {
    if (this.pulling !== undefined) return this.pulling.then(() => this.next());
    if (this.next_ < this.batch.length) return Promise.resolve({ value: this.batch[this.next_++]!, done: false });
    if (this.finished) return Promise.resolve(DONE);
    const p = this.pull();
    this.pulling = p;
    const clear = (): void => { if (this.pulling === p) this.pulling = undefined; };
    p.then(clear, clear);
    return p;
  }

  private async pull(): Promise<IteratorResult<T, void>> {
    for (;;) {
      let r: IteratorResult<readonly T[], void>;
      try {
        r = await this.batches.next();
      } catch (e) {
        this.finished = true;
        throw e;
      }
      if (r.done) { this.finished = true; this.batch = []; return DONE; }
      if (r.value.length === 0) continue;
      this.batch = r.value;
      this.next_ = 1;
      return { value: r.value[0]!, done: false };
    }
  }

  /** Stops early (a `break` out of `for await`): the batches' generator runs its cleanup, which ends the dump. */
  async return(): Promise<IteratorResult<T, void>> {
    this.finished = true;
    this.batch = [];
    await this.pulling?.catch(() => undefined);
    await this.batches.return(undefined);
    return DONE;
  }

  async throw(e: unknown): Promise<IteratorResult<T, void>> {
    await this.return();
    throw e;
  }

  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> { return this; }
  async [Symbol.asyncDispose](): Promise<void> { await this.return(); }
}
