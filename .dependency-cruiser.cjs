/**
 * Which way dependencies may point, checked by `npm run lint:deps` (part of `npm test`).
 *
 *   apps → libs, never back: a library is shared code and knows no application.
 *   Production code (apps/, libs/, except *.spec.ts) never imports test/.
 *   A library uses another library only through its index (`@app/<lib>`).
 *   An entity (a table's row type) is imported only inside the module that owns the table.
 *   No import cycles among production files.
 *   The web app (apps/web) reaches the service only over HTTP, through its generated client: it imports no server code.
 *
 * Tests (test/, *.spec.ts) and benchmarks may import anything.
 */
const SPEC = '\\.spec\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lib-imports-app',
      severity: 'error',
      comment: 'A library must not import an application: move the shared piece into the library, or keep it in the app.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'production-imports-test',
      severity: 'error',
      comment: 'Production code must not import test code (test/ or a *.spec.ts file).',
      from: { path: '^(apps|libs)/', pathNot: SPEC },
      to: { path: ['^test/', SPEC] },
    },
    {
      name: 'lib-deep-import',
      severity: 'error',
      comment: "Production code uses a library through its index (`@app/<lib>`), not a file inside it.",
      // $1 is the importing app or library: a library's own files import each other freely.
      from: { path: '^(apps|libs/[^/]+)/', pathNot: SPEC },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'entity-outside-its-module',
      severity: 'error',
      comment:
        "A table is written only by the module that owns it, so its entity class is imported only there: other modules call the owner's service " +
        '(test/entities-match-schema.e2e-spec.ts holds hand-written SQL to the same rule).',
      from: { path: '^(apps/api/src/(?:modules/)?[^/]+|libs/[^/]+)/', pathNot: SPEC },
      // A type-only import (reading a row another module returned) cannot write anything.
      to: { path: '\\.entity\\.ts$', pathNot: '^$1/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-imports-server',
      severity: 'error',
      comment: 'The web app talks to the API through the client generated from /api/docs-json, never by importing server code.',
      from: { path: '^apps/web/' },
      to: { path: '^(apps/(?!web/)|libs/|migrations/)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Production files must not import each other in a cycle: one side depends on the other, never both.',
      from: { path: '^(apps|libs)/', pathNot: SPEC },
      to: { circular: true, viaOnly: { pathNot: SPEC } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^node_modules/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
