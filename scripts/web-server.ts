/**
 * The web process of `npm start`: one port, one `node:http` server. Webhook deliveries
 * (`POST /api/hooks/<token>`) go to the intake listener (domain/inbox/intake-listener.ts: no Next.js
 * request pipeline, group commit); everything else goes to Next.js (the production build, as
 * `next start` would serve it), through Next's documented custom-server API.
 *
 *   tsx scripts/web-server.ts -p 3000 [-H 127.0.0.1]      (PORT is read when -p is not given)
 *
 * Started by `npm start` (scripts/start.ts) and by `npm run web` (scripts/web.ts, one instance of several).
 *
 * `next dev` and a bare `next start` serve the same URLs through the Next.js route
 * app/api/hooks/[token]/route.ts, with the same answers (without group commit).
 */
import http from 'node:http';
import next from 'next';
import { projectRoot } from '../db/embedded';
import { intakeDb } from '../domain/inbox/intake-db';
import { createIntakeListener } from '../domain/inbox/intake-listener';
import { env } from '../domain/platform/env';
import { logger } from '../domain/platform/logger';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = Number(flag('-p') ?? process.env.PORT ?? 3000);
const hostname = flag('-H');
const log = logger.child({ component: 'intake' });

// As `next start` does: the production build, React's production mode.
if (!process.env.NODE_ENV) Object.assign(process.env, { NODE_ENV: 'production' });
const app = next({ dev: false, dir: projectRoot, port, hostname: hostname ?? 'localhost' });
const nextHandler = app.getRequestHandler();
await app.prepare();

const intake = createIntakeListener({ db: intakeDb().db, maxBodyBytes: env().SYNCLINE_WEBHOOK_MAX_BYTES, log });
const server = http.createServer((req, res) => {
  if (intake.handles(req)) intake.handle(req, res);
  else void nextHandler(req, res);
});
server.listen(port, hostname, () => {
  console.log(`web: listening on http://${hostname ?? 'localhost'}:${port} (webhook intake: node:http with group commit; the rest: Next.js)`);
});

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    // Stop accepting; requests in flight (a batch waiting for its COMMIT) are answered before exit.
    server.close(() => void intakeDb().close().finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
