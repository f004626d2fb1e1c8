import type { QuoteResult } from '../domain/tariff/index.ts';

type Quote = Extract<QuoteResult, { ok: true }>;

/** Columns a string takes in a terminal: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6);
    width += wide ? 2 : 1;
  }
  return width;
}

const padEnd = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));
const padStart = (text: string, width: number) => ' '.repeat(Math.max(0, width - displayWidth(text))) + text;

/** Integer fen as yuan with two decimals, in integer arithmetic: -150 → "-1.50元" (or "¥-1.50"). */
export function money(fen: number, en = false): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const text = `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return en ? `¥${text}` : `${text}元`;
}

/**
 * A quote as a table a person checks against the 公示: one line per item (what, when, units × unit price, amount),
 * then total, paid and due. Chinese first; `en` for English.
 */
export function explainQuote(q: Quote, opts: { en?: boolean } = {}): string {
  const en = opts.en === true;
  const head = en
    ? ['#', 'item', 'from → to', 'units', 'unit price', 'amount']
    : ['#', '项目', '起止时间', '单位数', '单价', '金额'];
  const rows = q.items.map((item, i) => [
    String(i + 1),
    en ? item.textEn : item.text,
    `${item.fromLocal} → ${item.toLocal.slice(item.fromLocal.slice(0, 10) === item.toLocal.slice(0, 10) ? 11 : 0)}`,
    String(item.units),
    money(item.unitFen, en),
    money(item.amountFen, en),
  ]);
  const widths = head.map((h, c) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c] ?? ''))));
  const right = new Set([0, 3, 4, 5]);
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (right.has(c) ? padStart(cell, widths[c] ?? 0) : padEnd(cell, widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const sums: [string, number][] = en
    ? [
        ['total', q.totalFen],
        ['paid', q.paidFen],
        ['due', q.dueFen],
      ]
    : [
        ['合计', q.totalFen],
        ['已付', q.paidFen],
        ['应付', q.dueFen],
      ];
  const out = [
    `${en ? 'tariff' : '收费标准'}: ${q.tariffIds.join(', ')}`,
    line(head),
    '-'.repeat(total),
    ...rows.map(line),
    '-'.repeat(total),
    ...sums.map(([label, fen]) => padEnd(label, total - displayWidth(money(fen, en))) + money(fen, en)),
  ];
  return out.join('\n');
}
