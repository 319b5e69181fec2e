import { Command, InvalidArgumentError } from 'commander';
import { createPublicKey, KeyObject } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { ClsService } from 'nestjs-cls';
import {
  AuditReader, describeVerification, NotAnExportError, parseCheckpoint, SignedCheckpoint, VerificationRecording, verifyExportOffline,
} from '@app/audit';
import { ValidationFailedError } from '@app/errors';
import { RequestContext } from '@app/request-context';
import { runCliTask } from './cli-context';

/**
 * `npm run audit:verify [-- --from N --to M --json]`: walks the audit chain and
 * prints "intact up to seq N, head hash H" or the first broken event, then
 * whether the check was recorded in the trail (it is not, on a broken chain:
 * docs/audit-chain.md, section 3).
 * Exit code 0 when intact, 2 when broken, 1 on any other failure (a range
 * beyond the head included).
 *
 * `npm run audit:verify -- --file export.ndjson --checkpoint checkpoint.json --public-key key.pem`
 * checks an unfiltered NDJSON export offline, without a database: its chain,
 * that it reaches the signed checkpoint's seq with its head hash, and the
 * checkpoint's signature (docs/audit-chain.md, section 7). Same exit codes; 1
 * also for a file, checkpoint or key that cannot be read as one.
 */
const positiveInteger = (value: string) => {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1) {
    throw new InvalidArgumentError(`must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}`);
  }
  return Number(value);
};

const options = new Command('audit:verify')
  .description('Verify the Gatehouse audit hash chain')
  .option('--from <seq>', 'first seq to check', positiveInteger)
  .option('--to <seq>', 'last seq to check (default: the head)', positiveInteger)
  .option('--json', 'print the result as JSON')
  .option('--file <export.ndjson>', 'verify this NDJSON export offline (no database), with --checkpoint and --public-key')
  .option('--checkpoint <checkpoint.json>', 'the signed checkpoint: its JSON, or the Audit-Checkpoint header value')
  .option('--public-key <key.pem>', 'the Ed25519 public key (SPKI PEM) the checkpoint must be signed with')
  .parse()
  .opts<{ from?: number; to?: number; json?: boolean; file?: string; checkpoint?: string; publicKey?: string }>();

/** The service's range fields, as this command's options. */
const OPTION_OF_FIELD: Record<string, string> = { fromSeq: '--from', toSeq: '--to' };

if (options.file !== undefined || options.checkpoint !== undefined || options.publicKey !== undefined) {
  void verifyOffline().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  void verifyDatabase();
}

async function verifyOffline(): Promise<number> {
  const bad = (message: string) => {
    process.stderr.write(`${message}\n`);
    return 1;
  };
  if (!options.file || !options.checkpoint || !options.publicKey) return bad('--file, --checkpoint and --public-key go together');
  if (options.from !== undefined || options.to !== undefined) return bad('--from and --to check the database; an export file is checked whole');
  let checkpoint: SignedCheckpoint;
  let publicKey: KeyObject;
  try {
    checkpoint = parseCheckpoint(readFileSync(options.checkpoint, 'utf8'));
  } catch (error) {
    return bad(`--checkpoint: ${(error as Error).message}`);
  }
  try {
    publicKey = createPublicKey({ key: readFileSync(options.publicKey, 'utf8'), format: 'pem' });
    if (publicKey.asymmetricKeyType !== 'ed25519') return bad(`--public-key: a ${publicKey.asymmetricKeyType} key, not Ed25519`);
  } catch (error) {
    return bad(`--public-key: not a readable PEM public key (${(error as { code?: string }).code ?? (error as Error).message})`);
  }
  try {
    const input = createReadStream(options.file, 'utf8');
    const report = await verifyExportOffline(createInterface({ input, crlfDelay: Infinity }), checkpoint, publicKey);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      for (const check of report.checks) process.stdout.write(`${check.ok ? 'ok    ' : 'FAILED'} ${check.check}: ${check.detail}\n`);
      const failed = report.checks.filter((check) => !check.ok).map((check) => check.check);
      process.stdout.write(report.intact ? `intact: the export verifies against checkpoint seq ${checkpoint.seq}\n` : `broken: ${failed.join(', ')} check failed\n`);
    }
    return report.intact ? 0 : 2;
  } catch (error) {
    if (error instanceof NotAnExportError) return bad(`--file: ${error.message}`);
    if ((error as { code?: string }).code) return bad(`--file: cannot read ${options.file} (${(error as { code?: string }).code})`);
    throw error;
  }
}

function verifyDatabase() {
  return runCliTask(async (app) => {
    const cls = app.get(ClsService);
    try {
      const report = await cls.run(async () => {
        app.get(RequestContext).setActor({ id: 'cli:audit-verify', kind: 'system', displayName: `audit:verify run by ${userInfo().username}`, roles: [] });
        return app.get(AuditReader).verify({ fromSeq: options.from, toSeq: options.to });
      });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${describeVerification(report)}\n${describeRecording(report.recording)}\n`);
      return report.intact ? 0 : 2;
    } catch (error) {
      if (!(error instanceof ValidationFailedError)) throw error;
      for (const { field, detail } of error.errors) process.stderr.write(`${OPTION_OF_FIELD[field] ?? field}: ${detail}\n`);
      return 1;
    }
  });
}

function describeRecording(recording: VerificationRecording): string {
  return recording.recorded ? `recorded as audit event seq ${recording.seq}` : `not recorded: ${recording.reason}`;
}
