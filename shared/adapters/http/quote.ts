const QUOTE_LENGTH = 200;

/** A short quote of what an endpoint answered, for a failure reason; empty when it said nothing. */
export function quote(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  return `: ${JSON.stringify(trimmed.length > QUOTE_LENGTH ? `${trimmed.slice(0, QUOTE_LENGTH)}…` : trimmed)}`;
}
