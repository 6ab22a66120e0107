/**
 * Putting untrusted text (display names, status messages, LINE's error descriptions, claim values of
 * any pasted JWT) into Markdown, or into VS Code's notification text, so that it shows as written and
 * cannot add links, images or HTML. No `vscode` here.
 */

/**
 * One line of inline Markdown showing `text` literally, escaped only where Markdown, HTML or a link
 * could form, so that the source stays readable (`code_verifier`, `2026-01-02T03:04:05Z`,
 * `line-emulator.localhost` as written). A backslash escape shows as the character itself in both of
 * VS Code's renderers (CommonMark §2.4):
 * - always: `\` `` ` `` `*` `[` `]` `<` `>` `|` `~` `&` (code, emphasis, links and images, HTML,
 *   table cells, strikethrough, entity references) and `@` (an e-mail address is an autolink in GFM,
 *   which VS Code's hovers render, and in linkify, which its Markdown preview uses);
 * - `_` unless it stands between two letters or digits, where it can neither open nor close emphasis
 *   (CommonMark §6.2, left- and right-flanking rules);
 * - the first `/` of `//`: every autolink with a scheme (`https://`, `ftp://`) and linkify's
 *   protocol-relative `//host` need the two slashes together;
 * - the `.` after `www`, even inside a word (marked, behind VS Code's hovers, looks for GFM's www
 *   autolink there too; the preview turns linkify's fuzzy links off);
 * - a `#`, `-` or `+`, or the `.`/`)` after leading digits, at the start, where they would begin a
 *   heading or a list (leading spaces and tabs are dropped, see below).
 */
export function inlineMarkdown(text: string): string {
  // Leading spaces and tabs go: Markdown hides them anyway, and four of them would start a code block.
  const line = text.replace(/\r\n|[\r\n]/g, ' ').replace(/^[ \t]+/, '');
  const number = /^\d+/.exec(line)?.[0].length;
  return line.replace(/[\\`*[\]<>|~&@_/.)#+-]/g, (char: string, at: number) => {
    let escape: boolean;
    switch (char) {
      case '_':
        escape = !(WORD.test(line.charAt(at - 1)) && WORD.test(line.charAt(at + 1)));
        break;
      case '/':
        escape = line.charAt(at + 1) === '/';
        break;
      case '.':
        escape = at === number || /^www$/i.test(line.slice(at - 3, at));
        break;
      case ')':
        escape = at === number;
        break;
      case '#':
      case '-':
      case '+':
        escape = at === 0;
        break;
      default:
        escape = true;
    }
    return escape ? `\\${char}` : char;
  });
}

const WORD = /[\p{L}\p{N}]/u;

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
