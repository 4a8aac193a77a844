import { z } from 'zod';
import { defineNode } from '../../flows-engine/index';

const CRON = /^(\S+\s+){4}\S+$/;

/** Starts a flow on a schedule: a cron expression or a fixed interval. */
export const scheduleTriggerNode = defineNode({
  type: 'core.schedule-trigger',
  version: 1,
  group: 'trigger',
  title: 'Schedule',
  description: 'Start the flow on a schedule',
  help: 'Use a cron expression (minute hour day month weekday) or run every N seconds.',
  ports: { in: [], out: ['main'] },
  config: z
    .object({
      mode: z.enum(['cron', 'interval']).default('interval').meta({ label: 'Schedule by' }),
      cron: z.string().regex(CRON, 'Use five fields: minute hour day month weekday').optional().meta({ label: 'Cron', widget: 'cron' }),
      intervalSeconds: z.number().int().min(10).max(31_536_000).optional().meta({ label: 'Every (seconds)' }),
      timezone: z.string().default('UTC').meta({ label: 'Time zone' }),
    })
    .superRefine((c, ctx) => {
      if (c.mode === 'cron' && !c.cron) ctx.addIssue({ code: 'custom', path: ['cron'], message: 'Enter a cron expression' });
      if (c.mode === 'interval' && c.intervalSeconds === undefined) {
        ctx.addIssue({ code: 'custom', path: ['intervalSeconds'], message: 'Enter how often to run' });
      }
    }),
  effect: false,
  run: ({ items }) => ({ out: { main: [...items] } }),
});
