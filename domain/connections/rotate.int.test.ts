import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { connections } from '../../db/schema';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { createConnection } from './connection-service';
import { reencryptAllSecrets } from './rotate';
import { decryptSecret, keyIdOfCiphertext, keyRingFromEnv, parseKey } from './secret-box';

const oldKey = randomBytes(32).toString('base64');
process.env.SYNCLINE_ENCRYPTION_KEY = oldKey;

let database: TestDatabase;
let handle: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 2 });
});
afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

describe('key rotation', () => {
  it('re-encrypts every secret under the new key in one transaction, idempotently', async () => {
    const user = await insertUser(handle.db, 'Ada');
    const actor = { workspaceId: await insertWorkspace(handle.db, 'Acme', [{ userId: user.id, role: 'admin' }]), userId: user.id };
    const base = { integrationIdentity: '', owner: '', description: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: false };
    await createConnection(handle.db, actor, { ...base, name: 'Hook', kind: 'webhook', settings: {}, secret: 'shared-secret-0123456789' });
    await createConnection(handle.db, actor, { ...base, name: 'Open API', kind: 'rest', settings: { baseUrl: 'https://api.example.com', auth: { type: 'none' } } });
    await createConnection(handle.db, actor, { ...base, name: 'API', kind: 'rest', settings: { baseUrl: 'https://api.example.com', auth: { type: 'apiKey', headerName: 'X-Key' } }, secret: 'key-abc' });

    const from = keyRingFromEnv();
    const to = { current: parseKey(randomBytes(32).toString('base64')), previous: [] };
    expect(await reencryptAllSecrets(handle.db, { from, to })).toEqual({ reencrypted: 2, alreadyCurrent: 0 });
    const rows = await handle.db.select().from(connections);
    const secrets = rows.filter((r) => r.secretCiphertext).map((r) => r.secretCiphertext as string);
    expect(secrets.map(keyIdOfCiphertext)).toEqual([to.current.id, to.current.id]);
    expect(secrets.map((s) => decryptSecret(s, to)).sort()).toEqual(['key-abc', 'shared-secret-0123456789']);
    expect(() => decryptSecret(secrets[0] as string, from)).toThrow(/restart Syncline/);
    // Running it again (e.g. after a crash before the key file was written) changes nothing.
    expect(await reencryptAllSecrets(handle.db, { from, to })).toEqual({ reencrypted: 0, alreadyCurrent: 2 });
  });
});
