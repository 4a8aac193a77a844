/**
 * Alert webhooks are signed so a receiver can trust them: HMAC-SHA256 with the channel's secret over
 * `<timestamp>.<body>`, sent as
 *
 *   X-Syncline-Timestamp: 1763790000            (unix seconds; reject old ones against replays)
 *   X-Syncline-Signature: sha256=<hex digest>
 *
 * `verifyAlertSignature` is what a receiver does (and what the tests do).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-syncline-signature';
export const TIMESTAMP_HEADER = 'x-syncline-timestamp';

export function signAlertBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export function verifyAlertSignature(secret: string, timestamp: string, body: string, header: string): boolean {
  const given = header.trim().replace(/^sha256=/i, '');
  if (!/^[0-9a-f]{64}$/i.test(given) || !/^\d+$/.test(timestamp)) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
