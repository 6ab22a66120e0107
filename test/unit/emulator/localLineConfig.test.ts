import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseLocalLineConfig, STARTER_LOCAL_LINE_CONFIG } from '../../../emulator/index';
import type { ConfigProblem, LocalLineConfig } from '../../../emulator/index';
import { LOCAL_LINE_SCHEMA } from '../../../emulator/config/schema';

const SECRET = '0123456789abcdef0123456789abcdef';
const WEB_ID = '1234567890';
const ALICE_ID = `U${'a1'.repeat(16)}`;
const BOB_ID = `U${'b2'.repeat(16)}`;

/** A valid file, one setting per line, so that a problem's line is easy to state. */
function file(overrides: { channel?: string; user?: string; tail?: string } = {}): string {
  return [
    '{', // 1
    '  // comments are allowed', // 2
    '  "channels": [', // 3
    '    {', // 4
    `      "channelId": "${WEB_ID}",`, // 5
    `      "channelSecret": "${SECRET}",`, // 6
    '      "callbackUrls": ["http://localhost:3000/cb"],', // 7
    `      "kind": "web",${overrides.channel ?? ''}`, // 8
    '    },', // 9
    '  ],', // 10
    '  "users": [', // 11
    `    { "userId": "${ALICE_ID}", "displayName": "Alice", "email": null${overrides.user ?? ''} },`, // 12
    `    { "userId": "${BOB_ID}", "displayName": "Bob" },`, // 13
    `  ],${overrides.tail ?? ''}`, // 14
    '}', // 15
  ].join('\n');
}

function problems(text: string): ConfigProblem[] {
  const result = parseLocalLineConfig(text);
  if (result.ok) {
    assert.fail('expected problems, the file parsed');
  }
  return result.problems;
}

/** The 1-based column of `needle` (its first occurrence) on `line` of `text`. */
function col(text: string, line: number, needle: string): number {
  const index = (text.split('\n')[line - 1] ?? '').indexOf(needle);
  assert.ok(index >= 0, `${needle} not on line ${line}`);
  return index + 1;
}

/** The one problem of `text`, on `line` where `needle` starts, its message matching `pattern`. */
function assertProblem(text: string, line: number, needle: string | number, pattern: RegExp): void {
  const column = typeof needle === 'number' ? needle : col(text, line, needle);
  const found = problems(text);
  assert.equal(found.length, 1, JSON.stringify(found));
  const [problem] = found;
  assert.deepEqual({ line: problem?.line, column: problem?.column }, { line, column }, problem?.message);
  assert.match(problem?.message ?? '', pattern);
}

describe('Local LINE configuration: parseLocalLineConfig', () => {
  test('a valid file with comments and trailing commas parses to its value', () => {
    const result = parseLocalLineConfig(file());
    assert.ok(result.ok, JSON.stringify(result));
    const expected: LocalLineConfig = {
      channels: [{ channelId: WEB_ID, channelSecret: SECRET, callbackUrls: ['http://localhost:3000/cb'], kind: 'web' }],
      users: [
        { userId: ALICE_ID, displayName: 'Alice', email: null },
        { userId: BOB_ID, displayName: 'Bob' },
      ],
    };
    assert.deepEqual(result.config, expected);
  });

  test('the starter file parses, with both kinds of channel and users with and without email', () => {
    const result = parseLocalLineConfig(STARTER_LOCAL_LINE_CONFIG);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(
      result.config.channels.map((channel) => channel.kind),
      ['web', 'native'],
    );
    assert.deepEqual(
      result.config.users.map((user) => user.email ?? null),
      ['hanako@example.com', null],
    );
    assert.deepEqual(
      result.config.users.map((user) => (user.friendOf ?? []).length),
      [1, 0],
    );
    assert.equal(result.config.consent?.mode, 'page');
    assert.match(STARTER_LOCAL_LINE_CONFIG, /^\s*\/\/ /m);
  });

  test('syntax errors have their line and column', () => {
    assertProblem(file().replace('"kind": "web",', '"kind" "web",'), 8, '"web"', /^Syntax error: A colon is expected/);
    const unclosed = problems('{\n  "channels": [\n');
    assert.deepEqual(
      unclosed.map((problem) => problem.line),
      [3, 3],
    );
    assert.match(unclosed[0]?.message ?? '', /closing \]/);
  });

  test('lines are counted the same with CRLF and CR line ends', () => {
    const broken = file().replace('"kind": "web",', '"kind": "mobile",');
    const column = col(broken, 8, '"mobile"');
    for (const eol of ['\r\n', '\r']) {
      const found = problems(broken.replace(/\n/g, eol));
      assert.deepEqual(
        found.map((problem) => [problem.line, problem.column]),
        [[8, column]],
      );
    }
  });

  test('an empty file (or only comments) says what to write', () => {
    for (const text of ['', '  \n', '// nothing yet\n']) {
      assertProblem(text, 1, 1, /The file is empty: write a JSON object with "channels" and "users"/);
    }
  });

  test('schema problems point at the offending node and say what to do', () => {
    assertProblem(
      file({ channel: ' "colour": 1,' }),
      8,
      '"colour"',
      /"colour" is not a setting of channels\[0\]: remove it/,
    );
    assertProblem(
      file().replace('"kind": "web",', '"kind": "mobile",'),
      8,
      '"mobile"',
      /channels\[0\]\.kind must be one of "web", "native"/,
    );
    assertProblem(file().replace('"kind": "web",', ''), 4, '{', /channels\[0\] needs "kind": add it/);
    assertProblem(file().replace(`"${WEB_ID}"`, '1234567890'), 5, '1234567890', /channelId must be a string/);
    assertProblem(
      file().replace(`"${WEB_ID}"`, '"12345"'),
      5,
      '"12345"',
      /channelId must be a channel ID of 10 digits/,
    );
    assertProblem(
      file().replace(ALICE_ID, 'Uabc'),
      12,
      '"Uabc"',
      /users\[0\]\.userId must be a LINE user ID: "U" followed by 32/,
    );
    assertProblem(
      file().replace('"email": null', '"email": "nobody"'),
      12,
      '"nobody"',
      /email must be an email address .* or null/,
    );
    assertProblem(
      file({ tail: ' "tokenLifetimes": { "codeSeconds": 0 },' }),
      14,
      '0 }',
      /codeSeconds must be at least 1/,
    );
    assertProblem(
      file({ tail: ' "consent": { "mode": "auto" },' }),
      14,
      '"auto"',
      /consent\.mode must be one of "page", "autoApprove"/,
    );
    assertProblem(
      file().replace('"callbackUrls": ["http://localhost:3000/cb"]', '"callbackUrls": []'),
      7,
      '[]',
      /needs at least 1 entry/,
    );
    assertProblem('[]', 1, 1, /The file must be an object/);
  });

  test('duplicate keys and prototype keys are refused where they stand', () => {
    assertProblem(
      file({ channel: ' "kind": "native",' }),
      8,
      '"kind": "native"',
      /"kind" appears twice in this object: keep one/,
    );
    assertProblem(file({ tail: ' "__proto__": {},' }), 14, '"__proto__"', /"__proto__" is not a setting: remove it/);
  });

  test('reference problems: unique IDs, known users and channels, callback URLs LINE accepts', () => {
    assertProblem(
      file().replace(BOB_ID, ALICE_ID),
      13,
      `"${ALICE_ID}"`,
      /users\[1\]\.userId is already the ID of users\[0\]: give each user/,
    );
    assertProblem(
      file({ user: ', "friendOf": ["9999999999"]' }),
      12,
      '"9999999999"',
      /friendOf\[0\] is not the channelId of any of "channels"/,
    );
    assertProblem(
      file({ channel: ` "developerUserIds": ["U${'c3'.repeat(16)}"],` }),
      8,
      `"U${'c3'.repeat(16)}"`,
      /developerUserIds\[0\] is not the userId of any of "users"/,
    );
    assertProblem(
      file({ tail: ` "consent": { "mode": "autoApprove", "autoApproveUserId": "U${'c3'.repeat(16)}" },` }),
      14,
      `"U${'c3'.repeat(16)}"`,
      /consent\.autoApproveUserId is not the userId of any of "users"/,
    );
    const cb = (url: string): string => file().replace('"http://localhost:3000/cb"', JSON.stringify(url));
    assertProblem(cb('/cb'), 7, '"/cb"', /callbackUrls\[0\] is not an absolute URL: write it with scheme and host/);
    assertProblem(cb('ftp://localhost/cb'), 7, '"ftp:', /must start with http:\/\/ or https:\/\//);
    assertProblem(cb('http://localhost:3000/cb#x'), 7, '"http:', /must not contain a fragment/);
    const twoChannels = file().replace(
      '    },\n  ],',
      `    },\n    { "channelId": "${WEB_ID}", "channelSecret": "${SECRET}", "callbackUrls": ["http://a.test/"], "kind": "native" },\n  ],`,
    );
    assertProblem(twoChannels, 10, `"${WEB_ID}"`, /channels\[1\]\.channelId is already the ID of channels\[0\]/);
  });

  test('problems come sorted by position, several at once', () => {
    const found = problems(
      file({ channel: ' "colour": 1,' }).replace(ALICE_ID, 'U1').replace('"kind": "web"', '"kind": 1'),
    );
    assert.deepEqual(
      found.map((problem) => problem.line),
      [8, 8, 12],
    );
  });

  test('a channel secret never appears in a message, whatever is wrong with it', () => {
    const wrongSecrets = [
      'NOT-A-SECRET-but-s3cr3t-value!!',
      `${SECRET}ff`,
      'ABCDEF0123456789ABCDEF0123456789',
      'abcdef0123456789abcdef012345678z',
    ];
    for (const secret of wrongSecrets) {
      for (const text of [
        file().replace(SECRET, secret),
        file().replace(`"${SECRET}"`, `{ "value": "${secret}" }`),
        file({ tail: ` "${secret}": "${secret}",` }).replace(SECRET, secret),
        file({ tail: ` "${secret}": 1, "${secret}": 2,` }),
        file({ channel: ` "${secret}": true,` }),
      ]) {
        const all = problems(text)
          .map((problem) => problem.message)
          .join('\n');
        assert.equal(all.includes(secret), false, all);
        assert.equal(all.includes(SECRET), false, all);
      }
    }
  });

  test('fuzz: a made-up secret, valid or not, in the secret field or any other, is never in a message', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9+/!-]{32}$/),
        fc.constantFrom('secret', 'key', 'value', 'kind', 'userId'),
        (secret, where) => {
          const text =
            where === 'secret'
              ? file().replace(SECRET, secret)
              : where === 'key'
                ? file({ channel: ` "${secret}": 1,` })
                : where === 'value'
                  ? file({ tail: ` "consent": { "mode": "${secret}" },` })
                  : where === 'kind'
                    ? file().replace('"kind": "web"', `"kind": "${secret}"`)
                    : file().replace(ALICE_ID, secret);
          const result = parseLocalLineConfig(text);
          const messages = result.ok ? '' : result.problems.map((problem) => problem.message).join('\n');
          assert.equal(messages.includes(secret), false, messages);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  test('fuzz: every valid configuration parses to exactly its value', () => {
    const hex = (length: number): fc.Arbitrary<string> =>
      fc.string({
        unit: fc.constantFrom(...Array.from({ length: 16 }, (_, digit) => digit.toString(16))),
        minLength: length,
        maxLength: length,
      });
    const channelIds = fc.uniqueArray(fc.stringMatching(/^[0-9]{10}$/), { minLength: 1, maxLength: 3 });
    const userIds = fc.uniqueArray(
      hex(32).map((digits) => `U${digits}`),
      { minLength: 1, maxLength: 3 },
    );
    const config = fc.tuple(channelIds, userIds).chain(([channels, users]) =>
      fc.record(
        {
          channels: fc.tuple(
            ...channels.map((channelId) =>
              fc.record(
                {
                  channelId: fc.constant(channelId),
                  channelSecret: hex(32),
                  name: fc.string({ maxLength: 100 }),
                  callbackUrls: fc.array(fc.webUrl({ withQueryParameters: true }), { minLength: 1, maxLength: 2 }),
                  kind: fc.constantFrom('web' as const, 'native' as const),
                  officialAccount: fc.record({ linked: fc.boolean() }),
                  emailPermission: fc.boolean(),
                  status: fc.constantFrom('developing' as const, 'published' as const),
                  developerUserIds: fc.subarray(users),
                },
                { requiredKeys: ['channelId', 'channelSecret', 'callbackUrls', 'kind'] },
              ),
            ),
          ),
          users: fc.tuple(
            ...users.map((userId) =>
              fc.record(
                {
                  userId: fc.constant(userId),
                  displayName: fc.string({ minLength: 1, maxLength: 100 }),
                  email: fc.oneof(fc.constant(null), fc.emailAddress()),
                  friendOf: fc.subarray(channels),
                },
                { requiredKeys: ['userId', 'displayName'] },
              ),
            ),
          ),
          tokenLifetimes: fc.record(
            {
              accessTokenSeconds: fc.integer({ min: 1, max: 31_536_000 }),
              refreshTokenDays: fc.integer({ min: 1, max: 3650 }),
              codeSeconds: fc.integer({ min: 1, max: 3600 }),
            },
            { requiredKeys: [] },
          ),
          consent: fc.record(
            {
              mode: fc.constantFrom('page' as const, 'autoApprove' as const),
              autoApproveUserId: fc.constantFrom(...users),
            },
            { requiredKeys: ['mode'] },
          ),
        },
        { requiredKeys: ['channels', 'users'] },
      ),
    );
    fc.assert(
      fc.property(config, fc.boolean(), (value, pretty) => {
        const result = parseLocalLineConfig(JSON.stringify(value, null, pretty ? 2 : undefined));
        assert.ok(result.ok, JSON.stringify(result));
        assert.deepEqual(result.config, JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  test('schemas/line-emulator.schema.json is the schema the parser uses', () => {
    const onDisk = JSON.parse(readFileSync('schemas/line-emulator.schema.json', 'utf8')) as unknown;
    assert.deepEqual(
      onDisk,
      JSON.parse(JSON.stringify(LOCAL_LINE_SCHEMA)),
      'schemas/line-emulator.schema.json differs from emulator/config/schema.ts: run node out/emulator/config/writeSchema.js',
    );
  });

  test('fuzz: arbitrary text and arbitrary JSON values give ok or problems, never a throw', () => {
    const check = (text: string): void => {
      const result = parseLocalLineConfig(text);
      if (result.ok) {
        assert.ok(Array.isArray(result.config.channels) && result.config.channels.length > 0);
      } else {
        assert.ok(result.problems.length > 0);
        for (const problem of result.problems) {
          assert.ok(Number.isInteger(problem.line) && problem.line >= 1);
          assert.ok(Number.isInteger(problem.column) && problem.column >= 1);
          assert.ok(problem.message.length > 0);
        }
      }
    };
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), check), { numRuns: 3_000 });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        check(JSON.stringify(value));
      }),
      { numRuns: 3_000 },
    );
    // Values shaped almost like a configuration reach the schema and reference checks.
    const almost = fc.record(
      {
        channels: fc.array(
          fc.record(
            {
              channelId: fc.oneof(fc.constant(WEB_ID), fc.stringMatching(/^[0-9]{10}$/), fc.jsonValue()),
              channelSecret: fc.oneof(fc.constant(SECRET), fc.string()),
              callbackUrls: fc.array(fc.oneof(fc.webUrl({ withFragments: true }), fc.string())),
              kind: fc.constantFrom('web', 'native', 'other'),
              friendOf: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
        ),
        users: fc.array(
          fc.record(
            {
              userId: fc.oneof(fc.constant(ALICE_ID), fc.stringMatching(/^U[0-9a-f]{32}$/), fc.string()),
              displayName: fc.string(),
              email: fc.oneof(fc.constant(null), fc.emailAddress(), fc.string()),
              friendOf: fc.array(fc.oneof(fc.constant(WEB_ID), fc.string())),
            },
            { requiredKeys: [] },
          ),
        ),
        consent: fc.record({ mode: fc.constantFrom('page', 'autoApprove'), autoApproveUserId: fc.string() }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(almost, (value) => {
        check(JSON.stringify(value));
      }),
      { numRuns: 2_000 },
    );
  });
});
