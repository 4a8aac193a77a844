/**
 * Structured logs: one JSON object per line on stdout (pino), with `runId`, `workspaceId`, `flowId`
 * fields where they apply, so a log pipeline can follow one run or one workspace across the web app
 * and the worker. One line per event keeps `npm start`'s per-process line prefix intact.
 * Used by the worker too, so it imports neither `server-only` nor Next.js.
 *
 *   logger.child({ component: 'relay' }).info({ runId, workspaceId, flowId }, 'run started');
 */
import { DrizzleQueryError } from 'drizzle-orm';
import pino from 'pino';
import { env } from './env';

export const logger = pino({
  level: env().SYNCLINE_LOG_LEVEL ?? (env().NODE_ENV === 'test' ? 'silent' : 'info'),
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

export type Logger = typeof logger;

/**
 * The message of any thrown value, for an `error` field (stack traces stay out of the logs). A failed
 * query's own message ("Failed query: … params: …") carries its parameters, which are payloads,
 * webhook tokens and personal data: only the database's reason (its cause) is kept.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof DrizzleQueryError) return `database query failed: ${error.cause ? errorMessage(error.cause) : 'no reason given'}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The message of a thrown value and of its causes, outermost first: "Failed to start Workflow: 14 UNAVAILABLE:
 * No connection established". Clients that wrap errors (Temporal's ServiceError) say what failed; the cause
 * says why.
 */
export function errorWithCauses(error: unknown): string {
  const messages: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const message = errorMessage(current);
    if (message && !messages.some((m) => m.includes(message))) messages.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return messages.join(': ');
}

/** `error`, or, for a failed query, an Error with only its reason: for messages that are stored or shown (run records, Temporal history). */
export function withoutQueryParameters(error: unknown): unknown {
  return error instanceof DrizzleQueryError ? new Error(errorMessage(error)) : error;
}
