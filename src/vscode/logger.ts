/**
 * The "LINE Login" log. Every line goes through the Redactor (docs/security.md §13), so a token,
 * code, verifier or secret that reaches a message is masked before VS Code ever sees it.
 */
import vscode = require('vscode');
import type { LineRequestLogEntry } from '../core/lineHttp';
import { Redactor } from '../core/redact';
import { LOG_CHANNEL_NAME } from './constants';

export class Logger implements vscode.Disposable {
  readonly redactor = new Redactor();
  /** Created with the first line or "Show Log": most windows never log, and activation skips its cost (issue 15). */
  #created: vscode.LogOutputChannel | undefined;

  get #channel(): vscode.LogOutputChannel {
    this.#created ??= vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
    return this.#created;
  }

  /** Every LINE request: method, path, status, duration and LINE's x-line-request-id. */
  request(entry: LineRequestLogEntry): void {
    const parts = [
      `${entry.method} ${entry.path}`,
      entry.status === undefined ? 'no response' : String(entry.status),
      `${entry.durationMs} ms`,
    ];
    if (entry.requestId !== undefined) {
      parts.push(`x-line-request-id=${entry.requestId}`);
    }
    if (entry.errorCode !== undefined) {
      parts.push(entry.errorCode);
    }
    const line = parts.join(' · ');
    if (entry.errorCode === undefined) {
      this.info(line);
    } else {
      this.warn(line);
    }
  }

  info(message: string): void {
    this.#channel.info(this.redactor.redact(message));
  }

  warn(message: string): void {
    this.#channel.warn(this.redactor.redact(message));
  }

  error(message: string): void {
    this.#channel.error(this.redactor.redact(message));
  }

  show(): void {
    this.#channel.show(true);
  }

  dispose(): void {
    this.#created?.dispose();
  }
}
