// A labelled control with the label beside it (not wrapping it), so its name is just the label.
import { useId, type ReactNode } from 'react';

export function Field({ label, children, className }: { label: string; children: (id: string) => ReactNode; className?: string }) {
  const id = useId();
  return (
    <div className={`list-field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
