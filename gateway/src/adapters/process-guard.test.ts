import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_EXIT_CODE } from './process-guard.ts';

const guard = resolve(import.meta.dirname, 'process-guard.ts');

/** Runs a small ES module under tsx that installs the guard, then does `body`; its exit and stderr. */
function run(body: string): { status: number | null; fatal: Record<string, unknown>[]; stderr: string } {
  const script = `import { failLoudly } from ${JSON.stringify(guard)};\nfailLoudly('probe');\n${body}`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const fatal = child.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: child.status, fatal, stderr: child.stderr };
}

describe('failLoudly: a failure nobody handles stops the program with a reason', () => {
  it('logs an unhandled rejection with its message and stack, and exits 70', () => {
    const r = run(`Promise.reject(Object.assign(new Error('Connection closed'), { code: 'ECONNRESET' }));
setTimeout(() => console.log('still running'), 2000);`);
    expect(r.status).toBe(CRASH_EXIT_CODE);
    expect(r.fatal).toHaveLength(1);
    expect(r.fatal[0]).toMatchObject({
      level: 'fatal',
      program: 'probe',
      msg: 'unhandled rejection: exiting with code 70',
      err: 'Connection closed',
      code: 'ECONNRESET',
    });
    expect(String(r.fatal[0]?.stack)).toContain('Error: Connection closed');
  });

  it('logs an uncaught exception thrown from a timer, and exits 70', () => {
    const r = run(`setTimeout(() => { throw new TypeError('boom'); }, 10);`);
    expect(r.status).toBe(CRASH_EXIT_CODE);
    expect(r.fatal[0]).toMatchObject({
      program: 'probe',
      msg: 'uncaught exception: exiting with code 70',
      err: 'boom',
    });
  });

  it('leaves a program that handles its failures alone', () => {
    const r = run(`await Promise.reject(new Error('handled')).catch((err) => console.log('handled:', err.message));`);
    expect(r.status).toBe(0);
    expect(r.fatal).toEqual([]);
  });
});
