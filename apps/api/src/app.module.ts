import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { RequestContextModule } from '@app/request-context';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LoggingModule } from './logging.module';
import { AuditApiModule } from './modules/audit/audit.module';
import { ComplianceModule } from './modules/compliance/compliance.module';
import { HealthModule } from './modules/health/health.module';
import { EvidenceModule } from './modules/evidence/evidence.module';
import { GatePoliciesModule } from './modules/gate-policies/gate-policies.module';
import { GateReviewsModule } from './modules/gate-reviews/gate-reviews.module';
import { IdentityModule } from './modules/identity/identity.module';
import { ImpactAssessmentsModule } from './modules/impact-assessments/impact-assessments.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { UseCasesModule } from './modules/use-cases/use-cases.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';

@Module({})
export class AppModule {
  /** The config is loaded and validated before Nest starts; the module only carries it. */
  static forRoot(config: AppConfig, extraImports: (Type | DynamicModule)[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        RequestContextModule,
        DatabaseModule,
        AuditModule,
        HealthModule,
        IdentityModule,
        AuditApiModule,
        GatePoliciesModule,
        UseCasesModule,
        EvidenceModule,
        ImpactAssessmentsModule,
        GateReviewsModule,
        NotificationsModule,
        ComplianceModule,
        WebhooksModule,
        IdempotencyModule,
        ...extraImports,
      ],
    };
  }
}
