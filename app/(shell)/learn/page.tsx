import { env } from '../../../domain/platform/env';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { PageHeader } from '../../_components/page-header';
import { requireWorkspace } from '../../_server/session';

export const dynamic = 'force-dynamic';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-6">
      <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
      <div className="mt-3 space-y-3 text-sm leading-6 text-slate-700">{children}</div>
    </section>
  );
}

/** Plain-words explanations of the ideas every sync flow relies on, with the demo systems to try them on. */
export default async function LearnPage() {
  await requireWorkspace();
  const { DEMO_CRM_URL: crmUrl, DEMO_HELPDESK_URL: helpdeskUrl } = env();
  return (
    <>
      <PageHeader
        title="How syncing works"
        description="Four ideas behind every sync flow: who owns which field, how a change is kept from bouncing back, how records are matched, and what happens on delete."
      />
      <div className="max-w-3xl space-y-6">
        {(crmUrl || helpdeskUrl) && (
          <Section title="Try it with the demo systems">
            <p>
              The workspace <strong>Demo: CRM ⇄ Helpdesk</strong> is connected to two small demo systems that run next to Syncline.
              Open the{' '}
              {crmUrl ? <a className="font-medium text-brand-700 underline" href={crmUrl} target="_blank" rel="noreferrer">demo CRM</a> : 'demo CRM'}
              , create or edit a contact, then open the{' '}
              {helpdeskUrl ? <a className="font-medium text-brand-700 underline" href={helpdeskUrl} target="_blank" rel="noreferrer">demo helpdesk</a> : 'demo helpdesk'}: the
              customer appears with the same name and email a moment later. The flow <em>CRM → Helpdesk contacts</em> did it; its run is on the{' '}
              <Link className="font-medium text-brand-700 underline" href="/runs">Runs</Link> page, step by step.
            </p>
          </Section>
        )}

        <Section title="Sync paths and the system of record">
          <p>
            A <strong>sync path</strong> is one direction of travel: changes in system A are written to system B. A two-way sync is two paths,
            one flow each, for example CRM → Helpdesk and Helpdesk → CRM.
          </p>
          <p>
            For every field, decide which system is the <strong>system of record</strong>: the one place where people edit it. Each path then
            writes <em>only</em> the fields its source owns. In the demo, the CRM owns name and email, and the helpdesk owns phone and support tier.
            Because no field is written from both sides, the two paths never overwrite each other’s work.
          </p>
        </Section>

        <Section title="Loop prevention: the integration account">
          <p>
            When Syncline writes to a system, that system sees a change and may report it back, which would start the other path, which writes
            again, and so on forever. To stop this, Syncline writes through its own <strong>integration account</strong> (in the demo:
            <code className="mx-1 rounded bg-slate-100 px-1">svc-sync</code>), set on each connection.
          </p>
          <p>
            Each flow starts with a <strong>Continue if</strong> step: “changed by someone other than the integration account”. A change made by a
            person goes on; a change Syncline made itself stops there, and the run records why it was skipped. Publishing a two-way flow without
            this guard gives a warning.
          </p>
        </Section>

        <Section title="External IDs: which record is which">
          <p>
            The same person has one id in the CRM and another in the helpdesk. Syncline keeps a table of these pairs, the{' '}
            <Link className="font-medium text-brand-700 underline" href="/mappings">mappings</Link>. Before writing, <strong>Lookup external ID</strong>{' '}
            asks “do we know this record on the other side?”; <strong>Upsert</strong> then updates that record, or creates one (first trying to match
            on a natural key such as the email, so existing records are not duplicated); <strong>Save external ID</strong> remembers the pair for
            next time.
          </p>
        </Section>

        <Section title="Deletes">
          <p>
            Deleting is where syncs lose data, so it is never automatic by accident. A system that only hides records (a <em>soft delete</em>, like the
            demo CRM) reports the delete as a change; the flow can then delete, or only <em>flag for deletion</em>, the matching record on the other
            side, found through its external ID. A system that removes rows outright is checked against the register of records Syncline has seen:
            a record that disappears is reported as deleted.
          </p>
        </Section>

        <p className="text-sm text-slate-600">
          Ready to look at a real flow? Open <Link className="font-medium text-brand-700 underline" href="/flows">Flows</Link> and pick{' '}
          <em>CRM → Helpdesk contacts</em>.
        </p>
      </div>
    </>
  );
}
