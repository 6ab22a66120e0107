/**
 * LINE shows its own 400 page for an unregistered redirect_uri (or client_id) and never redirects
 * back (RFC 6749 §4.1.2.1): when no callback came, asking the authorize URL once more, without a
 * browser session, tells that apart from a browser that could not come back.
 */
import type { FetchLike } from '../lineHttp';
import { messageOf } from '../messageOf';
import type { Redactor } from '../redact';
import { CITE } from './citations';
import { maskParams } from './mask';
import type { Step } from './model';

export async function probeAuthorizeUrl(
  probeFetch: FetchLike,
  authorizeUrl: string,
  redactor: Redactor,
  now: () => number,
): Promise<Step> {
  const url = new URL(authorizeUrl);
  // RFC 6761 §6.3: *.localhost is loopback, though Node's resolver does not know it (an emulator's browser host).
  const probeUrl = new URL(authorizeUrl);
  if (probeUrl.hostname.endsWith('.localhost')) {
    probeUrl.hostname = '127.0.0.1';
  }
  const startedAt = now();
  const step: Step = {
    name: 'authorizeProbe',
    startedAt,
    durationMs: 0,
    request: {
      method: 'GET',
      url: `${url.origin}${url.pathname}`,
      params: maskParams(url.searchParams, redactor),
      headers: {},
    },
    checks: [],
  };
  try {
    const response = await probeFetch(probeUrl.toString(), {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(5000),
    });
    await response.body?.cancel();
    const requestId = response.headers.get('x-line-request-id') ?? undefined;
    step.response = {
      status: response.status,
      ...(requestId === undefined ? {} : { lineRequestId: requestId }),
      fields: {},
    };
    step.checks.push({
      id: 'authorizeProbe.redirect_uri',
      verdict: response.status === 400 ? 'fail' : 'pass',
      explanation:
        response.status === 400
          ? 'LINE answers this authorize URL with its 400 page: the redirect_uri (or client_id) is not registered on the channel.'
          : `LINE accepts this authorize URL (${response.status}): the browser was not sent back for another reason.`,
      citation: CITE.callbackUrl,
    });
  } catch (probeError) {
    step.networkError = redactor.redact(messageOf(probeError));
  }
  step.durationMs = Math.max(0, now() - startedAt);
  return step;
}
