'use client';

import { ArrowLeft, ArrowRight, ExternalLink, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button } from '../button';
import type { TourStep } from './tour-steps';

interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

/** Follows the step's target on screen (it may render late, move or scroll): null while it is absent. */
function useTargetRect(selector: string, enabled: boolean): Rect | null {
  const [rect, setRect] = useState<Rect | null>(null);
  useEffect(() => {
    if (!enabled) {
      setRect(null);
      return;
    }
    let scrolled = false;
    const measure = () => {
      const element = document.querySelector(selector);
      if (!element) return setRect(null);
      if (!scrolled) {
        element.scrollIntoView({ block: 'nearest' });
        scrolled = true;
      }
      const r = element.getBoundingClientRect();
      setRect((previous) =>
        previous && previous.top === r.top && previous.left === r.left && previous.width === r.width && previous.height === r.height
          ? previous
          : { top: r.top, left: r.left, width: r.width, height: r.height },
      );
    };
    measure();
    const timer = window.setInterval(measure, 250);
    return () => window.clearInterval(timer);
  }, [selector, enabled]);
  return rect;
}

/**
 * One step of the tour: a card in the bottom-right corner and a spotlight on the step's target. Neither
 * blocks the page (the spotlight ignores the pointer), so the user can follow the invitation right away.
 */
export function TourCard(props: {
  step: TourStep;
  index: number;
  count: number;
  onPage: boolean;
  onBack(): void;
  onNext(): void;
  onGoThere(): void;
  onClose(): void;
}) {
  const { step, index, count, onPage, onClose } = props;
  const rect = useTargetRect(step.target, onPage);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const pad = 6;
  return (
    <>
      {rect && (
        <div
          aria-hidden="true"
          data-testid="tour-spotlight"
          className="pointer-events-none fixed z-40 rounded-lg ring-2 ring-brand-500 transition-all duration-200"
          style={{ top: rect.top - pad, left: rect.left - pad, width: rect.width + 2 * pad, height: rect.height + 2 * pad, boxShadow: '0 0 0 9999px rgb(15 23 42 / 0.35)' }}
        />
      )}
      <section
        role="dialog"
        aria-modal="false"
        aria-labelledby="tour-title"
        data-testid="tour"
        className="fixed right-6 bottom-6 z-50 w-[22rem] rounded-xl border border-slate-200 bg-white p-5 shadow-2xl"
      >
        <div className="flex items-start justify-between gap-3">
          <p className="text-xs font-medium tracking-wide text-brand-700 uppercase">
            Tour · {index + 1} of {count}
          </p>
          <button type="button" onClick={onClose} aria-label="End the tour" title="End the tour (Esc)" className="-mt-1 -mr-1 rounded-md p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700">
            <X size={16} aria-hidden="true" />
          </button>
        </div>
        <h2 id="tour-title" className="mt-1 text-base font-semibold text-slate-900">
          {step.title}
        </h2>
        <p className="mt-2 text-sm leading-6 text-slate-600">{step.body}</p>
        {step.link && (
          <a href={step.link.href} target="_blank" rel="noreferrer" className="mt-3 inline-flex items-center gap-1.5 text-sm font-medium text-brand-700 hover:underline">
            {step.link.label} <ExternalLink size={14} aria-hidden="true" />
          </a>
        )}
        <div className="mt-4 flex items-center justify-between gap-2">
          <Button variant="ghost" onClick={onClose} className="px-2">
            Skip tour
          </Button>
          <div className="flex gap-2">
            {index > 0 && (
              <Button variant="secondary" onClick={props.onBack} aria-label="Previous step">
                <ArrowLeft size={16} aria-hidden="true" />
              </Button>
            )}
            {onPage ? (
              <Button onClick={props.onNext}>
                {index + 1 < count ? (
                  <>
                    Next <ArrowRight size={16} aria-hidden="true" />
                  </>
                ) : (
                  'Finish'
                )}
              </Button>
            ) : (
              <Button onClick={props.onGoThere}>Show me</Button>
            )}
          </div>
        </div>
      </section>
    </>
  );
}
