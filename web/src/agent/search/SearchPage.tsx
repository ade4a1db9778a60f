// Search — stub, to be built.
export default function SearchPage() {
  return <main className="page"><h1>Search</h1></main>;
}
