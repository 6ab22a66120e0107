/**
 * Putting untrusted text (display names, status messages, LINE's error descriptions, claim values of
 * any pasted JWT) into Markdown, or into VS Code's notification text, so that it shows as written and
 * cannot add links, images or HTML. No `vscode` here.
 */

/**
 * One line of inline Markdown showing `text` literally. Besides Markdown's own syntax, the characters
 * that GFM autolinks (VS Code's hovers) and linkify (its Markdown preview) turn into links are escaped:
 * `:` (`https:`, `mailto:`), `@` (e-mail addresses) and a `.` inside a word (`www.`, bare domains). A
 * backslash escape survives both renderers as plain text (CommonMark §2.4).
 */
export function inlineMarkdown(text: string): string {
  return text
    .replace(/\r\n|[\r\n]/g, ' ')
    .replace(/[\\`*_[\]<>|~&!#:@]/g, '\\$&')
    .replace(/\.(?=[\p{L}\p{N}])/gu, '\\.');
}

/**
 * Text for a notification or a modal dialog. VS Code renders `[label](https://…)` and
 * `[label](command:…)` there as links (its linkedText parser), so text that came from LINE or from a
 * browser redirect could add a link that opens a site or runs a command with the attacker's
 * arguments. A space between `]` and `(` keeps every character readable and no longer forms a link.
 */
export function linkFreeText(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}

/** A code span that holds any text, backticks included (CommonMark §6.1). */
export function codeSpan(text: string): string {
  const oneLine = text.replace(/\r\n|[\r\n]/g, ' ');
  const longestRun = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run inside it. */
export function fencedBlock(text: string, language = ''): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

/** Text to escape, or Markdown already made safe (a {@link codeSpan}). */
export type MarkdownCell = string | { readonly markdown: string };

export function cellMarkdown(cell: MarkdownCell): string {
  return typeof cell === 'string' ? inlineMarkdown(cell) : cell.markdown.replace(/\|/g, '\\|');
}

/** A Markdown table; text cells are escaped, so values may contain `|` or newlines. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly MarkdownCell[])[]): string {
  const line = (cells: readonly MarkdownCell[]): string => `| ${cells.map(cellMarkdown).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => ' --- |').join('')}`, ...rows.map(line)].join('\n');
}
