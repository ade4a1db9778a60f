// Tried steps: what the customer already did to fix or diagnose the problem («перезагрузил роутер»,
// "cleared the cache"). Word lists are in lexicons/tried-steps.json.
import lex from './lexicons/tried-steps.json' with { type: 'json' };
import { negated } from './scope.ts';
import type { Token } from './text.ts';

export type Step = { text: string; first: number; last: number };

const VERBS_RU = lex.verbs.ru.map((v) => v.replace(/ё/g, 'е'));
const VERBS_EN = lex.verbs.en;
const OBJ_REQ = Object.entries(lex.objects_required).map(([k, v]) => [k.replace(/ё/g, 'е'), v.map((x) => x.replace(/ё/g, 'е'))] as const);
const CONTACT = lex.contact_verbs;
const US = lex.us_words;
const NOT_FIX = lex.not_fix;
const STAFF = new Set(lex.staff_subjects);
const FILLERS = new Set(lex.fillers.map((w) => w.replace(/ё/g, 'е')));
const STOP = new Set(lex.stop.map((w) => w.replace(/ё/g, 'е')));
const ASPECT = Object.entries(lex.aspect).sort((a, b) => b[0].length - a[0].length);
const IRR_RU = lex.irregular_past.ru as Record<string, string>;
const IRR_EN = lex.irregular_past.en as Record<string, string>;
const EN_PAST_SAME = new Set(['went', 'reset', 'ran', 'rebuilt', 'put', 'set', 'reran', 'rerun', 're-sent', 'resent', 'shut', 'did', 'made', 'got', 'took']);
const EN_BLOCK = new Set(['can', 'could', 'should', 'would', 'will', 'need', 'needs', 'want', 'please', 'to', "can't", "don't", "didn't", 'must', 'may', 'might', 'let']);
const FIRST_PERSON = new Set(['i', 'we', "i've", "we've", "i'd", "we'd", 'me', 'myself', 'ourselves']);
const OTHER_PERSON = new Set(['you', 'they', 'he', 'she', 'it', 'someone', 'somebody', 'agent', 'engineer', 'technician', 'support', 'driver', 'your']);
const PRONOUN = new Set(['его', 'её', 'ее', 'их', 'него', 'нее', 'неё', 'it', 'them', 'him', 'her']);
const WE = new Set(['мы', 'нас', 'нам', 'нами']);
const VAGUE = new Set(['все', 'всё', 'everything', 'all', 'что', 'что-то', 'something', 'anything', 'это', 'this', 'that']);

const isCyr = (w: string) => /[а-я]/.test(w);
const ruPast = (w: string) => /(л|ла|ли|ло|лся|лась|лись|лось)$/.test(w) || /(нес|вез)$/.test(w);
const ruInf = (w: string) => /(ть|ти|чь|ться|тись)$/.test(w);
const enPast = (w: string) => (w.length >= 5 && /ed$/.test(w)) || EN_PAST_SAME.has(w);
const enGerund = (w: string) => w.length >= 5 && /ing$/.test(w);

// verb prefixes indexed by their first 3 letters
const VERB_INDEX = new Map<string, string[]>();
for (const v of [...VERBS_RU, ...VERBS_EN]) {
  const k = v.slice(0, 3);
  const l = VERB_INDEX.get(k);
  if (l) l.push(v);
  else VERB_INDEX.set(k, [v]);
}

/** A past, infinitive or -ing form: ends a coordinated object («кэш и зайти…»). */
function verbLike(w: string): boolean {
  return isCyr(w) ? (w.length > 4 && ruPast(w)) || ruInf(w) : enPast(w) || enGerund(w);
}

const verbMemo = new Map<string, string | null>();

function verbOf(w: string): string | null {
  let r = verbMemo.get(w);
  if (r !== undefined) return r;
  r = null;
  const list = VERB_INDEX.get(w.slice(0, 3));
  if (list) for (const v of list) if (w.startsWith(v)) {
    r = v;
    break;
  }
  if (verbMemo.size >= 50_000) verbMemo.clear();
  verbMemo.set(w, r);
  return r;
}

/** Perfective, past form of a Russian past verb («перезагружал» → «перезагрузил»). */
function ruPerfective(raw: string): string {
  const w = raw.toLowerCase();
  const m = /^(.*?)(л|ла|ли|ло)(ся|сь)?$/.exec(w);
  if (!m) return w;
  const base = m[1]!.replace(/ё/g, 'е');
  for (const [from, to] of ASPECT) {
    if (base !== from) continue;
    if (to.includes('/')) {
      const [ms, f, pl] = to.split('/');
      return (m[2] === 'л' ? ms : m[2] === 'ла' ? f : pl) + (m[3] ?? '');
    }
    return to + m[2] + (m[3] ?? '');
  }
  return w;
}

/** A Russian infinitive as a past form agreeing with the «пробовал(а)» it depends on. */
function ruInfToPast(inf: string, gender: string): string {
  const w = inf.toLowerCase();
  if (IRR_RU[w]) {
    const p = IRR_RU[w]!;
    if (gender === 'ла') return p.replace(/ёл$/, 'ла').replace(/ел$/, 'ла').replace(/л$/, 'ла').replace(/ёс$/, 'есла');
    if (gender === 'ли') return p.replace(/ёл$/, 'ли').replace(/ел$/, 'ли').replace(/л$/, 'ли').replace(/ёс$/, 'если');
    return p;
  }
  const refl = /(ться|тись)$/.test(w);
  const base = w.replace(/(ться|тись)$/, '').replace(/(ть|ти)$/, '');
  const end = gender === 'ла' ? 'ла' : gender === 'ли' ? 'ли' : 'л';
  if (refl) return base + end + (end === 'л' ? 'ся' : 'сь');
  return base + end;
}

function enToPast(w: string): string {
  if (IRR_EN[w]) return IRR_EN[w]!;
  if (!enGerund(w)) return w;
  const b = w.slice(0, -3);
  if (/([bdgmnprt])\1$/.test(b)) return b.slice(0, -1) + 'ed';
  if (/[^aeiou][aeiou][bcdgkmnpstvz]$/.test(b) && b.length <= 4) return b + 'ed';
  if (/(at|iz|is|ov|ur|uc|iv|as|ag|ad|os|ur|ng|dg|rs|ac)$/.test(b) && !/(ash|ush)$/.test(b)) return b + 'ed';
  return b + 'ed';
}

function lowerCapitalized(raw: string): string {
  // keep acronyms (DNS, USB) and mixed case (iPhone), lower plain capitalized words
  if (raw.length === 1 && raw !== 'I') return raw.toLowerCase();
  if (raw.length > 1 && raw[0] === raw[0]!.toUpperCase() && raw.slice(1) === raw.slice(1).toLowerCase()) return raw.toLowerCase();
  return raw;
}

type Ctx = { text: string; toks: Token[] };

const PREP = new Set(['в', 'во', 'на', 'у', 'с', 'со', 'из', 'через', 'по', 'для', 'без', 'от', 'к', 'ко', 'под', 'при', 'за', 'о', 'об', 'про', 'над', 'около', 'in', 'on', 'at', 'from', 'with', 'via', 'for', 'to', 'into', 'onto', 'through']);

/** Object words after verb token v (same clause), ended by a stop word, another step verb or a second preposition. */
function objectAfter(c: Ctx, v: number, max = 4): number[] {
  const out: number[] = [];
  const { toks } = c;
  const clause = toks[v]!.clause;
  let preps = 0;
  for (let k = v + 1; k < toks.length && out.length < max; k++) {
    const t = toks[k]!;
    if (t.clause !== clause) break;
    if (t.w === 'и' || t.w === 'and') {
      const n = toks[k + 1];
      // «логин и пароль»: keep a coordinated object, not a new verb or phrase
      if (!out.length || !n || n.clause !== clause || PREP.has(n.w) || isStepVerbAt(c, k + 1) || verbLike(n.w) || STOP.has(n.w) || FILLERS.has(n.w)) break;
      out.push(k);
      continue;
    }
    if (STOP.has(t.w)) break;
    if (out.length && isStepVerbAt(c, k)) break;
    if (PREP.has(t.w) && ++preps > 1) break;
    out.push(k);
  }
  while (out.length) {
    const w = toks[out[out.length - 1]!]!.w;
    if (FILLERS.has(w) || PREP.has(w) || PRONOUN.has(w) || w === 'и' || w === 'and') out.pop();
    else break;
  }
  return out;
}

/** Fronted object words at the clause start, before verb token v («роутер перезагружал», «Реквизиты проверил»). */
function objectBefore(c: Ctx, v: number): number[] {
  const { toks } = c;
  let s = v;
  while (s > 0 && s > v - 9 && sameClause(c, s - 1, s)) s--;
  while (s < v && (FILLERS.has(toks[s]!.w) || toks[s]!.num)) s++;
  if (v - s > 5) {
    // a long run-on clause: take the words right before the verb instead
    const back: number[] = [];
    for (let k = v - 1; k > v - 4 && k >= 0 && sameClause(c, k, k + 1); k--) {
      const t = toks[k]!;
      if (FILLERS.has(t.w) || STOP.has(t.w) || PREP.has(t.w) || verbLike(t.w) || STAFF.has(t.w) || t.num) break;
      back.unshift(k);
    }
    return back;
  }
  const out: number[] = [];
  for (let k = s; k < v && out.length < 3; k++) {
    const t = toks[k]!;
    if (FILLERS.has(t.w) || t.num || STOP.has(t.w) || isStepVerbAt(c, k) || STAFF.has(t.w)) break;
    out.push(k);
  }
  return out;
}

/** Same clause, or split only by quote marks («Спам»). */
function sameClause(c: Ctx, a: number, b: number): boolean {
  const x = c.toks[a]!;
  const y = c.toks[b]!;
  if (x.clause === y.clause) return true;
  return x.sent === y.sent && /^[\s«»"“”„']+$/.test(c.text.slice(x.end, y.start));
}

function isStepVerbAt(c: Ctx, k: number): boolean {
  const t = c.toks[k];
  if (!t) return false;
  if (!verbOf(t.w)) return false;
  return isCyr(t.w) ? ruPast(t.w) || ruInf(t.w) : enPast(t.w) || enGerund(t.w);
}

function has(words: string[], list: string[]): boolean {
  const s = ' ' + words.join(' ') + ' ';
  return list.some((x) => (x.endsWith(' ') ? s.includes(' ' + x) : words.some((w) => w.startsWith(x))));
}

function staffSubject(c: Ctx, v: number): boolean {
  const { toks } = c;
  const clause = toks[v]!.clause;
  for (let k = v - 1; k >= 0 && toks[k]!.clause === clause && k >= v - 8; k--) if (STAFF.has(toks[k]!.w)) return true;
  // «вы», "you" right after the verb: «проверили вы»
  return false;
}

/** English: the nearest person before the verb in its sentence is I/we (or the verb opens the sentence). */
function enFirstPerson(c: Ctx, v: number): boolean {
  const { toks } = c;
  const sent = toks[v]!.sent;
  if (v > 0 && EN_BLOCK.has(toks[v - 1]!.w)) return false;
  for (let k = v - 1; k >= 0 && k >= v - 30 && toks[k]!.sent === sent; k--) {
    const w = toks[k]!.w;
    if (FIRST_PERSON.has(w)) return true;
    if (OTHER_PERSON.has(w) && !((w === 'it' || w === 'them') && k > 0 && verbOf(toks[k - 1]!.w))) return false;
  }
  // "Already tried …", "Then rebooted …": the subject left out
  let k = v - 1;
  while (k >= 0 && toks[k]!.sent === sent && EN_LEAD.has(toks[k]!.w)) k--;
  return (toks[v]!.w.endsWith('ed') || EN_PAST_SAME.has(toks[v]!.w)) && (k < 0 || toks[k]!.sent !== sent);
}
/** An English past verb opening its sentence (after lead words like "already", "then"). */
function enSubjectless(c: Ctx, v: number): boolean {
  const { toks } = c;
  const sent = toks[v]!.sent;
  let k = v - 1;
  while (k >= 0 && toks[k]!.sent === sent && EN_LEAD.has(toks[k]!.w)) k--;
  return (toks[v]!.w.endsWith('ed') || EN_PAST_SAME.has(toks[v]!.w)) && (k < 0 || toks[k]!.sent !== sent);
}
const EN_LEAD = new Set(['already', 'also', 'just', 'then', 'even', 'first', 'so', 'and', 'have', 'has', 'ok', 'okay', 'well', 'yes', 'yeah']);

/** "rebooted the router, moved it closer, updated firmware", "Steps so far: disabled IPv6": a clause-initial past verb in a list. */
function enListItem(c: Ctx, v: number, stepSents: Set<number>): boolean {
  const { toks, text } = c;
  const t = toks[v]!;
  if (!t.w.endsWith('ed') && !EN_PAST_SAME.has(t.w)) return false;
  const p = toks[v - 1];
  // "Reinstalled it twice and cleared its storage": a verb joined to a step of its sentence
  if (p && (p.w === 'and' || p.w === 'then') && stepSents.has(t.sent)) return true;
  if (p && p.clause === t.clause) return false;
  return stepSents.has(t.sent) || (!!p && text.slice(p.end, t.start).includes(':'));
}

function render(c: Ctx, verb: string, idx: number[]): string {
  const words = idx.map((k) => lowerCapitalized(c.text.slice(c.toks[k]!.start, c.toks[k]!.end)));
  return [verb, ...words].join(' ').trim();
}

/** Steps in the live tokens, in text order, without duplicates. */
export function extractSteps(text: string, toks: Token[], blocked: (k: number) => boolean = () => false): Step[] {
  const c: Ctx = { text, toks };
  const out: Step[] = [];
  const seen = new Set<string>();
  const push = (s: Step) => {
    const key = s.text.toLowerCase();
    if (!s.text || seen.has(key) || out.length >= 12) return;
    seen.add(key);
    out.push(s);
  };
  const used = new Set<number>();
  const stepSents = new Set<number>();
  let we: boolean | undefined;
  const weSpeaker = () => (we ??= toks.some((t) => WE.has(t.w)) || /с нашей стороны|on our side|on our end/i.test(text));
  // «Пароли сбрасывали, куки чистили — ничего»: plural steps with no «мы» count next to a failure or in a list of them
  let fails: Set<number> | undefined;
  let plural: Map<number, number> | undefined;
  const pluralOk = (sent: number) => {
    fails ??= failSentences(toks);
    if (fails.has(sent) || fails.has(sent + 1)) return true;
    if (!plural) {
      plural = new Map();
      for (const x of toks) if (isCyr(x.w) && /(ли|лись)$/.test(x.w) && verbOf(x.w)) plural.set(x.sent, (plural.get(x.sent) ?? 0) + 1);
    }
    return (plural.get(sent) ?? 0) >= 2;
  };
  for (let i = 0; i < toks.length && out.length < 12; i++) {
    const t = toks[i]!;
    // most words are no past step verb: one cached flag says so
    if (!(flags(t) & F_PAST_VERB) || used.has(i)) continue;
    const v = verbOf(t.w);
    if (!v) continue;
    const cyr = isCyr(t.w);
    if (cyr ? !ruPast(t.w) : !enPast(t.w)) continue;
    if (negated(toks, i) || blocked(i)) continue;
    if (cyr ? staffSubject(c, i) : !(enFirstPerson(c, i) || enListItem(c, i, stepSents))) continue;
    // «заменили», «отключили»: a plural past is the customer's only when they speak as «мы»
    if (cyr && /(ли|лись)$/.test(t.w) && !weSpeaker() && !pluralOk(t.sent)) continue;
    // «пробовал X, Y и Z» / "tried X and Y"
    if (v === 'пробовал' || v === 'попробовал' || v === 'tried' || v === 'пытал' || v === 'попытал') {
      const list = tryList(c, i, used);
      if (list.length) {
        for (const s of list) push(s);
        stepSents.add(t.sent);
        continue;
      }
    }
    let obj = objectAfter(c, i);
    const before = objectBefore(c, i);
    if (cyr && (!obj.length || before.length)) obj = [...before, ...obj];
    if (!obj.length && !cyr && (enSubjectless(c, i) || (toks[i + 1]?.clause === t.clause && ['to', 'into', 'out', 'off', 'over', 'back'].includes(toks[i + 1]!.w)))) {
      // "Reinstalled it twice.", "Switched to mobile data, still nothing.": an English step opening its sentence
      const rest: number[] = [];
      for (let k = i + 1; k < toks.length && k <= i + 4 && toks[k]!.clause === t.clause; k++) {
        const w = toks[k]!.w;
        if (k === i + 1 ? !['to', 'into', 'in', 'out', 'off', 'on', 'it', 'them', 'over', 'back'].includes(w) : STOP.has(w) && w !== 'to') break;
        rest.push(k);
      }
      push({ text: render(c, text.slice(t.start, t.end).toLowerCase(), rest), first: i, last: rest.length ? rest[rest.length - 1]! : i });
      stepSents.add(t.sent);
      continue;
    }
    if (!obj.length) {
      // «переподключался несколько раз», «Перезагрузил — не помогло», "reinstalled," in a list: the verb alone
      const reqd = OBJ_REQ.some(([k]) => t.w.startsWith(k));
      if ((cyr || stepSents.has(t.sent)) && !reqd && !CONTACT.some((x) => t.w.startsWith(x)) && !['пробовал', 'попробовал', 'пытал', 'попытал', 'tried'].includes(v)) {
        const verb = ruPerfective(text.slice(t.start, t.end));
        const rest = toks[i + 1] && toks[i + 1]!.clause === t.clause && /^(несколько|заново|повторно)$/.test(toks[i + 1]!.w) ? [i + 1] : [];
        if (rest.length && toks[i + 1]!.w === 'несколько' && toks[i + 2]?.w.startsWith('раз')) rest.push(i + 2);
        push({ text: render(c, cyr ? verb : text.slice(t.start, t.end).toLowerCase(), rest), first: i, last: rest.length ? rest[rest.length - 1]! : i });
        stepSents.add(t.sent);
      }
      continue;
    }
    const objWords = obj.map((k) => toks[k]!.w);
    if (objWords.every((w) => VAGUE.has(w) || FILLERS.has(w))) continue;
    if (has(objWords, NOT_FIX)) continue;
    const req = OBJ_REQ.find(([k]) => t.w.startsWith(k));
    if (req && !has(objWords, [...req[1]])) continue;
    if (CONTACT.some((x) => t.w.startsWith(x))) {
      if (has(objWords, US)) continue;
      // a contact needs an addressee: «в агентство», «куратору», "the bank"
      if (objWords.some((w) => /\d/.test(w) || /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|yesterday|today|morning|evening|week|month)$/.test(w))) continue;
      const head = objWords.find((w) => !FILLERS.has(w));
      if (!head || !(PREP.has(head) || /(у|ю|ам|ям|ому|ему)$/.test(head) || ['the', 'my', 'a', 'an', 'our'].includes(head))) continue;
      // a contact with no addressee («звонил вчера») is not a step
      if (!objWords.some((w) => !FILLERS.has(w) && !/^(вчера|сегодня|утром|вечером|днем|днём|on|last|yesterday|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday|по|этой|этому|проблеме|вопросу|about|this|regarding)$/.test(w))) continue;
    }
    const verb = cyr ? ruPerfective(text.slice(t.start, t.end)) : text.slice(t.start, t.end).toLowerCase();
    const ordered = obj.slice().sort((a, b) => a - b);
    push({ text: render(c, verb, ordered), first: Math.min(i, ordered[0]!), last: Math.max(i, ordered[ordered.length - 1]!) });
    stepSents.add(t.sent);
    for (const k of ordered) used.add(k);
  }
  for (const s of passiveSteps(text, toks, blocked, out)) push(s);
  for (const s of listSteps(c, out)) push(s);
  return out;
}

const LIST_HEAD = new RegExp(lex.list_headers.pattern, 'i');
const LIST_ITEM = /^[ \t]*(?:\d{1,2}[.)]|[-•*–])[ \t]*/;

/** «Что уже сделал:\n1) сброс роутера\n2) другой патч-корд»: noun-phrase list lines are steps too. */
function listSteps(c: Ctx, have: Step[]): Step[] {
  const { text, toks } = c;
  const out: Step[] = [];
  let pos = 0;
  let inList = false;
  let lines = 0;
  while (pos < text.length && lines < 400) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const line = text.slice(pos, Math.min(nl, pos + 300));
    lines++;
    if (line.trimEnd().endsWith(':') && LIST_HEAD.test(line)) inList = true;
    else if (inList) {
      const m = LIST_ITEM.exec(line);
      if (!m) {
        if (line.trim()) inList = false;
      } else {
        const start = pos + m[0].length;
        const end = pos + line.replace(/[\s.;,]+$/, '').length;
        let lo = 0;
        let hi = toks.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (toks[mid]!.start < start) lo = mid + 1;
          else hi = mid;
        }
        const first = lo < toks.length ? lo : -1;
        let last = first;
        while (first >= 0 && last + 1 < toks.length && toks[last + 1]!.end <= end && last - first < 6) last++;
        const covered = have.some((s) => s.first <= last && s.last >= first);
        if (first >= 0 && toks[first]!.start < end && !covered) {
          const raw = text.slice(toks[first]!.start, toks[last]!.end);
          out.push({ text: raw.charAt(0).toLowerCase() + raw.slice(1), first, last });
        }
      }
    }
    pos = nl + 1;
  }
  return out;
}

/** Items of a «пробовал перезагрузить роутер, сбросить настройки» / "tried restarting X and clearing Y" list. */
function tryList(c: Ctx, i: number, used: Set<number>): Step[] {
  const { toks, text } = c;
  const t = toks[i]!;
  const cyr = isCyr(t.w);
  const sent = t.sent;
  const gender = cyr ? (/ла(сь)?$/.test(t.w) ? 'ла' : /ли(сь)?$/.test(t.w) ? 'ли' : 'л') : '';
  const out: Step[] = [];
  let k = i + 1;
  if (!cyr && toks[k]?.w === 'to') k++;
  const isItem = (w: string) => (cyr ? ruInf(w) : enGerund(w) || (!!verbOf(w) && !enPast(w)));
  while (k < toks.length && toks[k]!.sent === sent) {
    const head = toks[k]!;
    if (!isItem(head.w)) {
      // skip linking words between items: «, и», ", and", "or", "to"
      if (['и', 'а', 'также', 'ещё', 'еще', 'and', 'or', 'или', 'to', 'also', 'even', 'then'].includes(head.w)) {
        k++;
        continue;
      }
      break;
    }
    const obj = objectAfter(c, k, 5).filter((x) => !isItem(toks[x]!.w) || x === k + 1);
    // stop the object at the next item
    const cut: number[] = [];
    for (const x of obj) {
      if (x > k + 1 && isItem(toks[x]!.w) && ['и', 'and', 'or', 'или'].includes(toks[x - 1]!.w)) break;
      cut.push(x);
    }
    while (cut.length && ['и', 'and', 'or', 'или'].includes(toks[cut[cut.length - 1]!]!.w)) cut.pop();
    const verb = cyr ? ruInfToPast(text.slice(head.start, head.end), gender) : enToPast(head.w);
    const objWords = cut.map((x) => toks[x]!.w);
    if (!has(objWords, NOT_FIX)) out.push({ text: render(c, verb, cut), first: k, last: cut.length ? cut[cut.length - 1]! : k });
    used.add(k);
    for (const x of cut) used.add(x);
    k = cut.length ? cut[cut.length - 1]! + 1 : k + 1;
  }
  if (!out.length && !cyr) {
    // "tried on my partner's phone", "tried another browser"
    const obj = objectAfter(c, i);
    if (obj.length && !obj.every((x) => VAGUE.has(toks[x]!.w))) out.push({ text: render(c, 'tried', obj), first: i, last: obj[obj.length - 1]! });
  }
  if (!out.length && cyr) {
    const obj = objectAfter(c, i);
    if (obj.length && !obj.every((x) => VAGUE.has(toks[x]!.w))) out.push({ text: render(c, ruPerfective(text.slice(t.start, t.end)), obj), first: i, last: obj[obj.length - 1]! });
  }
  return out;
}

// ---- passive / participle steps and step nouns followed by a failure

const PART_RU = lex.participles.ru.map((v) => v.replace(/ё/g, 'е'));
const PART_EN = new Set(lex.participles.en);
const NOM_RU = lex.nominal.ru.map((v) => v.replace(/ё/g, 'е'));
const NOM_EN = lex.nominal.en;
const FAIL = lex.nominal.fail.map((f) => f.replace(/ё/g, 'е').split(' '));
/** passives that are fixes whoever did them ("the router has been rebooted") */
const EN_FIX = new Set(['rebooted', 'restarted', 'reinstalled', 'power-cycled', 'flushed', 'reseated', 'cleared']);
const BE_EN = new Set(['was', 'were', 'been', 'got', 'is', 'are', 'has', 'have']);
const PART_END_RU = /(н|на|но|ны|т|та|то|ты|нный|нная|нное|нные|нного|нную|нным|тый|тая|тое|тые)$/;

const isPartRu = (w: string) => PART_END_RU.test(w) && PART_RU.some((p) => w.startsWith(p));
const FAIL_HEADS = new Set(FAIL.map((f) => f[0]!));
const F_PART_RU = 1;
const F_NOM = 2;
const F_PART_EN = 4;
const F_FAIL = 8;
const F_SET = 16;
/** a step verb in a past form (the main loop's candidates) */
const F_PAST_VERB = 32;
/** «сделан», «выполнен», «проведён» (+ a step noun) */
const F_DONE = 64;
const flagMemo = new Map<string, number>();

/** What a word can be here (participle, step noun, failure head), remembered per word. */
function flags(t: Token): number {
  const info = t.info;
  let f = info ? info.steps : flagMemo.get(t.w);
  if (f !== undefined) return f;
  const w = t.w;
  f = F_SET;
  if (w.length >= 4 && !t.num) {
    if (isCyr(w)) {
      if (isPartRu(w)) f |= F_PART_RU;
      if (NOM_RU.some((p) => w.startsWith(p))) f |= F_NOM;
    } else {
      if (PART_EN.has(w)) f |= F_PART_EN;
      if (NOM_EN.some((p) => w === p || (p.length > 5 && w.startsWith(p)))) f |= F_NOM;
    }
  }
  if (FAIL_HEADS.has(w)) f |= F_FAIL;
  if (/^(сделан|выполнен|проведен)/.test(w)) f |= F_DONE;
  if (w.length >= 3 && !t.num && verbOf(w) && (isCyr(w) ? ruPast(w) : enPast(w))) f |= F_PAST_VERB;
  if (info) info.steps = f;
  else {
    if (flagMemo.size >= 50_000) flagMemo.clear();
    flagMemo.set(w, f);
  }
  return f;
}

/** Does a failure phrase («не помогло», "didn't help") start at token k? */
const FAIL_BY_HEAD = new Map<string, string[][]>();
for (const f of FAIL) {
  const l = FAIL_BY_HEAD.get(f[0]!);
  if (l) l.push(f);
  else FAIL_BY_HEAD.set(f[0]!, [f]);
}

function failAt(toks: Token[], k: number): number {
  const list = FAIL_BY_HEAD.get(toks[k]!.w);
  if (!list) return 0;
  for (const f of list) {
    let ok = true;
    for (let j = 0; j < f.length; j++) {
      const t = toks[k + j];
      if (!t || t.sent !== toks[k]!.sent || !(j === f.length - 1 ? t.w.startsWith(f[j]!) : t.w === f[j])) {
        ok = false;
        break;
      }
    }
    if (ok) return f.length;
  }
  return 0;
}

/** Sentences holding a failure phrase (the step did not help). */
export function failSentences(toks: Token[]): Set<number> {
  const out = new Set<number>();
  for (let k = 0; k < toks.length; k++) if (flags(toks[k]!) & F_FAIL && failAt(toks, k)) out.add(toks[k]!.sent);
  return out;
}

/** «роутер перепрошит», «провода проверены», "the router was rebooted", «сброс роутера не помог». */
export function passiveSteps(text: string, toks: Token[], blocked: (k: number) => boolean, have: Step[]): Step[] {
  const out: Step[] = [];
  const covered = (a: number, b: number) => have.some((s) => s.first <= b && s.last >= a) || out.some((s) => s.first <= b && s.last >= a);
  const word = (k: number) => lowerCapitalized(text.slice(toks[k]!.start, toks[k]!.end));
  const fails = failSentences(toks);
  // a lone participle may be the problem («приложение обновлено и не запускается»): it is a step next to a failure or in a list of them
  const parts = new Map<number, number>();
  for (const t of toks) if (flags(t) & (F_PART_RU | F_PART_EN)) parts.set(t.sent, (parts.get(t.sent) ?? 0) + 1);
  const partOk = (sent: number) => fails.has(sent) || fails.has(sent + 1) || (parts.get(sent) ?? 0) >= 2;
  for (let i = 0; i < toks.length && out.length < 8; i++) {
    const t = toks[i]!;
    const fl = flags(t);
    if (!(fl & (F_PART_RU | F_PART_EN | F_NOM | F_DONE)) || blocked(i)) continue;
    const cyr = isCyr(t.w);
    let step: Step | null = null;
    if (/^(сделан|выполнен|проведен)/.test(t.w) && toks[i + 1] && toks[i + 1]!.clause === t.clause && flags(toks[i + 1]!) & F_NOM && !negated(toks, i)) {
      // «Был сделан сброс настроек»
      let e = i + 1;
      while (e + 1 < toks.length && e - i < 3 && toks[e + 1]!.clause === t.clause && !STOP.has(toks[e + 1]!.w)) e++;
      const idx: number[] = [];
      for (let k = i; k <= e; k++) idx.push(k);
      step = { text: idx.map(word).join(' '), first: i, last: e };
    } else if (fl & F_PART_RU && partOk(t.sent) && !negated(toks, i)) {
      // the noun: after a fronted participle («переустановленный драйвер», «перепрошит на …»), else before it («роутер перепрошит»)
      const before: number[] = [];
      for (let k = i - 1; k >= 0 && k >= i - 3 && toks[k]!.clause === t.clause; k--) {
        const w = toks[k]!.w;
        if (/^(был|была|было|были|уже|и|тоже|также|даже|все|всё|весь)$/.test(w)) continue;
        if (STOP.has(w) || FILLERS.has(w) || PREP.has(w) || toks[k]!.num) break;
        before.unshift(k);
        if (before.length >= 2) break;
      }
      const after: number[] = [];
      for (let k = i + 1; k < toks.length && k <= i + 3 && toks[k]!.clause === t.clause; k++) {
        const w = toks[k]!.w;
        if (STOP.has(w) || verbLike(w)) break;
        after.push(k);
      }
      const obj = before.length ? before : after.filter((k) => !PREP.has(toks[k]!.w) || k !== after[after.length - 1]);
      if (obj.length) {
        const idx = [...obj, i].sort((a, b) => a - b);
        step = { text: idx.map(word).join(' '), first: idx[0]!, last: idx[idx.length - 1]! };
      }
    } else if (fl & F_PART_EN && (partOk(t.sent) || EN_FIX.has(t.w)) && i > 0 && BE_EN.has(toks[i - 1]!.w) && toks[i - 1]!.sent === t.sent && !negated(toks, i)) {
      // "the router was rebooted", "cables were checked": the subject before the verb
      const subj: number[] = [];
      for (let k = i - 2; k >= 0 && k >= i - 5 && toks[k]!.clause === t.clause; k--) {
        const w = toks[k]!.w;
        if (BE_EN.has(w) || w === 'been' || w === 'already' || w === 'also') continue;
        if (STOP.has(w) || FIRST_PERSON.has(w) || ['the', 'a', 'an', 'my', 'our', 'it'].includes(w)) break;
        subj.unshift(k);
        if (subj.length >= 2) break;
      }
      if (subj.length && !subj.some((k) => STAFF.has(toks[k]!.w))) step = { text: [t.w, ...subj.map(word)].join(' '), first: subj[0]!, last: i };
    } else if (fl & F_NOM && fails.has(t.sent) && !negated(toks, i)) {
      // a step noun or gerund as the subject of a failure: «сброс роутера не помог», "restarting the app didn't help"
      {
        let e = i;
        while (e + 1 < toks.length && e - i < 4 && toks[e + 1]!.clause === t.clause && !failAt(toks, e + 1) && !STOP.has(toks[e + 1]!.w)) e++;
        let f = e + 1;
        const fl = f < toks.length ? failAt(toks, f) : 0;
        if (fl || (toks[f] && toks[f]!.sent === t.sent && toks[f]!.clause !== t.clause)) {
          const idx: number[] = [];
          for (let k = i; k <= e; k++) idx.push(k);
          step = { text: idx.map(word).join(' '), first: i, last: e };
        }
        f = 0;
      }
    }
    if (!step || covered(step.first, step.last)) continue;
    const objWords = [];
    for (let k = step.first; k <= step.last; k++) objWords.push(toks[k]!.w);
    if (has(objWords, NOT_FIX)) continue;
    out.push(step);
  }
  return out;
}
