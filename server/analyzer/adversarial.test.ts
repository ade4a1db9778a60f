// 1 MB hostile texts (the bench's adversarialInputs) through analyzeMessage and coachReply, as the
// reply and as the customer message: each call ends in under a second with a well-formed result.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adversarialInputs, replyCase } from '../../bench/analyzer-gen.ts';
import { analyzeMessage, coachReply, FLAGS, SIGNALS, type Evidence, type MessageAnalysis, type ReplyAnalysis } from './index.ts';

const LIMIT_MS = 1000;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

function checkCodes(codes: unknown, known: readonly string[], what: string) {
  assert.ok(Array.isArray(codes), `${what} is a list`);
  for (const c of codes) assert.ok(known.includes(c), `${what}: unknown code ${c}`);
  assert.ok(codes.every((c, i) => i === 0 || codes[i - 1] < c), `${what} sorted without duplicates`);
}

function checkEvidence(ev: Evidence[], texts: string[]) {
  assert.ok(Array.isArray(ev));
  for (const e of ev) {
    assert.ok(Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.start <= e.end, `evidence offsets ${e.start}-${e.end}`);
    assert.ok(texts.some((t) => e.end <= t.length && t.slice(e.start, e.end) === e.text), `evidence text at ${e.start}-${e.end} is a slice of the input`);
  }
}

function checkMessage(a: MessageAnalysis, text: string) {
  assert.ok(a.lang === 'ru' || a.lang === 'en');
  checkCodes(a.signals, SIGNALS, 'signals');
  assert.ok(Array.isArray(a.tried_steps) && a.tried_steps.every((s) => typeof s === 'string'));
  assert.equal(a.signals.includes('tried_steps'), a.tried_steps.length > 0, 'tried_steps signal iff steps');
  for (const d of a.details) {
    assert.ok((SIGNALS as readonly string[]).includes(d.code));
    assert.ok(d.confidence >= 0 && d.confidence <= 1);
    checkEvidence(d.evidence, [text]);
  }
  JSON.stringify(a);
}

function checkReply(a: ReplyAnalysis, reply: string, customerMessage: string) {
  assert.ok(a.lang === 'ru' || a.lang === 'en');
  checkCodes(a.flags, FLAGS, 'flags');
  for (const p of a.promises) {
    assert.equal(reply.slice(p.start, p.end), p.text, 'promise text is a slice of the reply');
    assert.ok(p.due === null || !Number.isNaN(Date.parse(p.due)), `due ${p.due}`);
  }
  for (const d of a.details) {
    assert.ok((FLAGS as readonly string[]).includes(d.code));
    assert.ok(d.confidence >= 0 && d.confidence <= 1);
    checkEvidence(d.evidence, [reply, customerMessage]);
  }
  assert.ok(Array.isArray(a.suggestions));
  JSON.stringify(a);
}

describe('adversarial 1 MB inputs', () => {
  const typical = replyCase(1);
  const opts = { context: { unresolved: true, our_fault: true, customer_asked_cause: true }, sentAt: typical.sentAt, timeZone: typical.timeZone };
  // warm up (lexicons, JIT) so the first timed input is not charged for it
  analyzeMessage(typical.customerMessage);
  coachReply(typical.reply, { ...opts, customerMessage: typical.customerMessage });

  for (const { name, text } of adversarialInputs()) {
    test(name, () => {
      const m = timed(() => analyzeMessage(text));
      assert.ok(m.ms < LIMIT_MS, `analyzeMessage took ${m.ms.toFixed(0)} ms`);
      checkMessage(m.value, text);

      const r = timed(() => coachReply(text, { ...opts, customerMessage: typical.customerMessage }));
      assert.ok(r.ms < LIMIT_MS, `coachReply (as reply) took ${r.ms.toFixed(0)} ms`);
      checkReply(r.value, text, typical.customerMessage);

      const c = timed(() => coachReply(typical.reply, { ...opts, customerMessage: text }));
      assert.ok(c.ms < LIMIT_MS, `coachReply (as customer message) took ${c.ms.toFixed(0)} ms`);
      checkReply(c.value, typical.reply, text);
    });
  }
});
