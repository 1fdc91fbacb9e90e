import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/**
 * `npm start` without the build step: the real entry point (shared/hosting/main.ts) in its own
 * process, compiled on the fly by the SWC register Jest uses, configured only by environment.
 */
export interface RouterProcess {
  child: ChildProcess;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

export function spawnRouter(env: Record<string, string>, options: Pick<SpawnOptions, 'uid' | 'gid'> = {}): RouterProcess {
  const child = spawn(process.execPath, ['-r', path.join(root, 'test/support/swcRegister.js'), path.join(root, 'shared/hosting/main.ts')], {
    cwd: root,
    env: { ...process.env, JOBROUTER_LOG_LEVEL: 'warn', JOBROUTER_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => ({ stdout, stderr }), exited };
}

export interface RunningRouter extends RouterProcess {
  connectionString: string;
  /** The CA file the banner names (generated certificate). */
  caFile?: string;
  stop(): Promise<void>;
}

/** Starts a router process and waits for its banner (or fails with what it printed). */
export async function startRouterProcess(env: Record<string, string>): Promise<RunningRouter> {
  const router = spawnRouter(env);
  const banner = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const { stdout } = router.output();
      if (/Stop with Ctrl\+C\./.test(stdout)) resolve(stdout);
    };
    router.child.stdout?.on('data', check);
    void router.exited.then((code) => reject(new Error(`router exited with ${code} before serving:\n${router.output().stdout}${router.output().stderr}`)));
  });
  const connectionString = /Connection string: (\S+)/.exec(banner)?.[1];
  if (!connectionString) throw new Error(`no connection string in:\n${banner}`);
  return {
    ...router,
    connectionString,
    caFile: /NODE_EXTRA_CA_CERTS=(\S+)/.exec(banner)?.[1],
    stop: async () => {
      if (router.child.exitCode === null) router.child.kill('SIGTERM');
      await router.exited;
    },
  };
}

/** Runs a router that is expected not to start; resolves with its exit code and output. */
export async function failedRouterStart(env: Record<string, string>, options: Pick<SpawnOptions, 'uid' | 'gid'> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const router = spawnRouter(env, options);
  const timer = setTimeout(() => router.child.kill('SIGKILL'), 20_000);
  const code = await router.exited;
  clearTimeout(timer);
  return { code, ...router.output() };
}
