/** The LINE Login v2.1 domain model shared by the core and the VS Code layer. */

export type LineScope = 'profile' | 'openid' | 'email';
export const LINE_SCOPES: readonly LineScope[] = ['profile', 'openid', 'email'];

/** LINE's issuer for every ID token (also the browser-facing authorize base URL). */
export const LINE_ISSUER = 'https://access.line.me';
export const LINE_AUTHORIZE_BASE_URL = 'https://access.line.me';
export const LINE_API_BASE_URL = 'https://api.line.me';

/**
 * Two base URLs, because the browser and the extension host may reach LINE (or an emulator)
 * by different names: the authorize page is opened in a browser, every other endpoint is called
 * from Node. `authorizeBaseUrl` is also the expected ID-token issuer.
 */
export interface LineEndpoints {
  authorizeBaseUrl: string;
  apiBaseUrl: string;
}

/** A LINE Login channel as the core needs it. The secret comes from secret storage, never settings. */
export interface LineChannelCredentials {
  channelId: string;
  channelSecret: string;
}

export type LinePrompt = 'consent' | 'none' | 'login';
export type LineBotPrompt = 'normal' | 'aggressive';

/** The optional authorize parameters a user chooses (LINE Login v2.1 §Authorize). */
export interface LoginOptions {
  prompt?: LinePrompt;
  botPrompt?: LineBotPrompt;
  /** RFC 5646 tags, e.g. `['ja', 'en']`. */
  uiLocales?: string[];
  maxAge?: number;
  initialAmrDisplay?: 'lineqr';
  switchAmr?: boolean;
  disableAutoLogin?: boolean;
  disableIosAutoLogin?: boolean;
}

/** 200 of `POST /oauth2/v2.1/token` with grant_type=authorization_code or refresh_token. */
export interface LineTokenResponse {
  accessToken: string;
  tokenType: string;
  /** Seconds. */
  expiresIn: number;
  refreshToken?: string;
  /** Only when `openid` was requested, and never on refresh. */
  idToken?: string;
  /** Space-separated in LINE's JSON; LINE never lists `email` here. */
  scope: string[];
}

/** 200 of `GET /oauth2/v2.1/verify`. */
export interface LineAccessTokenVerification {
  scope: string[];
  clientId: string;
  /** Seconds left. */
  expiresIn: number;
}

/** The ID token payload as LINE issues it (and as `POST /oauth2/v2.1/verify` returns it). */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  auth_time?: number;
  nonce?: string;
  amr?: string[];
  name?: string;
  picture?: string;
  email?: string;
}

/** `GET /oauth2/v2.1/userinfo`. */
export interface LineUserInfo {
  sub: string;
  name?: string;
  picture?: string;
}

/** `GET /v2/profile`. */
export interface LineProfile {
  userId: string;
  displayName: string;
  pictureUrl?: string;
  statusMessage?: string;
}

/** `GET /friendship/v1/status`. */
export interface LineFriendshipStatus {
  friendFlag: boolean;
}

/** `POST /oauth2/v3/token` (client_credentials): a stateless channel access token. */
export interface LineChannelAccessToken {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
}

/**
 * The tokens of one account (one user `sub` on one channel). Times are epoch milliseconds.
 * This is what the token store persists; it holds secrets and never leaves secret storage.
 */
export interface TokenSet {
  channelId: string;
  userId: string;
  accessToken: string;
  tokenType: string;
  scopes: string[];
  accessTokenIssuedAt: number;
  accessTokenExpiresAt: number;
  refreshToken?: string;
  /**
   * LINE: a refresh token is valid up to 90 days after the ORIGINAL access token was issued;
   * refreshing does not extend it, so this is carried over unchanged on refresh.
   */
  refreshTokenExpiresAt?: number;
  /** When the first access token of this sign-in was issued. */
  originalIssuedAt: number;
  /** Refresh returns no ID token: the one from sign-in is kept. */
  idToken?: string;
  idTokenClaims?: IdTokenClaims;
  /** The nonce sent with the authorize request, kept so LINE's verify endpoint can be asked about it. */
  nonce?: string;
  profile?: LineProfile;
  /**
   * Set when a revoke did not reach LINE (no answer, or a 5xx): the tokens may still be valid
   * there, so the account is kept, marked, until a revoke gets an answer or the person deletes it.
   */
  revokeFailure?: { at: number; errorCode: string };
}

export const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

/** LINE's documented ID token claims, in the order its reference lists them: how they are shown and compared. */
export const LINE_ID_TOKEN_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'amr',
  'name',
  'picture',
  'email',
] as const satisfies readonly (keyof IdTokenClaims)[];
