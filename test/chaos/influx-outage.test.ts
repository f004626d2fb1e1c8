import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../gateway/src/app/logger.ts';
import { parseEnv } from '../../gateway/src/config/config.ts';
import { ManualClock } from '../../gateway/src/domain/clock.ts';
import { type RunningGateway, startGateway } from '../../gateway/src/main.ts';
import { type RestartableServer, startInfluxDb1 } from '../servers.ts';
import { nextMessage, plateEvent, testConfigYaml } from '../support/community.ts';
import { type Community, startCommunityBroker, until } from './support/run-day.ts';

/** InfluxDB down for a stretch and back, seen through the whole gateway (the outbox itself is tested in timeseries). */
describe('InfluxDB down mid-traffic', () => {
  let influx: RestartableServer;
  let c: Community;
  let gateway: RunningGateway;
  const clock = new ManualClock(Date.parse('2026-03-02T08:00:00+08:00'));
  let camera: MqttClient;
  let led: MqttClient;

  beforeAll(async () => {
    influx = await startInfluxDb1();
    const created = await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE parking')}`, {
      method: 'POST',
    });
    expect(created.status).toBe(200);
    c = await startCommunityBroker(testConfigYaml({ capacity: 100, reserve: 0 }));
    const env = parseEnv({
      MQTT_URL: c.brokerUrl,
      MQTT_USERNAME: 'gateway',
      MQTT_PASSWORD: c.passwords.get('gateway'),
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      DATA_DIR: c.dir,
    });
    const influxEnv = { INFLUX_URL: influx.url, INFLUX_MODE: 'v1', INFLUX_DB: 'parking' };
    gateway = await startGateway({ configFile: c.configFile, env, clock, log: silentLogger, influxEnv, cron: false });
    camera = await c.connect('cam-in');
    led = await c.connect('led-in');
  });

  afterAll(async () => {
    await gateway?.stop();
    await c?.stop();
    await influx?.stop();
  });

  async function decisionsInInflux(): Promise<number> {
    const q = encodeURIComponent('SELECT count("count") FROM gate_decision');
    const body = (await (await fetch(`${influx.url}/query?db=parking&q=${q}`)).json()) as {
      results: { series?: { values: [string, number][] }[] }[];
    };
    return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
  }

  async function enter(n: number, from: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      clock.advance(1000);
      await nextMessage(led, 'parking/s1/gate/g1/display', () =>
        camera.publishAsync(
          'parking/s1/gate/g1/plate',
          plateEvent('cam-in', 'entry', `苏E7${String(from + i).padStart(4, '0')}`, clock.now()),
          { qos: 1 },
        ),
      );
    }
  }

  it('keeps every decision point in the outbox while it is down and delivers each once when it is back', async () => {
    const status = () => {
      const s = gateway.gateway.timeSeries.status();
      if (s.target !== 'influxdb') throw new Error('time series not on InfluxDB');
      return s;
    };
    await enter(5, 0);
    await until('the first decisions in InfluxDB', async () => (await decisionsInInflux()) === 5, 30_000, 200);

    await influx.halt();
    await enter(10, 5);
    await until('a failed write while InfluxDB is down', () => status().consecutiveFailures > 0, 30_000);
    expect(status().outboxSize).toBeGreaterThanOrEqual(10);

    await influx.resume();
    await until('the outbox drained', () => status().outboxSize === 0, 60_000, 200);
    expect(await decisionsInInflux()).toBe(15);
    expect(status().deadLetters).toBe(0);
  }, 120_000);
});
