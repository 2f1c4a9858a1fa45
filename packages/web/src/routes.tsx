import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { LoginPage } from './auth/LoginPage';
import { useSession } from './auth/session';
import { useI18n } from './i18n/index';
import { AppLayout } from './layout/AppLayout';
import { ErrorBoundary } from './layout/Feedback';
import { patientPage, preloadFor } from './patients/preload';

// A link to a patient (opened before logging in) loads that screen's code while the login is typed.
preloadFor(window.location);

// Every screen but the login is its own chunk: the first paint carries only the login.
const PatientListPage = lazy(() => import('./patients/PatientListPage'));
const PatientPage = patientPage.Component;
const AccessReportPage = lazy(() => import('./patients/AccessReportPage'));
const ImageViewerPage = lazy(() => import('./images/ImageViewerPage'));
const ConsentPage = lazy(() => import('./consent/ConsentPage'));
const ConsentPrintPage = lazy(() => import('./consent/ConsentPrintPage'));
const FacilitiesPage = lazy(() => import('./office/FacilitiesPage'));
const UsersPage = lazy(() => import('./office/UsersPage'));
const MatrixPage = lazy(() => import('./office/MatrixPage'));
const DisclosurePage = lazy(() => import('./office/DisclosurePage'));
const ReviewsPage = lazy(() => import('./office/ReviewsPage'));
const BreakGlassReviewPage = lazy(() => import('./office/BreakGlassReviewPage'));
const StatsPage = lazy(() => import('./office/StatsPage'));
const EntriesPage = lazy(() => import('./entries/EntriesPage'));
const RegisterPatientPage = lazy(() => import('./entries/RegisterPatientPage'));
const NotebookScanPage = lazy(() => import('./okusuri-techo/NotebookScanPage'));
const CabinetListPage = lazy(() => import('./cabinet/CabinetListPage'));
const CabinetPage = lazy(() => import('./cabinet/CabinetPage'));
const OfficeCabinetsPage = lazy(() => import('./cabinet/OfficeCabinetsPage'));
const FederationPage = lazy(() => import('./office/FederationPage'));
const CardPage = lazy(() => import('./account/CardPage'));
const LinkedSystemsPage = lazy(() => import('./account/LinkedSystemsPage'));

function Home() {
  const { state } = useSession();
  if (state.status !== 'active') return null;
  const { user, abilities } = state.session;
  // The first screen is one the user can act on: a clerk lands at the consent desk.
  const home = user.office
    ? '/office/facilities'
    : abilities && !abilities.viewRecords && abilities.registerConsents
      ? '/consents'
      : '/patients';
  return <Navigate to={home} replace />;
}

function NotFound() {
  const { t } = useI18n();
  return <p>{t('app.notFound')}</p>;
}

const screen = (element: React.ReactNode) => <ErrorBoundary>{element}</ErrorBoundary>;

export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <Home /> },
      { path: 'patients', element: screen(<PatientListPage />) },
      { path: 'patients/register', element: screen(<RegisterPatientPage />) },
      { path: 'patients/:personId', element: screen(<PatientPage />) },
      { path: 'patients/:personId/entries', element: screen(<EntriesPage />) },
      { path: 'patients/:personId/access-report', element: screen(<AccessReportPage />) },
      { path: 'patients/:personId/images', element: screen(<ImageViewerPage />) },
      { path: 'okusuri-techo', element: screen(<NotebookScanPage />) },
      { path: 'consents', element: screen(<ConsentPage />) },
      { path: 'cabinets', element: screen(<CabinetListPage />) },
      { path: 'cabinets/:id', element: screen(<CabinetPage />) },
      { path: 'consents/:id/print/:kind', element: screen(<ConsentPrintPage />) },
      { path: 'office', element: <Navigate to="/office/facilities" replace /> },
      { path: 'office/facilities', element: screen(<FacilitiesPage />) },
      { path: 'office/users', element: screen(<UsersPage />) },
      { path: 'office/matrix', element: screen(<MatrixPage />) },
      { path: 'office/disclosure', element: screen(<DisclosurePage />) },
      { path: 'office/reviews', element: screen(<ReviewsPage />) },
      { path: 'office/break-glass', element: screen(<BreakGlassReviewPage />) },
      { path: 'office/stats', element: screen(<StatsPage />) },
      { path: 'office/cabinets', element: screen(<OfficeCabinetsPage />) },
      { path: 'office/federation', element: screen(<FederationPage />) },
      { path: 'cards', element: screen(<CardPage />) },
      { path: 'linked', element: screen(<LinkedSystemsPage />) },
      { path: '*', element: <NotFound /> },
    ],
  },
]);
