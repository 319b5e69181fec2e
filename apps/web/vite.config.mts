import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The most compressed JavaScript the first load may fetch (issue 14). */
const FIRST_LOAD_BUDGET_BYTES = 250 * 1024;

/**
 * Prints the gzip size of the JavaScript a first visit downloads (the entry chunk and
 * everything it imports statically; lazily loaded screens come later) and fails the
 * build when it is over budget, so the figure is measured on every build.
 */
function firstLoadBudget(): Plugin {
  return {
    name: 'gatehouse-first-load-budget',
    apply: 'build',
    writeBundle(options, bundle) {
      const chunks = Object.values(bundle).filter((item) => item.type === 'chunk');
      const entry = chunks.find((chunk) => chunk.isEntry);
      if (!entry) return;
      const seen = new Set<string>();
      const visit = (fileName: string) => {
        if (seen.has(fileName)) return;
        seen.add(fileName);
        const chunk = chunks.find((item) => item.fileName === fileName);
        chunk?.imports.forEach(visit);
      };
      visit(entry.fileName);
      const gzipped = [...seen].reduce((sum, fileName) => sum + gzipSync(readFileSync(path.join(options.dir!, fileName))).length, 0);
      const line = `first load: ${(gzipped / 1024).toFixed(1)} kB of gzipped JavaScript in ${seen.size} file(s) (budget ${FIRST_LOAD_BUDGET_BYTES / 1024} kB)`;
      if (gzipped > FIRST_LOAD_BUDGET_BYTES) this.error(line);
      process.stdout.write(`${line}\n`);
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [firstLoadBudget()],
  build: {
    outDir: path.resolve(here, '../../dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: true,
    rolldownOptions: {
      onwarn(warning, warn) {
        // Mantine marks its modules "use client" for server components; a browser bundle has no use for it.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run web:dev`: the API on :3000 behind Vite's dev server.
    proxy: { '/api': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' },
  },
});
