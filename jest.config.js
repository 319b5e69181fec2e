/**
 * Unit specs sit beside the code (`*.spec.ts`, no database); end-to-end specs
 * live in test/ and run against a real PostgreSQL: DATABASE_URL's server when
 * set, otherwise an embedded one that test/global-setup.ts starts.
 * Type checking is a separate step (`npm run typecheck`), so SWC only strips types.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

// openid-client and its two dependencies are published as ES modules only; this Jest loads CommonJS, so SWC
// rewrites those three packages' .js files to CommonJS (the service itself loads them with Node's require(esm)).
const esmOnly = ['openid-client', 'oauth4webapi', 'jose'];
const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc, [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: swcJs },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@app/(.*)$': '<rootDir>/libs/$1/src' },
  modulePathIgnorePatterns: ['<rootDir>/dist'],
};

module.exports = {
  // End-to-end specs start apps, copy databases and stream tens of megabytes.
  testTimeout: 60_000,
  // Two workers even on two cores: the specs mostly wait on PostgreSQL, and Jest would
  // otherwise run everything in one process on a fresh clone (no timings cached yet).
  maxWorkers: 2,
  // A fresh worker process for every test file: Node's own modules (http, net, timers) are shared by the files a
  // worker runs, and the 80 MB streaming spec hung (in fresh-clone runs only) when it came after other files in its
  // worker. A restart costs about a second a file.
  workerIdleMemoryLimit: '1MB',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
    {
      ...shared,
      // The web app in Debian's Chromium against the real service; skipped, with one line saying so, where there is none.
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/browser/global-setup.ts',
      globalTeardown: '<rootDir>/test/browser/global-teardown.ts',
    },
  ],
};
