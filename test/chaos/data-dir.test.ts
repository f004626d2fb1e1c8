import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { plateEvent, testConfigYaml } from '../support/community.ts';
import { type GatewayProcess, runGatewayToExit, startGatewayProcess } from '../support/gateway-process.ts';
import { type Community, startCommunityBroker, until } from './support/run-day.ts';
import { mountSmallDisk, type SmallDisk } from './support/small-disk.ts';

const yaml = testConfigYaml({ capacity: 500, reserve: 0 });

/** Writes a filler file until the disk has no space left. */
function fillDisk(dir: string): string {
  const file = join(dir, 'filler');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) appendFileSync(file, chunk);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOSPC') throw err;
  }
  return file;
}

describe('a data dir the gateway cannot write', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(disk: SmallDisk): Promise<Community> {
    cleanups.push(() => disk.remove());
    const c = await startCommunityBroker(yaml);
    cleanups.push(() => c.stop());
    return c;
  }

  function processOptions(c: Community, dataDir: string) {
    return {
      configFile: c.configFile,
      dataDir,
      mqttUrl: c.brokerUrl,
      mqttUsername: 'gateway',
      mqttPassword: c.passwords.get('gateway') ?? '',
    };
  }

  it('stops start-up with a clear message naming the read-only dir', async () => {
    const disk = mountSmallDisk({ sizeKb: 1024, readOnly: true });
    const c = await setUp(disk);
    const exit = await runGatewayToExit(processOptions(c, disk.dir));
    expect(exit.code).toBe(1);
    expect(exit.output).toContain(`cannot open the ledger ${join(disk.dir, 'ledger.db')}`);
    expect(exit.output).toContain('DATA_DIR');
    expect(exit.output).not.toContain('    at ');
  });

  /**
   * The ledger stops taking writes mid-run: the gateway must refuse to decide (no barrier command without a ledger
   * record), say so in its health, keep the event at the broker, and serve it once the disk is fixed.
   */
  async function faultMidRun(disk: SmallDisk, fault: () => void, repair: () => void): Promise<{ refused: number }> {
    const c = await setUp(disk);
    const gateway: GatewayProcess = await startGatewayProcess(processOptions(c, disk.dir));
    cleanups.push(() => gateway.kill('SIGKILL'));
    const commands = new Map<string, number>();
    const barrier: MqttClient = await c.connect('bar-in', { clean: false });
    await barrier.subscribeAsync('parking/s1/gate/g1/barrier/command', { qos: 1 });
    barrier.on('message', function onCommand(_topic, buf) {
      const plate = (JSON.parse(buf.toString()) as { plate: string }).plate;
      commands.set(plate, (commands.get(plate) ?? 0) + 1);
    });
    const camera = await c.connect('cam-in');
    const enter = (plate: string) =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-in', 'entry', plate, Date.now()), { qos: 1 });

    await enter('苏E50000');
    await until('the first car let in', () => commands.has('苏E50000'));
    // Watched from now on; the loop below ends when the line is seen or the wait fails (the gateway exited), and the
    // `await failed` after it reports that failure.
    const failed = gateway.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('ledger write failed'));
    let seen = false;
    const watched = failed.then(
      () => {
        seen = true;
      },
      () => {
        seen = true;
      },
    );
    fault();
    // A write can still land in space the ledger already holds; keep cars coming until one is refused.
    const refused: string[] = [];
    for (let i = 1; i <= 200 && !seen; i++) {
      const plate = `苏E5${String(i).padStart(4, '0')}`;
      refused.push(plate);
      await enter(plate);
      await until(`${plate} decided or refused`, () => seen || commands.has(plate), 10_000, 20);
    }
    await watched;
    const line = await failed;
    expect(line.code).toMatch(/^SQLITE_(READONLY|FULL|IOERR)/);
    const last = refused.at(-1) ?? '';
    expect(commands.has(last)).toBe(false);
    const health = await fetch(`${gateway.httpUrl}/healthz`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { ledger: boolean; alarms: string[] };
    expect(body.ledger).toBe(false);
    expect(body.alarms.join(' ')).toMatch(/ledger write failed \(SQLITE_/);

    repair();
    await until(`${last} let in once the ledger is writable`, () => commands.has(last), 30_000);
    const healthy = await fetch(`${gateway.httpUrl}/healthz`);
    expect(((await healthy.json()) as { ledger: boolean }).ledger).toBe(true);
    await gateway.kill('SIGTERM');

    const db = new Database(join(disk.dir, 'ledger.db'), { readonly: true });
    try {
      const sessions = db.prepare('SELECT plate, COUNT(*) AS n FROM sessions GROUP BY plate').all() as {
        plate: string;
        n: number;
      }[];
      expect(sessions.map((s) => s.plate).sort()).toEqual(['苏E50000', ...refused].sort());
      expect(sessions.every((s) => s.n === 1)).toBe(true);
      const repeated = db.prepare('SELECT event_ref FROM decisions GROUP BY event_ref HAVING COUNT(*) > 1').all();
      expect(repeated).toEqual([]);
    } finally {
      db.close();
    }
    return { refused: refused.length };
  }

  // A filesystem that turns read-only under a running gateway (ext4 errors=remount-ro) fails the same writes with
  // SQLITE_READONLY/SQLITE_IOERR through the same path; a tmpfs cannot be remounted read-only while files are open for
  // writing, so the test fills the disk instead.
  it('full mid-run: no decision without a ledger record, an alarm, nothing half-written, the event served after repair', async () => {
    const disk = mountSmallDisk({ sizeKb: 16 * 1024 });
    let filler = '';
    const { refused } = await faultMidRun(
      disk,
      () => {
        filler = fillDisk(disk.dir);
      },
      () => rmSync(filler),
    );
    expect(refused).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
