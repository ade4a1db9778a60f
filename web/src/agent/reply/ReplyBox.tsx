// Reply box with the coach beside it. Owner: reply. Contract used by ticket/TicketPage:
//   <ReplyBox ticketRef="SL-10427" ticketVersion={n} requesterLang="ru" onSent={() => refetch()} />
// It posts to /api/v1/tickets/:ref/messages itself and calls onSent after a 201.
export type ReplyBoxProps = { ticketRef: string; ticketVersion: number; requesterLang?: string | null; onSent: () => void };

export function ReplyBox(_props: ReplyBoxProps) {
  return <section className="reply-box" aria-label="reply">stub</section>;
}
