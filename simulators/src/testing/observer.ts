import mqtt, { type MqttClient } from 'mqtt';
import { type RunningBroker, startBroker } from '../../../broker/src/index.ts';
import type { Config } from '../../../gateway/src/config/config.ts';
import { loadConfigFile } from '../../../gateway/src/config/config.ts';
import { createSiteCredentials, type Logins } from '../device-accounts.ts';

export interface Received {
  topic: string;
  payload: Record<string, unknown>;
  retain: boolean;
}

/** A real MQTT client that records every message it receives and lets a test wait for one. */
export class Observer {
  readonly messages: Received[] = [];
  private waiters: { predicate: (m: Received[]) => boolean; resolve: () => void }[] = [];

  constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(payload.toString('utf8'));
      } catch {
        return;
      }
      this.messages.push({ topic, payload: parsed, retain: packet.retain });
      this.waiters = this.waiters.filter((w) => {
        if (!w.predicate(this.messages)) return true;
        w.resolve();
        return false;
      });
    });
  }

  on(topicEnd: string): Received[] {
    return this.messages.filter((m) => m.topic.endsWith(topicEnd));
  }

  /** Resolves once the messages received satisfy `predicate` (checked on every message; fails after `ms`). */
  until(predicate: (messages: Received[]) => boolean, ms = 10_000): Promise<void> {
    if (predicate(this.messages)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('observer: the awaited message did not come')), ms);
      this.waiters.push({
        predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

export interface BrokerHarness {
  broker: RunningBroker;
  brokerUrl: string;
  config: Config;
  logins: Logins;
  /** A connected client as a service account (`gateway`, `dashboard`, `bureau`), subscribed to `filter`. */
  observe(username: string, filter: string): Promise<Observer>;
  stop(): Promise<void>;
}

/** A real broker on port 0 with users for every device of config/demo.yaml. */
export async function brokerForDemoConfig(configFile = 'config/demo.yaml'): Promise<BrokerHarness> {
  const { config } = loadConfigFile(configFile);
  const creds = await createSiteCredentials(config.sites, null);
  const broker = await startBroker({
    port: 0,
    wsPort: null,
    host: '127.0.0.1',
    credentials: creds.file.users,
    // The simulators drive the demo's devices on an accelerated clock.
    rateLimits: { scale: 1000 },
    log: () => {},
  });
  const brokerUrl = `mqtt://127.0.0.1:${broker.port}`;
  const clients: MqttClient[] = [];
  async function observe(username: string, filter: string): Promise<Observer> {
    const login = creds.logins.service(username);
    const client = await mqtt.connectAsync(brokerUrl, {
      ...login,
      clientId: `${username}-obs${clients.length}`,
      reconnectPeriod: 0,
    });
    clients.push(client);
    const observer = new Observer(client);
    await client.subscribeAsync(filter, { qos: 1 });
    return observer;
  }
  return {
    broker,
    brokerUrl,
    config,
    logins: creds.logins,
    observe,
    async stop() {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await broker.stop();
    },
  };
}
