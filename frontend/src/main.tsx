import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ready as languageReady } from './i18n';
import { App } from './App';
import { shareSessionAcrossTabs } from './auth/tabs';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
const mount = root;
// A new tab takes the session of an open one before the first render, so it never shows the sign-in page by
// mistake; someone who chose English waits for its texts (their own chunk) behind index.html's placeholder.
void Promise.allSettled([shareSessionAcrossTabs(), languageReady]).finally(() =>
  createRoot(mount).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
