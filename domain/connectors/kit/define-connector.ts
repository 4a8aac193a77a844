/**
 * The declaration model of a connector: everything Syncline needs to know about a system, as data.
 * One generic runtime (`runtime.ts` and its helpers) reads it; a system is one file of
 * `defineConnector({...})` in `../systems/`. Shaped after Airbyte's declarative manifests (requester,
 * paginator, record selector, incremental cursor), Workato's connector SDK (objects, triggers with a
 * `since`) and n8n's declarative routing (request templates per operation).
 *
 * Templates: strings may hold `{{name}}` placeholders, filled per request from
 * `params.<name>` (per-account parameters), `secret` and `baseUrl` (in auth only), `id`, `field`, `value`, `since`, `limit` and
 * `fieldNames`. A string that is exactly one placeholder takes the value as is (a number stays a
 * number, `fieldNames` stays a list), so JSON bodies keep their types. Filters after a bar escape a
 * value for the language it lands in (`{{value|soqlString}}`, `{{field|name}}`; see templates.ts).
 */

/** The types a field can have (shown in pickers; `datetime` values are ISO 8601 text). */
export type FieldType = 'string' | 'number' | 'boolean' | 'datetime' | 'date' | 'email' | 'phone' | 'enum' | 'json';

export interface FieldDeclaration {
  readonly name: string;
  readonly label?: string;
  readonly type: FieldType;
  /** A create fails without it. */
  readonly required?: boolean;
  /** The system sets it; writes never send it. */
  readonly readOnly?: boolean;
  readonly options?: readonly string[];
}

/**
 * Fields read from the system's own metadata endpoint (describe / properties), cached per connection
 * (refreshable). `type` maps the system's type names to ours; unknown names become `string`.
 */
export interface DiscoverDeclaration {
  readonly request: RequestTemplate;
  /** Path of the list of field descriptions in the answer. */
  readonly records: string;
  readonly name: string;
  readonly label?: string;
  readonly type: string;
  readonly typeMap?: Readonly<Record<string, FieldType>>;
  /** Path of a boolean that says the field is read-only. */
  readonly readOnly?: string;
  /**
   * A create needs the field when every path here holds one of its values (Salesforce: not nillable,
   * createable, not defaulted on create; Dataverse: `RequiredLevel.Value` SystemRequired or ApplicationRequired).
   */
  readonly requiredWhen?: Readonly<Record<string, readonly (string | boolean)[]>>;
  /** Path of a boolean that says the field can be written (Salesforce `updateable`, Dataverse `IsValidForUpdate`); its opposite is read-only. */
  readonly writable?: string;
  /**
   * Listings, reads and lookups ask for the discovered fields by name too (`{{fieldNames}}`): for a
   * system with no "every field" (SOQL has no `SELECT *`), so custom fields reach flows.
   */
  readonly select?: boolean;
}

/** A request relative to the connector's base URL. */
export interface RequestTemplate {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Joined to the base URL; may use placeholders (`/users/{{id}}.json`). */
  readonly path: string;
  /** Query parameters; a parameter whose value renders empty is left out. Keys may be templates. */
  readonly query?: Readonly<Record<string, string>>;
  /** JSON body template. */
  readonly body?: unknown;
  /** Request headers (templates; `Prefer: odata.maxpagesize={{limit}}`), kept for next-page URLs too. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Flags in the answer that say the listing ended, besides a missing token or URL. */
export interface EndOfListing {
  /** The last page when this is `true` (`end_of_stream`, SOQL `done`). */
  readonly stopPath?: string;
  /** The last page unless this is `true` (`meta.has_more`). */
  readonly morePath?: string;
}

/** How the next page of a listing is asked for. */
export type PaginationDeclaration =
  /** A token in the answer (`paging.next.after`), sent back as a query or body parameter. */
  | ({ readonly type: 'cursor'; readonly tokenPath: string; readonly param: string; readonly in?: 'query' | 'body' } & EndOfListing)
  /** A URL in the answer (`after_url`, OData `@odata.nextLink`, SOQL `nextRecordsUrl` with `stopPath: 'done'`). */
  | ({ readonly type: 'nextUrl'; readonly urlPath: string } & EndOfListing)
  /** RFC 8288 `Link: <…>; rel="next"` header. */
  | { readonly type: 'linkHeader' }
  /** `offset` / `limit` parameters; the next offset is the previous plus the records read. */
  | { readonly type: 'offset'; readonly offsetParam: string }
  /** A page number parameter. */
  | { readonly type: 'page'; readonly pageParam: string; readonly firstPage?: number }
  | { readonly type: 'none' };

/** A listing: the request, where the records are in the answer, and how to page. */
export interface ListDeclaration extends RequestTemplate {
  /** Path of the record list in the answer ('' when the answer is the list). */
  readonly records: string;
  readonly pagination: PaginationDeclaration;
  /** The largest page the system serves (`{{limit}}` never exceeds it). */
  readonly maxPageSize: number;
}

/**
 * Change detection: the listing of records modified at or after `{{since}}`, oldest first.
 * `style` says how the system takes it: a query parameter (`updated_since=`), a filter expression
 * (`$filter=modifiedon ge {{since}}`) or a search body (HubSpot's search API).
 */
export interface ChangesDeclaration extends ListDeclaration {
  readonly style: 'queryParam' | 'filterExpression' | 'searchBody';
  /** How `{{since}}` is written. */
  readonly sinceFormat: 'iso' | 'isoSeconds' | 'unixSeconds' | 'unixMs';
  /**
   * `false` when the system does not document its order: the runtime then reads every page of the
   * changes (up to {@link UNORDERED_READ_LIMIT} records) and sorts them by modified-at and id.
   */
  readonly ordered?: boolean;
}

/** Records read at most per call from a change listing that is not ordered. */
export const UNORDERED_READ_LIMIT = 10_000;

/** Where a record's fields live in the system's JSON. */
export interface RecordShape {
  /** Answers and write bodies wrap one record in this key (Zendesk: `{ "user": {…} }`). */
  readonly envelope?: string;
  /** The record's fields sit under this key (HubSpot: `properties`); flows see them flattened beside the id. */
  readonly fieldsAt?: string;
}

export interface ObjectDeclaration {
  readonly label: string;
  readonly idField: string;
  readonly modifiedAtField: string;
  /** Who changed the record last: loop prevention recognises the integration's own writes. */
  readonly modifiedByField?: string;
  readonly shape?: RecordShape;
  readonly fields: { readonly static: readonly FieldDeclaration[]; readonly discover?: DiscoverDeclaration };
  /** Every record (key scans, samples). */
  readonly list: ListDeclaration;
  /** Records modified since `{{since}}`, oldest first (poll triggers). */
  readonly changes: ChangesDeclaration;
  readonly get: RequestTemplate;
  /** `idPath`: where the new record's id is in the answer when it is not the record (Salesforce: `id`). */
  readonly create?: RequestTemplate & { readonly idPath?: string };
  readonly update?: RequestTemplate;
  /**
   * The system's own upsert keyed on a field (Salesforce external id fields, Dataverse alternate keys):
   * `{{field}}` and `{{value}}` name the key. Used for a write that matches by a field whose name
   * matches `keyFields` (a regular expression, placeholders filled first); other matches go through
   * `findBy`. The answer's status says what happened: 201 created, anything else updated.
   */
  readonly upsert?: RequestTemplate & { readonly keyFields: string; readonly idPath?: string };
  /** What "delete" does in the system; `soft` when the record stays retrievable (archived, deactivated). */
  readonly delete?: RequestTemplate & { readonly effect: 'hard' | 'soft' };
  /** A permanent delete; `afterDelete`: the system only removes a record that was deleted first (Zendesk). */
  readonly hardDelete?: RequestTemplate & { readonly afterDelete?: boolean };
  /** Records whose `{{field}}` equals `{{value}}` (matching is re-checked on the answer, case-insensitively). */
  readonly findBy?: RequestTemplate & { readonly records: string };
}

/** How a connection signs its requests. The connection's ONE secret fills `{{secret}}`. */
export type AuthDeclaration =
  | { readonly type: 'none' }
  | { readonly type: 'apiKey'; readonly label: string; readonly in: 'header' | 'query'; readonly name: string }
  | { readonly type: 'bearer'; readonly label: string }
  /** `username` and `password` are templates (Zendesk: `{{params.email}}/token` + `{{secret}}`). */
  | { readonly type: 'basic'; readonly label: string; readonly username: string; readonly password: string }
  /** The secret is the client secret; the client id is a parameter. */
  | ({ readonly type: 'oauth2ClientCredentials'; readonly label: string; readonly tokenUrl: string; readonly scopes?: readonly string[] } & OAuthClient)
  /**
   * Authorization code with PKCE (S256), then refresh tokens. "Connect" opens `authorizeUrl`; the
   * callback stores the tokens encrypted (see kit/oauth-sign-in.ts). The secret is the client secret
   * (or JSON `{ clientSecret, refreshToken }` to use a refresh token obtained elsewhere).
   * `instanceUrlPath`: where the token answer names the account's own base URL (Salesforce).
   */
  | ({
      readonly type: 'oauth2AuthorizationCode';
      readonly label: string;
      readonly authorizeUrl: string;
      readonly tokenUrl: string;
      readonly scopes: readonly string[];
      readonly pkce: boolean;
      readonly instanceUrlPath?: string;
    } & OAuthClient);

/** How the OAuth2 client identifies itself at the token endpoint. */
export interface OAuthClient {
  /** The parameter that holds the client id. */
  readonly clientIdParam: string;
  /** `basic`: an Authorization header (RFC 6749's preference); `body`: client_id and client_secret in the form (HubSpot). */
  readonly clientAuth: 'basic' | 'body';
  /**
   * Environment variables holding the client id and secret of the installation's own OAuth app: when
   * both are set, admins connect without entering them.
   */
  readonly clientFromEnvironment?: { readonly clientId: string; readonly clientSecret: string };
}

export interface ParamDeclaration {
  readonly label: string;
  readonly help?: string;
  readonly example?: string;
  /** A regular expression source the value must match entirely. */
  readonly pattern?: string;
  readonly optional?: boolean;
  /** Used when the connection leaves the parameter empty (a sign-in host another cloud or a test replaces). */
  readonly default?: string;
}

/** How the system says "slow down" and which failures are worth retrying. */
export interface RateLimitDeclaration {
  /** Requests in flight at once per connection. */
  readonly concurrency: number;
  /** Statuses retried besides 429 (default 408, 500, 502, 503, 504). */
  readonly transientStatuses?: readonly number[];
  /** A `Retry-After` longer than this (seconds) is left to the step's retry policy instead of waited out here. */
  readonly maxWaitSeconds?: number;
  /** Refusals retried like a 429 because of a code in their body (Salesforce: 403 `REQUEST_LIMIT_EXCEEDED`). */
  readonly transientCodes?: { readonly path: string; readonly values: readonly string[] };
}

/** Where an error answer explains itself (paths; `[]` walks a list, `@keys` takes an object's keys, `*` its values). */
export interface ErrorDeclaration {
  readonly message?: string;
  /** The fields the error is about. */
  readonly fields?: string;
  readonly details?: string;
  /** A regular expression whose first matching group names the field in a message that has no field list (Dataverse). */
  readonly fieldInMessage?: string;
}

export interface ConnectorDeclaration {
  /** Never renamed: stored in connections. Lowercase letters, digits and dashes. */
  readonly id: string;
  readonly label: string;
  /** The vendor documentation pages the declaration follows. */
  readonly docs: readonly string[];
  /** Template; e.g. `https://{{params.subdomain}}.zendesk.com`. */
  readonly baseUrl: string;
  /** Headers of every request (`OData-Version: 4.0`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly params?: Readonly<Record<string, ParamDeclaration>>;
  /** The sign-in methods the system offers; the first is the default. */
  readonly auth: Readonly<Record<string, AuthDeclaration>>;
  /** A cheap authenticated request for "Test connection". */
  readonly check: RequestTemplate;
  readonly objects: Readonly<Record<string, ObjectDeclaration>>;
  readonly rateLimit: RateLimitDeclaration;
  readonly errors?: ErrorDeclaration;
}

const ID = /^[a-z][a-z0-9-]{1,40}$/;

/**
 * Declares a connector. Checks the declaration's own consistency at load time (a typo in an id
 * field or a missing object fails when the module loads, not in a customer's run).
 *
 * @example
 * ```ts
 * export const acme = defineConnector({ id: 'acme', label: 'Acme', docs: ['https://acme.test/api'], baseUrl: 'https://api.acme.test',
 *   auth: { token: { type: 'bearer', label: 'API token' } }, check: { path: '/me' }, rateLimit: { concurrency: 4 }, objects: { … } });
 * ```
 */
export function defineConnector<const T extends ConnectorDeclaration>(declaration: T): T {
  if (!ID.test(declaration.id)) throw new Error(`Connector id "${declaration.id}": lowercase letters, digits and dashes.`);
  if (Object.keys(declaration.auth).length === 0) throw new Error(`Connector ${declaration.id}: declare at least one auth method.`);
  for (const [name, object] of Object.entries(declaration.objects)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Error(`Connector ${declaration.id}: object name "${name}" must be letters, digits and underscores.`);
    if (object.list.maxPageSize < 1 || object.changes.maxPageSize < 1) throw new Error(`Connector ${declaration.id}, ${name}: maxPageSize must be at least 1.`);
  }
  if (declaration.rateLimit.concurrency < 1) throw new Error(`Connector ${declaration.id}: concurrency must be at least 1.`);
  return declaration;
}
