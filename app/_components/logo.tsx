export function Logo({ inverted = false }: { inverted?: boolean }) {
  return (
    <span className="inline-flex items-center gap-2">
      <svg width="28" height="28" viewBox="0 0 28 28" aria-hidden="true">
        <rect width="28" height="28" rx="7" fill="#4f46e5" />
        <path d="M7 10h10l-3-3M21 18H11l3 3" stroke="white" strokeWidth="2.2" fill="none" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <span className={inverted ? 'text-lg font-semibold text-white' : 'text-lg font-semibold text-slate-900'}>Syncline</span>
    </span>
  );
}
