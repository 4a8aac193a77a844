/**
 * Salesforce (REST API + SOQL), contacts. Written from Salesforce's public documentation:
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm          (query: SOQL in `q`, `records`,
 *       `done`, `nextRecordsUrl`; batch size through the `Sforce-Query-Options: batchSize=` header, 200 to 2,000)
 *   https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
 *       (dateTime literals such as 2026-01-01T00:00:00Z, unquoted) and …/sforce_api_calls_soql_select_quotedstringescapes.htm
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm  (POST …/sobjects/Contact → { id, success, errors })
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm   (PATCH …/sobjects/Contact/{id} → 204)
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_delete_record.htm   (DELETE → 204; the record goes to the Recycle Bin)
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm          (PATCH …/sobjects/Contact/{ExternalIdField}/{value}:
 *       201 created, 200 updated, 300 when the value matches several records)
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_describe.htm (describe: fields[] with name, label, type,
 *       nillable, createable, updateable, externalId)
 *   https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm           (errors: [{ message, errorCode, fields }];
 *       401 INVALID_SESSION_ID; 403 REQUEST_LIMIT_EXCEEDED when the org's API limits are exceeded)
 *   https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm           (OAuth 2.0 web server flow with PKCE;
 *       the token answer names the org's `instance_url`; refresh_token grant)
 * Verified against the contract fake tests/fakes/salesforce-fake.ts, not against Salesforce itself.
 */
import { defineConnector } from '../kit/define-connector';

const API = '/services/data/v62.0';
const CONTACT = `${API}/sobjects/Contact`;

export const salesforce = defineConnector({
  id: 'salesforce',
  label: 'Salesforce',
  docs: ['https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/', 'https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/'],
  // Where users sign in; the API calls go to the org's instance URL from the token answer. A sandbox
  // signs in at https://test.salesforce.com (the connection's base URL).
  baseUrl: 'https://login.salesforce.com',
  params: {
    clientId: { label: 'Connected app consumer key', help: 'From the connected app (External Client App) created for Syncline.' },
  },
  auth: {
    oauth: {
      type: 'oauth2AuthorizationCode',
      label: 'Sign in with Salesforce (OAuth)',
      authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize',
      tokenUrl: '{{baseUrl}}/services/oauth2/token',
      clientIdParam: 'clientId',
      clientAuth: 'body',
      scopes: ['api', 'refresh_token'],
      pkce: true,
      instanceUrlPath: 'instance_url',
    },
  },
  check: { path: `${API}/limits` },
  // The org's daily API allocation and concurrent long-request limit answer 403 REQUEST_LIMIT_EXCEEDED, not 429.
  rateLimit: { concurrency: 5, maxWaitSeconds: 30, transientCodes: { path: '[].errorCode', values: ['REQUEST_LIMIT_EXCEEDED', 'SERVER_UNAVAILABLE'] } },
  errors: { message: '[].message', fields: '[].fields' },
  objects: {
    contacts: {
      label: 'Contacts',
      idField: 'Id',
      modifiedAtField: 'LastModifiedDate',
      modifiedByField: 'LastModifiedById',
      fields: {
        static: [
          { name: 'Id', type: 'string', label: 'Contact ID', readOnly: true },
          { name: 'FirstName', type: 'string', label: 'First Name' },
          { name: 'LastName', type: 'string', label: 'Last Name', required: true },
          { name: 'Email', type: 'email', label: 'Email' },
          { name: 'Phone', type: 'phone', label: 'Business Phone' },
          { name: 'MobilePhone', type: 'phone', label: 'Mobile Phone' },
          { name: 'Title', type: 'string', label: 'Title' },
          { name: 'AccountId', type: 'string', label: 'Account ID' },
          { name: 'CreatedDate', type: 'datetime', label: 'Created Date', readOnly: true },
          { name: 'LastModifiedDate', type: 'datetime', label: 'Last Modified Date', readOnly: true },
          { name: 'LastModifiedById', type: 'string', label: 'Last Modified By ID', readOnly: true },
        ],
        // Custom fields (…__c) come from describe; SOQL has no SELECT *, so they are asked for by name.
        discover: {
          request: { path: `${CONTACT}/describe` },
          records: 'fields',
          name: 'name',
          label: 'label',
          type: 'type',
          writable: 'updateable',
          requiredWhen: { nillable: [false], createable: [true], defaultedOnCreate: [false] },
          select: true,
          typeMap: {
            string: 'string', textarea: 'string', url: 'string', id: 'string', reference: 'string', multipicklist: 'string',
            email: 'email', phone: 'phone', picklist: 'enum', boolean: 'boolean',
            double: 'number', currency: 'number', percent: 'number', int: 'number', long: 'number',
            date: 'date', datetime: 'datetime',
          },
        },
      },
      list: {
        path: `${API}/query`,
        query: { q: 'SELECT {{fieldNames}} FROM Contact ORDER BY Id' },
        headers: { 'Sforce-Query-Options': 'batchSize={{limit}}' },
        records: 'records',
        pagination: { type: 'nextUrl', urlPath: 'nextRecordsUrl', stopPath: 'done' },
        maxPageSize: 2000,
      },
      changes: {
        style: 'filterExpression',
        sinceFormat: 'isoSeconds',
        path: `${API}/query`,
        query: { q: 'SELECT {{fieldNames}} FROM Contact WHERE LastModifiedDate >= {{since}} ORDER BY LastModifiedDate, Id' },
        headers: { 'Sforce-Query-Options': 'batchSize={{limit}}' },
        records: 'records',
        pagination: { type: 'nextUrl', urlPath: 'nextRecordsUrl', stopPath: 'done' },
        maxPageSize: 2000,
      },
      get: { path: `${CONTACT}/{{id|urlSegment}}`, query: { fields: '{{fieldNames}}' } },
      create: { method: 'POST', path: CONTACT, idPath: 'id' },
      update: { method: 'PATCH', path: `${CONTACT}/{{id|urlSegment}}` },
      // Upsert keys are External ID fields, which are custom fields (…__c).
      upsert: { method: 'PATCH', path: `${CONTACT}/{{field|name}}/{{value|urlSegment}}`, keyFields: '[A-Za-z][A-Za-z0-9_]*__c', idPath: 'id' },
      // A deleted record stays in the Recycle Bin for 15 days and can be undeleted.
      delete: { method: 'DELETE', path: `${CONTACT}/{{id|urlSegment}}`, effect: 'soft' },
      findBy: { path: `${API}/query`, query: { q: "SELECT {{fieldNames}} FROM Contact WHERE {{field|name}} = '{{value|soqlString}}' LIMIT 10" }, records: 'records' },
    },
  },
});
