import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditActor, AuditTrail } from '@app/audit';
import { RequestContext } from '@app/request-context';
import { insertNextVersion, publishedVersion, PublishedVersion, PublishedVersions } from '@app/database';
import { ValidationFailedError } from '@app/errors';
import { GatePolicyVersionNotFound, NoGatePolicyPublished } from './gate-policies.errors';
import { DEFAULT_GATE_POLICY_DATA, GatePolicyDocument, validateGatePolicy } from './gate-policy';
import { GatePolicy } from './gate-policy.entity';

export type GatePolicyVersion = PublishedVersion<GatePolicyDocument>;

const BOOTSTRAP_ACTOR: AuditActor = { id: 'system:bootstrap', kind: 'system', displayName: 'First start', roles: [] };

/**
 * Gate policies as data, versioned: publishing makes a new version and never
 * changes an old one (the rows are immutable), and a gate review stays pinned
 * to the version it opened under. Version 1 is the shipped default.
 */
@Injectable()
export class GatePoliciesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(GatePoliciesService.name);
  private readonly versions: PublishedVersions<GatePolicyDocument, GatePolicy>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(GatePolicy) private readonly policies: Repository<GatePolicy>,
    private readonly trail: AuditTrail,
    private readonly context: RequestContext,
  ) {
    this.versions = new PublishedVersions(dataSource, GatePolicy, { noneYet: () => new NoGatePolicyPublished(), noSuchVersion: (version) => new GatePolicyVersionNotFound(version) });
  }

  async onApplicationBootstrap() {
    if (await this.policies.exists()) return;
    await this.publish(DEFAULT_GATE_POLICY_DATA, 'The default policy shipped with Gatehouse', BOOTSTRAP_ACTOR).catch((error: { driverError?: { code?: string } }) => {
      // Another instance starting on the same database published it first.
      if (error.driverError?.code !== '23505') throw error;
    });
    this.logger.log('Published the default gate policy as version 1.');
  }

  list(): Promise<Omit<GatePolicyVersion, 'document'>[]> {
    return this.versions.list();
  }

  current(manager?: EntityManager): Promise<GatePolicyVersion> {
    return this.versions.latest(manager);
  }

  /** Kept once read: a published version never changes (PublishedVersions). */
  get(version: number, manager?: EntityManager): Promise<GatePolicyVersion> {
    return this.versions.get(version, manager);
  }

  /** Published by the caller of the current request, or by `actor` where there is none (the default policy, at first start). */
  async publish(document: unknown, note: string | undefined, actor: AuditActor | undefined = this.context.actor): Promise<GatePolicyVersion> {
    const errors = validateGatePolicy(document);
    if (errors.length) throw new ValidationFailedError(errors);
    if (!actor) throw new Error('A gate policy is published by someone: no actor in the request context, and none given.');
    const documentHash = createHash('sha256').update(canonicalize(document)!).digest('hex');
    return this.dataSource.transaction(async (manager) => {
      const policy = await insertNextVersion(manager, GatePolicy, { document: document as GatePolicyDocument, documentHash, note: note ?? null, publishedBy: actor.id });
      await this.trail.record(manager, {
        action: 'gate_policy.published',
        target: { type: 'gate_policy', id: String(policy.version) },
        data: { version: policy.version, documentHash: policy.documentHash, note: policy.note },
        actor,
      });
      return publishedVersion(policy);
    });
  }
}

