/**
 * `npm run rotate-key`: re-encrypts every connection secret under a NEW key in one transaction.
 *
 * - The current key comes from SYNCLINE_ENCRYPTION_KEY, or from <data>/encryption.key (embedded default).
 * - With the file: the new key replaces it (mode 0600; the old one is kept as encryption.key.previous
 *   until you delete it). With the env variable: the new key is printed once for the operator to store.
 * - Restart Syncline afterwards so the web app and the worker use the new key.
 * - With the embedded PostgreSQL, run it while Syncline is stopped (it starts the database itself);
 *   with DATABASE_URL it can run any time.
 * The new key is written to encryption.key.next BEFORE the transaction commits, so a crash between
 * the commit and the rename never leaves secrets under a key that exists nowhere.
 */
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openDb } from '../db/client';
import { dataRoot, resolveDatabase } from '../db/embedded';
import { reencryptAllSecrets } from '../domain/connections/rotate';
import { generateKeyBase64, parseKey, type KeyRing } from '../domain/connections/secret-box';

async function main(): Promise<void> {
  const keyFile = path.join(dataRoot(), 'encryption.key');
  const fromEnv = process.env.SYNCLINE_ENCRYPTION_KEY?.trim();
  const currentBase64 = fromEnv || (await readFile(keyFile, 'utf8').catch(() => '')).trim();
  if (!currentBase64) throw new Error(`No key to rotate: SYNCLINE_ENCRYPTION_KEY is not set and ${keyFile} does not exist.`);
  const from: KeyRing = { current: parseKey(currentBase64), previous: [] };
  const newBase64 = generateKeyBase64();
  const to: KeyRing = { current: parseKey(newBase64), previous: [] };

  if (!fromEnv) await writeFile(`${keyFile}.next`, `${newBase64}\n`, { mode: 0o600 });
  const database = await resolveDatabase();
  const handle = openDb(database.url, { max: 1 });
  try {
    const outcome = await reencryptAllSecrets(handle.db, { from, to });
    console.log(`Re-encrypted ${outcome.reencrypted} secret(s) from key ${from.current.id} to key ${to.current.id}.`);
  } finally {
    await handle.close();
    await database.stop();
  }

  if (fromEnv) {
    console.log('\nSYNCLINE_ENCRYPTION_KEY came from the environment. Store this new key there, then restart Syncline:');
    console.log(`\n  SYNCLINE_ENCRYPTION_KEY=${newBase64}\n`);
    console.log('Until every process has it, set SYNCLINE_PREVIOUS_ENCRYPTION_KEYS to the old key so nothing fails mid-way.');
  } else {
    await rename(keyFile, `${keyFile}.previous`).catch(() => {});
    await rename(`${keyFile}.next`, keyFile);
    await chmod(keyFile, 0o600);
    console.log(`Wrote the new key to ${keyFile} (the old one is ${keyFile}.previous). Restart Syncline (npm start) to use it.`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
