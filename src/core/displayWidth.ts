/**
 * How wide text is on screen, in columns of a Latin letter, and shortening it to a width. A tree row
 * in VS Code's side bar is one line that the workbench cuts with "…" wherever the pixels run out,
 * which hides the part of a value that tells two apart; shortening it here keeps what matters (the
 * start of a sentence, both ends of an ID or URL) and the full text goes to the tooltip. No `vscode`.
 */

/**
 * East Asian Wide and Fullwidth characters (Unicode Standard Annex #11) and emoji take two columns:
 * the CJK scripts, their punctuation and the fullwidth forms. Marks that combine with the previous
 * character take none.
 */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]/u;

/** User-perceived characters: a base with its combining marks, an emoji sequence, a surrogate pair. */
let graphemes: Intl.Segmenter | undefined;

function split(text: string): string[] {
  // Made when first needed: loading ICU's break rules is not activation's business (issue 15).
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return Array.from(graphemes.segment(text), (part) => part.segment);
}

/** A grapheme is as wide as its base character; the marks and joiners after it add nothing. */
function charWidth(grapheme: string): number {
  return ZERO_WIDTH.test(grapheme) ? 0 : WIDE.test(grapheme.slice(0, 2)) ? 2 : 1;
}

/** Printable ASCII: one column a character, no segmentation needed (most IDs, URLs and English rows). */
const PLAIN = /^[\x20-\x7e]*$/;

export function displayWidth(text: string): number {
  // Segmenting graphemes made redrawing 20,000 rows four times slower (issue 15's tree row).
  if (PLAIN.test(text)) {
    return text.length;
  }
  return split(text).reduce((width, grapheme) => width + charWidth(grapheme), 0);
}

const ELLIPSIS = '…';

/** The longest start of `chars` that fits `width` columns. */
function head(chars: readonly string[], width: number): string {
  let used = 0;
  let end = 0;
  while (end < chars.length) {
    const next = charWidth(chars[end] ?? '');
    if (used + next > width) {
      break;
    }
    used += next;
    end += 1;
  }
  return chars.slice(0, end).join('');
}

/** How many graphemes at the end of `chars` fit `width` columns. */
function tail(chars: readonly string[], width: number): number {
  let used = 0;
  let count = 0;
  while (count < chars.length) {
    const next = charWidth(chars[chars.length - 1 - count] ?? '');
    if (used + next > width) {
      break;
    }
    used += next;
    count += 1;
  }
  return count;
}

/** `text` in at most `width` columns, its end replaced by "…" when it does not fit (a sentence). */
export function fitEnd(text: string, width: number): string {
  if (displayWidth(text) <= width) {
    return text;
  }
  return width < 1 ? '' : `${head(split(text), width - 1).trimEnd()}${ELLIPSIS}`;
}

/**
 * `text` in at most `width` columns, its middle replaced by "…" when it does not fit (an ID, a hash,
 * a URL: their ends tell them apart). The start gets the larger half.
 */
export function fitMiddle(text: string, width: number): string {
  if (displayWidth(text) <= width) {
    return text;
  }
  if (width < 3) {
    return fitEnd(text, width);
  }
  const chars = split(text);
  const tailWidth = Math.floor((width - 1) / 2);
  const start = head(chars, width - 1 - tailWidth);
  const end = chars.slice(chars.length - tail(chars, tailWidth)).join('');
  return `${start}${ELLIPSIS}${end}`;
}
