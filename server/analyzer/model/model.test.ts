import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeMessage, rulePass } from '../message.ts';
import { stem } from '../text.ts';
import { tokenize } from '../text.ts';
import type { Signal } from '../types.ts';
import { eachFeature } from './features.ts';
import { buildModel, setModel, type Weights } from './model.ts';
import { chooseCombine, example, fit, type Example } from './train.ts';

/** A model with the given combination and weights (keys are features.ts keys). */
function model(combine: Weights['combine'], bias: Weights['bias'], weights: Weights['weights']) {
  return buildModel({ version: 1, combine, bias, weights });
}
/** Runs `fn` with model `m` installed, then puts the previous one back. */
function withModel<T>(m: ReturnType<typeof buildModel>, fn: () => T): T {
  const old = setModel(m);
  try {
    return fn();
  } finally {
    setModel(old);
  }
}
const validEvidence = (t: string, a: ReturnType<typeof analyzeMessage>) => {
  for (const d of a.details) {
    assert.ok(d.evidence.length > 0, d.code);
    for (const e of d.evidence) assert.equal(t.slice(e.start, e.end), e.text);
  }
};

test('features: live stems, NOT_ inside a negation scope, bigrams within a sentence, rule keys', () => {
  const t = 'Я не буду менять оператора. Спасибо!\n> старое письмо про суд';
  const keys: [string, number][] = [];
  const r = rulePass(t);
  eachFeature(r.toks, ['@r:x'], (k, i) => keys.push([k, i]));
  const ks = keys.map(([k]) => k);
  assert.ok(ks.includes('NOT_' + stem('менять')));
  assert.ok(ks.includes(stem('я')) && !ks.includes('NOT_' + stem('я')));
  assert.ok(ks.includes(`${stem('менять')} ${stem('оператора')}`));
  assert.ok(!ks.some((k) => k.includes(stem('оператора') + ' ' + stem('спасибо'))), 'no bigram across sentences');
  assert.ok(!ks.includes(stem('суд')), 'quoted lines are not read');
  assert.deepEqual(keys[keys.length - 1], ['@r:x', -1]);
  // a clause break ends the scope
  const ks2: string[] = [];
  eachFeature(tokenize('не работает, уйдём к конкурентам'), [], (k) => ks2.push(k));
  assert.ok(ks2.includes(stem('уйдем')) && !ks2.includes('NOT_' + stem('уйдем')));
});

test('training is deterministic', () => {
  const msgs: [string, Signal[]][] = [];
  for (let i = 0; i < 12; i++) {
    msgs.push([`Уходим к конкурентам, договор ${i} не продлеваем.`, ['churn']]);
    msgs.push([`We will cancel the subscription ${i} and move to another vendor.`, ['churn']]);
    msgs.push([`Подскажите, как поменять пароль ${i}?`, []]);
    msgs.push([`How do I export report ${i}?`, []]);
  }
  const ex = msgs.map(([t, g], i) => example(`t${i}`, t, g));
  const o = { epochs: 10, rate: 0.5, l2: 0.001, minDf: 2, seed: 3, folds: 3 };
  const forced = { churn: { mode: 'or' as const, t: 0.9 } };
  const a = JSON.stringify(fit(ex, o, {}, forced));
  const b = JSON.stringify(fit(ex, o, {}, forced));
  assert.equal(a, b);
  const w = JSON.parse(a) as Weights;
  assert.ok(w.weights.churn![stem('конкурент')]! > 0);
  assert.ok(w.bias.churn! < 0);
});

test('"or" adds a missed signal with the model probability and word evidence; never removes a rule finding', () => {
  const m = model({ churn: { mode: 'or', t: 0.8 } }, { churn: -2 }, { churn: { [stem('перебираемся')]: 5, [stem('подумываем')]: 0.5 } });
  const t = 'Мы подумываем и перебираемся в другое место с нового квартала, об этом уже договорились внутри команды и с руководством.';
  const rules = rulePass(t).result;
  assert.ok(!rules.signals.includes('churn'));
  const a = withModel(m, () => analyzeMessage(t));
  assert.deepEqual(a.signals, [...new Set([...rules.signals, 'churn'])].sort());
  const d = a.details.find((x) => x.code === 'churn')!;
  assert.equal(d.confidence, Math.round((1 / (1 + Math.exp(-3.5))) * 100) / 100);
  assert.deepEqual(d.evidence.map((e) => e.text), ['подумываем', 'перебираемся']);
  validEvidence(t, a);
  // other signals as the rules said
  for (const x of rules.details) assert.deepEqual(a.details.find((y) => y.code === x.code), x);
  // a one-liner is too little for a bag of words: nothing is added
  assert.deepEqual(withModel(m, () => analyzeMessage('Мы подумываем: перебираемся.')).signals, rulePass('Мы подумываем: перебираемся.').result.signals);
  // below the threshold: nothing changes
  assert.deepEqual(withModel(m, () => analyzeMessage('Мы подумываем, как быть.')), rulePass('Мы подумываем, как быть.').result);
  // a rule finding stays even with a low probability in "or"
  const r2 = 'Расторгаем договор и уходим к конкурентам.';
  assert.deepEqual(withModel(m, () => analyzeMessage(r2)).signals, rulePass(r2).result.signals);
});

test('"and" drops a rule finding the model finds unlikely (tried_steps also empties the steps)', () => {
  const m = model({ tried_steps: { mode: 'and', t: 0.5 } }, { tried_steps: -4 }, { tried_steps: { [stem('роутер')]: 6 } });
  const keep = 'Перезагрузил роутер, не помогло.';
  const drop = 'Перезагрузил компьютер, не помогло.';
  assert.ok(rulePass(keep).result.signals.includes('tried_steps') && rulePass(drop).result.signals.includes('tried_steps'));
  const a = withModel(m, () => analyzeMessage(keep));
  assert.deepEqual(a, rulePass(keep).result);
  const b = withModel(m, () => analyzeMessage(drop));
  assert.ok(!b.signals.includes('tried_steps'));
  assert.deepEqual(b.tried_steps, []);
  // "and" never adds
  assert.ok(!withModel(m, () => analyzeMessage('У меня роутер.')).signals.includes('tried_steps'));
});

test('no model, an empty text, a model without combined signals: the rules alone', () => {
  const t = 'Пишу третий раз!!! Подам в суд.';
  assert.deepEqual(withModel(null, () => analyzeMessage(t)), rulePass(t).result);
  assert.equal(model({}, {}, {}), null);
  const m = model({ churn: { mode: 'or', t: 0.1 } }, { churn: 5 }, { churn: { x: 1 } });
  assert.deepEqual(withModel(m, () => analyzeMessage('')), rulePass('').result);
  // only function words would be evidence: no finding
  assert.ok(!withModel(m, () => analyzeMessage('и в на')).signals.includes('churn'));
});

test('the chooser never lets the model add a threat that costs precision below 0.95', () => {
  // 40 messages: 10 threats the rules find; the model is confident on 10 more, of which only half are threats
  const ex: Example[] = [];
  const oof: number[][] = [];
  for (let i = 0; i < 40; i++) {
    const gold = new Set<Signal>(i < 10 || (i >= 10 && i < 15) ? ['threat_public'] : []);
    ex.push({ id: String(i), feats: [], rules: new Set(i < 10 ? ['threat_public'] : []), vetoed: new Set(), gold });
    oof.push([i < 20 ? 0.99 : 0.01]);
  }
  assert.equal(chooseCombine(ex, ['threat_public'], oof).threat_public, undefined);
  // the same numbers for churn: precision 0.75 alone is not enough either
  const ex2 = ex.map((e) => ({ ...e, rules: new Set<Signal>(e.rules.size ? ['churn'] : []), gold: new Set<Signal>(e.gold.size ? ['churn'] : []) }));
  assert.equal(chooseCombine(ex2, ['churn'], oof).churn, undefined);
  // a precise model is taken, at the lowest threshold that keeps it precise
  const ex3 = ex.map((e, i) => ({ ...e, gold: new Set<Signal>(i < 20 ? ['threat_public'] : []) }));
  assert.deepEqual(chooseCombine(ex3, ['threat_public'], oof).threat_public, { mode: 'or', t: 0.7 });
});
