/**
 * Zendesk Support, users. Written from Zendesk's public API documentation:
 *   https://developer.zendesk.com/api-reference/ticketing/users/users/                       (show, create, update, delete, search)
 *   https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/  (incremental user export, cursor based:
 *       GET /api/v2/incremental/users/cursor.json?start_time=…  →  { users, after_url, after_cursor, end_of_stream })
 *   https://developer.zendesk.com/documentation/ticketing/managing-tickets/using-the-incremental-export-api
 *   https://developer.zendesk.com/api-reference/introduction/security-and-auth/                (API token: basic auth as {email}/token)
 *   https://developer.zendesk.com/api-reference/introduction/rate-limits/                      (429 with Retry-After)
 *   https://developer.zendesk.com/api-reference/introduction/requests/                         (422 error body: error, description, details)
 *   https://developer.zendesk.com/api-reference/introduction/pagination/                       (cursor pagination: page[size], links.next, meta.has_more)
 * Verified against the contract fake tests/fakes/zendesk-fake.ts, not against Zendesk itself.
 */
import { defineConnector } from '../kit/define-connector';

export const zendesk = defineConnector({
  id: 'zendesk',
  label: 'Zendesk Support',
  docs: ['https://developer.zendesk.com/api-reference/ticketing/users/users/', 'https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/'],
  baseUrl: 'https://{{params.subdomain}}.zendesk.com',
  params: {
    subdomain: { label: 'Zendesk subdomain', example: 'acme (for acme.zendesk.com)', pattern: '[a-z0-9][a-z0-9-]{0,62}' },
    email: { label: 'Agent email', help: 'The agent who owns the API token', example: 'admin@acme.com', pattern: '[^\\s@]+@[^\\s@]+' },
  },
  auth: {
    apiToken: { type: 'basic', label: 'API token', username: '{{params.email}}/token', password: '{{secret}}' },
  },
  check: { path: '/api/v2/users/me.json' },
  // Incremental exports allow 10 requests a minute; the rest of the API 200-700 a minute by plan.
  rateLimit: { concurrency: 4, maxWaitSeconds: 60 },
  errors: { message: 'description', fields: 'details.@keys', details: 'details.*[].description' },
  objects: {
    users: {
      label: 'Users',
      idField: 'id',
      modifiedAtField: 'updated_at',
      shape: { envelope: 'user' },
      fields: {
        static: [
          { name: 'name', type: 'string', label: 'Name', required: true },
          { name: 'email', type: 'email', label: 'Email' },
          { name: 'phone', type: 'phone', label: 'Phone' },
          { name: 'role', type: 'enum', label: 'Role', options: ['end-user', 'agent', 'admin'] },
          { name: 'external_id', type: 'string', label: 'External id' },
          { name: 'organization_id', type: 'number', label: 'Organization id' },
          { name: 'notes', type: 'string', label: 'Notes' },
          { name: 'active', type: 'boolean', label: 'Active', readOnly: true },
          { name: 'created_at', type: 'datetime', label: 'Created', readOnly: true },
          { name: 'updated_at', type: 'datetime', label: 'Updated', readOnly: true },
        ],
      },
      list: {
        path: '/api/v2/users.json',
        query: { 'page[size]': '{{limit}}' },
        records: 'users',
        pagination: { type: 'nextUrl', urlPath: 'links.next', morePath: 'meta.has_more' },
        maxPageSize: 100,
      },
      // Cursor-based incremental export: start_time on the first request, then after_url.
      changes: {
        style: 'queryParam',
        sinceFormat: 'unixSeconds',
        path: '/api/v2/incremental/users/cursor.json',
        query: { start_time: '{{since}}', per_page: '{{limit}}' },
        records: 'users',
        pagination: { type: 'nextUrl', urlPath: 'after_url', stopPath: 'end_of_stream' },
        maxPageSize: 1000,
      },
      get: { path: '/api/v2/users/{{id}}.json' },
      create: { method: 'POST', path: '/api/v2/users.json' },
      update: { method: 'PUT', path: '/api/v2/users/{{id}}.json' },
      // Deleting a user deactivates it (active: false); a permanent delete is a second step.
      delete: { method: 'DELETE', path: '/api/v2/users/{{id}}.json', effect: 'soft' },
      hardDelete: { method: 'DELETE', path: '/api/v2/deleted_users/{{id}}.json', afterDelete: true },
      findBy: { path: '/api/v2/users/search.json', query: { query: '{{field}}:{{value}}' }, records: 'users' },
    },
  },
});
