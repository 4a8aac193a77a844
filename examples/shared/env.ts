/**
 * Environment of the demo services: where their database is and which port to listen on, plus the
 * process boilerplate (ready line, graceful SIGTERM) both server.ts files share.
 */
import { withDatabase } from './database';

/** `<directVar>` if set, else `<database>` on the cluster of DATABASE_ADMIN_URL (or DATABASE_URL). */
export function databaseUrlFromEnv(directVar: string, nameVar: string, defaultName: string, env: NodeJS.ProcessEnv = process.env): string {
  const direct = env[directVar]?.trim();
  if (direct) return direct;
  const cluster = env.DATABASE_ADMIN_URL?.trim() || env.DATABASE_URL?.trim();
  if (!cluster) throw new Error(`set ${directVar}, or DATABASE_ADMIN_URL (the database ${defaultName} is created on that cluster)`);
  return withDatabase(cluster, env[nameVar]?.trim() || defaultName);
}

export function portFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got "${raw}"`);
  return port;
}

/** Starts a service, prints `<name> ready on <url>` (the supervisor waits for that line), stops on SIGTERM/SIGINT. */
export function runService(name: string, start: () => Promise<{ url: string; stop(): Promise<void> }>): void {
  start().then(
    (service) => {
      console.log(`${name} ready on ${service.url}`);
      let stopping = false;
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.on(signal, () => {
          if (stopping) return;
          stopping = true;
          console.log(`${signal}: stopping`);
          service.stop().then(
            () => process.exit(0),
            (err: unknown) => {
              console.error(err);
              process.exit(1);
            },
          );
        });
      }
    },
    (err: unknown) => {
      console.error(`${name} failed to start: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
