/**
 * Re-encrypts every connection secret (and OAuth grant) under a new key, in ONE transaction with the rows locked: all
 * rows move to the new key or none do. Rows already under the new key are skipped, so re-running
 * after a crash between the commit and writing the key file is safe (keep both keys in the ring).
 */
import { isNotNull, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections, oauthGrants, oauthSignIns } from '../../db/schema';
import { decryptSecret, encryptSecret, keyIdOfCiphertext, type KeyRing } from './secret-box';

export async function reencryptAllSecrets(db: Db, options: { from: KeyRing; to: KeyRing }): Promise<{ reencrypted: number; alreadyCurrent: number }> {
  const decryptRing: KeyRing = { current: options.from.current, previous: [...options.from.previous, options.to.current] };
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: connections.id, secret: connections.secretCiphertext })
      .from(connections)
      .where(isNotNull(connections.secretCiphertext))
      .for('update');
    let reencrypted = 0;
    let alreadyCurrent = 0;
    for (const row of rows) {
      const ciphertext = row.secret as string;
      if (keyIdOfCiphertext(ciphertext) === options.to.current.id) {
        alreadyCurrent++;
        continue;
      }
      const plaintext = decryptSecret(ciphertext, decryptRing);
      await tx.update(connections).set({ secretCiphertext: encryptSecret(plaintext, options.to) }).where(eq(connections.id, row.id));
      reencrypted++;
    }
    // OAuth grants (the tokens "Connect" stored) move with the secrets; sign-ins under way are dropped (Connect again).
    const grants = await tx
      .select({ id: oauthGrants.connectionId, tokens: oauthGrants.tokensCiphertext })
      .from(oauthGrants)
      .where(isNotNull(oauthGrants.tokensCiphertext))
      .for('update');
    for (const grant of grants) {
      const ciphertext = grant.tokens as string;
      if (keyIdOfCiphertext(ciphertext) === options.to.current.id) {
        alreadyCurrent++;
        continue;
      }
      await tx.update(oauthGrants).set({ tokensCiphertext: encryptSecret(decryptSecret(ciphertext, decryptRing), options.to) }).where(eq(oauthGrants.connectionId, grant.id));
      reencrypted++;
    }
    await tx.delete(oauthSignIns).where(isNotNull(oauthSignIns.stateHash));
    return { reencrypted, alreadyCurrent };
  });
}
