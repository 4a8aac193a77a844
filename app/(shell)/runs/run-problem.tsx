/**
 * Errors on the run pages in an analyst's words: the step and the field by the labels they carry in
 * the editor, what kind of failure it was and what to do; the codes (category, step id and type,
 * field path, operator names) sit behind "Details" (app/_components/problem-details.tsx).
 */
import { OPERATOR_LABELS } from '../../_components/flow-editor/condition-logic';
import { ProblemDetails } from '../../_components/problem-details';
import { fieldLabelPath } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';

type Category = 'user' | 'transient' | 'unexpected';

export interface RunProblemError {
  message: string;
  category: string;
  nodeId?: string;
  field?: string;
}

/** A node of the run's flow version, as run-queries returns it. */
export interface RunProblemNode {
  id: string;
  type: string;
  typeVersion: number;
  label: string;
}

/** Per kind of failure: the headline (`at` names the step, or is empty), a short tag and what to do. */
const KIND: Record<Category, { headline: (at: string) => string; short: string; advice: string }> = {
  user: {
    headline: (at) => `A setting or the data stopped the run${at}`,
    short: 'Needs a fix',
    advice: 'Fix the step’s settings (or the data that was sent), publish, then retry the run on the latest version.',
  },
  transient: {
    headline: (at) => `A transient error${at}: the other system was down or busy, or refused the request for now`,
    short: 'Temporary',
    advice: 'The step was retried. Retry the run once the cause is fixed (the system is back, or the flow sends what it accepts).',
  },
  unexpected: {
    headline: (at) => `An unexpected error${at}`,
    short: 'Unexpected',
    advice: 'Something went wrong inside Syncline. Retry the run; if it fails again, tell your administrator (the details below help them).',
  },
};

const kindOf = (category: string) => KIND[category as Category] ?? KIND.unexpected;

/** The step's kind in words ("Upsert record"), from the node registry; the type id when unknown. */
export function stepTitle(node: Pick<RunProblemNode, 'type' | 'typeVersion'>): string {
  return nodeRegistry.get(node.type, node.typeVersion)?.title ?? node.type;
}

/** A config field path (`conditions[0].operator`) as the step's form labels it ("Conditions › condition 1 › operator"). */
export function fieldWords(node: Pick<RunProblemNode, 'type' | 'typeVersion'> | undefined, field: string): string {
  const def = node ? nodeRegistry.get(node.type, node.typeVersion) : undefined;
  return def ? fieldLabelPath(def.config, field) : field;
}

const OPERATOR_CODES = new RegExp(`"(${Object.keys(OPERATOR_LABELS).join('|')})"`, 'g');

/** The words of a system's JSON error body (`{"error":"column \"x\" does not exist"}`), or null. */
function systemWords(json: string): string | null {
  try {
    const body = JSON.parse(json) as Record<string, unknown>;
    const said = ['error', 'message', 'detail', 'title'].map((k) => body[k]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
    return said ?? null;
  } catch {
    return null;
  }
}

/**
 * An engine or system message as an analyst reads it: operator names quoted in it ("notContains") in
 * the condition builder's words (“does not contain”), and a system's JSON error body as its words.
 */
export function plainMessage(message: string): string {
  const plain = message
    .replace(/; use one of: [A-Za-z, ]+$/, '; choose an operator from the list')
    .replace(OPERATOR_CODES, (_, code: keyof typeof OPERATOR_LABELS) => `“${OPERATOR_LABELS[code]}”`);
  // "POST contacts: HTTP 500: … {"error":"…"} (gave up after 3 attempts)": the body is the system's own words.
  return plain.replace(/ (\{.*\})( \(gave up after \d+ attempts?\))?$/, (whole, json: string, tail: string | undefined) => {
    const said = systemWords(json);
    return said ? ` The system said: “${said}”.${tail ?? ''}` : whole;
  });
}

/** One line for the runs list: "Temporary: POST contacts: HTTP 503 …". */
export function shortProblem(error: Pick<RunProblemError, 'category' | 'message'>): string {
  return `${kindOf(error.category).short}: ${plainMessage(error.message)}`;
}

/**
 * The whole message: headline (kind, step, field), the message, what to do, and the details.
 *
 * @example
 * ```tsx
 * <RunProblem error={run.error} nodes={detail.graph.nodes} />
 * ```
 */
export function RunProblem({ error, nodes, advice = true }: { error: RunProblemError; nodes: readonly RunProblemNode[]; advice?: boolean }) {
  const node = error.nodeId ? nodes.find((n) => n.id === error.nodeId) : undefined;
  const kind = kindOf(error.category);
  const step = error.nodeId ? ` at “${node?.label ?? error.nodeId}”` : '';
  const field = error.field ? `, field “${fieldWords(node, error.field)}”` : '';
  const plain = plainMessage(error.message);
  return (
    <>
      <p className="text-sm font-semibold" data-testid="problem-headline">
        {kind.headline(`${step}${field}`)}
      </p>
      <p className="mt-1 text-sm">{plain}</p>
      {advice && <p className="mt-1 text-xs opacity-80">{kind.advice}</p>}
      <ProblemDetails
        lines={[
          `kind: ${error.category}`,
          error.nodeId && `step: ${error.nodeId}${node ? ` (${node.type} v${node.typeVersion})` : ''}`,
          error.field && `field: ${error.field}`,
          plain !== error.message && `message: ${error.message}`,
        ]}
      />
    </>
  );
}
