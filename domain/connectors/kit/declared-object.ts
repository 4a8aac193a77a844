/**
 * One object of a connection's declared connector (Contacts of a HubSpot connection): what the
 * runtime and field discovery both start from.
 */
import { UserError } from '../../../flows-engine/index';
import type { ResolvedConnection } from '../../connections/resolve';
import type { ObjectDeclaration } from './define-connector';
import { createRequester, type Requester } from './requester';

export interface DeclaredObject {
  readonly requester: Requester;
  readonly name: string;
  readonly declaration: ObjectDeclaration;
  /** Caches of this object's discovered fields are per connection and secret version. */
  readonly cacheKey: string;
}

/** The connection's declared object named `objectType`, or a UserError listing the ones it has. */
export function declaredObject(connection: ResolvedConnection, objectType: string): DeclaredObject {
  const requester = createRequester(connection);
  const declaration = requester.declaration.objects[objectType];
  if (!declaration) {
    throw new UserError(`${requester.declaration.label} has no object “${objectType}”: choose one of ${Object.keys(requester.declaration.objects).join(', ')}.`, { field: 'objectType' });
  }
  return { requester, name: objectType, declaration, cacheKey: `${connection.secretVersion}:${objectType}` };
}
