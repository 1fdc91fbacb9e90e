import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { certificateNames, loadOrCreateServerTls, RENEW_BEFORE_DAYS } from '../../shared/hosting/tlsCertificate';

const DAY = 24 * 60 * 60 * 1000;
let dataDir: string;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobrouter-tls-'));
});

afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the generated certificates', () => {
  it('issue a server certificate for the local names, signed by a CA that is kept in the data folder', async () => {
    const first = await loadOrCreateServerTls(dataDir, '127.0.0.1');
    const ca = new X509Certificate(first.caCertificate ?? '');
    const server = new X509Certificate(first.cert);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBe('::1');
    expect(fs.statSync(path.join(dataDir, 'tls', 'ca-key.pem')).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(dataDir, 'tls', 'server-key.pem')).mode & 0o077).toBe(0);

    // A restart serves the same certificate: nothing to trust again, no new key.
    const again = await loadOrCreateServerTls(dataDir, '127.0.0.1');
    expect(again.caCertificate).toBe(first.caCertificate);
    expect(again.cert).toBe(first.cert);
  });

  it('issues a new server certificate from the same CA when the old one nears expiry', async () => {
    const now = Date.now();
    const first = await loadOrCreateServerTls(dataDir, '127.0.0.1', new Date(now));
    const validTo = Date.parse(new X509Certificate(first.cert).validTo);
    const stillFine = await loadOrCreateServerTls(dataDir, '127.0.0.1', new Date(validTo - (RENEW_BEFORE_DAYS + 1) * DAY));
    expect(stillFine.cert).toBe(first.cert);
    const renewed = await loadOrCreateServerTls(dataDir, '127.0.0.1', new Date(validTo - (RENEW_BEFORE_DAYS - 1) * DAY));
    expect(renewed.cert).not.toBe(first.cert);
    expect(renewed.caCertificate).toBe(first.caCertificate);
    expect(new X509Certificate(renewed.cert).checkIssued(new X509Certificate(first.caCertificate ?? ''))).toBe(true);
  });

  it('covers a specific listening address too, issuing again when it changes', async () => {
    const first = await loadOrCreateServerTls(dataDir, '127.0.0.1');
    expect(certificateNames('0.0.0.0')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(certificateNames('10.1.2.3')).toEqual(['localhost', '127.0.0.1', '::1', '10.1.2.3']);
    const lan = await loadOrCreateServerTls(dataDir, '10.1.2.3');
    expect(lan.cert).not.toBe(first.cert);
    expect(new X509Certificate(lan.cert).checkIP('10.1.2.3')).toBe('10.1.2.3');
  });

  it('gives an in-memory router a CA of its own in a temporary folder, removed when it stops', async () => {
    const tls = await loadOrCreateServerTls(':memory:', '127.0.0.1');
    expect(tls.caFile).toBeDefined();
    expect(fs.readFileSync(tls.caFile ?? '', 'utf8')).toBe(tls.caCertificate);
    expect(fs.existsSync(path.join(path.dirname(tls.caFile ?? ''), 'ca-key.pem'))).toBe(false);
    tls.dispose();
    expect(fs.existsSync(tls.caFile ?? '')).toBe(false);
  });
});
