import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AuditEvent, GENESIS_HASH } from '@app/audit';
import { runCommand } from './support/run-command';
import { makeHashedChain } from './support/hashed-chain';

/**
 * The independent verifier (test/support/verify_audit_export.py) refuses
 * files that are not whole exports as docs/audit-chain.md describes them,
 * even when every event in them hashes correctly. The files are built here
 * from a chain hashed by the service's own code; no database is needed.
 */
const PYTHON_VERIFIER = path.join(__dirname, 'support', 'verify_audit_export.py');

const CSV_HEADER =
  'chain,seq,id,occurred_at,actor_id,actor_kind,actor_display_name,actor_roles,action,target_type,target_id,use_case_id,payload,reason,request_id,source_ip,user_agent,prev_hash,hash';

const makeChain = (length: number) => makeHashedChain(length, (seq) => ({ reason: seq % 2 ? 'because,\r\n"quoted"' : null }));

const ndjson = (events: AuditEvent[]) => events.map((event) => `${JSON.stringify(event)}\n`).join('');

/** As PostgreSQL's COPY … CSV writes it: `\n` after each record, quotes where needed, NULL as an empty cell. */
function csv(events: AuditEvent[]): string {
  const cell = (value: string | null) => (value === null ? '' : /[",\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value);
  const rows = events.map((e) =>
    [
      e.chain, String(e.seq), e.id, e.occurredAt, e.actor.id, e.actor.kind, e.actor.displayName, JSON.stringify(e.actor.roles), e.action,
      e.target.type, e.target.id, e.useCaseId, JSON.stringify(e.payload), e.reason, e.context.requestId, e.context.sourceIp,
      e.context.userAgent, e.prevHash, e.hash,
    ].map(cell).join(','),
  );
  return [CSV_HEADER, ...rows].map((line) => `${line}\n`).join('');
}

describe('the independent verifier refuses what is not a whole export', () => {
  const events = makeChain(6);
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-verifier-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function check(name: string, content: string | Buffer, ...flags: string[]) {
    const file = path.join(dir, name);
    await writeFile(file, content);
    return runCommand('python3', [PYTHON_VERIFIER, ...flags, file]);
  }

  const intact = `intact up to seq 6, head hash ${events[5].hash}`;

  it.each([
    ['NDJSON', 'whole.ndjson', ndjson(events)],
    ['CSV', 'whole.csv', csv(events)],
  ])('accepts a whole %s export', async (_format, name, content) => {
    expect(await check(name, content)).toEqual({ code: 0, output: intact });
  });

  it.each([
    ['NDJSON', 'cut.ndjson', ndjson(events.slice(2))],
    ['CSV', 'cut.csv', csv(events.slice(2))],
  ])('refuses a %s export whose start is cut off', async (_format, name, content) => {
    expect(await check(name, content)).toEqual({ code: 2, output: expect.stringMatching(/^broken at seq 3: sequence_gap: .*starts at seq 1/) });
  });

  it('checks a partial file from the seq and hash it must start from', async () => {
    const partial = ndjson(events.slice(2));
    expect(await check('partial.ndjson', partial, '--from-seq', '3', '--prev-hash', events[1].hash)).toEqual({ code: 0, output: intact });
    expect(await check('partial.ndjson', partial, '--from-seq', '3', '--prev-hash', events[0].hash)).toEqual({
      code: 2,
      output: expect.stringMatching(/^broken at seq 3: prev_hash_mismatch/),
    });
    expect(await check('partial.ndjson', partial, '--from-seq', '2', '--prev-hash', events[0].hash)).toMatchObject({ code: 2 });
  });

  it('refuses a head obtained earlier that the export does not contain', async () => {
    const whole = ndjson(events);
    expect(await check('known.ndjson', whole, '--known-head', `seq=4; hash=${events[3].hash}`)).toEqual({ code: 0, output: intact });
    expect(await check('known.ndjson', whole, '--known-head', `seq=4; hash=${events[2].hash}`)).toEqual({
      code: 2,
      output: expect.stringMatching(/^broken at seq 4: known_head_mismatch/),
    });
    expect(await check('known.ndjson', ndjson(events.slice(0, 3)), '--known-head', `seq=4; hash=${events[3].hash}`)).toEqual({
      code: 2,
      output: expect.stringMatching(/^broken at seq 4: known_head_mismatch: .*ends at seq 3/),
    });
  });

  it.each([
    ['a duplicate member of the event', ndjson(events).replace('"reason":null', '"reason":null,"reason":"forged"')],
    ['a duplicate member inside the payload', ndjson(events).replace('{"after":{"title":"v2"}}', '{"after":{"title":"v2"},"after":{"title":"x"}}')],
  ])('refuses %s', async (_name, content) => {
    expect(await check('duplicate.ndjson', content)).toEqual({ code: 1, output: expect.stringMatching(/duplicate member name "(reason|after)"/) });
  });

  it('refuses a duplicate member in a CSV payload cell', async () => {
    const content = csv(events).replace('"{""after"":{""title"":""v2""}}"', '"{""after"":{""title"":""v2""},""after"":1}"');
    expect(await check('duplicate.csv', content)).toEqual({ code: 1, output: expect.stringMatching(/duplicate member name "after"/) });
  });

  it.each([
    ['NDJSON', 'bom.ndjson', ndjson(events)],
    ['CSV', 'bom.csv', csv(events)],
  ])('refuses a %s file that starts with a byte-order mark', async (_format, name, content) => {
    expect(await check(name, `\ufeff${content}`)).toEqual({ code: 1, output: expect.stringMatching(/byte-order mark/) });
  });

  it.each([
    ['an empty NDJSON file', 'empty.ndjson', []],
    ['an empty CSV file', 'empty.csv', []],
    ['an empty CSV file, even filtered (it lacks the header)', 'empty.csv', ['--filtered']],
    ['an empty partial file', 'empty.ndjson', ['--from-seq', '3', '--prev-hash', GENESIS_HASH]],
  ])('refuses %s', async (_name, file, flags) => {
    expect(await check(file, '', ...flags)).toEqual({ code: 1, output: expect.stringMatching(/empty/) });
  });

  it('accepts a filtered export that matched nothing, and says so', async () => {
    expect(await check('nothing.ndjson', '', '--filtered')).toEqual({ code: 0, output: 'no events: a filtered export that matched nothing' });
    expect(await check('nothing.csv', `${CSV_HEADER}\n`, '--filtered')).toEqual({ code: 0, output: 'no events: a filtered export that matched nothing' });
    expect(await check('nothing.csv', `${CSV_HEADER}\n`)).toEqual({ code: 1, output: expect.stringMatching(/no events/) });
  });

  it('refuses an empty line', async () => {
    const lines = ndjson(events).split('\n');
    lines.splice(3, 0, '');
    expect(await check('blank.ndjson', lines.join('\n'))).toEqual({ code: 1, output: expect.stringMatching(/line 4 is empty/) });
  });
});
