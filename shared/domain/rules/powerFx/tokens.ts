import type { Span } from './source';

export type Punctuator =
  | '(' | ')' | '{' | '}' | '[' | ']' | ',' | ':' | '.' | '!' | '@' | ';' | '%' | '^' | '&' | '&&' | '||'
  | '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '=>';

/** Case-sensitive reserved words (`TexlLexer._keywords`); `True` is an ordinary (unknown) name. */
export type Keyword = 'true' | 'false' | 'in' | 'exactin' | 'And' | 'Or' | 'Not' | 'As' | 'Self' | 'Parent';

export type Token = Span &
  (
    | { type: 'number'; value: number; text: string }
    | { type: 'text'; value: string }
    /** `quoted`: written as `'…'`, which is never a keyword or an operator. */
    | { type: 'name'; value: string; quoted: boolean }
    | { type: 'keyword'; value: Keyword }
    | { type: 'punctuator'; value: Punctuator }
    | { type: 'end' }
  );

/** How a token is named in messages: `'If'`, `')'`, `the text "abc"`, `the end of the expression`. */
export function describeToken(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end of the expression';
    case 'number':
      return `the number ${token.text}`;
    case 'text':
      return `the text ${JSON.stringify(token.value.length > 30 ? `${token.value.slice(0, 30)}…` : token.value)}`;
    case 'name':
      return token.quoted ? `'${token.value.replace(/'/g, "''")}'` : `'${token.value}'`;
    default:
      return `'${token.value}'`;
  }
}
