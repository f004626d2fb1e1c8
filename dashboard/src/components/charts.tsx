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

export type ChartSeries = { name: string; points: Point[]; class?: string };

/**
 * Several series over time on one set of axes (the bureau's trends): y from 0 to `max` (or the largest value), dates
 * under the first and last period, a legend, and each point's value in its tooltip.
 */
export function TrendChart(props: {
  series: ChartSeries[];
  max?: number;
  unit?: string;
  xLabel: (x: number) => string;
  /** Shown instead of empty axes when no period has a value. */
  empty: string;
  width?: number;
  height?: number;
  testId?: string;
}) {
  const width = props.width ?? 420;
  const height = props.height ?? 150;
  const left = 34;
  const right = 12;
  const top = 10;
  const bottom = 24;
  const all = props.series.flatMap((s) => s.points);
  const largest = Math.max(0, ...all.map((p) => p.y));
  const max = props.max ?? (largest > 0 ? niceCeiling(largest) : 1);
  const xs = all.map((p) => p.x);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const spanX = maxX - minX;
  const px = (x: number) =>
    spanX === 0 ? (left + width - right) / 2 : left + ((x - minX) / spanX) * (width - left - right);
  const py = (y: number) => height - bottom - (Math.max(0, Math.min(max, y)) / max) * (height - top - bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const unit = props.unit ?? '';
  if (all.length === 0) {
    // No period has a value (e.g. too little data for an index): the frame stays, with the reason inside it.
    return (
      <figure class="trend-chart" data-testid={props.testId}>
        <svg
          class="chart"
          viewBox={`0 0 ${width} ${height}`}
          width="100%"
          role="img"
          aria-label={`${props.series.map((s) => s.name).join('; ')}: ${props.empty}`}
        >
          <line class="grid" x1={left} x2={width - right} y1={height - bottom} y2={height - bottom} />
          <text class="axis" x={width / 2} y={height / 2} text-anchor="middle">
            {props.empty}
          </text>
        </svg>
      </figure>
    );
  }
  return (
    <figure class="trend-chart" data-testid={props.testId}>
      <svg
        class="chart"
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label={props.series
          .map((s) => `${s.name}: ${s.points.map((p) => `${Math.round(p.y * 10) / 10}${unit}`).join(' → ')}`)
          .join('; ')}
      >
        {ticks.map((tick) => (
          <g key={tick}>
            <line class="grid" x1={left} x2={width - right} y1={py(tick)} y2={py(tick)} />
            <text class="axis" x={2} y={py(tick) + 3}>
              {Math.round(tick * 100) / 100}
            </text>
          </g>
        ))}
        <text class="axis" x={left} y={height - 6}>
          {props.xLabel(minX)}
        </text>
        {spanX > 0 && (
          <text class="axis" x={width - right} y={height - 6} text-anchor="end">
            {props.xLabel(maxX)}
          </text>
        )}
        {props.series.map((s, i) => (
          <g key={s.name} class={`series series-${i} ${s.class ?? ''}`}>
            {s.points.length > 1 && (
              <path
                class="line"
                d={s.points
                  .map((p, j) => `${j === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`)
                  .join(' ')}
              />
            )}
            {s.points.map((p) => (
              <circle key={p.x} class="dot" cx={px(p.x)} cy={py(p.y)} r={3}>
                <title>{`${s.name} ${props.xLabel(p.x)}: ${Math.round(p.y * 10) / 10}${unit}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      {props.series.length > 1 && (
        <figcaption class="legend">
          {props.series.map((s, i) => (
            <span key={s.name} class={`legend-item series-${i}`}>
              <i /> {s.name}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 2, 2.5, 5, 10];
  const step = steps.find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}
