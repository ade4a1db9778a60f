// `npm run eval:analyzer [-- --split dev|heldout|all] [-- --show-errors] [-- --dir <folder>] [-- --out <file.json>]`
//
// Scores analyzeMessage and coachReply against the labelled files in this folder
// ({messages,replies}.{dev,heldout}.jsonl; default split heldout) and writes the figures to
// bench/results/analyzer-eval.json.
//
// - Labels: support (gold positives), precision, recall, F1 per code; macro-F1 over the message
//   signals and over the reply flags separately (codes with no gold and no predicted item are left
//   out of the macro mean). A code never predicted has precision n/a (0 in the means).
// - tried_steps: accuracy of the tried_steps signal per message, exact match of the whole signal set
//   per message, and step recall/precision. A gold step is matched by a predicted step of the same
//   message that shares a main-word stem with it: words of ≥ 3 letters, minus stop words and generic
//   verbs (tried, checked, пробовал, проверил…), cut to their first 5 letters (ё = е); each predicted
//   step matches at most one gold step.
// - Promises: a predicted promise matches a gold one when their spans overlap (gold span = the
//   gold text found in the reply); one-to-one. Due accuracy = correct dues (same instant, or both
//   null) / matched gold promises; also / all gold promises.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { analyzeMessage, coachReply, FLAGS, SIGNALS } from '../index.ts';
import { goldSpans, matchPromises, matchSteps, r3, ratio, sameDue, scoreLabels, type GoldPromise, type LabelScore, type Span } from './score.ts';

const argv = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return def;
  return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1] ?? def;
};
const SPLIT = opt('split', 'heldout');
const SHOW_ERRORS = argv.includes('--show-errors');
const DIR = path.resolve(opt('dir', import.meta.dirname));
const ROOT = path.resolve(import.meta.dirname, '../../..');
const OUT = path.resolve(opt('out', path.join(ROOT, 'bench/results/analyzer-eval.json')));
// dev and heldout take every file of the split (dev.jsonl, dev3.jsonl…); dev3 alone names one batch
if (!/^(dev|heldout)(\d+)?$|^all$/.test(SPLIT)) {
  console.error(`eval: --split must be dev, heldout, all, or one batch like dev3 (got ${SPLIT})`);
  process.exit(2);
}

type Item = {
  id: string; kind: 'message' | 'reply'; text: string; sent_at?: string; time_zone?: string;
  customer_message?: string; context?: { unresolved?: boolean; our_fault?: boolean; customer_asked_cause?: boolean };
  gold: { signals?: string[]; tried_steps?: string[]; flags?: string[]; promises?: GoldPromise[] };
};

function load(kind: 'messages' | 'replies'): Item[] {
  const out: Item[] = [];
  for (const split of SPLIT === 'all' ? ['dev', 'heldout'] : [SPLIT]) {
    // a split may have several files: messages.dev.jsonl, messages.dev3.jsonl, …
    const files = fs.readdirSync(DIR).filter((f) => new RegExp(`^${kind}\\.${split}${/\d$/.test(split) ? '' : '\\d*'}\\.jsonl$`).test(f)).sort();
    if (!files.length) console.error(`eval: no ${kind}.${split}*.jsonl in ${path.relative(process.cwd(), DIR) || '.'}, skipped`);
    for (const f of files) {
      const file = path.join(DIR, f);
      fs.readFileSync(file, 'utf8').split(/\r?\n/).forEach((l, i) => {
        if (!l.trim()) return;
        try {
          out.push(JSON.parse(l));
        } catch (e) {
          console.error(`eval: ${path.basename(file)}:${i + 1}: ${(e as Error).message}`);
        }
      });
    }
  }
  return out;
}

// ---- run ----

const messages = load('messages');
const replies = load('replies');
if (!messages.length && !replies.length) {
  console.error(`eval: no labelled data for split ${SPLIT} in ${DIR}`);
  process.exit(1);
}
const errors: string[] = [];
/** items the analyzer threw on: scored as empty predictions */
const crashes: string[] = [];
const diff = (gold: string[], pred: string[]) => {
  const miss = gold.filter((c) => !pred.includes(c));
  const extra = pred.filter((c) => !gold.includes(c));
  return [miss.length ? `missed ${miss.join(', ')}` : '', extra.length ? `extra ${extra.join(', ')}` : ''].filter(Boolean).join('; ');
};

// one call of each first, so lexicon loading and JIT are not in the per-item times
try {
  if (messages[0]) analyzeMessage(messages[0].text);
  if (replies[0]) coachReply(replies[0].text, { customerMessage: replies[0].customer_message });
} catch {
  // reported per item below
}
let tMsg = 0;
const msgPairs: { gold: string[]; pred: string[] }[] = [];
let goldSteps = 0;
let predSteps = 0;
let matchedSteps = 0;
let stepSignalRight = 0;
for (const m of messages) {
  const t0 = performance.now();
  let a: ReturnType<typeof analyzeMessage>;
  try {
    a = analyzeMessage(m.text, { sentAt: m.sent_at });
  } catch (e) {
    crashes.push(`${m.id}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
    a = { lang: 'ru', langs: [], signals: [], tried_steps: [], details: [] };
  }
  tMsg += performance.now() - t0;
  const gold = m.gold.signals ?? [];
  msgPairs.push({ gold, pred: a.signals });
  const gSteps = m.gold.tried_steps ?? [];
  goldSteps += gSteps.length;
  predSteps += a.tried_steps.length;
  const hit = matchSteps(gSteps, a.tried_steps);
  matchedSteps += hit;
  if (gold.includes('tried_steps') === a.signals.includes('tried_steps')) stepSignalRight++;
  const d = diff(gold, a.signals);
  if (d || hit < gSteps.length || a.tried_steps.length > hit) {
    const steps = hit < gSteps.length || a.tried_steps.length > hit ? `\n    steps gold ${JSON.stringify(gSteps)} vs predicted ${JSON.stringify(a.tried_steps)}` : '';
    errors.push(`${m.id} [${gold.join(', ') || '—'}] vs [${a.signals.join(', ') || '—'}]${d ? `: ${d}` : ''}${steps}`);
  }
}

let tReply = 0;
const replyPairs: { gold: string[]; pred: string[] }[] = [];
let goldPromises = 0;
let predPromises = 0;
let matchedPromises = 0;
let rightDues = 0;
for (const r of replies) {
  const t0 = performance.now();
  let a: ReturnType<typeof coachReply>;
  try {
    a = coachReply(r.text, { customerMessage: r.customer_message, context: r.context ?? {}, sentAt: r.sent_at, timeZone: r.time_zone ?? 'UTC' });
  } catch (e) {
    crashes.push(`${r.id}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
    a = { lang: 'ru', flags: [], promises: [], details: [], suggestions: [] };
  }
  tReply += performance.now() - t0;
  const gold = r.gold.flags ?? [];
  replyPairs.push({ gold, pred: a.flags });
  const gs = goldSpans(r.text, r.gold.promises ?? []);
  const ps: Span[] = a.promises.map((p) => ({ start: p.start, end: p.end, due: p.due, text: p.text }));
  const pairs = matchPromises(gs, ps);
  goldPromises += gs.length;
  predPromises += ps.length;
  matchedPromises += pairs.length;
  const dueOk = pairs.filter(([g, p]) => sameDue(g.due, p.due));
  rightDues += dueOk.length;
  const d = diff(gold, a.flags);
  const lines: string[] = [];
  for (const g of gs) {
    const m = pairs.find(([x]) => x === g);
    if (!m) lines.push(`    promise missed: «${g.text}» due ${g.due}`);
    else if (!sameDue(g.due, m[1].due)) lines.push(`    due wrong: «${g.text}» gold ${g.due} vs predicted ${m[1].due}`);
  }
  for (const p of ps) if (!pairs.some(([, x]) => x === p)) lines.push(`    promise extra: «${p.text}» due ${p.due}`);
  if (d || lines.length) errors.push(`${r.id} [${gold.join(', ') || '—'}] vs [${a.flags.join(', ') || '—'}]${d ? `: ${d}` : ''}${lines.length ? '\n' + lines.join('\n') : ''}`);
}

const msg = scoreLabels(SIGNALS, msgPairs);
const rep = scoreLabels(FLAGS, replyPairs);
const promises = {
  gold: goldPromises, predicted: predPromises, matched: matchedPromises,
  precision: ratio(matchedPromises, predPromises), recall: ratio(matchedPromises, goldPromises),
  dueAccuracyDetected: ratio(rightDues, matchedPromises), dueAccuracyAll: ratio(rightDues, goldPromises),
};
const triedSteps = {
  signalAccuracy: ratio(stepSignalRight, messages.length), goldSteps, predictedSteps: predSteps, matchedSteps,
  stepRecall: ratio(matchedSteps, goldSteps), stepPrecision: ratio(matchedSteps, predSteps),
};
const threatPrecision = { threat_regulator: msg.labels.threat_regulator.precision, threat_public: msg.labels.threat_public.precision };
const targets = [
  { name: 'message signals macro-F1', value: msg.macroF1, target: 0.9 },
  { name: 'reply flags macro-F1', value: rep.macroF1, target: 0.85 },
  { name: 'threat_regulator precision', value: threatPrecision.threat_regulator, target: 0.95 },
  { name: 'threat_public precision', value: threatPrecision.threat_public, target: 0.95 },
  { name: 'promise due accuracy (detected)', value: promises.dueAccuracyDetected, target: 0.9 },
].map((t) => ({ ...t, ok: t.value !== null && t.value >= t.target }));

// ---- print ----

const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
function labelTable(title: string, labels: Record<string, LabelScore>): string {
  const w = Math.max(...Object.keys(labels).map((k) => k.length), 5);
  const head = `${title.padEnd(w)}  support  predicted  precision  recall     F1`;
  const rows = Object.entries(labels).map(([k, l]) =>
    `${k.padEnd(w)}  ${String(l.support).padStart(7)}  ${String(l.predicted).padStart(9)}  ${fmt(l.precision).padStart(9)}  ${fmt(l.recall).padStart(6)}  ${fmt(l.f1).padStart(5)}`);
  return [head, '-'.repeat(head.length), ...rows].join('\n');
}

if (SHOW_ERRORS) {
  console.log(`Wrong items (${errors.length}): id [gold] vs [predicted]`);
  for (const e of errors) console.log(`  ${e}`);
  console.log('');
}
console.log(`Analyzer evaluation — split ${SPLIT}: ${messages.length} messages, ${replies.length} replies (${DIR === import.meta.dirname ? 'server/analyzer/eval' : DIR})\n`);
console.log(labelTable('signal', msg.labels));
console.log(`macro-F1 ${fmt(msg.macroF1)}; exact signal set ${fmt(msg.exactMatch)}\n`);
console.log(`tried_steps: signal accuracy ${fmt(triedSteps.signalAccuracy)}; steps: ${goldSteps} gold, ${predSteps} predicted, ${matchedSteps} matched — recall ${fmt(triedSteps.stepRecall)}, precision ${fmt(triedSteps.stepPrecision)}\n`);
console.log(labelTable('flag', rep.labels));
console.log(`macro-F1 ${fmt(rep.macroF1)}; exact flag set ${fmt(rep.exactMatch)}\n`);
console.log(`promises: ${goldPromises} gold, ${predPromises} predicted, ${matchedPromises} matched — precision ${fmt(promises.precision)}, recall ${fmt(promises.recall)}`);
console.log(`due accuracy: ${fmt(promises.dueAccuracyDetected)} of detected, ${fmt(promises.dueAccuracyAll)} of all gold promises\n`);
console.log(`time: ${fmt(messages.length ? tMsg / messages.length : null)} ms per message, ${fmt(replies.length ? tReply / replies.length : null)} ms per reply\n`);
if (crashes.length) console.log(`analyzer threw on ${crashes.length} item(s), scored as empty:\n  ${crashes.join('\n  ')}\n`);
console.log('Targets');
for (const t of targets) console.log(`  ${t.ok ? '✅' : '❌'} ${t.name}: ${fmt(t.value)} (≥ ${t.target.toFixed(2)})`);

let commit = 'nogit';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
} catch {
  // not a git checkout
}
const report = {
  generatedAt: new Date().toISOString(), commit, split: SPLIT, counts: { messages: messages.length, replies: replies.length },
  messages: { ...msg, triedSteps }, replies: rep, threatPrecision, promises, targets,
  msPerItem: { message: messages.length ? r3(tMsg / messages.length) : null, reply: replies.length ? r3(tReply / replies.length) : null },
  wrongItems: errors.length, crashes,
};
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, JSON.stringify(report, null, 2) + '\n');
console.log(`\nwritten: ${path.relative(process.cwd(), OUT)}`);
