/**
 * Which errors mean "PostgreSQL is away" (stopped, restarting, refusing connections, the network cut)
 * rather than a bug. The worker rides such an outage out: loops back off, activities are retried by
 * Temporal, and as a last line an uncaught one is logged instead of ending the process
 * (temporal/database-fault-guard.ts).
 */

/** postgres.js's own connection error codes, Node's socket errors, and PostgreSQL's "cannot connect now" states. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  '57P01', // admin_shutdown: terminating connection due to administrator command
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the database system is starting up / shutting down
  '08000', '08001', '08003', '08004', '08006', // connection_exception family
  '55000', // object_not_in_prerequisite_state: database is not currently accepting connections
]);

/**
 * postgres.js 3.4.9 writes a queued message on the next tick; when the connection closed in between
 * (a transaction's ROLLBACK after its connection dropped), that write throws
 * `TypeError: Cannot read properties of null (reading 'write')` from its connection module, outside any
 * query's promise. It is the driver noticing a closed socket late, not a bug of ours.
 */
function isDriverClosedSocketWrite(error: Error): boolean {
  return error instanceof TypeError && /reading 'write'/.test(error.message) && /[/\\]postgres[/\\]src[/\\]connection\.js/.test(error.stack ?? '');
}

export function isDatabaseConnectionFault(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (isDriverClosedSocketWrite(current)) return true;
  }
  return false;
}
