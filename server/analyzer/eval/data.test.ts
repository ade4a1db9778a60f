// The labelled evaluation data is well formed: every line parses, ids are unique, codes known and
// sorted, the tried_steps signal agrees with the steps, context-bound flags agree with the context,
// promise texts are substrings of their reply, due times parse with the ticket zone's offset,
// and the set is big enough and mostly Russian.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DateTime, IANAZone } from 'luxon';
import { detectLang, FLAGS, SIGNALS } from '../index.ts';

const DIR = import.meta.dirname;
const FILES = fs.readdirSync(DIR).filter((f) => /^(messages|replies)\.(dev|heldout)\d*\.jsonl$/.test(f)).sort();

type Row = { file: string; line: number; raw: string; o: Record<string, any> };

const parseErrors: string[] = [];
const rows: Row[] = [];
for (const file of FILES) {
  const p = path.join(DIR, file);
  if (!fs.existsSync(p)) continue;
  const text = fs.readFileSync(p, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) parseErrors.push(`${file}: starts with a byte order mark`);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const where = `${file}:${i + 1}`;
    if (raw.trim() === '') return void parseErrors.push(`${where}: blank line`);
    try {
      const o = JSON.parse(raw);
      if (typeof o !== 'object' || o === null || Array.isArray(o)) parseErrors.push(`${where}: not an object`);
      else rows.push({ file, line: i + 1, raw, o });
    } catch (e) {
      parseErrors.push(`${where}: ${(e as Error).message}`);
    }
  });
}
const messages = rows.filter((r) => r.file.startsWith('messages.'));
const replies = rows.filter((r) => r.file.startsWith('replies.'));
const at = (r: Row) => `${r.file}:${r.line} (${r.o.id})`;

/** Asserts a list of problems is empty, showing the first ones. */
function none(problems: string[], what: string) {
  assert.equal(problems.length, 0, `${problems.length} ${what}:\n  ${problems.slice(0, 25).join('\n  ')}`);
}

const sortedUnique = (xs: string[]) => xs.every((x, i) => i === 0 || xs[i - 1] < x);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;

function checkTime(v: unknown, what: string, r: Row, zone: string | undefined, out: string[]) {
  if (typeof v !== 'string' || !ISO.test(v)) return void out.push(`${at(r)}: ${what} is not ISO 8601 with seconds and an offset: ${v}`);
  const dt = DateTime.fromISO(v, { setZone: true });
  if (!dt.isValid) return void out.push(`${at(r)}: ${what} does not parse: ${v}`);
  if (zone && IANAZone.isValidZone(zone) && dt.offset !== dt.setZone(zone).offset) out.push(`${at(r)}: ${what} ${v} has not the offset of ${zone} at that instant`);
}

describe('analyzer evaluation data', () => {
  test('all four files exist and every line is a JSON object', () => {
    none(FILES.filter((f) => !fs.existsSync(path.join(DIR, f))), 'missing files');
    none(parseErrors, 'bad lines');
  });

  test('ids are unique across the files; kinds match the files; texts are distinct', () => {
    const problems: string[] = [];
    const ids = new Map<string, string>();
    const texts = new Map<string, string>();
    for (const r of rows) {
      const { id, kind, text } = r.o;
      if (typeof id !== 'string' || !id) problems.push(`${at(r)}: id must be a non-empty string`);
      else if (ids.has(id)) problems.push(`${at(r)}: id also at ${ids.get(id)}`);
      else ids.set(id, `${r.file}:${r.line}`);
      const want = r.file.startsWith('messages.') ? 'message' : 'reply';
      if (kind !== want) problems.push(`${at(r)}: kind ${kind}, expected ${want}`);
      if (typeof text !== 'string' || !text.trim()) problems.push(`${at(r)}: text must be a non-empty string`);
      else if (texts.has(text)) problems.push(`${at(r)}: same text as ${texts.get(text)}`);
      else texts.set(text, at(r));
      if (typeof r.o.gold !== 'object' || r.o.gold === null) problems.push(`${at(r)}: no gold`);
    }
    none(problems, 'problems');
  });

  test('messages: known signal codes, sorted; tried_steps signal iff steps; sent_at parses', () => {
    const problems: string[] = [];
    for (const r of messages) {
      const g = r.o.gold ?? {};
      const signals = g.signals;
      const steps = g.tried_steps;
      if (!Array.isArray(signals)) problems.push(`${at(r)}: gold.signals must be a list`);
      else {
        for (const s of signals) if (!(SIGNALS as readonly string[]).includes(s)) problems.push(`${at(r)}: unknown signal ${s}`);
        if (!sortedUnique(signals)) problems.push(`${at(r)}: signals not sorted or duplicated`);
      }
      if (!Array.isArray(steps) || steps.some((s: unknown) => typeof s !== 'string' || !s.trim())) problems.push(`${at(r)}: gold.tried_steps must be a list of non-empty strings`);
      else if (Array.isArray(signals) && signals.includes('tried_steps') !== steps.length > 0) problems.push(`${at(r)}: tried_steps signal ${signals.includes('tried_steps')} but ${steps.length} steps`);
      if (r.o.sent_at !== undefined) checkTime(r.o.sent_at, 'sent_at', r, undefined, problems);
    }
    none(problems, 'problems');
  });

  test('replies: known flag codes, sorted; context-bound flags agree with the context; zones and times parse', () => {
    const problems: string[] = [];
    const needs: Record<string, (c: Record<string, boolean>) => boolean> = {
      no_cause: (c) => c.our_fault || c.customer_asked_cause,
      no_deadline: (c) => c.unresolved,
      no_alternative: (c) => c.unresolved,
      no_next_step: (c) => c.unresolved,
      no_compensation: (c) => c.our_fault,
    };
    for (const r of replies) {
      const flags = r.o.gold?.flags;
      const ctx = r.o.context ?? {};
      if (typeof ctx !== 'object' || Array.isArray(ctx)) problems.push(`${at(r)}: context must be an object`);
      for (const [k, v] of Object.entries(ctx)) {
        if (!['unresolved', 'our_fault', 'customer_asked_cause'].includes(k)) problems.push(`${at(r)}: unknown context key ${k}`);
        if (typeof v !== 'boolean') problems.push(`${at(r)}: context.${k} must be true or false`);
      }
      if (r.o.customer_message !== undefined && typeof r.o.customer_message !== 'string') problems.push(`${at(r)}: customer_message must be a string`);
      if (!Array.isArray(flags)) problems.push(`${at(r)}: gold.flags must be a list`);
      else {
        for (const f of flags) if (!(FLAGS as readonly string[]).includes(f)) problems.push(`${at(r)}: unknown flag ${f}`);
        if (!sortedUnique(flags)) problems.push(`${at(r)}: flags not sorted or duplicated`);
        for (const f of flags) if (needs[f] && !needs[f](ctx)) problems.push(`${at(r)}: ${f} although the context does not allow it (${JSON.stringify(ctx)})`);
      }
      const tz = r.o.time_zone;
      if (tz !== undefined && (typeof tz !== 'string' || !IANAZone.isValidZone(tz))) problems.push(`${at(r)}: unknown time_zone ${tz}`);
      if (r.o.sent_at !== undefined) checkTime(r.o.sent_at, 'sent_at', r, tz, problems);
    }
    none(problems, 'problems');
  });

  test('promises: text is a substring of the reply; due is null or parses with the zone offset', () => {
    const problems: string[] = [];
    for (const r of replies) {
      const promises = r.o.gold?.promises;
      if (!Array.isArray(promises)) {
        problems.push(`${at(r)}: gold.promises must be a list`);
        continue;
      }
      for (const p of promises) {
        if (typeof p?.text !== 'string' || !p.text.trim()) problems.push(`${at(r)}: a promise without text`);
        else if (!r.o.text.includes(p.text)) problems.push(`${at(r)}: promise text not in the reply: «${p.text}»`);
        if (!('due' in (p ?? {}))) problems.push(`${at(r)}: promise «${p?.text}» has no due (use null)`);
        else if (p.due !== null) checkTime(p.due, `due of «${p.text}»`, r, r.o.time_zone ?? 'UTC', problems);
      }
    }
    none(problems, 'problems');
  });

  test('size and balance: ≥ 300 messages, ≥ 200 replies, ~75% Russian, every code represented', () => {
    assert.ok(messages.length >= 300, `${messages.length} messages (want ≥ 300)`);
    assert.ok(replies.length >= 200, `${replies.length} replies (want ≥ 200)`);
    const ru = rows.filter((r) => typeof r.o.text === 'string' && detectLang(r.o.text).lang === 'ru').length;
    const share = ru / rows.length;
    assert.ok(share >= 0.65 && share <= 0.85, `Russian share ${(share * 100).toFixed(0)}% (want ~75%, 65-85%)`);
    const few: string[] = [];
    for (const s of SIGNALS) {
      const n = messages.filter((r) => r.o.gold?.signals?.includes(s)).length;
      if (n < 10) few.push(`${s}: ${n}`);
    }
    for (const f of FLAGS) {
      const n = replies.filter((r) => r.o.gold?.flags?.includes(f)).length;
      if (n < 8) few.push(`${f}: ${n}`);
    }
    none(few, 'codes with too few positive items');
    const withPromises = replies.filter((r) => r.o.gold?.promises?.length).length;
    assert.ok(withPromises >= 30, `${withPromises} replies with promises (want ≥ 30)`);
  });
});
