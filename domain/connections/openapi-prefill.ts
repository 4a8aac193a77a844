/**
 * "Import OpenAPI document" on the connections page: a document pasted, uploaded or named by URL is
 * read with the kit's importer and returned as a prefilled custom REST definition plus the notes on
 * what OpenAPI could not say. A URL is fetched through the same guarded HTTP client as connections
 * (no private or loopback addresses unless the admin allowed them), so the import cannot be used to
 * probe the internal network.
 */
import { z } from 'zod';
import { UserError } from '../../flows-engine/index';
import { definitionFromOpenApi } from '../connectors/kit/custom-rest';
import { importOpenApi } from '../connectors/kit/openapi-import';
import { HttpFailure, sendHttp } from './http-client';

/** Where the document comes from: its text (pasted or uploaded), or a URL to fetch. One object of typed fields, exactly one of the two set. */
export const OpenApiSourceSchema = z
  .object({
    text: z.string().max(5_000_000, 'document: at most 5 MB.').optional(),
    url: z.url({ protocol: /^https?$/, error: 'url: the address of an OpenAPI document, starting with http:// or https://.' }).optional(),
    allowPrivateNetwork: z.boolean().default(false),
  })
  .refine((source) => (source.text === undefined) !== (source.url === undefined), { error: 'document: paste or upload a document, or give its URL (one of the two).' });
export type OpenApiSource = z.infer<typeof OpenApiSourceSchema>;

async function documentText(source: OpenApiSource): Promise<string> {
  if (source.text !== undefined) return source.text;
  if (source.url === undefined) throw new UserError('OpenAPI import: paste or upload a document, or give its URL.', { field: 'url' });
  try {
    const answer = await sendHttp({ method: 'GET', url: source.url, headers: { accept: 'application/json, application/yaml, text/yaml, */*' }, allowPrivateNetwork: source.allowPrivateNetwork, timeoutMs: 15_000 });
    if (answer.status < 200 || answer.status >= 300) throw new UserError(`OpenAPI import: ${source.url} answered HTTP ${answer.status}, not a document.`, { field: 'url' });
    return typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  } catch (error) {
    if (error instanceof HttpFailure) throw new UserError(`OpenAPI import: ${error.message}`, { field: 'url' });
    throw error;
  }
}

export async function prefillFromOpenApi(source: OpenApiSource): Promise<{ definition: unknown; notes: readonly string[] }> {
  return definitionFromOpenApi(importOpenApi(await documentText(source)));
}
