/** Exit code of a program stopped by a failure nobody handled (EX_SOFTWARE, sysexits.h). */
export const CRASH_EXIT_CODE = 70;

export interface ProcessGuardOptions {
  /** Where the one fatal line goes (default: stderr). */
  write?: (line: string) => void;
  /** How the program ends (default: `process.exit`). */
  exit?: (code: number) => void;
}

/**
 * A program's last line of defence. An unhandled promise rejection or an uncaught exception means some work failed
 * with nobody to handle it, so the program's state is no longer known: it logs one JSON line (program, what happened,
 * message, code, stack) and exits with code 70. A supervisor (systemd `Restart=on-failure`, Docker's restart policy)
 * starts it again; the ledger's WAL and the broker's persistence make that restart lose nothing (docs/operations.md).
 * Returns a function that removes the handlers.
 */
export function failLoudly(program: string, options: ProcessGuardOptions = {}): () => void {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let failed = false;
  function fail(what: string, reason: unknown): void {
    // A second failure while the first is being reported adds nothing: the first one is the cause.
    if (failed) return;
    failed = true;
    const err = reason instanceof Error ? reason : new Error(`non-error value: ${String(reason)}`);
    const line = {
      level: 'fatal',
      time: new Date().toISOString(),
      program,
      msg: `${what}: exiting with code ${CRASH_EXIT_CODE}`,
      err: err.message,
      code: (err as { code?: unknown }).code ?? null,
      stack: err.stack ?? null,
    };
    write(`${JSON.stringify(line)}\n`);
    exit(CRASH_EXIT_CODE);
  }
  const onRejection = (reason: unknown) => fail('unhandled rejection', reason);
  const onException = (err: Error) => fail('uncaught exception', err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return function removeGuard() {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
