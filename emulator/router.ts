/**
 * The one route table (method + path → endpoint and handler), and the one place a handler's
 * EmulatorError becomes a response.
 */

import type { Handler, RequestContext } from './context';
import { EmulatorError } from './errors';
import { applyFault } from './faults';
import type { FaultBook } from './faults';
import { errorParams, errorReply } from './respond';
import { authorizationResponse } from './endpoints/authorizeResponse';
import type { Reply } from './respond';
import type { EmulatorState } from './state';
import type { EmulatorEndpoint } from './types';
import { authorize } from './endpoints/authorize';
import { consent } from './endpoints/consent';
import { token } from './endpoints/token';
import { verifyAccessToken } from './endpoints/verify';
import { verifyIdToken } from './endpoints/verifyIdToken';
import { revoke } from './endpoints/revoke';
import { friendship, profile, userinfo } from './endpoints/profile';
import { deauthorize } from './endpoints/deauthorize';
import { channelToken } from './endpoints/channelToken';
import { certs, discovery } from './endpoints/discovery';

interface Route {
  method: string;
  path: string;
  /** What the request is recorded, logged and faulted as. */
  endpoint: EmulatorEndpoint;
  handle: Handler;
}

/** The first route of a path also names requests to it with a wrong method. */
const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/oauth2/v2.1/authorize', endpoint: 'authorize', handle: authorize },
  // The consent page's form post counts as part of the authorize step.
  { method: 'POST', path: '/oauth2/v2.1/authorize/consent', endpoint: 'authorize', handle: consent },
  { method: 'POST', path: '/oauth2/v2.1/token', endpoint: 'token', handle: token },
  // One path, two APIs: GET verifies an access token, POST an ID token.
  { method: 'GET', path: '/oauth2/v2.1/verify', endpoint: 'verify', handle: verifyAccessToken },
  { method: 'POST', path: '/oauth2/v2.1/verify', endpoint: 'verifyIdToken', handle: verifyIdToken },
  { method: 'POST', path: '/oauth2/v2.1/revoke', endpoint: 'revoke', handle: revoke },
  { method: 'GET', path: '/oauth2/v2.1/userinfo', endpoint: 'userinfo', handle: userinfo },
  { method: 'POST', path: '/oauth2/v2.1/userinfo', endpoint: 'userinfo', handle: userinfo },
  { method: 'GET', path: '/v2/profile', endpoint: 'profile', handle: profile },
  { method: 'GET', path: '/friendship/v1/status', endpoint: 'friendship', handle: friendship },
  { method: 'POST', path: '/user/v1/deauthorize', endpoint: 'deauthorize', handle: deauthorize },
  { method: 'POST', path: '/oauth2/v3/token', endpoint: 'channelToken', handle: channelToken },
  { method: 'GET', path: '/oauth2/v2.1/certs', endpoint: 'certs', handle: certs },
  // Recorded (and faulted) as `certs`: it is how clients find the JWKS.
  { method: 'GET', path: '/.well-known/openid-configuration', endpoint: 'certs', handle: discovery },
];

export type RouteMatch =
  | { kind: 'route'; route: Route }
  /** A known path with a wrong method: recorded as the path's first endpoint, answered 405. */
  | { kind: 'wrongMethod'; endpoint: EmulatorEndpoint; allow: string[] }
  | { kind: 'unknownPath' };

export function matchRoute(method: string, path: string): RouteMatch {
  const forPath = ROUTES.filter((route) => route.path === path);
  const first = forPath[0];
  if (first === undefined) {
    return { kind: 'unknownPath' };
  }
  const route = forPath.find((candidate) => candidate.method === method);
  return route === undefined
    ? { kind: 'wrongMethod', endpoint: first.endpoint, allow: forPath.map((candidate) => candidate.method) }
    : { kind: 'route', route };
}

export interface Dispatcher {
  state: EmulatorState;
  faults: FaultBook;
  /** Resolves true to go on, false when the server closed or the client left meanwhile. */
  delay: (ms: number) => Promise<boolean>;
}

/**
 * Runs the endpoint's fault, if any, then its handler. Undefined: no answer (the connection was
 * dropped). The log note of an error is set on `ctx`.
 */
export async function dispatch(
  route: Route,
  ctx: RequestContext,
  { state, faults, delay }: Dispatcher,
): Promise<{ reply: Reply | undefined; faultNote?: string }> {
  const fault = faults.take(route.endpoint);
  const faultNote = fault === undefined ? {} : { faultNote: `fault ${fault.kind}` };
  if (fault !== undefined) {
    const outcome = await applyFault(ctx, fault, delay);
    if (outcome.kind === 'reply') {
      return { reply: outcome.reply, ...faultNote };
    }
    if (outcome.kind === 'drop') {
      return { reply: undefined, ...faultNote };
    }
  }
  try {
    return { reply: await route.handle(ctx, state), ...faultNote };
  } catch (error) {
    if (!(error instanceof EmulatorError)) {
      throw error;
    }
    ctx.note = error.note ?? (error.shape === 'oauth' || error.shape === 'redirect' ? error.message : undefined);
    const reply =
      error.redirect === undefined
        ? errorReply(error)
        : await authorizationResponse(state, error.redirect, errorParams(error, error.redirect));
    return { reply, ...faultNote };
  }
}
