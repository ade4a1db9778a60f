// What backup and restore read from the PostgreSQL catalog: the application tables of
// the public schema in foreign-key order, their columns, and the sequences.
import type pg from 'pg';

export type TableInfo = { name: string; columns: string[] };
export type SequenceInfo = { name: string; lastValue: string | null; table: string | null; column: string | null };

/** Quotes an identifier read from the catalog (never user input). */
export const qi = (client: pg.ClientBase, name: string) => client.escapeIdentifier(name);

/** Tables of the public schema (schema_migrations aside), parents before children. */
export async function appTables(client: pg.ClientBase): Promise<TableInfo[]> {
  const tables = await client.query<{ oid: number; name: string }>(
    `select c.oid::int as oid, c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname <> 'schema_migrations'
      order by c.relname`,
  );
  const fks = await client.query<{ child: string; parent: string }>(
    `select cl.relname as child, pr.relname as parent
       from pg_constraint k
       join pg_class cl on cl.oid = k.conrelid
       join pg_class pr on pr.oid = k.confrelid
       join pg_namespace n on n.oid = cl.relnamespace
      where k.contype = 'f' and n.nspname = 'public' and cl.oid <> pr.oid`,
  );
  const cols = await client.query<{ oid: number; name: string }>(
    `select a.attrelid::int as oid, a.attname as name
       from pg_attribute a
      where a.attrelid = any($1::oid[]) and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      order by a.attrelid, a.attnum`,
    [tables.rows.map((t) => t.oid)],
  );
  const parents = new Map<string, Set<string>>(tables.rows.map((t) => [t.name, new Set<string>()]));
  for (const f of fks.rows) parents.get(f.child)?.add(f.parent);
  // Depth-first topological order; a cycle (none today) keeps name order for its members.
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.has(name)) return;
    state.set(name, 'visiting');
    for (const p of [...(parents.get(name) ?? [])].sort()) if (parents.has(p)) visit(p);
    state.set(name, 'done');
    order.push(name);
  };
  for (const t of tables.rows) visit(t.name);
  const byName = new Map(tables.rows.map((t) => [t.name, t.oid]));
  return order.map((name) => ({ name, columns: cols.rows.filter((c) => c.oid === byName.get(name)).map((c) => c.name) }));
}

export async function sequences(client: pg.ClientBase): Promise<SequenceInfo[]> {
  const r = await client.query<{ name: string; last_value: string | null; tbl: string | null; col: string | null }>(
    `select s.sequencename as name, s.last_value::text as last_value, o.tbl, o.col
       from pg_sequences s
       left join lateral (
         select t.relname as tbl, a.attname as col
           from pg_class sc
           join pg_namespace sn on sn.oid = sc.relnamespace and sn.nspname = s.schemaname
           join pg_depend d on d.objid = sc.oid and d.classid = 'pg_class'::regclass
                           and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
           join pg_class t on t.oid = d.refobjid
           join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
          where sc.relname = s.sequencename
          limit 1
       ) o on true
      where s.schemaname = 'public'
      order by s.sequencename`,
  );
  return r.rows.map((x) => ({ name: x.name, lastValue: x.last_value, table: x.tbl, column: x.col }));
}

export async function appliedMigrations(client: pg.ClientBase): Promise<string[]> {
  const r = await client.query<{ version: string }>('select version from schema_migrations order by version');
  return r.rows.map((x) => x.version);
}
