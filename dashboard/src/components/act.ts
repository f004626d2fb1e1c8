/**
 * An event handler for an async action. Each action shows its own failures to the user (useSubmit, setError); a
 * failure that still escapes it is logged to the console naming what was being done, never left as an unhandled
 * rejection.
 */
export function act<A extends unknown[]>(what: string, action: (...args: A) => Promise<unknown>): (...args: A) => void {
  return function handle(...args: A): void {
    action(...args).catch((err: unknown) => console.error(`${what} failed`, err));
  };
}
