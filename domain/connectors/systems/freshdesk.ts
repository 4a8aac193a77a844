/**
 * Freshdesk v2, contacts. Written from Freshdesk's public API documentation:
 *   https://developers.freshdesk.com/api/#contacts            (list with _updated_since, view, create, update, soft and hard delete,
 *                                                              filter by email / phone / mobile)
 *   https://developers.freshdesk.com/api/#authentication      (basic auth: the API key as user name, "X" as password)
 *   https://developers.freshdesk.com/api/#pagination          (page / per_page up to 100, RFC 8288 Link header rel="next")
 *   https://developers.freshdesk.com/api/#ratelimit           (429 with Retry-After)
 *   https://developers.freshdesk.com/api/#error               (error body: description, errors[].field / message / code)
 * The contact listing's order is not documented, so changes are read whole and sorted here (`ordered: false`).
 * Verified against the contract fake tests/fakes/freshdesk-fake.ts, not against Freshdesk itself.
 */
import { defineConnector } from '../kit/define-connector';

export const freshdesk = defineConnector({
  id: 'freshdesk',
  label: 'Freshdesk',
  docs: ['https://developers.freshdesk.com/api/#contacts'],
  baseUrl: 'https://{{params.domain}}.freshdesk.com',
  params: {
    domain: { label: 'Freshdesk domain', example: 'acme (for acme.freshdesk.com)', pattern: '[a-z0-9][a-z0-9-]{0,62}' },
  },
  auth: {
    apiKey: { type: 'basic', label: 'API key', username: '{{secret}}', password: 'X' },
  },
  check: { path: '/api/v2/contacts', query: { per_page: '1' } },
  rateLimit: { concurrency: 3, maxWaitSeconds: 60 },
  errors: { message: 'description', fields: 'errors[].field', details: 'errors[].message' },
  objects: {
    contacts: {
      label: 'Contacts',
      idField: 'id',
      modifiedAtField: 'updated_at',
      fields: {
        static: [
          { name: 'name', type: 'string', label: 'Name', required: true },
          { name: 'email', type: 'email', label: 'Email' },
          { name: 'phone', type: 'phone', label: 'Phone' },
          { name: 'mobile', type: 'phone', label: 'Mobile' },
          { name: 'job_title', type: 'string', label: 'Job title' },
          { name: 'unique_external_id', type: 'string', label: 'External id' },
          { name: 'company_id', type: 'number', label: 'Company id' },
          { name: 'created_at', type: 'datetime', label: 'Created', readOnly: true },
          { name: 'updated_at', type: 'datetime', label: 'Updated', readOnly: true },
        ],
      },
      list: {
        path: '/api/v2/contacts',
        query: { per_page: '{{limit}}' },
        records: '',
        pagination: { type: 'linkHeader' },
        maxPageSize: 100,
      },
      changes: {
        style: 'queryParam',
        sinceFormat: 'isoSeconds',
        ordered: false,
        path: '/api/v2/contacts',
        query: { _updated_since: '{{since}}', per_page: '{{limit}}' },
        records: '',
        pagination: { type: 'linkHeader' },
        maxPageSize: 100,
      },
      get: { path: '/api/v2/contacts/{{id}}' },
      create: { method: 'POST', path: '/api/v2/contacts' },
      update: { method: 'PUT', path: '/api/v2/contacts/{{id}}' },
      delete: { method: 'DELETE', path: '/api/v2/contacts/{{id}}', effect: 'soft' },
      hardDelete: { method: 'DELETE', path: '/api/v2/contacts/{{id}}/hard_delete', query: { force: 'true' } },
      // The listing filters by email, phone, mobile or company_id only.
      findBy: { path: '/api/v2/contacts', query: { '{{field}}': '{{value}}' }, records: '' },
    },
  },
});
