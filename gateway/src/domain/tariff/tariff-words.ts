import { minuteOfTime } from './time-zone.ts';

/** Words shared by the item texts and the published text (公示), so both say the same thing. */

export function yuan(fen: number): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  if (cents === 0) return `${whole}元`;
  return `${whole}.${String(cents).padStart(2, '0').replace(/0$/, '')}元`;
}

export function yuanEn(fen: number): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  return cents === 0 ? `¥${whole}` : `¥${whole}.${String(cents).padStart(2, '0')}`;
}

export function span(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}分钟`;
  return m === 0 ? `${h}小时` : `${h}小时${m}分钟`;
}

export function spanEn(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** 每小时 / 每2小时 / 每30分钟 */
export function per(minutes: number): string {
  if (minutes === 60) return '每小时';
  return `每${span(minutes)}`;
}

export function perEn(minutes: number): string {
  if (minutes === 60) return 'per hour';
  return `per ${spanEn(minutes)}`;
}

/** Price of one unit with its rounding: "每小时2元，不足1小时按1小时计". */
export function rateText(unitMinutes: number, priceFen: number, stepMinutes: number): string {
  if (priceFen === 0) return '免费';
  const base = `${per(unitMinutes)}${yuan(priceFen)}`;
  if (stepMinutes === unitMinutes) return `${base}，不足${span(stepMinutes)}按${span(stepMinutes)}计`;
  const stepFen = (priceFen * stepMinutes) / unitMinutes;
  return `${base}，按${per(stepMinutes)}${yuan(stepFen)}计，不足${span(stepMinutes)}按${span(stepMinutes)}计`;
}

export function rateTextEn(unitMinutes: number, priceFen: number, stepMinutes: number): string {
  if (priceFen === 0) return 'free';
  const base = `${yuanEn(priceFen)} ${perEn(unitMinutes)}`;
  if (stepMinutes === unitMinutes) return `${base}, each started ${spanEn(stepMinutes)} counts in full`;
  const stepFen = (priceFen * stepMinutes) / unitMinutes;
  return `${base}, charged ${yuanEn(stepFen)} ${perEn(stepMinutes)}; each started ${spanEn(stepMinutes)} counts in full`;
}

/** 200 → "2倍", 50 → "0.5倍". */
export function timesText(percent: number): string {
  return `${percent / 100}倍`;
}

export const VEHICLE_NAMES = {
  small: ['小型车', 'small vehicles'],
  large: ['大型车', 'large vehicles'],
  motorcycle: ['摩托车', 'motorcycles'],
} as const;

/**
 * The daily cap as the 公示 and the breakdown word it, saying what the engine counts: 24 h windows from entry, or
 * calendar days from `resetAt` to the same time next day (#15.5).
 */
export function dailyCapTexts(
  window: 'rolling-24h' | 'calendar-day',
  resetAt: string,
  capsFen: readonly number[],
): { zh: string[]; en: string[] } {
  const zh: string[] = [];
  const en: string[] = [];
  const rolling = window === 'rolling-24h';
  const dayZh = resetAt === '00:00' ? '自然日（00:00至24:00）' : `日（${resetAt}至次日${resetAt}）`;
  const dayEn = resetAt === '00:00' ? 'calendar day (00:00 to 24:00)' : `day (${resetAt} to ${resetAt} the next day)`;
  if (capsFen.length === 1) {
    const cap = capsFen[0] ?? 0;
    zh.push(rolling ? `自入场起每24小时最高收费${yuan(cap)}` : `每个${dayZh}最高收费${yuan(cap)}`);
    en.push(rolling ? `at most ${yuanEn(cap)} per 24 h counted from entry` : `at most ${yuanEn(cap)} per ${dayEn}`);
    return { zh, en };
  }
  capsFen.forEach(function capText(cap, i) {
    const last = i === capsFen.length - 1;
    const lead = i === 0 ? (rolling ? '自入场起' : `按${dayZh}计，`) : '';
    const unit = rolling ? `第${i + 1}个24小时` : `第${i + 1}天`;
    zh.push(`${lead}${unit}${last ? `起每${rolling ? '24小时' : '天'}` : ''}最高收费${yuan(cap)}`);
    const unitEn = rolling ? `24 h window ${i + 1} from entry` : `${dayEn} ${i + 1}`;
    en.push(`${last ? 'from ' : ''}${unitEn}${last ? ' on' : ''}: at most ${yuanEn(cap)}`);
  });
  return { zh, en };
}

/** A band's own cap: a band that crosses midnight is capped per night ("每晚"), another per day. */
export function bandCapTexts(band: {
  from: string;
  to: string;
  name: string;
  nameEn?: string | undefined;
  capFen: number;
}): {
  zh: string;
  en: string;
} {
  const night = minuteOfTime(band.to) <= minuteOfTime(band.from);
  return night
    ? { zh: `每晚最高收费${yuan(band.capFen)}`, en: `at most ${yuanEn(band.capFen)} per night` }
    : {
        zh: `每日${band.name}时段最高收费${yuan(band.capFen)}`,
        en: `at most ${yuanEn(band.capFen)} per day in the ${band.nameEn ?? band.name} band`,
      };
}
