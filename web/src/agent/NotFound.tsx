import { useT } from '../common/i18n.tsx';

export function NotFound() {
  const t = useT();
  return <main className="page"><h1>{t('nav.notFound')}</h1></main>;
}
