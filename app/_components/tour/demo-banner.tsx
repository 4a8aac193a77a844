'use client';

import { useMutation } from '@tanstack/react-query';
import { CircleAlert, ExternalLink, Map, Power } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { useTRPC } from '../../_lib/trpc/react';
import type { DemoInfo } from '../../_server/demo/demo-info';
import { Button } from '../button';
import { useTour } from './tour-provider';

const external = 'inline-flex items-center gap-1 font-medium text-brand-700 underline-offset-2 hover:underline';

/**
 * On the flows page of the demo workspace: what to try (with the demo systems' pages), the tour, and any
 * sample flow that is not active (e.g. Temporal was unreachable at sign-up) with a button to activate it.
 */
export function DemoBanner({ demo, canEdit }: { demo: DemoInfo; canEdit: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const tour = useTour();
  const activate = useMutation(
    trpc.flows.setStatus.mutationOptions({
      onSuccess: () => (toast.success('Active'), router.refresh()),
      onError: (error) => toast.error(error.message),
    }),
  );
  const inactive = demo.sampleFlows.filter((f) => f.status !== 'active');
  return (
    <section aria-label="Demo workspace" data-testid="demo-banner" className="mb-6 rounded-xl border border-brand-100 bg-brand-50 px-5 py-4 text-sm text-slate-700">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-3xl">
          <strong className="text-slate-900">Try it:</strong> edit a contact in the{' '}
          {demo.crmUrl ? (
            <a data-tour="demo-crm-link" href={demo.crmUrl} target="_blank" rel="noreferrer" className={external}>
              demo CRM <ExternalLink size={13} aria-hidden="true" />
            </a>
          ) : (
            'demo CRM'
          )}{' '}
          and watch it arrive in the{' '}
          {demo.helpdeskUrl ? (
            <a href={demo.helpdeskUrl} target="_blank" rel="noreferrer" className={external}>
              demo helpdesk <ExternalLink size={13} aria-hidden="true" />
            </a>
          ) : (
            'demo helpdesk'
          )}
          ; the run that carried it appears under Runs. Changes to phone or tier in the helpdesk go back to the CRM within 30 seconds.
        </p>
        {tour.available && (
          <Button variant="secondary" onClick={tour.start}>
            <Map size={16} aria-hidden="true" /> Take the tour
          </Button>
        )}
      </div>
      {inactive.map((flow) => (
        <p key={flow.id} role="status" className="mt-3 flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-3 py-2 text-amber-900 ring-1 ring-amber-200">
          <CircleAlert size={16} aria-hidden="true" />
          {demo.sharedElsewhere ? (
            <span>
              <strong>{flow.name}</strong> is {flow.status === 'paused' ? 'paused' : 'not active'}: another demo workspace already syncs the shared demo CRM and
              helpdesk, and a second active copy would process every change twice. Read it, test-run it, or copy it to try your own systems.
            </span>
          ) : (
            <span>
              <strong>{flow.name}</strong> is {flow.status === 'paused' ? 'paused' : 'not active'}: it does not sync until it is{' '}
              {flow.status === 'paused' ? 'resumed' : 'activated (its schedule could not be created when this workspace was set up)'}.
            </span>
          )}
          {canEdit && !demo.sharedElsewhere && (
            <Button className="ml-auto py-1" disabled={activate.isPending} onClick={() => activate.mutate({ flowId: flow.id, status: 'active' })}>
              <Power size={14} aria-hidden="true" /> {flow.status === 'paused' ? 'Resume' : 'Activate'}
            </Button>
          )}
        </p>
      ))}
    </section>
  );
}
