import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('the environment', () => {
  it('has the documented defaults', () => {
    const env = parseEnv({});
    expect(env.SYNCLINE_WEBHOOK_MAX_BYTES).toBe(1024 * 1024);
    expect(env.SYNCLINE_LOG_LEVEL).toBeUndefined();
    expect(env.SYNCLINE_WORKER_DB_POOL).toBe(10);
  });

  it('binds the web app to loopback unless HOST says otherwise, and refuses a HOST that is not an address', () => {
    expect(parseEnv({}).HOST).toBe('127.0.0.1');
    expect(parseEnv({ HOST: ' ' }).HOST).toBe('127.0.0.1');
    expect(parseEnv({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(parseEnv({ HOST: '::' }).HOST).toBe('::');
    expect(parseEnv({ HOST: 'syncline.internal' }).HOST).toBe('syncline.internal');
    expect(() => parseEnv({ HOST: 'http://0.0.0.0' })).toThrow(/HOST must be an IP address or a host name/);
  });

  it('refuses a body limit that is not a number instead of turning the limit off', () => {
    expect(() => parseEnv({ SYNCLINE_WEBHOOK_MAX_BYTES: '1mb' })).toThrow(EnvError);
    expect(() => parseEnv({ SYNCLINE_WEBHOOK_MAX_BYTES: '1mb' })).toThrow('SYNCLINE_WEBHOOK_MAX_BYTES must be a whole number of at least 1, not "1mb".');
    expect(parseEnv({ SYNCLINE_WEBHOOK_MAX_BYTES: ' 2048 ' }).SYNCLINE_WEBHOOK_MAX_BYTES).toBe(2048);
  });

  it('names every bad variable at once, with what it expects', () => {
    let message = '';
    try {
      parseEnv({ SYNCLINE_LOG_LEVEL: 'loud', BETTER_AUTH_URL: 'not a url', SYNCLINE_WORKER_WORKFLOWS: '0' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SYNCLINE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent.');
    expect(message).toContain('BETTER_AUTH_URL must be a URL');
    expect(message).toContain('SYNCLINE_WORKER_WORKFLOWS must be a whole number of at least 1, not "0".');
  });

  it('treats blank values as unset', () => {
    expect(parseEnv({ TEMPORAL_ADDRESS: '  ', SYNCLINE_WEBHOOK_MAX_BYTES: '' })).toMatchObject({ TEMPORAL_ADDRESS: undefined, SYNCLINE_WEBHOOK_MAX_BYTES: 1024 * 1024 });
  });
});
