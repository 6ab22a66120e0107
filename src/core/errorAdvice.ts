/**
 * What each error code means and what to do about it: the one English text per code. Every coded
 * error's message is this text followed by the failure's own particulars (values, endpoint, LINE's
 * words), so no call site writes the advice again; the VS Code layer shows the same text, or its
 * Japanese translation keyed by the same code (src/vscode/errorMessages.ts).
 */
import type { LineLoginErrorCode } from './errors';

export const ERROR_ADVICE = {
  // LINE's HTTP API
  ERR_LINE_BAD_REQUEST: 'LINE rejected the request as invalid.',
  ERR_LINE_INVALID_GRANT:
    'LINE no longer accepts this authorization code or refresh token (used, expired or revoked), or the redirect_uri differs from the authorize request: sign in again.',
  ERR_LINE_INVALID_CLIENT:
    "LINE rejected the channel ID or channel secret. Check both on the channel's Basic settings tab in the LINE Developers Console, then edit the channel.",
  ERR_LINE_ACCESS_TOKEN_INVALID:
    'The access token is expired, revoked or not valid for this API. Refresh it or sign in again.',
  ERR_LINE_FORBIDDEN:
    'The token lacks the scope or permission this API needs (profile, openid, or the email permission).',
  ERR_LINE_PAYLOAD_TOO_LARGE: 'LINE refused the request as too large.',
  ERR_LINE_RATE_LIMITED:
    'LINE is rate limiting this channel. Wait before trying again; this tool never retries in a loop.',
  ERR_LINE_SERVER_ERROR: 'LINE had a server error. Try again later.',
  ERR_LINE_UNEXPECTED_STATUS: 'LINE answered with a status this tool does not expect.',
  ERR_LINE_MALFORMED_RESPONSE:
    "LINE's answer could not be read (not JSON, cut off, or a field missing, of the wrong type or out of range). A proxy may be in the way.",
  ERR_NETWORK_TIMEOUT: 'LINE did not answer in time. Check your network or proxy, then try again.',
  ERR_NETWORK_ABORTED: 'The request was cancelled.',
  ERR_NETWORK_REFUSED:
    'The connection was refused. If you use an emulator, check that it is running and that lineLogin.apiBaseUrl points at it.',
  ERR_NETWORK_DNS:
    'The LINE API host name could not be resolved. Check your network, proxy or the lineLogin.apiBaseUrl setting.',
  ERR_NETWORK: 'The request failed before LINE answered. Check your network or proxy, then try again.',

  // The browser leg
  ERR_CALLBACK_URL_INVALID:
    "The channel's callback URL cannot be used. It must be the URL registered on the channel's LINE Login tab; to receive the callback on this machine, a plain http URL on localhost, 127.0.0.1 or [::1] with a fixed port, for example http://localhost:33418/callback.",
  ERR_PORT_IN_USE:
    "The callback port is already in use by another program (or another sign-in). Close it and try again, or register a callback URL with a different port on the channel's LINE Login tab.",
  ERR_LISTEN_FAILED:
    "Could not listen on the callback URL's port. Ports below 1024 usually need administrator rights: register a callback URL with a free port above 1024.",
  ERR_CALLBACK_TIMEOUT:
    'The browser never came back to the callback URL. This usually means that exact URL is not registered on the channel\'s LINE Login tab (LINE then shows its own "Invalid redirect_uri" page instead of redirecting).',
  ERR_CANCELLED: 'Sign-in was cancelled.',
  ERR_STATE_MISSING:
    'The browser came back without a state parameter, so the response cannot be tied to this sign-in attempt and was rejected.',
  ERR_STATE_MISMATCH:
    "The browser came back with a different state, so the response does not belong to this sign-in attempt and was rejected. LINE's auto login can fail this way: retry with auto login disabled (disable_auto_login).",
  ERR_CODE_MISSING: 'LINE redirected back without an authorization code.',
  ERR_ACCESS_DENIED: "The sign-in was declined or cancelled on LINE's consent screen.",
  ERR_AUTHORIZE_FAILED: 'LINE refused the authorization request.',
  ERR_REDIRECT_URL_INVALID:
    "That is not the URL LINE redirected to. After signing in, copy the whole URL from the browser's address bar (it starts with the callback URL and carries code= and state=, even if the page itself failed to load) and paste it.",

  // ID tokens
  ERR_ID_TOKEN_MALFORMED:
    'The ID token is not a well-formed JWT (three base64url parts separated by dots). Check that it was copied whole.',
  ERR_ID_TOKEN_MISSING:
    'LINE returned no ID token although the openid scope was requested, so this sign-in could not be checked (its nonce) and nothing was stored. Try again; if it persists, check lineLogin.apiBaseUrl.',
  ERR_ID_TOKEN_ALG_NOT_ALLOWED:
    'The ID token is signed with an algorithm that is not accepted here. LINE signs ID tokens with HS256 (web login, verified with the channel secret) or ES256 (LINE SDK and LIFF, verified with LINE\'s public keys), never "none".',
  ERR_ID_TOKEN_SIGNATURE_INVALID:
    "The ID token's signature does not match. For HS256 the channel secret is not the one of the channel that issued the token (check the channel ID and secret in the LINE Developers Console); otherwise the token was altered or not issued by LINE.",
  ERR_ID_TOKEN_KEY_NOT_FOUND:
    'LINE\'s key set has no key with the ID token\'s "kid" (keys are selected by kid only). The token was not signed by this LINE API (check lineLogin.apiBaseUrl), or LINE rotated its keys a moment ago: retry shortly.',
  ERR_ID_TOKEN_JWKS_UNAVAILABLE:
    "LINE's signing keys could not be loaded, so ES256 ID tokens cannot be verified. Check the network and the lineLogin.apiBaseUrl setting.",
  ERR_ID_TOKEN_ISSUER_INVALID:
    "The ID token was not issued by the expected issuer, the lineLogin.authorizeBaseUrl setting (https://access.line.me for LINE itself, the emulator's URL otherwise). A token from LINE checked against an emulator setting, or the other way round, fails here.",
  ERR_ID_TOKEN_AUDIENCE_INVALID:
    'The ID token was issued for another channel (its "aud", or "azp" when it names several audiences, is not this channel ID). Check that the channel ID is the one the user signed in to.',
  ERR_ID_TOKEN_EXPIRED:
    'The ID token has expired (LINE ID tokens are valid for about an hour). Sign in again for a fresh one; refreshing the access token does not return a new ID token.',
  ERR_ID_TOKEN_IAT_INVALID:
    'The ID token\'s issue time ("iat") is missing, not a number, or in the future. Check this computer\'s clock.',
  ERR_ID_TOKEN_NONCE_INVALID:
    "The ID token's nonce is not the one sent with this sign-in: the token belongs to another sign-in attempt, or is replayed.",
  ERR_ID_TOKEN_AUTH_TIME_MISSING:
    'The ID token has no "auth_time" although max_age was sent with the authorize request; LINE includes it whenever max_age is sent.',
  ERR_ID_TOKEN_CLAIM_INVALID: 'An ID token claim is missing, of the wrong type, or outside what this sign-in allows.',

  // Tokens and the local store
  ERR_ACCESS_TOKEN_CHANNEL_MISMATCH:
    'LINE says this access token was issued to another channel. Do not accept it for this one.',
  ERR_ACCESS_TOKEN_EXPIRED: 'LINE says this access token has no lifetime left. Refresh it or sign in again.',
  ERR_ACCOUNT_NOT_FOUND: 'That account is not signed in here, or has no such token.',
  ERR_NO_REFRESH_TOKEN: 'This account has no refresh token, so it cannot be refreshed. Sign in again.',
  ERR_REFRESH_TOKEN_EXPIRED:
    "The refresh token has expired (LINE's last 90 days from the original sign-in). Sign in again.",
  ERR_STORE_CORRUPT:
    'The stored tokens could not be read, and could not be set aside. Nothing was overwritten; reset the stored tokens to start again.',
  ERR_STORE_UNAVAILABLE:
    "VS Code's secret storage (the system keychain) refused to read or save the tokens. Nothing was changed.",
  ERR_STORE_WRITE_FAILED:
    'LINE issued new tokens, but they could not be saved. This window keeps them in memory: keep it open and retry saving.',
  ERR_STORE_BUSY: 'Another VS Code window is still changing the stored tokens. Try again in a moment.',

  // Caller and setting mistakes
  ERR_EXPORT_REFUSED: 'The file was not written: it would put live LINE credentials where git can publish them.',
  ERR_INVALID_INPUT: 'The input is not valid.',
  ERR_INVALID_ENDPOINT: 'An endpoint setting (lineLogin.authorizeBaseUrl or lineLogin.apiBaseUrl) cannot be used.',
  ERR_INVALID_CHANNEL: 'The channel configuration is not valid.',
  ERR_INVALID_JWT: 'This is not a JWT whose header and claims can be read.',

  // Local LINE (the emulator inside VS Code)
  ERR_LOCAL_LINE_PORT_IN_USE:
    "Local LINE's port is already in use by another program (or Local LINE in another VS Code window). Stop that program, or choose another port in the lineLogin.localLine.port setting (your app's LINE_AUTHORIZE_URL and LINE_API_URL then change too).",
  ERR_LOCAL_LINE_NOT_RUNNING: 'Local LINE is not running. Start it with "LINE Login: Start Local LINE".',
  ERR_LOCAL_LINE_CHANNEL_UNKNOWN:
    'Local LINE does not serve that channel. Add it to .vscode/line-emulator.json ("LINE Login: Create Local LINE Configuration") with its callback URL, or choose one of the channels Local LINE serves.',
  ERR_LOCAL_LINE_TOKENS_MIXED:
    'Nothing was switched: tokens issued by one LINE (LINE itself or Local LINE) would be sent to the other. Sign out the listed accounts first ("Sign Out (Local Only)" keeps them valid on LINE), then try again.',
  ERR_LOCAL_LINE_CONFIG_INVALID:
    'The Local LINE configuration file cannot be used; Local LINE keeps serving the last good configuration. Fix the problems listed (line:column), then save the file.',
} as const satisfies Readonly<Record<LineLoginErrorCode, string>>;

/** The message of a coded error: the code's advice, then this failure's particulars. */
export function composeErrorMessage(code: LineLoginErrorCode, specifics: string): string {
  const advice: string = ERROR_ADVICE[code];
  return specifics === '' ? advice : `${advice} ${specifics}`;
}
