/** tRPC inputs of the connections router. Messages name the field they are about. */
import { z } from 'zod';
import { ConnectionKindSchema } from './kinds';

const IdSchema = z.uuid({ error: 'id: not a connection id.' });

export const ConnectionFieldsSchema = z.object({
  name: z.string({ error: 'name: enter a name.' }).trim().min(1, 'name: enter a name.').max(100, 'name: at most 100 characters.'),
  integrationIdentity: z.string().trim().max(200, 'integrationIdentity: at most 200 characters.').default(''),
  owner: z.string().trim().max(200, 'owner: at most 200 characters.').default(''),
  description: z.string().trim().max(2000, 'description: at most 2000 characters.').default(''),
  scopes: z.array(z.string().trim().min(1, 'scopes: a scope cannot be empty.').max(200)).max(50, 'scopes: at most 50.').default([]),
  credentialExpiresAt: z.coerce.date({ error: 'credentialExpiresAt: not a date.' }).nullable().default(null),
  allowPrivateNetwork: z.boolean({ error: 'allowPrivateNetwork: true or false.' }).default(false),
  /** Kind-specific, non-secret settings; validated by the kind's schema in kinds.ts. */
  settings: z.record(z.string(), z.unknown(), { error: 'settings: expected the settings of the connection kind (a JSON object).' }),
});

export const CreateConnectionSchema = ConnectionFieldsSchema.extend({
  kind: ConnectionKindSchema,
  /** The one secret of the connection (see kinds.ts); write-only. */
  secret: z.string().max(8000, 'secret: at most 8000 characters.').optional(),
});
export type CreateConnectionInput = z.infer<typeof CreateConnectionSchema>;

export const UpdateConnectionSchema = ConnectionFieldsSchema.extend({
  id: IdSchema,
  /** Omitted or empty: keep the stored secret ("set"); otherwise replace it. */
  secret: z.string().max(8000, 'secret: at most 8000 characters.').optional(),
});
export type UpdateConnectionInput = z.infer<typeof UpdateConnectionSchema>;

export const RotateSecretSchema = z.object({ id: IdSchema, secret: z.string({ error: 'secret: enter the new secret.' }).max(8000) });
export const ConnectionIdSchema = z.object({ id: IdSchema });
