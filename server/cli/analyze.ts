// slovo analyze: customer messages and agent replies as JSON Lines in, analyses as JSON Lines out.
// Pure and local: it loads only the analyzer (no config, database or server modules).
import { once } from 'node:events';
import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { DateTime, IANAZone } from 'luxon';
import { analyzeMessage, coachReply } from '../analyzer/index.ts';

export const ANALYZE_HELP = `Usage: slovo analyze [--input in.jsonl] [--output out.jsonl]

Reads one JSON object a line (stdin when --input is missing or "-") and writes one JSON
object a line (stdout when --output is missing or "-"), in the same order, with the same id.

  message: {"id","kind":"message","text","sent_at"?}
      -> {"id","lang","signals","tried_steps","details"}
  reply:   {"id","kind":"reply","text","customer_message"?,"context"?,"sent_at"?,"time_zone"?}
      -> {"id","lang","flags","promises":[{"text","start","end","due"}],"details"}

  - kind missing: a line with "customer_message" or "context" is a reply, any other a message.
  - sent_at missing: now; time_zone missing: UTC; a sent_at without offset is read in time_zone.
  - A blank line is skipped and gives no output line (line numbers still count it).
  - A line that is not JSON, lacks id/text, has an unknown kind, a bad sent_at or an unknown
    time zone gives {"id":<id or null>,"line":<n>,"error":"<reason>"} and the run goes on.
  - CRLF line ends and a UTF-8 byte order mark are accepted.
Exit code 0 unless the input cannot be read or the output cannot be written (1), or the
options are wrong (2).`;

type Out = Record<string, unknown>;

class LineError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function sentAtOf(v: unknown, zone: string, now: Date): string {
  if (v === undefined || v === null) return now.toISOString();
  if (typeof v !== 'string') throw new LineError('sent_at must be an ISO 8601 string');
  const dt = DateTime.fromISO(v, { zone, setZone: true });
  if (!dt.isValid) throw new LineError(`sent_at is not a valid ISO 8601 time: ${v.slice(0, 60)}`);
  return dt.toISO()!;
}

function kindOf(o: Record<string, unknown>): 'message' | 'reply' {
  if (o.kind === undefined || o.kind === null) return 'customer_message' in o || 'context' in o ? 'reply' : 'message';
  if (o.kind === 'message' || o.kind === 'reply') return o.kind;
  throw new LineError(`unknown kind: ${JSON.stringify(o.kind).slice(0, 40)} (use "message" or "reply")`);
}

function contextOf(v: unknown) {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new LineError('context must be an object');
  return { unresolved: v.unresolved === true, our_fault: v.our_fault === true, customer_asked_cause: v.customer_asked_cause === true };
}

/** The output object for one parsed input object. Throws LineError for a bad line. */
export function analyzeObject(o: unknown, now: Date = new Date()): Out {
  if (!isObject(o)) throw new LineError('a line must be a JSON object');
  const id = o.id;
  if (id === undefined || id === null || id === '') throw new LineError('missing id');
  if (typeof id !== 'string' && typeof id !== 'number') throw new LineError('id must be a string or a number');
  if (typeof o.text !== 'string') throw new LineError(o.text === undefined || o.text === null ? 'missing text' : 'text must be a string');
  const kind = kindOf(o);
  if (kind === 'message') {
    const a = analyzeMessage(o.text, { sentAt: sentAtOf(o.sent_at, 'UTC', now) });
    return { id, lang: a.lang, signals: a.signals, tried_steps: a.tried_steps, details: a.details };
  }
  let timeZone = 'UTC';
  if (o.time_zone !== undefined && o.time_zone !== null) {
    if (typeof o.time_zone !== 'string' || !IANAZone.isValidZone(o.time_zone)) throw new LineError(`unknown time zone: ${String(o.time_zone).slice(0, 60)}`);
    timeZone = o.time_zone;
  }
  if (o.customer_message !== undefined && o.customer_message !== null && typeof o.customer_message !== 'string') throw new LineError('customer_message must be a string');
  const r = coachReply(o.text, {
    customerMessage: (o.customer_message as string | null | undefined) ?? undefined,
    context: contextOf(o.context),
    sentAt: sentAtOf(o.sent_at, timeZone, now),
    timeZone,
  });
  return {
    id, lang: r.lang, flags: r.flags,
    promises: r.promises.map((p) => ({ text: p.text, start: p.start, end: p.end, due: p.due, confidence: p.confidence })),
    details: r.details,
  };
}

/** One input line (without its line end) → one output line, or null for a blank line. */
export function analyzeLine(raw: string, line: number, now: Date = new Date()): string | null {
  if (raw.trim() === '') return null;
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch (e) {
    return JSON.stringify({ id: null, line, error: `invalid JSON: ${(e as Error).message.slice(0, 200)}` });
  }
  try {
    return JSON.stringify(analyzeObject(o, now));
  } catch (e) {
    const id = isObject(o) && (typeof o.id === 'string' || typeof o.id === 'number') ? o.id : null;
    const reason = e instanceof LineError ? e.message : `analyzer failed: ${(e as Error).message}`;
    return JSON.stringify({ id, line, error: reason });
  }
}

/** Streams input to output line by line, with backpressure. */
export async function analyzeStream(input: Readable, output: Writable): Promise<number> {
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (let raw of rl) {
    n++;
    if (n === 1 && raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
    const out = analyzeLine(raw, n);
    if (out === null) continue;
    if (!output.write(out + '\n')) await once(output, 'drain');
  }
  return n;
}

function parseArgs(args: string[]): { input?: string; output?: string; help?: boolean } {
  const r: { input?: string; output?: string; help?: boolean } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const [name, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    if (name === '--help' || name === '-h') r.help = true;
    else if (name === '--input' || name === '-i' || name === '--output' || name === '-o') {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new Error(`${name} needs a file name`);
      if (name === '--input' || name === '-i') r.input = v;
      else r.output = v;
    } else throw new Error(`unknown option: ${a}`);
  }
  return r;
}

export async function run(args: string[] = []): Promise<number> {
  let opts: ReturnType<typeof parseArgs>;
  try {
    opts = parseArgs(args);
  } catch (e) {
    console.error(`slovo analyze: ${(e as Error).message}\n\n${ANALYZE_HELP}`);
    return 2;
  }
  if (opts.help) {
    console.log(ANALYZE_HELP);
    return 0;
  }
  let input: Readable = process.stdin;
  if (opts.input && opts.input !== '-') {
    // open first so a missing or unreadable file is reported before any output is made
    let fd: number;
    try {
      fd = fs.openSync(opts.input, 'r');
      if (fs.fstatSync(fd).isDirectory()) {
        fs.closeSync(fd);
        throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      }
    } catch (e) {
      console.error(`slovo analyze: cannot read input file ${opts.input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return 1;
    }
    input = fs.createReadStream(opts.input, { fd, highWaterMark: 1 << 20 });
  }
  let output: Writable = process.stdout;
  if (opts.output && opts.output !== '-') {
    try {
      const fd = fs.openSync(opts.output, 'w');
      output = fs.createWriteStream(opts.output, { fd });
    } catch (e) {
      console.error(`slovo analyze: cannot write output file ${opts.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return 1;
    }
  }
  let failed: Error | null = null;
  const fail = (where: string) => (e: Error) => {
    failed ??= Object.assign(new Error(`${where}: ${(e as NodeJS.ErrnoException).code ?? e.message}`), { where });
    input.destroy();
  };
  input.on('error', fail('cannot read input'));
  output.on('error', fail('cannot write output'));
  try {
    await analyzeStream(input, output);
  } catch (e) {
    failed ??= e as Error;
  }
  if (output !== process.stdout) {
    output.end();
    if (!failed) await once(output, 'finish').catch((e) => { failed ??= e as Error; });
  }
  if (failed) {
    // a closed stdout pipe (e.g. `| head`) is the reader's choice, not an error
    if ((failed as Error).message.includes('EPIPE')) return 0;
    console.error(`slovo analyze: ${(failed as Error).message}`);
    return 1;
  }
  return 0;
}
