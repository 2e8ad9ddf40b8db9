#!/usr/bin/env node
// Generates syntaxes/jobflow.tmLanguage.json.
//
// The grammar is written here rather than directly in JSON so that the
// identifier classes and the word lists are defined once. Edit this file, then
// run `npm run grammar`; `npm test` checks that the JSON is up to date.
//
// Regular expressions are Oniguruma syntax (what VS Code uses). Lexical rules
// follow spec/language.md section 2; the built-in names follow stdlib.md
// section 6; control variables follow language.md 4.4.
'use strict';

const fs = require('fs');
const path = require('path');

// ---------------------------------------------------------------------------
// Building blocks

// IDCHAR: "_" or a character of category Lu Ll Lt Lm Lo Nd Nl No (= \p{L}\p{N}).
const IDCHAR = String.raw`[\p{L}\p{N}_]`;
// IDSTART: an IDCHAR other than the ASCII digits.
const IDSTART = String.raw`[[\p{L}\p{N}_]&&[^0-9]]`;
const ID = `${IDSTART}${IDCHAR}*`;
// Not preceded / not followed by an identifier character.
const NB = `(?<!${IDCHAR})`;
const NA = `(?!${IDCHAR})`;
// Whitespace is space, tab and form feed within a line (plus the line break);
// other Unicode spaces are errors (E001), so `\s` is not used.
const WS = String.raw`[ \t\f]`;

const words = (list) => `${NB}(?:${list.join('|')})${NA}`;

const SPECIALS = ['RESULT', 'STATUS', 'ERROR', 'DEBUG', 'ENV'];

// language.md 4.4
const CONTROL_VARIABLES = [
  'host', 'node', 'account', 'user', 'password', 'keyfile', 'passphrase',
  'port', 'conntype', 'proxy', 'timeout', 'sudo', 'dir', 'shell',
  'use_shell', 'use_pty', 'use_cache', 'raw_stdout', 'raw_stderr',
  'encoding', 'realm', 'winrs_auth_type', 'winrs_scheme', 'winrs_use_tlsv1_0',
].map((n) => `__${n}__`);

// stdlib.md section 6: built-in jobs (local and remote) and functions.
const BUILTIN_JOBS = [
  'self', 'detach', 'suspend', 'print', 'sleep', 'exit', 'return', 'abort',
  'assert', 'urlopen', 'mailto', 'download', 'upload', 'put', 'get', 'reboot',
];
const BUILTIN_FUNCTIONS = [
  'now', 'current', 'channel', 'datetime', 'date', 'time', 'timedelta', 'int',
  'float', 'pattern', 'path', 'user', 'group', 'string', 'type', 'length',
  'bytes', 'decode', 'encode', 'has_key', 'json_parse', 'json_dump',
  'mail_parse', 'iprange',
];

// Keywords after which a `/` starts an absolute object path (operand
// position), although they end in a letter.
const OPERAND_KEYWORDS = ['and', 'or', 'not', 'in', 'if', 'elif', 'while', 'case'];

// Characters that end an operand: after them `/` divides (language.md 2.4).
const OPERAND_END = String.raw`[\p{L}\p{N}_)\]}'".]`;

const RELATIVE = String.raw`\.\.?/`;
const PATH_TAIL = `(?:(?:${RELATIVE}|${ID}/)*(?:${RELATIVE}|${ID}))`;

// ---------------------------------------------------------------------------
// Repository

const repo = {};

repo.comment = {
  match: '(#).*$',
  name: 'comment.line.number-sign.jobflow',
  captures: { 1: { name: 'punctuation.definition.comment.jobflow' } },
};

// --- parameter declarations: |name = default| at the top of a file --------
repo['parameter-declaration'] = {
  name: 'meta.parameter.declaration.jobflow',
  begin: String.raw`^${WS}*(\|)${WS}*(${ID})${WS}*(?:(=)(?![=~>])|(?=\|))`,
  beginCaptures: {
    1: { name: 'punctuation.definition.parameter.begin.jobflow' },
    2: { patterns: [{ include: '#control-variable' }, { match: ID, name: 'variable.parameter.jobflow' }] },
    3: { name: 'keyword.operator.assignment.jobflow' },
  },
  end: String.raw`\|`,
  endCaptures: { 0: { name: 'punctuation.definition.parameter.end.jobflow' } },
  patterns: [{ include: '#expression' }],
};

// --- jobflow level -----------------------------------------------------------
repo.jobflow = {
  patterns: [
    { include: '#comment' },
    { include: '#connector' },
    { include: '#block-if' },
    { include: '#block-case' },
    { include: '#block-while' },
    { include: '#block-for' },
    { include: '#block-session' },
    { include: '#block-plain-keyword' },
    { include: '#block-bindings' },
    { match: String.raw`\{`, name: 'punctuation.section.block.begin.jobflow' },
    { match: String.raw`\}`, name: 'punctuation.section.block.end.jobflow' },
    { include: '#clause' },
    { include: '#job' },
    { include: '#event-job' },
    { match: words(['break', 'continue']), name: 'keyword.control.flow.jobflow' },
    { match: String.raw`\|`, name: 'punctuation.separator.block.jobflow' },
    { match: ':', name: 'punctuation.separator.clause.jobflow' },
    { include: '#expression' },
  ],
};

repo.connector = {
  match: '->>|=>>|->|=>',
  name: 'keyword.operator.connector.jobflow',
};

const blockEnd = {
  end: String.raw`\|`,
  endCaptures: { 0: { name: 'punctuation.separator.block.jobflow' } },
};

repo['block-if'] = {
  name: 'meta.block.header.if.jobflow',
  begin: String.raw`(\{)${WS}*(if)${NA}`,
  beginCaptures: {
    1: { name: 'punctuation.section.block.begin.jobflow' },
    2: { name: 'keyword.control.conditional.jobflow' },
  },
  ...blockEnd,
  patterns: [{ include: '#expression' }],
};

repo['block-case'] = {
  name: 'meta.block.header.case.jobflow',
  begin: String.raw`(\{)${WS}*(case)${NA}`,
  beginCaptures: {
    1: { name: 'punctuation.section.block.begin.jobflow' },
    2: { name: 'keyword.control.conditional.case.jobflow' },
  },
  ...blockEnd,
  patterns: [{ include: '#expression' }],
};

repo['block-while'] = {
  name: 'meta.block.header.while.jobflow',
  begin: String.raw`(\{)${WS}*(while)${NA}`,
  beginCaptures: {
    1: { name: 'punctuation.section.block.begin.jobflow' },
    2: { name: 'keyword.control.loop.jobflow' },
  },
  ...blockEnd,
  patterns: [{ include: '#expression' }],
};

repo['block-for'] = {
  name: 'meta.block.header.for.jobflow',
  begin: String.raw`(\{)${WS}*(?:(for)|(pfor))${NA}(?:${WS}*(${ID})(?:${WS}*(in)${NA})?)?`,
  beginCaptures: {
    1: { name: 'punctuation.section.block.begin.jobflow' },
    2: { name: 'keyword.control.loop.jobflow' },
    3: { name: 'keyword.control.parallel.jobflow' },
    4: { name: 'variable.other.loop.jobflow' },
    5: { name: 'keyword.control.loop.in.jobflow' },
  },
  ...blockEnd,
  patterns: [{ include: '#expression' }],
};

repo['block-session'] = {
  name: 'meta.block.header.session.jobflow',
  begin: String.raw`(\{)${WS}*(session)${NA}(?:${WS}*(${ID}))?`,
  beginCaptures: {
    1: { name: 'punctuation.section.block.begin.jobflow' },
    2: { name: 'keyword.control.session.jobflow' },
    3: { name: 'variable.other.session.jobflow' },
  },
  ...blockEnd,
  patterns: [{ include: '#comment' }],
};

repo['block-plain-keyword'] = {
  name: 'meta.block.header.jobflow',
  begin: String.raw`(\{)${WS}*(?:(choice)|(fork)|(try))${NA}`,
  beginCaptures: {
    1: { name: 'punctuation.section.block.begin.jobflow' },
    2: { name: 'keyword.control.choice.jobflow' },
    3: { name: 'keyword.control.parallel.jobflow' },
    4: { name: 'keyword.control.exception.jobflow' },
  },
  ...blockEnd,
  patterns: [{ include: '#comment' }],
};

// { x = 1, y = 2 | ... }: a simple block with bindings.
repo['block-bindings'] = {
  name: 'meta.block.header.bindings.jobflow',
  begin: String.raw`(\{)(?=${WS}*${ID}${WS}*=(?![=~>]))`,
  beginCaptures: { 1: { name: 'punctuation.section.block.begin.jobflow' } },
  ...blockEnd,
  patterns: [{ include: '#binding' }, { include: '#expression' }],
};

// then: / else: / elif EXPR:
repo.clause = {
  patterns: [
    {
      match: String.raw`${NB}(then|else)${NA}${WS}*(:)?`,
      captures: {
        1: { name: 'keyword.control.conditional.jobflow' },
        2: { name: 'punctuation.separator.clause.jobflow' },
      },
    },
    {
      name: 'meta.clause.elif.jobflow',
      begin: String.raw`${NB}(elif)${NA}`,
      beginCaptures: { 1: { name: 'keyword.control.conditional.jobflow' } },
      end: ':',
      endCaptures: { 0: { name: 'punctuation.separator.clause.jobflow' } },
      patterns: [{ include: '#expression' }],
    },
  ],
};

// [ ... ]: skip, execution, assignment and update jobs.
repo.job = {
  name: 'meta.job.jobflow',
  begin: String.raw`\[`,
  beginCaptures: { 0: { name: 'punctuation.section.job.begin.jobflow' } },
  end: String.raw`\]`,
  endCaptures: { 0: { name: 'punctuation.section.job.end.jobflow' } },
  patterns: [
    { include: '#comment' },
    {
      // `: args` of an execution job, up to the closing bracket
      name: 'meta.job.arguments.jobflow',
      begin: ':',
      beginCaptures: { 0: { name: 'punctuation.separator.arguments.jobflow' } },
      end: String.raw`(?=\])`,
      patterns: [{ include: '#keyword-argument' }, { include: '#expression' }],
    },
    {
      // [x.method: args]: the head names a method to call
      match: String.raw`(\.)${WS}*(${ID})(?=${WS}*:)`,
      captures: {
        1: { name: 'punctuation.accessor.jobflow' },
        2: { name: 'entity.name.function.member.jobflow' },
      },
    },
    { include: '#binding' },
    { include: '#expression' },
  ],
};

// < ... >: event jobs. The first `>` at the top level closes the job.
repo['event-job'] = {
  name: 'meta.event-job.jobflow',
  begin: '<',
  beginCaptures: { 0: { name: 'punctuation.section.event.begin.jobflow' } },
  end: '>',
  endCaptures: { 0: { name: 'punctuation.section.event.end.jobflow' } },
  patterns: [
    { include: '#comment' },
    {
      name: 'meta.event-job.arguments.jobflow',
      begin: ':',
      beginCaptures: { 0: { name: 'punctuation.separator.arguments.jobflow' } },
      end: '(?=>)',
      patterns: [{ include: '#keyword-argument' }, { include: '#expression' }],
    },
    { match: String.raw`\?\??`, name: 'keyword.operator.guard.jobflow' },
    { include: '#expression' },
  ],
};

// name = value at the start of a binding list (assignment job, simple block,
// dictionary).
repo.binding = {
  match: String.raw`(?:(?<=[\[{,])|^)${WS}*(${ID})${WS}*(=)(?![=~>])`,
  captures: {
    1: {
      patterns: [
        { include: '#control-variable' },
        { match: ID, name: 'variable.other.assignment.jobflow' },
      ],
    },
    2: { name: 'keyword.operator.assignment.jobflow' },
  },
};

// name = value as a keyword argument (calls, execution and event jobs).
repo['keyword-argument'] = {
  match: String.raw`(?:(?<=[(,:])|^)${WS}*(${ID})${WS}*(=)(?![=~>])`,
  captures: {
    1: { name: 'variable.parameter.keyword.jobflow' },
    2: { name: 'keyword.operator.assignment.jobflow' },
  },
};

// --- expressions -------------------------------------------------------------
repo.expression = {
  patterns: [
    { include: '#comment' },
    { include: '#literal-string' },
    { include: '#special-variable' },
    { include: '#number' },
    { include: '#keyword' },
    { include: '#object-path' },
    { include: '#function-call' },
    { include: '#member' },
    { include: '#control-variable' },
    { include: '#identifier' },
    { include: '#parens' },
    { include: '#array' },
    { include: '#dict' },
    { include: '#operator' },
    { include: '#illegal' },
  ],
};

repo['special-variable'] = {
  patterns: [
    {
      match: String.raw`(\$)(?:${SPECIALS.join('|')})${NA}`,
      name: 'variable.language.special.jobflow',
      captures: { 1: { name: 'punctuation.definition.variable.jobflow' } },
    },
    {
      // any other $NAME is E102
      match: String.raw`\$${ID}`,
      name: 'invalid.illegal.special-variable.jobflow',
    },
    {
      // a `$` outside a literal not followed by an identifier
      match: String.raw`\$`,
      name: 'invalid.illegal.character.jobflow',
    },
  ],
};

repo.number = {
  patterns: [
    {
      // a number directly followed by an identifier character: E001
      match: String.raw`${NB}(?>[0-9]+(?:\.[0-9]*(?:[eE][+-]?[0-9]+)?)?)${IDCHAR}+`,
      name: 'invalid.illegal.numeric.jobflow',
    },
    {
      match: String.raw`${NB}[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?`,
      name: 'constant.numeric.float.jobflow',
    },
    {
      // an integer with a leading zero: E001
      match: String.raw`${NB}0[0-9]+`,
      name: 'invalid.illegal.numeric.jobflow',
    },
    {
      match: String.raw`${NB}(?:0|[1-9][0-9]*)`,
      name: 'constant.numeric.integer.jobflow',
    },
  ],
};

repo.keyword = {
  patterns: [
    { match: words(['and', 'or', 'not']), name: 'keyword.operator.logical.jobflow' },
    { match: words(['in']), name: 'keyword.operator.in.jobflow' },
    { match: words(['true', 'false']), name: 'constant.language.boolean.jobflow' },
    { match: words(['null']), name: 'constant.language.null.jobflow' },
    { match: words(['if', 'then', 'elif', 'else']), name: 'keyword.control.conditional.jobflow' },
    { match: words(['case']), name: 'keyword.control.conditional.case.jobflow' },
    { match: words(['for', 'while']), name: 'keyword.control.loop.jobflow' },
    { match: words(['pfor', 'fork']), name: 'keyword.control.parallel.jobflow' },
    { match: words(['choice']), name: 'keyword.control.choice.jobflow' },
    { match: words(['session']), name: 'keyword.control.session.jobflow' },
    { match: words(['try']), name: 'keyword.control.exception.jobflow' },
    { match: words(['break', 'continue']), name: 'keyword.control.flow.jobflow' },
  ],
};

repo['object-path'] = {
  patterns: [
    {
      // Right after an operand `/` divides. Keywords that take an operand
      // end in a letter too, so they are excluded.
      match: String.raw`(?<=${OPERAND_END})(?<!${NB}(?:${OPERAND_KEYWORDS.join('|')}))${WS}*(/)`,
      captures: { 1: { name: 'keyword.operator.arithmetic.jobflow' } },
    },
    {
      // ./x, ../lib/notify, ./URLチェック, ./
      match: String.raw`(?<![\p{L}\p{N}_.])${RELATIVE}${PATH_TAIL}?`,
      name: 'entity.name.namespace.object-path.jobflow',
    },
    {
      // /system/types/Jobflow, or the root `/` alone (operand position)
      match: `/${PATH_TAIL}?`,
      name: 'entity.name.namespace.object-path.jobflow',
    },
  ],
};

repo['function-call'] = {
  patterns: [
    {
      match: String.raw`${NB}(?:${BUILTIN_JOBS.join('|')})${NA}(?=${WS}*\()`,
      name: 'support.function.builtin.job.jobflow',
    },
    {
      match: String.raw`${NB}(?:${BUILTIN_FUNCTIONS.join('|')})${NA}(?=${WS}*\()`,
      name: 'support.function.builtin.jobflow',
    },
    {
      match: String.raw`${NB}${ID}(?=${WS}*\()`,
      name: 'entity.name.function.call.jobflow',
    },
  ],
};

repo.member = {
  patterns: [
    {
      match: String.raw`(\.)${WS}*(${ID})(?=${WS}*\()`,
      captures: {
        1: { name: 'punctuation.accessor.jobflow' },
        2: { name: 'entity.name.function.member.jobflow' },
      },
    },
    {
      match: String.raw`(\.)${WS}*(${ID})`,
      captures: {
        1: { name: 'punctuation.accessor.jobflow' },
        2: { name: 'variable.other.property.jobflow' },
      },
    },
  ],
};

repo['control-variable'] = {
  match: words(CONTROL_VARIABLES),
  name: 'variable.language.control.jobflow',
};

repo.identifier = {
  match: ID,
  name: 'variable.other.readwrite.jobflow',
};

repo.parens = {
  name: 'meta.parens.jobflow',
  begin: String.raw`\(`,
  beginCaptures: { 0: { name: 'punctuation.section.parens.begin.jobflow' } },
  end: String.raw`\)`,
  endCaptures: { 0: { name: 'punctuation.section.parens.end.jobflow' } },
  patterns: [{ include: '#keyword-argument' }, { include: '#expression' }],
};

repo.array = {
  name: 'meta.brackets.jobflow',
  begin: String.raw`\[`,
  beginCaptures: { 0: { name: 'punctuation.section.brackets.begin.jobflow' } },
  end: String.raw`\]`,
  endCaptures: { 0: { name: 'punctuation.section.brackets.end.jobflow' } },
  patterns: [{ include: '#expression' }],
};

repo.dict = {
  name: 'meta.dictionary.jobflow',
  begin: String.raw`\{`,
  beginCaptures: { 0: { name: 'punctuation.section.dictionary.begin.jobflow' } },
  end: String.raw`\}`,
  endCaptures: { 0: { name: 'punctuation.section.dictionary.end.jobflow' } },
  patterns: [
    { include: '#binding' },
    { match: ':', name: 'punctuation.separator.key-value.jobflow' },
    { include: '#expression' },
  ],
};

repo.operator = {
  patterns: [
    { include: '#connector' },
    {
      // *args / **kwargs in argument lists
      match: String.raw`(?<=[(,:])${WS}*(\*\*?)`,
      captures: { 1: { name: 'keyword.operator.unpacking.jobflow' } },
    },
    { match: '>>', name: 'keyword.operator.update.jobflow' },
    { match: '<<', name: 'keyword.operator.input.jobflow' },
    { match: '=~|!~', name: 'keyword.operator.match.jobflow' },
    { match: '==|!=|<=|>=|<|>', name: 'keyword.operator.comparison.jobflow' },
    { match: '=', name: 'keyword.operator.assignment.jobflow' },
    { match: String.raw`\*\*`, name: 'keyword.operator.unpacking.jobflow' },
    { match: String.raw`[-+*%]`, name: 'keyword.operator.arithmetic.jobflow' },
    { match: String.raw`\?\??`, name: 'keyword.operator.guard.jobflow' },
    { match: ',', name: 'punctuation.separator.comma.jobflow' },
    { match: ':', name: 'punctuation.separator.colon.jobflow' },
    { match: String.raw`\.`, name: 'punctuation.accessor.jobflow' },
  ],
};

repo.illegal = {
  // Characters that cannot start a token; U+3000 and other Unicode spaces
  // included (E001).
  match: String.raw`[;@!&^~\x{60}\\]|[\p{Zs}&&[^ ]]|[\x{200B}\x{FEFF}]`,
  name: 'invalid.illegal.character.jobflow',
};

// --- string-like literals ----------------------------------------------------

// Escapes of strings (with \u and \U) and binaries (without, octal <= \377).
repo['escape-common'] = {
  patterns: [
    { match: String.raw`\\\n`, name: 'constant.character.escape.line-continuation.jobflow' },
    { match: String.raw`\\[\\'"abfnrtv]`, name: 'constant.character.escape.jobflow' },
    { match: String.raw`\\x[0-9A-Fa-f]{2}`, name: 'constant.character.escape.hex.jobflow' },
    { match: String.raw`\\x[0-9A-Fa-f]?`, name: 'invalid.illegal.escape.jobflow' },
  ],
};

repo['string-escape'] = {
  patterns: [
    { include: '#escape-common' },
    { match: String.raw`\\[0-7]{1,3}`, name: 'constant.character.escape.octal.jobflow' },
    {
      match: String.raw`\\u(?![dD][89a-fA-F])[0-9A-Fa-f]{4}`,
      name: 'constant.character.escape.unicode.jobflow',
    },
    {
      match: String.raw`\\U(?!0000[dD][89a-fA-F])(?:0010[0-9A-Fa-f]{4}|000[0-9A-Fa-f]{5})`,
      name: 'constant.character.escape.unicode.jobflow',
    },
    // malformed \u / \U, surrogates, code points above 10FFFF: E001
    { match: String.raw`\\u[0-9A-Fa-f]{0,4}|\\U[0-9A-Fa-f]{0,8}`, name: 'invalid.illegal.escape.jobflow' },
    // any other \c keeps the backslash (W304); c is read normally
    { match: String.raw`\\`, name: 'invalid.deprecated.unknown-escape.jobflow' },
  ],
};

repo['binary-escape'] = {
  patterns: [
    { include: '#escape-common' },
    { match: String.raw`\\[4-7][0-7]{2}`, name: 'invalid.illegal.escape.jobflow' },
    { match: String.raw`\\[0-7]{1,3}`, name: 'constant.character.escape.octal.jobflow' },
    { match: String.raw`\\`, name: 'invalid.deprecated.unknown-escape.jobflow' },
  ],
};

// $name, ${name}, $$ (language.md 2.5). Any other `$` is plain text.
repo.interpolation = {
  patterns: [
    { match: String.raw`\$\$`, name: 'constant.character.escape.dollar.jobflow' },
    {
      match: String.raw`(\$\{)(${ID})(\})`,
      name: 'meta.interpolation.jobflow',
      captures: {
        1: { name: 'punctuation.definition.interpolation.begin.jobflow' },
        2: { name: 'variable.other.interpolated.jobflow' },
        3: { name: 'punctuation.definition.interpolation.end.jobflow' },
      },
    },
    {
      match: String.raw`(\$)(${ID})`,
      name: 'meta.interpolation.jobflow',
      captures: {
        1: { name: 'punctuation.definition.interpolation.jobflow' },
        2: { name: 'variable.other.interpolated.jobflow' },
      },
    },
  ],
};

const quoteName = { "'": 'single', '"': 'double' };
const esc = (q) => (q === '"' ? '"' : "'");

function tripleString(q) {
  return {
    name: `string.quoted.${quoteName[q]}.triple.jobflow`,
    begin: q.repeat(3),
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.jobflow' } },
    // the last three quotes of the first run of three or more close it
    end: `${q.repeat(3)}(?!${q})`,
    endCaptures: { 0: { name: 'punctuation.definition.string.end.jobflow' } },
    patterns: [{ include: '#string-escape' }, { include: '#interpolation' }],
  };
}

function singleString(q) {
  return {
    name: `string.quoted.${quoteName[q]}.jobflow`,
    begin: q,
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.jobflow' } },
    // a raw line break ends an unterminated one-quote string (E001)
    end: String.raw`(${esc(q)})|(\n)`,
    endCaptures: {
      1: { name: 'punctuation.definition.string.end.jobflow' },
      2: { name: 'invalid.illegal.unterminated-string.jobflow' },
    },
    patterns: [{ include: '#string-escape' }, { include: '#interpolation' }],
  };
}

function binaryString(q) {
  return {
    name: `string.quoted.${quoteName[q]}.binary.jobflow`,
    begin: String.raw`${NB}(b)(${esc(q)})`,
    beginCaptures: {
      1: { name: 'storage.type.string.binary.jobflow' },
      2: { name: 'punctuation.definition.string.begin.jobflow' },
    },
    end: String.raw`(${esc(q)})|(\n)`,
    endCaptures: {
      1: { name: 'punctuation.definition.string.end.jobflow' },
      2: { name: 'invalid.illegal.unterminated-string.jobflow' },
    },
    patterns: [
      { include: '#binary-escape' },
      // ASCII only (E001)
      { match: String.raw`[^\x{00}-\x{7F}]+`, name: 'invalid.illegal.non-ascii.jobflow' },
    ],
  };
}

const PATTERN_KINDS = { r: 'regex', g: 'glob', e: 'exact' };

function patternLiteral(kind, q) {
  const inner = [];
  // No escape processing, but a backslash keeps the next character, so a
  // backslash before the quote does not end the literal.
  if (kind === 'r') {
    inner.push({ match: String.raw`\\[^\n]`, name: 'constant.character.escape.regexp.jobflow' });
  } else {
    inner.push({ match: String.raw`\\[^\n]` });
  }
  inner.push({ include: '#interpolation' });
  if (kind === 'r') {
    inner.push(
      { match: String.raw`[*+?]\??|\{[0-9]+(?:,[0-9]*)?\}\??`, name: 'keyword.operator.quantifier.regexp.jobflow' },
      { match: String.raw`[\^$]`, name: 'keyword.control.anchor.regexp.jobflow' },
      { match: String.raw`\|`, name: 'keyword.operator.or.regexp.jobflow' },
      { match: String.raw`\((?:\?(?:[:=!]|<[=!]|P?<\w+>))?|\)`, name: 'punctuation.definition.group.regexp.jobflow' },
      { match: String.raw`\[\^?|\]`, name: 'punctuation.definition.character-class.regexp.jobflow' },
      { match: String.raw`\.`, name: 'constant.character.any.regexp.jobflow' },
    );
  } else if (kind === 'g') {
    inner.push(
      { match: String.raw`[*?]`, name: 'keyword.operator.wildcard.glob.jobflow' },
      { match: String.raw`\[!?|\]`, name: 'punctuation.definition.character-class.glob.jobflow' },
    );
  }
  return {
    name: `string.regexp.pattern.${PATTERN_KINDS[kind]}.jobflow`,
    begin: String.raw`${NB}(${kind})(${esc(q)})`,
    beginCaptures: {
      1: { name: 'storage.type.string.pattern.jobflow' },
      2: { name: 'punctuation.definition.string.begin.jobflow' },
    },
    // the `i` flag counts only when no identifier character follows it
    end: String.raw`(${esc(q)})(i${NA})?|(\n)`,
    endCaptures: {
      1: { name: 'punctuation.definition.string.end.jobflow' },
      2: { name: 'storage.modifier.flag.jobflow' },
      3: { name: 'invalid.illegal.unterminated-string.jobflow' },
    },
    patterns: inner,
  };
}

repo['literal-string'] = {
  patterns: [
    binaryString("'"),
    binaryString('"'),
    ...['r', 'g', 'e'].flatMap((k) => [patternLiteral(k, "'"), patternLiteral(k, '"')]),
    tripleString("'"),
    tripleString('"'),
    singleString("'"),
    singleString('"'),
  ],
};

// ---------------------------------------------------------------------------

function build() {
  return {
    name: 'Jobflow',
    scopeName: 'source.jobflow',
    fileTypes: ['jf'],
    comment: 'Generated by scripts/build-grammar.js. Do not edit by hand.',
    patterns: [
      { include: '#comment' },
      { include: '#parameter-declaration' },
      { include: '#jobflow' },
    ],
    repository: repo,
  };
}

const OUTPUT = path.join(__dirname, '..', 'syntaxes', 'jobflow.tmLanguage.json');

function render() {
  return JSON.stringify(build(), null, 2) + '\n';
}

module.exports = { build, render, OUTPUT };

if (require.main === module) {
  fs.writeFileSync(OUTPUT, render());
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
}
