import 'server-only';
import { Client, Connection } from '@temporalio/client';
import { temporalSettings } from './connection-options';

const cache = globalThis as unknown as { __synclineTemporal?: Promise<Client> };

/**
 * The web app's Temporal client: one lazy connection per process, never one per
 * request. A failed connection is not cached, so the next call tries again.
 */
export function getTemporalClient(): Promise<Client> {
  if (!cache.__synclineTemporal) {
    const settings = temporalSettings();
    cache.__synclineTemporal = Connection.connect({ ...settings.connection, connectTimeout: 3000 })
      .then((connection) => new Client({ connection, namespace: settings.namespace }))
      .catch((error: unknown) => {
        cache.__synclineTemporal = undefined;
        throw error;
      });
  }
  return cache.__synclineTemporal;
}
