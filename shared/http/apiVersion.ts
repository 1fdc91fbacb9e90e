import { badRequest } from './errors';

/** 2023-11-01 is the contract; 2024-01-18-preview differs only by worker `maxConcurrentOffers` (docs/behaviour.md#api-versions). */
export const SUPPORTED_API_VERSIONS = ['2023-11-01', '2024-01-18-preview'] as const;

/** The service advertised these on every response; clients only read it for diagnostics. */
export const API_SUPPORTED_VERSIONS_HEADER = SUPPORTED_API_VERSIONS.join(', ');

/**
 * No query parameter of the API takes several values, and a repeated one is ambiguous: a proxy or
 * cache in front may read the last copy where we would read the first. So any repeat is a 400.
 */
export function refuseRepeatedParameters(query: URLSearchParams): void {
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (seen.has(name)) {
      const shown = name.length > 100 ? `${name.slice(0, 100)}…` : name;
      throw badRequest(`Query parameter ${shown} is given ${query.getAll(name).length} times; give it once.`, [{ code: 'RepeatedParameter', message: 'given more than once', target: shown }]);
    }
    seen.add(name);
  }
}

export function checkApiVersion(query: URLSearchParams): string {
  const version = query.get('api-version');
  if (version === null || version === '') {
    throw badRequest(`The api-version query parameter is required; use api-version=${SUPPORTED_API_VERSIONS[0]}.`);
  }
  if (!(SUPPORTED_API_VERSIONS as readonly string[]).includes(version)) {
    throw badRequest(`api-version "${version}" is not supported; use one of ${SUPPORTED_API_VERSIONS.join(', ')}.`);
  }
  return version;
}
