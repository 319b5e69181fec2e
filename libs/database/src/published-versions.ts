import { DataSource, EntityManager, EntityTarget, FindOptionsOrder, FindOptionsSelect, FindOptionsWhere } from 'typeorm';

/** The columns of every table of published, immutable versions (gate policies, assessment templates). */
export interface PublishedRow<D> {
  version: number;
  document: D;
  documentHash: string;
  note: string | null;
  publishedBy: string;
  publishedAt: Date;
}

/** A published version as the API answers with it. */
export type PublishedVersion<D> = Omit<PublishedRow<D>, 'publishedAt'> & { publishedAt: string };

/**
 * The read side of a table of published versions: the list (without the
 * documents), the latest, and one version. A published version never
 * changes, so it is read once and kept: a decision that reads its pinned
 * version inside a transaction must not need a second pooled connection.
 */
export class PublishedVersions<D, E extends PublishedRow<D>> {
  private readonly kept = new Map<number, PublishedVersion<D>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly target: EntityTarget<E>,
    private readonly errors: { noneYet: () => Error; noSuchVersion: (version: number) => Error },
  ) {}

  async list(): Promise<Omit<PublishedVersion<D>, 'document'>[]> {
    const rows = await this.dataSource.getRepository(this.target).find({
      select: { version: true, documentHash: true, note: true, publishedBy: true, publishedAt: true } as FindOptionsSelect<E>,
      order: { version: 'ASC' } as FindOptionsOrder<E>,
    });
    return rows.map(({ document: _document, ...summary }) => ({ ...summary, publishedAt: summary.publishedAt.toISOString() }));
  }

  async latest(manager: EntityManager = this.dataSource.manager): Promise<PublishedVersion<D>> {
    const [row] = await manager.getRepository(this.target).find({ order: { version: 'DESC' } as FindOptionsOrder<E>, take: 1 });
    if (!row) throw this.errors.noneYet();
    return publishedVersion(row);
  }

  /** The latest version's number, without reading its document. */
  async latestVersion(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [row] = await manager.getRepository(this.target).find({ select: { version: true } as FindOptionsSelect<E>, order: { version: 'DESC' } as FindOptionsOrder<E>, take: 1 });
    if (!row) throw this.errors.noneYet();
    return row.version;
  }

  async get(version: number, manager: EntityManager = this.dataSource.manager): Promise<PublishedVersion<D>> {
    const kept = this.kept.get(version);
    if (kept) return kept;
    const row = await manager.getRepository(this.target).findOneBy({ version } as FindOptionsWhere<E>);
    if (!row) throw this.errors.noSuchVersion(version);
    const found = publishedVersion(row);
    this.kept.set(version, found);
    return found;
  }
}

export function publishedVersion<D>(row: PublishedRow<D>): PublishedVersion<D> {
  return { ...row, publishedAt: row.publishedAt.toISOString() };
}
