import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const fixture = resolve(import.meta.dirname, 'fixtures/floating-promises.ts');

describe('the floating-promise lint that npm test runs', () => {
  it('reports a floating mqtt publishAsync, a floating ioredis command, `void`, and an async listener; not handled ones', async () => {
    // The repository's own config, with its ignore of the fixture folder lifted.
    const eslint = new ESLint({ cwd: repo, ignore: false });
    const [result] = await eslint.lintFiles([fixture]);
    const reported = (result?.messages ?? []).map((m) => `${m.line} ${m.ruleId}`);
    const lines = readFileSync(fixture, 'utf8').split('\n');
    const expected = lines.flatMap((text, i) => {
      if (text.includes('// FLOATING')) return [`${i + 1} @typescript-eslint/no-floating-promises`];
      if (text.includes('// MISUSED')) {
        // Reported where the async listener starts.
        const start = lines.slice(0, i + 1).findLastIndex((l) => l.includes('async ('));
        return [`${start + 1} @typescript-eslint/no-misused-promises`];
      }
      return [];
    });
    expect(expected).toHaveLength(4);
    expect(reported.sort()).toEqual(expected.sort());
  }, 60_000);

  it('is part of the lint command', () => {
    const pkg = JSON.parse(readFileSync(resolve(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.lint).toMatch(/\beslint\b/);
    expect(pkg.scripts.test).toContain('npm run lint');
  });
});
