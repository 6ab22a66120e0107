/**
 * Every LINE Login v2.1 endpoint (https://developers.line.biz/en/reference/line-login/), one method each.
 * Request building is explicit per endpoint; transport and error mapping live in LineHttp.
 */
import { validateApiBaseUrl, validateAuthorizeBaseUrl } from './endpoints';
import { InputError, TokenError } from './errors';
import { printableLineText } from './lineText';
import { LineHttp, type LineHttpOptions, type LineResponse } from './lineHttp';
import { JsonReader, type JsonObject } from './lineJson';
import {
  LINE_SCOPES,
  type IdTokenClaims,
  type LineAccessTokenVerification,
  type LineChannelAccessToken,
  type LineChannelCredentials,
  type LineEndpoints,
  type LineFriendshipStatus,
  type LineProfile,
  type LineTokenResponse,
  type LineUserInfo,
  type LoginOptions,
} from './types';

export interface AuthorizeRequest {
  channelId: string;
  redirectUri: string;
  state: string;
  scopes: readonly string[];
  nonce?: string;
  /** PKCE is always used (RFC 9700 §2.1.1); LINE accepts only S256. */
  codeChallenge: string;
  options?: LoginOptions;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface LineLoginClientOptions extends LineHttpOptions {
  endpoints: LineEndpoints;
}

/** LINE's access tokens live 30 days; anything from 1 s to a year is stored, anything else refused. */
export const TOKEN_LIFETIME_RANGE_SECONDS = { min: 1, max: 365 * 24 * 60 * 60 } as const;

const PATHS = {
  authorize: '/oauth2/v2.1/authorize',
  token: '/oauth2/v2.1/token',
  verify: '/oauth2/v2.1/verify',
  revoke: '/oauth2/v2.1/revoke',
  userinfo: '/oauth2/v2.1/userinfo',
  profile: '/v2/profile',
  friendship: '/friendship/v1/status',
  channelToken: '/oauth2/v3/token',
  deauthorize: '/user/v1/deauthorize',
} as const;

/** Checks LINE's scope rules before the browser shows LINE's less helpful error. */
export function validateScopes(scopes: readonly string[]): void {
  const unknown = scopes.filter((scope) => !(LINE_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      `Unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}: LINE Login accepts profile, openid and email.`,
      'scopes',
    );
  }
  if (!scopes.includes('profile') && !scopes.includes('openid')) {
    throw new InputError('ERR_INVALID_INPUT', 'LINE Login needs the profile or the openid scope (or both).', 'scopes');
  }
  if (scopes.includes('email') && !scopes.includes('openid')) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'The email scope needs the openid scope too (the address comes in the ID token).',
      'scopes',
    );
  }
}

export function buildAuthorizeUrl(authorizeBaseUrl: string, request: AuthorizeRequest): string {
  validateScopes(request.scopes);
  const params = new Map<string, string>();
  params.set('response_type', 'code');
  params.set('client_id', request.channelId);
  params.set('redirect_uri', request.redirectUri);
  params.set('state', request.state);
  params.set('scope', request.scopes.join(' '));
  if (request.nonce !== undefined) {
    params.set('nonce', request.nonce);
  }
  params.set('code_challenge', request.codeChallenge);
  params.set('code_challenge_method', 'S256');
  const options = request.options ?? {};
  if (options.prompt !== undefined) {
    params.set('prompt', options.prompt);
  }
  if (options.maxAge !== undefined) {
    if (!Number.isInteger(options.maxAge) || options.maxAge < 0) {
      throw new InputError('ERR_INVALID_INPUT', 'max_age must be a whole number of seconds, 0 or more.', 'maxAge');
    }
    params.set('max_age', String(options.maxAge));
  }
  if (options.uiLocales !== undefined && options.uiLocales.length > 0) {
    const invalid = options.uiLocales.filter((tag) => !/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(tag));
    if (invalid.length > 0) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        `ui_locales takes RFC 5646 language tags such as "ja" or "en-US", not ${invalid.map((t) => `"${t}"`).join(', ')}.`,
        'uiLocales',
      );
    }
    params.set('ui_locales', options.uiLocales.join(' '));
  }
  if (options.botPrompt !== undefined) {
    params.set('bot_prompt', options.botPrompt);
  }
  if (options.initialAmrDisplay !== undefined) {
    params.set('initial_amr_display', options.initialAmrDisplay);
  }
  // LINE reads only the literal "false"; the switch is shown by default.
  if (options.switchAmr === false) {
    params.set('switch_amr', 'false');
  }
  if (options.disableAutoLogin === true) {
    params.set('disable_auto_login', 'true');
  }
  if (options.disableIosAutoLogin === true) {
    params.set('disable_ios_auto_login', 'true');
  }
  // LINE's reference encodes the spaces of scope and ui_locales as %20; URLSearchParams would send
  // `+` (form encoding), which only some servers read as a space.
  const query = [...params].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return `${new URL(PATHS.authorize, authorizeBaseUrl).href}?${query}`;
}

function splitScope(scope: string | undefined): string[] {
  return scope === undefined ? [] : scope.split(' ').filter((item) => item !== '');
}

export class LineLoginClient {
  readonly endpoints: LineEndpoints;
  readonly #http: LineHttp;

  constructor(options: LineLoginClientOptions) {
    // Checked here too, not only where settings are read: no caller can send the secret over plain
    // http to a name that DNS decides.
    this.endpoints = {
      authorizeBaseUrl: validateAuthorizeBaseUrl(options.endpoints.authorizeBaseUrl),
      apiBaseUrl: validateApiBaseUrl(options.endpoints.apiBaseUrl),
    };
    this.#http = new LineHttp(options);
  }

  #url(path: string): URL {
    return new URL(path, this.endpoints.apiBaseUrl);
  }

  buildAuthorizeUrl(request: AuthorizeRequest): string {
    return buildAuthorizeUrl(this.endpoints.authorizeBaseUrl, request);
  }

  /** grant_type=authorization_code. `redirectUri` must repeat the authorize request's exactly (RFC 6749 §4.1.3). */
  async issueTokens(
    input: { channel: LineChannelCredentials; code: string; redirectUri: string; codeVerifier: string },
    options: RequestOptions = {},
  ): Promise<LineTokenResponse> {
    const { json, response } = await this.#http.sendForJson({
      method: 'POST',
      url: this.#url(PATHS.token),
      form: {
        grant_type: 'authorization_code',
        code: input.code,
        redirect_uri: input.redirectUri,
        client_id: input.channel.channelId,
        client_secret: input.channel.channelSecret,
        code_verifier: input.codeVerifier,
      },
      signal: options.signal,
    });
    return readTokenResponse(json, response);
  }

  /** grant_type=refresh_token. LINE returns no ID token here: callers keep the old one. */
  async refreshAccessToken(
    input: { channel: LineChannelCredentials; refreshToken: string },
    options: RequestOptions = {},
  ): Promise<LineTokenResponse> {
    const { json, response } = await this.#http.sendForJson({
      method: 'POST',
      url: this.#url(PATHS.token),
      form: {
        grant_type: 'refresh_token',
        refresh_token: input.refreshToken,
        client_id: input.channel.channelId,
        // Required for "Web app" channels, ignored otherwise: always sending it is safe.
        client_secret: input.channel.channelSecret,
      },
      signal: options.signal,
    });
    return readTokenResponse(json, response);
  }

  /** LINE's answer as is; see `checkAccessToken` for the checks LINE's security checklist asks for. */
  async verifyAccessToken(accessToken: string, options: RequestOptions = {}): Promise<LineAccessTokenVerification> {
    const url = this.#url(PATHS.verify);
    // The one endpoint that takes a token in the query; URLSearchParams encodes its `/` and `+`.
    url.searchParams.set('access_token', accessToken);
    const { json, response } = await this.#http.sendForJson({ method: 'GET', url, signal: options.signal });
    const reader = new JsonReader(json, response);
    return {
      scope: splitScope(reader.optionalString('scope')),
      clientId: reader.string('client_id'),
      // Seconds left: 0 or less is LINE saying "expired", which checkAccessToken reports as such.
      expiresIn: reader.seconds('expires_in', {
        min: -TOKEN_LIFETIME_RANGE_SECONDS.max,
        max: TOKEN_LIFETIME_RANGE_SECONDS.max,
      }),
    };
  }

  /** Verify, then check `client_id` is this channel and `expires_in > 0` (LINE security checklist). */
  async checkAccessToken(
    accessToken: string,
    channelId: string,
    options: RequestOptions = {},
  ): Promise<LineAccessTokenVerification> {
    const verification = await this.verifyAccessToken(accessToken, options);
    if (verification.clientId !== channelId) {
      throw new TokenError(
        'ERR_ACCESS_TOKEN_CHANNEL_MISMATCH',
        `LINE's verify endpoint names channel ${printableLineText(verification.clientId, [accessToken])}, not ${channelId}.`,
        { channelId },
      );
    }
    if (verification.expiresIn <= 0) {
      throw new TokenError(
        'ERR_ACCESS_TOKEN_EXPIRED',
        `LINE's verify endpoint says expires_in=${verification.expiresIn}.`,
        { channelId },
      );
    }
    return verification;
  }

  /** 200 with an empty body; revoking also ends the refresh token's use. */
  async revokeAccessToken(
    input: { channel: LineChannelCredentials; accessToken: string },
    options: RequestOptions = {},
  ): Promise<void> {
    await this.#http.send({
      method: 'POST',
      url: this.#url(PATHS.revoke),
      // LINE's field is `access_token`, not RFC 7009's `token`.
      form: {
        access_token: input.accessToken,
        client_id: input.channel.channelId,
        client_secret: input.channel.channelSecret,
      },
      signal: options.signal,
    });
  }

  /** LINE's own ID token check, for comparison with the local one. */
  async verifyIdTokenOnServer(
    input: { idToken: string; channelId: string; nonce?: string; userId?: string },
    options: RequestOptions = {},
  ): Promise<IdTokenClaims> {
    const { json, response } = await this.#http.sendForJson({
      method: 'POST',
      url: this.#url(PATHS.verify),
      form: { id_token: input.idToken, client_id: input.channelId, nonce: input.nonce, user_id: input.userId },
      signal: options.signal,
    });
    return readIdTokenClaims(json, response);
  }

  async getUserInfo(accessToken: string, options: RequestOptions = {}): Promise<LineUserInfo> {
    const { json, response } = await this.#http.sendForJson({
      method: 'GET',
      url: this.#url(PATHS.userinfo),
      bearer: accessToken,
      signal: options.signal,
    });
    const reader = new JsonReader(json, response);
    return withoutUndefinedFields({
      sub: reader.string('sub'),
      name: reader.optionalString('name'),
      picture: reader.optionalString('picture'),
    });
  }

  async getProfile(accessToken: string, options: RequestOptions = {}): Promise<LineProfile> {
    const { json, response } = await this.#http.sendForJson({
      method: 'GET',
      url: this.#url(PATHS.profile),
      bearer: accessToken,
      signal: options.signal,
    });
    const reader = new JsonReader(json, response);
    return withoutUndefinedFields({
      userId: reader.string('userId'),
      // A user may have an empty display name in theory; LINE always sends the field.
      displayName: reader.optionalString('displayName') ?? '',
      pictureUrl: reader.optionalString('pictureUrl'),
      statusMessage: reader.optionalString('statusMessage'),
    });
  }

  async getFriendshipStatus(accessToken: string, options: RequestOptions = {}): Promise<LineFriendshipStatus> {
    const { json, response } = await this.#http.sendForJson({
      method: 'GET',
      url: this.#url(PATHS.friendship),
      bearer: accessToken,
      signal: options.signal,
    });
    return { friendFlag: new JsonReader(json, response).boolean('friendFlag') };
  }

  /** A stateless channel access token (client_credentials on the v3 endpoint), used for deauthorize. */
  issueStatelessChannelAccessToken(
    channel: LineChannelCredentials,
    options: RequestOptions = {},
  ): Promise<LineChannelAccessToken> {
    return this.#issueChannelToken(channel, options, []);
  }

  async #issueChannelToken(
    channel: LineChannelCredentials,
    options: RequestOptions,
    alsoSecret: readonly string[],
  ): Promise<LineChannelAccessToken> {
    const { json, response } = await this.#http.sendForJson({
      method: 'POST',
      url: this.#url(PATHS.channelToken),
      form: { grant_type: 'client_credentials', client_id: channel.channelId, client_secret: channel.channelSecret },
      alsoSecret,
      signal: options.signal,
    });
    const reader = new JsonReader(json, response);
    return {
      accessToken: reader.token('access_token'),
      tokenType: reader.optionalString('token_type') ?? 'Bearer',
      expiresIn: reader.seconds('expires_in', TOKEN_LIFETIME_RANGE_SECONDS),
    };
  }

  /**
   * Removes the user's permission for the channel (LINE's development guidelines require it when a
   * user unregisters). Authenticates with a stateless channel access token obtained here: 204 empty.
   */
  async deauthorize(
    input: { channel: LineChannelCredentials; userAccessToken: string },
    options: RequestOptions = {},
  ): Promise<void> {
    // Each of the two requests masks the other's secret too, should an answer echo it.
    const channelToken = await this.#issueChannelToken(input.channel, options, [input.userAccessToken]);
    await this.#http.send({
      method: 'POST',
      url: this.#url(PATHS.deauthorize),
      bearer: channelToken.accessToken,
      json: { userAccessToken: input.userAccessToken },
      alsoSecret: [input.channel.channelSecret],
      signal: options.signal,
    });
  }
}

function readTokenResponse(json: JsonObject, response: LineResponse): LineTokenResponse {
  const reader = new JsonReader(json, response);
  return withoutUndefinedFields({
    accessToken: reader.token('access_token'),
    tokenType: reader.optionalString('token_type') ?? 'Bearer',
    expiresIn: reader.seconds('expires_in', TOKEN_LIFETIME_RANGE_SECONDS),
    refreshToken: reader.optionalToken('refresh_token'),
    // Absent without the openid scope, and always on refresh: both valid.
    idToken: reader.optionalToken('id_token'),
    scope: splitScope(reader.optionalString('scope')),
  });
}

function readIdTokenClaims(json: JsonObject, response: LineResponse): IdTokenClaims {
  const reader = new JsonReader(json, response);
  return withoutUndefinedFields({
    iss: reader.string('iss'),
    sub: reader.string('sub'),
    aud: reader.audience('aud'),
    exp: reader.number('exp'),
    iat: reader.number('iat'),
    auth_time: reader.optionalNumber('auth_time'),
    nonce: reader.optionalString('nonce'),
    amr: reader.optionalStringArray('amr'),
    name: reader.optionalString('name'),
    picture: reader.optionalString('picture'),
    email: reader.optionalString('email'),
  });
}

type WithoutUndefinedFields<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops undefined fields so results satisfy exactOptionalPropertyTypes and serialize cleanly. */
export function withoutUndefinedFields<T extends object>(value: T): WithoutUndefinedFields<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, item]) => item !== undefined),
  ) as WithoutUndefinedFields<T>;
}
