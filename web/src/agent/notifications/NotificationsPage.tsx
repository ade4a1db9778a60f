// Notifications — stub, to be built.
export default function NotificationsPage() {
  return <main className="page"><h1>Notifications</h1></main>;
}
