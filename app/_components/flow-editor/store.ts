/**
 * The editor's one store: the flow document (graph, layout, pinned samples), selection, dirty
 * flag, undo/redo, clipboard and the last test run. Actions call pure functions (graph-ops, the
 * engine); components subscribe to the smallest slice they need, never to the whole graph.
 */
import { create } from 'zustand';
import {
  describeConfig,
  validateForPublish,
  type Flow,
  type FlowNode,
  type Issue,
  type NodeSettings,
  type NodeTrace,
  type ValueSource,
} from '../../../flows-engine/index';
import { nodeRegistry } from '../../../nodes/registry';
import type { TestRunResult } from '../../_server/flows/test-run';
import { canConnect, copySelection, defaultConfig, pasteClipboard, removeElements, uniqueLabel, type Clipboard, type ConnectionAttempt } from './graph-ops';

export type Samples = Record<string, Record<string, unknown>[]>;
export type EditorDoc = Flow & { samples?: Samples };

interface Snapshot {
  readonly doc: EditorDoc;
}

export interface EditorState {
  doc: EditorDoc;
  /** Increments on every document change; autosave compares it. */
  changeCount: number;
  dirty: boolean;
  selectedNodeIds: ReadonlySet<string>;
  selectedEdgeIds: ReadonlySet<string>;
  past: Snapshot[];
  future: Snapshot[];
  clipboard: Clipboard | null;
  /** Nodes by id (rebuilt only when the node list changes), so each card looks itself up in O(1). */
  nodeIndex: Record<string, FlowNode>;
  issues: Issue[];
  issuesByNode: Record<string, Issue[]>;
  /** While dragging a connection: why the hovered port refuses it. */
  connectHint: string | null;
  testRun: TestRunResult | null;
  /** The last test run's trace by node id, so each card finds its own in O(1). */
  traceByNode: Record<string, NodeTrace>;
  /** Node to center the view on (publish problems link here). */
  focusRequest: { nodeId: string; at: number } | null;

  load(doc: EditorDoc): void;
  markSaved(changeCount: number): void;
  addNode(type: string, position: { x: number; y: number }): string | null;
  updateNode(nodeId: string, patch: { label?: string; config?: Record<string, ValueSource>; settings?: NodeSettings }): void;
  setField(nodeId: string, key: string, value: ValueSource | undefined): void;
  connect(c: ConnectionAttempt): { ok: true } | { ok: false; reason: string };
  moveNodes(positions: Record<string, { x: number; y: number }>): void;
  beginGesture(): void;
  removeSelected(): void;
  removeElements(nodeIds: string[], edgeIds: string[]): void;
  select(nodeIds: string[], edgeIds?: string[]): void;
  selectAll(): void;
  copy(): void;
  paste(): void;
  undo(): void;
  redo(): void;
  /** Replaces every position (tidy up), as one undo step. */
  applyLayout(layout: Flow['layout']): void;
  setSample(triggerId: string, items: Record<string, unknown>[]): void;
  setConnectHint(hint: string | null): void;
  setTestRun(result: TestRunResult | null): void;
  focusNode(nodeId: string): void;
  /** Validates now instead of after the debounce (the publish dialog wants fresh problems). */
  validateNow(): void;
}

const HISTORY_LIMIT = 100;
/**
 * Whole-graph validation waits until edits pause: on a 300-step flow it takes tens of milliseconds,
 * too much for every keystroke. Moves never validate (layout is not validated).
 */
const VALIDATE_AFTER_MS = 200;

function indexIssues(doc: EditorDoc): { issues: Issue[]; issuesByNode: Record<string, Issue[]> } {
  const issues = validateForPublish(doc, nodeRegistry);
  const issuesByNode: Record<string, Issue[]> = {};
  for (const issue of issues) if (issue.nodeId) (issuesByNode[issue.nodeId] ??= []).push(issue);
  return { issues, issuesByNode };
}

const indexNodes = (nodes: readonly FlowNode[]): Record<string, FlowNode> => Object.fromEntries(nodes.map((n) => [n.id, n]));

const EMPTY_DOC: EditorDoc = { schemaVersion: 1, id: '', name: '', nodes: [], edges: [], layout: {} };

export const useEditor = create<EditorState>()((set, get) => {
  let validation: ReturnType<typeof setTimeout> | undefined;
  const validateLater = (delay = VALIDATE_AFTER_MS) => {
    clearTimeout(validation);
    validation = setTimeout(() => set(indexIssues(get().doc)), delay);
  };

  /** Applies a document change: one undo step unless `record` is false (drag moves after beginGesture). */
  const change = (next: EditorDoc, options: { record?: boolean; validate?: boolean } = {}) => {
    const s = get();
    const past = options.record === false ? s.past : [...s.past, { doc: s.doc }].slice(-HISTORY_LIMIT);
    set({
      doc: next,
      changeCount: s.changeCount + 1,
      dirty: true,
      ...(next.nodes === s.doc.nodes ? {} : { nodeIndex: indexNodes(next.nodes) }),
      past,
      future: options.record === false ? s.future : [],
    });
    if (options.validate !== false) validateLater();
  };

  return {
    doc: EMPTY_DOC,
    changeCount: 0,
    dirty: false,
    selectedNodeIds: new Set(),
    selectedEdgeIds: new Set(),
    past: [],
    future: [],
    clipboard: null,
    nodeIndex: {},
    issues: [],
    issuesByNode: {},
    connectHint: null,
    testRun: null,
    traceByNode: {},
    focusRequest: null,

    load: (doc) => {
      set({ doc, changeCount: 0, dirty: false, past: [], future: [], selectedNodeIds: new Set(), selectedEdgeIds: new Set(), testRun: null, traceByNode: {}, nodeIndex: indexNodes(doc.nodes), issues: [], issuesByNode: {} });
      // After the first paint: opening a big flow shows the canvas first, problem badges a moment later.
      validateLater(0);
    },
    markSaved: (changeCount) => set((s) => ({ dirty: s.changeCount !== changeCount })),

    addNode: (type, position) => {
      const def = nodeRegistry.latest(type);
      if (!def) return null;
      const { doc } = get();
      const node: FlowNode = {
        id: crypto.randomUUID(),
        type: def.type,
        typeVersion: def.version,
        label: uniqueLabel(doc, def.title),
        config: defaultConfig(describeConfig(def.config)),
        settings: { retry: { maximumAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 60_000 }, timeoutMs: 120_000, onError: 'fail' },
      };
      change({ ...doc, nodes: [...doc.nodes, node], layout: { ...doc.layout, [node.id]: position } });
      set({ selectedNodeIds: new Set([node.id]), selectedEdgeIds: new Set() });
      return node.id;
    },

    updateNode: (nodeId, patch) => {
      const { doc } = get();
      change({ ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, ...patch } : n)) });
    },

    setField: (nodeId, key, value) => {
      const node = get().doc.nodes.find((n) => n.id === nodeId);
      if (!node) return;
      const config = { ...node.config };
      if (value === undefined) delete config[key];
      else config[key] = value;
      get().updateNode(nodeId, { config });
    },

    connect: (c) => {
      const { doc } = get();
      const check = canConnect(doc, nodeRegistry, c);
      if (!check.ok) return check;
      const edge = { id: crypto.randomUUID(), from: { node: c.source as string, port: c.sourceHandle ?? 'main' }, to: { node: c.target as string, port: c.targetHandle ?? 'main' } };
      change({ ...doc, edges: [...doc.edges, edge] });
      return check;
    },

    beginGesture: () => set((s) => ({ past: [...s.past, { doc: s.doc }].slice(-HISTORY_LIMIT), future: [] })),

    moveNodes: (positions) => {
      const { doc } = get();
      // Layout only: no validation (it ignores layout) and no undo step (beginGesture recorded one).
      change({ ...doc, layout: { ...doc.layout, ...positions } }, { record: false, validate: false });
    },

    removeSelected: () => get().removeElements([...get().selectedNodeIds], [...get().selectedEdgeIds]),

    removeElements: (nodeIds, edgeIds) => {
      if (nodeIds.length === 0 && edgeIds.length === 0) return;
      change(removeElements(get().doc, new Set(nodeIds), new Set(edgeIds)));
      set({ selectedNodeIds: new Set(), selectedEdgeIds: new Set() });
    },

    select: (nodeIds, edgeIds = []) => {
      const s = get();
      const same = (a: ReadonlySet<string>, b: string[]) => a.size === b.length && b.every((id) => a.has(id));
      if (same(s.selectedNodeIds, nodeIds) && same(s.selectedEdgeIds, edgeIds)) return;
      set({ selectedNodeIds: new Set(nodeIds), selectedEdgeIds: new Set(edgeIds) });
    },
    selectAll: () => set((s) => ({ selectedNodeIds: new Set(s.doc.nodes.map((n) => n.id)), selectedEdgeIds: new Set() })),

    copy: () => {
      const s = get();
      if (s.selectedNodeIds.size > 0) set({ clipboard: copySelection(s.doc, s.selectedNodeIds) });
    },
    paste: () => {
      const { clipboard, doc } = get();
      if (!clipboard) return;
      const { flow, pasted } = pasteClipboard(doc, clipboard, () => crypto.randomUUID());
      change({ ...doc, ...flow });
      set({ selectedNodeIds: new Set(pasted), selectedEdgeIds: new Set() });
    },

    undo: () => {
      const s = get();
      const prev = s.past[s.past.length - 1];
      if (!prev) return;
      set({ doc: prev.doc, past: s.past.slice(0, -1), future: [{ doc: s.doc }, ...s.future], changeCount: s.changeCount + 1, dirty: true, nodeIndex: indexNodes(prev.doc.nodes) });
      validateLater();
    },
    redo: () => {
      const s = get();
      const next = s.future[0];
      if (!next) return;
      set({ doc: next.doc, future: s.future.slice(1), past: [...s.past, { doc: s.doc }], changeCount: s.changeCount + 1, dirty: true, nodeIndex: indexNodes(next.doc.nodes) });
      validateLater();
    },

    applyLayout: (layout) => change({ ...get().doc, layout }, { validate: false }),

    setSample: (triggerId, items) => {
      const { doc } = get();
      change({ ...doc, samples: { ...doc.samples, [triggerId]: items } }, { validate: false });
    },

    setConnectHint: (hint) => {
      if (get().connectHint !== hint) set({ connectHint: hint });
    },
    setTestRun: (testRun) => set({ testRun, traceByNode: Object.fromEntries((testRun?.trace ?? []).map((t) => [t.nodeId, t])) }),
    focusNode: (nodeId) => set({ focusRequest: { nodeId, at: Date.now() }, selectedNodeIds: new Set([nodeId]), selectedEdgeIds: new Set() }),
    validateNow: () => {
      clearTimeout(validation);
      set(indexIssues(get().doc));
    },
  };
});

/** The trigger node of the document, if any (for samples and test runs). */
export function triggerOf(doc: Pick<Flow, 'nodes'>): FlowNode | undefined {
  return doc.nodes.find((n) => nodeRegistry.get(n.type, n.typeVersion)?.group === 'trigger');
}
