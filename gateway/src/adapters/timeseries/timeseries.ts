import type { Database } from 'better-sqlite3';
import type { Clock } from '../../domain/clock.ts';
import type { HistoryReader } from './history-reader.ts';
import { InfluxHistoryReader } from './history-reader.ts';
import { InfluxHttp } from './influx-http.ts';
import { InfluxOutbox } from './influx-outbox.ts';
import { InfluxWriter, type WriterStatus } from './influx-writer.ts';
import { LocalSeriesStore } from './local-series-store.ts';
import { toLine } from './series-point.ts';
import type { TimeSeriesConfig } from './timeseries-config.ts';
import { type PointSink, TimeSeriesRecorder } from './timeseries-recorder.ts';

export type TimeSeriesStatus =
  | ({ target: 'influxdb'; mode: 'v1' | 'v2'; url: string } & WriterStatus)
  | { target: 'local'; localPoints: number };

export interface TimeSeries {
  recorder: TimeSeriesRecorder;
  /** Where the recorder's points go (outbox + writer wake-up, or the local store). */
  sink: PointSink;
  history: HistoryReader;
  /** Present when InfluxDB is configured. */
  writer: InfluxWriter | null;
  outbox: InfluxOutbox | null;
  /** Present when InfluxDB is not configured. */
  local: LocalSeriesStore | null;
  start(): void;
  stop(): Promise<void>;
  status(): TimeSeriesStatus;
}

export interface TimeSeriesDeps {
  db: Database;
  config: TimeSeriesConfig;
  clock: Clock;
  random?: () => number;
}

/** Without credentials, for status and logs. */
function safeUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/** Wires recorder, outbox, writer and history reader: InfluxDB when `config.url` is set, else the local store. */
export function createTimeSeries({ db, config, clock, random }: TimeSeriesDeps): TimeSeries {
  const url = config.url;
  if (url === undefined) {
    const local = new LocalSeriesStore(db, clock, config.localRetentionDays);
    return {
      recorder: new TimeSeriesRecorder([local]),
      sink: local,
      history: local,
      writer: null,
      outbox: null,
      local,
      start() {},
      async stop() {},
      status: () => ({ target: 'local', localPoints: local.count() }),
    };
  }
  const http = new InfluxHttp({ ...config, url });
  const outbox = new InfluxOutbox(db, clock);
  const writer = new InfluxWriter(outbox, http, config, clock, random);
  const sink: PointSink = {
    append(points) {
      outbox.append(points.map(toLine));
      writer.notify();
    },
  };
  return {
    recorder: new TimeSeriesRecorder([sink]),
    sink,
    history: new InfluxHistoryReader(http),
    writer,
    outbox,
    local: null,
    start: () => writer.start(),
    stop: () => writer.stop(),
    status: () => ({ target: 'influxdb', mode: config.mode, url: safeUrl(url), ...writer.status() }),
  };
}
