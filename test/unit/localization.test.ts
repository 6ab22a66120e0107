// Every user-facing string has English and Japanese: the manifest's %keys% in package.nls*.json and
// every vscode.l10n.t() message in the Japanese bundle, with the same {n} placeholders.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..', '..');

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(ROOT, dir, file));
}

/** The first argument of every vscode.l10n.t(...) call, which must be a string literal. */
function l10nMessages(): Map<string, string> {
  const messages = new Map<string, string>();
  for (const file of [...sourceFiles('src/vscode'), join(ROOT, 'src', 'extension.ts')]) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.expression.getText(source) === 'vscode.l10n.t') {
        const [first] = node.arguments;
        assert.ok(
          first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)),
          `${file}: vscode.l10n.t needs a literal message: ${node.getText(source)}`,
        );
        messages.set(first.text, file);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return messages;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\d+\}/g)].map((match) => match[0]).sort();
}

describe('localization', () => {
  test('every %key% of package.json is in package.nls.json, and every key has a Japanese text', () => {
    const manifest = readFileSync(join(ROOT, 'package.json'), 'utf8');
    const english = readJson('package.nls.json');
    const japanese = readJson('package.nls.ja.json');
    for (const [, key] of manifest.matchAll(/"%([^%"]+)%"/g)) {
      assert.ok(key !== undefined && key in english, `package.nls.json lacks ${key ?? ''}`);
    }
    assert.deepEqual(Object.keys(japanese).sort(), Object.keys(english).sort());
  });

  test('every vscode.l10n.t message has a Japanese translation with the same placeholders', () => {
    const bundle = readJson('l10n/bundle.l10n.ja.json');
    const missing: string[] = [];
    for (const [message] of l10nMessages()) {
      const translation = bundle[message];
      if (typeof translation !== 'string') {
        missing.push(message);
        continue;
      }
      assert.deepEqual(placeholders(translation), placeholders(message), `placeholders of "${message}"`);
    }
    assert.deepEqual(missing, [], `missing Japanese for:\n${missing.join('\n')}`);
  });
});
