/** Readiness probes: Temporal frontend (gRPC) and HTTP endpoints. */
import { Connection } from '@temporalio/client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Wait until the Temporal frontend at `address` answers and knows `namespace`.
 * `isAlive` lets the caller abort early when the server process died.
 */
export async function waitForTemporal(
  address: string,
  namespace: string,
  { timeoutMs = 60_000, isAlive = () => true }: { timeoutMs?: number; isAlive?: () => boolean } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('the Temporal server exited before it was ready');
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await connection?.close().catch(() => {});
    }
    await sleep(250);
  }
  throw new Error(
    `Temporal at ${address} did not become ready (namespace "${namespace}") within ${Math.round(timeoutMs / 1000)}s: ${
      lastError instanceof Error ? lastError.message : String(lastError)
    }`,
  );
}

export type HttpProbeResult = { status: number } | { error: string };

export async function probeHttp(url: string, timeoutMs = 5_000): Promise<HttpProbeResult> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel().catch(() => {});
    return { status: res.status };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Poll `url` until `accept(status)` says ready. Returns the last status, or throws on timeout.
 */
export async function waitForHttp(
  url: string,
  {
    timeoutMs = 120_000,
    accept = (status: number) => status === 200,
    isAlive = () => true,
    onWaiting,
  }: {
    timeoutMs?: number;
    accept?: (status: number) => boolean;
    isAlive?: () => boolean;
    onWaiting?: (last: HttpProbeResult, elapsedMs: number) => void;
  } = {},
): Promise<number> {
  const started = Date.now();
  let last: HttpProbeResult = { error: 'not tried' };
  let lastReport = started;
  while (Date.now() - started < timeoutMs) {
    if (!isAlive()) throw new Error(`the process serving ${url} exited`);
    last = await probeHttp(url, 30_000);
    if ('status' in last && accept(last.status)) return last.status;
    if (onWaiting && Date.now() - lastReport > 15_000) {
      lastReport = Date.now();
      onWaiting(last, Date.now() - started);
    }
    await sleep(500);
  }
  throw new Error(
    `${url} was not ready within ${Math.round(timeoutMs / 1000)}s (last: ${'status' in last ? `HTTP ${last.status}` : last.error})`,
  );
}
