/** The emulator's public data types: what tests and the standalone server configure it with and read back. */

export interface EmulatorChannel {
  channelId: string;
  channelSecret: string;
  callbackUrls: string[];
  /** Default HS256 (web login signs with the channel secret); ES256 as the LINE SDKs/LIFF get. */
  idTokenAlg?: 'HS256' | 'ES256';
  name?: string;
  /**
   * The console's "App types". Default `['web']`. client_secret is required on refresh and revoke
   * only when this is exactly `['web']` (README ledger L1); with `'mobile'`, a code issued with PKCE
   * may be exchanged without client_secret, as LINE's native SDKs do (ledger L5).
   */
  appTypes?: ('web' | 'mobile')[];
  /**
   * The channel's status in the console. Default `'published'`. While `'developing'`, only users with
   * a role on the channel (`developerUserIds`) may log in; others get LINE's 400 page (ledger L14).
   */
  status?: 'developing' | 'published';
  developerUserIds?: string[];
  /**
   * Whether a LINE Official Account is linked to the channel. Default true. Without one, `bot_prompt`
   * offers no add-friend option and the callback has no `friendship_status_changed`; the
   * friendship endpoint answers `friendFlag: false` (README ledger L25).
   */
  officialAccountLinked?: boolean;
  /**
   * Whether the channel's email address permission is approved. Default true. Without it the
   * `email` scope is accepted but yields no `email` claim (README ledger L26).
   */
  emailPermission?: boolean;
}

export interface EmulatorUser {
  /** 'U' + 32 lower-case hex. */
  userId: string;
  displayName: string;
  pictureUrl?: string;
  statusMessage?: string;
  email?: string;
  /** Channel IDs whose official account the user is friends with. */
  friendOf?: string[];
}

export type EmulatorEndpoint =
  | 'authorize'
  | 'token'
  | 'verify'
  | 'revoke'
  | 'verifyIdToken'
  | 'userinfo'
  | 'profile'
  | 'friendship'
  | 'deauthorize'
  | 'channelToken'
  | 'certs';

export type EmulatorFault =
  /**
   * Authorize redirects with error=ACCESS_DENIED (LINE's documented casing) or, with
   * `errorCase: 'lower'`, `access_denied` as seen on the wire by the Android SDK (ledger L4).
   */
  | { kind: 'denyConsent'; errorCase?: 'upper' | 'lower' }
  /**
   * The user closes LINE's login or consent page: nothing goes back to the app; the browser stays on
   * LINE's page (README ledger L27). Distinct from denyConsent, the consent page's Cancel button.
   */
  | { kind: 'cancelConsent' }
  /** E.g. 429, 500, 413. Default body `{"message": <reason phrase>}`. */
  | { kind: 'status'; status: number; body?: string; contentType?: string; retryAfter?: number }
  /** Respond normally after a delay. */
  | { kind: 'slow'; delayMs: number }
  /** 200 with a truncated JSON body. */
  | { kind: 'malformedJson' }
  /** A 502 HTML page from a proxy. */
  | { kind: 'html' }
  | { kind: 'emptyBody'; status: number }
  /** Close the connection without answering. */
  | { kind: 'destroySocket' };

/** A fault waiting in the emulator: `remaining` undefined means sticky (until cleared). */
export interface ActiveFault {
  endpoint: EmulatorEndpoint;
  fault: EmulatorFault;
  remaining: number | undefined;
}

/** What the emulator serves, for a view: no secrets. */
export interface EmulatorSnapshot {
  channels: { channelId: string; name: string | undefined; kind: 'web' | 'native'; callbackUrls: string[] }[];
  users: { userId: string; displayName: string; email?: string }[];
}

export interface RecordedRequest {
  endpoint: EmulatorEndpoint;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Form fields; for a JSON body (deauthorize), its top-level scalar fields as strings. */
  form: Record<string, string>;
  headers: Record<string, string>;
  at: number;
}

/**
 * One request on a known path and what the emulator answered, unmasked: the raw material for
 * checking an app's side of LINE's contract (`onExchange`). Whoever keeps it must mask it first.
 */
export interface EmulatorExchange {
  request: RecordedRequest & {
    /** The query string exactly as sent, without `?` (byte-level comparisons, e.g. redirect_uri). */
    rawQuery: string;
    /** The body exactly as sent (UTF-8), '' when there was none or it was too large. */
    rawBody: string;
  };
  /** undefined: the connection was dropped without an answer (fault `destroySocket`, server closing). */
  response: { status: number; headers: Record<string, string>; body: string } | undefined;
  /** Epoch ms by the emulator's clock when the answer went out. */
  answeredAt: number;
}

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  id_token?: string;
  expires_in: number;
  scope: string;
  token_type: string;
}
