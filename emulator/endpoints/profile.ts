/** The user-data endpoints behind a user access token: userinfo (openid), profile and friendship (profile). */

import type { Handler } from '../context';
import { json } from '../respond';
import { requireBearer } from './bearer';

/** GET or POST /oauth2/v2.1/userinfo. */
export const userinfo: Handler = (ctx, state) => {
  const { user, grant } = requireBearer(ctx, state, 'openid');
  const profile = grant.scopes.includes('profile');
  return json(200, {
    sub: user.userId,
    ...(profile ? { name: user.displayName } : {}),
    ...(profile && user.pictureUrl !== undefined ? { picture: user.pictureUrl } : {}),
  });
};

/** GET /v2/profile. */
export const profile: Handler = (ctx, state) => {
  const { user } = requireBearer(ctx, state, 'profile');
  return json(200, {
    userId: user.userId,
    displayName: user.displayName,
    ...(user.pictureUrl === undefined ? {} : { pictureUrl: user.pictureUrl }),
    ...(user.statusMessage === undefined ? {} : { statusMessage: user.statusMessage }),
  });
};

/**
 * GET /friendship/v1/status: is the user a friend of the channel's linked LINE Official Account.
 * README ledger L25: with no linked account there is nothing to be a friend of, so `false`.
 */
export const friendship: Handler = (ctx, state) => {
  const { user, grant } = requireBearer(ctx, state, 'profile');
  const linked = state.directory.channel(grant.channelId)?.officialAccountLinked ?? true;
  return json(200, { friendFlag: linked && (user.friendOf ?? []).includes(grant.channelId) });
};
