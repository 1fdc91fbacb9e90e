import { createHash, createHmac } from 'node:crypto';
import https from 'node:https';

/**
 * What the official Python Job Router SDK (azure-communication-jobrouter 1.x) does with a connection
 * string and with each request, re-implemented because Python packages cannot be installed where
 * these tests run. Only the client side is imitated: parsing and signing as the SDK's
 * `parse_connection_str`, `JobRouterClient.__init__` and `HMACCredentialsPolicy` do it, sent through
 * a real TLS client that verifies the router's certificate against the CA file alone (as
 * REQUESTS_CA_BUNDLE makes `requests` do).
 */

/** `from_connection_string`: split on `;`, keys case-insensitive, endpoint right-stripped of `/`, scheme dropped; then forced to https. */
export function pythonEndpointOf(connectionString: string): { endpoint: string; accessKey: string } {
  let endpoint: string | undefined;
  let accessKey: string | undefined;
  for (const element of connectionString.split(';')) {
    const at = element.indexOf('=');
    const key = at < 0 ? element : element.slice(0, at);
    const value = at < 0 ? '' : element.slice(at + 1);
    if (key.toLowerCase() === 'endpoint') endpoint = value.replace(/\/+$/, '');
    else if (key.toLowerCase() === 'accesskey') accessKey = value;
  }
  if (!endpoint || !accessKey) throw new Error('invalid connection string');
  const slashes = endpoint.indexOf('//');
  const host = slashes === -1 ? endpoint : endpoint.slice(slashes + 2);
  // JobRouterClient.__init__: an endpoint without a scheme gets https://.
  return { endpoint: host.toLowerCase().startsWith('http') ? host : `https://${host}`, accessKey };
}

/** `json.dumps` with its default separators (`, ` and `: `): the bytes hashed are the bytes sent. */
function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${pythonJsonDumps(item)}`).join(', ')}}`;
  return JSON.stringify(value);
}

/** The SDK's date format: `%a, %d %b %Y %H:%M:%S GMT` in UTC. */
const pythonUtcNow = () => new Date().toUTCString();

export interface PythonResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read like the SDK's deserialised models
  body: any;
}

export interface PythonStyleClient {
  endpoint: string;
  send(method: 'GET' | 'PATCH' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<PythonResponse>;
}

/** A client that signs as HMACCredentialsPolicy does: the `host` it signs is the endpoint's text after the scheme. */
export function pythonStyleClient(connectionString: string, ca: string): PythonStyleClient {
  const { endpoint, accessKey } = pythonEndpointOf(connectionString);
  const signedHost = endpoint.replace(/^https:\/\//, '').replace(/^http:\/\//, '');
  const send: PythonStyleClient['send'] = (method, path, body) => {
    // The generated operations format `{endpoint}/routing/...` and add api-version as the query.
    const url = new URL(`${endpoint}${path}${path.includes('?') ? '&' : '?'}api-version=2023-11-01`);
    const queryUrl = url.search ? `${url.pathname}${url.search}` : url.pathname;
    const text = body === undefined ? '' : pythonJsonDumps(body);
    const date = pythonUtcNow();
    const contentHash = createHash('sha256').update(text, 'utf8').digest('base64');
    const stringToSign = `${method}\n${queryUrl}\n${date};${signedHost};${contentHash}`;
    const signature = createHmac('sha256', Buffer.from(accessKey, 'base64')).update(stringToSign, 'utf8').digest('base64');
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'azsdk-python-communication-jobrouter/1.0.0 (stand-in)',
      'x-ms-date': date,
      'x-ms-content-sha256': contentHash,
      'x-ms-return-client-request-id': 'true',
      authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    };
    if (body !== undefined) headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
    return new Promise((resolve, reject) => {
      // Only the router's CA is trusted, and the certificate is checked (no rejectUnauthorized: false).
      const request = https.request(url, { method, headers, ca, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, body: raw ? JSON.parse(raw) : undefined });
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(text);
    });
  };
  return { endpoint, send };
}
