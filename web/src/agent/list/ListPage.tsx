// Ticket list — stub, to be built.
export default function ListPage() {
  return <main className="page"><h1>Ticket list</h1></main>;
}
