// Provider webhooks and .eml upload (stub: filled in by the inbound work).
import type { Deps } from '../../deps.ts';
import type { App } from '../../http/types.ts';

export function inboundRoutes(_app: App, _deps: Deps): void {}
