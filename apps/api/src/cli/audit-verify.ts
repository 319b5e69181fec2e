import { Command, InvalidArgumentError } from 'commander';
import { userInfo } from 'node:os';
import { ClsService } from 'nestjs-cls';
import { AuditReader, describeVerification } from '@app/audit';
import { RequestContext } from '@app/request-context';
import { runCliTask } from './cli-context';

/**
 * `npm run audit:verify [-- --from N --to M --json]`: walks the audit chain and
 * prints "intact up to seq N, head hash H" or the first broken event.
 * Exit code 0 when intact, 2 when broken, 1 on any other failure.
 */
const positiveInteger = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a positive integer');
  return Number(value);
};

const options = new Command('audit:verify')
  .description('Verify the Gatehouse audit hash chain')
  .option('--from <seq>', 'first seq to check', positiveInteger)
  .option('--to <seq>', 'last seq to check (default: the head)', positiveInteger)
  .option('--json', 'print the result as JSON')
  .parse()
  .opts<{ from?: number; to?: number; json?: boolean }>();

void runCliTask(async (app) => {
  const cls = app.get(ClsService);
  const result = await cls.run(async () => {
    app.get(RequestContext).setActor({ id: 'cli:audit-verify', kind: 'system', displayName: `audit:verify run by ${userInfo().username}`, roles: [] });
    return app.get(AuditReader).verify({ fromSeq: options.from, toSeq: options.to });
  });
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${describeVerification(result)}\n`);
  return result.intact ? 0 : 2;
});
