/**
 * The first-run tour of the demo workspace: five stops across the pages a newcomer needs, each with the
 * page it lives on and the element it points at (a CSS selector; the card still shows when it is missing).
 */
export interface TourStep {
  path: string;
  target: string;
  title: string;
  body: string;
  /** A link the step invites the user to open (new tab), e.g. the demo CRM's page. */
  link?: { href: string; label: string };
}

export interface TourContext {
  crmToHelpdeskFlowId: string | null;
  crmUrl: string | null;
  helpdeskUrl: string | null;
}

export function demoTourSteps(context: TourContext): TourStep[] {
  const steps: TourStep[] = [
    {
      path: '/flows',
      target: 'main table',
      title: 'Your two sample flows',
      body: 'They keep the demo CRM and the demo helpdesk in sync, one flow per direction, and both are active. CRM → Helpdesk runs on every change the CRM reports by webhook; Helpdesk → CRM looks for changed customers every 30 seconds.',
    },
  ];
  if (context.crmToHelpdeskFlowId) {
    steps.push({
      path: `/flows/${context.crmToHelpdeskFlowId}`,
      target: '.react-flow',
      title: 'CRM → Helpdesk on the canvas',
      body: 'Each box is a step. The trigger receives the change; “Not changed by the integration” stops Syncline’s own writes from bouncing back; the lookup finds the helpdesk customer through its external ID; the upsert writes only name and email. Click a step to see its settings.',
    });
  }
  steps.push(
    {
      path: '/flows',
      target: '[data-tour="demo-crm-link"]',
      title: 'Try it: edit a contact by hand',
      body: 'Open the demo CRM, click Edit on a contact (or create one), change the name or email and save. Then open the demo helpdesk: the customer changes a moment later.',
      ...(context.crmUrl ? { link: { href: context.crmUrl, label: 'Open the demo CRM' } } : {}),
    },
    {
      path: '/runs',
      target: 'main table',
      title: 'Every run, step by step',
      body: 'The run that carried your change shows up here. Open it to see what each step received and sent, how long it took, and why a change made by the integration itself was skipped.',
    },
    {
      path: '/learn',
      target: 'main h1',
      title: 'The ideas in plain words',
      body: 'Sync paths, loop prevention and external IDs, explained. Come back any time through Learn in the sidebar, “How syncing works” in the flow editor, or the Help menu, where you can also restart this tour.',
    },
  );
  return steps;
}
