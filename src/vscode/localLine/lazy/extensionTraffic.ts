/**
 * Which of Local LINE's exchanges this extension made itself (its own sign-in after "Use Local LINE
 * for This Channel"): those are already traced by the extension's own recorder as its flows, so
 * they are not handed to the "your app" tracker a second time.
 *
 * The rule: a login is the extension's when its authorize request names one of the extension's
 * channels with exactly that channel's callback URL (the extension's loopback listener). Everything
 * that login leads to is followed by what it carries: the pending consent, the code, the tokens
 * issued for it (and for their refreshes). Tokens this extension held before Local LINE started are
 * not known here; an app sharing the extension's channel and callback URL would be taken for it.
 * vscode-free.
 */
import type { EmulatorExchange } from '../../../../emulator/index';

const PENDING_FIELD = /name="pending" value="([^"]+)"/;

export class ExtensionTraffic {
  readonly #channels: () => readonly { channelId: string; callbackUrl: string }[];
  readonly #pending = new Set<string>();
  readonly #codes = new Set<string>();
  readonly #tokens = new Set<string>();
  #skipped = 0;

  constructor(channels: () => readonly { channelId: string; callbackUrl: string }[]) {
    this.#channels = channels;
  }

  /** How many exchanges were taken for the extension's own. */
  get skipped(): number {
    return this.#skipped;
  }

  /** True (and remembered) when the exchange is the extension's own. */
  claims(exchange: EmulatorExchange): boolean {
    const mine = this.#isMine(exchange);
    if (mine) {
      this.#skipped++;
      this.#learn(exchange);
    }
    return mine;
  }

  #isMine(exchange: EmulatorExchange): boolean {
    const { endpoint, method, query, form, headers } = exchange.request;
    const bearer = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
    switch (endpoint) {
      case 'authorize':
        return method === 'GET'
          ? this.#channels().some(
              (channel) => channel.channelId === query.client_id && channel.callbackUrl === query.redirect_uri,
            )
          : this.#has(this.#pending, form.pending);
      case 'token':
        return this.#has(this.#codes, form.code) || this.#has(this.#tokens, form.refresh_token);
      case 'verify':
        return this.#has(this.#tokens, query.access_token);
      case 'verifyIdToken':
        return this.#has(this.#tokens, form.id_token);
      case 'revoke':
        return this.#has(this.#tokens, form.access_token) || this.#has(this.#tokens, form.refresh_token);
      case 'channelToken':
        // The extension's deauthorize first gets a stateless channel token for its own channel.
        return this.#channels().some((channel) => channel.channelId === form.client_id) && this.#tokens.size > 0;
      default:
        return this.#has(this.#tokens, bearer);
    }
  }

  #has(set: Set<string>, value: string | undefined): boolean {
    return value !== undefined && value !== '' && set.has(value);
  }

  #learn(exchange: EmulatorExchange): void {
    const response = exchange.response;
    if (response === undefined) {
      return;
    }
    const pending = PENDING_FIELD.exec(response.body)?.[1];
    if (pending !== undefined) {
      this.#pending.add(pending);
    }
    const location = response.headers.location;
    if (location !== undefined) {
      try {
        const code = new URL(location).searchParams.get('code');
        if (code !== null) {
          this.#codes.add(code);
        }
      } catch {
        // not a URL: nothing to follow
      }
    }
    if ((response.headers['content-type'] ?? '').includes('json')) {
      try {
        const body: unknown = JSON.parse(response.body);
        if (typeof body === 'object' && body !== null) {
          for (const field of ['access_token', 'refresh_token', 'id_token']) {
            const value = (body as Record<string, unknown>)[field];
            if (typeof value === 'string') {
              this.#tokens.add(value);
            }
          }
        }
      } catch {
        // not JSON after all
      }
    }
  }
}
