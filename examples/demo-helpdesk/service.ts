/**
 * The demo helpdesk as one object: its database (created if missing, schema applied) and the small web
 * service with the page. Used by server.ts, tests and benches.
 */
import { connect, ensureDatabaseOf } from '../shared/database';
import { listen, sendError } from '../shared/http';
import { CustomerStore } from './customers';
import { applyHelpdeskSchema } from './schema';
import { handleUi } from './ui';

export interface DemoHelpdeskOptions {
  databaseUrl: string;
  /** 0 = any free port (tests). */
  port: number;
  log?: (message: string) => void;
}

export interface DemoHelpdesk {
  url: string;
  stop(): Promise<void>;
}

export async function startDemoHelpdesk(options: DemoHelpdeskOptions): Promise<DemoHelpdesk> {
  const log = options.log ?? ((m: string) => console.log(m));
  await ensureDatabaseOf(options.databaseUrl);
  const sql = connect(options.databaseUrl, 4);
  try {
    await applyHelpdeskSchema(sql);
  } catch (err) {
    await sql.end({ timeout: 5 });
    throw err;
  }
  const customers = new CustomerStore(sql);
  const server = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    handleUi(req, res, url, customers).catch((err: unknown) => sendError(res, err, log));
  }, options.port).catch(async (err: unknown) => {
    await sql.end({ timeout: 5 });
    throw err;
  });
  return {
    url: server.url,
    async stop() {
      await server.close();
      await sql.end({ timeout: 5 });
    },
  };
}
