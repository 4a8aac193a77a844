import { describe, expect, it } from 'vitest';
import { isDatabaseConnectionFault } from './connection-faults';

const withCode = (code: string) => Object.assign(new Error(`failed (${code})`), { code });

describe('isDatabaseConnectionFault', () => {
  it('recognises postgres.js connection errors, socket errors and PostgreSQL refusing connections, also as a cause', () => {
    for (const code of ['CONNECTION_CLOSED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006']) {
      expect(isDatabaseConnectionFault(withCode(code)), code).toBe(true);
    }
    expect(isDatabaseConnectionFault(new Error('query failed', { cause: withCode('ECONNREFUSED') }))).toBe(true);
  });

  it("recognises postgres.js writing to a socket it already closed, by the driver's own stack frame", () => {
    const late = new TypeError("Cannot read properties of null (reading 'write')");
    late.stack = `${late.message}\n    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)`;
    expect(isDatabaseConnectionFault(late)).toBe(true);
  });

  it('leaves bugs and query errors alone', () => {
    const ours = new TypeError("Cannot read properties of null (reading 'write')");
    ours.stack = `${ours.message}\n    at relay (file:///app/temporal/relay/relay.ts:10:5)`;
    expect(isDatabaseConnectionFault(ours)).toBe(false);
    expect(isDatabaseConnectionFault(withCode('23505'))).toBe(false); // unique violation
    expect(isDatabaseConnectionFault(new Error('boom'))).toBe(false);
    expect(isDatabaseConnectionFault('ECONNREFUSED')).toBe(false);
  });
});
