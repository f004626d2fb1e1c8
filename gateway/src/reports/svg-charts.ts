/** Small inline SVG charts for the printable report: no scripts, no external assets. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const r1 = (x: number): string => (Math.round(x * 10) / 10).toString();

/** Bars of a 0..max series with optional threshold line; null values are drawn as hatched gaps. */
export function barChart(opts: {
  title: string;
  values: (number | null)[];
  labels: string[];
  max: number;
  threshold?: number;
  format: (v: number) => string;
}): string {
  const w = 640;
  const h = 200;
  const pad = { l: 40, r: 10, t: 24, b: 28 };
  const n = Math.max(1, opts.values.length);
  const bw = (w - pad.l - pad.r) / n;
  const y = (v: number): number => pad.t + (h - pad.t - pad.b) * (1 - Math.min(v, opts.max) / opts.max);
  const parts: string[] = [];
  opts.values.forEach((v, i) => {
    const x = pad.l + i * bw;
    if (v === null) {
      parts.push(
        `<rect x="${r1(x + 1)}" y="${pad.t}" width="${r1(bw - 2)}" height="${h - pad.t - pad.b}" class="nodata"/>`,
      );
      return;
    }
    const top = y(v);
    parts.push(
      `<rect x="${r1(x + 1)}" y="${r1(top)}" width="${r1(bw - 2)}" height="${r1(h - pad.b - top)}" class="bar"><title>${escapeHtml(`${opts.labels[i] ?? ''}: ${opts.format(v)}`)}</title></rect>`,
    );
    if (n <= 31 || i % Math.ceil(n / 24) === 0) {
      parts.push(
        `<text x="${r1(x + bw / 2)}" y="${h - pad.b + 14}" class="tick">${escapeHtml(opts.labels[i] ?? '')}</text>`,
      );
    }
  });
  if (opts.threshold !== undefined) {
    const ty = r1(y(opts.threshold));
    parts.push(`<line x1="${pad.l}" x2="${w - pad.r}" y1="${ty}" y2="${ty}" class="threshold"/>`);
  }
  parts.push(`<text x="${pad.l - 4}" y="${pad.t + 4}" class="axis">${escapeHtml(opts.format(opts.max))}</text>`);
  parts.push(`<text x="${pad.l - 4}" y="${h - pad.b}" class="axis">${escapeHtml(opts.format(0))}</text>`);
  return `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(opts.title)}" class="chart"><text x="${pad.l}" y="14" class="title">${escapeHtml(opts.title)}</text>${parts.join('')}</svg>`;
}

/** Rows × columns of values 0..1 as shaded cells. */
export function heatMap(opts: {
  title: string;
  rows: string[];
  columns: string[];
  values: (number | null)[][];
  format: (row: number, col: number) => string;
}): string {
  const cw = 22;
  const ch = 18;
  const left = 44;
  const top = 24;
  const w = left + cw * opts.columns.length + 10;
  const h = top + ch * opts.rows.length + 20;
  const parts: string[] = [];
  opts.values.forEach((row, ri) => {
    parts.push(
      `<text x="${left - 4}" y="${top + ri * ch + 13}" class="axis">${escapeHtml(opts.rows[ri] ?? '')}</text>`,
    );
    row.forEach((v, ci) => {
      const fill =
        v === null
          ? 'class="nodata"'
          : `fill="rgb(${Math.round(255 - 55 * v)},${Math.round(245 - 200 * v)},${Math.round(235 - 200 * v)})"`;
      parts.push(
        `<rect x="${left + ci * cw}" y="${top + ri * ch}" width="${cw - 1}" height="${ch - 1}" ${fill}><title>${escapeHtml(opts.format(ri, ci))}</title></rect>`,
      );
    });
  });
  opts.columns.forEach((c, ci) => {
    if (ci % 3 === 0)
      parts.push(`<text x="${left + ci * cw + cw / 2}" y="${h - 6}" class="tick">${escapeHtml(c)}</text>`);
  });
  return `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(opts.title)}" class="chart"><text x="${left}" y="14" class="title">${escapeHtml(opts.title)}</text>${parts.join('')}</svg>`;
}

/** Horizontal bars, one per label. */
export function horizontalBars(opts: {
  title: string;
  items: { label: string; value: number; text: string }[];
}): string {
  const w = 640;
  const row = 22;
  const left = 160;
  const h = 28 + row * Math.max(1, opts.items.length);
  const max = Math.max(1e-9, ...opts.items.map((i) => i.value));
  const parts = opts.items.map((item, i) => {
    const bw = ((w - left - 80) * item.value) / max;
    const y = 24 + i * row;
    return `<text x="${left - 6}" y="${y + 14}" class="axis">${escapeHtml(item.label)}</text><rect x="${left}" y="${y}" width="${r1(bw)}" height="${row - 6}" class="bar"/><text x="${r1(left + bw + 6)}" y="${y + 14}" class="value">${escapeHtml(item.text)}</text>`;
  });
  if (opts.items.length === 0) parts.push(`<text x="${left}" y="40" class="value">—</text>`);
  return `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(opts.title)}" class="chart"><text x="10" y="14" class="title">${escapeHtml(opts.title)}</text>${parts.join('')}</svg>`;
}

/** The 0–100 scale with its level bands and a marker at the value. */
export function indexGauge(opts: {
  title: string;
  value: number | null;
  levels: { from: number; label: string }[];
}): string {
  const w = 640;
  const left = 20;
  const span = w - 40;
  const colours = ['#4caf50', '#cddc39', '#ff9800', '#e53935'];
  const parts = opts.levels.map((l, i) => {
    const to = opts.levels[i + 1]?.from ?? 100;
    const x = left + (span * l.from) / 100;
    const bw = (span * (to - l.from)) / 100;
    return `<rect x="${r1(x)}" y="26" width="${r1(bw)}" height="16" fill="${colours[i] ?? '#999'}"/><text x="${r1(x + bw / 2)}" y="58" class="tick">${escapeHtml(l.label)}</text>`;
  });
  if (opts.value !== null) {
    const x = r1(left + (span * opts.value) / 100);
    parts.push(
      `<path d="M${x} 22 l-6 -10 h12 z" class="marker"/><text x="${x}" y="10" class="value">${opts.value.toFixed(1)}</text>`,
    );
  }
  return `<svg viewBox="0 0 ${w} 64" role="img" aria-label="${escapeHtml(opts.title)}" class="chart">${parts.join('')}</svg>`;
}
