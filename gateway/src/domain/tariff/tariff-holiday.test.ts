import { describe, expect, it } from 'vitest';
import { renderPublicText } from './public-text.ts';
import type { Tariff } from './tariff.schema.ts';
import { compileTariff } from './tariff-compile.ts';
import { quote } from './tariff-quote.ts';
import { at, ok, stay } from './tariff-test-kit.ts';
import { validateTariff } from './tariff-validate.ts';

const band = (name: string, from: string, to: string, priceFen: number, capFen?: number) => ({
  name,
  from,
  to,
  unitMinutes: 60,
  priceFen,
  ...(capFen === undefined ? {} : { capFen }),
});

// Weekdays: day 08:00–20:00 2元/h, night 20:00–08:00 1元/h, 每晚最高5元. Public holidays (2025-05-01..05) free all day.
// 2025-04-30 is a Wednesday, 2025-05-06 a Tuesday; 2025-04-27 a 调休 Sunday (a working day).
const checked = validateTariff({
  id: 'holiday-free',
  version: 1,
  name: '节假日免费',
  effectiveFrom: '2025-01-01T00:00:00+08:00',
  calendar: { holidays: ['2025-05-01..2025-05-05'], workdays: ['2025-04-27'] },
  rules: {
    visitor: {
      type: 'bands',
      label: '临时车辆',
      bands: [band('白天', '08:00', '20:00', 200), band('夜间', '20:00', '08:00', 100, 500)],
      dayTypes: { holiday: { bands: [band('白天', '08:00', '20:00', 0), band('夜间', '20:00', '08:00', 0)] } },
    },
  },
});
if (!checked.ok) throw new Error(checked.message);
const tariff: Tariff = checked.tariff;
const ct = compileTariff(tariff);
const fee = (from: string, to: string) => ok(quote(stay(at(from), at(to)), ct)).totalFen;

/**
 * #26.2: a holiday is a calendar date. Before, a band day ran 08:00 → 08:00, so a holiday was priced from its 08:00 to
 * the next day's 08:00: its first eight hours as the workday's night, and the eight hours after it free.
 */
describe('holiday and weekend prices by calendar date', () => {
  it.each([
    // Wed 20:00–24:00 a working night, 4 h × 1元 = 4元; May 1 00:00–08:00 is the holiday: free. (Before: 12 h → 5元.)
    ['a working night into a holiday: only its working hours', '2025-04-30T20:00:00', '2025-05-01T08:00:00', 400],
    // The holiday's first hours are the holiday's. (Before: priced as Apr 30's night, 8 × 1元 capped 5元.)
    ['the holiday from midnight', '2025-05-01T00:00:00', '2025-05-01T08:00:00', 0],
    // May 5 20:00–24:00 holiday, free; May 6 00:00–08:00 a working night, 8 × 1元 = 8元, capped as one night: 5元.
    // (Before: the whole night was May 5's, free.)
    [
      'a holiday night into a working day: its working hours, capped once',
      '2025-05-05T20:00:00',
      '2025-05-06T08:00:00',
      500,
    ],
    ['a holiday day', '2025-05-05T08:00:00', '2025-05-05T20:00:00', 0],
    // Sat 26 Apr night into the 调休 Sunday: both priced as working days (no weekend table): 12 h × 1元, one night 5元.
    [
      '调休 keeps working: a Saturday night into a make-up working Sunday',
      '2025-04-26T20:00:00',
      '2025-04-27T08:00:00',
      500,
    ],
    // Two nights across midnight, each capped once: Tue 20:00 → Thu 08:00 = 5元 + 5元, day Wed 08–20 12 × 2元 = 24元.
    ['working nights, each capped once', '2025-03-04T20:00:00', '2025-03-06T08:00:00', 3400],
  ])('%s: %s → %s = %i fen', (_what, from, to, expected) => {
    expect(fee(from, to)).toBe(expected);
  });

  it('the 公示 says prices go by calendar date and a night is capped once', () => {
    expect(renderPublicText(tariff)).toContain(
      '周末、节假日价格按自然日（00:00至24:00）适用；跨两个日期的夜间按各自日期计价，封顶按一晚计',
    );
  });
});
