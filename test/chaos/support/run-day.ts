import type mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { RunningBroker } from '../../../broker/src/index.ts';
import { type GatewayProcess, startGatewayProcess } from '../../support/gateway-process.ts';
import { identitiesOf, startTestBroker, writeSite } from '../../support/harness.ts';
import { type DayScript, publishEvent, registerResidents } from './day-script.ts';
import { type LedgerSnapshot, processedEventCount, snapshotLedger } from './ledger-snapshot.ts';

/** Device times sit from 15 s before the run's start; the script must end inside the gateway's clock windows. */
export const LEAD_MS = 15_000;
/** A run must be over before its first event turns stale (2 min), so a redelivered event is still served. */
export const MAX_RUN_MS = 100_000;

export interface DayRun {
  snapshot: LedgerSnapshot;
  /** Barrier command ids the barrier received (a redelivered event re-sends the same id). */
  commandsReceived: Set<string>;
  kills: { afterCommands: number; processedAtKill: number; restartMs: number }[];
  /** Display messages seen: a redelivered plate event shows its decision again. */
  displays: number;
  /** Barrier commands that arrived again (same command id): events redelivered after a kill. */
  resentCommands: number;
  runMs: number;
}

export interface Community {
  dir: string;
  configFile: string;
  broker: RunningBroker;
  brokerUrl: string;
  passwords: Map<string, string>;
  /** A device or service client; `cam-in~2` connects as `cam-in` with client id `cam-in-2`. */
  connect(clientId: string, opts?: mqtt.IClientOptions): Promise<MqttClient>;
  stop(): Promise<void>;
}

/** A data dir with the config, an in-process broker with the config's device credentials (the shared harness). */
export async function startCommunityBroker(yaml: string): Promise<Community> {
  const site = writeSite(yaml, { prefix: 'chaos-' });
  const broker = await startTestBroker({ identities: identitiesOf(site.config) });
  if (!broker.broker) throw new Error('expected an in-process broker');
  const running = broker.broker;
  return {
    dir: site.dir,
    configFile: site.configFile,
    broker: running,
    brokerUrl: broker.url,
    passwords: broker.passwords,
    connect(clientId, opts = {}) {
      const username = clientId.split('~')[0] ?? clientId;
      return broker.connect(username, { clientId: clientId.replace('~', '-'), ...opts });
    },
    async stop() {
      await broker.stop();
      site.remove();
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `check()` holds, re-checking every `everyMs`; fails with `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(everyMs);
  }
}

/**
 * Plays the script through a broker and the gateway as a child process; with `killAfterCommands`, SIGKILLs the
 * gateway the moment the barrier has received that many commands (the gateway is then between committing a decision
 * and acknowledging its event, or on the next one), and starts it again at once, while the devices keep publishing.
 * Returns the ledger it leaves.
 */
export async function runDay(opts: {
  yaml: string;
  script: DayScript;
  killAfterCommands?: number[];
  /** Real ms between two device messages: the pace of the day. */
  paceMs?: number;
}): Promise<DayRun> {
  const c = await startCommunityBroker(opts.yaml);
  let gateway: GatewayProcess | null = null;
  try {
    registerResidents(c.dir, opts.script.residents);
    const commandsReceived = new Set<string>();
    let commandMessages = 0;
    let onCommandCount: ((count: number) => void) | null = null;
    const barrier = await c.connect('bar-out', { clean: false });
    await barrier.subscribeAsync('parking/s1/gate/g1/barrier/command', { qos: 1 });
    // Plates the entry barrier was opened for: a car reaches the terminal or the exit only after that (causality).
    const admitted = new Set<string>();
    barrier.on('message', function onCommand(_topic, buf) {
      const command = JSON.parse(buf.toString()) as { commandId: string; lane: string; plate: string | null };
      if (command.lane === 'entry' && command.plate) admitted.add(command.plate);
      commandsReceived.add(command.commandId);
      commandMessages++;
      onCommandCount?.(commandMessages);
    });
    let displays = 0;
    const watcher = await c.connect('dashboard');
    await watcher.subscribeAsync('parking/s1/gate/g1/display', { qos: 1 });
    watcher.on('message', function onDisplay() {
      displays++;
    });
    const processOptions = {
      configFile: c.configFile,
      dataDir: c.dir,
      mqttUrl: c.brokerUrl,
      mqttUsername: 'gateway',
      mqttPassword: c.passwords.get('gateway') ?? '',
    };
    gateway = await startGatewayProcess(processOptions);
    const devices = {
      camIn: await c.connect('cam-in'),
      camOut: await c.connect('cam-out'),
      pay: await c.connect('pay-out'),
    };
    const started = Date.now();
    const base = started - LEAD_MS;

    // A car pays or reaches the exit only once the gateway let it in (its entry barrier command came). Without this
    // the script could have a car leave whose entry read a kill left undecided (the broker resends that read after the
    // queued ones), a car that never got in: the exit read then found no stay of its own (issue 23).
    const entering = new Set(
      opts.script.events.flatMap((e) => (e.kind === 'plate' && e.lane === 'entry' ? [e.plate] : [])),
    );
    async function publishAll(): Promise<void> {
      for (const event of opts.script.events) {
        const leaving = event.kind === 'payment' || event.lane === 'exit';
        if (leaving && entering.has(event.plate)) {
          await until(`${event.plate} let in before it pays or leaves`, () => admitted.has(event.plate), 60_000, 10);
        }
        await publishEvent(devices, event, base);
        await delay(opts.paceMs ?? 50);
      }
    }
    const kills: DayRun['kills'] = [];
    async function killAtThresholds(): Promise<void> {
      for (const threshold of opts.killAfterCommands ?? []) {
        const running = gateway;
        // Resolves with the kill, sent the moment the count is reached, and so waits for the process to be gone.
        await new Promise<unknown>((resolve) => {
          onCommandCount = function killAt(count) {
            if (count < threshold) return;
            onCommandCount = null;
            resolve(running?.kill('SIGKILL'));
          };
          onCommandCount(commandMessages);
        });
        await running?.exited;
        const processedAtKill = processedEventCount(c.dir);
        const t0 = performance.now();
        gateway = await startGatewayProcess(processOptions);
        kills.push({ afterCommands: threshold, processedAtKill, restartMs: Math.round(performance.now() - t0) });
      }
    }
    await Promise.all([publishAll(), killAtThresholds()]);
    const total = opts.script.events.length;
    await until(`all ${total} events processed`, () => processedEventCount(c.dir) >= total);
    const snapshot = snapshotLedger(c.dir, base);
    await until('every recorded barrier command at the barrier', () =>
      snapshot.commandIds.every((id) => commandsReceived.has(id)),
    );
    const runMs = Date.now() - started;
    if (runMs > MAX_RUN_MS) {
      throw new Error(`the run took ${runMs} ms, past the ${MAX_RUN_MS} ms the script's device times allow`);
    }
    // A clean stop saves the occupancy state; read it again for the gate count.
    await gateway.kill('SIGTERM');
    const savedGateCount = snapshotLedger(c.dir, base).savedGateCount;
    const resentCommands = commandMessages - commandsReceived.size;
    return { snapshot: { ...snapshot, savedGateCount }, commandsReceived, kills, displays, resentCommands, runMs };
  } finally {
    await gateway?.kill('SIGTERM');
    await c.stop();
  }
}
