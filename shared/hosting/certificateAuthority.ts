// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import os from 'node:os';
import { isIP } from 'node:net';

/**
 * Making certificates: the local CA and the server certificates it signs. Loaded only when one has
 * to be made (first start, renewal), so an ordinary start does not pay for loading the X.509 library.
 */

type Crypto = webcrypto.Crypto;
type CryptoKey = webcrypto.CryptoKey;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Long enough that clients rarely need to trust a new one; kept across restarts and renewals. */
const CA_LIFETIME_DAYS = 3650;
/** Under the 398 days browsers and Apple platforms accept for a server certificate. */
const SERVER_LIFETIME_DAYS = 365;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const crypto: Crypto = webcrypto;

export const pemOfKey = async (key: CryptoKey) => x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');

async function importKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new Error('no PEM block in the key file');
  return crypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
}

const randomSerial = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '7');

export interface CertificateAuthority {
  cert: x509.X509Certificate;
  privateKey: CryptoKey;
}

export async function createAuthority(now: Date): Promise<CertificateAuthority> {
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

export async function issueServerCertificate(ca: CertificateAuthority, names: readonly string[], now: Date): Promise<{ cert: string; key: string }> {
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

/** The stored CA, to sign a new server certificate with. */
export async function loadAuthority(caPem: string, caKeyPem: string): Promise<CertificateAuthority> {
  return { cert: new x509.X509Certificate(caPem), privateKey: await importKey(caKeyPem) };
}
