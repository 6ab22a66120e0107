/**
 * The page the browser lands on after LINE's redirect (docs/security.md §5–6): self-contained,
 * no script, no third-party resource, every reflected text escaped, and it never navigates anywhere.
 */
import { escapeHtml } from './html';

export interface ResultPageStrings {
  /** BCP 47 tag for `<html lang>`. */
  lang: string;
  pageTitle: string;
  successTitle: string;
  successMessage: string;
  /** Shown under a failure's title and detail. */
  failureMessage: string;
  /** Title of a failure when the caller has none more specific. */
  failureTitle: string;
  /** A second callback after the first one settled the attempt. */
  alreadyHandledTitle: string;
  alreadyHandledDetail: string;
}

export const RESULT_PAGE_STRINGS_EN: Readonly<ResultPageStrings> = {
  lang: 'en',
  pageTitle: 'LINE Login DevTools',
  successTitle: 'Signed in to LINE Login DevTools.',
  successMessage: 'You can close this tab and return to VS Code.',
  failureMessage: 'You can close this tab and return to VS Code for details.',
  failureTitle: 'Sign-in failed.',
  alreadyHandledTitle: 'This sign-in has already been handled.',
  alreadyHandledDetail: 'Only the first response from LINE is accepted. Start a new sign-in from VS Code if needed.',
};

export type ResultPageOutcome = { ok: true } | { ok: false; title: string; detail?: string };

/** Security headers sent with every response of the loopback server. */
export const RESULT_PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  // The callback URL carried the code; nothing on the page may send it onwards.
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

export const RESULT_PAGE_HEADERS: Readonly<Record<string, string>> = {
  ...RESULT_PAGE_SECURITY_HEADERS,
  'Content-Type': 'text/html; charset=utf-8',
};

const STYLE = `
:root { color-scheme: light dark; }
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
  font-family: system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Yu Gothic UI", sans-serif;
  background: Canvas; color: CanvasText; }
main { max-width: 36rem; margin: 2rem; padding: 2rem 2.5rem; border-radius: 12px;
  border: 1px solid color-mix(in srgb, CanvasText 20%, transparent); }
h1 { font-size: 1.25rem; margin: 0 0 0.75rem; }
.ok h1::before { content: "\\2713\\00a0"; color: #06c755; }
.error h1::before { content: "\\2715\\00a0"; color: #d93025; }
p { line-height: 1.5; margin: 0.5rem 0; overflow-wrap: anywhere; }
.detail { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9rem; }
`;

export function renderResultPage(outcome: ResultPageOutcome, strings: Partial<ResultPageStrings> = {}): string {
  const s: ResultPageStrings = { ...RESULT_PAGE_STRINGS_EN, ...strings };
  const body = outcome.ok
    ? `<main class="ok"><h1>${escapeHtml(s.successTitle)}</h1><p>${escapeHtml(s.successMessage)}</p></main>`
    : `<main class="error"><h1>${escapeHtml(outcome.title)}</h1>` +
      (outcome.detail === undefined || outcome.detail === ''
        ? ''
        : `<p class="detail">${escapeHtml(outcome.detail)}</p>`) +
      `<p>${escapeHtml(s.failureMessage)}</p></main>`;
  return (
    '<!DOCTYPE html>\n' +
    `<html lang="${escapeHtml(s.lang)}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="referrer" content="no-referrer">' +
    `<title>${escapeHtml(s.pageTitle)}</title><style>${STYLE}</style></head>` +
    `<body>${body}</body></html>\n`
  );
}
