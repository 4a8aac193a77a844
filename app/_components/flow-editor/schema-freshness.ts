/**
 * How long the object and field pickers keep an answer about a connection's schema. A good answer is kept
 * (objects and fields change rarely; "Refresh fields" reads them again on demand). An answer that says the
 * system could not be read (a timeout, a refused connection) is not kept but asked again every few seconds,
 * so a passing failure of the system heals by itself instead of leaving the form without fields. So is a
 * call that failed on the way (a 5xx from Syncline's API while its database restarts, no answer at all):
 * only a refusal of the request itself (a 4xx: not allowed, not valid) is not asked again.
 */
export const SCHEMA_STALE_MS = 5 * 60_000;
export const SCHEMA_PROBLEM_RETRY_MS = 5_000;

interface SchemaQueryState {
  state: { data?: { problem?: string }; error?: unknown };
}

/** The last call failed, and not because the request was wrong (tRPC errors carry the HTTP status). */
function failedInPassing(error: unknown): boolean {
  if (!error) return false;
  const status = (error as { data?: { httpStatus?: unknown } | null }).data?.httpStatus;
  return typeof status !== 'number' || status >= 500;
}

const unsettled = (query: SchemaQueryState) => Boolean(query.state.data?.problem) || failedInPassing(query.state.error);

export const schemaFreshness = {
  staleTime: (query: SchemaQueryState) => (unsettled(query) ? 0 : SCHEMA_STALE_MS),
  refetchInterval: (query: SchemaQueryState) => (unsettled(query) ? SCHEMA_PROBLEM_RETRY_MS : false),
} as const;
