/**
 * HubSpot CRM v3, contacts. Written from HubSpot's public API documentation:
 *   https://developers.hubspot.com/docs/api/crm/contacts                 (objects: list, get, create, update, archive)
 *   https://developers.hubspot.com/docs/api/crm/search                   (search: filterGroups, sorts, after; at most 10,000 results a query)
 *   https://developers.hubspot.com/docs/api/crm/properties               (properties API: field discovery)
 *   https://developers.hubspot.com/docs/api/usage-details                (rate limits: 429, per-second and daily limits)
 *   https://developers.hubspot.com/docs/faq/api-error-responses          (error body: status, message, category, errors[].context)
 *   https://developers.hubspot.com/docs/api/oauth-quickstart-guide       (OAuth2 authorization code, refresh tokens)
 * Verified against the contract fake tests/fakes/hubspot-fake.ts, not against HubSpot itself.
 */
import { defineConnector } from '../kit/define-connector';

const CONTACTS = '/crm/v3/objects/contacts';

export const hubspot = defineConnector({
  id: 'hubspot',
  label: 'HubSpot',
  docs: ['https://developers.hubspot.com/docs/api/crm/contacts', 'https://developers.hubspot.com/docs/api/crm/search'],
  baseUrl: 'https://api.hubapi.com',
  params: {
    clientId: { label: 'OAuth app client id', optional: true, help: 'Only for sign-in with OAuth.' },
  },
  auth: {
    privateApp: { type: 'bearer', label: 'Private app access token' },
    oauth: {
      type: 'oauth2AuthorizationCode',
      label: 'Sign in with HubSpot (OAuth)',
      authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
      tokenUrl: '{{baseUrl}}/oauth/v1/token',
      clientIdParam: 'clientId',
      clientAuth: 'body',
      // The installation's own HubSpot app, when set: admins then connect without entering a client id and secret.
      clientFromEnvironment: { clientId: 'SYNCLINE_HUBSPOT_CLIENT_ID', clientSecret: 'SYNCLINE_HUBSPOT_CLIENT_SECRET' },
      scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.read'],
      pkce: true,
    },
  },
  check: { path: `${CONTACTS}`, query: { limit: '1' } },
  // Private apps get 100-190 requests per 10 s; a few in flight keeps well under it.
  rateLimit: { concurrency: 4, maxWaitSeconds: 20 },
  errors: { message: 'message', fields: 'errors[].context.propertyName[]', details: 'errors[].message' },
  objects: {
    contacts: {
      label: 'Contacts',
      idField: 'id',
      modifiedAtField: 'lastmodifieddate',
      modifiedByField: 'hs_updated_by_user_id',
      shape: { fieldsAt: 'properties' },
      fields: {
        static: [
          { name: 'email', type: 'email', label: 'Email' },
          { name: 'firstname', type: 'string', label: 'First name' },
          { name: 'lastname', type: 'string', label: 'Last name' },
          { name: 'phone', type: 'phone', label: 'Phone' },
          { name: 'company', type: 'string', label: 'Company' },
          { name: 'lifecyclestage', type: 'enum', label: 'Lifecycle stage', options: ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'] },
          { name: 'createdate', type: 'datetime', label: 'Created', readOnly: true },
          { name: 'lastmodifieddate', type: 'datetime', label: 'Last modified', readOnly: true },
          { name: 'hs_object_id', type: 'string', label: 'Record id', readOnly: true },
          { name: 'hs_updated_by_user_id', type: 'string', label: 'Updated by user', readOnly: true },
        ],
        discover: {
          request: { path: '/crm/v3/properties/contacts' },
          records: 'results',
          name: 'name',
          label: 'label',
          type: 'type',
          typeMap: { string: 'string', number: 'number', bool: 'boolean', datetime: 'datetime', date: 'date', enumeration: 'enum', phone_number: 'phone' },
          readOnly: 'modificationMetadata.readOnlyValue',
        },
      },
      list: {
        path: CONTACTS,
        query: { limit: '{{limit}}', properties: '{{fieldNames}}' },
        records: 'results',
        pagination: { type: 'cursor', tokenPath: 'paging.next.after', param: 'after' },
        maxPageSize: 100,
      },
      // The search API, oldest change first; `after` goes in the body.
      changes: {
        style: 'searchBody',
        sinceFormat: 'unixMs',
        method: 'POST',
        path: `${CONTACTS}/search`,
        body: {
          filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '{{since}}' }] }],
          sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
          properties: '{{fieldNames}}',
          limit: '{{limit}}',
        },
        records: 'results',
        pagination: { type: 'cursor', tokenPath: 'paging.next.after', param: 'after', in: 'body' },
        maxPageSize: 100,
      },
      get: { path: `${CONTACTS}/{{id}}`, query: { properties: '{{fieldNames}}' } },
      create: { method: 'POST', path: CONTACTS },
      update: { method: 'PATCH', path: `${CONTACTS}/{{id}}` },
      // HubSpot archives: the contact goes to the recycle bin for 90 days.
      delete: { method: 'DELETE', path: `${CONTACTS}/{{id}}`, effect: 'soft' },
      findBy: {
        method: 'POST',
        path: `${CONTACTS}/search`,
        body: { filterGroups: [{ filters: [{ propertyName: '{{field}}', operator: 'EQ', value: '{{value}}' }] }], properties: '{{fieldNames}}', limit: 10 },
        records: 'results',
      },
    },
  },
});
