const acc = new Map<string, { n: number; ms: number }>();
export function tr(name: string, ms: number) { const a = acc.get(name) ?? { n: 0, ms: 0 }; a.n++; a.ms += ms; acc.set(name, a); }
export const now = () => performance.now();
if (process.env.SLOVO_TRACE) setInterval(() => {
  if (!acc.size) return;
  console.error([...acc].map(([k, a]) => `${k}: n=${a.n} avg=${(a.ms / a.n).toFixed(3)}`).join(' | '));
  acc.clear();
}, 5000).unref();
