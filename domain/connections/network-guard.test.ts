import { describe, expect, it } from 'vitest';
import { assertPublicHost, isPrivateAddress } from './network-guard';

describe('private network guard', () => {
  it('classifies loopback, private, link-local, CGNAT, mapped and unique-local addresses as private', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::ffff:127.0.0.1', 'fd00::1', 'fe80::1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(isPrivateAddress(a), a).toBe(false);
  });

  it('refuses a private host unless allowed, naming the address', async () => {
    await expect(assertPublicHost(new URL('http://127.0.0.1:8080/x'), false)).rejects.toThrow(/127\.0\.0\.1.*An admin can allow/);
    await expect(assertPublicHost(new URL('http://[::1]/'), false)).rejects.toThrow(/private or loopback/);
    await expect(assertPublicHost(new URL('http://localhost/'), false)).rejects.toThrow(/private or loopback/);
    await expect(assertPublicHost(new URL('http://127.0.0.1/'), true)).resolves.toBeUndefined();
  });
});
