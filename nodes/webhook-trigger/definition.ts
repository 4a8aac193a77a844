import { z } from 'zod';
import { defineNode } from '../../flows-engine/index';
import { connectionIdField } from '../connection-field';

/**
 * Starts a flow when another system POSTs to the flow's webhook URL. Signature checking and
 * idempotency happen at intake (app/); the node passes the accepted items on.
 */
export const webhookTriggerNode = defineNode({
  type: 'core.webhook-trigger',
  version: 1,
  group: 'trigger',
  title: 'Webhook',
  description: 'Start the flow when another system calls its URL',
  help: 'Each accepted POST starts one run. Turn on the signature check when the sender supports HMAC signatures.',
  ports: { in: [], out: ['main'] },
  config: z.object({
    connectionId: connectionIdField({ label: 'Webhook source', kinds: ['webhook'], help: 'Holds the signing secret' }).optional(),
    hmac: z
      .object({
        enabled: z.boolean().default(false).meta({ label: 'Check the signature' }),
        header: z.string().min(1).default('x-signature').meta({ label: 'Signature header' }),
        algorithm: z.literal('sha256').default('sha256').meta({ label: 'Algorithm' }),
      })
      .default({ enabled: false, header: 'x-signature', algorithm: 'sha256' })
      .meta({ label: 'Signature (HMAC)' }),
    idempotencyKeyPath: z
      .string()
      .optional()
      .meta({ label: 'Idempotency key field', picker: 'input-field', help: 'A field of the body that identifies the event; repeats are ignored' }),
    orderingKeyPath: z
      .string()
      .default('id')
      .meta({
        label: 'Ordering key field',
        picker: 'input-field',
        help: 'Events with the same value (usually the record id) run one at a time, in the order they arrived. Empty: no ordering.',
      }),
  }),
  check: (config) =>
    config.hmac.enabled && !config.connectionId
      ? [{ field: 'connectionId', message: 'Choose the webhook source that holds the signing secret' }]
      : [],
  effect: false,
  run: ({ items }) => ({ out: { main: [...items] } }),
});
