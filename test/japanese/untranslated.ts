// Finds English that a Japanese-speaking person would see although a Japanese translation exists:
// every English message of the extension (l10n bundle keys, package.nls.json values) whose Japanese
// differs is cut into the literal pieces a person reads (placeholders, `$(icon)` codicons and
// Markdown link targets removed), and each piece is looked for, case-sensitively and as whole words,
// in what the workbench or the browser shows.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Leftover {
  /** The English message the piece comes from. */
  readonly message: string;
  /** The piece found on screen. */
  readonly piece: string;
}

type Messages = Record<string, string>;

function readMessages(file: string): Messages {
  return JSON.parse(readFileSync(file, 'utf8')) as Messages;
}

export interface Catalog {
  /** English messages that have a Japanese translation different from themselves. */
  readonly english: readonly string[];
  /** Every Japanese translation: English kept in them (LINE Login, curl, ID) is a name, not a leftover. */
  readonly japanese: string;
}

export function loadCatalog(extensionPath: string): Catalog {
  const bundle = readMessages(join(extensionPath, 'l10n', 'bundle.l10n.ja.json'));
  const pairs = Object.entries(bundle);
  const nls = readMessages(join(extensionPath, 'package.nls.json'));
  const nlsJa = readMessages(join(extensionPath, 'package.nls.ja.json'));
  for (const [key, en] of Object.entries(nls)) {
    const ja = nlsJa[key];
    if (ja !== undefined) {
      pairs.push([en, ja]);
    }
  }
  return {
    english: pairs.filter(([en, ja]) => en !== ja).map(([en]) => en),
    japanese: pairs.map(([, ja]) => ja).join('\n'),
  };
}

/** The literal, readable pieces of an English message. */
export function readablePieces(message: string): string[] {
  return message
    .replace(/\$\([a-z0-9-~]+\)/g, ' ') // codicons render as icons
    .replace(/\]\([^)]*\)/g, ']') // Markdown links show their text only
    .split(/\{\d+\}|[\n[\]`*]|: /)
    .map((piece) => piece.trim().replace(/[.:…]+$/, ''))
    .filter((piece) => /[A-Za-z]{2}/.test(piece))
    .filter((piece) => piece.includes(' ') || piece.length >= 5);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Pieces of translated English messages that occur in `shown`. English glossed in full-width
 * parentheses after a Japanese term ("発行時刻（Issued at）") is deliberate: it names the term a
 * Japanese developer meets in the specifications, so it is not looked at.
 */
export function untranslatedIn(text: string, catalog: Catalog): Leftover[] {
  const shown = text.replace(/（[^）]*）/g, '（）');
  const found: Leftover[] = [];
  for (const message of catalog.english) {
    for (const piece of readablePieces(message)) {
      if (catalog.japanese.includes(piece)) {
        continue;
      }
      const pattern = new RegExp(`(^|[^A-Za-z])${escapeRegExp(piece)}($|[^A-Za-z])`);
      if (pattern.test(shown)) {
        found.push({ message, piece });
      }
    }
  }
  return found;
}

/** Asserts `shown` holds `expected` and no English message that has a Japanese translation. */
export function assertJapaneseIn(
  catalog: Catalog,
  where: string,
  shown: string,
  expected: readonly (string | RegExp)[],
): void {
  for (const part of expected) {
    if (typeof part === 'string') {
      assert.ok(shown.includes(part), `${where} shows ${JSON.stringify(part)}; it showed:\n${shown}`);
    } else {
      assert.match(shown, part, `${where}: ${String(part)}`);
    }
  }
  const leftovers = untranslatedIn(shown, catalog);
  assert.deepEqual(
    leftovers.map((leftover) => leftover.piece),
    [],
    `${where} shows English where Japanese exists:\n${leftovers.map((l) => `  "${l.piece}" (from "${l.message}")`).join('\n')}\nin:\n${shown}`,
  );
}
