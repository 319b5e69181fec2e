/**
 * Evidence-pack benchmark: seeds an organisation by bulk SQL (1,000 use cases
 * by default, with their revisions, reviews and 10,000 audit events), then
 * downloads the ISO/IEC 42001 evidence pack over HTTP as a compliance officer
 * and prints the time, the pack's size and the process's peak memory while
 * building it (sampled every 20 ms), beside the memory before it started.
 *
 *   npm run bench:pack                          # embedded PostgreSQL
 *   DATABASE_URL=postgres://… npm run bench:pack -- --use-cases 5000
 */
import { Command } from 'commander';
import { loadConfig } from '@app/config';
import { createApp } from '../apps/api/src/app.setup';
import { AuthService } from '../apps/api/src/modules/identity/auth/auth.service';
import { createBenchDatabase, openBenchServer } from './bench-database';
import { seedOrganisation } from './scale-seed';

const options = new Command('bench:pack')
  .option('--use-cases <n>', 'use cases in the organisation', Number, 1_000)
  .option('--runs <n>', 'packs downloaded, one after the other', Number, 3)
  .parse()
  .opts<{ useCases: number; runs: number }>();

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main() {
  const server = await openBenchServer();
  const db = await createBenchDatabase(server.url, `gatehouse_bench_pack_${process.pid}`, 2);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', DATABASE_URL: db.url, DATABASE_POOL_SIZE: '10', GATEHOUSE_ADMIN_EMAIL: 'bench@gatehouse.test', GATEHOUSE_ADMIN_PASSWORD: 'bench-password-123' });
  try {
    const first = await createApp(config);
    await first.init();
    await first.close();
    const seeded = await seedOrganisation(db.url, { useCases: options.useCases, openReviews: Math.ceil(options.useCases / 10), auditEvents: options.useCases * 10 }, () => undefined);
    const app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    try {
      const port = (app.getHttpServer().address() as { port: number }).port;
      const authorization = `Bearer ${app.get(AuthService).issueAccessToken(seeded.auditorId).accessToken}`;
      console.log(`Gatehouse evidence-pack benchmark (node ${process.version}): ${options.useCases} use cases, ${options.runs} packs`);
      for (let run = 1; run <= options.runs; run++) {
        global.gc?.();
        const before = process.memoryUsage().rss;
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
        const started = process.hrtime.bigint();
        const res = await fetch(`http://127.0.0.1:${port}/api/compliance/iso42001/pack`, { headers: { Authorization: authorization } });
        if (res.status !== 200 || !res.body) throw new Error(`pack: ${res.status} ${await res.text()}`);
        let bytes = 0;
        for await (const chunk of res.body) bytes += (chunk as Uint8Array).length;
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        clearInterval(sampler);
        console.log(`  run ${run}: ${seconds.toFixed(1)} s, ${mb(bytes)} pack, peak RSS ${mb(peak)} (before ${mb(before)}, +${mb(peak - before)})`);
      }
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
    await server.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
