/** How a LINE request becomes a named step, and the small parsers the recorder shares. */
import type { FlowKind, StepName } from './model';

const PATH_STEPS: Record<string, StepName> = {
  '/oauth2/v2.1/revoke': 'revoke',
  '/oauth2/v2.1/userinfo': 'userinfo',
  '/v2/profile': 'profile',
  '/friendship/v1/status': 'friendship',
  '/oauth2/v3/token': 'channelToken',
  '/user/v1/deauthorize': 'deauthorize',
};

export const STEP_KINDS: Partial<Record<StepName, FlowKind>> = {
  authorize: 'signIn',
  token: 'signIn',
  refresh: 'refresh',
  verifyAccessToken: 'verifyAccessToken',
  verifyIdToken: 'verifyIdToken',
  revoke: 'revoke',
  deauthorize: 'deauthorize',
  profile: 'profile',
  userinfo: 'userinfo',
  friendship: 'friendship',
  channelToken: 'channelToken',
};

export function stepNameOf(method: string, path: string, form: URLSearchParams | undefined): StepName {
  if (path === '/oauth2/v2.1/token') {
    return form?.get('grant_type') === 'refresh_token' ? 'refresh' : 'token';
  }
  if (path === '/oauth2/v2.1/verify') {
    return method === 'GET' ? 'verifyAccessToken' : 'verifyIdToken';
  }
  return PATH_STEPS[path] ?? 'other';
}

export function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  new Headers(headers ?? {}).forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

export function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
