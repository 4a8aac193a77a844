import { z } from 'zod';
import { defineNode } from '../../flows-engine/index';

/** Starts a flow by hand (the "Run" button, test runs); items are whatever the caller supplies. */
export const manualTriggerNode = defineNode({
  type: 'core.manual-trigger',
  version: 1,
  group: 'trigger',
  title: 'Manual trigger',
  description: 'Start the flow by hand',
  help: 'Runs when someone presses Run. Use the sample data to test the flow.',
  ports: { in: [], out: ['main'] },
  config: z.object({
    sampleItems: z
      .array(z.record(z.string(), z.unknown()))
      .default([])
      .meta({ label: 'Sample items', widget: 'json', help: 'Items used for test runs' }),
  }),
  effect: false,
  run: ({ items }) => ({ out: { main: [...items] } }),
});
