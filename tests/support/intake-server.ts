/**
 * Stands in for the web process in scenario tests: the real intake listener of `npm start`
 * (domain/inbox/intake-listener.ts, with group commit) on a real socket, minus Next.js, so the demo CRM
 * can deliver its signed webhooks to it.
 *
 *   const intake = await startIntakeServer(db);   // env.appUrl = intake.url
 *   await intake.stop();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../db/client';
import { createIntakeListener } from '../../domain/inbox/intake-listener';
import { logger } from '../../domain/platform/logger';

export interface IntakeServer {
  url: string;
  /** Every delivery received, in order: the raw body and its x-signature header. */
  delivered: { body: string; signature: string }[];
  stop(): Promise<void>;
}

export async function startIntakeServer(db: Db): Promise<IntakeServer> {
  const delivered: IntakeServer['delivered'] = [];
  const intake = createIntakeListener({ db, maxBodyBytes: 1024 * 1024, log: logger.child({ component: 'intake' }) });
  const server = http.createServer((req, res) => {
    if (!intake.handles(req)) return void res.writeHead(404).end();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => delivered.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['x-signature'] ?? '') }));
    intake.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    delivered,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
