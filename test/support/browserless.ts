/**
 * A browser stand-in for driving a LINE Login through a sample app and the emulator without
 * Chromium: follows redirects by hand (`redirect: 'manual'`), keeps cookies per host, and answers
 * the emulator's consent page by allowing as the first user. Loopback URLs only.
 */
import { isLoopbackHost } from '../../src/core/loopback';

export class CookieJar {
  readonly #cookies = new Map<string, Map<string, string>>();

  header(url: URL): string | undefined {
    const cookies = this.#cookies.get(url.host);
    return cookies === undefined || cookies.size === 0
      ? undefined
      : [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const equals = pair?.indexOf('=') ?? -1;
      if (pair === undefined || equals <= 0) {
        continue;
      }
      const cookies = this.#cookies.get(url.host) ?? new Map<string, string>();
      cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
      this.#cookies.set(url.host, cookies);
    }
  }
}

export interface Page {
  url: string;
  status: number;
  body: string;
}

const PENDING = /name="pending" value="([^"]+)"/;
const FIRST_USER = /<option value="([^"]+)"/;

async function request(jar: CookieJar, url: URL, init: RequestInit = {}): Promise<Response> {
  if (!isLoopbackHost(url.hostname)) {
    throw new Error(`browserless: refusing a non-loopback URL (${url.host}).`);
  }
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie !== undefined) {
    headers.set('cookie', cookie);
  }
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(url, response);
  return response;
}

/** Opens `start` and follows redirects (and the consent page) until a page that is not a redirect. */
export async function browse(start: string, jar = new CookieJar(), maxHops = 20): Promise<Page> {
  let url = new URL(start);
  let response = await request(jar, url);
  for (let hop = 0; hop < maxHops; hop += 1) {
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status <= 399 && location !== null) {
      await response.arrayBuffer();
      url = new URL(location, url);
      response = await request(jar, url);
      continue;
    }
    const body = await response.text();
    const pending = PENDING.exec(body)?.[1];
    const user = FIRST_USER.exec(body)?.[1];
    if (response.status === 200 && pending !== undefined && user !== undefined) {
      url = new URL('/oauth2/v2.1/authorize/consent', url);
      response = await request(jar, url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ pending, user, action: 'allow' }).toString(),
      });
      continue;
    }
    return { url: url.toString(), status: response.status, body };
  }
  throw new Error(`browserless: more than ${maxHops} redirects from ${start}.`);
}
