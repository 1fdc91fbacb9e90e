import { RuleInvocationError, type RuleHttpRequest, type RuleHttpResponse, type RuleInvoker } from '../../ports/RuleInvoker';
import { endpointName } from './endpointName';
import { networkReason } from './networkReason';

/** Rule answers are a number, a score per worker of a batch or a few selectors: far below this. */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024;

export interface FetchRuleInvokerOptions {
  maxResponseBytes?: number;
}

/** RuleInvoker over Node's global fetch. */
export class FetchRuleInvoker implements RuleInvoker {
  private readonly maxResponseBytes: number;

  constructor(options: FetchRuleInvokerOptions = {}) {
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  async post(request: RuleHttpRequest): Promise<RuleHttpResponse> {
    const signal = AbortSignal.timeout(request.timeoutMs);
    const [contentType, body] =
      'json' in request.body ? ['application/json', JSON.stringify(request.body.json)] : ['application/x-www-form-urlencoded', new URLSearchParams(request.body.form).toString()];
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': contentType, ...request.headers },
        body,
        signal,
        // A redirect would resend credentials to wherever the endpoint points; the caller reports the 3xx instead.
        redirect: 'manual',
      });
      const text = await this.readText(response, request.url);
      return { status: response.status, json: parseJson(text), text };
    } catch (error) {
      if (error instanceof RuleInvocationError) throw error;
      if (signal.aborted) throw new RuleInvocationError('timeout', `${endpointName(request.url)} did not answer within ${request.timeoutMs} ms`);
      throw new RuleInvocationError('unreachable', `${endpointName(request.url)} could not be reached (${networkReason(error)})`);
    }
  }

  /** Reads at most maxResponseBytes, so a misbehaving endpoint cannot fill the router's memory. */
  private async readText(response: Response, url: string): Promise<string> {
    const tooLarge = () => new RuleInvocationError('tooLarge', `${endpointName(url)} answered with more than ${this.maxResponseBytes} bytes`);
    const declared = Number(response.headers.get('content-length'));
    if (declared > this.maxResponseBytes) {
      await response.body?.cancel();
      throw tooLarge();
    }
    if (!response.body) return '';
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.maxResponseBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
