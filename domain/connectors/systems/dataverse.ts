/**
 * Microsoft Dynamics 365 / Dataverse Web API (OData v4), contacts. Written from Microsoft's public documentation:
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview          ($select, $filter, $orderby; DateTimeOffset
 *       literals unquoted; string literals in single quotes, a quote doubled)
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results      (Prefer: odata.maxpagesize=n, at most 5,000;
 *       @odata.nextLink with a $skiptoken, requested as is with the same Prefer header)
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api   (POST; 204 + OData-EntityId, or 201 with the
 *       record under Prefer: return=representation)
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/update-delete-entities-using-web-api (PATCH, If-Match: * so an update
 *       never creates; upsert by PATCH without it, also by alternate key: /contacts(emailaddress1='…'); DELETE → 204)
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api  (EntityDefinitions(LogicalName='contact')/Attributes:
 *       LogicalName, AttributeType, DisplayName, IsValidForUpdate)
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors (error body { error: { code, message } })
 *   https://learn.microsoft.com/power-apps/developer/data-platform/api-limits                      (service protection: 429 with Retry-After)
 *   https://learn.microsoft.com/power-apps/developer/data-platform/authenticate-oauth              (Microsoft Entra ID client credentials with an
 *       application user; scope {environment URL}/.default)
 * `_modifiedby_value` (the lookup to the user who last changed a row) is the modified-by field.
 * Verified against the contract fake tests/fakes/dataverse-fake.ts, not against Dataverse itself.
 */
import { defineConnector } from '../kit/define-connector';

const API = '/api/data/v9.2';

export const dataverse = defineConnector({
  id: 'dataverse',
  label: 'Dynamics 365 (Dataverse)',
  docs: ['https://learn.microsoft.com/power-apps/developer/data-platform/webapi/overview'],
  baseUrl: '{{params.environmentUrl}}',
  headers: { Accept: 'application/json', 'OData-MaxVersion': '4.0', 'OData-Version': '4.0' },
  params: {
    environmentUrl: { label: 'Environment URL', example: 'https://contoso.crm.dynamics.com', pattern: 'https://[a-z0-9-]+\\.crm[0-9]*\\.dynamics\\.com' },
    tenantId: { label: 'Directory (tenant) ID', example: '72f988bf-86f1-41af-91ab-2d7cd011db47', pattern: '[A-Za-z0-9][A-Za-z0-9.-]{0,99}' },
    clientId: { label: 'Application (client) ID', help: 'The app registration of the Dataverse application user Syncline acts as.' },
    alternateKeys: {
      label: 'Alternate key columns',
      help: 'Columns defined as alternate keys on the contact table (separate several with |): writes that match by one of them use Dataverse’s own upsert.',
      example: 'emailaddress1',
      pattern: '[a-z0-9_]+(\\|[a-z0-9_]+)*',
      optional: true,
    },
    authorityHost: { label: 'Sign-in host', help: 'Another Microsoft cloud (e.g. https://login.microsoftonline.us).', pattern: 'https?://[A-Za-z0-9.:-]+', default: 'https://login.microsoftonline.com' },
  },
  auth: {
    clientCredentials: {
      type: 'oauth2ClientCredentials',
      label: 'Application user (client secret)',
      tokenUrl: '{{params.authorityHost}}/{{params.tenantId}}/oauth2/v2.0/token',
      scopes: ['{{baseUrl}}/.default'],
      clientIdParam: 'clientId',
      clientAuth: 'body',
    },
  },
  check: { path: `${API}/WhoAmI` },
  // Service protection allows 52 concurrent requests per user; 6,000 requests per 5 minutes.
  rateLimit: { concurrency: 4, maxWaitSeconds: 60 },
  // Messages name columns as "'emailaddress1' attribute"; an unknown column ("property 'x' does not exist") is left to the field check.
  errors: { message: 'error.message', fieldInMessage: "'([a-z0-9_]+)' attribute" },
  objects: {
    contacts: {
      label: 'Contacts',
      idField: 'contactid',
      modifiedAtField: 'modifiedon',
      modifiedByField: '_modifiedby_value',
      fields: {
        static: [
          { name: 'contactid', type: 'string', label: 'Contact', readOnly: true },
          { name: 'firstname', type: 'string', label: 'First Name' },
          { name: 'lastname', type: 'string', label: 'Last Name', required: true },
          { name: 'emailaddress1', type: 'email', label: 'Email' },
          { name: 'telephone1', type: 'phone', label: 'Business Phone' },
          { name: 'mobilephone', type: 'phone', label: 'Mobile Phone' },
          { name: 'jobtitle', type: 'string', label: 'Job Title' },
          { name: 'createdon', type: 'datetime', label: 'Created On', readOnly: true },
          { name: 'modifiedon', type: 'datetime', label: 'Modified On', readOnly: true },
          { name: '_modifiedby_value', type: 'string', label: 'Modified By', readOnly: true },
        ],
        discover: {
          request: { path: `${API}/EntityDefinitions(LogicalName='contact')/Attributes`, query: { $select: 'LogicalName,AttributeType,DisplayName,IsValidForUpdate,RequiredLevel' } },
          records: 'value',
          name: 'LogicalName',
          label: 'DisplayName.UserLocalizedLabel.Label',
          type: 'AttributeType',
          writable: 'IsValidForUpdate',
          requiredWhen: { 'RequiredLevel.Value': ['SystemRequired', 'ApplicationRequired'] },
          typeMap: {
            String: 'string', Memo: 'string', Lookup: 'string', Customer: 'string', Owner: 'string', Uniqueidentifier: 'string', EntityName: 'string',
            Integer: 'number', BigInt: 'number', Decimal: 'number', Double: 'number', Money: 'number',
            Boolean: 'boolean', DateTime: 'datetime', Picklist: 'enum', State: 'enum', Status: 'enum',
          },
        },
      },
      list: {
        path: `${API}/contacts`,
        query: { $orderby: 'contactid asc' },
        headers: { Prefer: 'odata.maxpagesize={{limit}}' },
        records: 'value',
        pagination: { type: 'nextUrl', urlPath: '@odata\\.nextLink' },
        maxPageSize: 5000,
      },
      changes: {
        style: 'filterExpression',
        sinceFormat: 'isoSeconds',
        path: `${API}/contacts`,
        query: { $filter: 'modifiedon ge {{since}}', $orderby: 'modifiedon asc,contactid asc' },
        headers: { Prefer: 'odata.maxpagesize={{limit}}' },
        records: 'value',
        pagination: { type: 'nextUrl', urlPath: '@odata\\.nextLink' },
        maxPageSize: 5000,
      },
      get: { path: `${API}/contacts({{id|urlSegment}})` },
      create: { method: 'POST', path: `${API}/contacts`, headers: { Prefer: 'return=representation' } },
      // If-Match: * makes it an update only: a missing row answers 404 instead of being created.
      update: { method: 'PATCH', path: `${API}/contacts({{id|urlSegment}})`, headers: { 'If-Match': '*' } },
      upsert: { method: 'PATCH', path: `${API}/contacts({{field|name}}='{{value|odataString|urlSegment}}')`, headers: { Prefer: 'return=representation' }, keyFields: '{{params.alternateKeys}}' },
      delete: { method: 'DELETE', path: `${API}/contacts({{id|urlSegment}})`, effect: 'hard' },
      findBy: { path: `${API}/contacts`, query: { $filter: "{{field|name}} eq '{{value|odataString}}'", $top: '10' }, records: 'value' },
    },
  },
});
