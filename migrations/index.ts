import { MigrationInterface } from 'typeorm';
import { CreateAuditTrail1764064800000 } from './1764064800000-CreateAuditTrail';
import { CreateIdentity1764072000000 } from './1764072000000-CreateIdentity';
import { CreateRegistry1764079200000 } from './1764079200000-CreateRegistry';
import { CreateGateReviews1764086400000 } from './1764086400000-CreateGateReviews';
import { GovernTierChanges1764093600000 } from './1764093600000-GovernTierChanges';
import { CreateRuntimeRoleCredentials1764100800000 } from './1764100800000-CreateRuntimeRoleCredentials';
import { StageEvidenceUploads1764104400000 } from './1764104400000-StageEvidenceUploads';
import { LeaseIdempotencyKeys1764109800000 } from './1764109800000-LeaseIdempotencyKeys';
import { PageUseCasesInCreationOrder1764117000000 } from './1764117000000-PageUseCasesInCreationOrder';
import { PageTheInbox1764124200000 } from './1764124200000-PageTheInbox';
import { SignAuditCheckpoints1764131400000 } from './1764131400000-SignAuditCheckpoints';
import { StatementOfApplicability1764138600000 } from './1764138600000-StatementOfApplicability';
import { LetCheckpointsReferenceTheirKeys1764145800000 } from './1764145800000-LetCheckpointsReferenceTheirKeys';
import { GovernImpactAssessmentsAndRiskAcceptance1764153000000 } from './1764153000000-GovernImpactAssessmentsAndRiskAcceptance';
import { SealAuditEventsAfterCommit1764160200000 } from './1764160200000-SealAuditEventsAfterCommit';
import { CreateBrowserSessions1764167400000 } from './1764167400000-CreateBrowserSessions';
import { CreateWebhooks1764171000000 } from './1764171000000-CreateWebhooks';
import { CreateNotifications1764181000000 } from './1764181000000-CreateNotifications';
import { CreateOidcSignIn1764191000000 } from './1764191000000-CreateOidcSignIn';

/** Every migration, oldest first. A new migration is added here as well as in its own file. */
export const migrations: (new () => MigrationInterface)[] = [
  CreateAuditTrail1764064800000,
  CreateIdentity1764072000000,
  CreateRegistry1764079200000,
  CreateGateReviews1764086400000,
  GovernTierChanges1764093600000,
  CreateRuntimeRoleCredentials1764100800000,
  StageEvidenceUploads1764104400000,
  LeaseIdempotencyKeys1764109800000,
  PageUseCasesInCreationOrder1764117000000,
  PageTheInbox1764124200000,
  SignAuditCheckpoints1764131400000,
  StatementOfApplicability1764138600000,
  LetCheckpointsReferenceTheirKeys1764145800000,
  GovernImpactAssessmentsAndRiskAcceptance1764153000000,
  SealAuditEventsAfterCommit1764160200000,
  CreateBrowserSessions1764167400000,
  CreateWebhooks1764171000000,
  CreateNotifications1764181000000,
  CreateOidcSignIn1764191000000,
];
