/**
 * What each connection kind stores. Settings are non-secret and returned to admins; the secret is
 * always ONE string (API key, bearer token, basic password, OAuth2 client secret, PostgreSQL URL,
 * webhook shared secret), encrypted at rest and never returned. The demo kinds reuse the REST and
 * PostgreSQL shapes: the demo CRM is a REST API, the demo helpdesk a PostgreSQL database. Kind
 * `connector` is a system declared with `defineConnector` (HubSpot, Zendesk, …): its settings name the
 * declaration (see connectors/kit/connector-settings.ts). Kind `mysql` (MySQL or MariaDB) keeps host,
 * port, database, user and TLS in its settings and only the password as its secret; the password is
 * bound to the `user@host:port` it was entered for (`passwordFor`, see {@link mysqlPasswordTarget}).
 */
import { z } from 'zod';
import { CONNECTION_KIND_VALUES, type ConnectionKindValue } from '../../db/schema';
import { authOf, ConnectorSettingsSchema, type ConnectorSettings } from '../connectors/kit/connector-settings';
import { clientFromEnvironment } from '../connectors/kit/oauth-app';

export const ConnectionKindSchema = z.enum(CONNECTION_KIND_VALUES, { error: 'kind: choose REST API, PostgreSQL, webhook, a known system or a demo system.' });

export const RestAuthSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('none') }),
    z.object({ type: z.literal('apiKey'), headerName: z.string().trim().min(1, 'auth.headerName: enter the header that carries the API key, e.g. X-Api-Key.').regex(/^[A-Za-z0-9-]+$/, 'auth.headerName: letters, digits and dashes only.') }),
    z.object({ type: z.literal('bearer') }),
    z.object({ type: z.literal('basic'), username: z.string().min(1, 'auth.username: enter the user name for basic auth.') }),
    z.object({
      type: z.literal('oauth2'),
      tokenUrl: z.url({ error: 'auth.tokenUrl: enter the OAuth2 token endpoint URL (https://…).' }),
      clientId: z.string().trim().min(1, 'auth.clientId: enter the OAuth2 client id.'),
      scope: z.string().trim().default(''),
    }),
  ],
  { error: 'auth.type: choose none, apiKey, bearer, basic or oauth2.' },
);
export type RestAuth = z.infer<typeof RestAuthSchema>;

export const RestSettingsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/, error: 'baseUrl: enter the API base URL, starting with http:// or https://.' }),
  auth: RestAuthSchema,
  /** Path requested by "Test connection", relative to the base URL. */
  healthPath: z.string().trim().default(''),
});
export type RestSettings = z.infer<typeof RestSettingsSchema>;

export const PostgresSettingsSchema = z.object({
  schema: z
    .string()
    .trim()
    .default('public')
    .refine((s) => /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(s), 'schema: a PostgreSQL schema name (letters, digits, underscore).'),
});
export type PostgresSettings = z.infer<typeof PostgresSettingsSchema>;

export const WebhookSettingsSchema = z.object({});

const MYSQL_NAME = /^[A-Za-z0-9_$]{1,64}$/;
export const MysqlSettingsSchema = z.object({
  host: z
    .string({ error: 'host: enter the database server host name or address.' })
    .trim()
    .min(1, 'host: enter the database server host name or address.')
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'host: a host name or IP address (letters, digits, dots, dashes).'),
  port: z.coerce.number({ error: 'port: a port number (3306 by default).' }).int('port: a whole number.').min(1, 'port: between 1 and 65535.').max(65535, 'port: between 1 and 65535.').default(3306),
  database: z.string({ error: 'database: enter the database (schema) name.' }).trim().regex(MYSQL_NAME, 'database: a MySQL database name (letters, digits, underscore, $).'),
  user: z.string({ error: 'user: enter the database user name.' }).trim().min(1, 'user: enter the database user name.').max(80, 'user: at most 80 characters.'),
  /** off: plain TCP; required: encrypted, certificate not checked; verified: encrypted and the certificate checked (default). */
  tls: z.enum(['off', 'required', 'verified'], { error: 'tls: choose off, required or verified.' }).default('verified'),
  /** Set by the server when the password is stored: the `user@host:port` it may be sent to. */
  passwordFor: z.string().optional(),
});
export type MysqlSettings = z.infer<typeof MysqlSettingsSchema>;

/** Where a MySQL connection's password may go: the user, host and port it was entered for. */
export function mysqlPasswordTarget(settings: Pick<MysqlSettings, 'user' | 'host' | 'port'>): string {
  return `${settings.user}@${settings.host.toLowerCase()}:${settings.port}`;
}

const settingsByKind = {
  rest: RestSettingsSchema,
  'demo-crm': RestSettingsSchema,
  postgres: PostgresSettingsSchema,
  'demo-helpdesk': PostgresSettingsSchema,
  webhook: WebhookSettingsSchema,
  connector: ConnectorSettingsSchema,
  mysql: MysqlSettingsSchema,
} as const satisfies Record<ConnectionKindValue, z.ZodType>;

export type ConnectionSettings = RestSettings | PostgresSettings | MysqlSettings | ConnectorSettings | Record<string, never>;

export function isRestKind(kind: ConnectionKindValue): kind is 'rest' | 'demo-crm' {
  return kind === 'rest' || kind === 'demo-crm';
}
export function isPostgresKind(kind: ConnectionKindValue): kind is 'postgres' | 'demo-helpdesk' {
  return kind === 'postgres' || kind === 'demo-helpdesk';
}

/** A MySQL or MariaDB database. */
export function isMysqlKind(kind: ConnectionKindValue): kind is 'mysql' {
  return kind === 'mysql';
}

/** A system declared with `defineConnector`. */
export function isConnectorKind(kind: ConnectionKindValue): kind is 'connector' {
  return kind === 'connector';
}

/** Parses settings for a kind; the error names the field. */
export function parseSettings(kind: ConnectionKindValue, settings: unknown): { ok: true; value: ConnectionSettings } | { ok: false; message: string } {
  const parsed = settingsByKind[kind].safeParse(settings ?? {});
  if (parsed.success) return { ok: true, value: parsed.data as ConnectionSettings };
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  const message = issue?.message ?? 'invalid settings';
  return { ok: false, message: message.includes(':') || !path ? `settings.${message}` : `settings.${path}: ${message}` };
}

/** Whether a connection of this kind and settings needs a secret at all, and what it is called. */
export function secretNeed(kind: ConnectionKindValue, settings: ConnectionSettings): { needed: boolean; label: string } {
  if (isPostgresKind(kind)) return { needed: true, label: 'Database URL' };
  if (kind === 'webhook') return { needed: true, label: 'Shared HMAC secret' };
  if (isMysqlKind(kind)) return { needed: true, label: 'Password' };
  if (isConnectorKind(kind)) {
    const declared = authOf(settings as ConnectorSettings);
    if (declared.type === 'none') return { needed: false, label: 'Secret' };
    // OAuth sign-in: the secret is the OAuth app's client secret, unless the installation's own app signs in.
    if (declared.type === 'oauth2AuthorizationCode') return { needed: !clientFromEnvironment(declared), label: 'Client secret' };
    return { needed: true, label: declared.label };
  }
  const auth = (settings as RestSettings).auth;
  switch (auth.type) {
    case 'none':
      return { needed: false, label: 'Secret' };
    case 'apiKey':
      return { needed: true, label: 'API key' };
    case 'bearer':
      return { needed: true, label: 'Bearer token' };
    case 'basic':
      return { needed: true, label: 'Password' };
    case 'oauth2':
      return { needed: true, label: 'Client secret' };
    default: {
      const never: never = auth;
      throw new Error(`unknown auth ${String(never)}`);
    }
  }
}

/** Checks a secret's shape for its kind; returns a message naming the field, or null. */
export function checkSecret(kind: ConnectionKindValue, secret: string): string | null {
  if (secret.trim().length === 0) return 'secret: enter a value.';
  if (isPostgresKind(kind)) {
    try {
      const url = new URL(secret);
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return 'secret: the database URL must start with postgres:// or postgresql://.';
    } catch {
      return 'secret: the database URL is not a URL (postgres://user:password@host:5432/database).';
    }
  }
  if (kind === 'webhook' && secret.length < 16) return 'secret: a webhook shared secret needs at least 16 characters.';
  return null;
}

/** A PostgreSQL URL without its password, safe to show (the URL itself is the secret). */
export function redactDatabaseUrl(url: string): string {
  const u = new URL(url);
  u.password = '';
  u.search = '';
  return u.toString();
}
