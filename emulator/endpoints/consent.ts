/** POST /oauth2/v2.1/authorize/consent: the answer to the emulator's consent page. */

import { FORM } from '../context';
import type { Handler } from '../context';
import { pageError } from '../errors';
import { accessDenied } from './authorizeRequest';
import { field, mediaType } from '../http';
import { completeAuthorization, offersFriend, redirectTarget, requireChannelRole } from './authorize';

export const consent: Handler = (ctx, state) => {
  if (mediaType(ctx.req) !== FORM) {
    throw pageError(
      400,
      'invalid_consent_form',
      'The consent form must be posted as application/x-www-form-urlencoded.',
    );
  }
  const form = ctx.form.values;
  const request = state.pending.take(field(form, 'pending'));
  if (request === undefined) {
    throw pageError(
      400,
      'unknown_consent_request',
      'This login request has expired or was already answered. Start the login again from the app.',
      'unknown or expired consent request',
    );
  }
  const channel = state.directory.channel(request.channelId);
  if (channel === undefined) {
    throw pageError(400, 'unknown_channel', 'The channel of this login request no longer exists.');
  }
  const action = field(form, 'action');
  if (ctx.denyConsent !== undefined || action === 'cancel') {
    throw accessDenied(ctx.denyConsent).withNote('consent cancelled').redirectedTo(redirectTarget(request));
  }
  const user = state.directory.user(field(form, 'user') ?? '');
  if (action !== 'allow' || user === undefined) {
    throw pageError(400, 'invalid_consent_form', action === 'allow' ? 'Unknown user.' : 'Unknown action.');
  }
  requireChannelRole(channel, user);
  let friendshipChanged = false;
  if (offersFriend(state, request) && field(form, 'add_friend') === 'true') {
    const friendOf = user.friendOf ?? [];
    if (!friendOf.includes(request.channelId)) {
      user.friendOf = [...friendOf, request.channelId];
      friendshipChanged = true;
    }
  }
  state.consents.record(request.channelId, user.userId, request.scopes);
  const cookie = state.sessions.start(user.userId);
  return completeAuthorization(state, request, user, friendshipChanged, { 'set-cookie': cookie });
};
