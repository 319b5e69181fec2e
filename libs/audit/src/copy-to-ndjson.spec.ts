import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { copyTextToNdjson } from './copy-to-ndjson';

/** A COPY text row in EXPORT_COLUMNS_SQL order; `\N` is NULL. */
function copyRow(overrides: Partial<Record<'displayName' | 'reason' | 'useCaseId' | 'payload', string>> = {}) {
  return [
    'main', '7', '00000000-0000-4000-8000-000000000007', '2026-11-25T12:00:00.123Z', 'u-1', 'user',
    overrides.displayName ?? 'Ada', '["legal","assessor"]', 'use_case.updated', 'use_case', 'uc-1',
    overrides.useCaseId ?? '\\N', overrides.payload ?? '{"after": {"title": "x"}}', overrides.reason ?? '\\N',
    'req-1', '127.0.0.1', 'curl/8', 'a'.repeat(64), 'b'.repeat(64),
  ].join('\t');
}

async function convert(chunks: Buffer[]): Promise<unknown[]> {
  const output = await text(Readable.from(chunks).pipe(copyTextToNdjson()));
  return output.trimEnd().split('\n').map((line) => JSON.parse(line));
}

describe('copyTextToNdjson', () => {
  it('builds the exported event, with nulls, numbers and nested JSON', async () => {
    const [event] = await convert([Buffer.from(`${copyRow()}\n`)]);
    expect(event).toEqual({
      chain: 'main', seq: 7, id: '00000000-0000-4000-8000-000000000007', occurredAt: '2026-11-25T12:00:00.123Z',
      actor: { id: 'u-1', kind: 'user', displayName: 'Ada', roles: ['legal', 'assessor'] },
      action: 'use_case.updated', target: { type: 'use_case', id: 'uc-1' }, useCaseId: null,
      payload: { after: { title: 'x' } }, reason: null,
      context: { requestId: 'req-1', sourceIp: '127.0.0.1', userAgent: 'curl/8' },
      prevHash: 'a'.repeat(64), hash: 'b'.repeat(64),
    });
  });

  it("undoes COPY's escapes of tabs, newlines and backslashes", async () => {
    const [event] = await convert([Buffer.from(`${copyRow({ reason: 'line one\\nline\\ttwo \\\\ "quoted"', payload: '{"p": "a\\\\\\\\b"}' })}\n`)]);
    expect(event).toMatchObject({ reason: 'line one\nline\ttwo \\ "quoted"', payload: { p: 'a\\b' } });
  });

  it('is not confused by chunks that split a row or a multi-byte character', async () => {
    const rows = Buffer.from(`${copyRow({ displayName: 'Zoë ✓ 𝔸' })}\n${copyRow({ displayName: 'Second' })}\n`);
    const chunks = Array.from({ length: Math.ceil(rows.length / 7) }, (_, i) => rows.subarray(i * 7, i * 7 + 7));
    const events = (await convert(chunks)) as { actor: { displayName: string } }[];
    expect(events.map((e) => e.actor.displayName)).toEqual(['Zoë ✓ 𝔸', 'Second']);
  });
});
