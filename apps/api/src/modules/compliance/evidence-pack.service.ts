import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify/sync';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { ZipFile } from 'yazl';
import { AuditCheckpoints, AuditReader, AuditSealer, AuditTrail, SignedCheckpoint } from '@app/audit';
import { EVIDENCE_STORE, EvidenceStore } from '../evidence/evidence-store';
import { dossierOf, inventory, InventoryRow, metrics, PackPeriod, policiesInForce, roleChanges, sliceStart, treatmentOf } from './evidence-pack.repository';
import { AssessmentLine, renderPackReport, UseCaseSummary } from './evidence-pack.report';
import { impactAssessmentFile, risksFile } from './evidence-pack.treatment';
import { roleHistory } from './role-history';
import { StatementOfApplicabilityService } from './statement-of-applicability.service';

export const PACK_FORMAT = 'gatehouse-iso42001-evidence-pack';
export const PACK_FORMAT_VERSION = 1;


export interface PackRequest extends PackPeriod {
  /** Put the evidence files themselves in the pack, not only their index. */
  files: boolean;
}

interface PackFile {
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * The ISO/IEC 42001 evidence pack: one ZIP an auditor takes away and checks
 * without Gatehouse. Every file is hashed as it is written; the manifest lists
 * the hashes and the signed checkpoint of the audit chain at the pack's end,
 * and is itself signed with the checkpoint key.
 *
 * Everything the pack reports is read in one snapshot of the database, the
 * trail's slice included, so no file shows a change whose event lies beyond
 * the slice. The snapshot is read through before the first byte is sent:
 * per-use-case files go to scratch files (memory holds one at a time), the
 * slice streams from COPY in the same snapshot, evidence files (immutable)
 * stream from the store.
 */
@Injectable()
export class EvidencePackService {
  private readonly logger = new Logger(EvidencePackService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
    private readonly sealer: AuditSealer,
    private readonly reader: AuditReader,
    private readonly checkpoints: AuditCheckpoints,
    private readonly soa: StatementOfApplicabilityService,
    @Inject(EVIDENCE_STORE) private readonly store: EvidenceStore,
  ) {}

  async build(request: PackRequest): Promise<{ stream: Readable; fileName: string }> {
    // Before anything is recorded or opened: a pack that cannot be made fails here, cleanly.
    const statics = packStatics();
    // Recorded, and committed, first: the slice of the trail in the pack holds the record of its own making.
    const exported = await this.dataSource.transaction((tx) =>
      this.trail.record(tx, {
        action: 'compliance.pack_exported',
        target: { type: 'evidence_pack', id: PACK_FORMAT },
        data: { from: request.from?.toISOString() ?? null, to: request.to.toISOString(), files: request.files },
      }),
    );
    await this.sealer.sealThrough(exported.xid);

    // One instant for everything the pack says: the trail's slice, the inventory, every dossier and what
    // is decided about each use case are read in one snapshot, so a dossier never shows a change whose
    // event lies beyond the slice. The snapshot is read to the end into scratch files before the first
    // byte goes out: no transaction waits on the client (evidence files, immutable, stream later).
    const scratch = await PackScratch.create();
    let read: Awaited<ReturnType<EvidencePackService['readSnapshot']>>;
    try {
      read = await this.readSnapshot(request, scratch);
    } catch (error) {
      await scratch.remove();
      throw error;
    }
    const { slice, useCases, statement, policies, roles, figures, trail, summaries, assessments, evidenceFiles } = read;

    try {
      const zip = new ZipFile();
      const output = new PassThrough();
      zip.outputStream.pipe(output);
      const written: Promise<PackFile>[] = [];
      const entries: HashedEntry[] = [];
      const add = (name: string, content: Buffer | string | (() => Readable), expected?: ExpectedContent) => {
        const entry = new HashedEntry(name, typeof content === 'function' ? content : () => Readable.from([Buffer.from(content)]), expected);
        entries.push(entry);
        written.push(entry.done);
        zip.addReadStream(entry, name, { compress: true, mtime: zipTime(request.to) });
      };

      const generatedAt = new Date().toISOString();
      // First: the slice streams from the snapshot's transaction, which should not wait on the rest of the pack.
      add('audit-trail/events.ndjson', () => trail.stream);
      add('inventory.csv', inventoryCsv(useCases));
      add('soa.json', json(statement));
      add('soa.csv', soaCsv(statement));
      for (const policy of policies) {
        add(`policies/gate-policy-v${policy.version}.json`, json({ version: policy.version, documentHash: policy.document_hash, note: policy.note, publishedBy: policy.published_by, publishedAt: policy.published_at, document: policy.document }));
      }
      add('roles.csv', rolesCsv(roleHistory(roles)));
      add('metrics.json', json({ period: periodOf(request), ...figures }));
      for (const useCase of useCases) {
        for (const file of ['dossier.json', 'impact-assessment.json', 'risks.json']) {
          add(`use-cases/${useCase.id}/${file}`, () => scratch.read(useCase.id, file));
        }
        if (request.files) this.addEvidenceFiles(add, useCase.id, evidenceFiles.get(useCase.id) ?? []);
      }
      add('audit-trail/checkpoint.json', json(trail.checkpoint));
      add('audit-trail/audit-chain.md', statics.chainSpecification);
      add('audit-trail/VERIFY.md', verifyGuide(slice, trail.checkpoint));
      add('report.html', () => Readable.from((async function* () { yield Buffer.from(renderPackReport({ generatedAt, period: periodOf(request), statement, useCases: summaries, assessments })); })()));

      // A client that hangs up destroys `output` (the HTTP adapter does): the ZIP writer then stalls, and with it
      // the trail's COPY, which would hold its snapshot transaction and pooled connection for ever. Stop everything.
      output.once('close', () => {
        void scratch.remove();
        if (output.readableEnded) return;
        const abandoned = new PackAbandonedError();
        trail.stream.destroy();
        for (const entry of entries) entry.abandon(abandoned);
      });
      void this.finish(zip, written, { generatedAt, request, checkpoint: trail.checkpoint, slice, useCases: useCases.length }).catch((error: unknown) => {
        if (error instanceof PackAbandonedError) this.logger.warn('the evidence pack was abandoned before it was complete (the client went away)');
        else this.logger.error({ err: error }, 'the evidence pack could not be finished');
        output.destroy(error as Error);
      });
      return { stream: output, fileName: `gatehouse-iso42001-pack-${generatedAt.slice(0, 10)}.zip` };
    } catch (error) {
      // The slice holds a snapshot transaction open until it is read: never leave it to the idle timeout.
      trail.stream.destroy();
      await scratch.remove();
      throw error;
    }
  }

  /**
   * Everything the pack reports, read in one REPEATABLE READ snapshot: the
   * snapshot is exported to the trail's export, which streams the slice from
   * the same instant; the per-use-case files are written to `scratch`.
   */
  private async readSnapshot(request: PackRequest, scratch: PackScratch) {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let trail: Awaited<ReturnType<AuditReader['exportEvents']>> | undefined;
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await runner.query('SET LOCAL statement_timeout = 0');
      const [{ snapshot }] = (await runner.query('SELECT pg_export_snapshot() AS snapshot')) as { snapshot: string }[];
      const manager = runner.manager;
      const slice = await sliceStart(manager, request);
      // The pack's own record is compliance.pack_exported (sealed above, so inside the snapshot).
      trail = await this.reader.exportEvents({ afterSeq: slice.fromSeq - 1 }, 'ndjson', { snapshot, record: false });
      const useCases = await inventory(manager, request);
      const statement = await this.soa.current(manager);
      const policies = await policiesInForce(manager, request);
      const roles = await roleChanges(manager, request);
      const figures = await metrics(manager, request);
      const summaries: UseCaseSummary[] = [];
      const assessments = new Map<string, AssessmentLine>();
      const evidenceFiles = new Map<string, Awaited<ReturnType<typeof dossierOf>>['evidence']>();
      for (const useCase of useCases) {
        const dossier = await dossierOf(manager, useCase.id);
        summaries.push(summarise(useCase, dossier));
        evidenceFiles.set(useCase.id, dossier.evidence);
        await scratch.write(useCase.id, 'dossier.json', json({ useCase, ...dossier, evidence: dossier.evidence.map(({ blobId: _blobId, ...evidence }) => evidence) }));
        const treatment = await treatmentOf(manager, useCase.id);
        const assessment = impactAssessmentFile(useCase.id, treatment);
        assessments.set(useCase.id, assessment.standing);
        await scratch.write(useCase.id, 'impact-assessment.json', json(assessment));
        await scratch.write(useCase.id, 'risks.json', json(risksFile(useCase.id, treatment)));
      }
      await runner.query('COMMIT');
      return { slice, useCases, statement, policies, roles, figures, trail, summaries, assessments, evidenceFiles };
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      trail?.stream.destroy();
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Evidence files ride in their use case's folder, streamed from the store. */
  private addEvidenceFiles(
    add: (name: string, content: () => Readable, expected: ExpectedContent) => void,
    useCaseId: string,
    evidence: { id: string; blobId: string | null; fileName: string | null; sha256?: unknown; sizeBytes?: unknown }[],
  ) {
    for (const file of evidence) {
      if (!file.blobId) continue;
      const blobId = file.blobId;
      // The store answers a missing or cut blob with fewer bytes, not an error: the file is checked against its record.
      const expected = { sha256: String(file.sha256), bytes: Number(file.sizeBytes), what: `evidence ${file.id}` };
      add(`use-cases/${useCaseId}/evidence/${file.id}-${safeName(file.fileName ?? 'file')}`, () => this.store.read(blobId), expected);
    }
  }

  /** Once every file is written and hashed: the manifest, its signature, and the end of the ZIP. */
  private async finish(zip: ZipFile, written: Promise<PackFile>[], context: { generatedAt: string; request: PackRequest; checkpoint: SignedCheckpoint; slice: { fromSeq: number; prevHash: string | null }; useCases: number }) {
    // Files may be added while earlier ones are written (evidence files join when their dossier is read): wait until none is left.
    let settled = 0;
    while (settled < written.length) {
      const count = written.length;
      await Promise.all(written.slice(settled, count));
      settled = count;
    }
    const files = await Promise.all(written);
    const manifest = Buffer.from(
      json({
        format: PACK_FORMAT,
        formatVersion: PACK_FORMAT_VERSION,
        generator: { name: 'gatehouse', version: packStatics().version },
        generatedAt: context.generatedAt,
        scope: { standard: 'ISO/IEC 42001:2023', useCases: context.useCases, evidenceFiles: context.request.files },
        period: periodOf(context.request),
        auditTrail: { file: 'audit-trail/events.ndjson', fromSeq: context.slice.fromSeq, prevHash: context.slice.prevHash, checkpoint: context.checkpoint },
        files,
      }),
    );
    zip.addBuffer(manifest, 'manifest.json', { mtime: zipTime(context.request.to) });
    zip.addBuffer(Buffer.from(json(this.checkpoints.signDetached(manifest))), 'manifest.sig.json', { mtime: zipTime(context.request.to) });
    zip.end();
  }
}

/**
 * The repository's root (the folder of Gatehouse's package.json), found from
 * here whether this runs from the TypeScript sources or from dist/: the pack
 * ships the chain specification in docs/ and names the package's version.
 */
function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'gatehouse') return dir;
    } catch {
      // not here: look one level up
    }
    if (path.dirname(dir) === dir) throw new Error(`Gatehouse's package.json was not found above ${__dirname}`);
  }
}

/** What every pack carries besides the data, read once. */
const packStatics = (() => {
  let statics: { chainSpecification: Buffer; version: string } | undefined;
  return () => {
    if (!statics) {
      const root = repositoryRoot();
      statics = {
        chainSpecification: readFileSync(path.join(root, 'docs/audit-chain.md')),
        version: JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version,
      };
    }
    return statics;
  };
})();

/**
 * One file of the pack: its content is made only when the ZIP writer first
 * reads it (so a dossier is queried when its turn comes, not when it is
 * listed), and hashed on the way through for the manifest.
 */
class HashedEntry extends Readable {
  readonly done: Promise<PackFile>;
  private source?: Readable;
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private settle!: { resolve: (file: PackFile) => void; reject: (error: Error) => void };

  constructor(
    private readonly name: string,
    private readonly make: () => Readable,
    private readonly expected?: ExpectedContent,
  ) {
    super();
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // The manifest waits on every entry: one that fails ends the pack, and is reported there,
    // not as an unhandled 'error' event that would take the process down.
    this.done.catch(() => undefined);
    this.on('error', () => undefined);
  }

  /** Ends this entry unfinished (the pack will not be completed): its source is stopped and the manifest no longer waits for it. */
  abandon(error: Error): void {
    this.settle.reject(error);
    this.source?.destroy();
    this.destroy();
  }

  override _read(): void {
    if (this.source) {
      this.source.resume();
      return;
    }
    const source = (this.source = this.make());
    source.on('data', (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      this.hash.update(bytes);
      this.bytes += bytes.length;
      if (!this.push(bytes)) source.pause();
    });
    source.once('end', () => {
      const file = { path: this.name, sha256: this.hash.digest('hex'), bytes: this.bytes };
      if (this.expected && (file.sha256 !== this.expected.sha256 || file.bytes !== this.expected.bytes)) {
        const error = new Error(`${this.expected.what} in the store is not the file recorded (${file.bytes} bytes, SHA-256 ${file.sha256}; recorded ${this.expected.bytes} bytes, ${this.expected.sha256}): the pack is not finished`);
        this.settle.reject(error);
        this.destroy(error);
        return;
      }
      this.settle.resolve(file);
      this.push(null);
    });
    source.once('error', (error) => {
      this.settle.reject(error);
      this.destroy(error);
    });
  }
}

/** What a file must be, as its record says: a pack never carries another file under its name. */
interface ExpectedContent {
  sha256: string;
  bytes: number;
  what: string;
}

/** The download was given up before the pack was complete: nothing of it is kept. */
class PackAbandonedError extends Error {
  constructor() {
    super('the evidence pack was abandoned before it was complete');
  }
}

/** ZIP's (MS-DOS) timestamps span 1980 to 2107: the period's end, brought into that range. yazl throws, outside the request, on an earlier one. */
const ZIP_EARLIEST = new Date(1980, 0, 1, 0, 0, 2);
const ZIP_LATEST = new Date(2107, 11, 31, 23, 59, 58);
function zipTime(date: Date): Date {
  return date < ZIP_EARLIEST ? ZIP_EARLIEST : date > ZIP_LATEST ? ZIP_LATEST : date;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const periodOf = (request: PackPeriod) => ({ from: request.from?.toISOString() ?? null, to: request.to.toISOString() });

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || 'file';
}

/**
 * A text cell that a spreadsheet would read as a formula (it begins with =, +, -, @, a tab or a carriage
 * return: OWASP's "CSV injection") is written with a leading apostrophe, so opening the pack's CSV files in
 * Excel or LibreOffice shows the text instead of running it. Only the CSV files are changed this way: the
 * JSON files and the dossiers keep every value exactly as it was recorded.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const CSV_OPTIONS = { header: true, cast: { string: neutraliseFormula } };

function inventoryCsv(rows: InventoryRow[]): string {
  return stringify(
    rows.map((row) => [row.id, row.title, row.stage, row.status, row.tier, row.developer_team, row.deployer_team, row.revision, row.content_hash, row.created_at.toISOString(), row.updated_at.toISOString()]),
    { ...CSV_OPTIONS, columns: ['id', 'title', 'stage', 'status', 'tier', 'developer_team', 'deployer_team', 'revision', 'content_hash', 'created_at', 'updated_at'] },
  );
}

function soaCsv(statement: Awaited<ReturnType<StatementOfApplicabilityService['current']>>): string {
  return stringify(
    statement.controls.map((c) => [c.controlId, c.title, c.applicable ? 'yes' : 'no', c.justification ?? '', c.status ?? '', c.ownerId ?? '', c.evidence.map((e) => `${e.source}:${e.name} (${e.count})`).join('; '), c.latestEvidenceAt ?? '']),
    { ...CSV_OPTIONS, columns: ['control', 'title', 'applicable', 'justification', 'status', 'owner', 'evidence', 'latest_evidence_at'] },
  );
}

function rolesCsv(rows: ReturnType<typeof roleHistory>): string {
  return stringify(
    rows.map((row) => [row.userId, row.holds, row.from, row.until ?? '', row.grantedBySeq, row.endedBySeq ?? '']),
    { ...CSV_OPTIONS, columns: ['user_id', 'holds', 'from', 'until', 'granted_by_audit_seq', 'ended_by_audit_seq'] },
  );
}

function summarise(useCase: InventoryRow, dossier: Awaited<ReturnType<typeof dossierOf>>): UseCaseSummary {
  return {
    id: useCase.id,
    title: useCase.title,
    stage: useCase.stage,
    tier: useCase.tier,
    approvals: dossier.signOffs.map((s) => ({
      gate: String(dossier.reviews.find((r) => r.id === s.reviewId)?.gate ?? ''),
      signer: String(s.signerName),
      role: String(s.role),
      decision: String(s.decision),
      revision: Number(s.revision),
      contentHash: String(s.contentHash),
      at: new Date(s.createdAt as string).toISOString(),
    })),
    evidence: dossier.evidence.map((e) => ({ kind: String(e.kind), title: String(e.title), sha256: (e.sha256 as string | null) ?? null, url: (e.url as string | null) ?? null })),
  };
}

function verifyGuide(slice: { fromSeq: number; prevHash: string | null }, checkpoint: SignedCheckpoint): string {
  const range = slice.prevHash ? `--from-seq ${slice.fromSeq} --prev-hash ${slice.prevHash} ` : '';
  return `# Verifying this pack

You need the pack, the Gatehouse public key of key id \`${checkpoint.keyId}\` (from the
organisation: \`GET /api/audit/public-key\`, or \`npm run audit:public-key\`, obtained
independently of this pack; save its \`publicKey\` PEM as \`gatehouse-public-key.pem\` in the pack's
folder, where every command below is run), \`sha256sum\`, \`openssl\` and, for the chain, any JSON tool
or the steps of \`audit-trail/audit-chain.md\`.

1. **The files are the ones the manifest lists.** For every entry of \`files\` in
   \`manifest.json\`, \`sha256sum <path>\` prints its \`sha256\`.
2. **The manifest is Gatehouse's.** \`manifest.sig.json\` holds an Ed25519 signature
   (base64) over the exact bytes of \`manifest.json\`:

       node -e 'process.stdout.write(Buffer.from(require("./manifest.sig.json").signature, "base64"))' > manifest.sig
       openssl pkeyutl -verify -pubin -inkey gatehouse-public-key.pem -rawin -in manifest.json -sigfile manifest.sig

3. **The trail is unbroken and ends at the signed checkpoint.** \`audit-trail/events.ndjson\`
   starts at seq ${slice.fromSeq}${slice.prevHash ? `, linked to the hash of seq ${slice.fromSeq - 1} (\`${slice.prevHash}\`)` : ' (the genesis)'}, and ends at
   seq ${checkpoint.seq} with hash \`${checkpoint.headHash}\`. Recompute each event's hash as
   \`audit-chain.md\` sections 2 and 3 say, with a verifier of your own or the one Gatehouse's
   source repository keeps, written from that document alone (\`test/support/verify_audit_export.py\`,
   not part of this pack):

       python3 verify_audit_export.py ${range}--known-head "seq=${checkpoint.seq}; hash=${checkpoint.headHash}" audit-trail/events.ndjson

   then check the signature of \`audit-trail/checkpoint.json\` as section 7 of \`audit-chain.md\` says.

If a step fails, the pack was changed after Gatehouse made it, or the key is not Gatehouse's.
`;
}

/**
 * The per-use-case files of one pack, written while the snapshot is read and
 * streamed into the ZIP afterwards: memory holds one file at a time, whatever
 * the number of use cases. Removed when the pack ends, however it ends.
 */
class PackScratch {
  private removed = false;

  private constructor(private readonly dir: string) {}

  static async create(): Promise<PackScratch> {
    return new PackScratch(await mkdtemp(path.join(tmpdir(), 'gatehouse-pack-')));
  }

  write(useCaseId: string, file: string, content: string): Promise<void> {
    return writeFile(this.file(useCaseId, file), content);
  }

  read(useCaseId: string, file: string): Readable {
    return createReadStream(this.file(useCaseId, file));
  }

  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Use case ids are UUIDs from the database, never a path of the caller's. */
  private file(useCaseId: string, file: string): string {
    return path.join(this.dir, `${useCaseId}.${file}`);
  }
}
