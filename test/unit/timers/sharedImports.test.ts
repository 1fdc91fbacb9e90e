import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/*
 * shared/ is everything that is not an Azure binding, so it must never depend on functions/ (the thin
 * registrations): the names the orchestrator and its client share live in shared/adapters/azure. The
 * lint rule for shared/** says the same while editing; this reads every import (TypeScript's own
 * pre-processor, so `import type`, re-exports and dynamic imports count) and resolves it as a path.
 */

const root = path.join(__dirname, '../../..');
const functionsDir = path.join(root, 'functions') + path.sep;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  return ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);
}

const reachesFunctions = (file: string, specifier: string) => specifier.startsWith('.') && (path.resolve(path.dirname(file), specifier) + path.sep).startsWith(functionsDir);

describe('shared/ does not import functions/', () => {
  it('no file under shared/ imports a module under functions/', () => {
    const files = sourceFiles(path.join(root, 'shared'));
    expect(files.length).toBeGreaterThan(100);
    const offending = files.flatMap((file) => importsOf(file).filter((specifier) => reachesFunctions(file, specifier)).map((specifier) => `${path.relative(root, file)} imports ${specifier}`));
    expect(offending).toEqual([]);
  });

  it('the check sees such an import (and not a sibling named functions)', () => {
    const adapter = path.join(root, 'shared/adapters/azure/DurableScheduler.ts');
    expect(reachesFunctions(adapter, '../../../functions/orchestrators/routerTimer')).toBe(true);
    expect(reachesFunctions(path.join(root, 'shared/domain/rules/powerFx/checker.ts'), './functions')).toBe(false);
    expect(importsOf(adapter)).toContain('./routerTimerNames');
  });
});
