/**
 * API keys -> user identities. Every write records the caller's identity in modifiedBy, which is what
 * Syncline's loop prevention compares with its integration account (`svc-sync`).
 *
 *   DEMO_CRM_API_KEYS="key1=user1,key2=user2"   full list (overrides the default)
 *   DEMO_CRM_API_KEY="..."                      the integration key (user svc-sync), default demo-crm-integration-key
 */
import type http from 'node:http';
import { HttpError } from '../shared/http';

export const INTEGRATION_USER = 'svc-sync';
export const DEFAULT_INTEGRATION_KEY = 'demo-crm-integration-key';
/** The identity of everything done through the web page. */
export const UI_USER = 'alice';

export type ApiKeys = Map<string, string>;

export function apiKeysFromEnv(env: NodeJS.ProcessEnv = process.env): ApiKeys {
  const list = env.DEMO_CRM_API_KEYS?.trim();
  if (!list) return new Map([[env.DEMO_CRM_API_KEY?.trim() || DEFAULT_INTEGRATION_KEY, INTEGRATION_USER]]);
  const keys: ApiKeys = new Map();
  for (const pair of list.split(',')) {
    const [key, user] = pair.split('=').map((s) => s.trim());
    if (!key || !user) throw new Error(`DEMO_CRM_API_KEYS: expected "key=user" pairs separated by commas, got "${pair}"`);
    keys.set(key, user);
  }
  return keys;
}

/** The caller's identity, or a 401. */
export function authenticate(req: http.IncomingMessage, keys: ApiKeys): string {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new HttpError(401, 'missing API key: send the header "Authorization: Bearer <api key>"');
  const user = keys.get(match[1]!);
  if (!user) throw new HttpError(401, 'unknown API key');
  return user;
}
