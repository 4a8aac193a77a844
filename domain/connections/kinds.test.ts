import { describe, expect, it } from 'vitest';
import { checkSecret, mysqlPasswordTarget, parseSettings, redactDatabaseUrl, secretNeed, type MysqlSettings } from './kinds';

describe('connection kinds', () => {
  it('parses REST settings and names the bad field', () => {
    expect(parseSettings('rest', { baseUrl: 'https://api.example.com', auth: { type: 'bearer' } })).toMatchObject({ ok: true });
    expect(parseSettings('rest', { baseUrl: 'nope', auth: { type: 'none' } })).toMatchObject({ ok: false, message: expect.stringMatching(/^settings\.baseUrl:/) });
    expect(parseSettings('demo-crm', { baseUrl: 'https://crm.test', auth: { type: 'oauth2', tokenUrl: 'x', clientId: 'c' } })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/auth\.tokenUrl/),
    });
    expect(parseSettings('postgres', { schema: 'bad schema' })).toMatchObject({ ok: false, message: expect.stringMatching(/schema/) });
  });

  it('knows which secret each kind needs and checks its shape', () => {
    expect(secretNeed('rest', { baseUrl: 'https://x', healthPath: '', auth: { type: 'none' } }).needed).toBe(false);
    expect(secretNeed('rest', { baseUrl: 'https://x', healthPath: '', auth: { type: 'basic', username: 'u' } }).label).toBe('Password');
    expect(secretNeed('demo-helpdesk', { schema: 'public' }).label).toBe('Database URL');
    expect(checkSecret('postgres', 'mysql://x')).toMatch(/postgres:\/\//);
    expect(checkSecret('webhook', 'short')).toMatch(/16 characters/);
    expect(checkSecret('rest', 'abc')).toBeNull();
  });

  it('parses MySQL settings (TLS checked by default), names the bad field, and binds the password to user, host and port', () => {
    const parsed = parseSettings('mysql', { host: 'DB.example.com', port: '3307', database: 'shop', user: 'sync' });
    expect(parsed).toEqual({ ok: true, value: { host: 'DB.example.com', port: 3307, database: 'shop', user: 'sync', tls: 'verified' } });
    expect(parseSettings('mysql', { host: 'db', database: 'shop', user: 'sync', port: 70000 })).toMatchObject({ ok: false, message: 'settings.port: between 1 and 65535.' });
    expect(parseSettings('mysql', { host: 'db', database: 'shop; drop', user: 'sync' })).toMatchObject({ ok: false, message: expect.stringMatching(/^settings\.database:/) });
    expect(parseSettings('mysql', { host: 'db/evil', database: 'shop', user: 'sync' })).toMatchObject({ ok: false, message: expect.stringMatching(/^settings\.host:/) });
    expect(secretNeed('mysql', (parsed as { value: MysqlSettings }).value)).toEqual({ needed: true, label: 'Password' });
    expect(mysqlPasswordTarget((parsed as { value: MysqlSettings }).value)).toBe('sync@db.example.com:3307');
  });

  it('redacts the password of a database URL', () => {
    expect(redactDatabaseUrl('postgres://app:s3cret@db.example.com:5432/crm?sslmode=require')).toBe('postgres://app@db.example.com:5432/crm');
  });
});
