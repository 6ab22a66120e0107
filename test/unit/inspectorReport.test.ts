/**
 * The flow document treats LINE's and the browser's text as data: rendered the way VS Code's
 * Markdown preview renders (markdown-it with HTML and linkify on), it yields no link, tag or markup.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { markDifference } from '../../src/core/inspector/doctor';
import type { Flow } from '../../src/core/inspector/model';
import { flowDocument, toCurl, toHttpFile } from '../../src/core/inspector/report';
import { inlineMarkdown } from '../../src/core/markdownText';

interface MarkdownIt {
  render(text: string): string;
  linkify: { set(options: Record<string, unknown>): void };
}

// markdown-it is what VS Code's preview uses; here it comes with @vscode/vsce (no types shipped).
const markdownIt = createRequire(__filename)('markdown-it') as (options: Record<string, unknown>) => MarkdownIt;
const md = markdownIt({ html: true, linkify: true });
// As VS Code's preview sets it (extensions/markdown-language-features, markdownEngine.ts).
md.linkify.set({ fuzzyLink: false });

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '[click](https://evil.example/)',
  'https://evil.example/path',
  'www.evil.example',
  'evil.example',
  '**bold** _it_ ~~gone~~ `code`',
  '| a | b |',
  '![x](https://evil.example/x.png)',
  '&lt;script&gt;',
  'line\n# heading',
];

function hostileFlow(text: string): Flow {
  return {
    id: 'f1',
    kind: 'signIn',
    channelId: '1660000001',
    startedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    durationMs: 12,
    outcome: 'failed',
    error: { code: 'ERR_AUTHORIZE_FAILED', message: text },
    steps: [
      {
        name: 'callback',
        startedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
        durationMs: 0,
        request: {
          method: 'GET',
          url: 'http://127.0.0.1:3000/callback',
          params: { error: text, error_description: text },
          headers: {},
        },
        checks: [
          {
            id: 'callback.error',
            verdict: 'fail',
            explanation: `LINE redirected with error=${text}.`,
            citation: { label: 'RFC 6749 §4.1.2.1', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1' },
          },
        ],
      },
    ],
  };
}

describe('flow document and exports', () => {
  test('escaped text renders as the same plain text, with no link, tag or emphasis', () => {
    for (const text of HOSTILE) {
      const html = md.render(`- value: ${inlineMarkdown(text)}\n`);
      assert.ok(!/<(a|img|strong|em|s|code|table|h1|script)\b/.test(html), `${text} → ${html}`);
    }
  });

  test('a whole document with hostile LINE text has links only to the citations', () => {
    for (const text of HOSTILE) {
      const html = md.render(flowDocument(hostileFlow(text)));
      const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
      assert.deepEqual(links, ['https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1'], text);
      assert.ok(!/<img|<script/.test(html), text);
      assert.equal((html.match(/<h1/g) ?? []).length, 1, `only the document's own title: ${text}`);
    }
  });

  test('the document has UTC times, the channel ID and the timeline', () => {
    const document = flowDocument(hostileFlow('ACCESS_DENIED'));
    assert.match(document, /Started: 2026-01-02T03:04:05\.000Z \(UTC\)/);
    assert.match(document, /Channel ID: 1660000001/);
    assert.match(document, /## Timeline\n\n- 2026-01-02T03:04:05\.000Z \+0 ms callback/);
  });

  test('exports quote non-secret values for the shell and read secrets from the environment', () => {
    const flow: Flow = {
      ...hostileFlow('x'),
      steps: [
        {
          name: 'token',
          startedAt: 0,
          durationMs: 1,
          request: {
            method: 'POST',
            url: 'https://api.line.me/oauth2/v2.1/token',
            params: {
              grant_type: 'authorization_code',
              code: 'abcdef…',
              redirect_uri: "http://127.0.0.1:3000/cb?x='y'",
              client_secret: 'a1b2c3…',
            },
            headers: {},
          },
          checks: [],
        },
      ],
    };
    const curl = toCurl(flow);
    assert.ok(curl.includes(`--data-urlencode 'redirect_uri=http://127.0.0.1:3000/cb?x='\\''y'\\'''`), curl);
    assert.ok(curl.includes('--data-urlencode "code=$LINE_AUTHORIZATION_CODE"'));
    assert.ok(!curl.includes('abcdef') && !curl.includes('a1b2c3'));
    const http = toHttpFile(flow);
    assert.ok(http.includes('client_secret={{$processEnv LINE_CHANNEL_SECRET}}'));
    assert.ok(!http.includes('abcdef') && !http.includes('a1b2c3'));
  });

  test('markDifference brackets the differing middle', () => {
    assert.deepEqual(markDifference('http://localhost:3000/cb', 'http://127.0.0.1:3000/cb'), {
      expected: 'http://[localhost]:3000/cb',
      actual: 'http://[127.0.0.1]:3000/cb',
    });
    assert.deepEqual(markDifference('https://a/cb', 'http://a/cb'), {
      expected: 'http[s]://a/cb',
      actual: 'http[]://a/cb',
    });
  });
});
