/** Small hand-written SVG charts: no chart library, nothing fetched at run time. */

export function OccupancyBar(props: { occupied: number; capacity: number; status?: string }) {
  const share = props.capacity > 0 ? Math.min(1, props.occupied / props.capacity) : 0;
  return (
    <svg
      class={`bar status-${props.status ?? 'open'}`}
      viewBox="0 0 100 8"
      preserveAspectRatio="none"
      role="img"
      aria-label={`${Math.round(share * 100)}%`}
    >
      <rect class="bar-track" x="0" y="0" width="100" height="8" rx="2" />
      <rect class="bar-fill" x="0" y="0" width={share * 100} height="8" rx="2" />
    </svg>
  );
}

export type Point = { x: number; y: number; label?: string };

/** A line of index values over time; y from 0 to `max` (the difficulty index is 0–100). */
export function LineChart(props: {
  points: Point[];
  max?: number;
  width?: number;
  height?: number;
  compact?: boolean;
  label?: string;
}) {
  const width = props.width ?? 320;
  const height = props.height ?? 120;
  const pad = props.compact ? 2 : 24;
  const max = props.max ?? 100;
  if (props.points.length === 0)
    return <svg class="chart" viewBox={`0 0 ${width} ${height}`} width={width} height={height} />;
  const xs = props.points.map((p) => p.x);
  const minX = Math.min(...xs);
  const spanX = Math.max(...xs) - minX || 1;
  const px = (x: number) => pad + ((x - minX) / spanX) * (width - 2 * pad);
  const py = (y: number) => height - pad - (Math.max(0, Math.min(max, y)) / max) * (height - 2 * pad);
  const path = props.points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`)
    .join(' ');
  const last = props.points[props.points.length - 1];
  return (
    <svg
      class={`chart${props.compact ? ' spark' : ''}`}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={props.label ?? props.points.map((p) => Math.round(p.y)).join(' → ')}
    >
      {!props.compact &&
        [0, 25, 50, 75, 100].map((tick) => (
          <g key={tick}>
            <line class="grid" x1={pad} x2={width - pad} y1={py((tick / 100) * max)} y2={py((tick / 100) * max)} />
            <text class="axis" x={2} y={py((tick / 100) * max) + 3}>
              {Math.round((tick / 100) * max)}
            </text>
          </g>
        ))}
      <path class="line" d={path} />
      {props.points.map((p, i) => (
        <circle key={i} class="dot" cx={px(p.x)} cy={py(p.y)} r={props.compact ? 1.5 : 3}>
          <title>{`${p.label ?? ''} ${Math.round(p.y * 10) / 10}`}</title>
        </circle>
      ))}
      {!props.compact && last && (
        <text class="axis" x={px(last.x) - 8} y={py(last.y) - 6}>
          {Math.round(last.y)}
        </text>
      )}
    </svg>
  );
}

/** Horizontal bars for a few named values in 0..1 (indicator comparison). */
export function Bars(props: { rows: { label: string; value: number; text: string }[] }) {
  const rowHeight = 22;
  const width = 360;
  const labelWidth = 140;
  return (
    <svg
      class="chart bars"
      viewBox={`0 0 ${width} ${props.rows.length * rowHeight}`}
      width="100%"
      role="img"
      aria-label={props.rows.map((r) => `${r.label} ${r.text}`).join(', ')}
    >
      {props.rows.map((row, i) => (
        <g key={row.label} transform={`translate(0, ${i * rowHeight})`}>
          <text class="axis" x={0} y={15}>
            {row.label}
          </text>
          <rect class="bar-track" x={labelWidth} y={4} width={width - labelWidth - 50} height={14} rx={2} />
          <rect
            class="bar-fill"
            x={labelWidth}
            y={4}
            width={Math.max(0, Math.min(1, row.value)) * (width - labelWidth - 50)}
            height={14}
            rx={2}
          />
          <text class="axis" x={width - 46} y={15}>
            {row.text}
          </text>
        </g>
      ))}
    </svg>
  );
}
