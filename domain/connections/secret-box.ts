/**
 * Secrets at rest: AES-256-GCM (node:crypto), one random 96-bit IV per encryption, the 128-bit tag
 * checked on decryption. The ciphertext is self-describing:
 *
 *   sl1.<keyId>.<iv base64url>.<tag base64url>.<ciphertext base64url>
 *
 * `sl1` is the format version; `keyId` is a short fingerprint of the key (never the key), so a
 * rotation can tell which rows are already under the new key and a decryption with the wrong key
 * fails with a message that says so instead of a bare "unsupported state".
 * The key comes from `SYNCLINE_ENCRYPTION_KEY` (base64 of 32 bytes); during a rotation window,
 * `SYNCLINE_PREVIOUS_ENCRYPTION_KEYS` (comma-separated) still decrypts older rows.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const FORMAT = 'sl1';

export interface EncryptionKey {
  readonly id: string;
  readonly bytes: Buffer;
}

/** A current key for encryption, plus older keys that may still decrypt. */
export interface KeyRing {
  readonly current: EncryptionKey;
  readonly previous: readonly EncryptionKey[];
}

export class SecretKeyError extends Error {}

/** Parses a base64 key; the message never includes the value. */
export function parseKey(base64: string, source = 'SYNCLINE_ENCRYPTION_KEY'): EncryptionKey {
  const bytes = Buffer.from(base64.trim(), 'base64');
  if (bytes.length !== 32) {
    throw new SecretKeyError(`${source} must be 32 random bytes in base64 (44 characters); it decodes to ${bytes.length} bytes.`);
  }
  return { id: keyIdOf(bytes), bytes };
}

/** A non-reversible fingerprint: 8 hex characters of SHA-256 over a domain-separated key. */
export function keyIdOf(bytes: Buffer): string {
  return createHash('sha256').update('syncline-key-id:').update(bytes).digest('hex').slice(0, 8);
}

export function generateKeyBase64(): string {
  return randomBytes(32).toString('base64');
}

/** The key ring from the environment; throws a clear error when the key is missing or malformed. */
export function keyRingFromEnv(env: NodeJS.ProcessEnv = process.env): KeyRing {
  const current = env.SYNCLINE_ENCRYPTION_KEY?.trim();
  if (!current) {
    throw new SecretKeyError('SYNCLINE_ENCRYPTION_KEY is not set: start Syncline with `npm start` (it generates one into .data/) or set it.');
  }
  const previous = (env.SYNCLINE_PREVIOUS_ENCRYPTION_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => parseKey(k, 'SYNCLINE_PREVIOUS_ENCRYPTION_KEYS'));
  return { current: parseKey(current), previous };
}

/** Encrypts a UTF-8 string under the ring's current key. */
export function encryptSecret(plaintext: string, ring: KeyRing): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.current.bytes, iv);
  // The key id is authenticated too, so it cannot be swapped to steer decryption.
  cipher.setAAD(Buffer.from(`${FORMAT}.${ring.current.id}`));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT, ring.current.id, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join('.');
}

/** The key id a ciphertext was made with (no decryption). */
export function keyIdOfCiphertext(ciphertext: string): string {
  const parts = ciphertext.split('.');
  if (parts.length !== 5 || parts[0] !== FORMAT) throw new SecretKeyError('This secret is not in a format Syncline knows.');
  return parts[1] as string;
}

/** Decrypts with whichever key of the ring made the ciphertext. */
export function decryptSecret(ciphertext: string, ring: KeyRing): string {
  const [format, keyId, iv, tag, body] = ciphertext.split('.');
  if (format !== FORMAT || !keyId || iv === undefined || tag === undefined || body === undefined) {
    throw new SecretKeyError('This secret is not in a format Syncline knows.');
  }
  const key = [ring.current, ...ring.previous].find((k) => k.id === keyId);
  if (!key) {
    throw new SecretKeyError(
      `This secret was encrypted with key ${keyId}, but the configured key is ${ring.current.id}. After \`npm run rotate-key\`, restart Syncline so every process uses the new key.`,
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`${FORMAT}.${keyId}`));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError('This secret could not be decrypted: it was altered, or the key is wrong.');
  }
}
