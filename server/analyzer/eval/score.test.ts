// The evaluation's scoring rules on small hand-made cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goldSpans, matchPromises, matchSteps, sameDue, scoreLabels } from './score.ts';

test('per-label precision, recall, F1 and macro-F1 (codes never seen are left out)', () => {
  const s = scoreLabels(['a', 'b', 'c'], [
    { gold: ['a'], pred: ['a'] },
    { gold: ['a', 'b'], pred: ['a'] },
    { gold: [], pred: ['b'] },
    { gold: [], pred: [] },
  ]);
  assert.deepEqual(s.labels.a, { support: 2, predicted: 2, precision: 1, recall: 1, f1: 1 });
  assert.deepEqual(s.labels.b, { support: 1, predicted: 1, precision: 0, recall: 0, f1: 0 });
  assert.deepEqual(s.labels.c, { support: 0, predicted: 0, precision: null, recall: null, f1: null });
  assert.equal(s.macroF1, 0.5);
  assert.equal(s.exactMatch, 0.5);
  const never = scoreLabels(['a'], [{ gold: ['a'], pred: [] }]);
  assert.deepEqual(never.labels.a, { support: 1, predicted: 0, precision: null, recall: 0, f1: 0 });
});

test('tried steps match on a shared main-word stem, one to one', () => {
  assert.equal(matchSteps(['перезагрузил роутер', 'сменил кабель'], ['перезагрузка роутера']), 1);
  assert.equal(matchSteps(['cleared the cache'], ['clear cache and cookies']), 1);
  assert.equal(matchSteps(['проверил кабель'], ['проверил баланс']), 0, 'generic verbs do not match');
  assert.equal(matchSteps(['перезагрузил роутер', 'перезагрузил ноутбук'], ['перезагрузил роутер']), 1, 'one predicted step matches one gold step');
  assert.equal(matchSteps([], ['x']), 0);
});

test('promises match on overlapping spans; dues compare instants', () => {
  const text = 'Здравствуйте. Перезвоним завтра до 12:00. Напишем в пятницу.';
  const gold = goldSpans(text, [{ text: 'Перезвоним завтра до 12:00', due: '2026-11-21T12:00:00+03:00' }, { text: 'Напишем в пятницу', due: null }]);
  assert.deepEqual(gold.map((g) => [g.start, g.end]), [[14, 40], [42, 59]]);
  const pred = [{ start: 25, end: 41, text: text.slice(25, 41), due: '2026-11-21T09:00:00Z' }, { start: 0, end: 5, text: 'Здрав', due: null }];
  const pairs = matchPromises(gold, pred);
  assert.equal(pairs.length, 1);
  assert.equal(pairs[0][0], gold[0]);
  assert.ok(sameDue(pairs[0][0].due, pairs[0][1].due));
  assert.ok(sameDue(null, null));
  assert.ok(!sameDue(null, '2026-11-21T09:00:00Z'));
});
