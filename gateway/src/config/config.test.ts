import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfigText, parseEnv } from './config.ts';

const minimal = `
sites:
  - id: s1
    name: 测试小区
    households: 10
    tariffs: [t.yaml]
    zones: [{ id: A, name: A区, capacity: 5 }]
    gates:
      - id: g1
        name: 大门
        lanes: [{ lane: entry, camera: c1, barrier: b1, display: d1 }]
`;

describe('configuration', () => {
  it('parses the demo deployment with defaults filled in', () => {
    const { config, baseDir } = loadConfigFile(join(import.meta.dirname, '../../../config/demo.yaml'));
    expect(config.sites.map((s) => s.id)).toEqual(['yangguang', 'laojie', 'xinyuan']);
    expect(config.topicRoot).toBe('parking');
    expect(config.sites[2]?.policies.fuzzyBelowConfidence).toBe(0.9);
    expect(baseDir.endsWith('config')).toBe(true);
  });

  it('fills defaults for a minimal file', () => {
    const config = parseConfigText(minimal, 'x.yaml');
    expect(config.sites[0]?.timeZone).toBe('Asia/Shanghai');
    expect(config.sites[0]?.policies.antiPassback).toBe('deny');
    expect(config.evaluation.saturationThreshold).toBe(0.85);
  });

  it('names the bad field when a value is wrong', () => {
    const bad = minimal.replace('capacity: 5', 'capacity: -1');
    expect(() => parseConfigText(bad, 'site.yaml')).toThrow(
      /site\.yaml is not valid:\n {2}sites\[0\]\.zones\[0\]\.capacity:/,
    );
  });

  it('refuses an unknown key naming its path and the key it most likely meant (#15.1)', () => {
    const typo = minimal.replace('households: 10', 'households: 10\n    polices: { antiPassback: allow }');
    expect(() => parseConfigText(typo, 'site.yaml')).toThrow(
      /sites\[0\]\.polices: unknown field "polices": did you mean "policies"\?/,
    );
    const lane = minimal.replace('display: d1 }', 'display: d1, loops: l1 }');
    expect(() => parseConfigText(lane, 'site.yaml')).toThrow(
      /sites\[0\]\.gates\[0\]\.lanes\[0\]\.loops: unknown field "loops": did you mean "loop"\?/,
    );
  });

  it('names an id that could break MQTT topics', () => {
    const bad = minimal.replace('id: g1', 'id: "g/1"');
    expect(() => parseConfigText(bad, 'site.yaml')).toThrow(/sites\[0\]\.gates\[0\]\.id: use 1–64 letters/);
  });

  it('refuses a camera used by two lanes', () => {
    const bad = minimal.replace(
      '[{ lane: entry, camera: c1, barrier: b1, display: d1 }]',
      '[{ lane: entry, camera: c1, barrier: b1, display: d1 }, { lane: exit, camera: c1, barrier: b2, display: d2 }]',
    );
    expect(() => parseConfigText(bad, 'x.yaml')).toThrow(
      /sites\[0\]\.gates\[0\]\.lanes\[1\]\.camera: device c1 is used by two lanes/,
    );
  });

  it('reports unreadable YAML and missing files as ConfigError', () => {
    expect(() => parseConfigText('sites: [', 'x.yaml')).toThrow(ConfigError);
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read config file/);
    writeFileSync(join(dir, 'empty.json'), '{}');
    expect(() => loadConfigFile(join(dir, 'empty.json'))).toThrow(/sites: /);
  });

  it('validates the environment and names the variable', () => {
    expect(parseEnv({}).HTTP_PORT).toBe(8080);
    expect(parseEnv({ HTTP_PORT: '0' }).HTTP_PORT).toBe(0);
    expect(() => parseEnv({ HTTP_PORT: 'eighty' })).toThrow(/HTTP_PORT:/);
    expect(() => parseEnv({ PAYMENT_CALLBACK_SECRET: 'short' })).toThrow(/PAYMENT_CALLBACK_SECRET:/);
  });

  it('reads the MQTT password from MQTT_PASSWORD_FILE, and names the variable when the file is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-'));
    writeFileSync(join(dir, 'pw'), 's3cret\n');
    expect(parseEnv({ MQTT_PASSWORD_FILE: join(dir, 'pw') }).MQTT_PASSWORD).toBe('s3cret');
    expect(parseEnv({ MQTT_PASSWORD: 'given', MQTT_PASSWORD_FILE: join(dir, 'pw') }).MQTT_PASSWORD).toBe('given');
    expect(() => parseEnv({ MQTT_PASSWORD_FILE: join(dir, 'nope') })).toThrow(/MQTT_PASSWORD_FILE: cannot read/);
  });
});
