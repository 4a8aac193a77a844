import { readFileSync } from 'node:fs';
import { env as readEnv, type Env } from '../../domain/platform/env';

export interface TemporalSettings {
  address: string;
  namespace: string;
  /** Temporal web UI, used for links from run details. */
  uiUrl: string | null;
  /** Options accepted by both `Connection.connect` (client) and `NativeConnection.connect` (worker). */
  connection: {
    address: string;
    tls?: { clientCertPair: { crt: Buffer; key: Buffer } } | true;
    apiKey?: string;
  };
}

/**
 * Reads the Temporal settings from the environment, for the web app and the
 * worker alike: a local dev server by default; a self-hosted cluster or
 * Temporal Cloud with TEMPORAL_ADDRESS plus mTLS (TEMPORAL_TLS_CERT/KEY paths)
 * or an API key (TEMPORAL_API_KEY).
 */
export function temporalSettings(
  env: Partial<Pick<Env, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_API_KEY' | 'TEMPORAL_UI_URL'>> = readEnv(),
): TemporalSettings {
  const address = env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  const connection: TemporalSettings['connection'] = { address };
  if (env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY) {
    connection.tls = {
      clientCertPair: { crt: readFileSync(env.TEMPORAL_TLS_CERT), key: readFileSync(env.TEMPORAL_TLS_KEY) },
    };
  }
  if (env.TEMPORAL_API_KEY) {
    connection.apiKey = env.TEMPORAL_API_KEY;
    connection.tls ??= true;
  }
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    uiUrl: env.TEMPORAL_UI_URL || null,
    connection,
  };
}
