/**
 * Quote a stay by hand: npm run quote -- --tariff tariffs/residential-guidance.yaml --entry 2025-03-03T10:00 --exit 2025-03-03T13:05
 * Times without an offset are local to the tariff's time zone. Prints the quote as JSON; exit 2 on bad arguments.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type CompiledTariff,
  type Coupon,
  compileTariffs,
  type Payment,
  parseTariffText,
  quote,
  renderPublicText,
  type Stay,
  type Tariff,
  VEHICLE_CLASSES,
} from '../domain/tariff/index.ts';
import { explainQuote } from './explain.ts';

const USAGE = `usage: npm run quote -- --tariff <file> [--tariff <file>…] --entry <ISO time|none> --exit <ISO time>
  [--vehicle small|large|motorcycle] [--energy fuel|electric] [--user <class>]
  [--payment <ISO time>=<fen>]… [--coupon amount:<fen>|percent:<n>|time:<minutes>]… [--explain] [--lang zh|en]
  [--class-change <ISO time>=<class>]…
       npm run quote -- --tariff <file> --text [--lang zh|en]
  --explain  the breakdown as a table instead of JSON
  --text     the published text (公示) of the tariff, every version
  --class-change  the user's pass ends then: from that time the stay is charged as <class>, as if entered then`;

class UsageError extends Error {}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * An ISO time, local to the tariff's zone unless it carries an offset. Every field is checked, never rolled over
 * (JavaScript's Date takes 2025-02-30 for 03-02 and 25:00 for the next day's 01:00); a local time a clock change skips
 * is refused too.
 */
function localTime(text: string, ct: CompiledTariff, flag: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  if (!m) {
    throw new UsageError(`${flag}: '${text}' is not an ISO time such as 2025-03-03T10:00 or 2025-03-03T10:00:00+08:00`);
  }
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offset = m[7];
  if (mo < 1 || mo > 12) throw new UsageError(`${flag}: '${text}' is not a real date: months run 01–12`);
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d < 1 || d > days) {
    throw new UsageError(`${flag}: '${text}' is not a real date: ${MONTHS[mo - 1]} ${y} has ${days} days`);
  }
  if (h > 23) throw new UsageError(`${flag}: '${text}' is not a time of day: hours run 00–23`);
  if (mi > 59) throw new UsageError(`${flag}: '${text}' is not a time of day: minutes run 00–59`);
  if (sec > 59) throw new UsageError(`${flag}: '${text}' is not a time of day: seconds run 00–59`);
  if (offset !== undefined) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new UsageError(`${flag}: '${text}' has no valid UTC offset (e.g. +08:00)`);
    return ms;
  }
  const day = Date.UTC(y, mo - 1, d) / 86_400_000;
  const ms = ct.zone.epochOfLocal(day, h * 60 + mi) + sec * 1000;
  const wall = `${text.slice(0, 10)} ${text.slice(11, 16)}:${String(sec).padStart(2, '0')}`;
  if (ct.zone.format(ms) !== wall) {
    throw new UsageError(`${flag}: '${text}' does not exist in ${ct.zone.id}: the clocks skip it (daylight saving)`);
  }
  return ms;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag}: '${value}' is not one of ${allowed.join(', ')}`);
}

function coupon(text: string, i: number): Coupon {
  const [kind, raw] = text.split(':');
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--coupon: '${text}' needs a whole number after the colon`);
  const id = `c${i + 1}`;
  if (kind === 'amount') return { id, kind, amountFen: n };
  if (kind === 'percent' && n >= 1 && n <= 100) return { id, kind, percentOff: n };
  if (kind === 'time' && n >= 1) return { id, kind, minutes: n };
  throw new UsageError(`--coupon: '${text}' is not amount:<fen>, percent:<1-100> or time:<minutes>`);
}

/** What the CLI prints: `out` on stdout, `err` (warnings, usage errors) on stderr. */
export function run(argv: readonly string[]): { code: number; out: string; err?: string } {
  const warnings: string[] = [];
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        tariff: { type: 'string', multiple: true },
        entry: { type: 'string' },
        exit: { type: 'string' },
        vehicle: { type: 'string' },
        energy: { type: 'string' },
        user: { type: 'string' },
        payment: { type: 'string', multiple: true },
        coupon: { type: 'string', multiple: true },
        'class-change': { type: 'string', multiple: true },
        text: { type: 'boolean' },
        explain: { type: 'boolean' },
        lang: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
    if (values.help) return { code: 0, out: USAGE };
    if (!values.tariff?.length) throw new UsageError('--tariff is required');
    const lang = oneOf(values.lang, ['zh', 'en'] as const, '--lang', 'zh');
    if (!values.text && !values.entry) {
      throw new UsageError('--entry is required (an ISO time, or none for no entry record)');
    }
    if (!values.text && !values.exit) throw new UsageError('--exit is required');
    const docs: Tariff[] = [];
    for (const file of values.tariff) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new UsageError(`--tariff: cannot read '${file}'`);
      }
      const loaded = parseTariffText(text);
      if (!loaded.ok) throw new UsageError(`--tariff ${file} is not a valid tariff:\n${loaded.message}`);
      for (const w of loaded.warnings) warnings.push(`warning: ${file}: ${w.path}: ${w.message}`);
      docs.push(...loaded.tariffs);
    }
    if (values.text) {
      const texts = docs.map((t) => renderPublicText(t, lang === 'en' ? 'en' : 'zh-CN'));
      return { code: 0, out: texts.join('\n\n'), ...stderr(warnings) };
    }
    if (!values.entry || !values.exit) throw new UsageError('--entry and --exit are required');
    const tariffs = compileTariffs(docs);
    const latest = tariffs[tariffs.length - 1] as CompiledTariff;
    const payments: Payment[] = (values.payment ?? []).map(function payment(text) {
      const [when, fen] = text.split('=');
      const amountFen = Number(fen);
      if (!when || !Number.isInteger(amountFen) || amountFen < 0) {
        throw new UsageError(`--payment: '${text}' is not <ISO time>=<fen>`);
      }
      return { at: localTime(when, latest, '--payment'), amountFen };
    });
    const stay: Stay = {
      entryAt: values.entry === 'none' ? null : localTime(values.entry, latest, '--entry'),
      exitAt: localTime(values.exit, latest, '--exit'),
      vehicleClass: oneOf(values.vehicle, VEHICLE_CLASSES, '--vehicle', 'small'),
      energy: oneOf(values.energy, ['fuel', 'electric'] as const, '--energy', 'fuel'),
      userClass: values.user ?? 'visitor',
      payments,
      coupons: (values.coupon ?? []).map(coupon),
      classChanges: (values['class-change'] ?? []).map(function classChange(text) {
        const [when, userClass] = text.split('=');
        if (!when || !userClass) throw new UsageError(`--class-change: '${text}' is not <ISO time>=<user class>`);
        return { at: localTime(when, latest, '--class-change'), userClass };
      }),
    };
    const result = quote(stay, tariffs);
    if (values.explain) {
      const out = result.ok ? explainQuote(result, { en: lang === 'en' }) : result.message;
      return { code: result.ok ? 0 : 1, out, ...stderr(warnings) };
    }
    return { code: result.ok ? 0 : 1, out: JSON.stringify(result, null, 2), ...stderr(warnings) };
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      return { code: 2, out: '', err: [...warnings, `${(error as Error).message}\n${USAGE}`].join('\n') };
    }
    throw error;
  }
}

function stderr(lines: readonly string[]): { err?: string } {
  return lines.length > 0 ? { err: lines.join('\n') } : {};
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { code, out, err } = run(process.argv.slice(2));
  if (err) process.stderr.write(`${err}\n`);
  if (out) process.stdout.write(`${out}\n`);
  process.exitCode = code;
}
