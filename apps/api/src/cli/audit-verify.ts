import { Command, InvalidArgumentError } from 'commander';
import { userInfo } from 'node:os';
import { ClsService } from 'nestjs-cls';
import { AuditReader, describeVerification, VerificationRecording } from '@app/audit';
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
  .parse()
  .opts<{ from?: number; to?: number; json?: boolean }>();

/** The service's range fields, as this command's options. */
const OPTION_OF_FIELD: Record<string, string> = { fromSeq: '--from', toSeq: '--to' };

void runCliTask(async (app) => {
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

function describeRecording(recording: VerificationRecording): string {
  return recording.recorded ? `recorded as audit event seq ${recording.seq}` : `not recorded: ${recording.reason}`;
}
