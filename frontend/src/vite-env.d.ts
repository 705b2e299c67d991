/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the API is, when the dashboard is served from another origin (default: same origin). */
  readonly VITE_API_BASE?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
