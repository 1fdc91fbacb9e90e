/** A range of the expression text: UTF-16 offsets, `end` exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Position {
  /** 0-based UTF-16 offset into the expression. */
  readonly offset: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units. */
  readonly column: number;
}

/** Line breaks as Power Fx counts them: LF, CR (a CRLF pair is one break), NEL, LS, PS. */
function isLineBreak(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 0x0d) return text.charCodeAt(i + 1) !== 0x0a;
  return c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
}

export function positionOf(text: string, offset: number): Position {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    if (isLineBreak(text, i)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: end, line, column: end - lineStart + 1 };
}

/** `1:4`, the way messages point into an expression. */
export function where(text: string, offset: number): string {
  const { line, column } = positionOf(text, offset);
  return `${line}:${column}`;
}
