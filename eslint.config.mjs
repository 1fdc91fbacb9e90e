// Type-aware lint: async mistakes (floating or misused promises) are the bugs that lose acknowledged work.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', '.tmp/**', 'node_modules/**', 'coverage/**', 'data/**', '*.js', '*.mjs', 'test/support/*.js', 'scripts/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Domain code is pure: no I/O, no Azure SDKs, no clock reads (a Clock is passed in).
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:fs', 'fs', 'node:http', 'http', 'better-sqlite3', '@azure/*'] }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Take the time from the Clock port.' }, { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Take the time from the Clock port.' }],
    },
  },
  {
    // shared/ is everything that is not an Azure binding: it never reaches into functions/ (the Functions
    // registrations import shared/, not the other way round). Relative paths only climb to the root's
    // functions/ folder (shared/domain/rules/powerFx/functions.ts is a sibling import, `./functions`).
    files: ['shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+functions(/|$)', message: 'shared/ must not import from functions/: move what both need into shared/.' }] }],
    },
  },
  {
    // Durable orchestrators are replayed from their history on every step: no I/O, no clock, no randomness,
    // no promises (they yield durable tasks). Work with effects belongs in an activity; the current time is
    // context.df.currentUtcDateTime. See docs/adr/0011-durable-timers.md.
    files: ['functions/orchestrators/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', orchestratorImports()],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'An orchestrator replays: use context.df.currentUtcDateTime.' },
        { selector: "CallExpression[callee.name='Date']", message: 'An orchestrator replays: use context.df.currentUtcDateTime.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'An orchestrator replays: use context.df.currentUtcDateTime.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'An orchestrator replays: use context.df.newGuid(...) or take the value from an activity.' },
        { selector: "CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate|queueMicrotask)$/]", message: 'An orchestrator waits with context.df.createTimer(...), not with the event loop.' },
        { selector: ':function[async=true]', message: 'An orchestrator is a generator that yields durable tasks; awaiting a promise breaks replay.' },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'fetch', 'crypto', 'performance'].map((name) => ({ name, message: `An orchestrator replays: ${name} is I/O, time or randomness; use an activity or context.df.` })),
      ],
    },
  },
  {
    // The dashboard's browser script: plain JavaScript served as is, so no type information and browser globals.
    files: ['shared/dashboard/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'script', parserOptions: { projectService: false }, globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);

/**
 * What an orchestrator may import: durable-functions, sibling orchestrator modules, types from shared/ports
 * and the names it shares with its client (shared/adapters/azure/routerTimerNames, constants only).
 */
function orchestratorImports() {
  const io = 'An orchestrator replays and must not do I/O: do it in an activity (functions/timers.ts).';
  const ioModules = [...builtinModules, 'better-sqlite3'];
  const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    paths: ioModules.map((name) => ({ name, message: io })),
    patterns: [
      { group: ['node:*'], message: io },
      { group: ['@azure/*'], allowTypeImports: true, message: 'Azure SDKs do I/O: call them from an activity.' },
      { regex: `^(?!\\.|durable-functions$|node:|@azure/|(?:${ioModules.map(escape).join('|')})$)`, allowTypeImports: true, message: 'An orchestrator imports only durable-functions (other packages may do I/O or keep state across replays).' },
      { regex: '^\\.\\./(?!\\.\\./shared/ports/|\\.\\./shared/adapters/azure/routerTimerNames$)', message: 'An orchestrator imports only durable-functions, its sibling orchestrator modules, types from shared/ports and routerTimerNames.' },
      { regex: '^\\.\\./\\.\\./shared/ports/', allowTypeImports: true, message: 'Import only types from shared/ports (`import type`): its values are not replay-safe.' },
    ],
  };
}
