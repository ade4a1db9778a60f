// Live updates over Server-Sent Events. Owner: live. Contract used by the other areas:
//   useLive((e) => ..., deps)  — every event of GET /api/v1/stream the user may see:
//     { type: 'ticket.created' | 'ticket.updated' | 'message.created', ticketId, number, ... }
//     { type: 'presence', ticketId, number, userId, name, state: 'viewing' | 'replying' | 'left' }
//   usePresence(ticketRef, state) — tells others this user views / replies to the ticket;
//     returns the other agents present on it: { userId, name, state }[]
export type LiveEvent =
  | { type: 'ticket.created' | 'ticket.updated' | 'message.created'; ticketId: string; number: number; at: string }
  | { type: 'presence'; ticketId: string; number: number; userId: string; name: string; state: 'viewing' | 'replying' | 'left'; at: string };
export type Present = { userId: string; name: string; state: 'viewing' | 'replying' };

export function useLive(_handler: (e: LiveEvent) => void, _deps: unknown[] = []): void {}

export function usePresence(_ticketRef: string, _state: 'viewing' | 'replying'): Present[] {
  return [];
}
