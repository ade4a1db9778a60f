// Ticket — stub, to be built.
export default function TicketPage() {
  return <main className="page"><h1>Ticket</h1></main>;
}
