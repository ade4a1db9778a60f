// IMAP path (stub: filled in by the IMAP work).
import type { Deps } from '../../deps.ts';

export async function startImapPaths(_deps: Deps): Promise<() => Promise<void>> {
  return async () => {};
}
