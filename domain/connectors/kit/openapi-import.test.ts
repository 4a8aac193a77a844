import { describe, expect, it } from 'vitest';
import { UserError } from '../../../flows-engine/index';
import { importOpenApi } from './openapi-import';

/** Shaped like a small CRM's published OpenAPI 3.0 document: wrapped list answers, allOf, $refs, server variables. */
const CRM_YAML = `
openapi: 3.0.3
info:
  title: Acme CRM API
  version: "2.1"
servers:
  - url: https://{tenant}.acme-crm.example/api/v2
    variables:
      tenant:
        default: demo
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.acme-crm.example/oauth/token
          scopes:
            contacts.read: Read contacts
            contacts.write: Write contacts
    session:
      type: apiKey
      in: cookie
      name: sid
  schemas:
    Timestamps:
      type: object
      properties:
        created_at: { type: string, format: date-time, readOnly: true }
        updated_at: { type: string, format: date-time, readOnly: true }
        updated_by: { type: string, readOnly: true }
    ContactInput:
      type: object
      required: [email, last_name]
      properties:
        email: { type: string, format: email, title: Email address }
        first_name: { type: string }
        last_name: { type: string }
        status: { type: string, enum: [lead, customer, churned] }
        score: { type: integer }
        tags: { type: array, items: { type: string } }
    Contact:
      allOf:
        - type: object
          properties:
            id: { type: string, readOnly: true }
        - $ref: '#/components/schemas/ContactInput'
        - $ref: '#/components/schemas/Timestamps'
    Company:
      type: object
      properties:
        company_id: { type: integer, readOnly: true }
        name: { type: string }
        vip: { type: boolean }
paths:
  /contacts:
    get:
      parameters:
        - { name: cursor, in: query, schema: { type: string } }
      responses:
        '200':
          description: A page of contacts
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: { type: array, items: { $ref: '#/components/schemas/Contact' } }
                  next_cursor: { type: string, nullable: true }
    post:
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/ContactInput' }
      responses:
        '201':
          description: Created
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Contact' }
  /contacts/{contactId}:
    get:
      responses:
        '200': { description: A contact, content: { application/json: { schema: { $ref: '#/components/schemas/Contact' } } } }
    patch:
      responses: { '200': { description: Updated } }
    delete:
      responses: { '204': { description: Deleted } }
  /companies:
    get:
      responses:
        '200':
          description: Companies
          content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Company' } } } }
  /companies/{company_id}:
    put:
      responses: { '200': { description: Replaced } }
  /companies/{company_id}/notes:
    get:
      responses: { '200': { description: Notes } }
`;

describe('OpenAPI 3 import', () => {
  it('turns paths into objects with their operations, and schemas into typed fields', () => {
    const api = importOpenApi(CRM_YAML);
    expect(api.title).toBe('Acme CRM API');
    expect(api.baseUrl).toBe('https://demo.acme-crm.example/api/v2');
    expect(api.objects.map((o) => o.name)).toEqual(['contacts', 'companies']);

    const contacts = api.objects[0]!;
    expect(contacts).toMatchObject({
      label: 'Contacts',
      idField: 'id',
      modifiedAtField: 'updated_at',
      modifiedByField: 'updated_by',
      records: 'data',
      list: { method: 'GET', path: '/contacts' },
      create: { method: 'POST', path: '/contacts' },
      get: { method: 'GET', path: '/contacts/{{id|urlSegment}}' },
      update: { method: 'PATCH', path: '/contacts/{{id|urlSegment}}' },
      delete: { method: 'DELETE', path: '/contacts/{{id|urlSegment}}' },
    });
    const field = (name: string) => contacts.fields.find((f) => f.name === name);
    expect(field('email')).toEqual({ name: 'email', type: 'email', label: 'Email address', required: true });
    expect(field('last_name')).toMatchObject({ type: 'string', required: true });
    expect(field('first_name')!.required).toBeUndefined();
    expect(field('status')).toMatchObject({ type: 'enum', options: ['lead', 'customer', 'churned'] });
    expect(field('score')!.type).toBe('number');
    expect(field('tags')!.type).toBe('json');
    expect(field('id')).toMatchObject({ readOnly: true });
    expect(field('updated_at')).toMatchObject({ type: 'datetime', readOnly: true });

    const companies = api.objects[1]!;
    expect(companies).toMatchObject({ idField: 'company_id', records: '', update: { method: 'PUT', path: '/companies/{{id|urlSegment}}' } });
    expect(companies.get).toBeUndefined();
    expect(companies.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['company_id:number', 'name:string', 'vip:boolean']);

    expect(api.auth).toEqual({
      bearerAuth: { type: 'bearer', label: 'Bearer Auth' },
      oauth: { type: 'oauth2ClientCredentials', label: 'Oauth', tokenUrl: 'https://auth.acme-crm.example/oauth/token', scopes: ['contacts.read', 'contacts.write'], clientIdParam: 'clientId', clientAuth: 'basic' },
    });
    expect(api.notes).toEqual([
      'Companies: no field looks like “modified at”; choose it before polling for changes.',
      '/companies/{company_id}/notes was not imported: it sits under another record (its path needs {company_id}).',
      'Sign-in “session” (apiKey in cookie) is not supported; choose another sign-in.',
    ]);
  });

  it('reads the same document as JSON', () => {
    const json = JSON.stringify({
      openapi: '3.1.0',
      info: { title: 'Tiny' },
      servers: [{ url: 'https://api.tiny.example/' }],
      paths: { '/items': { get: { responses: { '200': { content: { 'application/json': { schema: { type: 'object', properties: { results: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, modifiedAt: { type: 'string', format: 'date-time' } } } } } } } } } } } } },
    });
    const api = importOpenApi(json);
    expect(api).toMatchObject({ title: 'Tiny', baseUrl: 'https://api.tiny.example', auth: { none: { type: 'none' } } });
    expect(api.objects[0]).toMatchObject({ name: 'items', records: 'results', idField: 'id', modifiedAtField: 'modifiedAt' });
  });

  it('refuses a document that does not parse, or is not OpenAPI 3, with a clear reason', () => {
    const broken = (() => {
      try {
        importOpenApi('openapi: 3.0.0\npaths:\n  /a: [unclosed\n');
      } catch (error) {
        return error;
      }
    })();
    expect(broken).toBeInstanceOf(UserError);
    expect((broken as UserError).message).toMatch(/^OpenAPI import: the document does not parse as YAML \(line \d+, column \d+\): /);
    expect(() => importOpenApi('{"openapi": "3.0.0", "paths": {')).toThrow(/^OpenAPI import: the document does not parse as JSON: /);
    expect(() => importOpenApi('swagger: "2.0"\npaths: {}\n')).toThrow('OpenAPI import: this is a Swagger 2.0 document; convert it to OpenAPI 3 first');
    expect(() => importOpenApi('title: not an api\n')).toThrow('OpenAPI import: the document has no “openapi: 3.x” field');
    expect(() => importOpenApi('openapi: 3.0.0\npaths: {}\n')).toThrow('OpenAPI import: the document has no path that lists, reads or writes records');
  });

  it('names the object and field whose reference leads nowhere', () => {
    const doc = CRM_YAML.replace("first_name: { type: string }", "first_name: { $ref: '#/components/schemas/Name' }");
    expect(() => importOpenApi(doc)).toThrow('OpenAPI import: Contacts, field “first_name”: the reference “#/components/schemas/Name” does not exist in the document.');
  });
});
