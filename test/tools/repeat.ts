/**
 * Runs the Vitest suite (or the paths given) N times in a row, one run at a time, and prints per run the exit code,
 * the failed tests and the unhandled errors Vitest reported, then `N passed, N failed` counting runs.
 *
 *   npm run test:repeat -- 8                 # the whole suite, 8 times
 *   npm run test:repeat -- 20 test/chaos     # the chaos folder, 20 times
 *
 * Each run's full output is kept in a temporary folder (printed at the start) for reading afterwards.
 * Exits non-zero when any run failed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../..');
/** A run that has not finished in this time is stopped and counted as failed. */
const RUN_TIMEOUT_MS = 30 * 60_000;

export interface RunSummary {
  run: number;
  exitCode: number | null;
  seconds: number;
  failedTests: string[];
  unhandled: string[];
}

interface JsonReport {
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName: string; status: string }[];
  }[];
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The unhandled errors in Vitest's output: each one's message, and the test file it surfaced in. */
export function unhandledErrors(output: string): string[] {
  const lines = output.replace(ANSI, '').split('\n');
  const found: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/Unhandled (Rejection|Error|Exception) ⎯/.test(lines[i] ?? '')) continue;
    const rest = lines.slice(i + 1, i + 60);
    const message = rest.find((l) => l.trim() !== '')?.trim() ?? '(no message)';
    const origin = rest.find((l) => l.startsWith('This error originated in'))?.match(/"([^"]+)"/)?.[1];
    found.push(origin ? `${message} (in ${origin})` : message);
  }
  return found;
}

/** Failed tests (file › name) and files that failed without a test failing (a crash on import or in a hook). */
export function failedTests(report: JsonReport): string[] {
  const failed: string[] = [];
  for (const file of report.testResults ?? []) {
    const name = file.name.startsWith(repo) ? file.name.slice(repo.length + 1) : file.name;
    const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of tests) failed.push(`${name} › ${t.fullName}`);
    if (tests.length === 0 && file.status === 'failed') failed.push(`${name} (${file.message ?? 'file failed'})`);
  }
  return failed;
}

function runOnce(run: number, args: string[], dir: string): Promise<RunSummary> {
  const jsonFile = join(dir, `run-${run}.json`);
  const logFile = join(dir, `run-${run}.log`);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(repo, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${jsonFile}`,
      ...args,
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  return new Promise((resolveRun) => {
    child.once('close', function onClose(code, signal) {
      clearTimeout(timer);
      writeFileSync(logFile, output);
      let report: JsonReport = {};
      try {
        report = JSON.parse(readFileSync(jsonFile, 'utf8')) as JsonReport;
      } catch {
        // No report: the run died before writing it; its exit code and log say why.
      }
      const failed = failedTests(report);
      if (signal) failed.push(`(run stopped by ${signal} after ${RUN_TIMEOUT_MS / 60_000} min)`);
      resolveRun({
        run,
        exitCode: code,
        seconds: Math.round((performance.now() - started) / 100) / 10,
        failedTests: failed,
        unhandled: unhandledErrors(output),
      });
    });
  });
}

async function main(): Promise<void> {
  const [countArg, ...args] = process.argv.slice(2);
  const count = Number(countArg ?? '1');
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new Error(`the first argument is the number of runs (1–1000), got ${JSON.stringify(countArg)}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'test-repeat-'));
  console.log(`repeating vitest run ${args.join(' ')} ${count} times; logs in ${dir}`);
  const summaries: RunSummary[] = [];
  for (let run = 1; run <= count; run++) {
    const s = await runOnce(run, args, dir);
    summaries.push(s);
    const ok = s.exitCode === 0;
    console.log(
      `run ${run}: exit ${s.exitCode ?? 'killed'} in ${s.seconds} s, ${s.failedTests.length} failed tests, ` +
        `${s.unhandled.length} unhandled errors${ok ? '' : ` (log: ${join(dir, `run-${run}.log`)})`}`,
    );
    for (const t of s.failedTests) console.log(`  failed: ${t}`);
    for (const u of s.unhandled) console.log(`  unhandled: ${u}`);
  }
  const passed = summaries.filter((s) => s.exitCode === 0).length;
  console.log(`${passed} passed, ${count - passed} failed`);
  process.exitCode = passed === count ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch(function fail(err: unknown) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 2;
  });
}
