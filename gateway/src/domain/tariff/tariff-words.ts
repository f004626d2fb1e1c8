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

export function dailyCapTexts(
  window: 'rolling-24h' | 'calendar-day',
  resetAt: string,
  capsFen: readonly number[],
): { zh: string[]; en: string[] } {
  const zh: string[] = [];
  const en: string[] = [];
  const dayZh = window === 'rolling-24h' ? '24小时' : `每日（${resetAt}起算）`;
  const dayEn = window === 'rolling-24h' ? '24 h' : `day (from ${resetAt})`;
  if (capsFen.length === 1) {
    const cap = capsFen[0] ?? 0;
    zh.push(window === 'rolling-24h' ? `24小时内最高收费${yuan(cap)}` : `${dayZh}最高收费${yuan(cap)}`);
    en.push(`at most ${yuanEn(cap)} per ${dayEn}`);
    return { zh, en };
  }
  const unitZh = window === 'rolling-24h' ? '个24小时' : '天';
  capsFen.forEach(function capText(cap, i) {
    const last = i === capsFen.length - 1;
    zh.push(
      `第${i + 1}${unitZh}${last ? '起每' + (window === 'rolling-24h' ? '24小时' : '天') : ''}最高收费${yuan(cap)}`,
    );
    en.push(`${last ? 'from ' : ''}${dayEn} ${i + 1}${last ? ' on' : ''}: at most ${yuanEn(cap)}`);
  });
  return { zh, en };
}
