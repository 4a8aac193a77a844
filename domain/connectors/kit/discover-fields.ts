/**
 * The fields of a declared object: the static ones, merged with the ones read from the system's
 * metadata endpoint when the object declares `discover` (custom properties, picklists). Discovered
 * fields are cached per connection and secret version in this process; `refresh` reads them again
 * (the editor's "refresh fields" action, and the runtime when a system refuses a field it no longer has).
 */
import type { ResolvedConnection } from '../../connections/resolve';
import { declaredObject, type DeclaredObject } from './declared-object';
import type { FieldDeclaration, FieldType } from './define-connector';
import { readOne } from './templates';

const cache = new Map<string, readonly FieldDeclaration[]>();

export async function objectFields(connection: ResolvedConnection, objectType: string, options: { refresh?: boolean } = {}): Promise<readonly FieldDeclaration[]> {
  return fieldsOf(declaredObject(connection, objectType), options);
}

export async function fieldsOf(object: DeclaredObject, options: { refresh?: boolean } = {}): Promise<readonly FieldDeclaration[]> {
  const { discover, static: statics } = object.declaration.fields;
  if (!discover) return statics;
  const cached = cache.get(object.cacheKey);
  if (cached && !options.refresh) return cached;
  const answer = await object.requester.send({ template: discover.request, values: object.requester.values, purpose: { object: object.declaration.label, action: 'reading the field list' } });
  const listed = readOne(answer.body, discover.records);
  const discovered: FieldDeclaration[] = (Array.isArray(listed) ? listed : []).flatMap((raw) => {
    const name = readOne(raw, discover.name);
    if (typeof name !== 'string') return [];
    const typeName = String(readOne(raw, discover.type) ?? '');
    const label = discover.label ? readOne(raw, discover.label) : undefined;
    const known = statics.find((f) => f.name === name);
    const readOnly = discover.readOnly ? readOne(raw, discover.readOnly) === true : discover.writable ? readOne(raw, discover.writable) !== true : (known?.readOnly ?? false);
    return [
      {
        ...known,
        name,
        ...(typeof label === 'string' ? { label } : {}),
        type: (discover.typeMap?.[typeName] ?? known?.type ?? 'string') satisfies FieldType,
        readOnly,
        // The system's word wins over the static declaration; a field the system sets is never required of a write.
        ...(discover.requiredWhen ? { required: !readOnly && Object.entries(discover.requiredWhen).every(([path, accepted]) => accepted.includes(readOne(raw, path) as string | boolean)) } : {}),
      },
    ];
  });
  const names = new Set(discovered.map((f) => f.name));
  const fields = [...discovered, ...statics.filter((f) => !names.has(f.name))];
  cache.set(object.cacheKey, fields);
  return fields;
}
