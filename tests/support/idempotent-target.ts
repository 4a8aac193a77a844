/**
 * A fake target API that honours the `Idempotency-Key` request header as published by the IETF HTTPAPI
 * working group ("The Idempotency-Key HTTP Header Field", draft-ietf-httpapi-idempotency-key-header) and
 * by Stripe (https://docs.stripe.com/api/idempotent_requests): the first request with a key is applied
 * and its response kept; a repeat with the same key gets the kept response and is not applied again.
 *
 * It records every delivery and every applied write (the JSON body), in the order they happened, so a test
 * can tell a redelivery (same key: fine, absorbed here) from a doubled effect (the same write under two keys).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IdempotentTarget {
  url: string;
  /** Every request received: its idempotency key. */
  readonly deliveries: string[];
  /** Every applied write, in order: its key and body. */
  readonly applied: { key: string; body: Record<string, unknown> }[];
  stop(): Promise<void>;
}

/** `writeDelayMs`: how long the target takes to answer a request, as a real API does (0: at once). */
export async function startIdempotentTarget(options: { writeDelayMs?: number } = {}): Promise<IdempotentTarget> {
  const writeDelayMs = options.writeDelayMs ?? 0;
  const deliveries: string[] = [];
  const applied: IdempotentTarget['applied'] = [];
  const kept = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"Idempotency-Key header required"}');
        return;
      }
      deliveries.push(key);
      let response = kept.get(key);
      if (response === undefined) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        applied.push({ key, body });
        response = JSON.stringify({ applied: applied.length });
        kept.set(key, response);
      }
      const answer = response;
      const reply = () => res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
      if (writeDelayMs > 0) setTimeout(reply, writeDelayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    applied,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
