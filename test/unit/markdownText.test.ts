// Text from LINE or a redirect in VS Code's Markdown (hovers, documents) and notification text:
// shown as written, never a link, an image, HTML or a command.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { codeSpan, inlineMarkdown, linkFreeText } from '../../src/core/markdownText';

/** VS Code's own link syntax in notifications and dialogs (src/vs/base/common/linkedText.ts). */
const VSCODE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

const ATTACKS = [
  '[Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%22%7D)',
  '[login](https://evil.example/phish "LINE")',
  '![pixel](https://evil.example/track.png)',
  '<img src=x onerror=alert(1)>',
  '<https://evil.example>',
  'see https://evil.example/x or www.evil.example or mail@evil.example',
  '&lt;script&gt; &#x5b;x&#x5d;(command:x)',
  '[ref]\n\n[ref]: https://evil.example',
  '`code` **bold** _em_ # heading | cell |',
  '# heading',
  '- list item',
  '1. ordered',
  '2) ordered',
  '__init__ and _x_ and a_b_c',
  '~~gone~~ ~gone~',
  '//evil.example/x',
  'HTTPS://EVIL.EXAMPLE WWW.EVIL.EXAMPLE',
  'mailto:mail@evil.example',
  '<img src=x> <svg onload=x> <a href="https://evil.example">x</a>',
];

/** The shapes of GFM's extended autolinks (www., http(s)://, ftp://, e-mail), which VS Code's hovers render. */
const GFM_AUTOLINK = /www\.|(?:https?|ftp):\/\/|[\w.+-]@[\w-]/i;

// A markdown-it as VS Code's Markdown preview configures it: HTML and linkify on, fuzzy links (bare
// domains) off (extensions/markdown-language-features, markdownEngine.ts); markdown-it comes with
// @vscode/vsce. Without it the rendering tests are skipped, the escaping properties still run.
interface MarkdownRenderer {
  render(source: string): string;
  renderInline(source: string): string;
  linkify: { set(options: object): void };
}
function markdownIt(): MarkdownRenderer | undefined {
  try {
    const MarkdownIt = createRequire(__filename)('markdown-it') as new (options: object) => MarkdownRenderer;
    const renderer = new MarkdownIt({ html: true, linkify: true });
    renderer.linkify.set({ fuzzyLink: false });
    return renderer;
  } catch {
    return undefined;
  }
}

/** How markdown-it writes text into HTML. */
function htmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The text without its backslash escapes' characters: what GFM's autolink scanner sees between them. */
function unescapedRuns(escaped: string): string {
  return escaped.replace(/\\[!-/:-@[-`{-~]/g, '\u0000');
}

/** Text shaped to hit every rule: link and HTML syntax, schemes, www, e-mail, emphasis, list markers. */
const linky = fc
  .array(
    fc.constantFrom(
      '[',
      ']',
      '(',
      ')',
      '<',
      '>',
      '!',
      ':',
      '/',
      '//',
      '.',
      '@',
      'www',
      'WWW',
      'https',
      'http',
      'ftp',
      'mailto',
      'a',
      'x',
      '1',
      'ä',
      '山',
      ' ',
      '  ',
      '    ',
      '\n',
      '&',
      '#',
      ';',
      '`',
      '\\',
      '_',
      '*',
      '~',
      '|',
      '-',
      '+',
      '=',
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));
const md = markdownIt();

function unescapeMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

describe('inlineMarkdown', () => {
  test('known attacks render as their own text: no link, image or HTML', { skip: md === undefined }, () => {
    for (const attack of ATTACKS) {
      const html = md?.renderInline(inlineMarkdown(attack)) ?? '';
      assert.doesNotMatch(html, /<a |<img|<script|<https/i, `${attack} → ${html}`);
    }
  });

  test(
    'property: any text renders without a link, image or HTML element (2,000 cases)',
    { skip: md === undefined },
    () => {
      fc.assert(
        fc.property(fc.oneof(linky, fc.string({ maxLength: 60 })), (text) => {
          const html = md?.renderInline(inlineMarkdown(text)) ?? '';
          return !/<(a|img|script|iframe|svg)\b/i.test(html);
        }),
        { numRuns: 2_000 },
      );
    },
  );

  test(
    'property: rendered in a paragraph, a list item or a table cell, the text is exactly itself (3,000 cases)',
    { skip: md === undefined },
    () => {
      fc.assert(
        fc.property(fc.oneof(linky, fc.string({ maxLength: 40, unit: 'grapheme' })), (text) => {
          const shown = htmlText(
            text
              .replace(/\r\n|[\r\n]/g, ' ')
              .replace(/^[ \t]+/, '')
              .replace(/\0/g, '\uFFFD'),
          );
          const escaped = inlineMarkdown(text);
          const inParagraph = md?.render(`Value: ${escaped}`) ?? '';
          const inList = md?.render(`- ${escaped}`) ?? '';
          const inCell = md?.render(`| Field | Value |\n| --- | --- |\n| x | ${escaped} |`) ?? '';
          // Markdown drops the spaces and tabs at the end of a paragraph or item, a table cell all whitespace.
          const end = (html: string): string => html.replace(/[ \t]+$/, '');
          return (
            inParagraph === `<p>${end(`Value: ${shown}`)}</p>\n` &&
            (inList === `<ul>\n<li>${end(shown)}</li>\n</ul>\n` || end(shown) === '') &&
            inCell.includes(`<td>${shown.trim()}</td>`)
          );
        }),
        { numRuns: 3_000 },
      );
    },
  );

  test("property: no GFM autolink can form in VS Code's hovers (3,000 cases)", () => {
    fc.assert(
      fc.property(
        fc.oneof(linky, fc.string({ maxLength: 40 })),
        (text) => !GFM_AUTOLINK.test(unescapedRuns(inlineMarkdown(text))),
      ),
      { numRuns: 3_000 },
    );
  });

  test('escapes only where Markdown, HTML or a link could form: the source stays readable', () => {
    assert.equal(inlineMarkdown('token.code_verifier = RFC 7636 §4.1'), 'token.code_verifier = RFC 7636 §4.1');
    assert.equal(inlineMarkdown('2026-11-30T17:04:36Z (in 59 minutes)'), '2026-11-30T17:04:36Z (in 59 minutes)');
    assert.equal(inlineMarkdown('http://line-emulator.localhost:3000'), 'http:\\//line-emulator.localhost:3000');
    assert.equal(inlineMarkdown('hanako@example.com'), 'hanako\\@example.com');
    assert.equal(inlineMarkdown('see www.example.com'), 'see www\\.example.com');
    assert.equal(inlineMarkdown('# 1. _x_ a_b'), '\\# 1. \\_x\\_ a_b');
    assert.equal(inlineMarkdown('1. first'), '1\\. first');
  });

  test('property: every character survives but leading spaces, on one line (2,000 cases)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: 'binary' }), (text) => {
        const escaped = inlineMarkdown(text);
        return (
          !/[\r\n]/.test(escaped) &&
          unescapeMarkdown(escaped) === text.replace(/\r\n|[\r\n]/g, ' ').replace(/^[ \t]+/, '')
        );
      }),
      { numRuns: 2_000 },
    );
  });

  test('codeSpan holds any backtick run', () => {
    for (const text of ['`', '``a``', 'a`b', '[x](command:y)']) {
      const span = codeSpan(text);
      const html = md?.renderInline(span);
      if (html !== undefined) {
        assert.doesNotMatch(html, /<a /);
        assert.match(html, /^<code>/);
      }
    }
  });
});

describe('linkFreeText (notifications and dialogs)', () => {
  test('a command link from a redirect no longer forms a link, and reads the same', () => {
    const text = linkFreeText(`LINE redirected with error INVALID_SCOPE (${ATTACKS[0] ?? ''}).`);
    assert.equal(text.match(VSCODE_LINK), null);
    assert.match(text, /\[Fix it\] \(command:workbench/);
  });

  test("property: VS Code's link syntax never survives, and only spaces are added (3,000 cases)", () => {
    const part = fc.oneof(
      fc.constantFrom('[', ']', '(', ')', ' ', '"', "'", 'command:', 'https://', 'file:', 'x', 'a.b', '\n'),
      fc.constantFrom('[x]', '(command:y)', '](https://e.x)', '[a](file:/b', ')', ' "t")'),
      fc.string({ maxLength: 5 }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 30 }), (parts) => {
        const input = parts.join('');
        const output = linkFreeText(input);
        return output.match(VSCODE_LINK) === null && output.replace(/\s/g, '') === input.replace(/\s/g, '');
      }),
      { numRuns: 3_000 },
    );
  });
});
