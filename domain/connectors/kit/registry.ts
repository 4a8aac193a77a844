/**
 * The connectors Syncline knows: an explicit list (no globbing; the web app and the worker bundle
 * the same list). `registerConnector` adds one at run time (a connector loaded from a file by a
 * test or a plugin): nothing else has to change for it to be usable.
 */
import type { ConnectorDeclaration } from './define-connector';
import { dataverse } from '../systems/dataverse';
import { freshdesk } from '../systems/freshdesk';
import { hubspot } from '../systems/hubspot';
import { salesforce } from '../systems/salesforce';
import { zendesk } from '../systems/zendesk';

const catalog = new Map<string, ConnectorDeclaration>([hubspot, zendesk, freshdesk, salesforce, dataverse].map((c) => [c.id, c]));

export function findConnector(id: string): ConnectorDeclaration | undefined {
  return catalog.get(id);
}

export function listConnectors(): ConnectorDeclaration[] {
  return [...catalog.values()];
}

/** Adds a connector; an id already taken by another declaration is refused. */
export function registerConnector(declaration: ConnectorDeclaration): void {
  const existing = catalog.get(declaration.id);
  if (existing && existing !== declaration) throw new Error(`A connector with id "${declaration.id}" is already registered.`);
  catalog.set(declaration.id, declaration);
}
