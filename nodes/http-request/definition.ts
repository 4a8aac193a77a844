import { z } from 'zod';
import { defineNode } from '../../flows-engine/index';
import { connectionIdField } from '../connection-field';

/**
 * Sends one HTTP request per item, through a connection's auth when one is chosen. The response
 * is added to the item at `responseField`.
 */
export const httpRequestNode = defineNode({
  type: 'http.request',
  version: 1,
  group: 'action',
  title: 'HTTP request',
  description: 'Call an API',
  help: 'Choose a connection to use its address and sign-in. Failed calls are retried, except 4xx answers (other than 408 and 429).',
  ports: { in: ['main'], out: ['main'] },
  config: z.object({
    connectionId: connectionIdField({ label: 'Connection', kinds: ['rest'] }).optional(),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET').meta({ label: 'Method' }),
    url: z.string().min(1, 'Enter the URL').meta({ label: 'URL', widget: 'expression', help: 'Absolute, or relative to the connection\u2019s base URL' }),
    headers: z.record(z.string(), z.string()).default({}).meta({ label: 'Headers', widget: 'key-value' }),
    body: z.unknown().optional().meta({ label: 'Body', widget: 'json' }),
    sendItemAsBody: z.boolean().default(false).meta({ label: 'Send each item as the body' }),
    responseField: z.string().min(1).default('response').meta({ label: 'Put the response in' }),
  }),
  check: (config) => {
    const problems: { field: string; message: string }[] = [];
    if (!config.connectionId && !/^https?:\/\//i.test(config.url)) {
      problems.push({ field: 'url', message: 'Without a connection, the URL must start with http:// or https://' });
    }
    for (const name of Object.keys(config.headers)) {
      if (/^(authorization|cookie|x-api-key)$/i.test(name)) {
        problems.push({ field: `headers.${name}`, message: 'Put credentials in a connection, not in a header (flows are not secret)' });
      }
    }
    return problems;
  },
  effect: true,
});
