import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PatternSet } from './patterns.ts';
import { negated } from './scope.ts';
import { liveRanges, tokenize } from './text.ts';

const live = (t: string) => liveRanges(t).map((r) => t.slice(r.start, r.end)).join('|');

test('quoted lines, reply headers, forwards and signatures are not live text', () => {
  assert.equal(live('Привет\n> старое\nновое'), 'Привет\n|новое');
  assert.equal(live('Ответ тут\n\nПт, 20 нояб. 2026 г. в 10:00, Служба <a@b.ru> пишет:\nстарое'), 'Ответ тут\n\n');
  assert.equal(live('Hi\nOn Fri, 20 Nov 2026 at 10:00, Desk <a@b.com>\nwrote:\nold text'), 'Hi\n');
  assert.equal(live('Hi\n-----Original Message-----\nFrom: x'), 'Hi\n');
  assert.equal(live('Текст\n---------- Пересылаемое сообщение ----------\nстарое'), 'Текст\n');
  assert.equal(live('Текст\n-- \nИван, +7 900'), 'Текст\n');
});

test('tokens keep offsets, stems, sentences and clauses', () => {
  const t = 'Я ЗВОНИЛ вчера, но толку нет. Из-за сбоя в 10.30 всё легло';
  const toks = tokenize(t);
  for (const k of toks) assert.equal(t.slice(k.start, k.end).toLowerCase().replace(/ё/g, 'е'), k.w);
  assert.ok(toks[1]!.caps && !toks[2]!.caps);
  const sents = new Set(toks.map((k) => k.sent));
  assert.equal(sents.size, 2, 'a time like 10.30 does not end a sentence');
  assert.ok(toks.find((k) => k.w === 'из-за'));
  assert.notEqual(toks.find((k) => k.w === 'вчера')!.clause, toks.find((k) => k.w === 'толку')!.clause);
});

test('patterns: stems, prefixes, exact words, gaps; never across sentences', () => {
  const ps = PatternSet.of(['подам|обращусь ~2 суд', 'перезагруз* роутер', '=no #num']);
  const t = 'Обращусь в районный суд. Перезагрузила роутер. no 5. Подам. В суд';
  const toks = tokenize(t);
  const got = ps.matchAll(toks).map((m) => t.slice(toks[m.first]!.start, toks[m.last]!.end));
  assert.deepEqual(got, ['Обращусь в районный суд', 'Перезагрузила роутер', 'no 5']);
});

test('negation cancels within its clause only', () => {
  const ps = PatternSet.of(['роспотребнадзор', 'sue']);
  const check = (t: string) => {
    const toks = tokenize(t);
    return ps.matchAll(toks).map((m) => negated(toks, m.first));
  };
  assert.deepEqual(check('я не собираюсь жаловаться в Роспотребнадзор'), [true]);
  assert.deepEqual(check('не работает, пишу в Роспотребнадзор'), [false]);
  assert.deepEqual(check("We are not going to sue"), [true]);
  assert.deepEqual(check("if you don't fix it we will sue"), [false]);
});
