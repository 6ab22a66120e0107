/**
 * Reading the Local LINE configuration file: JSON with comments (jsonc-parser, for positions),
 * the JSON schema (ajv, the same schema the editor uses), then what a schema cannot say
 * (checks.ts). Every problem has a 1-based line and column and says what to do; no message ever
 * repeats a value from the file that could be a secret.
 */

import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, stripComments } from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';
import { checkReferences } from './checks';
import { describePath, positionOf } from './positions';
import type { PathSegment } from './positions';
import { LOCAL_LINE_SCHEMA } from './schema';
import type { ConfigProblem, LocalLineConfig, LocalLineConfigResult } from './types';

let compiled: ValidateFunction | undefined;

/** Compiled once, on first use: ajv builds the validator with `new Function`, which is not free. */
function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
    // VS Code's editor-only annotations.
    ajv.addKeyword('markdownDescription');
    ajv.addKeyword('markdownEnumDescriptions');
    compiled = ajv.compile(LOCAL_LINE_SCHEMA);
  }
  return compiled;
}

const EMPTY_FILE: ConfigProblem = {
  line: 1,
  column: 1,
  message:
    'The file is empty: write a JSON object with "channels" and "users" (Create Emulator Configuration writes a starter file).',
};

/** Keys that would reach an object's prototype when the file becomes a value. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function parseLocalLineConfig(text: string): LocalLineConfigResult {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (root === undefined && stripComments(text).trim() === '') {
    return { ok: false, problems: [{ ...EMPTY_FILE }] };
  }
  if (errors.length > 0) {
    return {
      ok: false,
      problems: errors.map((error) => ({
        ...positionOf(text, error.offset),
        message: syntaxMessage(printParseErrorCode(error.error)),
      })),
    };
  }
  if (root === undefined) {
    return { ok: false, problems: [{ ...EMPTY_FILE }] };
  }
  const keyProblems = checkKeys(text, root);
  if (keyProblems.length > 0) {
    return { ok: false, problems: keyProblems };
  }
  const value: unknown = getNodeValue(root);
  const validate = validator();
  if (!validate(value)) {
    const errors = validate.errors ?? [];
    // A value of the wrong type also fails its enum or pattern: the type is the one thing to fix.
    const mistyped = new Set(errors.filter((error) => error.keyword === 'type').map((error) => error.instancePath));
    const relevant = errors.filter((error) => error.keyword === 'type' || !mistyped.has(error.instancePath));
    return { ok: false, problems: sortProblems(relevant.map((error) => schemaProblem(text, root, error))) };
  }
  // The schema has just established this shape; the copy has ordinary prototypes (jsonc-parser's
  // objects have none), and reserved keys were refused above.
  const config = JSON.parse(JSON.stringify(value)) as LocalLineConfig;
  const problems = checkReferences(config).map(({ path, message }) => ({
    ...positionOf(text, nodeAt(root, path).offset),
    message,
  }));
  return problems.length > 0 ? { ok: false, problems: sortProblems(problems) } : { ok: true, config };
}

function syntaxMessage(code: string): string {
  const advice: Record<string, string> = {
    InvalidSymbol: 'Unexpected character: check for a missing quote or a stray character.',
    InvalidNumberFormat: 'Invalid number: write digits only (IDs are strings in quotes).',
    PropertyNameExpected: 'A property name in double quotes is expected here.',
    ValueExpected: 'A value is expected here: a string, number, true, false, null, an object or an array.',
    ColonExpected: 'A colon is expected after the property name.',
    CommaExpected: 'A comma is expected between two entries.',
    CloseBraceExpected: 'A closing } is expected: check that every { is closed.',
    CloseBracketExpected: 'A closing ] is expected: check that every [ is closed.',
    EndOfFileExpected: 'Nothing may follow the top-level object: remove the extra text.',
    InvalidCommentToken: 'Invalid comment: use // or /* ... */.',
    UnexpectedEndOfComment: 'A /* comment is not closed: add */.',
    UnexpectedEndOfString: 'A string is not closed: add the closing double quote.',
    UnexpectedEndOfNumber: 'A number is cut short: complete it.',
    InvalidUnicode: 'Invalid \\u escape: write four hex digits.',
    InvalidEscapeCharacter: 'Invalid escape in a string: use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX.',
    InvalidCharacter: 'Invalid character in a string: escape control characters (e.g. \\n).',
  };
  return `Syntax error: ${advice[code] ?? 'fix the JSON here.'}`;
}

/** Duplicate keys (JSON keeps only the last, silently) and prototype keys. */
function checkKeys(text: string, node: Node): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const visit = (current: Node): void => {
    if (current.type === 'object') {
      const seen = new Set<string>();
      for (const property of current.children ?? []) {
        const key = property.children?.[0];
        if (key === undefined) {
          continue;
        }
        const name = String(key.value);
        if (RESERVED_KEYS.has(name)) {
          problems.push({ ...positionOf(text, key.offset), message: `"${name}" is not a setting: remove it.` });
        } else if (seen.has(name)) {
          problems.push({
            ...positionOf(text, key.offset),
            message: `${keyName(name)} appears twice in this object: keep one (JSON would silently use the last).`,
          });
        }
        seen.add(name);
      }
    }
    for (const child of current.children ?? []) {
      visit(child);
    }
  };
  visit(node);
  return problems;
}

/** A key as a message may quote it: only when it looks like a setting name (a pasted secret does not). */
function keyName(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$-]{0,30}$/.test(key) ? `"${key}"` : 'This key';
}

/** `/channels/0/channelId` → ['channels', 0, 'channelId'] (RFC 6901 escapes undone). */
function pathOf(instancePath: string): PathSegment[] {
  if (instancePath === '') {
    return [];
  }
  return instancePath
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(?:0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

function nodeAt(root: Node, path: PathSegment[]): Node {
  return findNodeAtLocation(root, path) ?? root;
}

function schemaProblem(text: string, root: Node, error: ErrorObject): ConfigProblem {
  const path = pathOf(error.instancePath);
  const where = describePath(path);
  let node = nodeAt(root, path);
  let message: string;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      message = `${where} needs "${String(params['missingProperty'])}": add it.`;
      break;
    case 'additionalProperties': {
      const extra = String(params['additionalProperty']);
      const keyNode = findNodeAtLocation(root, [...path, extra])?.parent?.children?.[0];
      node = keyNode ?? node;
      const parentSchema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const allowed = Object.keys(parentSchema?.properties ?? {}).filter((name) => name !== '$schema');
      const named = keyName(extra);
      const owner = path.length === 0 ? 'the file' : where;
      message = `${named} is not a setting of ${owner}: remove it or correct its spelling (settings here: ${allowed.join(', ')}).`;
      break;
    }
    case 'type':
      message = `${where} must be ${typeName(params['type'])}: change its value.`;
      break;
    case 'enum':
      message = `${where} must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
      break;
    case 'pattern':
      message = `${where} ${patternAdvice(path)}`;
      break;
    case 'minItems':
      message = `${where} needs at least ${String(params['limit'])} entr${params['limit'] === 1 ? 'y' : 'ies'}: add one.`;
      break;
    case 'uniqueItems':
      message = `${where} lists the same entry twice: remove the duplicate.`;
      break;
    case 'minimum':
    case 'maximum':
      message = `${where} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params['limit'])}.`;
      break;
    case 'minLength':
      message = `${where} must not be empty.`;
      break;
    case 'maxLength':
      message = `${where} is too long: keep it to ${String(params['limit'])} characters.`;
      break;
    default:
      message = `${where} is not valid here (${error.keyword}): see the schema's description of it.`;
  }
  return { ...positionOf(text, node.offset), message };
}

function typeName(type: unknown): string {
  const names: Record<string, string> = {
    string: 'a string in double quotes',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    object: 'an object { ... }',
    array: 'an array [ ... ]',
    null: 'null',
  };
  const types = String(type).split(',');
  return types.map((name) => names[name] ?? name).join(' or ');
}

/** Pattern advice by the field's name; the offending value is never repeated (it may be a secret). */
function patternAdvice(path: PathSegment[]): string {
  const last = path.at(-1);
  const field = typeof last === 'number' ? path.at(-2) : last;
  switch (field) {
    case 'channelId':
    case 'friendOf':
      return 'must be a channel ID of 10 digits, in quotes (e.g. "1234567890").';
    case 'channelSecret':
      return 'must be 32 lower-case hex digits, like a LINE channel secret: make one up, e.g. with `openssl rand -hex 16`.';
    case 'userId':
    case 'developerUserIds':
    case 'autoApproveUserId':
      return 'must be a LINE user ID: "U" followed by 32 lower-case hex digits.';
    case 'pictureUrl':
      return 'must be an http:// or https:// URL.';
    case 'email':
      return 'must be an email address (name@domain), or null for a user without one.';
    default:
      return 'does not have the expected form: see the schema description.';
  }
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((problem) => {
      const key = `${problem.line}:${problem.column}:${problem.message}`;
      const fresh = !seen.has(key);
      seen.add(key);
      return fresh;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}
