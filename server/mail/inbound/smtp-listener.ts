// Built-in SMTP listener (stub: filled in by the inbound work).
import type { Deps } from '../../deps.ts';

export async function startSmtpListener(_deps: Deps): Promise<(() => Promise<void>) | null> {
  return null;
}
