import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/*
 * The lint block for functions/orchestrators keeps replayed code deterministic. This runs ESLint's Node
 * API with the project's eslint.config.mjs on snippets given fake paths. It runs in a child Node process:
 * ESLint loads its ESM config with import(), which Jest's module sandbox does not allow. Fake files are
 * not in the TypeScript project, so type-aware rules are off for them (the rules under test need no types);
 * the real orchestrator file is linted with the full, type-aware configuration.
 */

const root = path.join(__dirname, '../..');
const ORCHESTRATOR_RULES = ['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax', 'no-restricted-globals'];

interface Finding {
  line: number;
  ruleId: string | null;
  message: string;
}

const runner = `
const { ESLint } = require('eslint');
const tseslint = require('typescript-eslint');
let input = '';
process.stdin.on('data', (chunk) => (input += chunk)).on('end', async () => {
  const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: { ...tseslint.configs.disableTypeChecked, files: ['**/*.fake.ts'] } });
  const findings = [];
  for (const { code, filePath } of JSON.parse(input)) {
    const [result] = await eslint.lintText(code, { filePath });
    findings.push(result.messages.map(({ line, ruleId, message }) => ({ line, ruleId, message })));
  }
  process.stdout.write(JSON.stringify(findings));
});`;

function lintAll(cases: { code: string; file: string }[]): Finding[][] {
  const input = JSON.stringify(cases.map(({ code, file }) => ({ code, filePath: path.join(root, file) })));
  return JSON.parse(execFileSync(process.execPath, ['-e', runner], { cwd: root, input, encoding: 'utf8' })) as Finding[][];
}

const offending = [
  "import fs from 'node:fs';",
  "import http from 'http';",
  "import { CosmosClient } from '@azure/cosmos';",
  "import Database from 'better-sqlite3';",
  "import axios from 'axios';",
  "import { fireTimer } from '../../shared/app/fireTimer';",
  "import type { EngineJob } from '../../shared/domain/routing/routingState';",
  "import { systemClock } from '../../shared/ports/Clock';",
  "import { invocationPorts } from '../invocationPorts';",
  'export function* orchestrator(): Generator<unknown, void, unknown> {',
  '  const now = new Date();',
  '  const ms = Date.now();',
  '  const roll = Math.random();',
  '  setTimeout(() => undefined, 10);',
  "  const env = process.env['X'];",
  '  yield [fs, http, CosmosClient, Database, axios, fireTimer, systemClock, invocationPorts, now, ms, roll, env];',
  '}',
  'export async function later(): Promise<void> {',
  '  await Promise.resolve();',
  '}',
  'export type { EngineJob };',
  "import { DurableScheduler } from '../../shared/adapters/azure/DurableScheduler';",
].join('\n');

const allowed = [
  "import type { InvocationContext } from '@azure/functions';",
  "import * as df from 'durable-functions';",
  "import type { OrchestrationContext } from 'durable-functions';",
  "import type { Timer } from '../../shared/ports/Scheduler';",
  "import { routerTimerNames } from './routerTimer';",
  "import { routerTimerNames as names } from '../../shared/adapters/azure/routerTimerNames';",
  'export function* orchestrator(context: OrchestrationContext): Generator<unknown, string, unknown> {',
  '  const timer = context.df.getInput<Timer>();',
  '  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));',
  '  return `${timer.id} ${routerTimerNames.activity} ${String(df.OrchestrationRuntimeStatus.Running)}`;',
  '}',
  'export type Context = InvocationContext;',
].join('\n');

/** shared/ never imports functions/ (the rule for shared/**), and a sibling module named `functions` is no such import. */
const sharedImports = [
  "import { registerTimers } from '../../functions/timers';",
  "import type { DeadLetterRequest } from '../../functions/orchestrators/routerTimer';",
  "import { FUNCTIONS } from './functions';",
  "import { routerTimerNames } from './azure/routerTimerNames';",
  'export const used: unknown[] = [registerTimers, FUNCTIONS, routerTimerNames];',
  'export type { DeadLetterRequest };',
].join('\n');

describe('lint rules for Durable orchestrators (functions/orchestrators)', () => {
  const realFile = 'functions/orchestrators/routerTimer.ts';
  let results: Finding[][];

  beforeAll(() => {
    results = lintAll([
      { code: offending, file: 'functions/orchestrators/offending.fake.ts' },
      { code: offending, file: 'functions/offending.fake.ts' },
      { code: allowed, file: 'functions/orchestrators/allowed.fake.ts' },
      { code: fs.readFileSync(path.join(root, realFile), 'utf8'), file: realFile },
      { code: sharedImports, file: 'shared/adapters/imports.fake.ts' },
    ]);
  });

  const ruled = (findings: Finding[]) => findings.filter((f) => ORCHESTRATOR_RULES.includes(f.ruleId ?? '')).map((f) => `${f.line} ${f.ruleId}`);

  it('refuse I/O imports, shared/ values, clock reads, randomness, event-loop timers and promises', () => {
    expect(ruled(results[0]!)).toEqual([
      '1 @typescript-eslint/no-restricted-imports', // node:fs
      '2 @typescript-eslint/no-restricted-imports', // http
      '3 @typescript-eslint/no-restricted-imports', // @azure/cosmos
      '4 @typescript-eslint/no-restricted-imports', // better-sqlite3
      '5 @typescript-eslint/no-restricted-imports', // another package
      '6 @typescript-eslint/no-restricted-imports', // shared/app
      '7 @typescript-eslint/no-restricted-imports', // even a type, from shared/ outside ports
      '8 @typescript-eslint/no-restricted-imports', // a value from shared/ports
      '9 @typescript-eslint/no-restricted-imports', // functions/ outside orchestrators
      '11 no-restricted-syntax', // new Date()
      '12 no-restricted-syntax', // Date.now()
      '13 no-restricted-syntax', // Math.random()
      '14 no-restricted-syntax', // setTimeout
      '15 no-restricted-globals', // process
      '18 no-restricted-syntax', // async function
      '22 @typescript-eslint/no-restricted-imports', // a shared/ adapter (only routerTimerNames is allowed)
    ]);
    const messages = results[0]!.map((f) => f.message).join('\n');
    expect(messages).toContain('An orchestrator replays: use context.df.currentUtcDateTime.');
    expect(messages).toContain('Import only types from shared/ports (`import type`)');
  });

  it('apply to orchestrators only', () => {
    expect(ruled(results[1]!)).toEqual([]);
  });

  it('allow durable-functions, sibling orchestrator modules, types from shared/ports and Azure types', () => {
    expect(ruled(results[2]!)).toEqual([]);
  });

  it('pass on the real orchestrator, with the full type-aware configuration', () => {
    expect(results[3]).toEqual([]);
  });

  it('keep shared/ from importing functions/, and only that', () => {
    expect(ruled(results[4]!)).toEqual(['1 @typescript-eslint/no-restricted-imports', '2 @typescript-eslint/no-restricted-imports']);
    expect(results[4]!.map((f) => f.message).join('\n')).toContain('shared/ must not import from functions/: move what both need into shared/.');
  });
});
