/**
 * Group commit for calls that arrive close together: `add(item)` queues the item, and one `run(items)`
 * call serves every item queued meanwhile (one statement, one COMMIT for all of them). At most
 * `maxInFlight` runs are in flight; items that arrive while they are full wait and go together in the
 * next run, so batches grow with the load and a lone request is sent at once (no fixed linger).
 *
 * Each item resolves with its own result, or rejects with the run's error: a run is all or nothing, so
 * when it fails every item in it fails. An item still queued after `maxQueueMs` is dropped without being
 * sent (it rejects with {@link QueueTimeoutError}): it is certain not to have been written.
 *
 * (DataLoader batches per tick and lets batches pile up without bound; this gate is the point here.)
 *
 * @example
 * const insert = createMicroBatch((rows: Row[]) => insertAll(rows), { maxBatch: 500, maxInFlight: 1, maxQueueMs: 1500 });
 * const id = await insert.add(row);
 */

/** The item waited in the queue longer than allowed and was never sent. */
export class QueueTimeoutError extends Error {
  override name = 'QueueTimeoutError';
}

export interface MicroBatchOptions {
  /** Largest number of items in one run. */
  readonly maxBatch: number;
  /** Runs in flight at once (each holds one database connection). */
  readonly maxInFlight: number;
  /** How long an item may wait for a free slot before it is dropped, unsent. */
  readonly maxQueueMs: number;
}

export interface MicroBatch<I, O> {
  add(item: I): Promise<O>;
}

interface Pending<I, O> {
  readonly item: I;
  readonly queuedAt: number;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/** `run` must return one result per item, in the items' order. */
export function createMicroBatch<I, O>(run: (items: I[]) => Promise<O[]>, options: MicroBatchOptions): MicroBatch<I, O> {
  let queue: Pending<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;
  let expiryTimer: NodeJS.Timeout | undefined;

  const dropExpired = () => {
    expiryTimer = undefined;
    const cutoff = Date.now() - options.maxQueueMs;
    const expired = queue.filter((p) => p.queuedAt <= cutoff);
    if (expired.length > 0) {
      queue = queue.filter((p) => p.queuedAt > cutoff);
      for (const p of expired) p.reject(new QueueTimeoutError(`waited ${options.maxQueueMs} ms for the database without being sent`));
    }
    watchExpiry();
  };

  // One timer, for the oldest queued item, and only while the item cannot be sent.
  const watchExpiry = () => {
    if (expiryTimer || queue.length === 0 || inFlight < options.maxInFlight) return;
    expiryTimer = setTimeout(dropExpired, Math.max(0, queue[0]!.queuedAt + options.maxQueueMs - Date.now()));
    expiryTimer.unref();
  };

  const dispatch = () => {
    scheduled = false;
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight++;
      void run(batch.map((p) => p.item))
        .then(
          (results) => batch.forEach((p, i) => p.resolve(results[i]!)),
          (error: unknown) => batch.forEach((p) => p.reject(error)),
        )
        .finally(() => {
          inFlight--;
          if (expiryTimer && queue.length === 0) {
            clearTimeout(expiryTimer);
            expiryTimer = undefined;
          }
          schedule();
        });
    }
    watchExpiry();
  };

  // setImmediate: every request parsed in the same turn of the event loop joins the same batch. (A
  // linger timer of a few ms was tried: on a busy machine the timer fires late and throughput fell.)
  const schedule = () => {
    if (scheduled || queue.length === 0 || inFlight >= options.maxInFlight) return;
    scheduled = true;
    setImmediate(dispatch);
  };

  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, queuedAt: Date.now(), resolve, reject });
        schedule();
        watchExpiry();
      });
    },
  };
}
