import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Link, Route, Routes } from 'react-router';
import { ApiError } from './api/problem';
import { AuthProvider } from './auth/AuthProvider';
import { RequireAuth } from './auth/RequireAuth';
import { Layout } from './components/Layout';
import { useDocumentTitle } from './components/UnderConstruction';
import { AdminPage } from './pages/AdminPage';
import { CompliancePage } from './pages/compliance/CompliancePage';
import { OverviewPage } from './pages/overview/OverviewPage';
import { RegistriesPage } from './pages/registries/RegistriesPage';
import { ReportPage } from './pages/reports/ReportPage';
import { ReportsPage } from './pages/reports/ReportsPage';
import { SignInPage } from './pages/SignInPage';
import { UnitDetailPage } from './pages/units/UnitDetailPage';
import { UnitsPage } from './pages/units/UnitsPage';

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
        <Route path="bao-cao/:unit/:year" element={<ReportPage />} />
        <Route path="so-dang-ky/:tab?" element={<RegistriesPage />} />
        <Route path="don-vi" element={<UnitsPage />} />
        <Route path="don-vi/:code" element={<UnitDetailPage />} />
        <Route path="quan-tri/:tab?" element={<AdminPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App() {
  const [queryClient] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AuthProvider>
          <AppRoutes />
        </AuthProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
