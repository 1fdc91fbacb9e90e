import type { Logger } from '../ports/Logger';

/**
 * A logger that adds `fields` to every line (a pino child, on the Logger port, which every host
 * implements differently). The line's own fields come after, so a use case's own value wins.
 */
export function withFields(logger: Logger, fields: Readonly<Record<string, unknown>>): Logger {
  return {
    info: (own, message) => logger.info({ ...fields, ...own }, message),
    warn: (own, message) => logger.warn({ ...fields, ...own }, message),
    error: (own, message) => logger.error({ ...fields, ...own }, message),
  };
}
