// SLOVO_BENCH_STATEMENTS=1: where PostgreSQL's time went during a scenario.
import pg from 'pg';

/** pg_stat_statements around a scenario: the statements that took PostgreSQL's time, as note lines. */
export async function statementStats(url: string, label: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('create extension if not exists pg_stat_statements');
  await c.query('select pg_stat_statements_reset()');
  const walSql = 'select wal_records::bigint as records, wal_fpi::bigint as fpi, wal_bytes::bigint as bytes from pg_stat_wal';
  const wal0 = (await c.query(walSql)).rows[0];
  return {
    async report(): Promise<string[]> {
      const wal1 = (await c.query(walSql)).rows[0];
      const d = (k: string) => Number(wal1[k]) - Number(wal0[k]);
      const walLine = `${label}: WAL written meanwhile: ${d('records').toLocaleString('en')} records, ${d('fpi').toLocaleString('en')} full-page images, ${(d('bytes') / 1048576).toFixed(1)} MB`;
      const r = await c.query(`select calls, round(total_exec_time::numeric, 1) as ms, round(mean_exec_time::numeric, 3) as mean, rows,
          regexp_replace(left(query, 160), '\\s+', ' ', 'g') as q
        from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
        order by total_exec_time desc limit 16`);
      const byCalls = await c.query(`select calls, round(total_exec_time::numeric, 1) as ms, regexp_replace(left(query, 120), '\\s+', ' ', 'g') as q
        from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
          and query !~ '^SELECT [$0-9]+ FROM ONLY' order by calls desc limit 14`);
      const sum = (await c.query(`select round(sum(total_exec_time)::numeric) as ms, sum(calls)::bigint as calls
        from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())`)).rows[0];
      await c.end();
      const totalLine = `${label}: all statements: ${Number(sum.ms).toLocaleString('en')} ms of execution in ${Number(sum.calls).toLocaleString('en')} calls`;
      return [walLine, totalLine, `${label}: PostgreSQL time by statement (pg_stat_statements, SLOVO_BENCH_STATEMENTS=1; warm-up included):`,
        ...r.rows.map((x) => `  ${x.ms} ms in ${x.calls} calls (mean ${x.mean} ms, ${x.rows} rows): ${x.q}`),
        `${label}: most frequent statements sent (foreign-key checks left out):`,
        ...byCalls.rows.map((x) => `  ${x.calls} calls, ${x.ms} ms: ${x.q}`)];
    },
  };
}
