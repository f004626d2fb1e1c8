import { z } from 'zod';

export const ReasonCode = z.enum([
  'ENTRY_RESIDENT',
  'ENTRY_PASS',
  'ENTRY_VISITOR',
  'ENTRY_TEMPORARY',
  'ENTRY_STAFF',
  'ENTRY_EMERGENCY',
  'DENY_BLACKLIST',
  'DENY_FULL',
  'DENY_PASSBACK',
  'DENY_NO_PLATE_REFER',
  'DENY_OVERNIGHT',
  'DENY_ZONE',
  'DENY_TEMPORARY_NOT_ADMITTED',
  'REFER_AMBIGUOUS',
  'EXIT_FREE',
  'EXIT_PAID',
  'EXIT_PAID_WINDOW',
  'EXIT_FEE_DUE',
  'EXIT_NO_ENTRY_FEE',
  'EXIT_NO_ENTRY_REFER',
  'MANUAL_OPEN',
]);
export type ReasonCode = z.infer<typeof ReasonCode>;

/** The reasons whose decision opens the barrier (a command is sent); every other one sends the display only. */
export const OPENING_REASONS: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'ENTRY_RESIDENT',
  'ENTRY_PASS',
  'ENTRY_VISITOR',
  'ENTRY_TEMPORARY',
  'ENTRY_STAFF',
  'ENTRY_EMERGENCY',
  'EXIT_FREE',
  'EXIT_PAID',
  'EXIT_PAID_WINDOW',
  'MANUAL_OPEN',
]);

export const Colour = z.enum(['green', 'red', 'yellow']);
export type Colour = z.infer<typeof Colour>;

/** What a gate panel shows: up to 4 short Chinese lines, optional voice, colour, seconds to show. */
export const Display = z.object({
  lines: z.array(z.string().max(16)).min(1).max(4),
  voice: z.string().nullable(),
  colour: Colour,
  seconds: z.number().int().positive(),
});
export type Display = z.infer<typeof Display>;

export const ReasonContext = z.object({
  /** The plate the decision is about; '' when none was read. */
  plate: z.string().default(''),
  /** Free spaces to show ("余位 23"); omitted when unknown. */
  free: z.number().int().optional(),
  /** Amount due, integer fen. */
  dueFen: z.number().int().optional(),
  passKind: z.enum(['monthly', 'annual']).optional(),
  /** Overnight rule window, for DENY_OVERNIGHT. */
  from: z.string().optional(),
  to: z.string().optional(),
});
export type ReasonContext = z.input<typeof ReasonContext>;

/** Yuan text from integer fen with no floating point: 1200 → "12.00元". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) {
    throw Object.assign(new RangeError(`fen must be a safe integer, got ${fen}`), { code: 'ERR_FEN_NOT_INTEGER' });
  }
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${(abs - (abs % 100)) / 100}.${cents}元`;
}

function yuanEn(fen: number): string {
  return `¥${formatFen(fen).slice(0, -1)}`;
}

interface Entry {
  colour: Colour;
  seconds: number;
  lines(c: ReasonContext): string[];
  voice(c: ReasonContext): string | null;
  en(c: ReasonContext): string;
  /** Chinese text for staff and the ledger. */
  zh(c: ReasonContext): string;
}

function freeLine(c: ReasonContext): string[] {
  return c.free === undefined ? [] : [`余位 ${Math.max(0, c.free)}`];
}

function plateLine(c: ReasonContext): string[] {
  return c.plate ? [c.plate] : [];
}

function fixed(colour: Colour, seconds: number, lines: string[], voice: string | null, zh: string, en: string): Entry {
  return {
    colour,
    seconds,
    lines: function show(c) {
      return [...plateLine(c), ...lines];
    },
    voice: function say() {
      return voice;
    },
    zh: function text() {
      return zh;
    },
    en: function english() {
      return en;
    },
  };
}

function welcome(label: string, voice: string, zh: string, en: string): Entry {
  return {
    ...fixed('green', 5, [label], voice, zh, en),
    lines: function show(c) {
      return [...plateLine(c), label, voice, ...freeLine(c)].slice(0, 4);
    },
  };
}

function due(label: string, zh: string, en: string): Entry {
  return {
    colour: 'yellow',
    seconds: 30,
    lines: function show(c) {
      return [...plateLine(c), label, `请缴费 ${formatFen(c.dueFen ?? 0)}`];
    },
    voice: function say(c) {
      return `请缴费${formatFen(c.dueFen ?? 0)}`;
    },
    zh: function text(c) {
      return `${zh}，应缴 ${formatFen(c.dueFen ?? 0)}`;
    },
    en: function english(c) {
      return `${en}: please pay ${yuanEn(c.dueFen ?? 0)}`;
    },
  };
}

const CATALOGUE: Record<ReasonCode, Entry> = {
  ENTRY_RESIDENT: welcome('业主车辆', '欢迎回家', '业主车辆入场', 'Resident vehicle, welcome home'),
  ENTRY_PASS: {
    ...welcome('月卡车', '欢迎光临', '月卡/年卡车辆入场', 'Pass holder, welcome'),
    lines: function show(c) {
      return [...plateLine(c), c.passKind === 'annual' ? '年卡车' : '月卡车', '欢迎光临', ...freeLine(c)].slice(0, 4);
    },
  },
  ENTRY_VISITOR: welcome('访客车辆', '欢迎光临', '预约访客入场', 'Registered visitor, welcome'),
  ENTRY_TEMPORARY: welcome('临时车', '欢迎光临', '临时车辆入场', 'Temporary vehicle, welcome'),
  ENTRY_STAFF: welcome('员工车辆', '请通行', '员工车辆入场', 'Staff vehicle, go ahead'),
  ENTRY_EMERGENCY: fixed(
    'green',
    10,
    ['应急车辆', '请通行'],
    '应急车辆请通行',
    '应急车辆放行',
    'Emergency vehicle, go ahead',
  ),
  DENY_BLACKLIST: fixed('red', 10, ['禁止通行', '请联系物业'], '禁止通行，请联系物业', '黑名单车辆', 'Blacklisted'),
  DENY_FULL: fixed('red', 10, ['车位已满', '暂停入场'], '车位已满', '车位已满', 'Car park full'),
  DENY_PASSBACK: fixed(
    'red',
    10,
    ['车辆已在场内', '请联系工作人员'],
    '车辆已在场内',
    '防潜回：车辆已在场内',
    'Already inside',
  ),
  DENY_NO_PLATE_REFER: fixed(
    'yellow',
    15,
    ['无牌车', '请联系工作人员'],
    '无牌车请联系工作人员',
    '无牌车，转人工',
    'No plate, please contact staff',
  ),
  DENY_OVERNIGHT: {
    ...fixed('red', 10, [], '夜间临时车禁止入场', '夜间禁止临时车入场', 'No temporary vehicles at night'),
    lines: function show(c) {
      return [...plateLine(c), '临时车夜间禁入', `${c.from ?? ''}-${c.to ?? ''}`];
    },
  },
  DENY_ZONE: fixed('red', 10, ['无权进入本区域'], '无权进入本区域', '无权进入该区域', 'Not allowed in this zone'),
  DENY_TEMPORARY_NOT_ADMITTED: fixed(
    'red',
    10,
    ['非登记车辆', '禁止入内'],
    '非登记车辆禁止入内',
    '本小区不接待临时车',
    'Unregistered vehicles not admitted',
  ),
  REFER_AMBIGUOUS: fixed(
    'yellow',
    15,
    ['车牌识别不清', '请稍候'],
    '请稍候，工作人员确认',
    '车牌匹配不唯一，转人工',
    'Plate unclear, staff will confirm',
  ),
  EXIT_FREE: fixed('green', 5, ['免费放行', '一路顺风'], '一路顺风', '免费出场', 'No fee, goodbye'),
  EXIT_PAID: fixed('green', 5, ['已缴费', '一路顺风'], '一路顺风', '已缴费出场', 'Paid, goodbye'),
  EXIT_PAID_WINDOW: fixed(
    'green',
    5,
    ['已缴费', '请通行'],
    '一路顺风',
    '缴费后限时内出场',
    'Paid, exit within the window',
  ),
  EXIT_FEE_DUE: due('临时停车', '待缴费', 'Fee due'),
  EXIT_NO_ENTRY_FEE: due('无入场记录', '无入场记录，按规定收费', 'No entry record'),
  EXIT_NO_ENTRY_REFER: fixed(
    'yellow',
    15,
    ['无入场记录', '请联系工作人员'],
    '请联系工作人员',
    '无入场记录，转人工',
    'No entry record, please contact staff',
  ),
  MANUAL_OPEN: fixed('green', 5, ['人工放行', '请通行'], '请通行', '人工开闸', 'Opened by staff'),
};

export function reasonDisplay(code: ReasonCode, context: ReasonContext = {}): Display {
  const entry = CATALOGUE[code];
  const c = ReasonContext.parse(context);
  return { lines: entry.lines(c).slice(0, 4), voice: entry.voice(c), colour: entry.colour, seconds: entry.seconds };
}

export function reasonText(code: ReasonCode, context: ReasonContext = {}): { zh: string; en: string } {
  const entry = CATALOGUE[code];
  const c = ReasonContext.parse(context);
  return { zh: entry.zh(c), en: entry.en(c) };
}
