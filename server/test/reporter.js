// node:test reporter: one line per test, failures in full, and the closing
// "N passed, N failed" line that CI looks for.
import fs from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';

export default async function* reporter(source) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  for await (const event of source) {
    const { type, data } = event;
    if (type !== 'test:pass' && type !== 'test:fail') {
      if (type === 'test:stderr' || type === 'test:stdout') yield data.message;
      continue;
    }
    if (data.details?.type === 'suite') continue;
    const pad = '  '.repeat(data.nesting ?? 0);
    const ms = data.details?.duration_ms?.toFixed(0) ?? '?';
    const where = data.file ? ` [${data.file.replace(process.cwd() + '/', '')}]` : '';
    if (type === 'test:pass') {
      if (data.skip || data.todo) continue; // not counted: CI runs everything
      passed++;
      yield `${pad}✔ ${data.name} (${ms} ms)\n`;
    } else {
      failed++;
      const err = data.details?.error;
      const msg = err?.cause ? inspect(err.cause, { depth: 4 }) : inspect(err, { depth: 4 });
      failures.push(`✖ ${data.name}${where}\n${msg}\n`);
      yield `${pad}✖ ${data.name} (${ms} ms)${where}\n`;
    }
  }
  if (failures.length) yield `\nFailures:\n\n${failures.join('\n')}\n`;
  // screenshots a failed browser step saved (web/test/browser.ts): named so CI keeps and shows them
  const shots = path.resolve('test-artifacts');
  const files = fs.existsSync(shots) ? fs.readdirSync(shots).filter((f) => f.endsWith('.png')) : [];
  if (files.length) yield `Screenshots of failed browser steps (CI artifacts):\n${files.map((f) => `  test-artifacts/${f}`).join('\n')}\n`;
  yield `${passed} passed, ${failed} failed\n`;
}
