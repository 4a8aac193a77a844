/**
 * A target system's API for run tests: answers 200 with `{"ok":true}` and remembers each applied
 * request's Idempotency-Key; `/broken` always answers 400 (a flow mistake: not retried); while
 * `failing` is set, every path answers 503 (the system is down: retried).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TargetApi {
  url: string;
  failing: boolean;
  /** Idempotency keys of the requests applied, in order. */
  applied: string[];
  close(): void;
}

export async function startTargetApi(): Promise<TargetApi> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (api.failing) return void res.writeHead(503).end('busy');
      if (req.url?.startsWith('/broken')) return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"unknown field"}');
      api.applied.push(String(req.headers['idempotency-key'] ?? ''));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const api: TargetApi = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, failing: false, applied: [], close: () => server.close() };
  return api;
}
