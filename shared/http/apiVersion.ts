import { badRequest } from './errors';

/** 2023-11-01 is the contract; 2024-01-18-preview differs only by worker `maxConcurrentOffers` (docs/behaviour.md#api-versions). */
export const SUPPORTED_API_VERSIONS = ['2023-11-01', '2024-01-18-preview'] as const;

/** The service advertised these on every response; clients only read it for diagnostics. */
export const API_SUPPORTED_VERSIONS_HEADER = SUPPORTED_API_VERSIONS.join(', ');

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
