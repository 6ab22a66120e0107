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
];

// A markdown-it as VS Code's Markdown preview configures it (linkify on); markdown-it comes with
// @vscode/vsce. Without it the rendering test is skipped, the escaping properties still run.
interface MarkdownRenderer {
  render(source: string): string;
  renderInline(source: string): string;
}
function markdownIt(): MarkdownRenderer | undefined {
  try {
    const MarkdownIt = createRequire(__filename)('markdown-it') as new (options: object) => MarkdownRenderer;
    return new MarkdownIt({ html: true, linkify: true });
  } catch {
    return undefined;
  }
}
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
            '.',
            '@',
            'www',
            'https',
            'a',
            'x',
            ' ',
            '\n',
            '&',
            '#',
            ';',
            '`',
            '\\',
          ),
          { maxLength: 60 },
        )
        .map((parts) => parts.join(''));
      fc.assert(
        fc.property(fc.oneof(linky, fc.string({ maxLength: 60 })), (text) => {
          const html = md?.renderInline(inlineMarkdown(text)) ?? '';
          return !/<(a|img|script|iframe|svg)\b/i.test(html);
        }),
        { numRuns: 2_000 },
      );
    },
  );

  test('property: every character survives, on one line (2,000 cases)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: 'binary' }), (text) => {
        const escaped = inlineMarkdown(text);
        return !/[\r\n]/.test(escaped) && unescapeMarkdown(escaped) === text.replace(/\r\n|[\r\n]/g, ' ');
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
