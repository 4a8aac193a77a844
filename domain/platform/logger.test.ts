import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { errorMessage, withoutQueryParameters } from './logger';

describe('error messages in logs', () => {
  const token = 'whk_secret_token_1234';
  const failed = new DrizzleQueryError('insert into "inbox_events" ("token", "payload") values ($1, $2)', [token, '{"email":"ada@example.com"}'], new Error('unsupported Unicode escape sequence'));

  it("keep a failed query's reason but never its parameters (payloads, tokens)", () => {
    expect(failed.message).toContain(token); // what drizzle puts in the message, and used to reach the log
    expect(errorMessage(failed)).toBe('database query failed: unsupported Unicode escape sequence');
    expect(errorMessage(failed)).not.toContain(token);
    expect(errorMessage(failed)).not.toContain('ada@example.com');
  });

  it('strip the parameters from an error that is stored or shown', () => {
    expect((withoutQueryParameters(failed) as Error).message).toBe('database query failed: unsupported Unicode escape sequence');
    const plain = new Error('HTTP 500');
    expect(withoutQueryParameters(plain)).toBe(plain);
  });
});
