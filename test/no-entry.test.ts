import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FeeService } from '../gateway/src/app/fee-service.ts';
import { parseConfigText } from '../gateway/src/config/config.ts';
import { type Community, nextMessage, plateEvent, startCommunity, testConfigYaml } from './support/community.ts';

const repo = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'no-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** residential-guidance with another noEntryRecord block. */
function tariffWith(noEntry: string, name: string): string {
  const text = readFileSync(join(repo, 'tariffs/residential-guidance.yaml'), 'utf8').replace(
    /noEntryRecord:\n {2}feeFen: 1000\n/,
    noEntry,
  );
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

type Display = { lines: string[] };

/**
 * #26.4 through a real broker: an exit with no entry record pays what the tariff sets for that vehicle and that
 * class, a pass holder is quoted as one, and a car the tariff has no amount for is referred, never let out free.
 */
describe('exits with no entry record, end to end', () => {
  let c: Community | null = null;
  afterEach(async () => {
    await c?.stop();
    c = null;
  });

  async function exitRead(community: Community, plate: string): Promise<Display> {
    const led = await community.device('led-out');
    const camera = await community.device('cam-out');
    return nextMessage<Display>(led, 'parking/s1/gate/g1/display', () =>
      camera.publishAsync('parking/s1/gate/g1/plate', plateEvent('cam-out', 'exit', plate, community.clock.now()), {
        qos: 1,
      }),
    );
  }

  const lastExit = (community: Community, plate: string) =>
    community.gateway.gateway.ledger.recentDecisions('s1', 'g1', 'exit', 20).find((d) => d.plate === plate);

  it('a large vehicle pays the amount set for large vehicles; a pass holder whose entry was missed leaves as one', async () => {
    const tariff = tariffWith('noEntryRecord:\n  feeFen: 1000\n  byVehicleFen: { large: 2500 }\n', 'by-vehicle');
    c = await startCommunity({ yaml: testConfigYaml({ tariff }) });
    const { registry } = c.gateway.gateway;
    const now = c.clock.now();
    registry.households.put({ site: 's1', id: 'H1', room: '1栋101' });
    registry.vehicles.put({ site: 's1', plate: '苏E80001', household: 'H1', vehicleClass: 'large' });
    registry.passes.put({
      site: 's1',
      id: 'p1',
      plate: '苏E80002',
      kind: 'monthly',
      validFrom: now - 3600_000,
      validTo: now + 86_400_000,
    });

    // 苏E80001, an owner's large vehicle: the owner rule, noEntryRecord.byVehicleFen.large = 25元 (not the 10元 flat).
    const large = await exitRead(c, '苏E80001');
    expect(lastExit(c, '苏E80001')).toMatchObject({ action: 'hold', reason: 'EXIT_NO_ENTRY_FEE' });
    expect(large.lines.join(' ')).toContain('25');
    // 苏E80002 holds a valid monthly pass: the monthly rule (exempt), free; before, it was quoted as a visitor (10元).
    await exitRead(c, '苏E80002');
    expect(lastExit(c, '苏E80002')).toMatchObject({ action: 'open', reason: 'EXIT_FREE' });
    const session = c.gateway.gateway.ledger.searchSessions('s1', { plate: '苏E80002', limit: 1, offset: 0 }).items[0];
    expect(session).toMatchObject({ noEntryRecord: true, userClass: 'monthly', feeFen: 0, status: 'closed' });
  });

  it('a car the tariff sets no amount for is referred to staff, not let out free', async () => {
    // Amounts for large vehicles only: a small car has none.
    const tariff = tariffWith('noEntryRecord:\n  byVehicleFen: { large: 2500 }\n', 'large-only');
    c = await startCommunity({ yaml: testConfigYaml({ tariff }) });
    await exitRead(c, '苏E80003');
    expect(lastExit(c, '苏E80003')).toMatchObject({ action: 'refer', reason: 'EXIT_NO_ENTRY_REFER' });
  });

  it('a site that charges such exits refuses to start on a tariff that sets no amount for them', () => {
    const tariff = tariffWith('', 'none');
    const config = parseConfigText(testConfigYaml({ tariff, noEntryRecord: 'fixedFee' }), join(dir, 'site.yaml'));
    expect(() => FeeService.load(config, dir, null)).toThrow(
      'site s1: policies.noEntryRecord is fixedFee but tariff residential-guidance@1 sets no noEntryRecord: set noEntryRecord.feeFen, byVehicleFen or dailyMaximum in the tariff, or policies.noEntryRecord: refer',
    );
    const refer = parseConfigText(testConfigYaml({ tariff, noEntryRecord: 'refer' }), join(dir, 'site.yaml'));
    expect(() => FeeService.load(refer, dir, null)).not.toThrow();
  });
});
