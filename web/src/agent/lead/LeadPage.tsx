// Lead views — stub, to be built.
export default function LeadPage() {
  return <main className="page"><h1>Lead views</h1></main>;
}
