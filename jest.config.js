/**
 * Jest runs TypeScript through SWC (no type check here: `npm run typecheck` does that).
 *
 * The suites are split into projects by folder, so a new test file lands in one without editing this file:
 *
 *   unit   test/unit/**                     pure code: no server, no file, no process
 *   api    every other folder (test/api/**, test/hosting/**, test/hostile/**, test/events/**,
 *          test/contract/** but the two below, test/conformance/**, test/scenario/**, test/infra/**, …)
 *                                           the embedded host and its parts, in this process
 *   azure  test/azure/**, test/functions/**, test/contract/cosmos*, test/contract/amqp*
 *                                           the Azure host's composition on its local counterparts
 *                                           (Cosmos test server, AMQP test broker, Durable stand-in)
 *   slow   the files listed in SLOW         other processes, crashes, races, large populations
 *
 * `npm run test:fast` runs unit and api (the loop while developing); `npm test` runs every project.
 * docs/adr/0023-test-projects.md says why the lines fall where they do.
 */

/** Suites that take seconds each whatever the machine: listed by name, they run only in the full run. */
const SLOW = [
  'test/concurrency/', // randomized interleavings, and a second process racing on one Cosmos container
  'test/events/crashDelivery.test.ts', // kills a router process mid-delivery and starts another
  'test/azure/cosmosOperations.test.ts', // routes jobs among 60 busy workers and 150 waiting jobs on the Cosmos server
  'test/functions/orchestratorLint.test.ts', // ESLint with the type-aware configuration, in a child process
  'test/unit/rules/powerFxFuzz.test.ts', // property-based runs over generated expressions
  'test/dashboard/', // a real Chromium process driving the operations dashboard
  'test/statistics/projectorRecovery.test.ts', // property-based runs of crashed and concurrent statistics projectors
  'test/simulation/theory.test.ts', // simulated days of 6,000 to 150,000 arrivals, against Erlang C and A
  'test/simulation/whatIfThreads.test.ts', // the command line, which compiles the router first when its sources changed
];

/** The contract suites that need the Azure counterparts run with the Azure composition. */
const AZURE_CONTRACTS = ['test/contract/cosmos', 'test/contract/amqp'];

const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ignoring = (paths) => paths.map((path) => `<rootDir>/${escape(path)}`);

/** What every project shares. */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  // The Functions host's worker module, which no package provides outside the host (see the stand-in).
  moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/test/support/functionsCoreStandIn.ts' },
};

module.exports = {
  // A run-wide option: Jest reads it from here, not from the projects.
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...ignoring(SLOW)],
    },
    {
      ...common,
      displayName: 'api',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...ignoring(['test/unit/', 'test/azure/', 'test/functions/', ...AZURE_CONTRACTS, ...SLOW])],
    },
    {
      ...common,
      displayName: 'azure',
      testMatch: ['<rootDir>/test/azure/**/*.test.ts', '<rootDir>/test/functions/**/*.test.ts', ...AZURE_CONTRACTS.map((prefix) => `<rootDir>/${prefix}*.test.ts`)],
      testPathIgnorePatterns: ['/node_modules/', ...ignoring(SLOW)],
    },
    {
      ...common,
      displayName: 'slow',
      testMatch: SLOW.map((path) => (path.endsWith('/') ? `<rootDir>/${path}**/*.test.ts` : `<rootDir>/${path}`)),
    },
  ],
};
