import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditTrail, DeniedAttempts } from '@app/audit';
import { Principal } from '@app/auth';
import { rowsToEntities } from '@app/database';
import { RuleRefusal } from '@app/errors';
import { riskAcceptors } from '../gate-policies/gate-policy';
import { GatePoliciesService } from '../gate-policies/gate-policies.service';
import { checkOutsideDecider } from '../gate-reviews/outside-decider.policy';
import { RiskAcceptanceDto } from './dto/risk.dto';
import { acceptanceSeverity, riskHash } from './risk-acceptance.policy';
import { RiskAcceptance } from './risk-acceptance.entity';
import { acceptanceView, RiskAcceptanceView } from './risk-acceptances.repository';
import { RiskAlreadyAccepted, RiskNotFound, RiskNotTreatedByAcceptance } from './use-cases.errors';
import { UseCasesService } from './use-cases.service';

/**
 * Accepting a risk (ISO/IEC 42001 6.1.3: the risk owner accepts residual
 * risk) as a recorded decision, never the team's: by a person outside the use
 * case's teams who never authored it, in a role the gate policy gives the
 * authority at the risk's inherent severity. The acceptance covers the risk
 * exactly as described; the team editing it afterwards asks for a new one.
 */
@Injectable()
export class RiskAcceptancesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly useCases: UseCasesService,
    private readonly policies: GatePoliciesService,
    private readonly trail: AuditTrail,
    private readonly denials: DeniedAttempts,
  ) {}

  accept(principal: Principal, useCaseId: string, riskId: string, input: RiskAcceptanceDto): Promise<RiskAcceptanceView> {
    const attempt = { attempted: 'risk.accepted', target: { type: 'risk', id: riskId }, useCaseId };
    return this.denials.watch(attempt, () =>
      this.dataSource.transaction(async (tx) => {
        // Locked like a content change: an edit of the risk and its acceptance are taken one after the other.
        const useCase = await this.useCases.lockUseCaseForChange(tx, principal, useCaseId, 'read');
        const risk = useCase.content.risks.find((candidate) => candidate.id === riskId);
        if (!risk) throw new RiskNotFound(riskId);
        if (risk.treatment !== 'accept' || risk.status === 'closed') throw new RiskNotTreatedByAcceptance(risk.treatment, risk.status);
        const policy = await this.policies.current(tx);
        const severity = acceptanceSeverity(risk);
        const verdict = checkOutsideDecider({
          actor: principal,
          role: input.role,
          allowedRoles: riskAcceptors(policy.document, severity),
          parties: await this.useCases.partiesOfUseCase(tx, useCase),
          decision: `accepts a risk of severity ${severity}`,
        });
        if (!verdict.allowed) throw new RuleRefusal(verdict.status, verdict.code, verdict.reason, 'Risk acceptance refused');
        const hash = riskHash(risk);
        const earlier = await tx.getRepository(RiskAcceptance).findOne({ select: { id: true }, where: { useCaseId, riskId, riskHash: hash } });
        if (earlier) throw new RiskAlreadyAccepted(earlier.id);

        const inserted = await tx
          .getRepository(RiskAcceptance)
          .createQueryBuilder()
          .insert()
          .values({ useCaseId, riskId, riskHash: hash, severity, useCaseRevision: useCase.revision, role: input.role, decidedBy: principal.userId, comment: input.comment })
          .returning('*')
          .execute();
        const [accepted] = rowsToEntities(tx, RiskAcceptance, inserted.raw);
        await this.trail.record(tx, {
          action: 'risk.accepted',
          target: { type: 'risk', id: riskId },
          useCaseId,
          data: {
            acceptanceId: accepted.id,
            riskHash: accepted.riskHash,
            severity: accepted.severity,
            residualSeverity: risk.residualSeverity,
            role: accepted.role,
            useCaseRevision: accepted.useCaseRevision,
            policyVersion: policy.version,
          },
          reason: accepted.comment,
        });
        return acceptanceView(accepted);
      }),
    );
  }
}
