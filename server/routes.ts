// Every route module, in one list. The role x route matrix test reads the routes from the app.
import type { Deps } from './deps.ts';
import type { App } from './http/types.ts';
import { attachmentRoutes } from './modules/attachments/attachments.routes.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { coachRoutes } from './modules/coach/coach.routes.ts';
import { peopleRoutes } from './modules/people/people.routes.ts';
import { portalRoutes } from './modules/portal/portal.routes.ts';
import { searchRoutes } from './modules/search/search.routes.ts';
import { ticketRoutes } from './modules/tickets/tickets.routes.ts';
import { ticketExtraRoutes } from './modules/tickets/ticket-extras.routes.ts';
import { viewRoutes } from './modules/views/views.routes.ts';
import { macroRoutes } from './modules/macros/macros.routes.ts';
import { mailRoutes } from './mail/index.ts';
import { notificationRoutes } from './modules/notifications/notifications.routes.ts';
import { priorityRoutes } from './modules/priority/priority.routes.ts';
import { careRoutes } from './modules/care/care.routes.ts';
import { promiseRoutes } from './modules/promises/promises.routes.ts';
import { slaRoutes } from './modules/sla/sla.routes.ts';
import { escalationRoutes } from './modules/escalation/escalation.routes.ts';
import { calendarRoutes } from './modules/calendars/calendars.routes.ts';
import { liveRoutes } from './modules/live/live.routes.ts';

export const ROUTES: ((app: App, deps: Deps) => void)[] = [authRoutes, ticketRoutes, ticketExtraRoutes, viewRoutes, macroRoutes, coachRoutes, attachmentRoutes, peopleRoutes, searchRoutes, portalRoutes, mailRoutes, notificationRoutes, priorityRoutes, careRoutes, promiseRoutes, slaRoutes, escalationRoutes, calendarRoutes, liveRoutes];
