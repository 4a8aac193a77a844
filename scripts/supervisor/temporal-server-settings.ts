/**
 * Settings of the production Temporal server under `npm start` (`SYNCLINE_TEMPORAL=server`), from the
 * validated environment (`domain/platform/env.ts`, documented in the README):
 *
 *   TEMPORAL_DATABASE_URL            the PostgreSQL for `temporal` and `temporal_visibility` (a user that may
 *                                    create databases); default: DATABASE_URL's server (or the embedded one)
 *   SYNCLINE_TEMPORAL_HISTORY_SHARDS fixed when the cluster is created (default 4: one machine)
 *   SYNCLINE_TEMPORAL_SERVICES       which services this process runs (default all four, comma-separated)
 *   SYNCLINE_TEMPORAL_BIND_IP        the address its services listen on and announce (default 127.0.0.1)
 */
import { EnvError, parseEnv } from '../../domain/platform/env';
import { TEMPORAL_SERVICES, type TemporalService } from './temporal-server';

export interface TemporalServerSettings {
  databaseUrl: string | undefined;
  historyShards: number;
  services: TemporalService[];
  bindIp: string;
}

export function temporalServerSettings(source: Record<string, string | undefined>): TemporalServerSettings {
  const env = parseEnv(source);
  const services = (env.SYNCLINE_TEMPORAL_SERVICES ?? TEMPORAL_SERVICES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = services.filter((s) => !(TEMPORAL_SERVICES as readonly string[]).includes(s));
  if (unknown.length > 0 || services.length === 0) {
    throw new EnvError(`SYNCLINE_TEMPORAL_SERVICES must list some of ${TEMPORAL_SERVICES.join(', ')} (comma-separated), not "${env.SYNCLINE_TEMPORAL_SERVICES}".`);
  }
  return {
    databaseUrl: env.TEMPORAL_DATABASE_URL ?? env.DATABASE_URL,
    historyShards: env.SYNCLINE_TEMPORAL_HISTORY_SHARDS,
    services: services as TemporalService[],
    bindIp: env.SYNCLINE_TEMPORAL_BIND_IP ?? '127.0.0.1',
  };
}
