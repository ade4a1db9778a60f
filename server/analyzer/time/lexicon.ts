// Word tables for time expressions (normalized: lowercase, ё→е).

function forms(map: Record<string, string[]>): Map<string, number> {
  const m = new Map<string, number>();
  for (const [k, list] of Object.entries(map)) for (const w of list) m.set(w, +k);
  return m;
}

function caseForms(stem: string, ends: string[]): string[] {
  return ends.map((e) => stem + e);
}
const MASC = ['', 'а', 'у', 'ом', 'е'];
const FEM = ['а', 'у', 'ы', 'е', 'ой'];

/** weekday word → 1 (Monday) … 7 (Sunday); abbreviations separately */
export const WEEKDAYS = forms({
  1: [...caseForms('понедельник', MASC), 'monday'],
  2: [...caseForms('вторник', MASC), 'tuesday'],
  3: ['среду', 'среды', 'среде', 'wednesday'],
  4: [...caseForms('четверг', MASC), 'thursday'],
  5: [...caseForms('пятниц', FEM), 'пятницей', 'friday'],
  6: [...caseForms('суббот', FEM), 'saturday'],
  7: ['воскресенье', 'воскресенья', 'воскресенью', 'воскресеньем', 'воскресении', 'воскресение', 'sunday'],
});
/** «среды» / «среде» also mean "environment": only after these prepositions */
export const SREDA_PREPS: Record<string, string[]> = { __proto__: null as never, среды: ['до', 'с', 'со', 'после'], среде: ['к', 'ко'] };

/** short weekday names: only after a preposition or written capitalized (English) */
export const WEEKDAY_ABBR = forms({
  1: ['пн', 'mon'],
  2: ['вт', 'tue', 'tues'],
  3: ['ср', 'wed'],
  4: ['чт', 'thu', 'thur', 'thurs'],
  5: ['пт', 'fri'],
  6: ['сб', 'sat'],
  7: ['вс', 'sun'],
});

/** modifiers before a weekday: 'this' = on or after today, 'next' = strictly after today */
export const WEEKDAY_MOD: Record<string, 'this' | 'next'> = {
  __proto__: null as never,
  this: 'this', эту: 'this', этот: 'this', этой: 'this', этого: 'this', этому: 'this',
  next: 'next', coming: 'next', следующий: 'next', следующую: 'next', следующей: 'next', следующего: 'next',
  следующему: 'next', ближайший: 'next', ближайшую: 'next', ближайшей: 'next', ближайшего: 'next',
};

const RU_MONTHS: [string, string[]][] = [
  ['январ', ['ь', 'я', 'е', 'ю', 'ем']],
  ['феврал', ['ь', 'я', 'е', 'ю', 'ем']],
  ['март', ['', 'а', 'е', 'у', 'ом']],
  ['апрел', ['ь', 'я', 'е', 'ю', 'ем']],
  ['ма', ['й', 'я', 'е', 'ю', 'ем']],
  ['июн', ['ь', 'я', 'е', 'ю', 'ем']],
  ['июл', ['ь', 'я', 'е', 'ю', 'ем']],
  ['август', ['', 'а', 'е', 'у', 'ом']],
  ['сентябр', ['ь', 'я', 'е', 'ю', 'ем']],
  ['октябр', ['ь', 'я', 'е', 'ю', 'ем']],
  ['ноябр', ['ь', 'я', 'е', 'ю', 'ем']],
  ['декабр', ['ь', 'я', 'е', 'ю', 'ем']],
];
const EN_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_ABBR = [
  ['янв', 'jan'], ['фев', 'февр', 'feb'], ['мар', 'mar'], ['апр', 'apr'], [], ['июн', 'jun'], ['июл', 'jul'],
  ['авг', 'aug'], ['сен', 'сент', 'sep', 'sept'], ['окт', 'oct'], ['ноя', 'нояб', 'nov'], ['дек', 'dec'],
];

/** full month names in any case → 1…12 */
export const MONTHS = new Map<string, number>();
/** abbreviations → 1…12 (only next to a day number) */
export const MONTHS_ABBR = new Map<string, number>();
RU_MONTHS.forEach(([stem, ends], i) => ends.forEach((e) => MONTHS.set(stem + e, i + 1)));
EN_MONTHS.forEach((w, i) => MONTHS.set(w, i + 1));
MONTH_ABBR.forEach((list, i) => list.forEach((w) => MONTHS_ABBR.set(w, i + 1)));
/** English month names that are also common words: alone they need a capital letter */
export const MONTH_AMBIGUOUS = new Set(['may', 'march']);

/** number words (hours, quantities) */
export const NUMBER_WORDS = forms({
  1: ['один', 'одна', 'одну', 'одного', 'одной', 'одному', 'one', 'a', 'an'],
  2: ['два', 'две', 'двух', 'двум', 'двое', 'two', 'пару', 'пары', 'пара', 'парочку', 'couple'],
  3: ['три', 'трех', 'трем', 'трое', 'three'],
  4: ['четыре', 'четырех', 'четырем', 'четверо', 'four'],
  5: ['пять', 'пяти', 'five'],
  6: ['шесть', 'шести', 'six'],
  7: ['семь', 'семи', 'seven'],
  8: ['восемь', 'восьми', 'eight'],
  9: ['девять', 'девяти', 'nine'],
  10: ['десять', 'десяти', 'ten'],
  11: ['одиннадцать', 'одиннадцати', 'eleven'],
  12: ['двенадцать', 'двенадцати', 'twelve'],
  14: ['четырнадцать', 'четырнадцати', 'fourteen'],
  15: ['пятнадцать', 'пятнадцати', 'fifteen'],
  20: ['двадцать', 'двадцати', 'twenty'],
  30: ['тридцать', 'тридцати', 'thirty'],
  40: ['сорок', 'сорока', 'forty'],
  48: [],
  50: ['пятьдесят', 'пятидесяти', 'fifty'],
  1.5: ['полтора', 'полторы', 'полутора'],
});
/** tens that take a following unit word: «двадцать четыре», "twenty-four" */
export const TENS = new Set([20, 30, 40, 50]);
/** quantities too vague for a due time */
export const VAGUE_QTY = new Set(['несколько', 'нескольких', 'пару-тройку', 'few', 'several', 'some']);

export type Unit = 'min' | 'h' | 'd' | 'w' | 'mo';
export const UNITS = new Map<string, Unit>();
for (const w of ['минута', 'минуты', 'минут', 'минуту', 'минутой', 'мин', 'min', 'mins', 'minute', 'minutes']) UNITS.set(w, 'min');
for (const w of ['час', 'часа', 'часов', 'часу', 'ч', 'hour', 'hours', 'hr', 'hrs', 'h']) UNITS.set(w, 'h');
for (const w of ['день', 'дня', 'дней', 'днем', 'day', 'days']) UNITS.set(w, 'd');
for (const w of ['неделя', 'недели', 'недель', 'неделю', 'неделей', 'week', 'weeks', 'wk', 'wks']) UNITS.set(w, 'w');
for (const w of ['месяц', 'месяца', 'месяцев', 'month', 'months']) UNITS.set(w, 'mo');
/** 24-hour units */
export const DAY24 = new Set(['сутки', 'суток']);
/** single words that are a whole quantity with unit */
export const UNIT_WORDS: Record<string, [number, Unit]> = { __proto__: null as never, полчаса: [30, 'min'], получаса: [30, 'min'] };
export const BUSINESS = new Set(['рабочих', 'рабочий', 'рабочего', 'рабочие', 'рабочую', 'business', 'working']);
export const CALENDAR_ADJ = new Set(['календарных', 'календарный', 'календарного', 'calendar']);

/** hour words: «12 часов», «15 ч» */
export const HOUR_WORDS = new Set(['час', 'часа', 'часов', 'ч', "o'clock", 'oclock']);
/** day-part words after an hour: «10 утра», «3 часа дня» */
export const HOUR_PARTS: Record<string, 'am' | 'day' | 'pm' | 'night'> = {
  __proto__: null as never,
  утра: 'am', дня: 'day', вечера: 'pm', ночи: 'night',
};
export const AMPM: Record<string, 'am' | 'pm'> = { __proto__: null as never, am: 'am', pm: 'pm', a: 'am', p: 'pm' };

/** words after which a bare number is no hour («до 5 раз», «в 3 этапа») */
export const NOT_AFTER_BARE = new Set([
  'раз', 'раза', 'рублей', 'руб', 'р', 'рубля', 'рубль', 'лет', 'года', 'год', 'штук', 'шт', 'человек', 'тыс', 'млн',
  'мб', 'гб', 'кб', 'mb', 'gb', 'kb', 'процентов', 'этапа', 'этапов', 'дня', 'дней', 'день', 'числа', 'числу',
  'times', 'users', 'items', 'people', 'orders', 'percent', 'days', 'day', 'weeks', 'months', 'минут', 'минуты',
  'заказов', 'писем', 'пользователей', 'клиентов', 'месяцев', 'недель', 'недели', 'сотрудников', 'x', 'х', 'th', 'st', 'nd', 'rd',
  'го', 'е', 'ого', 'м', 'мм', 'см', 'кг', 'g', 'kg', 'usd', 'eur', 'долларов', 'евро',
]);
/** after «в»/"at" a bare number needs the end, punctuation or one of these words after it */
export const BARE_OK_AFTER = new Set([
  'и', 'или', 'and', 'or', 'мы', 'я', 'we', 'i', 'you', 'вам', 'вас', 'по', 'мск', 'msk', 'ровно', 'sharp', 'утра',
  'вечера', 'дня', 'ночи', 'сегодня', 'завтра', 'today', 'tomorrow', 'tonight', 'on', 'this', 'next',
]);

/** prepositions before a time component; value: how strongly a bare number after it is an hour */
export const PREPS: [string, 0 | 1 | 2][] = [
  ['не позднее чем', 2], ['не позднее', 2], ['не позже чем', 2], ['не позже', 2], ['no later than', 2],
  ['not later than', 2], ['до', 2], ['к', 2], ['ко', 2], ['by', 2], ['until', 2], ['till', 2], ['til', 2],
  ['before', 2], ['около', 2], ['примерно', 2], ['around', 2], ['ориентировочно', 0], ['approximately', 0],
  ['в', 1], ['во', 1], ['at', 1], ['на', 0], ['on', 0], ['for', 0], ['с', 2], ['со', 2], ['from', 2],
  ['ровно', 1], ['about', 0], ['to', 0], ['in', 0], ['during', 0], ['по', 0],
];
