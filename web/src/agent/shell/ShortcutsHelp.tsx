// The keyboard shortcuts help (`?`): a modal <dialog>, Escape closes it.
import { useEffect, useRef } from 'react';
import { useT } from '../../common/i18n.tsx';
import { can, useSession } from '../../common/session.tsx';

type Row = { keys: string[][]; what: string };

export function ShortcutsHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const { me } = useSession();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const rows: Row[] = [
    { keys: [['?']], what: t('shell.key.help') },
    { keys: [['/']], what: t('shell.key.search') },
    { keys: [['g', 'i']], what: t('shell.key.inbox') },
    { keys: [['g', 'n']], what: t('shell.key.notifications') },
    ...(can.lead(me) ? [{ keys: [['g', 'l']], what: t('shell.key.lead') }] : []),
    { keys: [['g', 'p']], what: t('shell.key.profile') },
    { keys: [['j'], ['↓']], what: t('shell.key.down') },
    { keys: [['k'], ['↑']], what: t('shell.key.up') },
    { keys: [['Enter'], ['o']], what: t('shell.key.open') },
    ...(can.write(me)
      ? [
          { keys: [['x']], what: t('shell.key.select') },
          { keys: [['Shift', t('shell.key.click')]], what: t('shell.key.range') },
          { keys: [['Shift', 'a']], what: t('shell.key.selectAll') },
        ]
      : []),
    { keys: [['Esc']], what: t('shell.key.escape') },
  ];
  return (
    <dialog ref={ref} className="shell-help" aria-labelledby="shell-help-title" onClose={onClose}>
      <div className="shell-help-head">
        <h2 id="shell-help-title">{t('shell.shortcuts')}</h2>
        <button type="button" onClick={onClose}>{t('common.close')}</button>
      </div>
      <table>
        <tbody>
          {rows.map((r) => (
            <tr key={r.what}>
              <td className="shell-keys">
                {r.keys.map((combo, i) => (
                  <span key={i}>
                    {i > 0 && ' / '}
                    {combo.map((k, j) => (
                      <span key={j}>{j > 0 && (combo[0] === 'Shift' ? ' + ' : ` ${t('shell.key.then')} `)}<kbd>{k}</kbd></span>
                    ))}
                  </span>
                ))}
              </td>
              <td>{r.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t('shell.shortcutsHint')}</p>
    </dialog>
  );
}
