/**
 * Error codes → what the user reads, in English or Japanese (vscode.l10n). The core's English
 * messages are the fallback and what automation callers get; the UI adds what to do next.
 */
import vscode = require('vscode');
import { isLineLoginError, type LineLoginErrorCode } from '../core/errors';
import { messageOf } from '../core/messageOf';

/** What the user can do next, offered as notification buttons. */
export type ErrorAction =
  | 'showLog'
  | 'signInAgain'
  | 'retryWithoutAutoLogin'
  | 'copyCallbackUrl'
  | 'editChannel'
  | 'openSettings'
  | 'retrySavingTokens'
  | 'resetStoredTokens';

export interface PresentedError {
  message: string;
  actions: ErrorAction[];
}

function headline(code: LineLoginErrorCode): string {
  switch (code) {
    case 'ERR_CALLBACK_TIMEOUT':
      return vscode.l10n.t(
        "The browser never came back to the callback URL. This usually means that exact URL is not registered on the channel's LINE Login tab.",
      );
    case 'ERR_PORT_IN_USE':
      return vscode.l10n.t(
        'The callback port is already in use by another program (or another sign-in). Close it and try again, or register a callback URL with another port.',
      );
    case 'ERR_LISTEN_FAILED':
      return vscode.l10n.t("Could not listen on the callback URL's port.");
    case 'ERR_CALLBACK_URL_INVALID':
      return vscode.l10n.t("The channel's callback URL cannot be served on this machine.");
    case 'ERR_CANCELLED':
      return vscode.l10n.t('Sign-in was cancelled.');
    case 'ERR_ACCESS_DENIED':
      return vscode.l10n.t("The user did not allow the app on LINE's consent screen.");
    case 'ERR_STATE_MISMATCH':
      return vscode.l10n.t(
        "The browser came back with a different state. LINE's auto login can fail this way; retry with auto login disabled.",
      );
    case 'ERR_STATE_MISSING':
      return vscode.l10n.t('The browser came back without a state parameter, so the response cannot be trusted.');
    case 'ERR_CODE_MISSING':
      return vscode.l10n.t('LINE redirected back without an authorization code.');
    case 'ERR_AUTHORIZE_FAILED':
      return vscode.l10n.t('LINE refused the authorization request.');
    case 'ERR_REDIRECT_URL_INVALID':
      return vscode.l10n.t(
        "That is not the URL LINE redirected to. Paste the whole URL from the browser's address bar.",
      );
    case 'ERR_LINE_INVALID_GRANT':
      return vscode.l10n.t(
        'LINE no longer accepts this code or refresh token (used, expired or revoked). Sign in again.',
      );
    case 'ERR_LINE_INVALID_CLIENT':
      return vscode.l10n.t(
        "LINE rejected the channel ID or channel secret. Check the secret on the channel's Basic settings tab and edit the channel.",
      );
    case 'ERR_LINE_ACCESS_TOKEN_INVALID':
      return vscode.l10n.t(
        'The access token is expired, revoked or not valid for this API. Refresh it or sign in again.',
      );
    case 'ERR_LINE_FORBIDDEN':
      return vscode.l10n.t('The token lacks the scope or permission this API needs.');
    case 'ERR_LINE_RATE_LIMITED':
      return vscode.l10n.t(
        'LINE is rate limiting this channel. Wait before trying again; nothing is retried automatically.',
      );
    case 'ERR_LINE_SERVER_ERROR':
      return vscode.l10n.t('LINE had a server error. Try again later.');
    case 'ERR_LINE_MALFORMED_RESPONSE':
      return vscode.l10n.t(
        "LINE's answer could not be read (not JSON, cut off, or missing fields). A proxy may be in the way.",
      );
    case 'ERR_LINE_BAD_REQUEST':
    case 'ERR_LINE_PAYLOAD_TOO_LARGE':
    case 'ERR_LINE_UNEXPECTED_STATUS':
      return vscode.l10n.t('LINE rejected the request.');
    case 'ERR_NETWORK_TIMEOUT':
      return vscode.l10n.t('LINE did not answer in time. Check your network or proxy.');
    case 'ERR_NETWORK_ABORTED':
      return vscode.l10n.t('The request was cancelled.');
    case 'ERR_NETWORK_REFUSED':
      return vscode.l10n.t(
        'The connection was refused. If you use an emulator, is it running and does lineLogin.apiBaseUrl point at it?',
      );
    case 'ERR_NETWORK_DNS':
      return vscode.l10n.t(
        'The LINE API host name could not be resolved. Check your network or the lineLogin.apiBaseUrl setting.',
      );
    case 'ERR_NETWORK':
      return vscode.l10n.t('The request failed before LINE answered. Check your network or proxy.');
    case 'ERR_ID_TOKEN_SIGNATURE_INVALID':
      return vscode.l10n.t(
        "The ID token's signature is not valid for this channel (for HS256: the channel secret does not match).",
      );
    case 'ERR_ID_TOKEN_ISSUER_INVALID':
      return vscode.l10n.t(
        'The ID token was issued by someone else than the configured issuer (lineLogin.authorizeBaseUrl).',
      );
    case 'ERR_ID_TOKEN_AUDIENCE_INVALID':
      return vscode.l10n.t('The ID token was issued for another channel.');
    case 'ERR_ID_TOKEN_EXPIRED':
      return vscode.l10n.t('The ID token has expired (LINE ID tokens are valid for about an hour).');
    case 'ERR_ID_TOKEN_NONCE_INVALID':
      return vscode.l10n.t("The ID token's nonce does not match the one sent with this sign-in (possible replay).");
    case 'ERR_ID_TOKEN_ALG_NOT_ALLOWED':
    case 'ERR_ID_TOKEN_KEY_NOT_FOUND':
    case 'ERR_ID_TOKEN_JWKS_UNAVAILABLE':
    case 'ERR_ID_TOKEN_MALFORMED':
    case 'ERR_ID_TOKEN_IAT_INVALID':
    case 'ERR_ID_TOKEN_AUTH_TIME_MISSING':
    case 'ERR_ID_TOKEN_CLAIM_INVALID':
      return vscode.l10n.t('The ID token did not pass verification.');
    case 'ERR_ACCESS_TOKEN_CHANNEL_MISMATCH':
      return vscode.l10n.t('LINE says this access token belongs to another channel. Do not accept it for this one.');
    case 'ERR_ACCESS_TOKEN_EXPIRED':
      return vscode.l10n.t('LINE says this access token has no lifetime left. Refresh it or sign in again.');
    case 'ERR_ACCOUNT_NOT_FOUND':
      return vscode.l10n.t('That account is not signed in (or has no such token).');
    case 'ERR_NO_REFRESH_TOKEN':
    case 'ERR_REFRESH_TOKEN_EXPIRED':
      return vscode.l10n.t('This account cannot be refreshed any more. Sign in again.');
    case 'ERR_STORE_CORRUPT':
      return vscode.l10n.t(
        'The stored tokens could not be read, and could not be set aside. Nothing was overwritten; reset the stored tokens to start again.',
      );
    case 'ERR_STORE_UNAVAILABLE':
      return vscode.l10n.t(
        "VS Code's secret storage (the system keychain) refused to read or save the tokens. Nothing was changed.",
      );
    case 'ERR_STORE_WRITE_FAILED':
      return vscode.l10n.t(
        'LINE issued new tokens, but they could not be saved. This window keeps them in memory: keep it open and retry saving.',
      );
    case 'ERR_STORE_BUSY':
      return vscode.l10n.t('Another VS Code window is still changing the stored tokens. Try again in a moment.');
    case 'ERR_EXPORT_REFUSED':
      return vscode.l10n.t('The file was not written: it would put live LINE credentials where git can publish them.');
    case 'ERR_INVALID_INPUT':
    case 'ERR_INVALID_ENDPOINT':
    case 'ERR_INVALID_CHANNEL':
    case 'ERR_INVALID_JWT':
      return vscode.l10n.t('The input is not valid.');
  }
}

function actionsFor(code: LineLoginErrorCode): ErrorAction[] {
  switch (code) {
    case 'ERR_CALLBACK_TIMEOUT':
    case 'ERR_CALLBACK_URL_INVALID':
      return ['copyCallbackUrl', 'showLog'];
    case 'ERR_STATE_MISMATCH':
      return ['retryWithoutAutoLogin'];
    case 'ERR_LINE_INVALID_GRANT':
    case 'ERR_NO_REFRESH_TOKEN':
    case 'ERR_REFRESH_TOKEN_EXPIRED':
      return ['signInAgain', 'showLog'];
    case 'ERR_LINE_INVALID_CLIENT':
    case 'ERR_ID_TOKEN_SIGNATURE_INVALID':
      return ['editChannel', 'showLog'];
    case 'ERR_INVALID_ENDPOINT':
    case 'ERR_ID_TOKEN_ISSUER_INVALID':
      return ['openSettings'];
    case 'ERR_STORE_WRITE_FAILED':
      return ['retrySavingTokens', 'showLog'];
    case 'ERR_STORE_CORRUPT':
    case 'ERR_STORE_UNAVAILABLE':
      return ['showLog', 'resetStoredTokens'];
    default:
      return ['showLog'];
  }
}

/** The localized headline plus the core's specific detail (port, callback URL, LINE's words, request ID). */
export function presentError(error: unknown): PresentedError {
  if (!isLineLoginError(error)) {
    return {
      message: vscode.l10n.t('Unexpected error: {0}', messageOf(error)),
      actions: ['showLog'],
    };
  }
  return { message: `${headline(error.code)} — ${error.message} [${error.code}]`, actions: actionsFor(error.code) };
}

export function actionLabel(action: ErrorAction): string {
  switch (action) {
    case 'showLog':
      return vscode.l10n.t('Show Log');
    case 'signInAgain':
      return vscode.l10n.t('Sign In Again');
    case 'retryWithoutAutoLogin':
      return vscode.l10n.t('Retry Without Auto Login');
    case 'copyCallbackUrl':
      return vscode.l10n.t('Copy Callback URL');
    case 'editChannel':
      return vscode.l10n.t('Edit Channel');
    case 'openSettings':
      return vscode.l10n.t('Open Settings');
    case 'retrySavingTokens':
      return vscode.l10n.t('Retry Saving');
    case 'resetStoredTokens':
      return vscode.l10n.t('Reset Stored Tokens…');
  }
}
