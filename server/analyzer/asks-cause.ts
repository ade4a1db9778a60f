// Does a customer message ask why something happened? Feeds the reply coach's
// `customer_asked_cause` context. A simple ru/en check; quoted history is ignored.

const L = '\\p{L}';
const word = (w: string) => `(?<!${L})${w}(?!${L})`;

const PATTERNS: RegExp[] = [
  // ru
  new RegExp(word('почему') + '(?!-?то)', 'iu'), // «почему-то» (for some reason) is no question
  new RegExp(word('отчего') + '(?!-?то)', 'iu'),
  new RegExp(word('из-за\\s+чего'), 'iu'),
  new RegExp(word('в\\s+ч[её]м') + '(?:\\s+(?:же|была|было|была\\s+бы|тут|там))?\\s+причин', 'iu'),
  new RegExp(word('ч[её]м') + '\\s+(?:это\\s+|было\\s+|это\\s+было\\s+)?(?:вызван|обусловлен)', 'iu'),
  new RegExp(word('по\\s+какой\\s+причине'), 'iu'),
  new RegExp(word('как(?:ова|ая|ие)') + '\\s+(?:была\\s+|были\\s+)?причин', 'iu'),
  new RegExp(word('что') + '\\s+(?:же\\s+|у\\s+вас\\s+|там\\s+)?(?:случилось|произошло|стряслось)', 'iu'),
  // en
  new RegExp(`(?<!(?:that's|that is|this is|which is|here's|here is)\\s+)${word('why')}`, 'iu'),
  new RegExp(word('how\\s+come'), 'iu'),
  new RegExp(word('what') + '\\s+(?:exactly\\s+|actually\\s+)?(?:happened|went\\s+wrong|caused|is\\s+causing|was\\s+the\\s+(?:cause|reason|problem|issue))', 'iu'),
  new RegExp(word("what(?:'s|\\s+is)") + '\\s+(?:the\\s+)?(?:cause|reason|root\\s+cause)', 'iu'),
  new RegExp(word('(?:the\\s+)?(?:cause|reason)') + '\\s+(?:for|of|behind)\\s+(?:this|that|it|the)', 'iu'),
];

/** The part the customer wrote now: quoted lines (>) and history below a reply header dropped. */
export function freshText(text: string): string {
  const out: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*-{2,}\s*(?:original message|исходное сообщение|пересылаемое сообщение|forwarded message)/i.test(line)) break;
    if (/(?:пишет|написал|написала|wrote)\s*:\s*$/i.test(line)) break;
    if (/^\s*>/.test(line)) continue;
    out.push(line);
  }
  return out.join('\n');
}

/** True when the message asks why / what caused the problem (почему, в чём причина, из-за чего, why, what happened…). */
export function asksCause(text: string): boolean {
  const fresh = freshText(text);
  return PATTERNS.some((p) => p.test(fresh));
}
