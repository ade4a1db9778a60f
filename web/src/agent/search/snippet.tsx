// The server's snippet: HTML-escaped text whose only markup is <mark>…</mark>. Rendered as React
// text and <mark> elements, never as HTML.
import type { ReactNode } from 'react';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: '\u00a0' };

export function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27|nbsp);/g, (_, e: string) => ENTITIES[e]);
}

/** Text parts and marked parts, in order; an unbalanced tag just toggles (nothing else is markup). */
export function splitSnippet(s: string): { text: string; mark: boolean }[] {
  const out: { text: string; mark: boolean }[] = [];
  let mark = false;
  for (const part of s.split(/(<\/?mark>)/)) {
    if (part === '<mark>') mark = true;
    else if (part === '</mark>') mark = false;
    else if (part) out.push({ text: decodeEntities(part), mark });
  }
  return out;
}

export function Snippet({ html }: { html: string }): ReactNode {
  return (
    <>
      {splitSnippet(html).map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
