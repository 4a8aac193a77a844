import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../connections/kinds';
import { CustomRestDefinitionSchema, customRestDeclaration } from './custom-rest';

const base = {
  label: 'Tickets API',
  baseUrl: 'https://api.tickets.example/v2',
  auth: { type: 'apiKey', in: 'query', name: 'api_key' },
  objects: [{ name: 'tickets', label: 'Tickets', idField: 'id', modifiedAtField: 'updated_at', listPath: '/tickets', getPath: '/tickets/{{id}}' }],
};
const withObject = (patch: Record<string, unknown>) => ({ ...base, objects: [{ ...base.objects[0], ...patch }] });
const refusal = (definition: unknown) => {
  const parsed = parseSettings('connector', { connector: 'custom-rest', definition });
  return parsed.ok ? 'accepted' : parsed.message;
};

describe('a custom REST definition', () => {
  it('becomes a declaration for the kit runtime: paging, modified-since, writes only where paths are given', () => {
    const declaration = customRestDeclaration(CustomRestDefinitionSchema.parse(withObject({
      records: 'items', pagination: { type: 'cursor', tokenPath: 'meta.next', param: 'cursor' }, sinceParam: 'updatedSince', createPath: '/tickets', findByQuery: true,
    })));
    expect(declaration.auth).toEqual({ main: { type: 'apiKey', label: 'API key', in: 'query', name: 'api_key' } });
    const tickets = declaration.objects.tickets!;
    expect(tickets.list).toMatchObject({ path: '/tickets', records: 'items', query: { limit: '{{limit}}' }, pagination: { type: 'cursor', tokenPath: 'meta.next', param: 'cursor', in: 'query' } });
    expect(tickets.changes).toMatchObject({ query: { limit: '{{limit}}', updatedSince: '{{since}}' }, style: 'queryParam', sinceFormat: 'iso' });
    expect(tickets.changes.ordered).toBeUndefined();
    expect(tickets.create).toEqual({ method: 'POST', path: '/tickets' });
    expect(tickets.update).toBeUndefined();
    expect(tickets.delete).toBeUndefined();
    expect(tickets.findBy).toMatchObject({ path: '/tickets', query: { '{{field|name}}': '{{value}}' }, records: 'items' });
    expect(declaration.check).toMatchObject({ path: '/tickets', query: { limit: '1' } });
  });

  it('without a modified-since parameter, reads every record on a poll and sorts them', () => {
    const tickets = customRestDeclaration(CustomRestDefinitionSchema.parse(base)).objects.tickets!;
    expect(tickets.changes.ordered).toBe(false);
    expect(tickets.changes.query).toEqual({ limit: '{{limit}}' });
  });

  it('basic sign-in sends the user name entered with the definition', () => {
    const declaration = customRestDeclaration(CustomRestDefinitionSchema.parse({ ...base, auth: { type: 'basic', username: 'sync-bot' } }));
    expect(declaration.auth.main).toMatchObject({ type: 'basic', username: '{{params.username}}', password: '{{secret}}' });
    expect(declaration.params?.username?.default).toBe('sync-bot');
  });

  it('is refused, in the analyst’s words, when it does not check out', () => {
    expect(refusal(base)).toBe('accepted');
    expect(refusal(undefined)).toBe('settings.definition: define the REST API (base URL, sign-in and at least one object), or import an OpenAPI document.');
    expect(refusal({ ...base, baseUrl: 'ftp://files.example' })).toBe('settings.definition: baseUrl: enter the API base URL, starting with http:// or https://.');
    expect(refusal({ ...base, auth: { type: 'apiKey', in: 'header' } })).toBe('settings.definition: auth.name: enter a value.');
    expect(refusal(withObject({ listPath: 'tickets' }))).toBe('settings.definition, object “Tickets”: listPath: a path starting with /, relative to the base URL (e.g. /contacts/{{id}}).');
    expect(refusal(withObject({ getPath: '/tickets/{{secret}}' }))).toBe('settings.definition, object “Tickets”: getPath: the secret cannot be placed in a path.');
    expect(refusal(withObject({ pagination: { type: 'cursor', param: 'cursor' } }))).toBe('settings.definition, object “Tickets”: pagination.tokenPath: enter a value.');
    expect(refusal({ ...base, objects: [base.objects[0], base.objects[0]] })).toBe('settings.definition, object “Tickets”: name: two objects are called “tickets”.');
  });
});
