// `slovo demo`: realistic ru/en demo data written with set-based inserts in one
// transaction: organizations, customers, groups, agents, and back-dated tickets with
// conversations (search vectors filled like tickets.service.ts does).
import { base, en, Faker, ru } from '@faker-js/faker';
import { sql } from 'kysely';
import type { Db } from '../db/db.ts';
import type { AuthorType, CustomerStage, MessageKind, Role, Channel, TicketStatus } from '../db/types.ts';
import { generatePassword, hashPassword } from '../modules/auth/password.ts';
import { textToHtml } from '../modules/tickets/html.ts';
import { tsv } from '../modules/tickets/tickets.service.ts';
import { DEMO_GROUPS, SCENARIOS, type Scenario } from './demo-texts.ts';
import { loadDemoKeeping, type DemoKeeping } from './demo-keeping.ts';
import pino from 'pino';
import { loadConfig } from '../config.ts';
import type { Deps } from '../deps.ts';

export const DEMO_SETTING = 'demo_loaded';
export class DemoError extends Error {}

type Lang = 'ru' | 'en';
export type DemoResult = {
  keeping: DemoKeeping;
  password: string;
  agents: { email: string; name: string; role: Role; level: number }[];
  counts: { organizations: number; customers: number; groups: number; agents: number; tickets: number; messages: number };
};

const ORGS: { name: string; domains: string[]; lang: Lang; notes?: string }[] = [
  { name: 'ООО «Ромашка»', domains: ['romashka.example'], lang: 'ru' },
  { name: 'ГК «Верхоречье»', domains: ['verhorechye.example'], lang: 'ru', notes: 'Холдинг, 4 юрлица. Договор до конца года.' },
  { name: 'ООО «Тёплый дом»', domains: ['teplydom.example'], lang: 'ru' },
  { name: 'Интернет-магазин «Лапка»', domains: ['lapka-shop.example'], lang: 'ru' },
  { name: 'Клиника «Добрый доктор»', domains: ['dobrydoktor.example'], lang: 'ru', notes: 'Персональные данные пациентов: не просить скриншоты карт.' },
  { name: 'ООО «СибЛогистик»', domains: ['siblogistic.example', 'sib-log.example'], lang: 'ru' },
  { name: 'Northwind Traders', domains: ['northwind.example'], lang: 'en' },
  { name: 'Blue Harbor Labs', domains: ['blueharbor.example', 'bhlabs.example'], lang: 'en', notes: 'Enterprise plan, UK office.' },
];

const AGENTS: { name: string; email: string; role: Role; level: number; locale: Lang; groups: number[] }[] = [
  { name: 'Анна Соколова', email: 'anna.sokolova@slovo-demo.example', role: 'lead', level: 3, locale: 'ru', groups: [0, 1, 2] },
  { name: 'Дмитрий Орлов', email: 'dmitry.orlov@slovo-demo.example', role: 'agent', level: 2, locale: 'ru', groups: [1] },
  { name: 'Мария Кузнецова', email: 'maria.kuznetsova@slovo-demo.example', role: 'agent', level: 1, locale: 'ru', groups: [0] },
  { name: 'Игорь Лебедев', email: 'igor.lebedev@slovo-demo.example', role: 'agent', level: 1, locale: 'ru', groups: [0, 2] },
  { name: 'Екатерина Волкова', email: 'ekaterina.volkova@slovo-demo.example', role: 'agent', level: 2, locale: 'ru', groups: [2] },
  { name: 'Alex Morgan', email: 'alex.morgan@slovo-demo.example', role: 'agent', level: 2, locale: 'en', groups: [0, 1] },
  { name: 'Павел Никитин', email: 'pavel.nikitin@slovo-demo.example', role: 'agent', level: 3, locale: 'ru', groups: [1] },
  { name: 'Ольга Смирнова', email: 'olga.smirnova@slovo-demo.example', role: 'light_agent', level: 1, locale: 'ru', groups: [0] },
];

const STAGES: { value: CustomerStage; weight: number }[] = [
  { value: 'lead', weight: 8 }, { value: 'trial', weight: 12 }, { value: 'new', weight: 15 },
  { value: 'active', weight: 45 }, { value: 'vip', weight: 10 }, { value: 'churned', weight: 10 },
];
const CHANNELS: { value: Channel; weight: number }[] = [
  { value: 'email', weight: 55 }, { value: 'portal', weight: 20 }, { value: 'phone', weight: 10 }, { value: 'chat', weight: 10 }, { value: 'api', weight: 5 },
];
const EXTRA_TAGS = ['vip-client', 'repeat', 'mobile', 'windows', 'macos', 'feedback'];
const DAY = 86_400_000;

type Customer = { id: string; name: string; first: string; lang: Lang; orgId: string | null; stage: CustomerStage };

export async function loadDemo(
  db: Db, opts: { now?: Date; seed?: number; customers?: number; tickets?: number; deps?: Pick<Deps, 'config' | 'log'> } = {},
): Promise<DemoResult> {
  const now = opts.now ?? new Date();
  const fk = { ru: new Faker({ locale: [ru, base] }), en: new Faker({ locale: [en, base] }) };
  fk.ru.seed(opts.seed ?? 20261202);
  fk.en.seed((opts.seed ?? 20261202) + 1);
  const f = fk.ru; // dice rolls
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const password = generatePassword();
  const hash = await hashPassword(password);

  return db.transaction().execute(async (trx) => {
    const done = await trx.selectFrom('settings').select(['value', 'updated_at']).where('key', '=', DEMO_SETTING).executeTakeFirst();
    if (done) throw new DemoError(`demo data is already loaded (on ${done.updated_at.toISOString()}); load it only once, into a fresh database`);
    await trx.insertInto('settings').values({ key: DEMO_SETTING, value: JSON.stringify({ at: now.toISOString() }) }).execute();

    // organizations
    const orgRows = await trx.insertInto('organizations')
      .values(ORGS.map((o, i) => ({ name: o.name, domains: o.domains, notes: o.notes ?? '', created_at: ago((400 - i * 30) * DAY), updated_at: ago((60 - i) * DAY) })))
      .returning(['id', 'name']).execute();
    const orgs = ORGS.map((o, i) => ({ ...o, id: orgRows[i].id }));

    // groups (reused when a group of that name exists) and agents
    const groupIds: string[] = [];
    for (const g of DEMO_GROUPS) {
      const found = await trx.selectFrom('groups').select('id').where(sql`lower(name)`, '=', g.name.toLowerCase()).executeTakeFirst();
      groupIds.push(found?.id ?? (await trx.insertInto('groups').values({ ...g, created_at: ago(200 * DAY) }).returning('id').executeTakeFirstOrThrow()).id);
    }
    const agents: (typeof AGENTS[number] & { id: string })[] = [];
    for (const a of AGENTS) {
      const found = await trx.selectFrom('users').select('id').where(sql`lower(email)`, '=', a.email).executeTakeFirst();
      if (found) throw new DemoError(`a user ${a.email} already exists; demo data loads only into a database without it`);
      const u = await trx.insertInto('users').values({
        email: a.email, name: a.name, role: a.role, level: a.level, locale: a.locale, password_hash: hash, password_changed_at: now,
        skills: a.level >= 2 ? ['api', 'integrations'] : [], created_at: ago(300 * DAY), updated_at: ago(30 * DAY),
      }).returning('id').executeTakeFirstOrThrow();
      agents.push({ ...a, id: u.id });
    }
    await trx.insertInto('group_members').values(agents.flatMap((a) => a.groups.map((g) => ({ group_id: groupIds[g], user_id: a.id }))))
      .onConflict((oc) => oc.doNothing()).execute();

    // customers with one or more e-mails, some with phones
    const taken = new Set((await trx.selectFrom('customer_emails').select('email').execute()).map((r) => r.email));
    const customers: Customer[] = [];
    const total = opts.customers ?? 150;
    for (let i = 0; i < total; i++) {
      const org = f.datatype.boolean({ probability: 0.6 }) ? f.helpers.arrayElement(orgs) : null;
      const lang: Lang = org ? org.lang : f.datatype.boolean({ probability: 0.75 }) ? 'ru' : 'en';
      const p = fk[lang];
      const sex = p.person.sexType();
      const first = p.person.firstName(sex);
      const last = p.person.lastName(sex);
      const provider = org ? p.helpers.arrayElement(org.domains) : lang === 'ru' ? p.helpers.arrayElement(['pochta.example', 'yandeks.example', 'mail-box.example']) : 'mailbox.example';
      const emails: string[] = [];
      for (let k = 0; k < (f.datatype.boolean({ probability: 0.2 }) ? 2 : 1); k++) {
        const e = p.internet.email({ firstName: first, lastName: last, provider: k === 0 ? provider : 'personal.example' }).toLowerCase();
        if (!taken.has(e)) { taken.add(e); emails.push(e); }
      }
      const phones = f.datatype.boolean({ probability: 0.5 }) ? Array.from({ length: f.number.int({ min: 1, max: 2 }) }, () =>
        lang === 'ru' ? `+7 9${f.string.numeric(2)} ${f.string.numeric(3)}-${f.string.numeric(2)}-${f.string.numeric(2)}` : `+1 555-01${f.string.numeric(2)}`) : [];
      const stage = f.helpers.weightedArrayElement(STAGES);
      const since = stage === 'new' ? ago(f.number.int({ min: 1, max: 25 }) * DAY) : ago(f.number.int({ min: 30, max: 360 }) * DAY);
      const created = new Date(since.getTime() - f.number.int({ min: 0, max: 60 }) * DAY);
      const notes = stage === 'vip' ? (lang === 'ru' ? 'Ключевой клиент: отвечать в течение часа.' : 'Key account: reply within an hour.') : '';
      const c = await trx.insertInto('customers').values({
        name: `${first} ${last}`, organization_id: org?.id ?? null, stage, stage_since: since, language: lang, phones, notes, created_at: created, updated_at: since,
      }).returning('id').executeTakeFirstOrThrow();
      if (emails.length) {
        await trx.insertInto('customer_emails').values(emails.map((email, k) => ({ email, customer_id: c.id, is_primary: k === 0, created_at: created }))).execute();
      }
      customers.push({ id: c.id, name: `${first} ${last}`, first, lang, orgId: org?.id ?? null, stage });
    }

    // tickets, oldest first so numbers grow with time
    const count = opts.tickets ?? 300;
    const starts = Array.from({ length: count }, () => ago(f.number.int({ min: 10 * 60_000, max: 60 * DAY }))).sort((x, y) => x.getTime() - y.getTime());
    const weights = { lead: 1, trial: 3, new: 3, active: 4, vip: 6, churned: 1 } as const;
    const pool = customers.map((c) => ({ value: c, weight: weights[c.stage] }));
    let messages = 0;
    for (const start of starts) {
      const cust = f.helpers.weightedArrayElement(pool);
      messages += await demoTicket(trx, f, { cust, start, now, groupIds, agents, scenario: f.helpers.arrayElement(SCENARIOS) });
    }
    await trx.updateTable('settings').set({ value: JSON.stringify({ at: now.toISOString(), tickets: count, customers: total }) }).where('key', '=', DEMO_SETTING).execute();
    const deps: Deps = { db: trx, pool: undefined as never, boss: null, config: opts.deps?.config ?? loadConfig({}, { dotenv: false }), log: opts.deps?.log ?? pino({ level: 'silent' }) };
    const keeping = await loadDemoKeeping(deps, trx, { now, groupIds, orgIds: orgs.map((x) => x.id) });
    return {
      keeping,
      password,
      agents: agents.map(({ email, name, role, level }) => ({ email, name, role, level })),
      counts: { organizations: orgs.length, customers: customers.length, groups: groupIds.length, agents: agents.length, tickets: count, messages },
    };
  });
}

type Agent = { id: string; name: string; role: Role; groups: number[] };

/** One back-dated ticket with its conversation and history; returns the message count. */
async function demoTicket(trx: Db, f: Faker, o: { cust: Customer; start: Date; now: Date; groupIds: string[]; agents: Agent[]; scenario: Scenario }): Promise<number> {
  const { cust, scenario: s, now } = o;
  const lang = cust.lang;
  const turns = s.turns.slice(0, f.helpers.weightedArrayElement([
    { value: 1, weight: 15 }, { value: 2, weight: 25 }, { value: 3, weight: 25 }, { value: 4, weight: 15 }, { value: 5, weight: 10 }, { value: 6, weight: 10 },
  ]));
  const staff = o.agents.filter((a) => a.role !== 'light_agent' && a.groups.includes(s.group));
  const assignee = turns.length === 1 && f.datatype.boolean({ probability: 0.6 }) ? null : f.helpers.arrayElement(staff);
  const num = String(f.number.int({ min: 1000, max: 99999 }));
  const fill = (t: string) => t.replaceAll('{name}', cust.first).replaceAll('{agent}', assignee?.name.split(' ')[0] ?? 'Анна').replaceAll('{num}', num);
  const subject = fill(f.helpers.arrayElement(s.subjects[lang]));

  // message times: minutes to a day apart, never in the future
  let t = o.start.getTime();
  const room = now.getTime() - t;
  const msgs = turns.map((turn, i) => {
    if (i > 0) t += Math.min(f.number.int({ min: 5 * 60_000, max: 20 * 3_600_000 }), Math.max(1000, Math.floor(room / (turns.length + 1))));
    const author = turn.by === 'customer' ? null : (assignee ?? f.helpers.arrayElement(staff));
    const text = fill(turn[lang]);
    return { kind: (turn.by === 'note' ? 'note' : 'reply') as MessageKind, authorType: (turn.by === 'customer' ? 'customer' : 'agent') as AuthorType, author, text, at: new Date(t) };
  });
  const last = msgs[msgs.length - 1];
  const firstReply = msgs.find((m) => m.authorType === 'agent' && m.kind === 'reply');
  let status: TicketStatus;
  if (msgs.length === 1) status = assignee ? 'open' : 'new';
  else if (last.authorType === 'customer') status = 'open';
  else if (last.kind === 'note') status = f.helpers.arrayElement(['open', 'on_hold', 'pending_third_party'] as const);
  else status = f.helpers.weightedArrayElement([{ value: 'pending_customer' as const, weight: 4 }, { value: 'solved' as const, weight: 5 }, { value: 'open' as const, weight: 1 }]);
  if (status === 'open' && !assignee) status = 'new';
  const solvedAt = status === 'solved' ? last.at : null;
  const closed = solvedAt && now.getTime() - solvedAt.getTime() > 7 * DAY && f.datatype.boolean({ probability: 0.7 });
  if (closed) status = 'closed';
  const channel = f.helpers.weightedArrayElement(CHANNELS);
  const priority = f.helpers.arrayElement(s.priorities);
  const tags = [...new Set([...s.tags, ...(cust.stage === 'vip' ? ['vip-client'] : []), ...(f.datatype.boolean({ probability: 0.15 }) ? [f.helpers.arrayElement(EXTRA_TAGS)] : [])])];
  const search = sql<string>`${sql.join([sql`setweight(to_tsvector('russian', ${subject}), 'A')`, ...msgs.map((m) => tsv(m.text))], sql` || `)}`;

  const ticket = await trx.insertInto('tickets').values({
    subject, requester_id: cust.id, organization_id: cust.orgId, group_id: o.groupIds[s.group], assignee_id: assignee?.id ?? null,
    status, priority, channel, tags, language: lang, version: msgs.length,
    search, created_at: o.start, updated_at: last.at, first_response_at: firstReply?.at ?? null,
    solved_at: solvedAt, closed_at: closed ? new Date(solvedAt!.getTime() + 4 * DAY) : null,
  }).returning(['id']).executeTakeFirstOrThrow();
  const ids = await trx.insertInto('messages').values(msgs.map((m) => ({
    ticket_id: ticket.id, kind: m.kind, author_type: m.authorType, author_user_id: m.author?.id ?? null, author_customer_id: m.author ? null : cust.id,
    body_html: textToHtml(m.text), body_text: m.text, channel: m.kind === 'note' ? 'api' as const : channel, created_at: m.at,
  }))).returning('id').execute();
  const events = msgs.map((m, i) => ({
    ticket_id: ticket.id, actor_type: m.authorType, actor_id: m.author?.id ?? cust.id, created_at: m.at,
    kind: i === 0 ? 'created' : 'message_added',
    data: JSON.stringify(i === 0 ? { messageId: ids[0].id, status: 'new', priority, channel } : { messageId: ids[i].id, kind: m.kind }),
  }));
  if (status !== 'new') {
    const changes: Record<string, [unknown, unknown]> = { status: ['new', status] };
    if (assignee) changes.assigneeId = [null, assignee.id];
    events.push({ ticket_id: ticket.id, actor_type: 'agent', actor_id: (assignee ?? o.agents[0]).id, created_at: last.at, kind: 'updated', data: JSON.stringify({ changes }) });
  }
  await trx.insertInto('ticket_events').values(events).execute();
  return msgs.length;
}
