/**
 * Endpoint overrides exist for an emulator. They must not become a way to send the channel secret
 * elsewhere (docs/security.md §14): https anywhere; plain http only on this machine, and
 * only where no DNS answer can take it elsewhere (src/core/loopback.ts decides which names those are).
 * The two base URLs are reached differently, so the rule differs:
 * - the authorize base URL is opened by the browser, never fetched by Node.js, and the request carries
 *   no secret (client_id, state, PKCE challenge, nonce). Browsers map `*.localhost` to loopback
 *   themselves (RFC 6761 §6.3), so `http://line-emulator.localhost:9400` is allowed there;
 * - the API base URL is fetched by Node.js with the channel secret and tokens in the body or header.
 *   Node.js sends `*.localhost` names to DNS, so plain http is refused for them: use the IP literal.
 */
import { InputError } from './errors';
import { isLoopbackHost, isLoopbackHostWithoutDns } from './loopback';

/** What the browser opens: `lineLogin.authorizeBaseUrl`. Returns it without a trailing slash. */
export function validateAuthorizeBaseUrl(value: string, setting = 'lineLogin.authorizeBaseUrl'): string {
  const url = parseBaseUrl(value, setting);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new InputError(
      'ERR_INVALID_ENDPOINT',
      `${setting} must use https (plain http only for localhost, 127.0.0.1, [::1] and *.localhost).`,
      setting,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/** What Node.js fetches with the channel secret: `lineLogin.apiBaseUrl`. Returns it without a trailing slash. */
export function validateApiBaseUrl(value: string, setting = 'lineLogin.apiBaseUrl'): string {
  const url = parseBaseUrl(value, setting);
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname) && !isLoopbackHostWithoutDns(url.hostname)) {
    const port = url.port === '' ? '' : `:${url.port}`;
    throw new InputError(
      'ERR_INVALID_ENDPOINT',
      `${setting} uses plain http with ${url.hostname}, a name Node.js asks DNS about, so whoever answers would receive the channel secret. ` +
        `Use http://127.0.0.1${port} for a local emulator (the browser-facing lineLogin.authorizeBaseUrl may keep the *.localhost name).`,
      setting,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHostWithoutDns(url.hostname))) {
    throw new InputError(
      'ERR_INVALID_ENDPOINT',
      `${setting} must use https (plain http only for localhost, 127.0.0.1 and [::1]).`,
      setting,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

function parseBaseUrl(value: string, setting: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      'ERR_INVALID_ENDPOINT',
      `${setting} is not a URL. Use e.g. https://api.line.me, or http://127.0.0.1:9400 for a local emulator.`,
      setting,
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InputError(
      'ERR_INVALID_ENDPOINT',
      `${setting} must be a plain base URL without credentials, query or fragment.`,
      setting,
    );
  }
  return url;
}
