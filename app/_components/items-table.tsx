/** One JSON value as a table cell's text. */
export function cellText(value: unknown): string {
  return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** Items (flat JSON objects) as a compact table: one column per field seen, the first 12 fields. */
export function ItemsTable({ items }: { items: readonly Record<string, unknown>[] }) {
  if (items.length === 0) return <p className="text-xs text-slate-500">No items.</p>;
  const columns = [...new Set(items.flatMap((item) => Object.keys(item)))].slice(0, 12);
  return (
    <div className="overflow-x-auto rounded border border-slate-200">
      <table className="min-w-full text-xs">
        <thead className="bg-slate-50 text-left text-slate-500">
          <tr>
            {columns.map((column) => (
              <th key={column} className="px-2 py-1 font-medium whitespace-nowrap">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item, i) => (
            <tr key={i} className="border-t border-slate-100">
              {columns.map((column) => (
                <td key={column} className="max-w-48 truncate px-2 py-1 font-mono whitespace-nowrap text-slate-700" title={cellText(item[column])}>
                  {cellText(item[column])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
