import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './quote.ts';

const root = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'quote-cli-'));
afterAll(function removeTemp() {
  rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const r = spawnSync('npx', ['tsx', 'gateway/src/cli/quote.ts', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run quote', () => {
  it('prints the total and the items as JSON', () => {
    const r = cli(
      '--tariff',
      'tariffs/residential-guidance.yaml',
      '--entry',
      '2025-03-03T10:00',
      '--exit',
      '2025-03-03T12:01',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // 2h01m → 3 started hours, first free → 2 × 200
    expect(out.totalFen).toBe(400);
    expect(out.items.map((i: { kind: string; amountFen: number }) => [i.kind, i.amountFen])).toEqual([
      ['free', 0],
      ['charge', 400],
    ]);
    expect(out.items[1].fromLocal).toBe('2025-03-03 11:00:00');
  });

  it('takes several versions, vehicle, energy, user, payments and coupons', () => {
    const v2 = join(dir, 'v2.yaml');
    const text = `id: site\nversion: 2\nname: 第二版\neffectiveFrom: "2025-07-01T00:00:00+08:00"\nrules:\n  visitor: { type: interval, label: 临时车辆, unitMinutes: 60, priceFen: 300 }\n`;
    writeFileSync(v2, text);
    const r = cli(
      ...['--tariff', 'tariffs/residential-guidance.yaml', '--tariff', v2],
      ...[
        '--entry',
        '2025-06-30T22:00:00+08:00',
        '--exit',
        '2025-07-01T01:00',
        '--vehicle',
        'large',
        '--energy',
        'electric',
      ],
      ...['--coupon', 'amount:100'],
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // v1: 22–23 free, 23:00 hour 200 × large 2 = 400; v2: 3 h × 300 = 900 less 2 h to midnight 600 = 300; coupon −100
    expect(out.tariffIds).toEqual(['residential-guidance@1', 'site@2']);
    expect(out.totalFen).toBe(600);
  });

  it('refuses bad arguments with a clear message and exit code 2', () => {
    const r = cli('--tariff', 'tariffs/day-night.yaml', '--entry', '2025-03-03T10:00', '--exit', 'tomorrow');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--exit: 'tomorrow' is not an ISO time");
    const v = cli(
      '--tariff',
      'tariffs/day-night.yaml',
      '--entry',
      '2025-03-03T10:00',
      '--exit',
      '2025-03-03T11:00',
      '--vehicle',
      'truck',
    );
    expect(v.code).toBe(2);
    expect(v.stderr).toContain("--vehicle: 'truck' is not one of small, large, motorcycle");
  });

  it('refuses an invalid tariff file naming the field', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        id: 'bad',
        version: 1,
        name: 'x',
        effectiveFrom: '2025-01-01T00:00:00+08:00',
        rules: { visitor: { type: 'interval', label: 'v', unitMinutes: 60, priceFen: -5 } },
      }),
    );
    const r = cli('--tariff', bad, '--entry', '2025-03-03T10:00', '--exit', '2025-03-03T11:00');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rules.visitor.priceFen: must not be negative (got -5)');
  });

  it('prints what is legal but suspicious as warnings on stderr, and still quotes (#15.2)', () => {
    const idle = join(dir, 'idle-cap.yaml');
    writeFileSync(
      idle,
      `id: idle\nversion: 1\nname: 封顶无效\neffectiveFrom: "2025-01-01T00:00:00+08:00"\nrules:\n  visitor: { type: interval, label: 临时车辆, unitMinutes: 60, priceFen: 200, caps: { daily: { window: rolling-24h, capsFen: [5000] } } }\n`,
    );
    const r = cli('--tariff', idle, '--entry', '2025-03-03T10:00', '--exit', '2025-03-03T12:00');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `warning: ${idle}: rules.visitor.caps.daily.capsFen[0]: never binds: a 24 h stay costs at most 4800 fen without caps, not more than the cap of 5000 fen`,
    );
    expect(JSON.parse(r.stdout).totalFen).toBe(400);
  });

  // #15.3: JavaScript's Date rolled each of these over silently (2025-02-30 → 03-02, 25:00 → next day 01:00, …).
  it.each([
    ['--entry', '2025-02-30T10:00', "--entry: '2025-02-30T10:00' is not a real date: February 2025 has 28 days"],
    ['--entry', '2024-02-30T10:00', "--entry: '2024-02-30T10:00' is not a real date: February 2024 has 29 days"],
    ['--exit', '2025-03-03T25:00', "--exit: '2025-03-03T25:00' is not a time of day: hours run 00–23"],
    ['--exit', '2025-03-03T10:99', "--exit: '2025-03-03T10:99' is not a time of day: minutes run 00–59"],
    ['--entry', '2025-13-01T10:00', "--entry: '2025-13-01T10:00' is not a real date: months run 01–12"],
    [
      '--entry',
      '2025-04-31T10:00:00+08:00',
      "--entry: '2025-04-31T10:00:00+08:00' is not a real date: April 2025 has 30 days",
    ],
  ])('refuses %s %s naming the flag', (flag, value, message) => {
    const args = { '--entry': '2025-03-03T10:00', '--exit': '2025-03-03T12:00', [flag]: value };
    const r = run(['--tariff', 'tariffs/residential-guidance.yaml', ...Object.entries(args).flat()]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('says when an exit is before its entry in the tariff’s own time, not UTC', () => {
    const r = run([
      '--tariff',
      'tariffs/residential-guidance.yaml',
      '--entry',
      '2025-03-03T10:00',
      '--exit',
      '2025-03-03T09:30',
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).message).toBe(
      'exit 2025-03-03 09:30:00 Asia/Shanghai is before entry 2025-03-03 10:00:00 Asia/Shanghai',
    );
  });

  // #15.6
  it('--text prints the 公示 of the tariff, in Chinese or English', () => {
    const zh = run(['--tariff', 'tariffs/banded-visitor.yaml', '--text']);
    expect(zh.code).toBe(0);
    expect(zh.out.split('\n').slice(0, 2)).toEqual([
      '小区外来车辆分档收费标准（第1版，自2025-01-01起执行）',
      '外来车辆：1小时以内（含1小时）免费；超过1小时至2小时（含）5元；超过2小时至8小时（含）10元；超过8小时至12小时（含）15元；超过12小时至24小时（含）20元；超过24小时的，每满24小时20元，余下时间按上表计；大型车按2倍收费',
    ]);
    const en = run(['--tariff', 'tariffs/banded-visitor.yaml', '--text', '--lang', 'en']);
    expect(en.out.split('\n')[0]).toBe('Banded fees for outside vehicles (version 1, in force from 2025-01-01)');
  });

  it('--explain prints the breakdown as a table a person can check against the 公示', () => {
    const args = ['--tariff', 'tariffs/day-night.yaml', '--entry', '2025-03-03T19:40', '--exit', '2025-03-04T09:10'];
    const r = run([...args, '--explain', '--vehicle', 'large']);
    expect(r.code).toBe(0);
    // Day 19:40–20:00: 1 step of 30 min (1元); night 12 h × 1元 = 12元, 每晚最高5元 (−7元); day 08:00–09:10: 3 steps
    // (3元); 9元 for a small car, ×2 for a large one = 18元.
    const rows = r.out.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual([
      '收费标准: day-night@1',
      '# 项目 起止时间 单位数 单价 金额',
      '-'.repeat(139),
      '1 白天（08:00–20:00）每小时2元，按每30分钟1元计，不足30分钟按30分钟计 2025-03-03 19:40:00 → 20:00:00 1 1.00元 1.00元',
      '2 夜间（20:00–次日08:00）每小时1元，不足1小时按1小时计 2025-03-03 20:00:00 → 2025-03-04 08:00:00 12 1.00元 12.00元',
      '3 夜间（20:00–次日08:00）每晚最高收费5元 2025-03-03 20:00:00 → 2025-03-04 08:00:00 1 -7.00元 -7.00元',
      '4 白天（08:00–20:00）每小时2元，按每30分钟1元计，不足30分钟按30分钟计 2025-03-04 08:00:00 → 09:10:00 3 1.00元 3.00元',
      '5 大型车按2倍收费 2025-03-03 19:40:00 → 2025-03-04 09:10:00 1 9.00元 9.00元',
      '-'.repeat(139),
      '合计 18.00元',
      '已付 0.00元',
      '应付 18.00元',
    ]);
    // The columns line up in a terminal: every row is as wide as the rule above it (CJK counted double).
    const lines = r.out.split('\n');
    const width = (text: string) =>
      [...text].reduce((n, ch) => n + (/[\u2e80-\ua4cf\uff00-\uff60]/.test(ch) ? 2 : 1), 0);
    for (const line of lines.slice(3, 8)) expect(width(line)).toBe(139);
  });

  it('--class-change quotes a pass that ends during the stay (#26.3), and refuses a malformed one', () => {
    const args = ['--tariff', 'tariffs/residential-guidance.yaml', '--entry', '2025-03-03T08:00', '--user', 'monthly'];
    // Free under the pass to 10:00; a visitor from then: 1 h free, 11:00–12:30 = 2 started hours × 2元 = 4元.
    const r = run([...args, '--exit', '2025-03-03T12:30', '--class-change', '2025-03-03T10:00=visitor']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.totalFen).toBe(400);
    expect(out.items.map((i: { kind: string }) => i.kind)).toEqual(['exempt', 'class-change', 'free', 'charge']);
    const bad = run([...args, '--exit', '2025-03-03T12:30', '--class-change', '2025-03-03T10:00']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--class-change: '2025-03-03T10:00' is not <ISO time>=<user class>");
  });
});
