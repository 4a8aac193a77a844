import { z } from 'zod';
import { defineNode } from '../../flows-engine/index';

/**
 * Waits, then passes items on. The wait is a durable timer: the interpreter calls the injected
 * `sleep` (Temporal's `sleep` in the workflow), so it survives worker restarts.
 */
export const delayNode = defineNode({
  type: 'core.delay',
  version: 1,
  group: 'action',
  title: 'Delay',
  description: 'Wait for a while, or until a moment',
  help: 'The wait is durable: the run continues after a restart.',
  ports: { in: ['main'], out: ['main'] },
  config: z
    .object({
      mode: z.enum(['duration', 'until']).default('duration').meta({ label: 'Wait' }),
      durationMs: z.number().int().min(0).max(31_536_000_000).optional().meta({ label: 'Duration (ms)' }),
      until: z.iso.datetime({ offset: true }).optional().meta({ label: 'Until', widget: 'expression' }),
    })
    .superRefine((c, ctx) => {
      if (c.mode === 'duration' && c.durationMs === undefined) ctx.addIssue({ code: 'custom', path: ['durationMs'], message: 'Enter how long to wait' });
      if (c.mode === 'until' && c.until === undefined) ctx.addIssue({ code: 'custom', path: ['until'], message: 'Enter when to continue' });
    }),
  timer: (config, now) => ({
    delayMs: config.mode === 'duration' ? (config.durationMs ?? 0) : Math.max(0, Date.parse(config.until ?? now) - Date.parse(now)),
  }),
  effect: false,
  run: ({ items }) => ({ out: { main: [...items] } }),
});
