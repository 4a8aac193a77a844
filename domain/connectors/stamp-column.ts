/**
 * The stamp column of a database table: the column every write of Syncline's fills with the connection's
 * integration identity, so a change made by the sync is told apart from a person's (loop prevention,
 * `../../shared/seeds` on integration accounts). `updated_by`, or else `modified_by`; none when the
 * table has neither. The PostgreSQL and MySQL gateways write it; the pickers say so next to the column.
 */
export function stampColumnOf(columnNames: ReadonlySet<string>): string | null {
  if (columnNames.has('updated_by')) return 'updated_by';
  if (columnNames.has('modified_by')) return 'modified_by';
  return null;
}
