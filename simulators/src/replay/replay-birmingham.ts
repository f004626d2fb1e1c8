import { computeIndicators } from '../../../gateway/src/domain/indicators/compute-indicators.ts';
import { localParts, localToEpoch } from '../../../gateway/src/domain/indicators/local-time.ts';
import {
  BIRMINGHAM_TIME_ZONE,
  carParkReportInput,
  feedScheduleFromArgs,
  gateCountEvents,
  loadBirmingham,
  ProgressReporter,
} from './birmingham.ts';

/**
 * `tsx simulators/src/replay/replay-birmingham.ts [file] [--interval 30] [--late 5] [--window 08:00-16:30]…` prints
 * monthly indicators per car park (TSV on stdout), the feed read under that publication schedule (the defaults are
 * Birmingham's);
 * with `--events` it writes the gate-count events as JSON lines instead, for replay through the gateway.
 * Progress and time left go to stderr.
 */
function main(argv: string[]): void {
  const events = argv.includes('--events');
  // The feed's publication schedule (how long a reading holds, the hours completeness is measured against).
  const schedule = feedScheduleFromArgs(argv);
  const file = argv.find(
    (a, i) => !a.startsWith('--') && !['--interval', '--late', '--window'].includes(argv[i - 1] ?? ''),
  );
  const data = loadBirmingham(file);
  process.stderr.write(`${JSON.stringify(data.stats)}\n`);
  if (events) {
    const progress = new ProgressReporter('events', data.parks.length);
    data.parks.forEach((park, i) => {
      for (const event of gateCountEvents(park)) process.stdout.write(`${JSON.stringify(event)}\n`);
      progress.update(i + 1);
    });
    return;
  }
  const first = Math.min(...data.parks.map((p) => p.readings[0]?.at ?? Number.POSITIVE_INFINITY));
  const last = Math.max(...data.parks.map((p) => p.readings.at(-1)?.at ?? 0));
  const months: { from: number; to: number; label: string }[] = [];
  const p = localParts(first, BIRMINGHAM_TIME_ZONE);
  for (let m = p.month; ; m++) {
    const from = localToEpoch(BIRMINGHAM_TIME_ZONE, p.year, m, 1);
    if (from > last) break;
    const to = localToEpoch(BIRMINGHAM_TIME_ZONE, p.year, m + 1, 1);
    months.push({ from, to, label: new Date(from + 12 * 3_600_000).toISOString().slice(0, 7) });
  }
  const progress = new ProgressReporter('reports', data.parks.length * months.length);
  process.stdout.write(
    'car park\tmonth\tmean\tpeak\tsustained\tsaturation h\toverflow h\tcompleteness\tindex\tlevel\n',
  );
  let done = 0;
  for (const park of data.parks) {
    for (const month of months) {
      const r = computeIndicators(carParkReportInput(park, month.from, month.to, schedule));
      const f = (x: number | null): string => (x === null ? '' : x.toFixed(3));
      process.stdout.write(
        `${park.code}\t${month.label}\t${f(r.site.meanOccupancy)}\t${f(r.site.peakOccupancy)}\t${f(r.site.sustainedOccupancy)}\t${f(r.site.saturationHours)}\t${f(r.site.overflowHours)}\t${f(r.site.completeness)}\t${f(r.index.value)}\t${r.index.level?.zh ?? '数据不足'}\n`,
      );
      progress.update(++done);
    }
  }
}

process.stdout.on('error', function closedPipe(error: NodeJS.ErrnoException) {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 2;
}
