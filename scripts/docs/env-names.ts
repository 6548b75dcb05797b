/**
 * The environment-variable-like names (UPPER_SNAKE_CASE) the project's code and configuration
 * mention, comments left out: the HOPTRACE_* and OTEL_* ones are what docs/configuration.md must
 * describe, and every name it describes by hand must still be among them. Tests (`test/` folders,
 * `*.test.ts`) and docs folders are not scanned: a test may invent a name, and the docs generator
 * names them all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import ts from 'typescript';

const NAME = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]\b/g;
export const isProjectVariable = (name: string) => /^(HOPTRACE|OTEL)_/.test(name);
const SKIP_DIRS = new Set(['node_modules', 'dist', 'gen', 'generated', 'test', 'docs', '.git', '.hoptrace']);
const CODE = new Set(['.ts', '.mts', '.cts', '.cjs']);
/** Files whose comments start with `#` (and SQL's `--`). */
const CONFIG = new Set(['.yml', '.yaml', '.env', '.sh', '.sql']);

/** Where each name occurs: name → files (relative to root). */
export function namesInCode(root: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const note = (text: string, file: string) => {
    for (const [name] of text.matchAll(NAME)) {
      const files = found.get(name) ?? new Set<string>();
      files.add(relative(root, file));
      found.set(name, files);
    }
  };
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !(entry.name.startsWith('.') && entry.name !== '.ci')) walk(path);
        continue;
      }
      const ext = extname(entry.name);
      if (CODE.has(ext) && !entry.name.includes('.test.')) note(codeText(readFileSync(path, 'utf8'), path), path);
      else if (CONFIG.has(ext) || entry.name === 'Dockerfile' || (dir.endsWith('.ci') && basename(path) === 'run'))
        note(withoutComments(readFileSync(path, 'utf8'), ext), path);
    }
  };
  walk(root);
  return found;
}

/** The identifiers and string literals of a TypeScript/JavaScript file: its text without comments. */
function codeText(source: string, file: string): string {
  const parts: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) || ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) parts.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false));
  return parts.join('\n');
}

function withoutComments(text: string, ext: string): string {
  const comment = ext === '.sql' ? /(^|\s)--.*$/ : /(^|\s)#.*$/;
  return text
    .split('\n')
    .map((line) => line.replace(comment, ''))
    .join('\n');
}
