export {
  HistoryPoint,
  HistoryQuery,
  type HistoryReader,
  type HistoryResult,
  InfluxHistoryReader,
  OccupancyHistory,
  occupancyInfluxQL,
} from './history-reader.ts';
export { type HttpOutcome, InfluxHttp } from './influx-http.ts';
export { type DeadLetter, InfluxOutbox, type OutboxRow } from './influx-outbox.ts';
export { InfluxWriter, type WriterAlarm, type WriterStatus } from './influx-writer.ts';
export { LocalSeriesStore } from './local-series-store.ts';
export { type FieldValue, int, type SeriesPoint, toLine } from './series-point.ts';
export {
  createTimeSeries,
  type TimeSeries,
  type TimeSeriesDeps,
  type TimeSeriesStatus,
} from './timeseries.ts';
export {
  influxDatabase,
  TimeSeriesConfig,
  type TimeSeriesConfigInput,
  timeSeriesConfigFromEnv,
} from './timeseries-config.ts';
export {
  DeviceHealthRecord,
  GateDecisionRecord,
  type PointSink,
  RevenueRecord,
  TimeSeriesRecorder,
} from './timeseries-recorder.ts';
