import { describe, expect, it } from 'vitest';
import { failedTests, unhandledErrors } from './repeat.ts';

// The shape of Vitest 4's default reporter output around an unhandled rejection (copied from a real run).
const output = `
 ❯ test/x.test.ts (2 tests | 1 failed) 58ms
\u001b[31m⎯⎯⎯⎯⎯⎯\u001b[39m\u001b[1m\u001b[41m Unhandled Errors \u001b[49m\u001b[22m\u001b[31m⎯⎯⎯⎯⎯⎯\u001b[39m

Vitest caught 2 unhandled errors during the test run.

⎯⎯⎯⎯ Unhandled Rejection ⎯⎯⎯⎯⎯
Error: Connection closed
 ❯ test/x.test.ts:3:18

This error originated in "test/x.test.ts" test file. It doesn't mean the error was thrown inside the file itself.
⎯⎯⎯⎯ Unhandled Error ⎯⎯⎯⎯⎯
TypeError: boom
⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯

 Test Files  1 failed (1)
`;

describe('test:repeat reads what Vitest reports', () => {
  it('finds each unhandled error with its message and the file it surfaced in, not the summary banner', () => {
    expect(unhandledErrors(output)).toEqual(['Error: Connection closed (in test/x.test.ts)', 'TypeError: boom']);
    expect(unhandledErrors(' Test Files  3 passed (3)\n')).toEqual([]);
  });

  it('lists failed tests and files that failed without a failing test', () => {
    const report = {
      testResults: [
        { name: 'a.test.ts', status: 'failed', assertionResults: [{ fullName: 'x works', status: 'failed' }] },
        { name: 'b.test.ts', status: 'failed', message: 'Cannot find module', assertionResults: [] },
        { name: 'c.test.ts', status: 'passed', assertionResults: [{ fullName: 'y', status: 'passed' }] },
      ],
    };
    expect(failedTests(report)).toEqual(['a.test.ts › x works', 'b.test.ts (Cannot find module)']);
  });
});
