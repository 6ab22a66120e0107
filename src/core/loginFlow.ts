/**
 * The LINE Login flow: authorize URL → loopback server → browser → code exchange → ID token
 * check → profile → store. The browser opener is injected (vscode.env.openExternal in the
 * extension, a plain fetch in tests). The "paste the redirected URL" variant shares every check.
 */
import { parseRedirectedUrl, type AuthorizationCallback } from './callback';
import { AuthorizationError, IdTokenError, isLineLoginError, type LineLoginErrorCode } from './errors';
import { verifyIdToken, type LineJwks } from './idToken';
import { withoutUndefinedFields, type LineLoginClient } from './lineClient';
import { startLoopbackServer, type LoopbackServerOptions } from './loopbackServer';
import { createNonce, createPkcePair, createState } from './pkce';
import type { TokenStore } from './tokenStore';
import {
  REFRESH_TOKEN_LIFETIME_MS,
  type IdTokenClaims,
  type LineChannelCredentials,
  type LineProfile,
  type LoginOptions,
  type TokenSet,
} from './types';

export interface SignInRequest {
  channel: LineChannelCredentials;
  /** The callback URL registered on the channel's LINE Login tab, used verbatim as redirect_uri. */
  callbackUrl: string;
  scopes: string[];
  options?: LoginOptions;
}

/** One attempt's secrets. Kept in memory only, for the few minutes the attempt lasts. */
export interface PendingAuthorization {
  readonly request: SignInRequest;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly authorizeUrl: string;
}

/**
 * Sees the two legs of a sign-in that never pass through fetch: the authorize URL handed to the
 * browser and what came back on the callback. The Inspector records them (src/core/inspector).
 */
export interface SignInObserver {
  authorizationPrepared(pending: PendingAuthorization): void;
  callbackReceived(outcome: { callback: AuthorizationCallback } | { error: unknown }): void;
}

export interface LoginFlowDependencies {
  client: LineLoginClient;
  store: TokenStore;
  jwks: LineJwks;
  now?: () => number;
  observer?: SignInObserver;
}

export interface SignInResult {
  tokenSet: TokenSet;
  /** The profile could not be fetched: the sign-in still succeeded, the label falls back to the user ID. */
  profileErrorCode?: LineLoginErrorCode;
}

export type SignInStage = 'listening' | 'browserOpened' | 'callbackReceived' | 'exchanging' | 'storing' | 'stored';

export interface LoopbackSignInOptions {
  openBrowser: (authorizeUrl: string) => Promise<boolean>;
  signal?: AbortSignal;
  timeoutMs?: number;
  resultPageStrings?: LoopbackServerOptions['resultPageStrings'];
  onStage?: (stage: SignInStage) => void;
}

export function prepareAuthorization(client: LineLoginClient, request: SignInRequest): PendingAuthorization {
  const pkce = createPkcePair();
  const state = createState();
  // OIDC §3.1.3.7: a nonce per attempt, checked against the ID token.
  const nonce = createNonce();
  const authorizeUrl = client.buildAuthorizeUrl({
    channelId: request.channel.channelId,
    redirectUri: request.callbackUrl,
    state,
    scopes: request.scopes,
    nonce,
    codeChallenge: pkce.codeChallenge,
    ...(request.options === undefined ? {} : { options: request.options }),
  });
  return { request, state, nonce, codeVerifier: pkce.codeVerifier, authorizeUrl };
}

/**
 * The paste-the-redirected-URL variant's first step: the store is checked before the browser
 * opens (see signInWithLoopback), then the attempt's secrets are made.
 */
export async function beginAuthorization(
  request: SignInRequest,
  deps: LoginFlowDependencies,
): Promise<PendingAuthorization> {
  await deps.store.checkWritable();
  return prepareAuthorization(deps.client, request);
}

/**
 * The whole loopback flow (docs/security.md §1–5): listener up just before the browser, down after.
 * Before anything else the store must prove it can keep tokens: once LINE has redeemed the code,
 * tokens that cannot be stored are lost, and the code cannot be used again.
 */
export async function signInWithLoopback(
  request: SignInRequest,
  deps: LoginFlowDependencies,
  options: LoopbackSignInOptions,
): Promise<SignInResult> {
  await deps.store.checkWritable();
  const pending = prepareAuthorization(deps.client, request);
  deps.observer?.authorizationPrepared(pending);
  const server = await startLoopbackServer({
    callbackUrl: request.callbackUrl,
    expectedState: pending.state,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.resultPageStrings === undefined ? {} : { resultPageStrings: options.resultPageStrings }),
  });
  let callback: AuthorizationCallback;
  try {
    options.onStage?.('listening');
    const opened = await options.openBrowser(pending.authorizeUrl);
    if (!opened) {
      throw new AuthorizationError('ERR_CANCELLED', 'The browser was not opened, so sign-in was cancelled.');
    }
    options.onStage?.('browserOpened');
    callback = await server.waitForCallback();
  } catch (error) {
    deps.observer?.callbackReceived({ error });
    await server.close();
    throw error;
  }
  deps.observer?.callbackReceived({ callback });
  // close() first lets the browser fetch the result page (a few seconds at most), then stops.
  void server.close();
  options.onStage?.('callbackReceived');
  return completeAuthorization(pending, callback, deps, options);
}

/** The variant for remote, web and WSL hosts, where the browser cannot reach a loopback listener. */
export async function completeWithRedirectedUrl(
  pending: PendingAuthorization,
  redirectedUrl: string,
  deps: LoginFlowDependencies,
  options: { signal?: AbortSignal } = {},
): Promise<SignInResult> {
  deps.observer?.authorizationPrepared(pending);
  let callback: AuthorizationCallback;
  try {
    callback = parseRedirectedUrl(redirectedUrl, pending.request.callbackUrl, pending.state);
  } catch (error) {
    deps.observer?.callbackReceived({ error });
    throw error;
  }
  deps.observer?.callbackReceived({ callback });
  return completeAuthorization(pending, callback, deps, options);
}

export async function completeAuthorization(
  pending: PendingAuthorization,
  callback: AuthorizationCallback,
  deps: LoginFlowDependencies,
  options: { signal?: AbortSignal; onStage?: (stage: SignInStage) => void } = {},
): Promise<SignInResult> {
  const now = deps.now ?? Date.now;
  const { channel, callbackUrl, scopes } = pending.request;
  const requestOptions = options.signal === undefined ? {} : { signal: options.signal };
  options.onStage?.('exchanging');
  const issuedAt = now();
  const tokens = await deps.client.issueTokens(
    { channel, code: callback.code, redirectUri: callbackUrl, codeVerifier: pending.codeVerifier },
    requestOptions,
  );

  // OIDC Core §3.1.3.3: openid asked for an ID token; without one, this response is not this sign-in's.
  if (scopes.includes('openid') && tokens.idToken === undefined) {
    throw new IdTokenError(
      'ERR_ID_TOKEN_MISSING',
      `The token response of ${deps.client.endpoints.apiBaseUrl} has no id_token (scopes requested: ${scopes.join(' ')}).`,
    );
  }
  let idTokenClaims: IdTokenClaims | undefined;
  if (tokens.idToken !== undefined) {
    const maxAge = pending.request.options?.maxAge;
    const verified = await verifyIdToken(tokens.idToken, {
      channelId: channel.channelId,
      channelSecret: channel.channelSecret,
      jwks: deps.jwks,
      issuer: deps.client.endpoints.authorizeBaseUrl,
      nonce: pending.nonce,
      ...(maxAge === undefined ? {} : { maxAge }),
      now: () => new Date(now()),
    });
    idTokenClaims = verified.claims;
  }

  let profile: LineProfile | undefined;
  let profileErrorCode: LineLoginErrorCode | undefined;
  const grantedScopes = tokens.scope.length > 0 ? tokens.scope : scopes;
  if (grantedScopes.includes('profile')) {
    try {
      profile = await deps.client.getProfile(tokens.accessToken, requestOptions);
    } catch (error) {
      if (!isLineLoginError(error)) {
        throw error;
      }
      profileErrorCode = error.code;
    }
  }

  const userId = idTokenClaims?.sub ?? profile?.userId;
  if (userId === undefined) {
    throw new AuthorizationError(
      'ERR_AUTHORIZE_FAILED',
      'LINE issued tokens but neither an ID token nor the profile said which user signed in. Request the openid or profile scope.',
    );
  }

  const tokenSet: TokenSet = withoutUndefinedFields({
    channelId: channel.channelId,
    userId,
    accessToken: tokens.accessToken,
    tokenType: tokens.tokenType,
    // LINE's token response never lists `email`; the ID token carries it when it was granted.
    scopes:
      idTokenClaims?.email !== undefined && !grantedScopes.includes('email')
        ? [...grantedScopes, 'email']
        : grantedScopes,
    accessTokenIssuedAt: issuedAt,
    accessTokenExpiresAt: issuedAt + tokens.expiresIn * 1000,
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: tokens.refreshToken === undefined ? undefined : issuedAt + REFRESH_TOKEN_LIFETIME_MS,
    originalIssuedAt: issuedAt,
    idToken: tokens.idToken,
    idTokenClaims,
    nonce: tokens.idToken === undefined ? undefined : pending.nonce,
    profile,
  });
  options.onStage?.('storing');
  await deps.store.put(tokenSet);
  options.onStage?.('stored');
  return profileErrorCode === undefined ? { tokenSet } : { tokenSet, profileErrorCode };
}
