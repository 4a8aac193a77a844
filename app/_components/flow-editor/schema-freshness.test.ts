import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SCHEMA_PROBLEM_RETRY_MS, schemaFreshness } from './schema-freshness';

// The pickers run in the browser. TanStack Query decides at import whether it runs on a server (no `window`)
// and there never refetches on an interval, so it is loaded here as a browser loads it.
vi.stubGlobal('window', globalThis);
const { QueryClient, QueryObserver } = await import('@tanstack/query-core');
type QueryClient = InstanceType<typeof QueryClient>;

type Answer = { fields?: string[]; problem?: string };

/** A failed call as the tRPC client reports it: the HTTP status of the API's answer in `data`. */
class CallFailed extends Error {
  constructor(readonly data: { httpStatus: number }) {
    super(`the API answered ${data.httpStatus}`);
  }
}

/** A picker's query, watched as a mounted picker watches it, answering from `answers` in turn (an Error is thrown). */
function watchSchema(client: QueryClient, answers: (Answer | Error)[]) {
  const queryFn = vi.fn(async () => {
    const answer = answers[Math.min(queryFn.mock.calls.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return answer;
  });
  const observer = new QueryObserver<Answer>(client, { queryKey: ['fields', 'crm', 'contact'], queryFn, ...schemaFreshness });
  const seen: Answer[] = [];
  const unsubscribe = observer.subscribe((result) => {
    if (result.data) seen.push(result.data);
  });
  const current = observer.getCurrentResult().data;
  if (current) seen.push(current);
  return { queryFn, seen, unsubscribe };
}

describe('schema pickers: which answers are kept', () => {
  let client: QueryClient;
  beforeEach(() => {
    vi.useFakeTimers();
    client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  });
  afterEach(() => {
    client.clear();
    vi.useRealTimers();
  });

  it('asks again after an answer that says the system could not be read, and shows the fields once it answers', async () => {
    const picker = watchSchema(client, [{ problem: 'The system did not answer within 10 s.' }, { fields: ['email', 'name'] }]);
    await vi.advanceTimersByTimeAsync(10);
    expect(picker.seen.at(-1)).toEqual({ problem: 'The system did not answer within 10 s.' });

    await vi.advanceTimersByTimeAsync(SCHEMA_PROBLEM_RETRY_MS);
    expect(picker.queryFn).toHaveBeenCalledTimes(2);
    expect(picker.seen.at(-1)).toEqual({ fields: ['email', 'name'] });

    // Once good, the answer is kept: no more asking.
    await vi.advanceTimersByTimeAsync(SCHEMA_PROBLEM_RETRY_MS * 4);
    expect(picker.queryFn).toHaveBeenCalledTimes(2);
    picker.unsubscribe();
  });

  it('asks again after a call that failed on the way (the API answered 503), and shows the fields once it answers', async () => {
    const picker = watchSchema(client, [new CallFailed({ httpStatus: 503 }), { fields: ['email'] }]);
    await vi.advanceTimersByTimeAsync(10);
    expect(picker.seen).toEqual([]);

    await vi.advanceTimersByTimeAsync(SCHEMA_PROBLEM_RETRY_MS);
    expect(picker.queryFn).toHaveBeenCalledTimes(2);
    expect(picker.seen.at(-1)).toEqual({ fields: ['email'] });
    picker.unsubscribe();
  });

  it('does not ask again after the API refused the request itself (a 4xx)', async () => {
    const picker = watchSchema(client, [new CallFailed({ httpStatus: 400 }), { fields: ['email'] }]);
    await vi.advanceTimersByTimeAsync(SCHEMA_PROBLEM_RETRY_MS * 3);
    expect(picker.queryFn).toHaveBeenCalledTimes(1);
    expect(picker.seen).toEqual([]);
    picker.unsubscribe();
  });

  it('keeps a good answer for a new picker of the same object, without asking the system again', async () => {
    const first = watchSchema(client, [{ fields: ['email'] }]);
    await vi.advanceTimersByTimeAsync(10);
    first.unsubscribe();
    const second = watchSchema(client, [{ fields: ['other'] }]);
    await vi.advanceTimersByTimeAsync(10);
    expect(second.queryFn).not.toHaveBeenCalled();
    expect(second.seen.at(-1)).toEqual({ fields: ['email'] });
    second.unsubscribe();
  });
});
