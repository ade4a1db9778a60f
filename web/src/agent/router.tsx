// The agent app's routes. Each screen is its own chunk (lazy), so the first load stays small
// and the admin screens are never in it. Owners: list/ + search/ + Layout (shell),
// ticket/ (ticket view), reply/ (reply box, used by ticket/), lead/ + notifications/, admin/.
import { createRootRoute, createRoute, createRouter, lazyRouteComponent } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { Layout } from './Layout.tsx';
import { NotFound } from './NotFound.tsx';

const root = createRootRoute({ component: Layout, notFoundComponent: NotFound });
const r = <P extends string>(path: P, load: () => Promise<{ default: () => ReactNode }>) =>
  createRoute({ getParentRoute: () => root, path, component: lazyRouteComponent(load) });

export const routeTree = root.addChildren([
  r('/', () => import('./list/ListPage.tsx')),
  r('/views/$viewId', () => import('./list/ListPage.tsx')),
  r('/tickets/$ref', () => import('./ticket/TicketPage.tsx')),
  r('/search', () => import('./search/SearchPage.tsx')),
  r('/lead', () => import('./lead/LeadPage.tsx')),
  r('/notifications', () => import('./notifications/NotificationsPage.tsx')),
  r('/admin', () => import('./admin/AdminPage.tsx')),
  r('/admin/$section', () => import('./admin/AdminPage.tsx')),
  r('/me', () => import('./admin/ProfilePage.tsx')),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
