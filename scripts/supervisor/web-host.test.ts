import { describe, expect, it } from 'vitest';
import { localUrlOf } from './web-host';

describe('the web app address the supervisor checks', () => {
  it('reaches a wildcard bind on loopback and brackets IPv6 literals', () => {
    expect(localUrlOf('127.0.0.1', 3000)).toBe('http://127.0.0.1:3000');
    expect(localUrlOf('0.0.0.0', 3000)).toBe('http://127.0.0.1:3000');
    expect(localUrlOf('::', 3000)).toBe('http://[::1]:3000');
    expect(localUrlOf('::1', 3000)).toBe('http://[::1]:3000');
    expect(localUrlOf('10.0.0.5', 8080)).toBe('http://10.0.0.5:8080');
  });
});
