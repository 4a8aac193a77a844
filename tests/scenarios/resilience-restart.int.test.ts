/**
 * Stopping and starting the product keeps its data: the data folder of `npm start` (SYNCLINE_DATA_DIR) with
 * the embedded PostgreSQL (db/embedded.ts resolveDatabase) and the generated secrets, stopped and started
 * again, still holds the workspace, its admin and a connection whose secret decrypts.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { resolveDatabase, type ResolvedDatabase } from '../../db/embedded';
import { migrateDatabase } from '../../db/migrate';
import { memberships, workspaces } from '../../db/schema';
import { getFreePort } from '../../scripts/supervisor/ports';
import { ensureSecrets } from '../../scripts/supervisor/secrets';
import { createConnection } from '../../domain/connections/connection-service';
import { resolveConnection } from '../../domain/connections/resolve';
import { keyRingFromEnv } from '../../domain/connections/secret-box';
import { insertUser, insertWorkspace } from '../support/app-context';

const saved = { ...process.env };
let running: ResolvedDatabase | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  await running?.stop();
  for (const key of ['DATABASE_URL', 'SYNCLINE_DATA_DIR', 'SYNCLINE_PG_PORT', 'SYNCLINE_ENCRYPTION_KEY']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** What `npm start` does with the data folder before anything else: secrets, PostgreSQL, migrations. */
async function startProductData() {
  const secrets = await ensureSecrets(dataDir!, {} as NodeJS.ProcessEnv);
  running = await resolveDatabase();
  await migrateDatabase(running.url);
  return { url: running.url, encryptionKey: secrets.env.SYNCLINE_ENCRYPTION_KEY!, initialised: running.embedded?.initialised, created: secrets.created };
}

it('keeps a workspace, its admin and a connection secret across a stop and start', async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'syncline-restart-'));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as user "postgres" and must reach its data dir
  delete process.env.DATABASE_URL;
  process.env.SYNCLINE_DATA_DIR = dataDir;
  process.env.SYNCLINE_PG_PORT = String(await getFreePort());

  const first = await startProductData();
  expect(first).toMatchObject({ initialised: true, created: [path.join(dataDir, 'encryption.key'), path.join(dataDir, 'auth-secret')] });
  process.env.SYNCLINE_ENCRYPTION_KEY = first.encryptionKey;
  let handle = openDb(first.url, { max: 2 });
  const user = await insertUser(handle.db, 'Keeper');
  const workspaceId = await insertWorkspace(handle.db, 'Kept across restarts', [{ userId: user.id, role: 'admin' }]);
  const { id: connectionId } = await createConnection(
    handle.db,
    { workspaceId, userId: user.id },
    { name: 'Kept CRM', kind: 'rest', description: '', settings: { baseUrl: 'https://crm.example.com/api', auth: { type: 'bearer' } }, secret: 'kept-token-123', integrationIdentity: '', owner: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: false },
  );
  await handle.close();
  await running!.stop();
  running = undefined;
  delete process.env.SYNCLINE_ENCRYPTION_KEY;

  const second = await startProductData();
  expect(second).toMatchObject({ initialised: false, created: [], url: first.url, encryptionKey: first.encryptionKey });
  handle = openDb(second.url, { max: 2 });
  try {
    expect(await handle.db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, workspaceId))).toEqual([{ name: 'Kept across restarts' }]);
    expect(await handle.db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.workspaceId, workspaceId))).toEqual([
      { userId: user.id, role: 'admin' },
    ]);
    const connection = await resolveConnection(handle.db, { workspaceId, connectionId }, keyRingFromEnv({ ...process.env, SYNCLINE_ENCRYPTION_KEY: second.encryptionKey }));
    expect(connection.secret).toBe('kept-token-123');
  } finally {
    await handle.close();
  }
}, 180_000);
