// Customer portal entry (/portal/): magic-link sign-in, own tickets, promises. Owner: portal.
import '../shared/messages.common.ts';
import '../shared/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider } from '../shared/i18n.tsx';

function Portal() {
  return <main className="page"><h1>Slovo</h1></main>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <Portal />
    </I18nProvider>
  </StrictMode>,
);
