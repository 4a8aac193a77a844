/**
 * Every node definition, as an explicit list (never a glob). Safe to import everywhere: browser,
 * web app, Temporal workflow code. Adding a version: keep the old definition in the list.
 */
import { createRegistry } from '../flows-engine/index';
import { anonymiseRecordNode } from './anonymise-record/definition';
import { branchNode } from './branch/definition';
import { continueIfNode } from './continue-if/definition';
import { delayNode } from './delay/definition';
import { deleteRecordNode } from './delete-record/definition';
import { filterNode } from './filter/definition';
import { httpRequestNode } from './http-request/definition';
import { lookupExternalIdNode } from './lookup-external-id/definition';
import { manualTriggerNode } from './manual-trigger/definition';
import { pollTriggerNode } from './poll-trigger/definition';
import { saveExternalIdNode } from './save-external-id/definition';
import { scheduleTriggerNode } from './schedule-trigger/definition';
import { transformNode } from './transform/definition';
import { upsertRecordNode } from './upsert-record/definition';
import { webhookTriggerNode } from './webhook-trigger/definition';

/** All node definitions, in palette order. */
export const nodeDefinitions = [
  manualTriggerNode,
  webhookTriggerNode,
  scheduleTriggerNode,
  pollTriggerNode,
  filterNode,
  continueIfNode,
  branchNode,
  transformNode,
  lookupExternalIdNode,
  saveExternalIdNode,
  upsertRecordNode,
  deleteRecordNode,
  anonymiseRecordNode,
  httpRequestNode,
  delayNode,
] as const;

/** Any registered definition. */
export type RegisteredNodeDefinition = (typeof nodeDefinitions)[number];
/** Every registered node type id. */
export type NodeType = RegisteredNodeDefinition['type'];
/** The definitions with `effect: true`. */
export type EffectfulNodeDefinition = Extract<RegisteredNodeDefinition, { effect: true }>;
/** The type ids of effectful nodes. */
export type EffectfulNodeType = EffectfulNodeDefinition['type'];

/** The registry of {@link nodeDefinitions}. */
export const nodeRegistry = createRegistry(nodeDefinitions);
