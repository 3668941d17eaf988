import { PgliteWorkerLink } from './pglite-worker-link.ts';
import type { SqlClient } from './sql-client.ts';
import { lastResultWithRows } from './sql-client.ts';

/**
 * PGlite in a worker thread, so the main thread keeps serving SSH, HTTP and timers while a
 * statement runs. The worker (pglite-worker.mjs) runs each transaction inside PGlite's own
 * db.transaction, whose mutex holds the single session until it ends: statements sent on the
 * transaction's client go to it, and statements on the root client wait there, in the worker,
 * exactly as they did with PGlite in process.
 */
export class PgliteWorkerClient implements SqlClient {
  readonly engine = 'pglite' as const;

  /** `tx` is the worker's id of this client's open transaction, null for the root client. */
  constructor(
    readonly link: PgliteWorkerLink,
    private readonly tx: number | null = null,
  ) {}

  static async open(options: { dataDir: string | null; template?: Blob }): Promise<PgliteWorkerClient> {
    return new PgliteWorkerClient(await PgliteWorkerLink.start(options));
  }

  onLost(listener: (error: Error) => void): void {
    this.link.onLost(listener);
  }

  query<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
    return this.link.call<Row[]>({ op: 'query', text, params, ...this.scope() });
  }

  async exec(text: string): Promise<void> {
    await this.link.call({ op: 'exec', text, ...this.scope() });
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    if (this.tx !== null) return work(this);
    const tx = await this.link.call<number>({ op: 'begin' });
    let result: T;
    try {
      result = await work(new PgliteWorkerClient(this.link, tx));
    } catch (error) {
      // The caller's error is the one that matters; a failed rollback (crashed worker) adds nothing.
      await this.link.call({ op: 'rollback', tx }).catch(() => undefined);
      throw error;
    }
    await this.link.call({ op: 'commit', tx });
    return result;
  }

  async executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
    const results = await this.link.call<Array<{ rows: unknown[]; fields: unknown[] }>>({ op: 'executeSql', text, ...(values ? { values } : {}), ...this.scope() });
    return lastResultWithRows(results);
  }

  async close(): Promise<void> {
    if (this.tx === null) await this.link.close();
  }

  /** Dumps the database (see PgliteOptions.template). */
  dump(): Promise<Blob> {
    return this.link.call<Blob>({ op: 'dump' });
  }

  private scope(): { tx?: number } {
    return this.tx === null ? {} : { tx: this.tx };
  }
}
