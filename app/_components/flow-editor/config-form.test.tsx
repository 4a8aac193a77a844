import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { renderToStaticMarkup } from 'react-dom/server';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import { TRPCProvider } from '../../_lib/trpc/react';
import type { AppRouter } from '../../_server/routers';
import { ConfigForm } from './config-form';

const lit = (value: unknown) => ({ kind: 'literal' as const, value });
const settings = { retry: { maximumAttempts: 1, initialIntervalMs: 1, backoffCoefficient: 1, maximumIntervalMs: 1 }, timeoutMs: 1, onError: 'fail' as const };

function renderForm(node: FlowNode): string {
  const def = nodeRegistry.get(node.type, node.typeVersion);
  if (!def) throw new Error(node.type);
  // The pickers' look-ups need the app's query providers; a server render never sends them.
  const queryClient = new QueryClient();
  const trpcClient = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://127.0.0.1:9/api/trpc', transformer: superjson })] });
  return renderToStaticMarkup(
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <ConfigForm node={node} def={def} />
      </TRPCProvider>
    </QueryClientProvider>,
  );
}

describe('the generated config form', () => {
  it('renders Filter from its schema: a match select with the expression toggle, and the condition builder without one', () => {
    const html = renderForm({ id: 'f', type: 'core.filter', typeVersion: 1, label: 'Filter', config: { match: lit('any'), conditions: lit([{ field: 'email', operator: 'isNotEmpty' }]) }, settings });
    expect(html).toContain('data-testid="field-match"');
    expect(html).toContain('aria-label="Items must match: use an expression"');
    expect(html).toContain('data-testid="field-conditions"');
    expect(html).not.toContain('aria-label="Conditions: use an expression"');
    expect(html).toContain('aria-label="Condition 1 operator"');
  });

  it('renders Transform mappings with the source kind on its own line, and an expression editor for expressions', () => {
    const html = renderForm({
      id: 't', type: 'core.transform', typeVersion: 1, label: 'Transform', settings,
      config: { mappings: lit([{ target: 'email', source: { kind: 'expr', source: '$lowercase(email)' } }, { target: 'kind', source: { kind: 'literal', value: 'person' } }]) },
    });
    expect(html).toContain('aria-label="Mapping 1 source kind"');
    expect(html).toContain('aria-label="Mapping 1 expression"');
    expect(html).toContain('$lowercase(email)');
    expect(html).toMatch(/aria-label="Mapping 2 source kind" class="[^"]*w-32/);
    expect(html).toContain('aria-label="Mapping 2 value"');
  });

  it('shows an expression in place of the widget when a field is switched to one', () => {
    const html = renderForm({ id: 'f', type: 'core.filter', typeVersion: 1, label: 'Filter', config: { match: { kind: 'expr', source: '"all"' }, conditions: lit([]) }, settings });
    expect(html).toContain('aria-pressed="true" aria-label="Items must match: use an expression"');
    expect(html).toContain('role="combobox"');
  });
});
