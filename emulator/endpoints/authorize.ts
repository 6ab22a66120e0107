/** GET /oauth2/v2.1/authorize: the browser's entry to LINE Login. */

import type { Handler, RequestContext } from '../context';
import { authorizeError, EmulatorError, pageError } from '../errors';
import type { ClientRedirect } from '../errors';
import { field } from '../http';
import { consentLanguage, consentPage, INVALID_REDIRECT_URI_MESSAGE } from '../pages';
import { page } from '../respond';
import { authorizationResponse } from './authorizeResponse';
import type { Reply } from '../respond';
import type { EmulatorState } from '../state';
import type { AuthorizeRequest } from '../state/codes';
import type { EmulatorChannel, EmulatorUser } from '../types';
import { accessDenied, callbackMatches, parseAuthorizeRequest, responseModeOf } from './authorizeRequest';

export const authorize: Handler = async (ctx, state) => {
  const q = ctx.query.values;
  const channel = state.directory.channel(field(q, 'client_id'));
  const redirectUri = field(q, 'redirect_uri');
  const ambiguous = ctx.query.duplicates.includes('client_id') || ctx.query.duplicates.includes('redirect_uri');
  if (channel === undefined || redirectUri === undefined || ambiguous || !callbackMatches(channel, redirectUri)) {
    // LINE never redirects to an unverified redirect_uri (RFC 6749 §4.1.2.1): its own 400 page instead.
    throw pageError(
      400,
      'invalid_redirect_uri',
      INVALID_REDIRECT_URI_MESSAGE,
      channel === undefined ? 'unknown client_id' : 'unregistered redirect_uri',
    );
  }
  const target = {
    clientId: channel.channelId,
    redirectUri,
    mode: responseModeOf(ctx.query),
    state: field(q, 'state'),
  };
  try {
    return await authorizeVerified(ctx, state, channel, redirectUri);
  } catch (error) {
    throw error instanceof EmulatorError && error.shape === 'oauth' ? error.redirectedTo(target) : error;
  }
};

/** From here on, errors go back to the app's (verified) callback. */
function authorizeVerified(
  ctx: RequestContext,
  state: EmulatorState,
  channel: EmulatorChannel,
  redirectUri: string,
): Promise<Reply> {
  if (ctx.denyConsent !== undefined) {
    throw accessDenied(ctx.denyConsent);
  }
  const request = parseAuthorizeRequest(channel, redirectUri, ctx.query);
  const autoUser = autoApproveUser(state);
  const sessionUser = state.sessions.userOf(ctx.req.headers.cookie);
  if (request.prompt === 'none') {
    // README ledger L8: LINE describes both codes as auto login failing on the device; the
    // emulator's device is the browser session (or autoApprove).
    const user = autoUser ?? sessionUser;
    if (user === undefined) {
      throw authorizeError('LOGIN_REQUIRED', 'Auto login failed: the user is not logged in to LINE.');
    }
    requireChannelRole(channel, user);
    if (request.disableAutoLogin || !state.consents.has(request.channelId, user.userId, request.scopes)) {
      throw authorizeError('INTERACTION_REQUIRED', 'Auto login failed: the user has to interact with LINE.');
    }
    return completeAuthorization(state, request, user, false);
  }
  if (autoUser !== undefined) {
    requireChannelRole(channel, autoUser);
    state.consents.record(request.channelId, autoUser.userId, request.scopes);
    return completeAuthorization(state, request, autoUser, false);
  }
  const forceUi = request.prompt === 'consent' || request.prompt === 'login' || request.disableAutoLogin;
  if (
    sessionUser !== undefined &&
    !forceUi &&
    state.consents.has(request.channelId, sessionUser.userId, request.scopes)
  ) {
    requireChannelRole(channel, sessionUser);
    ctx.note = 'existing consent';
    return completeAuthorization(state, request, sessionUser, false);
  }

  const pendingId = state.pending.add(request);
  const users = state.directory.users();
  return Promise.resolve(
    page(
      200,
      consentPage({
        pendingId,
        channelId: channel.channelId,
        channelName: channel.name ?? `Channel ${channel.channelId}`,
        // README ledger L26: without the email permission the page does not ask for the address.
        scopes:
          channel.emailPermission === false ? request.scopes.filter((scope) => scope !== 'email') : request.scopes,
        redirectUri,
        users: users.map((user) => ({ userId: user.userId, displayName: user.displayName })),
        selectedUserId: sessionUser?.userId ?? users[0]?.userId,
        botPrompt: offersFriend(state, request),
        language: consentLanguage(request.uiLocales, ctx.req.headers['accept-language']),
      }),
    ),
  );
}

function autoApproveUser(state: EmulatorState): EmulatorUser | undefined {
  if (state.autoApprove === false) {
    return undefined;
  }
  const user = state.autoApprove === true ? state.directory.firstUser() : state.directory.user(state.autoApprove);
  if (user === undefined) {
    throw authorizeError('SERVER_ERROR', 'emulator: the autoApprove user is not configured');
  }
  return user;
}

/**
 * README ledger L14: while a channel is in developing status, only users with a role on it may log
 * in; LINE shows everyone else its own 400 page instead of going back to the app.
 */
export function requireChannelRole(channel: EmulatorChannel, user: EmulatorUser): void {
  if (channel.status === 'developing' && !(channel.developerUserIds ?? []).includes(user.userId)) {
    throw pageError(
      400,
      'channel_developing',
      'This channel is now developing status. User can not login this channel.',
      'channel in developing status; the user has no role on it',
    );
  }
}

/** Issues the code and sends the browser back to the app with it. */
export function completeAuthorization(
  state: EmulatorState,
  request: AuthorizeRequest,
  user: EmulatorUser,
  friendshipChanged: boolean,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const code = state.codes.issue(request, user.userId);
  const params: Record<string, string> = { code, state: request.state };
  if (offersFriend(state, request)) {
    params['friendship_status_changed'] = String(friendshipChanged);
  }
  return authorizationResponse(state, redirectTarget(request), params, headers);
}

/**
 * README ledger L25: `bot_prompt` shows the add-friend option (and the callback reports
 * `friendship_status_changed`) only for a channel with a linked Official Account.
 */
export function offersFriend(state: EmulatorState, request: AuthorizeRequest): boolean {
  return request.botPrompt !== undefined && (state.directory.channel(request.channelId)?.officialAccountLinked ?? true);
}

export function redirectTarget(request: AuthorizeRequest): ClientRedirect {
  return {
    clientId: request.channelId,
    redirectUri: request.redirectUri,
    mode: request.responseMode,
    state: request.state,
  };
}
