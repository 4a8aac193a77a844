/**
 * The raw detail behind a message written for people (an error code, a field path, the system's own
 * words), folded away under "Details" so the message itself stays plain.
 */
export function ProblemDetails({ lines }: { lines: (string | null | undefined | false)[] }) {
  const shown = lines.filter((l): l is string => typeof l === 'string' && l.length > 0);
  if (shown.length === 0) return null;
  return (
    <details className="mt-1 text-xs text-slate-500">
      <summary className="cursor-pointer select-none hover:text-slate-700">Details</summary>
      <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-1.5 font-mono whitespace-pre-wrap break-all">{shown.join('\n')}</pre>
    </details>
  );
}
