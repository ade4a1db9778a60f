// What a reply asks the customer to do, and whether the customer says they already did it.
import { liveRanges, norm, tokenize, type Token } from '../text.ts';

const RU_IMP = /^[а-яе-]{2,}(?:йте|ите|ьте)(?:сь)?$/;
// informal imperative opening a sentence: «Перезайди в игру», «Проверь кабель», «Попробуй ещё раз»
const RU_IMP_TY = /^(?:пере|вы|за|по|от|на|у|с|при|про|раз|до|о|в)[а-я]{2,}(?:и|й|ь)(?:сь|ся)?$/;
const RU_ADJ = /(?:ый|ий|ой|ей|ии|ки|ги|ты|сть|ние|ание)$|^(?:привет|пожалуйста|спасибо|вдруг|запись|очередь|связь|скорость|деньги|при|или|они|они|тут|эти|все|сами)$/;
/** the reply speaks to «ты» (then «Перезайди» is an instruction) */
const TY = new Set(['ты', 'тебе', 'тебя', 'тобой', 'твой', 'твоя', 'твои', 'твоё', 'твое', 'твоего', 'твоей', 'привет', 'напиши', 'пиши']);
const RU_NOT_IMP = new Set(['здравствуйте', 'извините', 'простите', 'хотите', 'захотите', 'видите', 'увидите', 'получите', 'будете', 'сможете', 'говорите', 'считаете']);
const RU_ADVISE = new Set(['рекомендуем', 'рекомендую', 'советуем', 'советую', 'попробуйте', 'нужно', 'необходимо', 'следует', 'просим', 'прошу', 'можете', 'стоит', 'можно', 'пробовали', 'лучше']);
const EN_IMP = new Set(`restart reboot clear reset check try log sign update reinstall install uninstall remove delete send reply call contact open go
click tap select enter use switch turn unplug plug disconnect connect confirm visit show review verify change set make run upload attach forward renew
share provide let download refresh close wait disable enable keep write email text re-enter re-login login logout cancel move pick bring collect
follow read power hold press scan insert take put add apply`.split(/\s+/));
const EN_NOT_AFTER_PLEASE = new Set(['note', 'be', 'bear', 'allow', 'accept', 'do', "don't", 'let', 'feel', 'rest', 'find', 'see']);
const EN_LEAD = new Set(['please', 'just', 'then', 'and', 'or', 'simply', 'kindly', 'first', 'also', 'now', 'try', 'to']);

const EN_WE = new Set(['i', 'we', "i'll", "we'll", "i've", "we've", "i'm", "we're", "i'd", "we'd"]);

export type Instruction = { sent: number; first: number; last: number; verb: number };

/** Sentences of the reply that tell the customer to do something, with the commanding word. */
export function instructions(tokens: Token[]): Instruction[] {
  const out: Instruction[] = [];
  let ty = false;
  for (let k = 0; k < tokens.length && !ty; k++) ty = TY.has(tokens[k]!.w);
  let s = 0;
  while (s < tokens.length) {
    let e = s;
    while (tokens[e + 1] && tokens[e + 1]!.sent === tokens[s]!.sent) e++;
    let verb = -1;
    let we = false;
    for (let i = s; i <= e && verb < 0; i++) {
      const t = tokens[i]!;
      const prev = i > s ? tokens[i - 1]! : undefined;
      // "I'll check it and write to you": a verb after «and» shares our subject, no order to the customer
      we ||= EN_WE.has(t.w);
      if (we && prev && (prev.w === 'and' || prev.w === 'then' || prev.w === 'also') && EN_IMP.has(t.w)) continue;
      if (RU_IMP.test(t.w) && !RU_NOT_IMP.has(t.w)) verb = i;
      else if (ty && i === s && RU_IMP_TY.test(t.w) && !RU_ADJ.test(t.w)) verb = i;
      else if (RU_ADVISE.has(t.w) && tokens.slice(i + 1, Math.min(e, i + 3) + 1).some((k) => /(?:ть|ти|ться|тись)$/.test(k.w))) verb = i;
      else if (prev?.w === 'you' && /^(?:have|did)$/.test(tokens[i - 2]?.w ?? '') && (/^[a-z]{3,}ed$/.test(t.w) || EN_IMP.has(t.w) || t.w === 'tried')) verb = i;
      else if ((prev?.w === 'please' || prev?.w === 'kindly') && !EN_NOT_AFTER_PLEASE.has(t.w) && /^[a-z-]+$/.test(t.w)) verb = i;
      else if (EN_IMP.has(t.w) && (!prev || prev.clause !== t.clause || EN_LEAD.has(prev.w) || (prev.w === 'you' && i - 2 >= s && /^(could|can|may|should|must)$/.test(tokens[i - 2]!.w)))) verb = i;
      else if ((t.w === 'can' || t.w === 'could') && tokens[i + 1]?.w === 'you' && i + 2 <= e) verb = i + 2;
      else if (t.w === 'you' && /^(can|may|should|need)$/.test(tokens[i + 1]?.w ?? '') && i + 2 <= e) verb = i + 2;
      else if (t.w === 'make' && tokens[i + 1]?.w === 'sure') verb = i;
      else if (t.w === 'recommend' || t.w === 'suggest') verb = i;
    }
    if (verb >= 0) out.push({ sent: tokens[s]!.sent, first: s, last: e, verb });
    s = e + 1;
  }
  return out;
}

const STOP = new Set(`the a an my our your you it its this that and or to of on in at for with from again also then just please try trying tried
could would can will out back up all any some there here not don't doesn't didn't get got did done do have has had was were been be is are
и в во на с со к ко по за из у о об от до все всё его ее её их мой моя мое моё мои свой свою свои ещё еще уже снова опять раз тоже потом даже
пожалуйста попробуйте пробовал пробовала пробовали попробовал попробовала проверьте проверил проверила проверили проверял проверяла проверить
если не ни что как так это вы мы я вам нам вас нас мне меня ли бы же или но а тут там make sure ensure`.split(/\s+/).map(norm));
const GENERIC_ROOTS = new Set(['друг', 'другo', 'anoth', 'other', 'диффе', 'diffe', 'можн', 'можно']);
/** «ещё раз», "again": the reply itself says the step is a repeat */
const AGAIN = new Set(['ещё', 'еще', 'снова', 'повторно', 'заново', 'again', 'опять']);
const PREFIX = /^(?:по|вы|за|о|с)(?=[а-я]{4})/;

/** Roots of words that name the same step or thing in other words (reboot = restart = «перезагрузить»). */
const SAME: Record<string, string[]> = {
  restart: ['перез', 'ребут', 'перег', 'ключа', 'ключ', 'включ', 'reboo', 'resta', 'power', 'unplu', 'cycle'],
  install: ['переу', 'reins', 'unins', 'устан', 'insta', 'снос', 'снес'],
  delete: ['удал', 'delet', 'remov'],
  cache: ['кэш', 'кеш', 'cach', 'cooki', 'кук'],
  clear: ['чист', 'clear', 'wipe'],
  browser: ['брауз', 'brows', 'chrom', 'хром', 'firef', 'safar', 'edge'],
  other: ['друг', 'anoth', 'diffe', 'other', 'иной', 'second'],
  login: ['reaut', 'reaun', 'выйд', 'выход', 'выйт', 'вышел', 'вышла', 'зайд', 'заход', 'войд', 'вошел', 'вошла', 'войт', 'вход', 'logou', 'log', 'sign', 'login', 'перел', 'relog', 'разлог', 'залог'],
  router: ['роуте', 'маршр', 'мод', 'route', 'modem', 'wi-fi', 'wifi', 'вайфа'],
  cable: ['cabl', 'кабел', 'прово', 'шнур', 'cord', 'wire'],
  connect: ['conne', 'plug', 'дключ', 'перет', 'воткн', 'вставл', 'встав', 'recon'],
  spam: ['спам', 'spam', 'junk'],
  folder: ['папк', 'folde'],
  update: ['бнов', 'updat', 'upgra', 'апдей'],
  reset: ['брось', 'брос', 'reset', 'восст', 'recov', 'restor'],
  password: ['парол', 'passw'],
  change: ['смен', 'chang', 'помен', 'замен', 'swap', 'switc', 'перек'],
  app: ['прилож', 'app', 'appli'],
  phone: ['телеф', 'смарт', 'phone', 'mobil', 'айфон', 'iphon', 'андро', 'andro', 'hands', 'аппар'],
  airplane: ['авиар', 'самол', 'airpl', 'fligh'],
  incognito: ['incog', 'инког', 'priva', 'приват'],
  card: ['карт', 'card'],
  pay: ['pay', 'paid', 'плат', 'оплат', 'заплат'],
  contact: ['conta', 'call', 'звон', 'свяж', 'связа', 'дозво'],
};
const CONCEPT = new Map<string, string>(Object.entries(SAME).flatMap(([k, v]) => v.map((r) => [r, k] as [string, string])));
/** steps that are enough by themselves when the reply names nothing else («перезайдите», "clear the cache") */
const THINGS = new Set(['router', 'phone', 'app', 'browser', 'card', 'cable', 'folder']);
const STRONG = new Set(['restart', 'install', 'cache', 'login', 'reset', 'update', 'incognito', 'airplane', 'spam']);

/** Content roots of tokens: stem without a common verb prefix, first 5 letters; synonyms share one root. */
export function roots(tokens: Token[], from: number, to: number): Set<string> {
  const out = new Set<string>();
  for (let i = from; i <= to; i++) {
    const t = tokens[i]!;
    if (t.w.length < 3 || t.num || STOP.has(t.w)) continue;
    const r = t.st.replace(PREFIX, '').slice(0, 5);
    out.add(CONCEPT.get(r) ?? CONCEPT.get(r.slice(0, 4)) ?? r);
  }
  return out;
}

/** past forms that describe the problem, not a step («перестал», «пропал») */
const PROBLEM_PAST = /^(?:перестал|пропал|сломал|упал|завис|слетел|пришл|списал|исчез|кончил|закончил|отвалил|глюч|тормоз|вылетел|сбил|стал|был)/;
const EN_ACTOR = new Set(['i', 'we', "i've", "we've", 'already', 'tried', "i'd", 'myself']);
const PAST = /^[а-яе-]{2,}(?:л|ла|ли|ло|лся|лась|лись|лось)$/;
const NOT_PAST = new Set(['был', 'была', 'были', 'было', 'стал', 'стала', 'стали', 'стало', 'пришел', 'пришло', 'пришла', 'пришли', 'сказали', 'обещали', 'писал', 'писала', 'звонил', 'звонила', 'мол', 'пол', 'стол', 'котел', 'цели', 'дали', 'вели']);
/** a past verb right after one of these tells what someone else did («продавец прислал», "the courier left") */
const OTHERS = new Set(`продавец курьер мастер оператор специалист сотрудник менеджер банк магазин сайт приложение система поддержка вы они он она
оно это seller courier technician engineer agent support you they he she it app site system bank store shop driver`.split(/\s+/));
const EN_PAST = /^(?:[a-z-]{3,}ed|did|tried|reset|re-login|already|rebooted|rerun)$/;

const CONTACT_VERBS = new Set(['звонил', 'звонила', 'писал', 'писала']);
const CONTACT_PLACES = /^(?:лини|горяч|чат|банк|оператор|поддержк|магазин|продав|курьер|служб|пункт|офис|отделени)/;
/** «я звонил на горячую линию банка», «писал в чат»: calling some other line is a step taken */
function contactStep(toks: Token[], s: number, e: number, w: string): boolean {
  if (!CONTACT_VERBS.has(w)) return false;
  for (let i = s; i <= e; i++) if (CONTACT_PLACES.test(toks[i]!.w)) return true;
  return false;
}

const EN_PASSIVE = new Set(['were', 'was', 'been', 'be', 'is', 'are', 'got', 'get', 'gets', 'being']);
/** "I restarted", "we already checked": the past form follows the actor closely; not "we were charged", "need this sorted" */
function enStep(toks: Token[], s: number, i: number): boolean {
  if (i > s && EN_PASSIVE.has(toks[i - 1]!.w)) return false;
  for (let k = i - 1; k >= s && k >= i - 3; k--) {
    if (toks[k]!.clause !== toks[i]!.clause) return false;
    if (EN_ACTOR.has(toks[k]!.w) || toks[i]!.w === 'already') return true;
  }
  return toks[i]!.w === 'tried' || toks[i]!.w === 'already';
}

function hasActor(toks: Token[], s: number, e: number): boolean {
  for (let i = s; i <= e; i++) if (EN_ACTOR.has(toks[i]!.w)) return true;
  return false;
}

const BRANDS = new Set(['chrom', 'хром', 'firef', 'safar', 'edge', 'opera', 'опер', 'яндек', 'iphon', 'айфон', 'andro', 'андро']);
const SEVERAL = new Set(['два', 'две', 'двух', 'три', 'трех', 'нескольких', 'несколько', 'разных', 'разные', 'two', 'three', 'several', 'multiple', 'different']);

/** Customer sentences that report steps taken (a past-tense action), as root sets. */
export function customerSteps(message: string, extra: string[] = []): Set<string>[] {
  const toks = tokenize(message, liveRanges(message));
  const out: Set<string>[] = [];
  let s = 0;
  while (s < toks.length) {
    let e = s;
    while (toks[e + 1] && toks[e + 1]!.sent === toks[s]!.sent) e++;
    let past = false;
    const actor = hasActor(toks, s, e);
    for (let i = s; i <= e && !past; i++) {
      const w = toks[i]!.w;
      const prev = i > s ? toks[i - 1]! : undefined;
      const byOther = !!prev && prev.clause === toks[i]!.clause && OTHERS.has(prev.w);
      past = ((PAST.test(w) && (!NOT_PAST.has(w) || contactStep(toks, s, e, w)) && !PROBLEM_PAST.test(w)) || (EN_PAST.test(w) && actor && enStep(toks, s, i))) && !byOther;
    }
    if (past) {
      const r = roots(toks, s, e);
      // «пробовал 2 карты», "tried two browsers": other ones were tried too
      // «пробовала Firefox»: a named browser or phone is another one than the first
      for (let i = s; i <= e; i++) if ((toks[i]!.num && Number(toks[i]!.w) >= 2 && Number(toks[i]!.w) <= 9) || SEVERAL.has(toks[i]!.w) || BRANDS.has(toks[i]!.st.slice(0, 5))) r.add('other');
      out.push(r);
    }
    s = e + 1;
  }
  for (const step of extra) {
    const t = tokenize(step);
    if (t.length) out.push(roots(t, 0, t.length - 1));
  }
  return out;
}

/** Does the piece [from, to] of the reply name something the customer already tried (a shared root)? */
export function triedBefore(tokens: Token[], from: number, to: number, steps: Set<string>[], min = 1): boolean {
  const r = [...roots(tokens, from, Math.min(to, tokens.length - 1))].filter((k) => !GENERIC_ROOTS.has(k));
  // min > 1: one shared word («перевод», "upload") may only name the problem, not a step taken
  return steps.some((s) => r.filter((k) => s.has(k)).length >= Math.min(min, r.length));
}

/** Instructions of the reply that repeat a step the customer already took (≥ 2 shared roots). */
export function repeatedSteps(tokens: Token[], ins: Instruction[], steps: Set<string>[]): Instruction[] {
  if (!steps.length) return [];
  return ins.filter((x) => {
    const r = roots(tokens, x.first, x.last);
    // the commanded action itself: the first content root from the commanding word on
    // (a generic command word — «проверьте», "try", "make sure" — leaves it open)
    const verb = [...roots(tokens, x.verb, x.verb)][0];
    // a restart/reinstall/re-login right after the command word is that step itself
    const near = roots(tokens, x.verb, Math.min(x.last, x.verb + 4));
    const strongNear = [...near].filter((k) => STRONG.has(k));
    // «проверьте папку «Спам»»: the folder belongs to the spam check
    const things = [...near].filter((k) => THINGS.has(k) && !(k === 'folder' && near.has('spam')));
    let again = false;
    for (let k = x.first; k <= x.last && !again; k++) again = AGAIN.has(tokens[k]!.w) && tokens[k - 1]?.w !== 'если' && tokens[k - 1]?.w !== 'if';
    return steps.some((s) => {
      let n = 0;
      let strong = false;
      for (const k of r) {
        if (!s.has(k)) continue;
        n++;
        strong ||= STRONG.has(k);
      }
      // the same things named in another request («возьмите роутер в офисе») are no repeated step
      if (strongNear.some((k) => s.has(k)) && things.every((k) => s.has(k))) return true;
      const act = verb === undefined || s.has(verb) || s.has('other') || strong || n >= 3;
      return (n >= 2 && act) || (strong && n === r.size) || (n >= 1 && again);
    });
  });
}

