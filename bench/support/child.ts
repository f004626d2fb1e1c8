import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ChildOptions {
  /** Write V8 CPU profiles of the child to `{cpuProfDir}/{name}/` when it exits (`node --cpu-prof`). */
  cpuProfDir?: string | undefined;
  /** Names the child in errors and its profile folder. */
  name: string;
  /** More node flags, e.g. `--expose-gc`. */
  nodeArgs?: string[];
}

export interface Child {
  readonly pid: number;
  request<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** Asks the child to stop what it runs and exit; resolves when it has (its profile is written by then). */
  close(): Promise<void>;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** A TypeScript program run by tsx in a child process, driven by request/reply over IPC; its output goes to stderr. */
export function spawnChild(script: string, options: ChildOptions): Promise<Child> {
  const profile = options.cpuProfDir
    ? // one folder per process: the tsx loader thread writes a profile of its own next to the main thread's
      ['--cpu-prof', `--cpu-prof-dir=${join(options.cpuProfDir, options.name)}`]
    : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...profile, ...(options.nodeArgs ?? []), '--import', 'tsx', script],
    {
      stdio: ['ignore', 2, 2, 'ipc'],
    },
  );
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', function onExit(code, signal) {
      for (const p of pending.values()) p.reject(new Error(`${options.name} exited (${code ?? signal})`));
      pending.clear();
      resolveExit();
    });
  });
  child.on('message', function onReply(message: Reply) {
    const p = pending.get(message.id);
    if (!p) return;
    pending.delete(message.id);
    if (message.ok) p.resolve(message.result);
    else p.reject(new Error(`${options.name}: ${message.error}`));
  });
  const handle: Child = {
    pid: child.pid ?? -1,
    request<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, ...args });
      });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // A child that dies while stopping fails the request; its exit code (awaited next) is what matters then.
      await handle.request('exit').catch((err: Error) => console.warn(`${options.name}: exit request: ${err.message}`));
      await exited;
    },
  };
  return new Promise((resolveReady, rejectReady) => {
    child.once('error', rejectReady);
    child.once('exit', (code) => rejectReady(new Error(`${options.name} exited (${code}) before it was ready`)));
    child.once('message', function onReady(message: { ready?: boolean }) {
      if (message.ready) resolveReady(handle);
    });
  });
}

type Handler = (args: Record<string, unknown>) => unknown;

/** The child side: answers requests with the named handlers; `exit` runs `onExit` and ends the process. */
export function serveParent(handlers: Record<string, Handler>, onExit: () => Promise<void>): void {
  const send = (message: unknown) => process.send?.(message);
  let exiting = false;
  process.on('message', function onRequest(message: { id: number; cmd: string } & Record<string, unknown>) {
    if (message.cmd === 'exit') {
      exiting = true;
      onExit().then(
        () => {
          send({ id: message.id, ok: true, result: null });
          process.disconnect?.();
          // let the IPC reply flush, then leave normally so --cpu-prof writes its file
          setImmediate(() => process.exit(0));
        },
        (err: Error) => {
          send({ id: message.id, ok: false, error: err.message });
          process.exit(1);
        },
      );
      return;
    }
    const handler = handlers[message.cmd];
    if (!handler) {
      send({ id: message.id, ok: false, error: `unknown command ${message.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message))
      .then(
        (result) => send({ id: message.id, ok: true, result: result ?? null }),
        (err: Error) => send({ id: message.id, ok: false, error: err.stack ?? err.message }),
      );
  });
  process.on('disconnect', function orphaned() {
    if (exiting) return;
    exiting = true;
    onExit().then(
      () => process.exit(0),
      (err: Error) => {
        console.error(`orphaned child: clean-up failed: ${err.stack ?? err.message}`);
        process.exit(1);
      },
    );
  });
  send({ ready: true });
}
