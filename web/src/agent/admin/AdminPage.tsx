// Admin screens (/admin, /admin/$section): a sub-navigation and one section at a time.
// Admins see everything; leads see what the API lets them (groups' members, mail health,
// escalation rules, macros, users read-only); others get a clear "admins only".
import './messages.ts';
import './admin.css';
import { Link, useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useT } from '../../common/i18n.tsx';
import { can, useSession } from '../../common/session.tsx';
import { CalendarsSection } from './CalendarsSection.tsx';
import { EscalationSection } from './EscalationSection.tsx';
import { FieldsSection } from './FieldsSection.tsx';
import { GroupsSection } from './GroupsSection.tsx';
import { MacrosSection } from './MacrosSection.tsx';
import { MailSection } from './MailSection.tsx';
import { OrgsSection } from './OrgsSection.tsx';
import { SettingsSection } from './SettingsSection.tsx';
import { SlaSection } from './SlaSection.tsx';
import { TokensSection } from './TokensSection.tsx';
import { UsersSection } from './UsersSection.tsx';

type Section = { key: string; lead: boolean; render: () => ReactNode };
const SECTIONS: Section[] = [
  { key: 'users', lead: true, render: () => <UsersSection /> },
  { key: 'groups', lead: true, render: () => <GroupsSection /> },
  { key: 'mail', lead: true, render: () => <MailSection /> },
  { key: 'calendars', lead: false, render: () => <CalendarsSection /> },
  { key: 'sla', lead: false, render: () => <SlaSection /> },
  { key: 'escalation', lead: true, render: () => <EscalationSection /> },
  { key: 'priority', lead: false, render: () => <SettingsSection /> },
  { key: 'macros', lead: true, render: () => <MacrosSection /> },
  { key: 'fields', lead: false, render: () => <FieldsSection /> },
  { key: 'orgs', lead: false, render: () => <OrgsSection /> },
  { key: 'tokens', lead: false, render: () => <TokensSection /> },
];

export default function AdminPage() {
  const t = useT();
  const { me } = useSession();
  const params = useParams({ strict: false }) as { section?: string };
  if (!can.lead(me)) {
    return (
      <main className="page adm">
        <h1>{t('adm.title')}</h1>
        <p className="notice" role="alert">{t('adm.adminsOnly')}</p>
      </main>
    );
  }
  const visible = SECTIONS.filter((s) => can.admin(me) || s.lead);
  const current = visible.find((s) => s.key === params.section) ?? visible[0]!;
  const unknown = params.section !== undefined && !visible.some((s) => s.key === params.section);
  return (
    <main className="page adm">
      <h1>{t('adm.title')}</h1>
      {!can.admin(me) && <p className="muted">{t('adm.leadNote')}</p>}
      <div className="adm-layout">
        <nav className="adm-nav" aria-label={t('adm.nav')}>
          <ul>
            {visible.map((s) => (
              <li key={s.key}>
                <Link to="/admin/$section" params={{ section: s.key }} aria-current={s.key === current.key ? 'page' : undefined}>
                  {t(`adm.section.${s.key}`)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <section className="adm-main" aria-labelledby="adm-section-title">
          {unknown && <p className="notice" role="alert">{t('adm.adminsOnly')}</p>}
          <h2 id="adm-section-title">{t(`adm.section.${current.key}`)}</h2>
          {current.render()}
        </section>
      </div>
    </main>
  );
}
