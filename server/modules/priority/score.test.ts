import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_WEIGHTS, mergeWeights, scoreTicket, type ScoreInputs } from './score.ts';

const base: ScoreInputs = {
  priority: 'low', stage: 'active', orgVip: false, signals: [], recentOtherTickets: 0, brokenPromises: 0,
  sla: { breached: false, leftFraction: null }, care: null, level: 1,
};
const score = (over: Partial<ScoreInputs>, w = DEFAULT_WEIGHTS) => scoreTicket({ ...base, ...over }, w);
const codes = (over: Partial<ScoreInputs>) => score(over).parts.map((p) => `${p.code}:${p.points}`);

describe('scoreTicket', () => {
  test('a low-priority ticket of an active customer with nothing else scores 0 with no parts', () => {
    assert.deepEqual(score({}), { score: 0, parts: [] });
  });

  test('priority: low 0, normal 10, high 25, urgent 40', () => {
    assert.deepEqual([score({}).score, score({ priority: 'normal' }).score, score({ priority: 'high' }).score, score({ priority: 'urgent' }).score], [0, 10, 25, 40]);
    assert.deepEqual(score({ priority: 'high' }).parts, [{ code: 'priority', points: 25, label_ru: '+25 высокий приоритет', label_en: '+25 high priority' }]);
  });

  test('stage: trial +20, new +15, vip +20, churned 0; an organization marked VIP counts as VIP once', () => {
    assert.deepEqual(score({ stage: 'trial' }).parts, [{ code: 'stage_trial', points: 20, label_ru: '+20 клиент на пробном периоде', label_en: '+20 trial customer' }]);
    assert.deepEqual(codes({ stage: 'new' }), ['stage_new:15']);
    assert.deepEqual(codes({ stage: 'vip' }), ['vip:20']);
    assert.deepEqual(codes({ stage: 'vip', orgVip: true }), ['vip:20']);
    assert.deepEqual(codes({ stage: 'active', orgVip: true }), ['vip:20']);
    assert.deepEqual(codes({ stage: 'churned' }), []);
    assert.deepEqual(codes({ stage: 'lead' }), []);
  });

  test('each signal adds its points', () => {
    const expected: Record<string, number> = { business_impact: 15, anger: 10, threat_regulator: 25, threat_public: 20, churn: 15, urgent: 5, broken_promise: 15, repeat_contact: 10 };
    for (const [sig, pts] of Object.entries(expected)) assert.deepEqual(codes({ signals: [sig] }), [`${sig}:${pts}`], sig);
    assert.equal(score({ signals: ['threat_regulator'] }).parts[0].label_ru, '+25 угроза жалобы регулятору');
    assert.equal(score({ signals: ['threat_regulator'] }).parts[0].label_en, '+25 threat to complain to a regulator');
    assert.deepEqual(codes({ signals: ['gratitude', 'tried_steps', 'escalation_request'] }), []);
  });

  test('repeat contact: the signal, or two other tickets in 14 days (once, not twice)', () => {
    assert.deepEqual(codes({ recentOtherTickets: 1 }), []);
    assert.deepEqual(codes({ recentOtherTickets: 2 }), ['repeat_contact:10']);
    assert.deepEqual(codes({ recentOtherTickets: 3, signals: ['repeat_contact'] }), ['repeat_contact:10']);
    assert.match(score({ recentOtherTickets: 3 }).parts[0].label_en, /2\+ other tickets in 14 days/);
  });

  test('broken promises on the ticket +15 (once, however many)', () => {
    assert.deepEqual(codes({ brokenPromises: 1 }), ['promise_broken:15']);
    assert.deepEqual(codes({ brokenPromises: 3 }), ['promise_broken:15']);
    assert.match(score({ brokenPromises: 3 }).parts[0].label_ru, /\(3\)/);
  });

  test('SLA: breached +20; 25 % or less left +10; more left nothing', () => {
    assert.deepEqual(codes({ sla: { breached: true, leftFraction: null } }), ['sla_breached:20']);
    assert.deepEqual(codes({ sla: { breached: true, leftFraction: 0.1 } }), ['sla_breached:20']);
    assert.deepEqual(codes({ sla: { breached: false, leftFraction: 0.25 } }), ['sla_at_risk:10']);
    assert.deepEqual(codes({ sla: { breached: false, leftFraction: 0.26 } }), []);
  });

  test("care memory: the flag's own points, with its reason", () => {
    const s = score({ care: { points: 30, reason: 'Сбой оплаты 3 декабря' } });
    assert.deepEqual(s.parts, [{ code: 'care', points: 30, label_ru: '+30 особое внимание: Сбой оплаты 3 декабря', label_en: '+30 care flag: Сбой оплаты 3 декабря' }]);
    assert.deepEqual(codes({ care: { points: 0, reason: 'x' } }), []);
  });

  test('support level: L2 +5, L3 +10', () => {
    assert.deepEqual(codes({ level: 2 }), ['level:5']);
    assert.deepEqual(codes({ level: 3 }), ['level:10']);
  });

  test('parts come biggest first and the score is their sum', () => {
    const s = score({ priority: 'normal', stage: 'trial', signals: ['threat_regulator', 'anger'] });
    assert.deepEqual(s.parts.map((p) => p.code), ['threat_regulator', 'stage_trial', 'priority', 'anger']);
    assert.equal(s.score, 25 + 20 + 10 + 10);
  });

  test('the sum is clamped to 100 and to 0', () => {
    const all = score({
      priority: 'urgent', stage: 'trial', orgVip: true, signals: ['threat_regulator', 'threat_public', 'anger'],
      brokenPromises: 1, sla: { breached: true, leftFraction: 0 }, care: { points: 50, reason: 'r' }, level: 3,
    });
    assert.equal(all.score, 100);
    assert.ok(all.parts.reduce((s, p) => s + p.points, 0) > 100);
    const w = mergeWeights({ priority_low: -30 });
    const neg = score({ priority: 'low' }, w);
    assert.equal(neg.score, 0);
    assert.deepEqual(neg.parts, [{ code: 'priority', points: -30, label_ru: '−30 низкий приоритет', label_en: '−30 low priority' }]);
  });

  test('weights: overrides replace defaults; invalid stored values are ignored', () => {
    const w = mergeWeights({ stage_trial: 35, churn: 0 });
    assert.equal(w.stage_trial, 35);
    assert.equal(w.churn, 0);
    assert.equal(w.threat_regulator, 25);
    assert.deepEqual(codes({}), []);
    assert.deepEqual(scoreTicket({ ...base, stage: 'trial', signals: ['churn'] }, w).parts.map((p) => p.points), [35]);
    assert.deepEqual(mergeWeights({ stage_trial: 'a lot' }), DEFAULT_WEIGHTS);
    assert.deepEqual(mergeWeights(null), DEFAULT_WEIGHTS);
  });
});
