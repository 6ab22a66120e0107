import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog, readablePieces, untranslatedIn } from '../japanese/untranslated';

const ROOT = join(__dirname, '..', '..', '..');

describe('the Japanese pass: untranslated English detector', () => {
  const catalog = loadCatalog(ROOT);

  test('knows the messages of both the l10n bundle and package.nls.json', () => {
    assert.ok(catalog.english.includes('Signed in to LINE Login DevTools.'));
    assert.ok(catalog.english.includes('Sign In…'));
  });

  test('pieces are what a person reads: no placeholders, codicons or link targets', () => {
    assert.deepEqual(readablePieces('$(sign-in) Sign in with {0}'), ['Sign in with']);
    assert.deepEqual(readablePieces('Sign In…'), ['Sign In']);
    assert.deepEqual(readablePieces('No account yet.\n[Sign In](command:lineLogin.signIn)'), [
      'No account yet',
      'Sign In',
    ]);
  });

  test('finds an English message left in Japanese text, as whole words only', () => {
    assert.deepEqual(
      untranslatedIn('山田 花子 · expires in 29 days', catalog).map((leftover) => leftover.piece),
      ['expires'],
    );
    assert.deepEqual(untranslatedIn('LINE Login: トークン 29日後に期限切れ', catalog), []);
    assert.deepEqual(untranslatedIn('発行時刻（Issued at）: トークンが作成された時刻', catalog), []);
    assert.deepEqual(
      untranslatedIn('発行時刻 (Issued) 2026年12月25日', catalog).map((leftover) => leftover.piece),
      ['Issued'],
    );
  });

  test('no Japanese translation trips it (the UI made only of translations passes)', () => {
    const bundle = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.ja.json'), 'utf8')) as Record<
      string,
      string
    >;
    const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.ja.json'), 'utf8')) as Record<string, string>;
    for (const japanese of [...Object.values(bundle), ...Object.values(nls)]) {
      assert.deepEqual(untranslatedIn(japanese, catalog), [], japanese);
    }
  });
});
