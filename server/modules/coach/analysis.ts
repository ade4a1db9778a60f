// The analyzer at the places that store messages: a customer message's signals, an agent
// reply's coach result. The analyzer is pure; a failure in it never loses a message
// (stored as null and logged).
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { analyzeMessage, coachReply, FLAGS, SIGNALS, type CoachOptions, type Flag, type Signal, type MessageAnalysis, type ReplyAnalysis, type ReplyContext } from '../../analyzer/index.ts';

/** Stored with every result; bump when stored results should be told apart (re-analysis). */
export const ANALYZER_VERSION = 1;
/** Characters of a message the analyzer reads (bounds the time it may take on the request path). */
export const ANALYZE_TEXT_MAX = 20_000;

export type StoredAnalysis = Omit<MessageAnalysis, 'langs'> & { v: number; langs?: MessageAnalysis['langs'] };
export type CustomerAnalysis = { analysis: StoredAnalysis | null; signals: string[] };

type Log = Pick<Logger, 'warn'>;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The part of a text the analyzer reads: at most ANALYZE_TEXT_MAX characters, lone surrogates
 * as U+FFFD. PostgreSQL stores them so in text columns (same length: offsets stay valid) and
 * refuses them in jsonb, where the evidence goes.
 */
export const analyzedText = (text: string) => text.slice(0, ANALYZE_TEXT_MAX).replace(LONE_SURROGATE, '\uFFFD');

/** Signals of a customer message's plain text; null (and no signals) when the analyzer throws. */
export function analyzeCustomerText(log: Log, text: string, sentAt: Date | string = new Date()): CustomerAnalysis {
  try {
    const a = analyzeMessage(analyzedText(text), { sentAt });
    const signals = [...new Set(a.signals)].sort();
    return { analysis: { v: ANALYZER_VERSION, ...a, signals }, signals };
  } catch (err) {
    log.warn({ err }, 'message analysis failed; stored without signals');
    return { analysis: null, signals: [] };
  }
}

const SIGNAL_SET = new Set<string>(SIGNALS);
const FLAG_SET = new Set<string>(FLAGS);
/** Stored codes the API knows (results stored by another analyzer version may name others). */
export const knownSignals = (codes: string[]) => codes.filter((c): c is Signal => SIGNAL_SET.has(c));
export const knownFlags = (codes: string[]) => codes.filter((c): c is Flag => FLAG_SET.has(c));

/** JSON text for a jsonb parameter (null stays null). */
export const jsonOrNull = (v: unknown) => (v == null ? null : JSON.stringify(v));

/** SQL: the ticket's signals (column `signals` of the updated row) plus these, sorted, no duplicates. */
export const withSignals = (signals: string[]) =>
  sql<string[]>`array(select distinct s from unnest(signals || ${signals}::text[]) s order by s)`;

/** SQL: a ticket's signals recomputed from its customer messages (after a merge moved them). */
export const signalsOfTicket = (ticketId: string) =>
  sql<string[]>`array(select distinct s from messages m, unnest(m.signals) s where m.ticket_id = ${ticketId} and m.author_type = 'customer' order by s)`;

export type StoredCoach = {
  v: number; lang: ReplyAnalysis['lang']; flags: string[]; promises: ReplyAnalysis['promises']; details: ReplyAnalysis['details'];
  context: ReplyContext; overridden: string[]; acknowledged: boolean;
};

/** The coach result for a reply at send time; every flag raised was sent anyway (sending is never blocked). */
export function coachAtSend(log: Log, text: string, opts: CoachOptions, acknowledged: boolean): StoredCoach | null {
  try {
    const r = coachReply(analyzedText(text), opts);
    return {
      v: ANALYZER_VERSION, lang: r.lang, flags: r.flags, promises: r.promises, details: r.details,
      context: opts.context ?? {}, overridden: [...r.flags], acknowledged,
    };
  } catch (err) {
    log.warn({ err }, 'reply coach failed; reply sent without a coach record');
    return null;
  }
}
