'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface HourBar {
  hour: Date;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
}

/** Colours of STATUS_TONE (runs/run-format.tsx), as fills. */
const SERIES = [
  { key: 'succeeded', label: 'Succeeded', color: '#10b981' },
  { key: 'failed', label: 'Failed', color: '#ef4444' },
  { key: 'skipped', label: 'Not reached', color: '#f59e0b' },
  { key: 'cancelled', label: 'Cancelled', color: '#94a3b8' },
] as const;

const hourLabel = (value: number) => new Date(value).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

export function RunsPerHourChart({ hours }: { hours: HourBar[] }) {
  const data = hours.map((h) => ({ ...h, hour: new Date(h.hour).getTime() }));
  return (
    <div className="h-64 w-full" data-testid="runs-per-hour-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="hour" tickFormatter={hourLabel} tick={{ fontSize: 11, fill: '#64748b' }} interval={2} tickLine={false} axisLine={{ stroke: '#cbd5e1' }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: '#64748b' }} tickLine={false} axisLine={false} width={48} />
          <Tooltip labelFormatter={(value) => `${hourLabel(Number(value))}, one hour`} cursor={{ fill: '#f1f5f9' }} />
          <Legend iconType="square" iconSize={10} wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
          {SERIES.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId="runs" fill={s.color} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
