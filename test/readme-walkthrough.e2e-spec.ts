import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BuiltService, startBuiltService } from './support/built-service';

/**
 * The README's walk-through, run as a newcomer would paste it: every ```sh
 * block marked `<!-- walkthrough -->`, in order, in one bash process under
 * `set -euo pipefail`, against the built service on a fresh embedded
 * PostgreSQL (the development admin login is the README's). Only the base URL
 * is substituted, through the blocks' own `API=${API:-…}`.
 */
const README = path.join(__dirname, '..', 'README.md');
const MARKER = '<!-- walkthrough -->';

function walkthroughBlocks(readme: string): string[] {
  const blocks: string[] = [];
  for (const [index, part] of readme.split(MARKER).entries()) {
    if (index === 0) continue;
    const block = /^\s*```sh\n([\s\S]*?)\n```\n/.exec(part);
    if (!block) throw new Error(`${MARKER} number ${index} is not followed by a \`\`\`sh block`);
    blocks.push(block[1]);
  }
  return blocks;
}

function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("the README's walk-through", () => {
  let service: BuiltService;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-walkthrough-'));
    service = await startBuiltService();
  });
  afterAll(async () => {
    await service?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('runs as pasted, from the first sign-in to a passed gate, a clearance and a verified trail', async () => {
    const blocks = walkthroughBlocks(await readFile(README, 'utf8'));
    // Signing in; People, teams and roles; Use cases, risks and evidence; Impact assessments and risk treatment; Gate reviews and sign-offs.
    expect(blocks).toHaveLength(5);

    // What the walk leaves in its variables, for the checks below.
    const state = path.join(workDir, 'state.json');
    const report = `node -e 'console.log(JSON.stringify({ useCase: process.argv[1], review: process.argv[2], key: process.argv[3] }))' "$UC" "$REVIEW" "$KEY" > ${JSON.stringify(state)}`;
    const script = [...blocks, report].join('\n');
    await writeFile(path.join(workDir, 'walkthrough.sh'), script);

    const { API: _ignored, ...inherited } = process.env;
    const run = await runBash(script, workDir, { ...inherited, API: service.base }, 45_000);
    if (run.code !== 0) throw new Error(`the walk-through exited ${run.code}:\n${run.output}\n--- service log ---\n${service.output().slice(-5000)}`);

    const { useCase, review, key } = JSON.parse(await readFile(state, 'utf8')) as { useCase: string; review: string; key: string };
    const get = async (route: string) => {
      const res = await fetch(`${service.base}${route}`, { headers: { 'X-API-Key': key } });
      expect(res.status).toBe(200);
      return res.json() as Promise<Record<string, unknown>>;
    };

    // What a newcomer reads on their screen along the way.
    expect(run.output).toMatch(/^limited$/m);
    // The team's own acceptance refused, legal's recorded; the assessment submitted, then approved.
    expect(run.output).toMatch(/^422$/m);
    expect(run.output).toMatch(/^legal$/m);
    expect(run.output).toMatch(/^submitted$/m);
    expect(run.output).toMatch(/^approved$/m);
    expect(run.output).toMatch(/^passed$/m);
    expect(run.output).toMatch(/^develop$/m);
    expect(run.output).toMatch(/^intact up to seq \d+/m);

    // The gate passed with the three approvals the limited tier asks for, none by the opener.
    const passed = await get(`/api/reviews/${review}`);
    expect(passed).toMatchObject({ status: 'passed', gate: 'design_to_develop', tier: 'limited', toStage: 'develop' });
    const signOffs = passed.signOffs as { role: string; decision: string; signerId: string }[];
    expect(signOffs.map((s) => s.role).sort()).toEqual(['deployer', 'developer', 'legal']);
    expect(signOffs.every((s) => s.decision === 'approve' && s.signerId !== passed.openedBy)).toBe(true);
    expect(await get(`/api/use-cases/${useCase}`)).toMatchObject({ stage: 'develop', tier: 'limited' });
    expect(await get(`/api/use-cases/${useCase}/clearance?stage=develop&revision=${passed.revision}`)).toMatchObject({ cleared: true });
    expect(await get('/api/audit/verify')).toMatchObject({ intact: true });

    // The export the walk wrote holds the whole story.
    const exported = (await readFile(path.join(workDir, 'audit.ndjson'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    const actions = exported.map((event: { action: string }) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining(['use_case.created', 'risk.accepted', 'impact_assessment.saved', 'impact_assessment.submitted', 'impact_assessment.approved', 'gate_review.opened', 'sign_off.recorded', 'gate_review.passed']),
    );
    // The gate passed only after the approval: the trail says so in its order.
    expect(actions.indexOf('impact_assessment.approved')).toBeLessThan(actions.indexOf('gate_review.opened'));
  });
});
