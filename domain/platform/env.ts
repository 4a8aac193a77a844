/**
 * The environment, read and validated in one place. Every process (the web app, the worker, the
 * supervisor) calls `env()` at start, so a bad value stops it at once with the variable's name and
 * what it expects, never later (a typo in `SYNCLINE_WEBHOOK_MAX_BYTES` used to become `NaN` and turn
 * the body limit off). Unset or empty variables take their documented defaults (README, Configuration).
 *
 * @example
 * const { SYNCLINE_WEBHOOK_MAX_BYTES } = env();
 */
import { z } from 'zod';

type Source = Record<string, string | undefined>;

/** An optional text variable: blank means unset. */
const text = () =>
  z
    .string()
    .optional()
    .transform((value) => value?.trim() || undefined);

/** A whole number of at least `minimum`, or `fallback` when unset. */
const wholeNumber = (fallback: number, minimum = 1) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const trimmed = raw?.trim();
      if (!trimmed) return fallback;
      const value = Number(trimmed);
      if (!Number.isInteger(value) || value < minimum) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number of at least ${minimum}, not "${trimmed}".` });
        return z.NEVER;
      }
      return value;
    });

/** A URL, when set. */
const url = () =>
  text().refine((value) => value === undefined || URL.canParse(value), { message: 'must be a URL (for example http://localhost:3000).' });

/** The address the web app listens on: loopback unless a deployment opens it (an IP address or a host name). */
const host = () =>
  z
    .string()
    .optional()
    .transform((value) => value?.trim() || '127.0.0.1')
    .refine((value) => /^[A-Za-z0-9.-]+$/.test(value) || /^[0-9A-Fa-f:.]+$/.test(value), {
      message: 'must be an IP address or a host name to listen on (127.0.0.1 for this machine only, 0.0.0.0 for every interface).',
    });

const PARTITION_INTERVALS = ['day', 'week', 'month'] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const EnvSchema = z.object({
  NODE_ENV: text(),
  HOST: host(),
  DATABASE_URL: url(),
  TEMPORAL_ADDRESS: text(),
  TEMPORAL_NAMESPACE: text(),
  TEMPORAL_TLS_CERT: text(),
  TEMPORAL_TLS_KEY: text(),
  TEMPORAL_API_KEY: text(),
  TEMPORAL_UI_URL: url(),
  // `npm start`'s Temporal when TEMPORAL_ADDRESS is unset: the dev server, or the production server on PostgreSQL.
  SYNCLINE_TEMPORAL: z
    .string()
    .optional()
    .transform((value) => value?.trim().toLowerCase() || 'dev')
    .refine((value) => value === 'dev' || value === 'server', { message: 'must be "dev" (the Temporal dev server) or "server" (the Temporal server on PostgreSQL).' })
    .transform((value) => value as 'dev' | 'server'),
  TEMPORAL_DATABASE_URL: url(),
  SYNCLINE_TEMPORAL_HISTORY_SHARDS: wholeNumber(4),
  SYNCLINE_TEMPORAL_SERVICES: text(),
  SYNCLINE_TEMPORAL_BIND_IP: text(),
  SYNCLINE_TASK_QUEUE: text(),
  SYNCLINE_ENCRYPTION_KEY: text(),
  SYNCLINE_PREVIOUS_ENCRYPTION_KEYS: text(),
  BETTER_AUTH_SECRET: text(),
  BETTER_AUTH_URL: url(),
  SYNCLINE_WEBHOOK_MAX_BYTES: wholeNumber(1024 * 1024),
  SYNCLINE_METRICS_TOKEN: text(),
  SYNCLINE_LOG_LEVEL: z
    .string()
    .optional()
    .transform((value) => value?.trim().toLowerCase() || undefined)
    .refine((value) => value === undefined || (LOG_LEVELS as readonly string[]).includes(value), { message: `must be one of ${LOG_LEVELS.join(', ')}.` })
    .transform((value) => value as (typeof LOG_LEVELS)[number] | undefined),
  SYNCLINE_WORKER_ACTIVITIES: wholeNumber(100),
  SYNCLINE_WORKER_LOCAL_ACTIVITIES: wholeNumber(100),
  SYNCLINE_WORKER_WORKFLOWS: wholeNumber(40),
  // The SDK needs two workflow pollers when workflows are cached (sticky and normal queue).
  SYNCLINE_WORKER_WORKFLOW_POLLERS: wholeNumber(10, 2),
  SYNCLINE_WORKER_ACTIVITY_POLLERS: wholeNumber(10),
  // Bounded (the SDK's default grows with the heap limit, to thousands): caps the worker's memory.
  SYNCLINE_WORKER_CACHED_WORKFLOWS: wholeNumber(500, 2),
  SYNCLINE_WORKER_SHUTDOWN_GRACE_SECONDS: wholeNumber(20, 0),
  SYNCLINE_WORKER_DB_POOL: wholeNumber(10),
  // Length of new run history partitions (domain/retention/history-partitions.ts).
  SYNCLINE_HISTORY_PARTITION_INTERVAL: z
    .string()
    .optional()
    .transform((value) => value?.trim() || 'day')
    .pipe(z.enum(PARTITION_INTERVALS, { error: 'must be day, week or month.' })),
  SYNCLINE_WORKER_METRICS_ADDRESS: text(),
  // Longer than the Temporal server's long-poll expiry (60 s by default; 5 s on npm start's dev server).
  SYNCLINE_WORKER_SEEN_WITHIN_SECONDS: wholeNumber(70),
  DEMO_CRM_URL: url(),
  DEMO_CRM_API_KEY: text(),
  DEMO_HELPDESK_URL: url(),
  DEMO_HELPDESK_DATABASE_URL: text(),
});

export type Env = z.output<typeof EnvSchema>;

/** One or more variables have values Syncline cannot use; the message names each and what it expects. */
export class EnvError extends Error {
  override name = 'EnvError';
}

/**
 * Validates `source` (a process environment, or a test's). Throws an {@link EnvError} naming every bad
 * variable at once.
 */
export function parseEnv(source: Source): Env {
  const parsed = EnvSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
  throw new EnvError(problems.join('\n'));
}

const NAMES = Object.keys(EnvSchema.shape) as (keyof Env)[];
let cached: { key: string; env: Env } | undefined;

/**
 * The validated process environment. Parsed again only when one of its variables changed (tests and
 * tools set some at run time), so reading it on a hot path costs a few property reads.
 */
export function env(): Env {
  const key = NAMES.map((name) => process.env[name] ?? '').join('\0');
  if (cached?.key !== key) cached = { key, env: parseEnv(process.env) };
  return cached.env;
}
