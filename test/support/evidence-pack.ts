import { readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { bearer } from './identity-helpers';
import { runCommand } from './run-command';
import { TestApp } from './test-app';

/** A supertest parser that keeps a binary body as it came (a ZIP, an evidence file). */
export function asBuffer(res: import('supertest').Response, done: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** Every file under `dir`, as paths relative to it with forward slashes. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/')).sort();
}

/**
 * Downloads an evidence pack as `token` and unzips it into `work/name` with
 * Python's standard zipfile: a tool of the auditor's, not Gatehouse's.
 */
export async function downloadPack(t: TestApp, token: string, work: string, query: Record<string, string>, name: string) {
  const res = await t.http().get('/api/compliance/iso42001/pack').query(query).set(bearer(token)).buffer(true).parse(asBuffer);
  const zip = path.join(work, `${name}.zip`);
  const dir = path.join(work, name);
  await writeFile(zip, res.body as Buffer);
  const unzipped = (await runCommand('python3', ['-m', 'zipfile', '-e', zip, dir])).code === 0;
  const read = (file: string) => readFile(path.join(dir, file));
  return {
    status: res.status,
    contentType: res.headers['content-type'] as string | undefined,
    unzipped,
    dir,
    read,
    text: async (file: string) => (await read(file)).toString('utf8'),
    files: () => filesUnder(dir),
  };
}
