import { openRequestScope } from '../../../shared/observability/requestScope';
import type { RouterPorts } from '../../../shared/ports/RouterPorts';
import { recordingLogger } from '../../support/recordingLogger';

/** The scope's loggers: the host's and the ports' (which the use cases log through) both carry the id. */

const request = (headers: Record<string, string> = {}) => ({ method: 'GET', url: '/routing/queues', headers, body: Buffer.alloc(0) });

describe('openRequestScope', () => {
  it.each([
    ['share one logger (embedded host)', true],
    ['have loggers of their own (an invocation and the host)', false],
  ])('tags the lines of both loggers when the host and the ports %s', (_what, shared) => {
    const hostLogger = recordingLogger();
    const portsLogger = shared ? hostLogger : recordingLogger();
    const ports = { logger: portsLogger } as unknown as RouterPorts;
    const scope = openRequestScope(request({ 'x-ms-client-request-id': 'abc-1' }), { logger: hostLogger, ports });
    scope.options.logger.warn({ a: 1 }, 'from the pipeline');
    scope.options.ports.logger.info({ requestId: 'own', b: 2 }, 'from a use case');
    expect(hostLogger.lines[0]).toEqual({ level: 'warn', fields: { requestId: 'abc-1', a: 1 }, message: 'from the pipeline' });
    // A line's own field wins over the scope's.
    expect(portsLogger.lines[shared ? 1 : 0]).toEqual({ level: 'info', fields: { requestId: 'own', b: 2 }, message: 'from a use case' });
    expect(ports.logger).toBe(portsLogger);
  });

  it('answers with the id, logs the request once, and leaves the host options untouched', () => {
    const logger = recordingLogger();
    const given = { logger, ports: { logger } as unknown as RouterPorts };
    const scope = openRequestScope(request(), given);
    const response = scope.finish({ status: 204, headers: {} }, { target: '/routing/queues', operationId: 'ListQueues' });
    expect(response.headers['trace-id']).toBe(scope.id);
    expect(logger.lines).toEqual([{ level: 'info', message: 'request', fields: expect.objectContaining({ requestId: scope.id, status: 204, operationId: 'ListQueues' }) }]);
    expect(given.logger).toBe(logger);
  });
});
