import { describe, expect, it } from 'vitest';
import { UserError } from '../../flows-engine/index';
import { assertInsideBaseUrl, isInsideBaseUrl } from './base-url';

describe('the credential guard (isInsideBaseUrl)', () => {
  it('refuses another port that merely starts with the base port', () => {
    expect(isInsideBaseUrl('http://127.0.0.1:4599', 'http://127.0.0.1:45990/x')).toBe(false);
    expect(isInsideBaseUrl('http://127.0.0.1:4599', 'http://127.0.0.1:4599/x')).toBe(true);
  });

  it('refuses a host that merely starts with the base host', () => {
    expect(isInsideBaseUrl('https://api.example.com', 'https://api.example.com.evil.tld')).toBe(false);
    expect(isInsideBaseUrl('https://api.example.com', 'https://api.example.com.evil.tld/v1/contacts')).toBe(false);
    expect(isInsideBaseUrl('https://api.example.com', 'https://api.example.com@evil.tld/')).toBe(false);
  });

  it('refuses a path that climbs out of the base path, also percent-encoded', () => {
    expect(isInsideBaseUrl('https://api.example.com/api', 'https://api.example.com/api/../escaped')).toBe(false);
    expect(isInsideBaseUrl('https://api.example.com/api', 'https://api.example.com/api/%2e%2e/escaped')).toBe(false);
    expect(isInsideBaseUrl('https://api.example.com/api', 'https://api.example.com/api/x%2F..%2F..%2Fescaped')).toBe(false);
    expect(isInsideBaseUrl('https://api.example.com/api', 'https://api.example.com/api%2F..%2Fescaped')).toBe(false);
    expect(isInsideBaseUrl('https://api.example.com/api', 'https://api.example.com/apix/contacts')).toBe(false);
    expect(isInsideBaseUrl('https://api.example.com/api', 'https://api.example.com/api/v1/../contacts')).toBe(true);
  });

  it('compares scheme, host and port after normalising case and default ports', () => {
    expect(isInsideBaseUrl('https://API.example.com/api/', 'https://api.example.com:443/api/contacts?x=1')).toBe(true);
    expect(isInsideBaseUrl('http://api.example.com:80/api', 'http://api.example.com/api')).toBe(true);
    expect(isInsideBaseUrl('https://api.example.com/api', 'http://api.example.com/api/contacts')).toBe(false);
    expect(isInsideBaseUrl('https://api.example.com/api', 'https://api.example.com:8443/api/contacts')).toBe(false);
    expect(isInsideBaseUrl('https://api.example.com/api', 'https://user:pw@api.example.com/api/contacts')).toBe(false);
    expect(isInsideBaseUrl('https://api.example.com/api', 'not a url')).toBe(false);
  });

  it('refuses with a UserError naming the connection and the field', () => {
    const refusal = (() => {
      try {
        assertInsideBaseUrl({ name: 'Billing API' }, 'http://127.0.0.1:4599', 'http://127.0.0.1:45990/x');
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(UserError);
    expect((refusal as UserError).message).toMatch(/outside the base URL http:\/\/127\.0\.0\.1:4599 of connection “Billing API”/);
    expect(() => assertInsideBaseUrl({ name: 'Billing API' }, 'http://127.0.0.1:4599', 'http://127.0.0.1:4599/x')).not.toThrow();
  });
});
