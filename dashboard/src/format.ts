/** Integer fen as yuan text, e.g. 1250 → "¥12.50"; negative amounts keep their sign. */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—';
  const whole = Math.round(fen);
  const sign = whole < 0 ? '-' : '';
  const abs = Math.abs(whole);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${Math.floor(abs / 100)}.${cents}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: string, timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${withDate}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, {
      timeZone,
      hourCycle: 'h23',
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(key, f);
  }
  return f;
}

/** The site's time zone; a site that names none is in China's. */
export function siteZone(site: { timeZone?: string | undefined }): string {
  return site.timeZone ?? 'Asia/Shanghai';
}

/** Epoch ms (or ISO text) as local date-time text in the site's time zone. */
export function dateTime(at: number | string | null | undefined, lang = 'zh-CN', timeZone = 'Asia/Shanghai'): string {
  const ms = toMs(at);
  return ms === null ? '—' : formatter(lang, timeZone, true).format(ms);
}

export function timeOnly(at: number | string | null | undefined, lang = 'zh-CN', timeZone = 'Asia/Shanghai'): string {
  const ms = toMs(at);
  return ms === null ? '—' : formatter(lang, timeZone, false).format(ms);
}

export function dateOnly(at: number | string | null | undefined, timeZone = 'Asia/Shanghai'): string {
  const ms = toMs(at);
  if (ms === null) return '—';
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

export function toMs(at: number | string | null | undefined): number | null {
  if (at === null || at === undefined || at === '') return null;
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return Number.isFinite(ms) ? ms : null;
}

/** A duration in ms as "2小时5分" / "2 h 5 min". */
export function duration(ms: number | null | undefined, lang = 'zh-CN'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const totalMinutes = Math.floor(ms / 60_000);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const zh = lang === 'zh-CN';
  const parts: string[] = [];
  if (days) parts.push(zh ? `${days}天` : `${days} d`);
  if (hours) parts.push(zh ? `${hours}小时` : `${hours} h`);
  if (minutes || parts.length === 0) parts.push(zh ? `${minutes}分` : `${minutes} min`);
  return parts.join(zh ? '' : ' ');
}

/** A ratio in 0..1 (or a percentage already in 0..100 when `isPercent`) as "87%". */
export function percent(value: number | null | undefined, isPercent = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const pct = isPercent ? value : value * 100;
  return `${Math.round(pct * 10) / 10}%`;
}

/** Local "YYYY-MM-DDTHH:MM" text from a datetime-local input, read in the site's zone, as epoch ms. */
export function localInputToMs(text: string, timeZone = 'Asia/Shanghai'): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  return asUtc - zoneOffsetMs(asUtc, timeZone);
}

/** Epoch ms as the "YYYY-MM-DDTHH:MM" text a datetime-local input shows, in the site's zone. */
export function msToLocalInput(ms: number, timeZone = 'Asia/Shanghai'): string {
  const local = new Date(ms + zoneOffsetMs(ms, timeZone));
  return local.toISOString().slice(0, 16);
}

function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** Chinese plates are compared upper-case without separators, as the gateway normalises them. */
export function normalisePlate(text: string): string {
  return text.toUpperCase().replace(/[\s·.\-_•]/g, '');
}
