import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_ADVICE, composeErrorMessage } from '../../src/core/errorAdvice';
import {
  AuthorizationError,
  IdTokenError,
  InputError,
  LineApiError,
  TokenError,
  type LineLoginErrorCode,
} from '../../src/core/errors';

const ROOT = join(__dirname, '..', '..', '..');

describe('one message source per error code', () => {
  test("every error's message is the code's advice followed by its particulars", () => {
    const errors = [
      new LineApiError('ERR_LINE_RATE_LIMITED', 'LINE answered GET /v2/profile with 429.', {
        endpoint: 'GET /v2/profile',
      }),
      new AuthorizationError('ERR_PORT_IN_USE', 'Port 33418 is in use.'),
      new IdTokenError('ERR_ID_TOKEN_EXPIRED', 'It expired at 2024-06-01T12:00:00Z.'),
      new TokenError('ERR_NO_REFRESH_TOKEN', ''),
      new InputError('ERR_INVALID_INPUT', 'maxAge must be a number.', 'maxAge'),
    ];
    for (const error of errors) {
      const advice: string = ERROR_ADVICE[error.code];
      assert.ok(error.message.startsWith(advice), error.message);
      assert.equal(error.message, error.specifics === '' ? advice : `${advice} ${error.specifics}`);
    }
  });

  test('every code has advice that says something', () => {
    for (const [code, advice] of Object.entries(ERROR_ADVICE)) {
      assert.match(code, /^ERR_[A-Z_]+$/);
      assert.ok(advice.length >= 15 && /[.!?]$/.test(advice), `${code}: ${advice}`);
      assert.equal(composeErrorMessage(code as LineLoginErrorCode, ''), advice);
    }
  });

  test('no other source file writes an advice text a second time', () => {
    const files = ['src/core', 'src/vscode']
      .flatMap((dir) =>
        readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((file) => join(ROOT, dir, file)),
      )
      .filter((file) => file.endsWith('.ts') && !file.endsWith('errorAdvice.ts'));
    const sources = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    for (const [code, advice] of Object.entries(ERROR_ADVICE)) {
      // The first sentence is enough to recognise a copy, and long enough not to match by chance.
      const first = advice.split(/(?<=[.:;])\s/)[0] ?? advice;
      const probe = first.length >= 30 ? first : advice;
      if (probe.length < 30) {
        continue;
      }
      for (const { file, text } of sources) {
        assert.ok(!text.includes(probe), `${file} repeats the advice of ${code}: "${probe}"`);
      }
    }
  });
});
