import { describe, expect, it } from 'vitest';
import { DEMO_SCRYPT_COST, hashPassword, parsePasswordHash, verifyPassword } from './password.ts';

describe('scrypt password hashes', () => {
  it('verify the right password and refuse a wrong one', async () => {
    const hash = await hashPassword('s3cret-pass', DEMO_SCRYPT_COST);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(await verifyPassword('s3cret-pass', hash)).toBe(true);
    expect(await verifyPassword(Buffer.from('s3cret-pass'), hash)).toBe(true);
    expect(await verifyPassword('s3cret-pasS', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salt every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', DEMO_SCRYPT_COST), hashPassword('same', DEMO_SCRYPT_COST)]);
    expect(a).not.toBe(b);
  });

  it('refuse malformed or absurdly costly hashes', async () => {
    const good = await hashPassword('x', DEMO_SCRYPT_COST);
    expect(parsePasswordHash(good)).toMatchObject({ N: 1024, r: 8, p: 1 });
    expect(parsePasswordHash(good.replace('$1024$', '$1000$'))).toBeNull();
    expect(parsePasswordHash(good.replace('$1024$', `$${2 ** 21}$`))).toBeNull();
    expect(parsePasswordHash('plain-password')).toBeNull();
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
  });
});
