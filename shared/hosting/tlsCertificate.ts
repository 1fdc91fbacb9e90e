// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate as NodeCertificate, webcrypto } from 'node:crypto';

type Crypto = webcrypto.Crypto;
type CryptoKey = webcrypto.CryptoKey;
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import { SETTINGS } from './config';
import { StartupError } from './startupError';

/** Where the generated certificates live inside the data folder. */
export const TLS_FOLDER = 'tls';
export const CA_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';
const SERVER_CERT_FILE = 'server.pem';
const SERVER_KEY_FILE = 'server-key.pem';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Long enough that clients rarely need to trust a new one; kept across restarts and renewals. */
const CA_LIFETIME_DAYS = 3650;
/** Under the 398 days browsers and Apple platforms accept for a server certificate. */
const SERVER_LIFETIME_DAYS = 365;
/** A server certificate with less left than this is replaced at start. */
export const RENEW_BEFORE_DAYS = 30;

/** The names every generated server certificate covers, whatever interface the router listens on. */
export const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const crypto: Crypto = webcrypto;

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

const pemOfKey = async (key: CryptoKey) => x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');

async function importKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new Error('no PEM block in the key file');
  return crypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
}

const randomSerial = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '7');

interface CertificateAuthority {
  cert: x509.X509Certificate;
  privateKey: CryptoKey;
}

async function createAuthority(now: Date): Promise<CertificateAuthority> {
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: `CN=Job Router local CA (${os.hostname()})`,
      notBefore: new Date(now.getTime() - DAY_MS),
      notAfter: new Date(now.getTime() + CA_LIFETIME_DAYS * DAY_MS),
      signingAlgorithm: ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { cert, privateKey: keys.privateKey };
}

async function issueServerCertificate(ca: CertificateAuthority, names: readonly string[], now: Date): Promise<{ cert: string; key: string }> {
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: 'CN=localhost',
      issuer: ca.cert.subject,
      notBefore: new Date(now.getTime() - DAY_MS),
      notAfter: new Date(now.getTime() + SERVER_LIFETIME_DAYS * DAY_MS),
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: ca.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names.map((name) => ({ type: isIP(name) ? 'ip' : 'dns', value: name }))),
        await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false, crypto),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { cert: cert.toString('pem'), key: await pemOfKey(keys.privateKey) };
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
  let caKeyPem = readIfPresent(file(CA_KEY_FILE));
  let ca: CertificateAuthority;
  if (caPem && caKeyPem) {
    ca = { cert: new x509.X509Certificate(caPem), privateKey: await importKey(caKeyPem) };
  } else {
    ca = await createAuthority(now);
    caPem = ca.cert.toString('pem');
    caKeyPem = await pemOfKey(ca.privateKey);
    if (!inMemory) writeSecret(file(CA_KEY_FILE), caKeyPem);
    fs.writeFileSync(file(CA_FILE), caPem);
  }

  let cert = readIfPresent(file(SERVER_CERT_FILE));
  let key = readIfPresent(file(SERVER_KEY_FILE));
  if (!cert || !key || !stillGood(cert, caPem, names, now)) {
    ({ cert, key } = await issueServerCertificate(ca, names, now));
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
