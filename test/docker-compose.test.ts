import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const file = resolve(root, 'docker-compose.yml');

function dockerCompose(): string {
  for (const path of ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose']) if (existsSync(path)) return path;
  throw new Error('docker-compose not found: install the Debian package docker-compose');
}

interface Compose {
  services: Record<string, { image?: string; command?: string; environment?: Record<string, string> }>;
}

describe('docker-compose.yml', () => {
  it('passes docker-compose config -q', async () => {
    const run = promisify(execFile);
    const { stderr } = await run(dockerCompose(), ['-f', file, 'config', '-q'], {
      cwd: root,
      env: { PATH: process.env.PATH },
    });
    expect(stderr).toBe('');
  });

  it('runs broker, gateway, InfluxDB 2.7 and simulators, with the gateway writing where InfluxDB is initialised', async () => {
    const run = promisify(execFile);
    // Resolved config: anchors merged and ${VAR:-default} filled in, as docker-compose will run it.
    const { stdout } = await run(dockerCompose(), ['-f', file, 'config'], {
      cwd: root,
      env: { PATH: process.env.PATH },
    });
    const compose = parse(stdout) as Compose;
    const { broker, gateway, influxdb, simulators } = compose.services;
    expect(influxdb?.image).toBe('influxdb:2.7');
    expect(broker?.command).toBe('npm run broker');
    expect(gateway?.command).toContain('npm run gateway');
    expect(simulators?.command).toBe('npm run simulators');
    const init = influxdb?.environment ?? {};
    expect(init.DOCKER_INFLUXDB_INIT_MODE).toBe('setup');
    expect(gateway?.environment).toMatchObject({
      INFLUX_URL: 'http://influxdb:8086',
      INFLUX_MODE: 'v2',
      INFLUX_ORG: init.DOCKER_INFLUXDB_INIT_ORG,
      INFLUX_BUCKET: init.DOCKER_INFLUXDB_INIT_BUCKET,
      INFLUX_TOKEN: init.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN,
    });
    expect(readFileSync(file, 'utf8')).not.toMatch(/\/work\//);
  });

  it('hands the generated broker accounts to the broker, the gateway and the simulators', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(dockerCompose(), ['-f', file, 'config'], {
      cwd: root,
      env: { PATH: process.env.PATH },
    });
    const compose = parse(stdout) as Compose;
    const { credentials, broker, gateway, simulators } = compose.services;
    expect(credentials?.command).toContain('npm run credentials');
    expect(broker?.environment?.BROKER_CREDENTIALS).toBe('/secrets/broker-credentials.json');
    expect(gateway?.environment).toMatchObject({
      MQTT_USERNAME: 'gateway',
      MQTT_PASSWORD_FILE: '/secrets/gateway-mqtt.password',
    });
    expect(simulators?.environment?.SIM_PASSWORDS).toBe('/secrets/sim-passwords.json');
    const scripts = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    for (const script of ['credentials', 'broker', 'gateway', 'simulators'])
      expect(scripts[script], script).toBeTruthy();
  });
});
