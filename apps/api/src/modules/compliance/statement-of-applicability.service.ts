import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditTrail } from '@app/audit';
import { ValidationFailedError } from '@app/errors';
import { RequestContext } from '@app/request-context';
import { GatePoliciesService } from '../gate-policies/gate-policies.service';
import { AnnexACatalogue, annexACatalogue, CURRENT_ANNEX_A } from './annex-a-catalogue';
import { SoaVersionStaleError } from './compliance.errors';
import { evidenceTallies, isActiveUser, lockSoaForEditing } from './compliance.repository';
import { SoaVersion } from './soa-version.entity';
import { applySoaEdit, evidenceByControl, initialEntries, latestEvidenceAt, SoaEdit, SoaEntry } from './statement-of-applicability.policy';

/**
 * The ISO/IEC 42001 Statement of Applicability: per Annex A control, whether it
 * applies (or why not), how far it is implemented and who owns it, as edited
 * by compliance officers and administrators — each edit a new version and an
 * audit event — beside what Gatehouse's own records show for it, filled in at
 * every read through the gate policy's control mapping.
 */
@Injectable()
export class StatementOfApplicabilityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
    private readonly policies: GatePoliciesService,
    private readonly context: RequestContext,
  ) {}

  /** The statement as it stands, read through `manager` (a snapshot's, when the pack reads it). */
  async current(manager: EntityManager = this.dataSource.manager) {
    // One after another: the pack passes its snapshot's single connection.
    const latest = await this.latest(manager);
    const policy = await this.policies.current(manager);
    const tallies = await evidenceTallies(manager);
    const catalogue = this.catalogueOf(latest);
    const evidence = evidenceByControl(policy.document, tallies);
    const entries = latest?.entries ?? initialEntries(catalogue);
    return {
      version: latest?.version ?? 0,
      catalogue: { name: catalogue.catalogue, version: catalogue.version, standard: catalogue.standard },
      editedBy: latest?.editedBy ?? null,
      editedAt: latest?.editedAt.toISOString() ?? null,
      policyVersion: policy.version,
      controls: catalogue.controls.map((control) => {
        const entry = entries.find((candidate) => candidate.controlId === control.id)!;
        const found = evidence.get(control.id) ?? [];
        return { ...entry, title: control.title, objective: control.objective, evidenceType: control.evidence, evidence: found, latestEvidenceAt: latestEvidenceAt(found) };
      }),
    };
  }

  async versions() {
    const versions = await this.dataSource.getRepository(SoaVersion).find({
      select: { version: true, catalogue: true, changedControl: true, note: true, editedBy: true, editedAt: true },
      order: { version: 'DESC' },
    });
    return versions.map((v) => ({ version: v.version, catalogue: v.catalogue, changedControl: v.changedControl, note: v.note, editedBy: v.editedBy, editedAt: v.editedAt.toISOString() }));
  }

  /** One control's entry changed: a new version, recorded in the trail, made on the version the editor read. */
  async edit(controlId: string, basedOnVersion: number, edit: SoaEdit, note?: string) {
    await this.dataSource.transaction(async (tx) => {
      await lockSoaForEditing(tx);
      const latest = await this.latest(tx);
      const currentVersion = latest?.version ?? 0;
      if (basedOnVersion !== currentVersion) throw new SoaVersionStaleError(currentVersion, basedOnVersion);
      const catalogue = this.catalogueOf(latest);
      const entries = latest?.entries ?? initialEntries(catalogue);
      const applied = applySoaEdit(entries, controlId, edit);
      if ('errors' in applied) throw new ValidationFailedError(applied.errors);
      if (edit.ownerId && !(await isActiveUser(tx, edit.ownerId))) throw new ValidationFailedError([{ field: 'ownerId', detail: 'ownerId must name an active person' }]);
      const before = entries.find((entry) => entry.controlId === controlId)!;
      const version = currentVersion + 1;
      const editedBy = this.context.actor?.id ?? 'unknown';
      await tx.getRepository(SoaVersion).insert({ version, catalogue: catalogue.version, entries: applied.entries, changedControl: controlId, note: note ?? null, editedBy });
      await this.trail.record(tx, {
        action: 'soa.control_updated',
        target: { type: 'soa_control', id: controlId },
        before: asAudited(before),
        after: asAudited(applied.entry),
        data: { version, catalogue: catalogue.version, controlId },
        reason: note,
      });
    });
    return this.current();
  }

  private latest(manager: EntityManager) {
    return manager.getRepository(SoaVersion).findOne({ where: {}, order: { version: 'DESC' } });
  }

  private catalogueOf(latest: SoaVersion | null): AnnexACatalogue {
    return (latest && annexACatalogue(latest.catalogue)) || CURRENT_ANNEX_A;
  }
}

function asAudited(entry: SoaEntry) {
  return { applicable: entry.applicable, justification: entry.justification, status: entry.status, ownerId: entry.ownerId };
}
