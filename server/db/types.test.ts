// The Kysely types in types.ts must match the migrated schema: every table and column,
// no more, no less. Reads the interfaces with the TypeScript compiler API.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import ts from 'typescript';
import { setup, type TestCtx } from '../test/harness.ts';

let ctx: TestCtx;
before(async () => { ctx = await setup(); });
after(() => ctx.close());

function declaredColumns(): Map<string, string[]> {
  const file = path.join(import.meta.dirname, 'types.ts');
  const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, string[]>();
  src.forEachChild((n) => {
    if (ts.isInterfaceDeclaration(n)) interfaces.set(n.name.text, n.members.map((m) => (m.name as ts.Identifier).text));
  });
  const out = new Map<string, string[]>();
  const db = src.statements.find((n): n is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(n) && n.name.text === 'DB')!;
  for (const m of db.members) {
    const table = (m.name as ts.Identifier).text;
    const typeName = ((m as ts.PropertySignature).type as ts.TypeReferenceNode).typeName.getText(src);
    out.set(table, interfaces.get(typeName) ?? []);
  }
  return out;
}

test('db/types.ts matches the migrated schema', async () => {
  const rows = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.table_name <> 'schema_migrations'`.execute(ctx.deps.db);
  const actual = new Map<string, string[]>();
  for (const r of rows.rows) actual.set(r.table_name, [...(actual.get(r.table_name) ?? []), r.column_name]);
  const declared = declaredColumns();
  assert.deepEqual([...declared.keys()].sort(), [...actual.keys()].sort(), 'tables');
  for (const [table, cols] of actual) assert.deepEqual([...(declared.get(table) ?? [])].sort(), [...cols].sort(), `columns of ${table}`);
});
