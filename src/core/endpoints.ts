/**
 * Endpoint overrides exist for an emulator. They must not become a way to send the channel secret
 * elsewhere (security checklist §14): https anywhere, plain http only for loopback and `*.localhost`.
 */
import { InputError } from './errors';
import { isLoopbackHost } from './loopback';

/** Returns the base URL without a trailing slash, or throws naming the setting. */
export function validateBaseUrl(value: string, setting: string): string {
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
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new InputError(
      'ERR_INVALID_ENDPOINT',
      `${setting} must use https (plain http is allowed only for localhost, 127.0.0.1, [::1] and *.localhost).`,
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
  return url.toString().replace(/\/+$/, '');
}
