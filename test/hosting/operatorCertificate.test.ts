import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { startEmbeddedHost } from '../../shared/hosting/startEmbeddedHost';
import { StartupError } from '../../shared/hosting/startupError';
import { loadOrCreateServerTls } from '../../shared/hosting/tlsCertificate';
import { silentLogger } from '../../shared/ports/Logger';

/** JOBROUTER_TLS_CERT / JOBROUTER_TLS_KEY: the operator's certificate is served instead of a generated one. */

let folder: string;
let ca: string;
let certFile: string;
let keyFile: string;

beforeAll(async () => {
  // The operator's PKI, played by a CA made in another folder: what matters is that its files are served.
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-operator-tls-'));
  const issued = await loadOrCreateServerTls(folder, '127.0.0.1');
  ca = issued.caCertificate ?? '';
  certFile = path.join(folder, 'tls', 'server.pem');
  keyFile = path.join(folder, 'tls', 'server-key.pem');
});

afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

it('serves the configured certificate, and writes no CA of its own', async () => {
  const dataDir = path.join(folder, 'data');
  const host = await startEmbeddedHost({ dataDir, port: 0, tlsCert: certFile, tlsKey: keyFile, logger: silentLogger });
  try {
    expect(host.tls).toEqual({ mode: 'configured', certFile });
    const served = await new Promise<string>((resolve, reject) => {
      const request = https.get(new URL('/routing/queues', host.url), { ca, agent: false }, (response) => {
        response.resume();
        resolve((response.socket as TLSSocket).getPeerCertificate().fingerprint256);
      });
      request.on('error', reject);
    });
    expect(served).toBe(new X509Certificate(fs.readFileSync(certFile)).fingerprint256);
    expect(fs.existsSync(path.join(dataDir, 'tls'))).toBe(false);
  } finally {
    await host.close();
  }
});

it('refuses a key that does not belong to the certificate, naming the settings', async () => {
  const start = startEmbeddedHost({ dataDir: ':memory:', port: 0, tlsCert: certFile, tlsKey: path.join(folder, 'tls', 'ca-key.pem'), logger: silentLogger });
  await expect(start).rejects.toThrow(StartupError);
  await expect(start).rejects.toThrow(/cannot be used together.*JOBROUTER_TLS_CERT and JOBROUTER_TLS_KEY/);
});
