'use client';

import { usePathname, useRouter } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { TourCard } from './tour-card';
import { demoTourSteps, type TourContext } from './tour-steps';

interface TourControls {
  /** False outside the demo workspace: there is nothing to tour. */
  available: boolean;
  start(): void;
}

const Tour = createContext<TourControls>({ available: false, start() {} });

export const useTour = () => useContext(Tour);

/**
 * Runs the demo tour across pages (it lives in the shell layout, so it survives client navigation). It
 * starts by itself on the user's first visit of the demo workspace; where they are is remembered per user
 * and workspace in localStorage ('done' once finished or dismissed), so a reload resumes the same step.
 */
export function TourProvider({ userId, workspaceId, demo, children }: { userId: string; workspaceId: string; demo: TourContext | null; children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const storageKey = `syncline.demo-tour.${userId}.${workspaceId}`;
  const flowId = demo?.crmToHelpdeskFlowId ?? null;
  const crmUrl = demo?.crmUrl ?? null;
  const helpdeskUrl = demo?.helpdeskUrl ?? null;
  const isDemo = demo !== null;
  // Keyed on the values, not the object: a server refresh hands in an equal new one and must not restart anything.
  const steps = useMemo(() => (isDemo ? demoTourSteps({ crmToHelpdeskFlowId: flowId, crmUrl, helpdeskUrl }) : []), [isDemo, flowId, crmUrl, helpdeskUrl]);
  const [step, setStep] = useState<number | null>(null);

  const show = useCallback(
    (index: number) => {
      window.localStorage.setItem(storageKey, String(index));
      setStep(index);
      const path = steps[index]?.path;
      if (path && path !== window.location.pathname) router.push(path);
    },
    [router, steps, storageKey],
  );
  const finish = useCallback(() => {
    window.localStorage.setItem(storageKey, 'done');
    setStep(null);
  }, [storageKey]);

  useEffect(() => {
    if (steps.length === 0) return;
    const saved = window.localStorage.getItem(storageKey);
    if (saved === 'done') return;
    const resumeAt = Math.min(Math.max(Number(saved) || 0, 0), steps.length - 1);
    // After hydration, from storage: the server cannot know whether this browser has seen the tour.
    // No navigation here: a page opened by link (a run from an alert, say) stays put; the card offers "go there".
    setStep(resumeAt);
  }, [steps, storageKey]);

  const controls = useMemo<TourControls>(() => ({ available: steps.length > 0, start: () => show(0) }), [show, steps.length]);
  const current = step === null ? undefined : steps[step];
  return (
    <Tour.Provider value={controls}>
      {children}
      {current && step !== null && (
        <TourCard
          step={current}
          index={step}
          count={steps.length}
          onPage={pathname === current.path}
          onBack={() => show(step - 1)}
          onNext={() => (step + 1 < steps.length ? show(step + 1) : finish())}
          onGoThere={() => router.push(current.path)}
          onClose={finish}
        />
      )}
    </Tour.Provider>
  );
}
