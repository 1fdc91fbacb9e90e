import type { InvocationContext } from '@azure/functions';
import type { RouterConfig } from '../shared/hosting/config';
import type { Logger } from '../shared/ports/Logger';

const RANK = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 } as const;

/** `err` as its message and stack: JSON.stringify would write an Error as `{}`. */
function serialisable(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] = value instanceof Error ? { type: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}

/**
 * The Logger port on an invocation's context: the host sends these lines to Application Insights
 * with the invocation's id and operation, so a request's log lines sit with its request telemetry
 * (stdout lines carry neither). The fields follow the message as JSON, as pino would write them.
 */
export function invocationLogger(context: InvocationContext, level: RouterConfig['logLevel'] = 'info'): Logger {
  const write = (at: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string) => {
    if (RANK[at] < RANK[level]) return;
    const text = Object.keys(fields).length > 0 ? `${message} ${JSON.stringify(serialisable(fields))}` : message;
    context[at](text);
  };
  return {
    info: (fields, message) => write('info', fields, message),
    warn: (fields, message) => write('warn', fields, message),
    error: (fields, message) => write('error', fields, message),
  };
}
