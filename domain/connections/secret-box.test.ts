import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, generateKeyBase64, keyIdOfCiphertext, keyRingFromEnv, parseKey, type KeyRing } from './secret-box';

const ring = (): KeyRing => ({ current: parseKey(generateKeyBase64()), previous: [] });

describe('secret box (AES-256-GCM)', () => {
  it('round-trips, with a fresh IV each time and the key id in the prefix', () => {
    const r = ring();
    const a = encryptSecret('p@ss wörd', r);
    const b = encryptSecret('p@ss wörd', r);
    expect(a).not.toBe(b);
    expect(a).not.toContain('p@ss');
    expect(a.startsWith(`sl1.${r.current.id}.`)).toBe(true);
    expect(keyIdOfCiphertext(a)).toBe(r.current.id);
    expect(decryptSecret(a, r)).toBe('p@ss wörd');
  });

  it('refuses a tampered ciphertext and a swapped key id', () => {
    const r = ring();
    const parts = encryptSecret('secret', r).split('.');
    const body = Buffer.from(parts[4] as string, 'base64url');
    body[0] = (body[0] as number) ^ 1;
    expect(() => decryptSecret([...parts.slice(0, 4), body.toString('base64url')].join('.'), r)).toThrow(/altered/);
  });

  it('says which key is missing, and decrypts with a previous key during rotation', () => {
    const old = ring();
    const next = ring();
    const c = encryptSecret('secret', old);
    expect(() => decryptSecret(c, next)).toThrow(new RegExp(`encrypted with key ${old.current.id}`));
    expect(decryptSecret(c, { current: next.current, previous: [old.current] })).toBe('secret');
  });

  it('validates the key from the environment without echoing it', () => {
    expect(() => keyRingFromEnv({} as NodeJS.ProcessEnv)).toThrow(/SYNCLINE_ENCRYPTION_KEY is not set/);
    expect(() => keyRingFromEnv({ SYNCLINE_ENCRYPTION_KEY: 'c2hvcnQ=' } as unknown as NodeJS.ProcessEnv)).toThrow(/decodes to 5 bytes/);
    expect(() => keyRingFromEnv({ SYNCLINE_ENCRYPTION_KEY: 'c2hvcnQ=' } as unknown as NodeJS.ProcessEnv)).not.toThrow(/c2hvcnQ/);
  });
});
