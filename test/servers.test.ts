import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startInfluxDb1, startMosquitto, startRedis, startVictoriaMetrics } from './servers.ts';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.on('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('test servers', () => {
  it('starts InfluxDB 1.x, answers a query, survives halt/resume on the same data, and cleans up', async () => {
    const influx = await startInfluxDb1();
    try {
      const create = await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE t')}`, {
        method: 'POST',
      });
      expect(create.status).toBe(200);
      const write = await fetch(`${influx.url}/write?db=t&precision=ms`, { method: 'POST', body: 'm v=1i 1000' });
      expect(write.status).toBe(204);
      await influx.halt();
      expect(influx.running).toBe(false);
      expect(await portOpen(influx.port)).toBe(false);
      await influx.resume();
      const read = await fetch(`${influx.url}/query?db=t&q=${encodeURIComponent('SELECT count(v) FROM m')}`);
      const body = (await read.json()) as { results: { series?: { values: unknown[][] }[] }[] };
      expect(body.results[0]?.series?.[0]?.values[0]?.[1]).toBe(1);
    } finally {
      await influx.stop();
    }
    expect(existsSync(influx.dir)).toBe(false);
    expect(await portOpen(influx.port)).toBe(false);
  });

  it('starts VictoriaMetrics that accepts /api/v2/write', async () => {
    const vm = await startVictoriaMetrics();
    try {
      const write = await fetch(`${vm.url}/api/v2/write?org=o&bucket=b&precision=ms`, {
        method: 'POST',
        body: 'm,site=a v=2 1700000000000',
      });
      expect(write.status).toBe(204);
      await fetch(`${vm.url}/internal/force_flush`);
      const exported = await fetch(`${vm.url}/api/v1/export?match[]=${encodeURIComponent('{__name__="m_v"}')}`);
      expect(await exported.text()).toContain('"values":[2]');
    } finally {
      await vm.stop();
    }
    expect(existsSync(vm.dir)).toBe(false);
  });

  it('starts Mosquitto and Redis on free ports and stops them', async () => {
    const [mosquitto, redis] = await Promise.all([startMosquitto(), startRedis()]);
    expect(mosquitto.url).toBe(`mqtt://127.0.0.1:${mosquitto.port}`);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await portOpen(mosquitto.port)).toBe(true);
    expect(await portOpen(redis.port)).toBe(true);
    await Promise.all([mosquitto.stop(), redis.stop()]);
    expect(await portOpen(mosquitto.port)).toBe(false);
    expect(await portOpen(redis.port)).toBe(false);
  });
});
