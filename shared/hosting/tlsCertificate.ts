import { X509Certificate as NodeCertificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import type { CertificateAuthority } from './certificateAuthority';
import { SETTINGS } from './config';
import { StartupError } from './startupError';

/** Where the generated certificates live inside the data folder. */
export const TLS_FOLDER = 'tls';
export const CA_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';
const SERVER_CERT_FILE = 'server.pem';
const SERVER_KEY_FILE = 'server-key.pem';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A server certificate with less left than this is replaced at start. */
export const RENEW_BEFORE_DAYS = 30;

/** The names every generated server certificate covers, whatever interface the router listens on. */
export const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

export interface ServerTls {
  /** PEM server certificate and private key, as node:https takes them. */
  cert: string;
  key: string;
  /** The local CA clients trust (undefined when the operator supplied the certificate). */
  caCertificate?: string;
  /** A file holding `caCertificate`, to point REQUESTS_CA_BUNDLE / NODE_EXTRA_CA_CERTS / curl at. */
  caFile?: string;
  /** Removes what exists only for this run (the CA file of an in-memory router). */
  dispose(): void;
}

/** The names a server certificate must cover: the local ones plus the interface asked for, unless that is "any". */
export function certificateNames(listenHost: string | undefined): string[] {
  const names: string[] = [...LOCAL_NAMES];
  if (listenHost && !['0.0.0.0', '::', ''].includes(listenHost) && !names.includes(listenHost)) names.push(listenHost);
  return names;
}

/** Whether a stored server certificate can be served again: issued by this CA, covering the names, not about to expire. */
function stillGood(certPem: string, caPem: string, names: readonly string[], now: Date): boolean {
  try {
    const cert = new NodeCertificate(certPem);
    const ca = new NodeCertificate(caPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    if (new Date(cert.validTo).getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return false;
    return names.every((name) => (isIP(name) ? cert.checkIP(name) : cert.checkHost(name)) !== undefined);
  } catch {
    return false;
  }
}

const readIfPresent = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);

/** Private keys are readable by their owner only. (Two routers never write here at once: the data folder is locked first.) */
function writeSecret(file: string, contents: string): void {
  fs.writeFileSync(file, contents, { mode: 0o600 });
}

/**
 * The local CA and a server certificate signed by it, kept in `<dataDir>/tls/`. The CA is created
 * once and kept (clients trust it once); the server certificate is issued again when it nears
 * expiry, when the names it must cover changed, or when it was not issued by the stored CA.
 * An in-memory router gets a CA of its own in a temporary folder, removed when it stops.
 */
export async function loadOrCreateServerTls(dataDir: string, listenHost: string | undefined, now: Date = new Date()): Promise<ServerTls> {
  const names = certificateNames(listenHost);
  const inMemory = dataDir === ':memory:';
  const folder = inMemory ? fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-tls-')) : path.join(dataDir, TLS_FOLDER);
  fs.mkdirSync(folder, { recursive: true });
  const file = (name: string) => path.join(folder, name);

  let caPem = readIfPresent(file(CA_FILE));
  const caKeyPem = readIfPresent(file(CA_KEY_FILE));
  let cert = readIfPresent(file(SERVER_CERT_FILE));
  let key = readIfPresent(file(SERVER_KEY_FILE));
  if (!caPem || !caKeyPem || !cert || !key || !stillGood(cert, caPem, names, now)) {
    const authority = await import('./certificateAuthority');
    let ca: CertificateAuthority;
    if (caPem && caKeyPem) {
      ca = await authority.loadAuthority(caPem, caKeyPem);
    } else {
      ca = await authority.createAuthority(now);
      caPem = ca.cert.toString('pem');
      if (!inMemory) writeSecret(file(CA_KEY_FILE), await authority.pemOfKey(ca.privateKey));
      fs.writeFileSync(file(CA_FILE), caPem);
    }
    ({ cert, key } = await authority.issueServerCertificate(ca, names, now));
    if (!inMemory) {
      writeSecret(file(SERVER_KEY_FILE), key);
      fs.writeFileSync(file(SERVER_CERT_FILE), cert);
    }
  }
  return {
    cert,
    key,
    caCertificate: caPem,
    caFile: file(CA_FILE),
    dispose: () => {
      if (inMemory) fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

function readPem(setting: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new StartupError(`Cannot read ${setting} (${file}): ${(error as Error).message}. Point it at a readable PEM file.`);
  }
}

/** The operator's own certificate (with its chain) and key, PEM files. */
export function readConfiguredTls(certFile: string, keyFile: string): ServerTls {
  return { cert: readPem(SETTINGS.tlsCert, certFile), key: readPem(SETTINGS.tlsKey, keyFile), dispose: () => undefined };
}
