/**
 * What the contract fakes of vendor APIs share: a real HTTP server on a free loopback port, JSON
 * answers, a log of requests (time, method, URL, in-flight count), and throttling on demand
 * (`throttleNext(n, …)`: the next n requests get the vendor's 429). Each fake (hubspot-fake.ts, …)
 * implements its vendor's documented contract on top and names the pages it follows.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoggedRequest {
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly status: number;
}

export interface FakeReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Exchange {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

export interface FakeApi {
  readonly url: string;
  readonly log: LoggedRequest[];
  /** The most requests that were in flight at once. */
  readonly maxInFlight: () => number;
  /** The next `count` requests are refused with `reply` (the vendor's 429). */
  throttleNext(count: number, reply: FakeReply): void;
  /** Every request waits this long before it is answered (to observe concurrency). */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export async function startFakeApi(handle: (exchange: Exchange) => FakeReply | Promise<FakeReply>): Promise<FakeApi> {
  const log: LoggedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let latencyMs = 0;
  const throttles: { count: number; reply: FakeReply }[] = [];
  const send = (res: ServerResponse, reply: FakeReply) => {
    const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8';
    res.writeHead(reply.status, { ...(text ? { 'content-type': type } : {}), ...reply.headers }).end(text);
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const at = Date.now();
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let reply: FakeReply;
      try {
        let text = '';
        for await (const chunk of req) text += chunk;
        if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
        const throttle = throttles[0];
        if (throttle) {
          throttle.count -= 1;
          if (throttle.count <= 0) throttles.shift();
          reply = throttle.reply;
        } else {
          let body: unknown = undefined;
          if (text) body = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text;
          reply = await handle({ method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://fake'), headers: req.headers, body });
        }
      } catch (error) {
        reply = { status: 500, body: { error: String(error) } };
      }
      inFlight -= 1;
      log.push({ at, method: req.method ?? 'GET', url: req.url ?? '/', status: reply.status });
      send(res, reply);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    maxInFlight: () => maxInFlight,
    throttleNext(count, reply) {
      throttles.push({ count, reply });
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Monotonic "now" for fakes: two writes in one millisecond still get different modified-at stamps. */
export function monotonicClock(): () => Date {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last);
  };
}
