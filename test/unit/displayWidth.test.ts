// Shortening a tree row's text to a width in columns: CJK counts double, graphemes stay whole, and
// the result never exceeds the width (the token explorer's rows are measured in the workbench too,
// in test/integration/treeRowsFit.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { displayWidth, fitEnd, fitMiddle } from '../../src/core/displayWidth';

describe('displayWidth', () => {
  test('Latin is one column, Japanese and fullwidth two, combining marks none', () => {
    assert.equal(displayWidth('Access token'), 12);
    assert.equal(displayWidth('アクセストークン'), 16);
    assert.equal(displayWidth('山田 花子'), 9);
    assert.equal(displayWidth('ＡＢ'), 4);
    assert.equal(displayWidth('e\u0301'), 1);
    assert.equal(displayWidth('👍🏽'), 2);
  });
});

describe('fitEnd and fitMiddle', () => {
  test('text that fits is unchanged', () => {
    assert.equal(fitEnd('hanako@example.com', 18), 'hanako@example.com');
    assert.equal(fitMiddle('U1234', 5), 'U1234');
  });

  test('a sentence keeps its start, an ID both ends', () => {
    assert.equal(fitEnd('LINE automatic login (including through the LINE SDK)', 20), 'LINE automatic logi…');
    assert.equal(fitMiddle(`U${'d'.repeat(32)}`, 12), 'Uddddd…ddddd');
    assert.equal(fitEnd('シングルサインオン（既存の LINE のログインセッション）', 12), 'シングルサ…');
    assert.equal(fitMiddle('https://profile.line-scdn.net/0h1a2b3c', 21), 'https://pr…t/0h1a2b3c');
  });

  test('property: the result fits, keeps whole graphemes and says it was cut (3,000 cases)', () => {
    const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
    const graphemes = (text: string): string[] => Array.from(segmenter.segment(text), (part) => part.segment);
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'W', '1', 'ア', '山', 'e\u0301', '👍🏽', ' ', '…', 'ｘ'), maxLength: 40 }),
        fc.integer({ min: 0, max: 50 }),
        fc.boolean(),
        (text, width, middle) => {
          const fitted = middle ? fitMiddle(text, width) : fitEnd(text, width);
          if (displayWidth(text) <= width) {
            return fitted === text;
          }
          const pieces = new Set(graphemes(text));
          return (
            displayWidth(fitted) <= width &&
            (width === 0 || fitted.includes('…')) &&
            graphemes(fitted).every((piece) => piece === '…' || pieces.has(piece))
          );
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
