import i18n, { type BackendModule, type ResourceKey } from 'i18next';
import { initReactI18next } from 'react-i18next';
import vi from './vi';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'kh.lang';

function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

// Vietnamese is in the first script (most people never switch); English is its own chunk, loaded when chosen
// (i18next waits for it in `changeLanguage`), so the sign-in page's JavaScript stays within its budget
// (docs/benchmarks.md, "First load on a slow link").
const lazyLanguages: BackendModule = {
  type: 'backend',
  init() {},
  read(language, _namespace, callback) {
    if (language !== 'en') {
      callback(null, {});
      return;
    }
    import('./en').then(
      (m) => callback(null, m.default as unknown as ResourceKey),
      (err: unknown) => callback(err instanceof Error ? err.message : String(err), null),
    );
  },
};

/** Resolved once the chosen language's texts are here (at once for Vietnamese): main.tsx renders after it. */
export const ready: Promise<unknown> = i18n.use(lazyLanguages).use(initReactI18next).init({
  resources: { vi: { translation: vi } },
  partialBundledLanguages: true,
  lng: storedLanguage(),
  fallbackLng: 'vi',
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

function syncDocument(lng: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
}
syncDocument(i18n.language);
i18n.on('languageChanged', (lng) => {
  syncDocument(lng);
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
});

export default i18n;
