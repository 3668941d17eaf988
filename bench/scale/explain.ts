import type { SqlClient } from '../../adapters/postgres/sql-client.ts';

export interface Captured {
  text: string;
  params: unknown[];
}

/** A SqlClient that records the statements issued while `capture` holds a list: what an answer really asks. */
export const recording = (sql: SqlClient, state: { capture: Captured[] | null }): SqlClient => {
  const wrap = (inner: SqlClient): SqlClient => ({
    engine: inner.engine,
    query: (text, params) => {
      state.capture?.push({ text, params: params ?? [] });
      return inner.query(text, params);
    },
    exec: (text) => inner.exec(text),
    transaction: (work) => inner.transaction((tx) => work(wrap(tx))),
    executeSql: (text, values) => inner.executeSql(text, values),
    close: () => inner.close(),
  });
  return wrap(sql);
};

/** A plan names a bound array in full: 1,000 host names is noise, its size is what matters. */
export const shortArrays = (line: string): string =>
  line.replace(/'\{([^}']{200,})\}'/g, (_, items: string) => `'{${items.split(',').slice(0, 3).join(',')},… ${items.split(',').length} items}'`);

/** EXPLAIN (ANALYZE, BUFFERS) of each distinct statement a question issued, as text. */
export const explainAll = async (sql: SqlClient, question: string, statements: Captured[]): Promise<string> => {
  const seen = new Set<string>();
  const out = [`## ${question} — ${statements.length} statement(s)`, ''];
  // A `set local` an answer issues (compliance turns JIT off) is not a plan: it applies to the plans after it.
  const settings: string[] = [];
  for (const { text, params } of statements) {
    if (/^\s*set\s/i.test(text)) {
      if (!settings.includes(text)) settings.push(text);
      continue;
    }
    if (seen.has(text)) continue;
    seen.add(text);
    const rows = await sql.transaction(async (tx) => {
      for (const setting of settings) await tx.query(setting);
      return tx.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, params);
    });
    const shown = params.map((p) => (Array.isArray(p) && p.length > 5 ? `[${p.length} items]` : JSON.stringify(p)));
    out.push('```sql', text.replace(/\s+/g, ' ').trim(), `-- params: ${shown.join(', ')}`, '```', '```', ...rows.map((r) => shortArrays(r['QUERY PLAN'])), '```', '');
  }
  return out.join('\n');
};
