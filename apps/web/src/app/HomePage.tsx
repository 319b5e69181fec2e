import { Navigate } from 'react-router';
import { useAbilities } from '../auth/session';

/** Each person starts where their work is: signers at their inbox, auditors at the trail, teams at their use cases. */
export function HomePage() {
  const can = useAbilities();
  if (can.reviewsOutsideTeams) return <Navigate to="/inbox" replace />;
  if (can.audits && !can.onTeams) return <Navigate to="/audit" replace />;
  return <Navigate to="/use-cases" replace />;
}
