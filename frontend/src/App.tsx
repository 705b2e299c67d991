import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Link, Route, RouterProvider, Routes } from 'react-router';
import { ApiError } from './api/problem';
import { AuthProvider } from './auth/AuthProvider';
import { RequireAuth } from './auth/RequireAuth';
import { Layout } from './components/Layout';
import { useDocumentTitle } from './components/UnderConstruction';
import { Loading } from './components/Status';
import { OverviewPage } from './pages/overview/OverviewPage';
import { prefetchOverview } from './pages/overview/prefetch';
import { SignInPage } from './pages/SignInPage';

/**
 * A page loaded on first visit: the sign-in form and the overview (where everyone lands) come
 * with the first script; the other pages, and ECharts, are fetched when opened, so that a slow
 * link carries only what the first screen needs (docs/benchmarks.md, first load).
 */
function onDemand<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K): ComponentType {
  const Page = lazy(async (): Promise<{ default: ComponentType }> => ({ default: (await load())[name] }));
  return function OnDemand() {
    return (
      <Suspense fallback={<Loading />}>
        <Page />
      </Suspense>
    );
  };
}

const AdminPage = onDemand(() => import('./pages/AdminPage'), 'AdminPage');
const CompliancePage = onDemand(() => import('./pages/compliance/CompliancePage'), 'CompliancePage');
const RegistriesPage = onDemand(() => import('./pages/registries/RegistriesPage'), 'RegistriesPage');
const InboxPage = onDemand(() => import('./pages/reports/InboxPage'), 'InboxPage');
const ReportPage = onDemand(() => import('./pages/reports/ReportPage'), 'ReportPage');
const ReportsPage = onDemand(() => import('./pages/reports/ReportsPage'), 'ReportsPage');
const UnitDetailPage = onDemand(() => import('./pages/units/UnitDetailPage'), 'UnitDetailPage');
const UnitsPage = onDemand(() => import('./pages/units/UnitsPage'), 'UnitsPage');
const RecognitionPage = onDemand(() => import('./pages/recognition/RecognitionPage'), 'RecognitionPage');
const ScoreSheetPage = onDemand(() => import('./pages/recognition/ScoreSheetPage'), 'ScoreSheetPage');
const PublicPage = onDemand(() => import('./pages/public/PublicPage'), 'PublicPage');

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 60_000,
        refetchOnWindowFocus: false,
        // Retry network trouble and 5xx once; a 4xx answer will not change by asking again.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 1,
      },
    },
  });
}

function NotFound() {
  const { t } = useTranslation();
  useDocumentTitle(t('common.notFound'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('common.notFound')}</h1>
      <p>
        <Link to="/">{t('common.backHome')}</Link>
      </p>
    </section>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/dang-nhap" element={<SignInPage />} />
      {/* Open data: no sign-in (api/public). */}
      <Route path="/cong-khai/:unit/:year" element={<PublicPage />} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route index element={<OverviewPage />} />
        <Route path="tuan-thu" element={<CompliancePage />} />
        <Route path="bao-cao" element={<ReportsPage />} />
        <Route path="cho-duyet" element={<InboxPage />} />
        <Route path="bao-cao/:unit/:year" element={<ReportPage />} />
        <Route path="so-dang-ky/:tab?" element={<RegistriesPage />} />
        <Route path="cong-nhan/:tab?" element={<RecognitionPage />} />
        <Route path="cong-nhan/phieu/:id" element={<ScoreSheetPage />} />
        <Route path="don-vi" element={<UnitsPage />} />
        <Route path="don-vi/:code" element={<UnitDetailPage />} />
        <Route path="quan-tri/:tab?" element={<AdminPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

/**
 * A data router around the routes (one splat route): only a data router can hold a navigation
 * back while a form has unsaved changes (useBlocker, lib/useUnsavedGuard.ts).
 */
function makeRouter() {
  return createBrowserRouter([
    {
      path: '*',
      element: (
        <AuthProvider>
          <AppRoutes />
        </AuthProvider>
      ),
    },
  ]);
}

export function App() {
  const [queryClient] = useState(() => {
    const client = makeQueryClient();
    prefetchOverview(client, window.location);
    return client;
  });
  const [router] = useState(makeRouter);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
