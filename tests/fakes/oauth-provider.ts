/**
 * A REAL OAuth 2.0 authorization server for tests: `oidc-provider` (panva/node-oidc-provider, the
 * OpenID Certified™ library; https://github.com/panva/node-oidc-provider/blob/main/docs/README.md),
 * not a stub. It serves its own sign-in and consent pages (the library's development interactions,
 * which accept any login), issues authorization codes with PKCE (RFC 7636, S256 only), opaque access
 * tokens, and refresh tokens that ROTATE on every use (a rotated one used again is refused with
 * `invalid_grant` and its grant revoked, RFC 6819 §5.2.2.3). Its introspection endpoint (RFC 7662)
 * lets a resource server (the HubSpot fake) validate access tokens. Endpoints: `/auth`, `/token`,
 * `/token/introspection`, `/token/revocation`, `/interaction/:uid`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const HUBSPOT_SCOPES = ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.read'];

export interface OAuthProvider {
  readonly issuer: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly client: { readonly id: string; readonly secret: string };
  /** Whether the access token is active (RFC 7662 introspection as the resource server). */
  introspect(token: string): Promise<boolean>;
  /** Revokes a refresh token (RFC 7009): its grant is gone, as when a user removes the app. */
  revoke(refreshToken: string): Promise<void>;
  /** Requests to /token, by grant type. */
  readonly tokenRequests: { grantType: string; status: number }[];
  close(): Promise<void>;
}

export async function startOAuthProvider(options: { redirectUris: string[]; accessTokenTtlSeconds?: number }): Promise<OAuthProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = { id: 'syncline-hubspot-app', secret: 'app-secret-2f8d1c7e9b' };
  const resourceServer = { id: 'hubspot-api', secret: 'resource-server-secret-5a1e' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.id,
        client_secret: client.secret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        // HubSpot's token endpoint takes client_id and client_secret in the form (RFC 6749 §2.3.1).
        token_endpoint_auth_method: 'client_secret_post',
      },
      { client_id: resourceServer.id, client_secret: resourceServer.secret, grant_types: [], response_types: [], redirect_uris: [] },
    ],
    scopes: ['openid', 'offline_access', ...HUBSPOT_SCOPES],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, introspection: { enabled: true }, revocation: { enabled: true } },
    // Like HubSpot: every authorization-code grant gets a refresh token that outlives the browser session.
    issueRefreshToken: async (_ctx, oidcClient) => oidcClient.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    rotateRefreshToken: () => true,
    ttl: { AccessToken: options.accessTokenTtlSeconds ?? 3600, RefreshToken: 86_400 * 30 },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
  });
  const tokenRequests: { grantType: string; status: number }[] = [];
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.method === 'POST') tokenRequests.push({ grantType: String((ctx.request as unknown as { body?: { grant_type?: string } }).body?.grant_type ?? ctx.oidc?.params?.grant_type ?? ''), status: ctx.status });
  });
  server.on('request', provider.callback());

  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const post = (path: string, form: Record<string, string>, auth: string) =>
    fetch(`${issuer}${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  return {
    issuer,
    authorizeUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    client,
    tokenRequests,
    async introspect(token) {
      const res = await post('/token/introspection', { token }, basic(resourceServer.id, resourceServer.secret));
      return ((await res.json()) as { active?: boolean }).active === true;
    },
    async revoke(refreshToken) {
      const res = await post('/token/revocation', { token: refreshToken, token_type_hint: 'refresh_token', client_id: client.id, client_secret: client.secret }, '');
      if (res.status !== 200) throw new Error(`revocation answered ${res.status}`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Signs in at the provider as a browser would, over plain HTTP (integration tests; the e2e test uses
 * Chromium): follows the authorize URL, fills the provider's own login and consent forms, and returns
 * the query of the redirect back to the client (`code`, `state`). Cookies are kept as a browser would.
 */
export async function signInOverHttp(authorizeUrl: string, login = 'ada@example.com'): Promise<URLSearchParams> {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  const origin = new URL(authorizeUrl).origin;
  let url = authorizeUrl;
  let form: Record<string, string> | null = null;
  for (let step = 0; step < 12; step++) {
    const res: Response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: cookie(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    keep(res);
    form = null;
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.origin !== origin) return next.searchParams; // back at the client's redirect URL
      url = next.toString();
      continue;
    }
    const page: string = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    if (!action) throw new Error(`No form on the provider's page (HTTP ${res.status}): ${page.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url).toString();
    form = page.includes('name="login"') ? { prompt: 'login', login, password: 'any password' } : { prompt: 'consent' };
  }
  throw new Error('The sign-in did not come back to the client.');
}
