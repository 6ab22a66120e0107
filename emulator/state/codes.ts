/** Authorization requests in flight: the consent pages awaiting an answer, and the codes issued. */

import type { ResponseMode } from '../errors';
import type { Clock } from './clock';
import { randomUrlSafe } from './randomValues';
import type { Scope } from './scopes';
import type { Grant } from './tokens';

/** A validated authorize request. */
export interface AuthorizeRequest {
  channelId: string;
  redirectUri: string;
  state: string;
  scopes: Scope[];
  nonce: string | undefined;
  prompt: string | undefined;
  maxAge: number | undefined;
  botPrompt: string | undefined;
  codeChallenge: string | undefined;
  responseMode: ResponseMode;
  uiLocales: string | undefined;
  disableAutoLogin: boolean;
  /** Everything the authorize request carried. */
  params: Record<string, string>;
}

/** How long a consent page stays answerable. */
const PENDING_LIFETIME_MS = 10 * 60 * 1000;

/** Consent pages shown and not yet answered, by the single-use ID their form posts back. */
export class PendingConsents {
  readonly #pending = new Map<string, { request: AuthorizeRequest; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  add(request: AuthorizeRequest): string {
    const now = this.clock.now();
    for (const [id, pending] of this.#pending) {
      if (pending.expiresAt <= now) {
        this.#pending.delete(id);
      }
    }
    const pendingId = randomUrlSafe(24);
    this.#pending.set(pendingId, { request, expiresAt: now + PENDING_LIFETIME_MS });
    return pendingId;
  }

  /** Single use: a replayed form post must not mint a second code. Undefined when unknown or expired. */
  take(pendingId: string | undefined): AuthorizeRequest | undefined {
    if (pendingId === undefined) {
      return undefined;
    }
    const pending = this.#pending.get(pendingId);
    this.#pending.delete(pendingId);
    return pending === undefined || pending.expiresAt <= this.clock.now() ? undefined : pending.request;
  }
}

export interface CodeRecord {
  request: AuthorizeRequest;
  userId: string;
  authTime: number;
  expiresAt: number;
  used: boolean;
  /** The tokens issued from this code, revoked if the code is used a second time. */
  grant: Grant | undefined;
}

export class AuthorizationCodes {
  readonly #codes = new Map<string, CodeRecord>();

  constructor(
    private readonly clock: Clock,
    /** Replaced by a reloaded configuration; codes already issued keep their expiry. */
    public lifetimeMs: number,
  ) {}

  issue(request: AuthorizeRequest, userId: string): string {
    const now = this.clock.now();
    const code = randomUrlSafe(16);
    this.#codes.set(code, {
      request,
      userId,
      authTime: now,
      expiresAt: now + this.lifetimeMs,
      used: false,
      grant: undefined,
    });
    return code;
  }

  get(code: string): CodeRecord | undefined {
    return this.#codes.get(code);
  }

  delete(code: string): void {
    this.#codes.delete(code);
  }
}
