/**
 * The worker side of the connectors bench (scripts/bench/connectors.ts), in its own process so its memory
 * can be watched: the worker's poll activity (`pollOnce`: the HubSpot connector's change search, pages of
 * 100, each page one inbox event and a cursor step in Syncline's database) and, concurrently, the Upsert
 * step's gateway writing each page to MySQL (`records.upsertMany`, matched by email: one batched
 * transaction per page). Temporal is left out: this measures the connectors, not the engine.
 *
 * Input in the environment (BENCH_*), one JSON line on stdout at the end: { records, pages, seconds,
 * pollSeconds (until the last page was read), writeSeconds (time spent inside the MySQL writes), cpuSeconds }.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import { openDb } from '../../db/client';
import { inboxEvents } from '../../db/schema';
import { closeAllMysqlPools } from '../../domain/connections/mysql-pool';
import { createConnectors } from '../../domain/connectors/connectors';
import { createTriggerActivities } from '../../temporal/activities/triggers';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const handle = openDb(env('BENCH_DATABASE_URL'), { max: 4 });
const workspaceId = env('BENCH_WORKSPACE_ID');
const flowId = env('BENCH_FLOW_ID');
const mysqlConnectionId = env('BENCH_MYSQL_CONNECTION_ID');
const triggers = createTriggerActivities(handle.db);
const { records } = createConnectors(handle.db, { workspaceId });

const started = performance.now();
let polling = true;
let pollSeconds = 0;
const poller = (async () => {
  try {
    for (;;) {
      const outcome = await triggers.pollOnce({ workspaceId, flowId, nodeId: 'poll', maxPages: 20 });
      if (!outcome.morePending) return;
    }
  } finally {
    polling = false;
    pollSeconds = (performance.now() - started) / 1000;
  }
})();

let written = 0;
let pages = 0;
let lastSeq = 0;
let writeMs = 0;
for (;;) {
  const stillPolling = polling;
  const events = await handle.db
    .select({ seq: inboxEvents.seq, payload: inboxEvents.payload })
    .from(inboxEvents)
    .where(and(eq(inboxEvents.flowId, flowId), gt(inboxEvents.seq, lastSeq)))
    .orderBy(asc(inboxEvents.seq))
    .limit(10);
  if (events.length === 0) {
    if (!stillPolling) break;
    await new Promise((r) => setTimeout(r, 5));
    continue;
  }
  for (const event of events) {
    const contacts = event.payload as Record<string, unknown>[];
    const writeStarted = performance.now();
    await records.upsertMany({
      connectionId: mysqlConnectionId,
      objectType: 'contacts',
      idempotencyKey: `bench:${event.seq}`,
      records: contacts.map((c) => ({
        naturalKey: { field: 'email', value: c.email },
        fields: { email: c.email, first_name: c.firstname, last_name: c.lastname, hubspot_id: c.id },
      })),
    });
    writeMs += performance.now() - writeStarted;
    written += contacts.length;
    pages += 1;
    lastSeq = event.seq;
  }
}
await poller;
const seconds = (performance.now() - started) / 1000;
await closeAllMysqlPools();
await handle.close();
process.stdout.write(`${JSON.stringify({ records: written, pages, seconds, pollSeconds, writeSeconds: writeMs / 1000, cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6 })}\n`);
