import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRouterProcess, type RunningRouter } from '../support/routerProcess';

/**
 * The two ways the README gives to call the API without an SDK, against a router started as
 * `npm start` starts it (HTTPS with the generated CA): the jobrouter-call CLI, and the curl + openssl
 * recipe taken out of README.md and run with bash as written.
 */

const root = path.resolve(__dirname, '../..');
let dataDir: string;
let router: RunningRouter;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-call-'));
  router = await startRouterProcess({ JOBROUTER_PORT: '0', JOBROUTER_DATA_DIR: dataDir });
}, 60_000);

afterAll(async () => {
  await router.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string | undefined>, cwd = root): Promise<Run> {
  return new Promise((resolve) => {
    // Only the variables the README tells users to set, plus what finds the programs.
    const childEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
    execFile(file, args, { cwd, env: childEnv, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
  run(process.execPath, [path.join(root, 'scripts/jobrouter-call.js'), ...args], { JOBROUTER_CONNECTION_STRING: router.connectionString, ...env });

describe('jobrouter-call', () => {
  it('creates and reads resources, trusting the CA named by JOBROUTER_CA_FILE', async () => {
    const env = { JOBROUTER_CA_FILE: router.caFile };
    const policy = await cli(['PATCH', '/routing/distributionPolicies/cli-policy', '{"offerExpiresAfterSeconds":60,"mode":{"kind":"longestIdle"}}'], env);
    expect(policy).toMatchObject({ code: 0, stderr: 'HTTP 201\n' });
    expect(JSON.parse(policy.stdout)).toMatchObject({ id: 'cli-policy', offerExpiresAfterSeconds: 60 });
    expect((await cli(['PATCH', '/routing/queues/cli-queue', '{"distributionPolicyId":"cli-policy"}'], env)).code).toBe(0);
    const queues = await cli(['GET', '/routing/queues'], env);
    expect(queues.code).toBe(0);
    expect(JSON.parse(queues.stdout).value.map((q: { id: string }) => q.id)).toContain('cli-queue');
  });

  it('finds the CA in the data folder by itself, as on a fresh clone with the default ./data', async () => {
    const found = await cli(['GET', '/routing/queues/cli-queue'], { JOBROUTER_DATA_DIR: dataDir });
    expect(found).toMatchObject({ code: 0, stderr: 'HTTP 200\n' });
  });

  it('exits non-zero with the error body on a 4xx, and explains an untrusted certificate', async () => {
    const missing = await cli(['GET', '/routing/queues/no-such-queue'], { JOBROUTER_CA_FILE: router.caFile });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('HTTP 404\n');
    expect(JSON.parse(missing.stdout)).toMatchObject({ communicationError: { code: 'NotFound' } });
    const untrusted = await run(process.execPath, [path.join(root, 'scripts/jobrouter-call.js'), 'GET', '/routing/queues'], { JOBROUTER_CONNECTION_STRING: router.connectionString }, os.tmpdir());
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain("the router's CA is not trusted");
  });

  it('trusts NODE_EXTRA_CA_CERTS next to a CA it finds in the data folder (a router started earlier from this folder)', async () => {
    const otherDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-call-other-'));
    try {
      fs.mkdirSync(path.join(otherDataDir, 'tls'));
      // Any other CA will do: the one a different router generated, as ./data/tls/ca.pem holds after `npm start`.
      const otherRouterCa = fs.readFileSync(path.join(root, 'test/fixtures/tls/other-ca.pem'), 'utf8');
      fs.writeFileSync(path.join(otherDataDir, 'tls', 'ca.pem'), otherRouterCa);
      const result = await cli(['GET', '/routing/queues'], { JOBROUTER_DATA_DIR: otherDataDir, NODE_EXTRA_CA_CERTS: router.caFile });
      expect(result).toMatchObject({ code: 0, stderr: 'HTTP 200\n' });
    } finally {
      fs.rmSync(otherDataDir, { recursive: true, force: true });
    }
  });

  it('runs as `npx jobrouter-call` from the project folder (package.json bin)', async () => {
    const result = await run('npx', ['--no', 'jobrouter-call', 'GET', '/routing/queues'], { JOBROUTER_CONNECTION_STRING: router.connectionString, NODE_EXTRA_CA_CERTS: router.caFile });
    expect(result).toMatchObject({ code: 0, stderr: expect.stringContaining('HTTP 200') });
  });
});

describe("the README's curl recipe", () => {
  it('works as written', async () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const recipe = /<!-- curl-recipe[^>]*-->\n```bash\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(recipe).toBeDefined();
    const result = await run('bash', ['-e', '-o', 'pipefail', '-c', recipe ?? ''], { JOBROUTER_CONNECTION_STRING: router.connectionString, JOBROUTER_CA_FILE: router.caFile });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The PATCH's response, then the GET's list: two JSON documents back to back.
    const [created, list] = result.stdout.split(/(?<=\})(?=\{)/).map((part) => JSON.parse(part) as Record<string, unknown>);
    expect(created).toMatchObject({ id: 'default', offerExpiresAfterSeconds: 60 });
    expect((list?.value as { id: string }[]).map((p) => p.id)).toContain('default');
  });
});
