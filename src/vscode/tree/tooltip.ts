/** The Markdown tooltips of the token explorer. */
import vscode = require('vscode');
import { codeSpan, inlineMarkdown } from '../../core/markdownText';

/** A Markdown tooltip whose every value is escaped: names and messages are written by users. */
export class Tooltip {
  readonly #blocks: string[][] = [[]];

  heading(text: string): this {
    return this.#add(`**${inlineMarkdown(text)}**`, true);
  }

  row(label: string, value: string): this {
    return this.#add(`${inlineMarkdown(label)}: ${inlineMarkdown(value)}`);
  }

  code(label: string, value: string): this {
    return this.#add(`${inlineMarkdown(label)}: ${codeSpan(value)}`);
  }

  note(text: string): this {
    this.#blocks.push([]);
    return this.#add(`_${inlineMarkdown(text)}_`);
  }

  build(): vscode.MarkdownString {
    const markdown = new vscode.MarkdownString(
      this.#blocks
        .filter((lines) => lines.length > 0)
        .map((lines) => lines.join('  \n'))
        .join('\n\n'),
      false,
    );
    // Said, not left to defaults: no command links, no HTML, no $(icon) syntax in user-written values.
    markdown.isTrusted = false;
    markdown.supportHtml = false;
    return markdown;
  }

  #add(line: string, ownBlock = false): this {
    const current = this.#blocks[this.#blocks.length - 1];
    if (current === undefined) {
      return this;
    }
    current.push(line);
    if (ownBlock) {
      this.#blocks.push([]);
    }
    return this;
  }
}
