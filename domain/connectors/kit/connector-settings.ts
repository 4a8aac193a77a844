/**
 * The settings of a connection of kind `connector` (a system declared with `defineConnector`):
 * which connector, which of its sign-in methods, its per-account parameters, and optionally another
 * base URL (a sandbox, a proxy, or a contract fake in tests). A REST API the admin defined
 * (`connector: 'custom-rest'`) carries its whole definition in `definition` (see custom-rest.ts). The secret is the connection's one
 * secret, as for every kind. A reader that cannot match the settings to a declaration refuses them.
 */
import { z } from 'zod';
import { CUSTOM_REST_ID, CustomRestDefinitionSchema, customRestDeclaration, type CustomRestDefinition } from './custom-rest';
import type { AuthDeclaration, ConnectorDeclaration } from './define-connector';
import { findConnector } from './registry';

export const ConnectorSettingsSchema = z
  .object({
    connector: z.string({ error: 'connector: choose a system.' }).trim().min(1, 'connector: choose a system.'),
    /** One of the connector's `auth` keys; empty: its first. */
    authMethod: z.string().trim().default(''),
    params: z.record(z.string(), z.string().trim()).default({}),
    baseUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'baseUrl: a URL starting with http:// or https://, or empty for the system’s own.' })]).default(''),
    /** OAuth sign-in: other authorize and token endpoints (a sandbox, a test server); empty: the system's own. */
    authorizeUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'authorizeUrl: a URL starting with http:// or https://, or empty for the system’s own.' })]).default(''),
    tokenUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'tokenUrl: a URL starting with http:// or https://, or empty for the system’s own.' })]).default(''),
    /** Only for `custom-rest`: the API the admin defined. */
    definition: z.unknown().optional(),
  })
  .transform((settings, ctx) => {
    if (settings.connector !== CUSTOM_REST_ID) return { ...settings, definition: undefined };
    const parsed = CustomRestDefinitionSchema.safeParse(settings.definition);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', path: ['definition'], message: definitionIssue(settings.definition, parsed.error.issues[0]!) });
      return z.NEVER;
    }
    return { ...settings, definition: parsed.data as CustomRestDefinition | undefined };
  })
  .superRefine((settings, ctx) => {
    if (settings.connector === CUSTOM_REST_ID) return; // its definition was checked above
    const declaration = findConnector(settings.connector);
    if (!declaration) {
      ctx.addIssue({ code: 'custom', path: ['connector'], message: `connector: “${settings.connector}” is not a system Syncline knows.` });
      return;
    }
    if (settings.authMethod && !(settings.authMethod in declaration.auth)) {
      ctx.addIssue({ code: 'custom', path: ['authMethod'], message: `authMethod: ${declaration.label} signs in with ${Object.keys(declaration.auth).join(' or ')}.` });
    }
    for (const [name, param] of Object.entries(declaration.params ?? {})) {
      const value = settings.params[name] ?? '';
      if (!value && !param.optional && param.default === undefined) ctx.addIssue({ code: 'custom', path: ['params', name], message: `params.${name}: enter the “${param.label}”.` });
      else if (value && param.pattern && !new RegExp(`^(?:${param.pattern})$`).test(value)) {
        ctx.addIssue({ code: 'custom', path: ['params', name], message: `params.${name}: “${value}” is not a valid “${param.label}”${param.example ? ` (e.g. ${param.example})` : ''}.` });
      }
    }
  });
/**
 * A definition's first problem, located in the analyst's words: `definition, object “Tickets”: listPath: …`.
 * Messages already start with their field's name, so only the object (or `auth`) is added.
 */
function definitionIssue(definition: unknown, issue: z.core.$ZodIssue): string {
  if (issue.path.length === 0) return 'definition: define the REST API (base URL, sign-in and at least one object), or import an OpenAPI document.';
  const [head, index] = issue.path;
  const inObject = head === 'objects' && typeof index === 'number';
  // zod's own type messages ("Invalid input: expected string…") become "<field>: enter a value."
  const field = issue.path.slice(inObject ? 2 : 0).join('.');
  const message = issue.code === 'invalid_type' || !issue.message.includes(':') ? `${field}: ${issue.code === 'invalid_type' && issue.input === undefined ? 'enter a value.' : issue.message}` : issue.message;
  if (!inObject) return `definition: ${message}`;
  const object = (definition as { objects?: { label?: unknown; name?: unknown }[] }).objects?.[index];
  const name = typeof object?.label === 'string' && object.label ? object.label : typeof object?.name === 'string' && object.name ? object.name : `#${index + 1}`;
  return `definition, object “${name}”: ${message}`;
}

export type ConnectorSettings = z.infer<typeof ConnectorSettingsSchema>;

/** The declaration a connection's settings name (they were validated when read, so it exists). */
export function declarationOf(settings: ConnectorSettings): ConnectorDeclaration {
  if (settings.connector === CUSTOM_REST_ID) {
    if (!settings.definition) throw new Error('a custom REST connection has no definition');
    return customRestDeclaration(settings.definition);
  }
  const declaration = findConnector(settings.connector);
  if (!declaration) throw new Error(`connector ${settings.connector} is not registered`);
  return declaration;
}

/** The sign-in method a connection uses. */
export function authOf(settings: ConnectorSettings): AuthDeclaration {
  const declaration = declarationOf(settings);
  const method = settings.authMethod || Object.keys(declaration.auth)[0]!;
  return declaration.auth[method]!;
}
