// Loads every *.access.ts case list under server/ (for the role and token-scope matrices).
import fs from 'node:fs';
import path from 'node:path';
import type { AccessCase } from './access.ts';

function accessFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? accessFiles(p) : e.name.endsWith('.access.ts') ? [p] : [];
  });
}

export async function loadAccessCases(): Promise<AccessCase[]> {
  const cases: AccessCase[] = [];
  for (const f of accessFiles(path.resolve(import.meta.dirname, '..'))) cases.push(...((await import(f)).default as AccessCase[]));
  return cases;
}
