import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors';
import { messageOf } from '../../src/core/messageOf';

test('an Error gives its message (not its name or stack); anything else is stringified', () => {
  assert.equal(messageOf(new TypeError('bad input')), 'bad input');
  const coded = new InputError('ERR_INVALID_INPUT', 'say what to do', 'field');
  assert.equal(messageOf(coded), coded.message);
  assert.match(messageOf(coded), /say what to do$/);
  assert.equal(messageOf('plain text'), 'plain text');
  assert.equal(messageOf(42), '42');
  assert.equal(messageOf(undefined), 'undefined');
});
