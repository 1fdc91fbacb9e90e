import fs from 'node:fs';

/**
 * Just enough of Bicep to read infra/ without the Bicep CLI (which cannot be installed here):
 * declarations and object literals, with strings (escapes, `${}` interpolation, `'''` blocks),
 * comments and bracket nesting honoured, so formatting does not matter but names do.
 */
export interface BicepEntry {
  /** Property name, or undefined for an entry that is not `name: value` (e.g. a spread). */
  key?: string;
  value: string;
  /** Offset of the value's first character in the file. */
  start: number;
}

export interface BicepDeclaration {
  keyword: 'param' | 'var' | 'resource' | 'module' | 'output';
  name: string;
  /** The declared type, or for `resource`/`module` the quoted type or path without quotes. */
  type: string;
  /** For `param`/`var`/`output`: what follows `=`, on the declaration line. */
  value?: string;
  /** For `resource`/`module`: offset of the body's `{`. */
  bodyStart?: number;
}

const OPENERS = '{[(';
const CLOSERS = '}])';

export class BicepFile {
  /** The text with comments blanked (offsets unchanged). */
  readonly code: string;
  /** `code` with string contents blanked too: brackets and colons left are syntax. */
  readonly syntax: string;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    [this.code, this.syntax] = mask(text, path);
  }

  static read(path: string): BicepFile {
    return new BicepFile(path, fs.readFileSync(path, 'utf8'));
  }

  /** Top-level declarations, and `resource` declarations at any depth (nested child resources). */
  declarations(): BicepDeclaration[] {
    const found: BicepDeclaration[] = [];
    const pattern = /^[ \t]*(param|var|resource|module|output)[ \t]+([A-Za-z_]\w*)[ \t]+/gm;
    for (let match = pattern.exec(this.syntax); match; match = pattern.exec(this.syntax)) {
      const keyword = match[1] as BicepDeclaration['keyword'];
      if (keyword !== 'resource' && depthAt(this.syntax, match.index) !== 0) continue;
      const rest = match.index + match[0].length;
      const lineEnd = endOfLine(this.code, rest);
      if (keyword === 'resource' || keyword === 'module') {
        const quoted = /^'([^']*)'/.exec(this.code.slice(rest));
        const equals = this.syntax.indexOf('=', rest);
        const bodyStart = this.syntax.indexOf('{', equals);
        if (!quoted || equals < 0 || bodyStart < 0) throw new Error(`${this.path}: cannot read the ${keyword} '${match[2]}'.`);
        found.push({ keyword, name: match[2] ?? '', type: quoted[1] ?? '', bodyStart });
      } else {
        const declaration = this.code.slice(rest, lineEnd);
        const equals = this.syntax.slice(rest, lineEnd).indexOf('=');
        found.push({
          keyword,
          name: match[2] ?? '',
          type: (equals < 0 ? declaration : declaration.slice(0, equals)).trim(),
          value: equals < 0 ? undefined : declaration.slice(equals + 1).trim(),
        });
      }
    }
    return found;
  }

  /** Entries of the object literal whose `{` is at `open`. */
  objectAt(open: number): BicepEntry[] {
    if (this.syntax[open] !== '{') throw new Error(`${this.path}: expected an object literal at offset ${open}, found "${this.code.slice(open, open + 20)}".`);
    const close = closingIndex(this.syntax, open, this.path);
    const entries: BicepEntry[] = [];
    let segmentStart = open + 1;
    let depth = 0;
    for (let i = open + 1; i <= close; i++) {
      const c = this.syntax[i] ?? '';
      if (OPENERS.includes(c)) depth++;
      else if (CLOSERS.includes(c) && i < close) depth--;
      if (i === close || (depth === 0 && (c === '\n' || c === ','))) {
        const entry = this.entry(segmentStart, i);
        if (entry) entries.push(entry);
        segmentStart = i + 1;
      }
    }
    return entries;
  }

  /** The object literal that is the value of `key` in the object at `open`. */
  property(open: number, key: string): BicepEntry | undefined {
    return this.objectAt(open).find((e) => e.key === key);
  }

  private entry(from: number, to: number): BicepEntry | undefined {
    const segment = this.code.slice(from, to);
    const leading = segment.length - segment.trimStart().length;
    if (segment.trim() === '') return undefined;
    const keyed = /^(?:([A-Za-z_]\w*)|'([^']*)')[ \t]*:/.exec(segment.trimStart());
    if (!keyed) return { value: segment.trim(), start: from + leading };
    const afterColon = leading + keyed[0].length;
    const valueLeading = segment.slice(afterColon).length - segment.slice(afterColon).trimStart().length;
    return { key: keyed[1] ?? keyed[2], value: segment.slice(afterColon).trim(), start: from + afterColon + valueLeading };
  }
}

/** Index of the bracket closing the one at `open`. */
function closingIndex(syntax: string, open: number, path: string): number {
  let depth = 0;
  for (let i = open; i < syntax.length; i++) {
    const c = syntax[i] ?? '';
    if (OPENERS.includes(c)) depth++;
    else if (CLOSERS.includes(c) && --depth === 0) return i;
  }
  throw new Error(`${path}: the bracket at offset ${open} is never closed.`);
}

function depthAt(syntax: string, index: number): number {
  let depth = 0;
  for (let i = 0; i < index; i++) {
    const c = syntax[i] ?? '';
    if (OPENERS.includes(c)) depth++;
    else if (CLOSERS.includes(c)) depth--;
  }
  return depth;
}

function endOfLine(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}

/** [text without comments, text without comments and string contents], both the original length. */
function mask(text: string, path: string): [string, string] {
  const code = text.split('');
  const syntax = text.split('');
  const blank = (target: string[], from: number, to: number) => {
    for (let i = from; i < to; i++) if (target[i] !== '\n') target[i] = ' ';
  };
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('//', i) || text.startsWith('/*', i)) {
      const close = text.startsWith('//', i) ? endOfLine(text, i) : text.indexOf('*/', i + 2) + 2;
      if (close < 2) throw new Error(`${path}: unterminated comment at offset ${i}.`);
      blank(code, i, close);
      blank(syntax, i, close);
      i = close;
    } else if (text[i] === "'") {
      const end = stringEnd(text, i, path);
      blank(syntax, i + 1, end - 1);
      i = end;
    } else {
      i++;
    }
  }
  return [code.join(''), syntax.join('')];
}

/** Index just past the string starting at `start` (a quote). */
function stringEnd(text: string, start: number, path: string): number {
  if (text.startsWith("'''", start)) {
    const end = text.indexOf("'''", start + 3);
    if (end < 0) throw new Error(`${path}: unterminated ''' string at offset ${start}.`);
    return end + 3;
  }
  let j = start + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\') j += 2;
    else if (c === "'") return j + 1;
    else if (c === '$' && text[j + 1] === '{') j = interpolationEnd(text, j + 2, path);
    else if (c === '\n') break;
    else j++;
  }
  throw new Error(`${path}: unterminated string at offset ${start}.`);
}

function interpolationEnd(text: string, start: number, path: string): number {
  let depth = 0;
  let j = start;
  while (j < text.length) {
    const c = text[j];
    if (c === "'") {
      j = stringEnd(text, j, path);
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && depth-- === 0) return j + 1;
    j++;
  }
  throw new Error(`${path}: unterminated \${} at offset ${start}.`);
}
