import { Worker } from 'node:worker_threads';

/** What crosses to the worker (pglite-worker.mjs); `tx` names an open transaction, absent for the root. */
export type WorkerRequest =
  | { op: 'query'; text: string; params: unknown[]; tx?: number }
  | { op: 'exec'; text: string; tx?: number }
  | { op: 'executeSql'; text: string; values?: unknown[]; tx?: number }
  | { op: 'begin' }
  | { op: 'commit' | 'rollback'; tx: number }
  | { op: 'dump' }
  | { op: 'close' };

interface SentError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SentError };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Where the call was made: the worker's own frames are PGlite internals, this is what helps. */
  callSite: { stack?: string };
}

/**
 * A PostgreSQL error raised in the worker, rebuilt with its fields (code, detail, constraint,
 * table, column, schema, severity, position, hint, where, query, …) and this thread's stack.
 */
const rebuildError = (sent: SentError, callSite: { stack?: string }): Error => {
  const error = Object.assign(new Error(sent.message), sent.fields);
  error.name = sent.name;
  const frames = callSite.stack?.split('\n').slice(1).join('\n') ?? '';
  // An error PostgreSQL did not raise (no code) is a bug in the worker: keep where it happened.
  const workerFrames = sent.fields.code === undefined && sent.stack ? `\n    --- in the PGlite worker ---\n${sent.stack.split('\n').slice(1).join('\n')}` : '';
  error.stack = `${sent.name}: ${sent.message}\n${frames}${workerFrames}`;
  return error;
};

/**
 * The main side of the PGlite worker: request/reply by id, and no call left hanging — a worker
 * that crashes or exits rejects everything pending, and every call after it.
 */
export class PgliteWorkerLink {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Set once the link is unusable; every later call rejects with it. */
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;
  private readonly lostListeners = new Set<(error: Error) => void>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(new Error(`The PGlite worker crashed: ${error.message}`, { cause: error })));
    worker.on('messageerror', (error) => this.fail(new Error(`The PGlite worker sent an unreadable message: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => this.fail(new Error(`The PGlite worker exited unexpectedly (exit code ${code})`)));
  }

  static async start(workerData: { dataDir: string | null; template?: Blob }): Promise<PgliteWorkerLink> {
    const link = new PgliteWorkerLink(new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData }));
    // The worker answers id 0 once the database is open; failing to open crashes it.
    await new Promise((resolve, reject) => link.track(0, { resolve, reject, callSite: {} })).catch((error: Error) => {
      const cause = (error.cause as Error | undefined) ?? error;
      throw new Error(`Could not open PGlite${workerData.dataDir ? ` in ${workerData.dataDir}` : ''}: ${cause.message}`, { cause });
    });
    return link;
  }

  call<T>(request: WorkerRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing && request.op !== 'close') return Promise.reject(new Error('The PGlite store is closed'));
    const id = this.nextId++;
    const callSite: { stack?: string } = {};
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only the stack-trace boundary: frames above call() are cut; it is never invoked
    Error.captureStackTrace(callSite, this.call);
    return new Promise<T>((resolve, reject) => {
      try {
        this.worker.postMessage({ id, ...request });
      } catch (error) {
        // Parameters that cannot cross threads (a function, a class instance with private state).
        reject(new Error(`Cannot send this statement to the PGlite worker: ${(error as Error).message}`, { cause: error }));
        return;
      }
      this.track(id, { resolve, reject, callSite });
    });
  }

  /** Closes the database, then ends the thread; idempotent, and safe after a crash. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.failure) await this.call({ op: 'close' }).catch(() => undefined);
      this.fail(new Error('The PGlite store is closed'));
      await this.worker.terminate();
    })();
    return this.closing;
  }

  /** Only calls in flight keep the process alive: an idle store left open must not block exit. */
  private track(id: number, pending: Pending): void {
    if (this.pending.size === 0) this.worker.ref();
    this.pending.set(id, pending);
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(rebuildError(reply.error, pending.callSite));
  }

  /** Called once if the worker dies while the store is open (not on close): the database is gone for this process. */
  onLost(listener: (error: Error) => void): void {
    this.lostListeners.add(listener);
  }

  private fail(error: Error): void {
    if (!this.failure && !this.closing) for (const listener of this.lostListeners) listener(error);
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
    this.worker.unref();
  }
}
