/** Jest runs TypeScript through SWC (no type check here: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  testTimeout: 30000,
  // The Service Bus client of the Azure-composition suites can keep a connection open after its
  // receivers were closed (an acceptNextSession in flight at close); every test has settled by then,
  // so Jest exits instead of waiting on it. Remove once the trigger runner shuts down cleanly.
  forceExit: true,
};
