/**
 * How failures name an endpoint: host and path. The query string is left out because function URLs often
 * carry their key there (`?code=…`), and failure reasons end up in logs and job notes.
 */
export function endpointName(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}
