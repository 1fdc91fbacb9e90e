import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { failedRouterStart, startRouterProcess, type RunningRouter } from '../support/routerProcess';

/**
 * Startup failures an operator can fix are said in one plain message naming the setting to change,
 * with no stack trace; each case starts the real entry point in its own process.
 */

let scratch: string;
const running: RunningRouter[] = [];

beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-startup-'));
});

afterEach(async () => {
  for (const router of running.splice(0)) await router.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const start = async (env: Record<string, string>) => {
  const router = await startRouterProcess(env);
  running.push(router);
  return router;
};

/** No stack frame ("    at …") in what the router printed. */
const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

describe('startup failures', () => {
  it('names JOBROUTER_PORT when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await failedRouterStart({ JOBROUTER_PORT: String(port), JOBROUTER_DATA_DIR: path.join(scratch, 'data') });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Job Router could not start: Port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).toContain('Set JOBROUTER_PORT to a free port');
      noStackTrace(result.stderr);
      // The lock is released on the way out: a router can start on that folder right after.
      expect(fs.existsSync(path.join(scratch, 'data', 'jobrouter.lock'))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('says a file is not a data folder', async () => {
    const file = path.join(scratch, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    for (const dataDir of [file, path.join(file, 'below')]) {
      const result = await failedRouterStart({ JOBROUTER_PORT: '0', JOBROUTER_DATA_DIR: dataDir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('JOBROUTER_DATA_DIR must name a folder');
      noStackTrace(result.stderr);
    }
  });

  it('says a data folder it cannot write to cannot be written, and which setting to change', async () => {
    fs.chmodSync(scratch, 0o755);
    const dataDir = path.join(scratch, 'read-only');
    fs.mkdirSync(dataDir, { mode: 0o555 });
    fs.chmodSync(dataDir, 0o555);
    // root ignores permission bits: run the router as "nobody" then (the sources are world-readable).
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const result = await failedRouterStart({ JOBROUTER_PORT: '0', JOBROUTER_DATA_DIR: dataDir }, asNobody);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The data folder ${dataDir} cannot be written`);
    expect(result.stderr).toContain('set JOBROUTER_DATA_DIR to a writable folder');
    noStackTrace(result.stderr);
  });

  it('refuses a second router on the same data folder, and a lock left by a killed router does not block a restart', async () => {
    const dataDir = path.join(scratch, 'data');
    const first = await start({ JOBROUTER_PORT: '0', JOBROUTER_DATA_DIR: dataDir });
    const second = await failedRouterStart({ JOBROUTER_PORT: '0', JOBROUTER_DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Another Job Router (pid ${first.child.pid}) is using the data folder ${dataDir}`);
    expect(second.stderr).toContain('JOBROUTER_DATA_DIR');
    noStackTrace(second.stderr);

    first.child.kill('SIGKILL');
    await first.exited;
    expect(fs.readFileSync(path.join(dataDir, 'jobrouter.lock'), 'utf8').trim()).toBe(String(first.child.pid));
    const restarted = await start({ JOBROUTER_PORT: '0', JOBROUTER_DATA_DIR: dataDir });
    // Same data: the access key (and so the key in the connection string) survived.
    expect(restarted.connectionString.split(';accesskey=')[1]).toBe(first.connectionString.split(';accesskey=')[1]);
    expect(restarted.caFile).toBe(path.join(dataDir, 'tls', 'ca.pem'));
  });

  it('names the setting of a certificate file it cannot read', async () => {
    const result = await failedRouterStart({ JOBROUTER_PORT: '0', JOBROUTER_DATA_DIR: path.join(scratch, 'data'), JOBROUTER_TLS_CERT: path.join(scratch, 'missing.pem'), JOBROUTER_TLS_KEY: path.join(scratch, 'missing-key.pem') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cannot read JOBROUTER_TLS_CERT');
    noStackTrace(result.stderr);
  });
});
