import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks an HMAC-SHA256 signature of the raw body. Accepts `sha256=<hex>` (GitHub, the demo CRM) or a
 * bare hex digest. Compared in constant time.
 */
export function signatureMatches(secret: string, rawBody: string, header: string): boolean {
  const given = header.trim().replace(/^sha256=/i, '');
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  const expected = createHmac('sha256', secret).update(rawBody, 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
