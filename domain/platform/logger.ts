/**
 * Structured logs: one JSON object per line on stdout (pino), with `runId`, `workspaceId`, `flowId`
 * fields where they apply, so a log pipeline can follow one run or one workspace across the web app
 * and the worker. One line per event keeps `npm start`'s per-process line prefix intact.
 * Used by the worker too, so it imports neither `server-only` nor Next.js.
 *
 *   logger.child({ component: 'relay' }).info({ runId, workspaceId, flowId }, 'run started');
 */
import pino from 'pino';
import { env } from './env';

export const logger = pino({
  level: env().SYNCLINE_LOG_LEVEL ?? (env().NODE_ENV === 'test' ? 'silent' : 'info'),
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

export type Logger = typeof logger;

/** The message of any thrown value, for an `error` field (stack traces stay out of the logs). */
export function errorMessage(error: unknown): string {
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
