/**
 * The emulator's browser-facing HTML. Every page is self-contained (no external resources),
 * HTML-escapes everything it reflects, and is served with a restrictive Content-Security-Policy
 * (docs/security.md §5–6).
 */

import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../src/core/html';

export interface Page {
  html: string;
  csp: string;
}

function nonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * A CSP source for where a form on the page may end up. Chromium applies `form-action` to the
 * redirects that follow a form submission, so the consent form's 302 to the app's callback needs
 * the callback's origin listed. Hosts that could smuggle CSP syntax are left out (the browser
 * then blocks that redirect, which is the safe failure).
 */
export function formActionSource(redirectUri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return undefined;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    return /^https?:\/\/[A-Za-z0-9.\-[\]:]+$/.test(url.origin) ? url.origin : undefined;
  }
  // Custom schemes (native apps) have an opaque origin: a scheme source is the only way to allow them.
  return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) ? url.protocol : undefined;
}

function csp(parts: { styleNonce?: string; scriptNonce?: string; formAction?: string[] }): string {
  const directives = ["default-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"];
  if (parts.styleNonce !== undefined) {
    directives.push(`style-src 'nonce-${parts.styleNonce}'`);
  }
  if (parts.scriptNonce !== undefined) {
    directives.push(`script-src 'nonce-${parts.scriptNonce}'`);
  }
  directives.push(
    `form-action ${parts.formAction && parts.formAction.length > 0 ? parts.formAction.join(' ') : "'none'"}`,
  );
  return directives.join('; ');
}

const STYLE = `
body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #111; margin: 0; }
main { max-width: 28rem; margin: 3rem auto; background: #fff; border-radius: 8px; padding: 1.5rem 2rem; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
h1 { font-size: 1.2rem; margin-top: 0; }
.badge { display: inline-block; background: #06c755; color: #fff; border-radius: 4px; padding: 0 .4rem; font-size: .75rem; }
ul { padding-left: 1.2rem; }
label { display: block; margin: .8rem 0 .3rem; }
select { width: 100%; padding: .3rem; }
.buttons { display: flex; gap: .5rem; margin-top: 1.2rem; }
button { flex: 1; padding: .6rem; border-radius: 4px; border: 1px solid #ccc; font-size: 1rem; cursor: pointer; background: #fff; }
button#allow { background: #06c755; border-color: #06c755; color: #fff; }
.muted { color: #666; font-size: .85rem; word-break: break-all; }
`;

function layout(title: string, body: string, styleNonce: string, lang: string): string {
  return `<!DOCTYPE html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style nonce="${styleNonce}">${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** LINE's own wording, so a developer recognises the symptom of an unregistered callback URL. */
export const INVALID_REDIRECT_URI_MESSAGE =
  'Invalid redirect_uri value. Check if it is registered in a LINE developers site.';

export function messagePage(title: string, message: string): Page {
  const styleNonce = nonce();
  const body = `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>\n<p class="muted">LINE Login emulator</p>`;
  return { html: layout(title, body, styleNonce, 'en'), csp: csp({ styleNonce }) };
}

const SCOPE_TEXT: Record<string, { en: string; ja: string }> = {
  profile: {
    en: 'Your profile (display name, picture, status message)',
    ja: 'プロフィール情報（表示名、プロフィール画像、ステータスメッセージ）',
  },
  openid: { en: 'Your internal user identifier (OpenID Connect)', ja: '内部識別子（OpenID Connect）' },
  email: { en: 'Your email address', ja: 'メールアドレス' },
};

export type ConsentLanguage = 'en' | 'ja';

/**
 * The consent page's language: the first tag of `ui_locales` (OpenID Connect Core §3.1.2.1, a
 * space-separated list in order of preference) the emulator has words for; without one, the
 * browser's Accept-Language (RFC 9110 §12.5.4, highest q first, q=0 meaning "not this"), as LINE
 * does; else English.
 */
export function consentLanguage(uiLocales: string | undefined, acceptLanguage: string | undefined): ConsentLanguage {
  const supported = (tag: string): ConsentLanguage | undefined => {
    const primary = tag.trim().toLowerCase().split('-')[0];
    return primary === 'ja' || primary === 'en' ? primary : undefined;
  };
  for (const tag of (uiLocales ?? '').split(' ')) {
    const language = supported(tag);
    if (language !== undefined) {
      return language;
    }
  }
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((entry, index) => {
      const [tag = '', ...params] = entry.split(';');
      const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/i.exec(param)?.[1]).find((value) => value !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && !Number.isNaN(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const language = supported(tag);
    if (language !== undefined) {
      return language;
    }
  }
  return 'en';
}

export interface ConsentPageInput {
  pendingId: string;
  channelId: string;
  channelName: string;
  scopes: string[];
  redirectUri: string;
  users: { userId: string; displayName: string }[];
  selectedUserId: string | undefined;
  /** Show the add-friend option (bot_prompt). */
  botPrompt: boolean;
  /** From ui_locales or Accept-Language ({@link consentLanguage}): LINE localises its consent screen. */
  language: ConsentLanguage;
}

export function consentPage(input: ConsentPageInput): Page {
  const styleNonce = nonce();
  const japanese = input.language === 'ja';
  const t = japanese
    ? {
        emulator: 'ログイン エミュレーター',
        channelId: 'チャネル ID',
        title: 'ログイン（エミュレーター）',
        asks: 'が次の情報へのアクセスを求めています',
        user: 'ログインするユーザー',
        allow: '許可する',
        cancel: 'キャンセル',
        friend: '友だち追加',
        noUsers: 'ユーザーが設定されていません。',
        returnTo: '戻り先',
      }
    : {
        emulator: 'Login emulator',
        channelId: 'Channel ID',
        title: 'Log in (emulator)',
        asks: 'is requesting access to',
        user: 'Log in as',
        allow: 'Allow',
        cancel: 'Cancel',
        friend: 'Add the official account as a friend',
        noUsers: 'No users are configured in the emulator.',
        returnTo: 'Returns to',
      };
  const scopeItems = input.scopes
    .map((scope) => {
      const text = Object.hasOwn(SCOPE_TEXT, scope) ? SCOPE_TEXT[scope] : undefined;
      const label = text === undefined ? scope : japanese ? text.ja : text.en;
      return `<li>${escapeHtml(label)} <span class="muted">(${escapeHtml(scope)})</span></li>`;
    })
    .join('\n');
  const options = input.users
    .map((user) => {
      const selected = user.userId === input.selectedUserId ? ' selected' : '';
      return `<option value="${escapeHtml(user.userId)}"${selected}>${escapeHtml(user.displayName)} (${escapeHtml(user.userId)})</option>`;
    })
    .join('\n');
  const userPicker =
    input.users.length > 0
      ? `<label for="user">${escapeHtml(t.user)}</label>\n<select id="user" name="user">\n${options}\n</select>`
      : `<p>${escapeHtml(t.noUsers)}</p>`;
  const friend = input.botPrompt
    ? `<label><input type="checkbox" id="add_friend" name="add_friend" value="true" checked> ${escapeHtml(t.friend)}</label>`
    : '';
  const allow =
    input.users.length > 0
      ? `<button type="submit" id="allow" name="action" value="allow">${escapeHtml(t.allow)}</button>`
      : '';
  const body = `<p><span class="badge">LINE</span> <span class="muted">${escapeHtml(t.emulator)}</span></p>
<h1>${escapeHtml(input.channelName)}</h1>
<p class="muted">${escapeHtml(t.channelId)} ${escapeHtml(input.channelId)}</p>
<p>${escapeHtml(input.channelName)} ${escapeHtml(t.asks)}:</p>
<ul>
${scopeItems}
</ul>
<form method="post" action="/oauth2/v2.1/authorize/consent">
<input type="hidden" name="pending" value="${escapeHtml(input.pendingId)}">
${userPicker}
${friend}
<div class="buttons">
${allow}
<button type="submit" id="cancel" name="action" value="cancel">${escapeHtml(t.cancel)}</button>
</div>
</form>
<p class="muted">${escapeHtml(t.returnTo)}: ${escapeHtml(input.redirectUri)}</p>`;
  const source = formActionSource(input.redirectUri);
  return {
    html: layout(t.title, body, styleNonce, input.language),
    csp: csp({ styleNonce, formAction: source === undefined ? ["'self'"] : ["'self'", source] }),
  };
}

/** response_mode=form_post (OAuth 2.0 Form Post Response Mode): an auto-submitting form. */
export function formPostPage(redirectUri: string, params: Record<string, string>): Page {
  const styleNonce = nonce();
  const scriptNonce = nonce();
  const inputs = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const body = `<form method="post" action="${escapeHtml(redirectUri)}">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form>
<script nonce="${scriptNonce}">document.forms[0].submit();</script>`;
  const source = formActionSource(redirectUri);
  return {
    html: layout('Redirecting…', body, styleNonce, 'en'),
    csp: csp({ styleNonce, scriptNonce, formAction: source === undefined ? [] : [source] }),
  };
}

/** What a reverse proxy in front of LINE answers when the backend is down: not JSON at all. */
export const PROXY_ERROR_HTML = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;
