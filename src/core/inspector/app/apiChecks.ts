/**
 * Checks of how the app calls LINE's APIs once it has a code or tokens: client authentication,
 * where the access token travels, verifying ID tokens for the right channel, refreshing in time,
 * and deauthorizing with a channel access token. Explanations never quote a secret.
 */
import type { Check } from '../model';
import { APP_CITE } from './citations';
import { appCheck } from './loginChecks';

/** LINE's refresh tokens end 90 days after the ORIGINAL access token was issued; refreshing does not extend it. */
export const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * Token, refresh and revoke take client_id and client_secret in the form body; LINE does not
 * accept HTTP Basic client authentication (LINE Login v2.1 API reference: Issue access token).
 */
export function clientAuthCheck(authorization: string | undefined, form: URLSearchParams): Check {
  if (authorization !== undefined && /^basic\s/i.test(authorization)) {
    return appCheck(
      'app.client_auth',
      'fail',
      'The client credentials are sent as HTTP Basic: LINE does not take them there. Send client_id and client_secret in the form body.',
      APP_CITE.issueToken,
    );
  }
  const inBody = form.has('client_id');
  return appCheck(
    'app.client_auth',
    inBody ? 'pass' : 'fail',
    inBody
      ? `client_id${form.has('client_secret') ? ' and client_secret are' : ' is'} sent in the form body.`
      : 'No client_id in the form body.',
    APP_CITE.issueToken,
  );
}

/** Where a user API call carried the access token. */
export type TokenPlacement = 'header' | 'query' | 'body' | 'none';

/** Every user API takes the token as a Bearer header; only GET /oauth2/v2.1/verify takes it in the query. */
export function bearerCheck(placement: TokenPlacement): Check {
  switch (placement) {
    case 'header':
      return appCheck(
        'app.bearer',
        'pass',
        'The access token is sent as Authorization: Bearer.',
        APP_CITE.rfc6750Query,
      );
    case 'query':
      return appCheck(
        'app.bearer',
        'fail',
        'The access token is in the URL query: it ends up in logs, proxies and browser history. Send it as Authorization: Bearer.',
        APP_CITE.rfc6750Query,
      );
    case 'body':
      return appCheck(
        'app.bearer',
        'fail',
        'The access token is in the request body: LINE reads it from the Authorization header only.',
        APP_CITE.rfc6750Query,
      );
    case 'none':
      return appCheck('app.bearer', 'fail', 'No access token was sent.', APP_CITE.rfc6750Query);
  }
}

/** POST /oauth2/v2.1/verify checks the audience against the client_id the app sends. */
export function verifyClientIdCheck(clientId: string | undefined, channelId: string | undefined): Check {
  if (channelId === undefined) {
    return appCheck(
      'app.verify.client_id',
      'n/a',
      'The channel this ID token was issued to is not known.',
      APP_CITE.verifyIdToken,
    );
  }
  const ok = clientId === channelId;
  return appCheck(
    'app.verify.client_id',
    ok ? 'pass' : 'fail',
    ok
      ? 'The ID token is verified with this channel ID as client_id.'
      : clientId === undefined
        ? 'The ID token is verified without client_id: LINE cannot check the audience. Send your channel ID.'
        : `The ID token is verified with client_id ${clientId}, not the channel ${channelId} it was issued to.`,
    APP_CITE.verifyIdToken,
  );
}

/** `originalIssuedAt`: when the login's first access token was issued (undefined: not seen). */
export function refreshWindowCheck(originalIssuedAt: number | undefined, at: number, knownToken: boolean): Check {
  if (!knownToken || originalIssuedAt === undefined) {
    return appCheck(
      'app.refresh.window',
      'n/a',
      'This refresh token was not issued in a login seen here.',
      APP_CITE.refreshToken,
    );
  }
  const days = Math.floor((at - originalIssuedAt) / (24 * 60 * 60 * 1000));
  const ok = at - originalIssuedAt < REFRESH_TOKEN_LIFETIME_MS;
  return appCheck(
    'app.refresh.window',
    ok ? 'pass' : 'fail',
    ok
      ? `Refreshed with the refresh token ${days} days after the login (LINE: within 90 days).`
      : `Refreshed ${days} days after the login: the refresh token lasts 90 days from the original issue; send the user through login again.`,
    APP_CITE.refreshToken,
  );
}

/** Deauthorize is authorized by a CHANNEL access token; the user's token goes in the JSON body. */
export function deauthorizeCheck(bearerIsUserToken: boolean, hasBearer: boolean, status: number | undefined): Check {
  if (!hasBearer || bearerIsUserToken) {
    return appCheck(
      'app.deauthorize',
      'fail',
      hasBearer
        ? "Deauthorize is sent with the user's access token as Bearer: it needs a channel access token there, and the user's token in userAccessToken."
        : 'Deauthorize is sent without a channel access token.',
      APP_CITE.deauthorize,
    );
  }
  const ok = status !== undefined && status >= 200 && status <= 299;
  return appCheck(
    'app.deauthorize',
    ok ? 'pass' : 'fail',
    ok
      ? "The app deauthorized the user's grant (account deletion), with a channel access token."
      : `Deauthorize did not succeed (${status === undefined ? 'no answer' : `status ${status}`}).`,
    APP_CITE.deauthorize,
  );
}

/** Session level: every login that obtained tokens should end with a revoke when the user logs out. */
export function logoutRevokeCheck(loginsWithTokens: number, revokedLogins: number): Check {
  if (loginsWithTokens === 0) {
    return appCheck('app.logout.revoke', 'n/a', 'No login of this session obtained tokens.', APP_CITE.logout);
  }
  if (revokedLogins >= loginsWithTokens) {
    return appCheck(
      'app.logout.revoke',
      'pass',
      `The tokens of ${revokedLogins} of ${loginsWithTokens} logins were revoked.`,
      APP_CITE.logout,
    );
  }
  return appCheck(
    'app.logout.revoke',
    'warn',
    `${loginsWithTokens - revokedLogins} of ${loginsWithTokens} logins were never revoked: fine while the user stays signed in, but logout must call POST /oauth2/v2.1/revoke.`,
    APP_CITE.logout,
  );
}

/** Session level: n/a unless the app deauthorized someone. */
export function deauthorizeObservedCheck(observed: boolean): Check | undefined {
  return observed
    ? undefined
    : appCheck(
        'app.deauthorize',
        'n/a',
        'No deauthorize call was seen; when a user deletes their account, the app must call it.',
        APP_CITE.deauthorizeGuideline,
      );
}
