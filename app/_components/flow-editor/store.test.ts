import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEditor } from './store';

const s = () => useEditor.getState();

beforeEach(() => {
  vi.useFakeTimers();
  s().load({ schemaVersion: 1, id: 'f', name: 'f', nodes: [], edges: [], layout: {} });
});
afterEach(() => vi.useRealTimers());

describe('the editor store', () => {
  it('adds nodes with defaults, connects them and validates', () => {
    const hook = s().addNode('core.webhook-trigger', { x: 0, y: 0 }) as string;
    const filter = s().addNode('core.filter', { x: 300, y: 0 }) as string;
    expect(s().doc.nodes.find((n) => n.id === filter)?.config).toEqual({ match: { kind: 'literal', value: 'all' }, conditions: { kind: 'literal', value: [] } });
    expect(s().connect({ source: hook, sourceHandle: 'main', target: filter, targetHandle: 'main' })).toEqual({ ok: true });
    expect(s().connect({ source: filter, sourceHandle: 'kept', target: hook, targetHandle: 'main' }).ok).toBe(false);
    // Validation waits for edits to pause, then covers the whole graph.
    expect(s().issuesByNode[filter]).toBeUndefined();
    vi.advanceTimersByTime(250);
    expect(s().issuesByNode[filter]?.[0]?.message).toMatch(/at least one condition/);
    expect(s().dirty).toBe(true);
    expect([...s().selectedNodeIds]).toEqual([filter]);
  });

  it('does not validate while nodes move, and validates at once when asked (publish)', () => {
    const filter = s().addNode('core.filter', { x: 0, y: 0 }) as string;
    vi.advanceTimersByTime(250);
    const issues = s().issues;
    s().beginGesture();
    s().moveNodes({ [filter]: { x: 10, y: 10 } });
    vi.advanceTimersByTime(250);
    expect(s().issues).toBe(issues);
    s().setField(filter, 'conditions', { kind: 'literal', value: [{ field: 'email', operator: 'isNotEmpty' }] });
    s().validateNow();
    expect(s().issuesByNode[filter]?.some((i) => /condition/.test(i.message))).toBeFalsy();
  });

  it('undoes and redoes, treating a drag as one step', () => {
    const a = s().addNode('core.manual-trigger', { x: 0, y: 0 }) as string;
    s().beginGesture();
    s().moveNodes({ [a]: { x: 10, y: 10 } });
    s().moveNodes({ [a]: { x: 50, y: 50 } });
    expect(s().doc.layout[a]).toEqual({ x: 50, y: 50 });
    s().undo();
    expect(s().doc.layout[a]).toEqual({ x: 0, y: 0 });
    s().undo();
    expect(s().doc.nodes).toHaveLength(0);
    s().redo();
    s().redo();
    expect(s().doc.layout[a]).toEqual({ x: 50, y: 50 });
  });

  it('copies and pastes the selection with new ids, and deletes it', () => {
    const a = s().addNode('core.filter', { x: 0, y: 0 }) as string;
    s().copy();
    s().paste();
    expect(s().doc.nodes.map((n) => n.label)).toEqual(['Filter', 'Filter 2']);
    expect(s().doc.nodes[1]?.id).not.toBe(a);
    s().removeSelected();
    expect(s().doc.nodes.map((n) => n.id)).toEqual([a]);
  });

  it('pins sample items per trigger and reports save completion', () => {
    const t = s().addNode('core.webhook-trigger', { x: 0, y: 0 }) as string;
    s().setSample(t, [{ email: 'a@b.c' }]);
    expect(s().doc.samples?.[t]).toEqual([{ email: 'a@b.c' }]);
    s().markSaved(s().changeCount);
    expect(s().dirty).toBe(false);
  });
});
