/**
 * `npm run web`: one web instance (scripts/web-server.ts: the production Next.js build and the webhook intake
 * listener on one port), configured by the
 * environment only, for running several behind a load balancer (docs/scaling.md). It runs no migrations and
 * generates no secrets: every instance must share DATABASE_URL, TEMPORAL_ADDRESS, SYNCLINE_ENCRYPTION_KEY
 * and BETTER_AUTH_SECRET, so a missing one stops it here, by name, instead of a login or a secret that
 * works on one instance only.
 *
 *   PORT  (default 3000)   HOST  (default 127.0.0.1; 0.0.0.0 for every interface)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../db/embedded';
import { EnvError, parseEnv } from '../domain/platform/env';
import { portFromEnv } from './supervisor/ports';

const REQUIRED = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SYNCLINE_ENCRYPTION_KEY', 'BETTER_AUTH_SECRET'] as const;

function main(): void {
  const environment = parseEnv(process.env);
  const missing = REQUIRED.filter((name) => !environment[name]);
  if (missing.length > 0) {
    throw new EnvError(`${missing.join(', ')} must be set for \`npm run web\`: every web instance and worker shares them (\`npm start\` sets them for one machine).`);
  }
  if (!existsSync(path.join(projectRoot, '.next', 'BUILD_ID'))) throw new EnvError('There is no production build: run `npm run build` first.');
  const port = portFromEnv('PORT', 3000);
  const host = parseEnv(process.env).HOST;
  // The same web process as `npm start`: Next.js and the webhook intake listener on one port.
  const next = spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), [path.join(projectRoot, 'scripts', 'web-server.ts'), '-p', String(port), '-H', host], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => next.kill(signal));
  next.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err instanceof Error && ['EnvError', 'SupervisorError'].includes(err.name) ? err.message : String(err)}\n`);
  process.exit(1);
}
