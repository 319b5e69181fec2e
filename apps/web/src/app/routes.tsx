import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import { RequireSession } from '../auth/RequireSession';
import { SignInPage } from '../auth/SignInPage';
import { HomePage } from './HomePage';
import { Layout } from './Layout';
import { NotFoundPage } from './NotFoundPage';

// Each area loads when first visited, so the first load stays small.
const InboxPage = lazy(() => import('../features/reviews/InboxPage'));
const ReviewPage = lazy(() => import('../features/reviews/ReviewPage'));
const UseCasesPage = lazy(() => import('../features/use-cases/UseCasesPage'));
const NewUseCasePage = lazy(() => import('../features/use-cases/NewUseCasePage'));
const UseCasePage = lazy(() => import('../features/use-cases/UseCasePage'));
const AuditPage = lazy(() => import('../features/audit/AuditPage'));
const AuditEventPage = lazy(() => import('../features/audit/AuditEventPage'));
const CompliancePage = lazy(() => import('../features/audit/CompliancePage'));
const UsersPage = lazy(() => import('../features/admin/UsersPage'));
const TeamsPage = lazy(() => import('../features/admin/TeamsPage'));
const GatePoliciesPage = lazy(() => import('../features/admin/GatePoliciesPage'));
const ApiKeysPage = lazy(() => import('../features/admin/ApiKeysPage'));
const WebhooksPage = lazy(() => import('../features/admin/WebhooksPage'));
const NotificationsPage = lazy(() => import('../features/notifications/NotificationsPage'));

/** Every address of the app; each is a deep link that survives a reload and a sign-in. */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route
        element={
          <RequireSession>
            <Layout />
          </RequireSession>
        }
      >
        <Route index element={<HomePage />} />
        <Route path="inbox" element={<InboxPage />} />
        <Route path="reviews/:reviewId" element={<ReviewPage />} />
        <Route path="use-cases" element={<UseCasesPage />} />
        <Route path="use-cases/new" element={<NewUseCasePage />} />
        <Route path="use-cases/:useCaseId/*" element={<UseCasePage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="audit/events/:seq" element={<AuditEventPage />} />
        <Route path="compliance" element={<CompliancePage />} />
        <Route path="admin/users" element={<UsersPage />} />
        <Route path="admin/teams" element={<TeamsPage />} />
        <Route path="admin/gate-policies" element={<GatePoliciesPage />} />
        <Route path="api-keys" element={<ApiKeysPage />} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path="admin/webhooks" element={<WebhooksPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
