// Quarantine and inbound mail API (being written).
import type { Deps } from '../deps.ts';
import type { App } from '../http/types.ts';

export function quarantineRoutes(_app: App, _deps: Deps): void {}
