/**
 * Stands in for the web app's `/api/hooks/[token]` route in scenario tests: the same `acceptWebhook`
 * call on a real socket, minus Next.js, so the demo CRM can deliver its signed webhooks to it.
 *
 *   const intake = await startIntakeServer(db);   // env.appUrl = intake.url
 *   await intake.stop();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../db/client';
import { acceptWebhook } from '../../domain/inbox/accept-webhook';

export interface IntakeServer {
  url: string;
  /** Every delivery received, in order: the raw body and its x-signature header. */
  delivered: { body: string; signature: string }[];
  stop(): Promise<void>;
}

export async function startIntakeServer(db: Db): Promise<IntakeServer> {
  const delivered: IntakeServer['delivered'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const token = /^\/api\/hooks\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
      const body = Buffer.concat(chunks).toString('utf8');
      delivered.push({ body, signature: String(req.headers['x-signature'] ?? '') });
      const header = (name: string) => {
        const value = req.headers[name.toLowerCase()];
        return typeof value === 'string' ? value : null;
      };
      acceptWebhook(db, { token, body, idempotencyKey: header('idempotency-key'), header }).then(
        (outcome) => res.writeHead(outcome.kind === 'accepted' ? 202 : outcome.status, { 'content-type': 'application/json' }).end(JSON.stringify(outcome)),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    delivered,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
