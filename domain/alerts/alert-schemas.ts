/** tRPC inputs of the alerts router. Messages name the field they are about. */
import { z } from 'zod';
import { ALERT_CONDITIONS } from '../../db/schema';

const name = z.string({ error: 'name: enter a name.' }).trim().min(1, 'name: enter a name.').max(100, 'name: at most 100 characters.');

export const AlertRuleFieldsSchema = z.object({
  name,
  /** null: every flow of the workspace, each on its own. */
  flowId: z.uuid({ error: 'flowId: not a flow id.' }).nullable().default(null),
  condition: z.enum(ALERT_CONDITIONS, { error: `condition: one of ${ALERT_CONDITIONS.join(', ')}.` }),
  threshold: z.number({ error: 'threshold: a whole number.' }).int('threshold: a whole number.').min(0, 'threshold: 0 or more.').max(1_000_000, 'threshold: at most 1,000,000.').default(1),
  windowMinutes: z
    .number({ error: 'windowMinutes: a whole number of minutes.' })
    .int('windowMinutes: a whole number of minutes.')
    .min(1, 'windowMinutes: at least 1 minute.')
    .max(43_200, 'windowMinutes: at most 30 days (43,200 minutes).')
    .default(60),
  notifyInApp: z.boolean({ error: 'notifyInApp: true or false.' }).default(true),
  enabled: z.boolean({ error: 'enabled: true or false.' }).default(true),
  channelIds: z.array(z.uuid({ error: 'channelIds: not a channel id.' })).max(20, 'channelIds: at most 20 channels.').default([]),
});
export type AlertRuleFields = z.infer<typeof AlertRuleFieldsSchema>;
export const UpdateAlertRuleSchema = AlertRuleFieldsSchema.extend({ id: z.uuid({ error: 'id: not a rule id.' }) });

const url = z
  .url({ protocol: /^https?$/, error: 'url: an http or https URL.' })
  .max(2000, 'url: at most 2000 characters.');
const secret = z.string().trim().min(16, 'secret: at least 16 characters.').max(500, 'secret: at most 500 characters.');

export const CreateAlertChannelSchema = z.object({
  name,
  url,
  /** The HMAC signing secret; write-only (never returned). */
  secret,
  allowPrivateNetwork: z.boolean({ error: 'allowPrivateNetwork: true or false.' }).default(false),
});
export const UpdateAlertChannelSchema = CreateAlertChannelSchema.extend({
  id: z.uuid({ error: 'id: not a channel id.' }),
  /** Omitted or empty: keep the stored secret. */
  secret: z.union([z.literal(''), secret]).optional(),
});
export const IdSchema = z.object({ id: z.uuid({ error: 'id: not a valid id.' }) });
