/**
 * Putting untrusted text (display names, status messages, claim values of any pasted JWT) into
 * Markdown so that it shows as written and cannot add links, images or HTML. No `vscode` here.
 */

/** One line of inline Markdown showing `text` literally. */
export function inlineMarkdown(text: string): string {
  return text.replace(/\r\n|[\r\n]/g, ' ').replace(/[\\`*_[\]<>|~&!#]/g, '\\$&');
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
