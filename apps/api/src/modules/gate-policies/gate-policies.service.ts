import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditTrail } from '@app/audit';
import { NotFoundError, ValidationFailedError } from '@app/errors';
import { DEFAULT_GATE_POLICY_DATA, GatePolicyDocument, validateGatePolicy } from './gate-policy';

export interface GatePolicyVersion {
  version: number;
  document: GatePolicyDocument;
  documentHash: string;
  note: string | null;
  publishedBy: string;
  publishedAt: string;
}

const POLICY_SQL = `SELECT version, document, document_hash AS "documentHash", note, published_by AS "publishedBy", published_at AS "publishedAt" FROM gate_policies`;

const BOOTSTRAP_ACTOR: AuditActor = { id: 'system:bootstrap', kind: 'system', displayName: 'First start', roles: [] };

/**
 * Gate policies as data, versioned: publishing makes a new version and never
 * changes an old one (the rows are immutable), and a gate review stays pinned
 * to the version it opened under. Version 1 is the shipped default.
 */
@Injectable()
export class GatePoliciesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(GatePoliciesService.name);
  private readonly published = new Map<number, GatePolicyVersion>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
  ) {}

  async onApplicationBootstrap() {
    const [{ any }] = await this.dataSource.query('SELECT EXISTS (SELECT 1 FROM gate_policies) AS any');
    if (any) return;
    await this.publish(DEFAULT_GATE_POLICY_DATA, 'The default policy shipped with Gatehouse', BOOTSTRAP_ACTOR).catch((error: { driverError?: { code?: string } }) => {
      // Another instance starting on the same database published it first.
      if (error.driverError?.code !== '23505') throw error;
    });
    this.logger.log('Published the default gate policy as version 1.');
  }

  list(): Promise<Omit<GatePolicyVersion, 'document'>[]> {
    return this.dataSource.query(
      `SELECT version, document_hash AS "documentHash", note, published_by AS "publishedBy", published_at AS "publishedAt" FROM gate_policies ORDER BY version`,
    );
  }

  async current(manager: EntityManager = this.dataSource.manager): Promise<GatePolicyVersion> {
    const [policy]: GatePolicyVersion[] = await manager.query(`${POLICY_SQL} ORDER BY version DESC LIMIT 1`);
    if (!policy) throw new NotFoundError('No gate policy has been published.');
    return policy;
  }

  /**
   * A published version never changes, so it is read once and kept: deciding
   * on a review reads its pinned version inside a transaction, and must not
   * need a second pooled connection to do so.
   */
  async get(version: number, manager: EntityManager = this.dataSource.manager): Promise<GatePolicyVersion> {
    const cached = this.published.get(version);
    if (cached) return cached;
    const [policy]: GatePolicyVersion[] = await manager.query(`${POLICY_SQL} WHERE version = $1`, [version]);
    if (!policy) throw new NotFoundError(`No gate policy version ${version}.`);
    this.published.set(version, policy);
    return policy;
  }

  async publish(document: unknown, note: string | undefined, actor?: AuditActor): Promise<GatePolicyVersion> {
    const errors = validateGatePolicy(document);
    if (errors.length) throw new ValidationFailedError(errors);
    const documentHash = createHash('sha256').update(canonicalize(document)!).digest('hex');
    return this.dataSource.transaction(async (manager) => {
      // One publisher at a time: the next version number is read under this lock.
      await manager.query('LOCK TABLE gate_policies IN SHARE ROW EXCLUSIVE MODE');
      const [{ next }] = await manager.query('SELECT coalesce(max(version), 0) + 1 AS next FROM gate_policies');
      await manager.query('INSERT INTO gate_policies (version, document, document_hash, note, published_by) VALUES ($1, $2, $3, $4, $5)', [
        next,
        JSON.stringify(document),
        documentHash,
        note ?? null,
        actor?.id ?? 'unknown',
      ]);
      await this.trail.record(manager, {
        action: 'gate_policy.published',
        target: { type: 'gate_policy', id: String(next) },
        data: { version: next, documentHash, note: note ?? null },
        actor,
      });
      const [policy]: GatePolicyVersion[] = await manager.query(`${POLICY_SQL} WHERE version = $1`, [next]);
      return policy;
    });
  }
}
