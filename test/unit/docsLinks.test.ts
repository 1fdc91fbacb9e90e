import fs from 'node:fs';
import path from 'node:path';

/**
 * The repository stands alone: every document a source file, test, ADR or README names (`docs/behaviour.md`,
 * `0012-power-fx-rules.md`, a markdown link) exists in the repository, and every `#anchor` into a markdown file
 * names one of its headings. The checks read the files as they are, so a comment citing a document kept
 * elsewhere, or a renamed heading, fails here.
 */

const ROOT = path.resolve(__dirname, '../..');
const SCANNED = ['shared', 'functions', 'test', 'docs', 'infra', 'scripts', 'README.md'];
const TEXT_FILE = /\.(ts|js|mjs|cjs|md|bicep|json|sh)$/;
/** Copied data (recorded traffic, schemas) is scanned only for its own documents. */
const DATA_FOLDER = path.join('test', 'fixtures');

function filesUnder(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [entry];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((child) => {
    const relative = path.join(entry, child.name);
    if (child.isDirectory()) return child.name === 'node_modules' ? [] : filesUnder(relative);
    if (!TEXT_FILE.test(child.name)) return [];
    if (relative.startsWith(DATA_FOLDER + path.sep) && !relative.endsWith('.md')) return [];
    return [relative];
  });
}

interface DocReference {
  /** The file that names the document, relative to the repository. */
  from: string;
  line: number;
  /** The document as written (a path or a link target), without the anchor. */
  target: string;
  anchor?: string;
}

/** A link target that leaves the repository (a URL, a mail address): not ours to check. */
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;
const MARKDOWN_LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;
/** A name ending in `.md`, not inside a URL or a longer path (the lookbehind keeps `https://…/x.md` out). */
const MD_NAME = /(?<![\w/.:@-])((?:[\w.-]+\/)*[\w.-]+\.md)(?:#([\w-]+))?/g;

/** The documents and anchors a file's text names: markdown links (in `.md` files) and `*.md` names (everywhere). */
function referencesIn(from: string, text: string): DocReference[] {
  const found = new Map<string, DocReference>();
  const add = (ref: DocReference) => found.set(`${ref.line}|${ref.target}|${ref.anchor ?? ''}`, ref);
  text.split('\n').forEach((content, index) => {
    const line = index + 1;
    if (from.endsWith('.md')) {
      for (const match of content.matchAll(MARKDOWN_LINK)) {
        const link = match[1] ?? '';
        if (EXTERNAL.test(link)) continue;
        const [target = '', anchor] = link.split('#');
        add({ from, line, target, anchor: anchor || undefined });
      }
    }
    // A link's text is what the reader sees (`[behaviour.md](../behaviour.md#events)`); its target is the reference.
    const names = from.endsWith('.md') ? content.replace(/\[[^\]]*\]\(/g, '](') : content;
    for (const match of names.matchAll(MD_NAME)) {
      add({ from, line, target: match[1] ?? '', anchor: match[2] });
    }
  });
  return [...found.values()];
}

/** Where a reference points: relative to the citing file, else to the repository root; undefined when neither exists. */
function resolveReference(ref: DocReference, root = ROOT): string | undefined {
  if (ref.target === '') return path.join(root, ref.from);
  const candidates = [path.join(root, path.dirname(ref.from), ref.target), path.join(root, ref.target)];
  return candidates.find((candidate) => candidate.startsWith(root) && fs.existsSync(candidate));
}

/**
 * The anchors GitHub gives a markdown file's headings: lower case, punctuation dropped, spaces as hyphens,
 * repeats numbered `-1`, `-2`. Written here rather than taken from a package: it is three replacements, and
 * the headings checked are this repository's own.
 */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = (heading[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

const where = (ref: DocReference) => `${ref.from}:${ref.line} → ${ref.target}${ref.anchor ? `#${ref.anchor}` : ''}`;

describe('the repository stands alone', () => {
  // This file's own examples of broken references are data, not references.
  const files = SCANNED.flatMap(filesUnder).filter((file) => file !== path.relative(ROOT, __filename));
  const references = files.flatMap((file) => referencesIn(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));

  it('reads the source, tests, docs, infra and README, and finds the references they make', () => {
    for (const folder of ['shared', 'functions', 'test', 'docs', 'infra']) expect(files.some((f) => f.startsWith(folder + path.sep))).toBe(true);
    expect(files).toContain('README.md');
    expect(references.filter((r) => r.target.endsWith('behaviour.md') && r.anchor).length).toBeGreaterThan(20);
  });

  it('every document named exists in the repository', () => {
    expect(references.filter((ref) => resolveReference(ref) === undefined).map(where)).toEqual([]);
  });

  it('every #anchor into a markdown file is one of its headings', () => {
    const anchorsOf = new Map<string, Set<string>>();
    const broken = references.filter((ref) => {
      const target = ref.anchor ? resolveReference(ref) : undefined;
      if (!target?.endsWith('.md') || !fs.statSync(target).isFile()) return false;
      if (!anchorsOf.has(target)) anchorsOf.set(target, headingAnchors(fs.readFileSync(target, 'utf8')));
      return !anchorsOf.get(target)?.has(ref.anchor ?? '');
    });
    expect(broken.map(where)).toEqual([]);
  });
});

describe('how references are found', () => {
  it('finds document names in comments and links in markdown, with their anchors, but not URLs', () => {
    const comment = '/** As the service did (nowhere.md §0); see docs/behaviour.md#errors and https://example.org/x/README.md. */';
    expect(referencesIn('shared/http/errors.ts', comment).map((r) => [r.target, r.anchor])).toEqual([
      ['nowhere.md', undefined],
      ['docs/behaviour.md', 'errors'],
    ]);
    const markdown = 'See [ADR 12](adr/0012-power-fx-rules.md), [glossary.md](#job-statuses) and [the site](https://example.org/a.md).';
    expect(referencesIn('docs/behaviour.md', markdown).map((r) => [r.target, r.anchor])).toEqual([
      ['adr/0012-power-fx-rules.md', undefined],
      ['', 'job-statuses'],
    ]);
  });

  it('resolves against the citing file, then the repository root, and reports what exists in neither', () => {
    expect(resolveReference({ from: 'docs/glossary.md', line: 1, target: 'behaviour.md' })).toBe(path.join(ROOT, 'docs/behaviour.md'));
    expect(resolveReference({ from: 'shared/http/errors.ts', line: 1, target: 'docs/behaviour.md' })).toBe(path.join(ROOT, 'docs/behaviour.md'));
    expect(resolveReference({ from: 'shared/http/errors.ts', line: 1, target: 'nowhere.md' })).toBeUndefined();
    expect(resolveReference({ from: 'docs/glossary.md', line: 1, target: '../../outside.md' })).toBeUndefined();
  });

  it('gives headings the anchors GitHub gives them, numbering repeats and skipping code blocks', () => {
    const anchors = headingAnchors('# Expression rules (Power Fx)\n## `If-Match` and dates\n## Close\n## Close\n```\n# not a heading\n```\n');
    expect([...anchors]).toEqual(['expression-rules-power-fx', 'if-match-and-dates', 'close', 'close-1']);
  });
});
