import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthorizationError } from '../../src/core/errors';
import {
  isForgedErrorCallback,
  parseCallbackParams,
  parseCallbackUrl,
  parseRedirectedUrl,
} from '../../src/core/callback';
import { escapeHtml } from '../../src/core/html';
import { RESULT_PAGE_HEADERS, renderResultPage } from '../../src/core/resultPage';

const STATE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const CODE = 'Zq8xCodeValue123';
const CALLBACK = 'http://localhost:33418/callback';

function params(query: Record<string, string>): URLSearchParams {
  return new URLSearchParams(query);
}

/** Runs fn, expects an AuthorizationError with `code`, and returns it for further checks. */
function expectAuthError(fn: () => unknown, code: string): AuthorizationError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AuthorizationError, `expected an AuthorizationError, got ${String(error)}`);
    assert.equal(error.code, code);
    return error;
  }
  assert.fail(`expected ${code}, nothing was thrown`);
}

describe('parseCallbackUrl', () => {
  const valid: [string, string[], number, string][] = [
    ['http://127.0.0.1:33418/callback', ['127.0.0.1'], 33418, '/callback'],
    ['http://[::1]:33418/callback', ['::1'], 33418, '/callback'],
    ['http://localhost:33418/callback', ['127.0.0.1', '::1'], 33418, '/callback'],
    ['http://LOCALHOST:8080/a/b/', ['127.0.0.1', '::1'], 8080, '/a/b/'],
    ['http://localhost/callback', ['127.0.0.1', '::1'], 80, '/callback'],
    ['http://localhost:33418', ['127.0.0.1', '::1'], 33418, '/'],
    ['  http://localhost:33418/cb?channel=dev&x=1  ', ['127.0.0.1', '::1'], 33418, '/cb'],
  ];
  for (const [url, bindHosts, port, path] of valid) {
    test(`accepts ${url.trim()}`, () => {
      const parsed = parseCallbackUrl(url);
      assert.deepEqual(parsed.bindHosts, bindHosts);
      assert.equal(parsed.port, port);
      assert.equal(parsed.path, path);
      assert.ok(parsed.url instanceof URL);
    });
  }

  const invalid = [
    '',
    'not a url',
    '/callback',
    'https://localhost:33418/callback',
    'http://example.com:33418/callback',
    'http://0.0.0.0:33418/callback',
    'http://[::]:33418/callback',
    'http://127.0.0.2:33418/callback',
    'http://192.168.1.10:33418/callback',
    'http://localhost.:33418/callback',
    'http://localhost.example.com:33418/callback',
    'http://user:pass@localhost:33418/callback',
    'http://localhost:33418/callback#frag',
    'http://localhost:0/callback',
    'ftp://localhost:33418/callback',
    'vscode://line-login-devtools/callback',
  ];
  for (const url of invalid) {
    test(`rejects ${JSON.stringify(url)} with an example of a valid one`, () => {
      const error = expectAuthError(() => parseCallbackUrl(url), 'ERR_CALLBACK_URL_INVALID');
      assert.match(error.message, /http:\/\/localhost:33418\/callback/);
    });
  }
});

describe('parseCallbackParams', () => {
  test('returns the code', () => {
    assert.deepEqual(parseCallbackParams(params({ code: CODE, state: STATE }), STATE), { code: CODE });
  });

  test('returns friendship_status_changed as a boolean when present', () => {
    assert.deepEqual(
      parseCallbackParams(params({ code: CODE, state: STATE, friendship_status_changed: 'true' }), STATE),
      {
        code: CODE,
        friendshipStatusChanged: true,
      },
    );
    assert.deepEqual(
      parseCallbackParams(params({ code: CODE, state: STATE, friendship_status_changed: 'false' }), STATE),
      {
        code: CODE,
        friendshipStatusChanged: false,
      },
    );
    const unknown = parseCallbackParams(
      params({ code: CODE, state: STATE, friendship_status_changed: 'maybe' }),
      STATE,
    );
    assert.equal('friendshipStatusChanged' in unknown, false);
  });

  test('missing state → ERR_STATE_MISSING', () => {
    expectAuthError(() => parseCallbackParams(params({ code: CODE }), STATE), 'ERR_STATE_MISSING');
    expectAuthError(() => parseCallbackParams(params({ code: CODE, state: '' }), STATE), 'ERR_STATE_MISSING');
  });

  test('wrong state (same or different length) → ERR_STATE_MISMATCH mentioning auto login, without values', () => {
    const sameLength = `${STATE.slice(0, -1)}${STATE.endsWith('1') ? '2' : '1'}`;
    for (const state of [sameLength, 'short', `${STATE}0`, STATE.toUpperCase()]) {
      const error = expectAuthError(
        () => parseCallbackParams(params({ code: CODE, state }), STATE),
        'ERR_STATE_MISMATCH',
      );
      assert.match(error.message, /auto login/);
      assert.match(error.message, /disable_auto_login/);
      assert.ok(!error.message.includes(CODE));
      assert.ok(!error.message.includes(state));
      assert.ok(!error.message.includes(STATE));
    }
  });

  test('state is checked before code: wrong state without code is a mismatch', () => {
    expectAuthError(() => parseCallbackParams(params({ state: 'x' }), STATE), 'ERR_STATE_MISMATCH');
  });

  test('missing code → ERR_CODE_MISSING', () => {
    expectAuthError(() => parseCallbackParams(params({ state: STATE }), STATE), 'ERR_CODE_MISSING');
    expectAuthError(() => parseCallbackParams(params({ state: STATE, code: '' }), STATE), 'ERR_CODE_MISSING');
  });

  test('error=access_denied in any case → ERR_ACCESS_DENIED', () => {
    for (const value of ['access_denied', 'ACCESS_DENIED', 'Access_Denied']) {
      const error = expectAuthError(
        () =>
          parseCallbackParams(
            params({ error: value, error_description: 'The user has denied the approval', state: STATE }),
            STATE,
          ),
        'ERR_ACCESS_DENIED',
      );
      assert.equal(error.details.lineError, value);
      assert.equal(error.details.lineErrorDescription, 'The user has denied the approval');
    }
  });

  test('other errors → ERR_AUTHORIZE_FAILED carrying LINE error and description', () => {
    const error = expectAuthError(
      () =>
        parseCallbackParams(
          params({ error: 'INVALID_SCOPE', error_description: 'scope is invalid', state: STATE }),
          STATE,
        ),
      'ERR_AUTHORIZE_FAILED',
    );
    assert.equal(error.details.lineError, 'INVALID_SCOPE');
    assert.equal(error.details.lineErrorDescription, 'scope is invalid');
    assert.match(error.message, /INVALID_SCOPE/);
  });

  test('an error takes precedence over a code', () => {
    expectAuthError(
      () => parseCallbackParams(params({ error: 'SERVER_ERROR', code: CODE, state: STATE }), STATE),
      'ERR_AUTHORIZE_FAILED',
    );
  });

  test('an error without state is not trusted: ERR_STATE_MISSING, and none of its text is repeated', () => {
    const forged = '[Open settings](command:workbench.action.openSettings?%22evil%22)';
    const error = expectAuthError(
      () => parseCallbackParams(params({ error: 'INVALID_REQUEST', error_description: forged }), STATE),
      'ERR_STATE_MISSING',
    );
    assert.deepEqual(error.details, {});
    assert.ok(!error.message.includes('command:'), error.message);
    assert.ok(!error.message.includes('INVALID_REQUEST'), error.message);
    assert.equal(isForgedErrorCallback(params({ error: 'INVALID_REQUEST' }), STATE), true);
    assert.equal(isForgedErrorCallback(params({ error: 'INVALID_REQUEST', state: '' }), STATE), true);
  });

  test('an error with a wrong state is not trusted → ERR_STATE_MISMATCH, its text not repeated', () => {
    const error = expectAuthError(
      () =>
        parseCallbackParams(params({ error: 'access_denied', error_description: 'evil text', state: 'forged' }), STATE),
      'ERR_STATE_MISMATCH',
    );
    assert.ok(!error.message.includes('evil text'));
    assert.equal(isForgedErrorCallback(params({ error: 'access_denied', state: 'forged' }), STATE), true);
    assert.equal(isForgedErrorCallback(params({ error: 'access_denied', state: STATE }), STATE), false);
    assert.equal(isForgedErrorCallback(params({ code: CODE }), STATE), false, 'only error redirects are ignored');
  });

  test('error_description is stripped of control characters and truncated', () => {
    const error = expectAuthError(
      () =>
        parseCallbackParams(
          params({ error: 'SERVER_ERROR', error_description: `line1\r\nline2${'x'.repeat(1000)}`, state: STATE }),
          STATE,
        ),
      'ERR_AUTHORIZE_FAILED',
    );
    const description = error.details.lineErrorDescription ?? '';
    assert.ok(!/[\r\n]/.test(description));
    assert.ok(description.length <= 301);
    assert.ok(error.message.length < 600);
  });

  test('an empty expected state is a caller bug', () => {
    assert.throws(() => parseCallbackParams(params({ code: CODE, state: '' }), ''), { code: 'ERR_INVALID_INPUT' });
  });
});

describe('parseRedirectedUrl', () => {
  test('accepts the pasted redirect, trimmed, with extra registered query params', () => {
    assert.deepEqual(parseRedirectedUrl(`  ${CALLBACK}?code=${CODE}&state=${STATE}\n`, CALLBACK, STATE), {
      code: CODE,
    });
    assert.deepEqual(
      parseRedirectedUrl(
        `http://localhost:33418/callback?env=dev&code=${CODE}&state=${STATE}`,
        'http://localhost:33418/callback?env=dev',
        STATE,
      ),
      { code: CODE },
    );
  });

  test('tolerates a URL copied without its scheme', () => {
    assert.deepEqual(parseRedirectedUrl(`localhost:33418/callback?code=${CODE}&state=${STATE}`, CALLBACK, STATE), {
      code: CODE,
    });
  });

  test('works for a non-loopback callback URL (nothing has to load there)', () => {
    assert.deepEqual(
      parseRedirectedUrl(`https://example.com/cb?code=${CODE}&state=${STATE}`, 'https://example.com/cb', STATE),
      {
        code: CODE,
      },
    );
  });

  for (const [label, pasted] of [
    ['empty text', '   '],
    ['not a URL', 'hello world'],
    ['another host', `http://127.0.0.1:33418/callback?code=${CODE}&state=${STATE}`],
    ['another port', `http://localhost:33419/callback?code=${CODE}&state=${STATE}`],
    ['another path', `http://localhost:33418/callbackx?code=${CODE}&state=${STATE}`],
    ['https instead of http', `https://localhost:33418/callback?code=${CODE}&state=${STATE}`],
    ['the bare callback URL', CALLBACK],
    ['the authorize URL', `https://access.line.me/oauth2/v2.1/authorize?response_type=code&state=${STATE}`],
  ] as const) {
    test(`rejects ${label} as ERR_REDIRECT_URL_INVALID asking for the whole address-bar URL`, () => {
      const error = expectAuthError(() => parseRedirectedUrl(pasted, CALLBACK, STATE), 'ERR_REDIRECT_URL_INVALID');
      assert.match(error.message, /address bar/);
      assert.ok(!error.message.includes(CODE));
      assert.ok(!error.message.includes(STATE));
    });
  }

  test('still checks state and code', () => {
    expectAuthError(
      () => parseRedirectedUrl(`${CALLBACK}?code=${CODE}&state=other`, CALLBACK, STATE),
      'ERR_STATE_MISMATCH',
    );
    expectAuthError(() => parseRedirectedUrl(`${CALLBACK}?code=${CODE}`, CALLBACK, STATE), 'ERR_STATE_MISSING');
    expectAuthError(
      () => parseRedirectedUrl(`${CALLBACK}?error=access_denied&state=${STATE}`, CALLBACK, STATE),
      'ERR_ACCESS_DENIED',
    );
  });

  test('an invalid callback URL → ERR_CALLBACK_URL_INVALID', () => {
    expectAuthError(
      () => parseRedirectedUrl(`${CALLBACK}?code=${CODE}&state=${STATE}`, 'nope', STATE),
      'ERR_CALLBACK_URL_INVALID',
    );
  });
});

describe('renderResultPage', () => {
  test('success page says where to go next and has no script or external resource', () => {
    const html = renderResultPage({ ok: true });
    assert.match(html, /Signed in to LINE Login DevTools/);
    assert.match(html, /You can close this tab and return to VS Code/);
    assert.match(html, /<html lang="en">/);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /\b(src|href)=/i);
    assert.doesNotMatch(html, /https?:\/\//);
  });

  test('escapes every reflected text', () => {
    const html = renderResultPage({ ok: false, title: '<b>"T"</b>', detail: `<script>alert('x')</script>&` });
    assert.doesNotMatch(html, /<script>/);
    assert.doesNotMatch(html, /<b>/);
    assert.match(html, /&lt;script&gt;alert\(&#39;x&#39;\)&lt;\/script&gt;&amp;/);
    assert.match(html, /&lt;b&gt;&quot;T&quot;&lt;\/b&gt;/);
  });

  test('uses localized strings, escaped too', () => {
    const html = renderResultPage(
      { ok: true },
      {
        lang: 'ja',
        successTitle: 'LINE Login DevTools にサインインしました<>',
        successMessage: 'このタブを閉じて VS Code に戻ってください。',
      },
    );
    assert.match(html, /<html lang="ja">/);
    assert.match(html, /サインインしました&lt;&gt;/);
    assert.match(html, /このタブを閉じて/);
  });

  test('escapeHtml covers the five HTML specials', () => {
    assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
  });

  test('headers forbid scripts, framing, referrers and caching', () => {
    assert.equal(
      RESULT_PAGE_HEADERS['Content-Security-Policy'],
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    assert.equal(RESULT_PAGE_HEADERS['Referrer-Policy'], 'no-referrer');
    assert.equal(RESULT_PAGE_HEADERS['X-Content-Type-Options'], 'nosniff');
    assert.equal(RESULT_PAGE_HEADERS['Cache-Control'], 'no-store');
    assert.equal(RESULT_PAGE_HEADERS['Content-Type'], 'text/html; charset=utf-8');
  });
});
