import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientIdMatches, identityOf, loadCredentials, parseCredentials } from './credentials.ts';
import { DEMO_SCRYPT_COST, hashPassword } from './password.ts';

const hash = await hashPassword('password1', DEMO_SCRYPT_COST);

describe('credentials file', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('loads YAML and JSON with the same shape', async () => {
    dir = await mkdtemp(join(tmpdir(), 'broker-credentials-'));
    const yamlPath = join(dir, 'users.yaml');
    await writeFile(
      yamlPath,
      `users:\n  - username: cam-n\n    passwordHash: "${hash}"\n    role: camera\n    site: s1\n    gate: north\n    device: cam-n\n`,
    );
    const jsonPath = join(dir, 'users.json');
    await writeFile(
      jsonPath,
      JSON.stringify({ users: [{ username: 'gw', passwordHash: hash, role: 'gateway', site: '*' }] }),
    );
    const [fromYaml] = await loadCredentials(yamlPath);
    expect(identityOf(fromYaml!)).toEqual({ role: 'camera', site: 's1', gate: 'north', device: 'cam-n' });
    expect((await loadCredentials(jsonPath))[0]).toMatchObject({ username: 'gw', role: 'gateway', site: '*' });
  });

  it('names the bad field', () => {
    const noGate = JSON.stringify({
      users: [{ username: 'cam', passwordHash: hash, role: 'camera', site: 's1', device: 'cam' }],
    });
    expect(() => parseCredentials(noGate, 'users.json')).toThrow(/users\[0\]\.gate/);
    const plain = JSON.stringify({ users: [{ username: 'gw', passwordHash: 'hunter2', role: 'gateway', site: '*' }] });
    expect(() => parseCredentials(plain)).toThrow(/users\[0\]\.passwordHash/);
    const devSite = JSON.stringify({
      users: [{ username: 'c', passwordHash: hash, role: 'camera', site: '*', gate: 'g', device: 'c' }],
    });
    expect(() => parseCredentials(devSite)).toThrow(/users\[0\]\.site/);
  });

  it('refuses duplicate usernames, bad YAML and a missing file with a stable code', async () => {
    const entry = { username: 'gw', passwordHash: hash, role: 'gateway', site: '*' };
    expect(() => parseCredentials(JSON.stringify({ users: [entry, entry] }))).toThrow(
      expect.objectContaining({ code: 'ERR_BROKER_CREDENTIALS', message: expect.stringMatching(/unique/) }),
    );
    expect(() => parseCredentials('users: [')).toThrow(expect.objectContaining({ code: 'ERR_BROKER_CREDENTIALS' }));
    await expect(loadCredentials('/nonexistent/users.yaml')).rejects.toMatchObject({ code: 'ERR_BROKER_CREDENTIALS' });
  });

  it('lets a client id be the username or start with username-', () => {
    expect(clientIdMatches('cam-n', 'cam-n')).toBe(true);
    expect(clientIdMatches('cam-n', 'cam-n-1')).toBe(true);
    expect(clientIdMatches('cam-n', 'cam-nx')).toBe(false);
    expect(clientIdMatches('cam-n', 'cam')).toBe(false);
    expect(clientIdMatches('cam-n', '')).toBe(false);
  });
});
