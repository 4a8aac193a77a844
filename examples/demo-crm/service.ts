/**
 * The demo CRM as one object: its database (created if missing, schema applied), the HTTP server
 * (REST API under /api, web page at /), and the webhook dispatcher. Used by server.ts, tests and benches.
 */
import type http from 'node:http';
import { applyCrmSchema } from './schema';
import { connect, ensureDatabaseOf } from '../shared/database';
import { HttpError, listen, sendError } from '../shared/http';
import { handleApi } from './api-routes';
import { handleBulkApi } from './bulk-routes';
import { apiKeysFromEnv, type ApiKeys } from './auth';
import { Chaos } from './chaos';
import { WebhookDispatcher, type DispatcherOptions } from './dispatcher';
import { RecordStore } from './records';
import { handleUi } from './ui';
import { WebhookStore } from './webhooks';

export interface DemoCrmOptions {
  databaseUrl: string;
  /** 0 = any free port (tests). */
  port: number;
  /** API key -> user; default from the environment (see auth.ts). */
  apiKeys?: ApiKeys;
  webhooks?: Omit<DispatcherOptions, 'log'>;
  log?: (message: string) => void;
}

export interface DemoCrm {
  url: string;
  chaos: Chaos;
  stop(): Promise<void>;
}

export async function startDemoCrm(options: DemoCrmOptions): Promise<DemoCrm> {
  const log = options.log ?? ((m: string) => console.log(m));
  await ensureDatabaseOf(options.databaseUrl);
  const sql = connect(options.databaseUrl, 10);
  try {
    await applyCrmSchema(sql);
  } catch (err) {
    await sql.end({ timeout: 5 });
    throw err;
  }
  const dispatcher = new WebhookDispatcher(sql, { ...options.webhooks, log });
  const records = new RecordStore(sql, () => dispatcher.poke());
  const webhooks = new WebhookStore(sql);
  const chaos = new Chaos();
  const keys = options.apiKeys ?? apiKeysFromEnv();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const work = async () => {
      if (await handleBulkApi(req, res, url, { sql, chaos, keys })) return;
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return handleApi(req, res, url, { records, webhooks, chaos, keys });
      if (await handleUi(req, res, url, { sql, records, webhooks, chaos })) return;
      throw new HttpError(404, `no such page: ${url.pathname}`);
    };
    work().catch((err: unknown) => sendError(res, err, log));
  };

  const server = await listen(handler, options.port).catch(async (err: unknown) => {
    await sql.end({ timeout: 5 });
    throw err;
  });
  dispatcher.start();
  return {
    url: server.url,
    chaos,
    async stop() {
      await server.close();
      await dispatcher.stop();
      await sql.end({ timeout: 5 });
    },
  };
}
