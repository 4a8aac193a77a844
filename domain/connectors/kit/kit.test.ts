import { describe, expect, it } from 'vitest';
import { parseSettings, secretNeed } from '../../connections/kinds';
import { connectorCatalog } from './catalog';
import { defineConnector } from './define-connector';
import { nextLink, nextPosition, pageRequest } from './paging';
import { retryAfterSeconds } from './requester';
import { readAll, renderJson, renderText } from './templates';

describe('connector kit: templates and paths', () => {
  it('fills placeholders as text, and keeps a whole placeholder’s type in JSON', () => {
    expect(renderText('/users/{{id}}.json', { id: 42 })).toBe('/users/42.json');
    expect(renderText('https://{{params.subdomain}}.zendesk.com', { params: { subdomain: 'acme' } })).toBe('https://acme.zendesk.com');
    expect(renderJson({ limit: '{{limit}}', properties: '{{fieldNames}}', q: 'email:{{value}}' }, { limit: 100, fieldNames: ['a', 'b'], value: 'x@y' })).toEqual({
      limit: 100,
      properties: ['a', 'b'],
      q: 'email:x@y',
    });
  });

  it('reads paths through lists, object keys and values', () => {
    const body = { errors: [{ context: { propertyName: ['email'] } }, { context: { propertyName: ['phone'] } }], details: { email: [{ description: 'taken' }] } };
    expect(readAll(body, 'errors[].context.propertyName[]')).toEqual(['email', 'phone']);
    expect(readAll(body, 'details.@keys')).toEqual(['email']);
    expect(readAll(body, 'details.*[].description')).toEqual(['taken']);
    expect(readAll(body, 'missing.path')).toEqual([]);
  });

  it('reads a key that holds a dot when the dot is escaped (OData annotations)', () => {
    expect(readAll({ '@odata.nextLink': 'https://org.test/next', '@odata': { nextLink: 'wrong' } }, '@odata\\.nextLink')).toEqual(['https://org.test/next']);
    expect(readAll([{ fields: ['Email'] }, { fields: ['Phone'] }], '[].fields[]')).toEqual(['Email', 'Phone']);
  });

  it('escapes values for the query language or URL segment they land in, and refuses a field name that is not one', () => {
    const values = { field: 'Email', value: "o'hara\\x@example.com" };
    expect(renderText("SELECT Id FROM Contact WHERE {{field|name}} = '{{value|soqlString}}'", values)).toBe("SELECT Id FROM Contact WHERE Email = 'o\\'hara\\\\x@example.com'");
    expect(renderText("contacts({{field|name}}='{{value|odataString|urlSegment}}')", values)).toBe("contacts(Email='o''hara%5Cx%40example.com')");
    expect(renderJson('{{value|urlSegment}}', { value: 'a/b c' })).toBe('a%2Fb%20c');
    expect(() => renderText('{{field|name}}', { field: "Email = 'x' OR Id" })).toThrow('is not a field name');
    expect(() => renderText('{{value|nope}}', { value: 'x' })).toThrow('unknown template filter');
  });
});

describe('connector kit: paging and rate limits', () => {
  it('finds rel="next" in a Link header among other relations', () => {
    expect(nextLink('<https://a.test/c?page=1>; rel="prev", <https://a.test/c?page=3>; rel="next"')).toBe('https://a.test/c?page=3');
    expect(nextLink('<https://a.test/c?page=1>; rel="prev"')).toBeNull();
    expect(nextLink(undefined)).toBeNull();
  });

  it('pages by offset until a short page, follows next URLs (SOQL-style relative ones too) and stops on end-of-stream flags', () => {
    const offset = { path: 'x', records: 'items', maxPageSize: 10, pagination: { type: 'offset', offsetParam: 'skip' } } as const;
    const answer = { body: {}, headers: {}, url: 'https://a.test/x' };
    const second = nextPosition(offset, answer, null, { count: 10, limit: 10 });
    expect(pageRequest(offset, JSON.parse(second!)).template.query).toEqual({ skip: '10' });
    expect(nextPosition(offset, answer, JSON.parse(second!), { count: 3, limit: 10 })).toBeNull();
    const stream = { path: 'x', records: 'users', maxPageSize: 10, pagination: { type: 'nextUrl', urlPath: 'after_url', stopPath: 'end_of_stream' } } as const;
    expect(nextPosition(stream, { ...answer, body: { after_url: 'https://a.test/x?cursor=c', end_of_stream: false } }, null, { count: 10, limit: 10 })).toBe(JSON.stringify({ k: 'url', v: 'https://a.test/x?cursor=c' }));
    expect(nextPosition(stream, { ...answer, body: { after_url: 'https://a.test/x?cursor=c', end_of_stream: true } }, null, { count: 10, limit: 10 })).toBeNull();
    const soql = { path: 'q', records: 'records', maxPageSize: 2000, pagination: { type: 'nextUrl', urlPath: 'nextRecordsUrl', stopPath: 'done' } } as const;
    expect(nextPosition(soql, { ...answer, body: { done: false, nextRecordsUrl: '/services/data/v60.0/query/01g-2000' } }, null, { count: 2000, limit: 2000 })).toBe(
      JSON.stringify({ k: 'url', v: 'https://a.test/services/data/v60.0/query/01g-2000' }),
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds(new Date(Date.now() + 5_000).toUTCString())).toBeGreaterThanOrEqual(4);
    expect(retryAfterSeconds(undefined)).toBeNull();
    expect(retryAfterSeconds('soon')).toBeNull();
  });
});

describe('connector kit: declarations and connection settings', () => {
  it('refuses a declaration with a bad id or no auth when it loads', () => {
    const base = { label: 'X', docs: [], baseUrl: 'https://x.test', check: { path: '/' }, rateLimit: { concurrency: 1 }, objects: {} };
    expect(() => defineConnector({ ...base, id: 'Bad Id', auth: { none: { type: 'none' } } })).toThrow(/lowercase/);
    expect(() => defineConnector({ ...base, id: 'xy', auth: {} })).toThrow(/at least one auth/);
  });

  it('validates a connection’s settings against the declaration, naming the parameter', () => {
    expect(parseSettings('connector', { connector: 'zendesk', params: { subdomain: 'acme', email: 'a@acme.example' } })).toMatchObject({ ok: true });
    expect(parseSettings('connector', { connector: 'zendesk', params: { subdomain: 'acme' } })).toEqual({ ok: false, message: 'settings.params.email: enter the “Agent email”.' });
    expect(parseSettings('connector', { connector: 'zendesk', params: { subdomain: 'Not A Domain', email: 'a@b.c' } })).toMatchObject({ ok: false, message: expect.stringContaining('params.subdomain') });
    expect(parseSettings('connector', { connector: 'nosuch' })).toEqual({ ok: false, message: 'settings.connector: “nosuch” is not a system Syncline knows.' });
    expect(parseSettings('connector', { connector: 'hubspot', authMethod: 'password' })).toMatchObject({ ok: false, message: expect.stringContaining('privateApp or oauth') });
  });

  it('lets a parameter with a default stay empty, and checks the others against their patterns', () => {
    const dataverse = { environmentUrl: 'https://contoso.crm.dynamics.com', tenantId: 'contoso.onmicrosoft.com', clientId: 'app-1' };
    expect(parseSettings('connector', { connector: 'dataverse', params: dataverse })).toMatchObject({ ok: true });
    expect(connectorCatalog().find((c) => c.id === 'dataverse')!.params.find((p) => p.name === 'authorityHost')).toMatchObject({ optional: true });
    expect(parseSettings('connector', { connector: 'dataverse', params: { ...dataverse, environmentUrl: 'https://evil.example' } })).toMatchObject({ ok: false, message: expect.stringContaining('params.environmentUrl') });
    expect(parseSettings('connector', { connector: 'dataverse', params: { ...dataverse, alternateKeys: 'emailaddress1|.*' } })).toMatchObject({ ok: false, message: expect.stringContaining('params.alternateKeys') });
    expect(parseSettings('connector', { connector: 'salesforce', params: {} })).toEqual({ ok: false, message: 'settings.params.clientId: enter the “Connected app consumer key”.' });
  });

  it('names the secret after the declared sign-in method', () => {
    const zendesk = parseSettings('connector', { connector: 'zendesk', params: { subdomain: 'acme', email: 'a@acme.example' } });
    expect(zendesk.ok && secretNeed('connector', zendesk.value)).toEqual({ needed: true, label: 'API token' });
    const hubspot = parseSettings('connector', { connector: 'hubspot' });
    expect(hubspot.ok && secretNeed('connector', hubspot.value)).toEqual({ needed: true, label: 'Private app access token' });
  });
});
