import cron, { type ScheduledTask } from 'node-cron';
import type { ReportPeriod } from './periods.ts';
import type { ReportService } from './report-service.ts';

export interface ReportSchedules {
  daily: string;
  weekly: string;
  monthly: string;
}

/** Daily 00:05, weekly Monday 00:10, monthly on the 1st at 00:15, site local time. */
export const DEFAULT_SCHEDULES: ReportSchedules = {
  daily: '5 0 * * *',
  weekly: '10 0 * * 1',
  monthly: '15 0 1 * *',
};

export interface ReportSchedulerOptions {
  sites: { id: string; timeZone: string }[];
  schedules?: Partial<ReportSchedules>;
  onError?: (error: unknown, period: ReportPeriod) => void;
}

/** node-cron tasks in each site time zone that generate the period that has just ended. */
export class ReportScheduler {
  private readonly tasks: ScheduledTask[] = [];

  constructor(
    private readonly service: ReportService,
    private readonly options: ReportSchedulerOptions,
  ) {}

  start(): void {
    if (this.tasks.length > 0) return;
    const schedules = { ...DEFAULT_SCHEDULES, ...this.options.schedules };
    const byZone = new Map<string, string[]>();
    for (const site of this.options.sites) byZone.set(site.timeZone, [...(byZone.get(site.timeZone) ?? []), site.id]);
    for (const [timeZone, siteIds] of byZone) {
      for (const period of ['daily', 'weekly', 'monthly'] as const) {
        const expression = schedules[period];
        if (!cron.validate(expression)) {
          throw Object.assign(new Error(`invalid cron expression for ${period} reports: ${expression}`), {
            code: 'REPORT_BAD_SCHEDULE',
          });
        }
        const service = this.service;
        const onError = this.options.onError;
        const task = cron.schedule(
          expression,
          async function runReports(): Promise<void> {
            try {
              await service.runDue(period, siteIds);
            } catch (error) {
              onError?.(error, period);
            }
          },
          { timezone: timeZone, name: `reports-${period}-${timeZone}`, noOverlap: true },
        );
        this.tasks.push(task);
      }
    }
  }

  nextRuns(): { name: string | undefined; next: Date | null }[] {
    return this.tasks.map((t) => ({ name: t.name, next: t.getNextRun() }));
  }

  async stop(): Promise<void> {
    for (const task of this.tasks.splice(0)) await task.destroy();
  }
}
