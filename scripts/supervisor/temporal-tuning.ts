/**
 * Flags for the embedded Temporal dev server (`temporal server start-dev`), tuned for one machine
 * running everything (measured with `npm run bench -- durable`, see issue 4):
 *
 * - One task queue partition instead of four. With four, a task lands on a partition whose pollers
 *   are elsewhere and waits to be forwarded or is written to the backlog; with one, the waiting poll
 *   gets it at once (sync match). Partitions only pay off with many matching hosts.
 * - Eager workflow start on: the relay shares the worker's connection, so a start hands the first
 *   workflow task straight back to this worker instead of through matching.
 * - Long polls expire after 5 s instead of 60 s: a worker then starts a poll at least every 5 s, and the
 *   poll times Temporal reports (`lastAccessTime`) tell a live worker from one that went away within
 *   seconds (temporal/api/worker-presence.ts; the supervisor sets SYNCLINE_WORKER_SEEN_WITHIN_SECONDS
 *   to 10 for it). An idle poller costs one short request per 5 s.
 * - SQLite in WAL mode with `synchronous=NORMAL` (file databases only): commits append to the log
 *   instead of rewriting pages with an fsync each. Still crash-safe for the process (what the dev
 *   server's persistence is for: runs survive a restart); a power cut may lose the last commits.
 */
export const EMBEDDED_LONG_POLL_SECONDS = 5;

export function temporalDevServerTuning(options: { persistent: boolean }): string[] {
  const dynamicConfig = {
    'matching.numTaskqueueReadPartitions': 1,
    'matching.numTaskqueueWritePartitions': 1,
    'system.enableEagerWorkflowStart': true,
    'matching.longPollExpirationInterval': `${EMBEDDED_LONG_POLL_SECONDS}s`,
  };
  return [
    ...Object.entries(dynamicConfig).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]),
    ...(options.persistent ? ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'] : []),
  ];
}
