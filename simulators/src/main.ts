import { resolve } from 'node:path';
import { failLoudly } from '../../gateway/src/adapters/process-guard.ts';
import { loadConfigFile } from '../../gateway/src/config/config.ts';
import { SimCommunity } from './community.ts';
import { readSimPasswords } from './credentials-cli.ts';
import { DEMO_FAULTS } from './faults.ts';
import { fallbackRegistrar, GatewayApi, httpRegistrar, type Registrar } from './registry-sync.ts';
import { SimClock } from './sim-clock.ts';

/**
 * The simulators alone, against an external broker and gateway (docker-compose). Environment:
 * MQTT_URL, GATEWAY_URL, SIM_PASSWORDS (sim-passwords.json from credentials-cli.ts), GATEWAY_CONFIG,
 * ADMIN_PASSWORD (to register residents), SIM_SPEED (default 1: the gateway runs on the wall clock), SIM_SEED.
 */
async function main(): Promise<void> {
  failLoudly('simulators');
  const env = process.env;
  const configFile = resolve(env.GATEWAY_CONFIG ?? 'config/demo.yaml');
  const { config } = loadConfigFile(configFile);
  const logins = await readSimPasswords(
    resolve(env.SIM_PASSWORDS ?? resolve(env.DATA_DIR ?? './data', 'sim-passwords.json')),
  );
  const speed = Number(env.SIM_SPEED ?? 1);
  const clock = new SimClock({ start: Date.now(), speed });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let registrar: Registrar | null = null;
  if (env.GATEWAY_URL && env.ADMIN_PASSWORD) {
    const api = new GatewayApi(env.GATEWAY_URL);
    await api.login(env.ADMIN_USERNAME ?? 'admin', env.ADMIN_PASSWORD);
    const skip: Registrar = { residents: async () => {}, visitors: async () => {}, blacklist: async () => {} };
    const warn = (m: string) => out(`warning: ${m}`);
    registrar = fallbackRegistrar(httpRegistrar(api, warn), skip, warn);
  } else {
    out('GATEWAY_URL or ADMIN_PASSWORD not set: residents are not registered, every car is a visitor to the gateway');
  }
  const communities = config.sites.map(
    (site) =>
      new SimCommunity({
        site,
        clock,
        brokerUrl: env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
        root: config.topicRoot,
        logins,
        seed: env.SIM_SEED ?? 'demo',
        faults: env.SIM_FAULTS === 'off' ? {} : DEMO_FAULTS,
        print: (line) => out(`${site.name} ${line}`),
        beforeDay: async (plan) =>
          registrar?.visitors(
            site.id,
            plan.visits.filter((v) => v.preRegistered),
          ),
      }),
  );
  for (const community of communities) {
    await registrar?.residents(community.site.id, community.population);
    await registrar?.blacklist(community.site.id, community.population.blacklist);
    community.on('deviceError', (err: unknown) => out(`${community.site.id}: device error: ${err}`));
    await community.start();
  }
  out(`simulating ${communities.length} communities at ${speed}× against ${env.MQTT_URL ?? 'mqtt://127.0.0.1:1883'}`);
  let stopping = false;
  function shutdown(): void {
    if (stopping) return;
    stopping = true;
    Promise.all(communities.map((c) => c.stop())).then(
      () => {
        clock.stop();
        process.exit(0);
      },
      (err: Error) => {
        process.stderr.write(`stop failed: ${err.stack ?? err.message}\n`);
        process.exit(1);
      },
    );
  }
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
