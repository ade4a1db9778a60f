// 1 MB hostile texts (the bench's adversarialInputs) through analyzeMessage and coachReply, as the
// reply and as the customer message: each call ends in under a second with a well-formed result.
// The calls run in a warmed-up worker thread (bench/analyzer-guard.ts), timed there, and are stopped
// after STOP_MS so a pathological input fails the test instead of hanging it.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { analyzerGuard } from '../../bench/analyzer-guard.ts';
import { adversarialInputs, customerMessage, replyCase } from '../../bench/analyzer-gen.ts';
import type { Job } from '../../bench/analyzer-worker.ts';
import { FLAGS, SIGNALS, type Evidence, type MessageAnalysis, type ReplyAnalysis } from './index.ts';

// a guard against runaway (super-linear) cases on a busy CI machine; the 1 s target is the bench's figure
const LIMIT_MS = 3000;
const STOP_MS = 5000;

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
  const context = { unresolved: true, our_fault: true, customer_asked_cause: true };
  const opts = { context, sentAt: typical.sentAt, timeZone: typical.timeZone };
  const guard = analyzerGuard([
    { fn: 'analyzeMessage', text: customerMessage(1) },
    { fn: 'coachReply', text: typical.reply, opts: { ...opts, customerMessage: typical.customerMessage } },
  ]);
  after(() => guard.close());

  const run = async <T>(job: Job, what: string): Promise<T> => {
    const r = await guard.call(job, STOP_MS);
    assert.ok(!r.stopped, `${what} still running after ${STOP_MS} ms (stopped)`);
    assert.equal(r.error, undefined, `${what} threw: ${r.error}`);
    assert.ok(r.ms < LIMIT_MS, `${what} took ${r.ms.toFixed(0)} ms`);
    return r.result as T;
  };

  for (const { name, text } of adversarialInputs()) {
    test(name, async () => {
      checkMessage(await run<MessageAnalysis>({ fn: 'analyzeMessage', text }, 'analyzeMessage'), text);
      checkReply(await run<ReplyAnalysis>({ fn: 'coachReply', text, opts: { ...opts, customerMessage: typical.customerMessage } }, 'coachReply (as reply)'), text, typical.customerMessage);
      checkReply(await run<ReplyAnalysis>({ fn: 'coachReply', text: typical.reply, opts: { ...opts, customerMessage: text } }, 'coachReply (as customer message)'), typical.reply, text);
    });
  }
});
