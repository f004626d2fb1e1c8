import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCommunity, type TripEvent } from './community.ts';
import { YANGGUANG } from './profiles.ts';
import { SimClock } from './sim-clock.ts';
import { FakeGateway } from './testing/fake-gateway.ts';
import { type BrokerHarness, brokerForDemoConfig, type Observer } from './testing/observer.ts';

let h: BrokerHarness;
let watcher: Observer;

beforeAll(async () => {
  h = await brokerForDemoConfig();
  watcher = await h.observe('gateway', 'parking/yangguang/#');
});

afterAll(async () => {
  await h.stop();
});

describe('a simulated community against a stand-in gateway', () => {
  it('vehicles enter, park on sensed spaces, pay the fee shown at the exit and leave; refused plates turn away', async () => {
    // Monday 2026-01-05 06:50 in Asia/Shanghai; 1 simulated hour per 6 real seconds.
    const clock = new SimClock({ start: Date.UTC(2026, 0, 4, 22, 50), speed: 600 });
    const responder = await h.observe('gateway', 'parking/yangguang/gate/+/barrier/state');
    const site = h.config.sites.find((s) => s.id === 'yangguang')!;
    const profile = { ...YANGGUANG, households: 24, blacklistAttemptsPerDay: 0 };
    const community = new SimCommunity({
      site,
      profile,
      clock,
      brokerUrl: h.brokerUrl,
      logins: h.logins,
      seed: 7,
      warmUpMinutes: 5,
    });
    const refused = new Set(community.population.blacklist.map((v) => v.plate));
    const fake = new FakeGateway({ client: responder.client, site: 'yangguang', clock, feeFen: 700, refused });
    await fake.start();
    const trips: TripEvent[] = [];
    community.on('trip', (t: TripEvent) => trips.push(t));
    const done = new Promise<void>((resolve) => {
      community.on('trip', () => {
        if (trips.some((t) => t.kind === 'exited') && trips.some((t) => t.kind === 'paid')) resolve();
      });
    });
    try {
      await community.start();
      await done;
      const blacklisted = community.population.blacklist[0]!;
      const turnedAway = new Promise<TripEvent>((resolve) => {
        community.on('trip', (t: TripEvent) => {
          if (t.plate === blacklisted.plate) resolve(t);
        });
      });
      community.move({ at: clock.now(), action: 'enter', vehicle: blacklisted });
      expect((await turnedAway).kind).toBe('denied');
      // A car that entered parks on a sensed space a few simulated minutes later (well under a real second).
      await watcher.until(
        (messages) => messages.some((m) => /\/space\/[^/]+\/state$/.test(m.topic) && m.payload.occupied === true),
        20_000,
      );
    } finally {
      await community.stop();
      clock.stop();
      await fake.stop();
    }
    expect(fake.failures).toEqual([]);
    const paid = trips.find((t) => t.kind === 'paid')!;
    expect(paid.detail).toBe('7.00元');
    expect(fake.paid).toContainEqual({ plate: paid.plate, amountFen: 700 });
    // Every resident that entered was read at an entry lane and passed the loop.
    const entered = trips.filter((t) => t.kind === 'entered').map((t) => t.plate);
    expect(entered.length).toBeGreaterThan(0);
    for (const plate of entered) expect(fake.entries).toContain(plate);
    // Every passage reached the broker (the counts are final once the community has stopped; the watcher may still
    // be receiving the last messages).
    const passes = () => watcher.on('/loop').filter((m) => m.payload.state === 'passed').length;
    await watcher.until(() => passes() >= community.stats.entries + community.stats.exits, 10_000);
    // Every device announced itself online.
    const online = () =>
      new Set(
        watcher.messages.filter((m) => m.topic.includes('/device/') && m.payload.online).map((m) => m.payload.deviceId),
      );
    await watcher.until(() => online().size === community.devices.all.length, 10_000);
    expect([...online()].sort()).toEqual(community.devices.all.map((d) => d.deviceId).sort());
  });

  it('faults on demand: tailgaters pass the loop without a plate read; devices lose power (will) and come back', async () => {
    // 1 simulated hour per real second.
    const clock = new SimClock({ start: Date.UTC(2026, 0, 4, 22, 50), speed: 3600 });
    const responder = await h.observe('gateway', 'parking/laojie/gate/+/barrier/state');
    const watch = await h.observe('gateway', 'parking/laojie/#');
    const site = h.config.sites.find((s) => s.id === 'laojie')!;
    const profile = { ...YANGGUANG, site: 'laojie', households: 10, blacklistAttemptsPerDay: 0 };
    const community = new SimCommunity({
      site,
      profile,
      clock,
      brokerUrl: h.brokerUrl,
      logins: h.logins,
      seed: 11,
      warmUpMinutes: 5,
      faults: { tailgateRate: 1, offlinePerHour: 1 },
    });
    const fake = new FakeGateway({ client: responder.client, site: 'laojie', clock });
    await fake.start();
    const status = (device: string) => watch.on(`/device/${device}/status`).map((m) => m.payload.online);
    try {
      await community.start();
      // Within the first simulated hour every device loses power once and is back 2–10 minutes later.
      await watch.until(
        () => community.devices.all.every((d) => status(d.deviceId).join() === 'true,false,true'),
        20_000,
      );
      expect(community.stats.powerCuts).toBeGreaterThanOrEqual(community.devices.all.length);
      await watch.until(() => community.stats.tailgates > 0, 20_000);
    } finally {
      await community.stop();
      clock.stop();
      await fake.stop();
    }
    expect(fake.failures).toEqual([]);
    // laojie's entry has no loop device: the camera reads and reports its virtual loop, in order.
    const entry = watch.messages
      .filter((m) => m.payload.lane === 'entry' && (m.topic.endsWith('/plate') || m.payload.state === 'passed'))
      .map((m) => (m.topic.endsWith('/plate') ? 'read' : 'passed'));
    expect(entry.join(' ')).toContain('read passed passed');
  });
});
