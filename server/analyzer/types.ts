// The analyzer's public shapes. The labels and their meaning: docs in ANALYZER.md (and GLOSSARY.md).

export const SIGNALS = [
  'anger',
  'threat_regulator',
  'threat_public',
  'churn',
  'business_impact',
  'urgent',
  'repeat_contact',
  'broken_promise',
  'escalation_request',
  'tried_steps',
  'gratitude',
] as const;
export type Signal = (typeof SIGNALS)[number];

export const FLAGS = [
  'self_praise',
  'minimizing_or_blame',
  'no_cause',
  'no_deadline',
  'vague_wait',
  'no_alternative',
  'no_compensation',
  'boilerplate_apology',
  'asks_already_tried',
  'rude',
  'no_next_step',
] as const;
export type Flag = (typeof FLAGS)[number];

export type Lang = 'ru' | 'en';

/** A piece of the analysed text: UTF-16 offsets into the text given, end exclusive. */
export type Evidence = { start: number; end: number; text: string };

export type Finding<C extends string> = { code: C; confidence: number; evidence: Evidence[] };

export type MessageAnalysis = {
  lang: Lang;
  /** 'ru', 'en' or both when the text mixes them noticeably */
  langs: Lang[];
  signals: Signal[];
  tried_steps: string[];
  details: Finding<Signal>[];
};

export type ReplyContext = { unresolved?: boolean; our_fault?: boolean; customer_asked_cause?: boolean };

/** Working hours of one weekday: [start, end) in minutes from midnight; null = day off. */
export type DayHours = { start: number; end: number } | null;

/** A business calendar for due-time resolution. Defaults: Mon–Fri 09:00–18:00, no holidays. */
export type BusinessCalendar = {
  /** index 0 = Monday … 6 = Sunday */
  week?: DayHours[];
  /** ISO dates (yyyy-mm-dd) that are days off */
  holidays?: string[];
  /** ISO dates that are working days although the week says otherwise (moved working Saturdays) */
  workdays?: string[];
};

export type CoachOptions = {
  customerMessage?: string;
  context?: ReplyContext;
  /** when the reply is (to be) sent; default now */
  sentAt?: Date | string;
  /** IANA zone of the ticket; default UTC */
  timeZone?: string;
  calendar?: BusinessCalendar;
  /** language of the suggestions; default: the reply's language */
  locale?: Lang;
};

export type Promise_ = {
  /** the committing clause, a substring of the reply */
  text: string;
  start: number;
  end: number;
  /** ISO 8601 with the offset of the ticket's zone, or null when no time was given or it depends on an unknown event */
  due: string | null;
  confidence: number;
};

export type Suggestion = { code: Flag; text: string };

export type ReplyAnalysis = {
  lang: Lang;
  flags: Flag[];
  promises: Promise_[];
  details: Finding<Flag>[];
  suggestions: Suggestion[];
};
