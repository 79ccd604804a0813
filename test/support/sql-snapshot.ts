import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { observeStatements, type ObservedStatement } from '../../src/db/sql-executor';

/**
 * SQL snapshots: the statements one operation sends, in order, pretty-printed one major clause a
 * line and committed beside the test (test/e2e/sql/<operation>.sql), so that a change to generated
 * SQL shows in review as a diff of that file. Parameters are left out (only their placeholders
 * appear), so a snapshot holds no ids or times and is the same on every run and both databases.
 * UPDATE_SQL_SNAPSHOTS=1 rewrites the files instead of comparing.
 */

export interface CapturedStatement extends ObservedStatement {
  /**
   * Statements sent one after another with no answer arriving in between share a group: reads
   * sent together (the DataLoader batches flushed at once, a resolver's concurrent reads), none
   * waiting for another. Their order among themselves says nothing, and can follow which earlier
   * answer came back first, which on a pooled server varies from run to run.
   */
  group: number;
}

/**
 * Runs `work` while recording every statement it sends (src/db/sql-executor.ts observeStatements).
 * Nothing else may use the database meanwhile: the observer sees the whole process.
 */
export async function captureSql<T>(work: () => Promise<T>): Promise<{ result: T; statements: CapturedStatement[] }> {
  const statements: CapturedStatement[] = [];
  let group = 0;
  let answeredSince = false;
  const stop = observeStatements((statement) => {
    if (answeredSince) {
      group++;
      answeredSince = false;
    }
    statements.push({ ...statement, group });
    return () => {
      answeredSince = true;
    };
  });
  try {
    const result = await work();
    return { result, statements };
  } finally {
    stop();
  }
}

/**
 * The statements in a deterministic order: as sent, except that pooled reads sent together (one
 * group) are sorted by name and text. Statements through TypeORM (a transaction's, sent one after
 * the other on its connection) keep their place and end a group.
 */
export function deterministicOrder(statements: readonly CapturedStatement[]): CapturedStatement[] {
  const ordered: CapturedStatement[] = [];
  let run: CapturedStatement[] = [];
  const flush = () => {
    run.sort((a, b) => compare(a.name ?? '', b.name ?? '') || compare(a.text, b.text));
    ordered.push(...run);
    run = [];
  };
  for (const statement of statements) {
    if (statement.via !== 'pool' || (run.length > 0 && run[0]!.group !== statement.group)) flush();
    if (statement.via === 'pool') run.push(statement);
    else ordered.push(statement);
  }
  flush();
  return ordered;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The snapshot file's text: a header, then each statement with its name as a comment. */
export function renderSqlSnapshot(title: string, statements: readonly ObservedStatement[]): string {
  const count = `${statements.length} statement${statements.length === 1 ? '' : 's'}`;
  const lines = [
    `-- ${title}`,
    `-- ${count} in the order they are sent (reads sent together sorted by name), parameters left out.`,
    '-- Written by test/e2e/sql-snapshots.e2e-spec.ts with UPDATE_SQL_SNAPSHOTS=1; compared on every run.',
  ];
  statements.forEach((statement, i) => {
    const via = statement.via === 'typeorm' ? ' (TypeORM)' : statement.via === 'transaction' ? ' (in transaction)' : '';
    lines.push('', `-- ${i + 1}. ${statement.name ?? 'unnamed'}${via}`, `${formatSql(statement.text)};`);
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Compares `actual` with the committed snapshot (a failing expectation shows the diff), or writes
 * it under UPDATE_SQL_SNAPSHOTS=1. A missing snapshot fails: it is written only when asked.
 */
export function expectSqlSnapshot(file: string, actual: string): void {
  if (process.env.UPDATE_SQL_SNAPSHOTS === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    if (!existsSync(file) || readFileSync(file, 'utf8') !== actual) writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`No SQL snapshot at ${path.relative(process.cwd(), file)}: run the test with UPDATE_SQL_SNAPSHOTS=1 to write it, and review it.`);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Formatting

type Token = { kind: 'word' | 'quoted' | 'other'; text: string; spaceBefore: boolean };
type Node = Token | Group;
interface Group {
  kind: 'group';
  items: Node[];
  spaceBefore: boolean;
}

/** Words, 'literals', "identifiers", $n placeholders, parentheses and punctuation. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*|\$\d+|\d+(?:\.\d+)?|::|<>|<=|>=|!=|\|\||[^\sA-Za-z0-9_]/gy;
  let space = false;
  for (let match = pattern.exec(text); match && match[0] !== ''; match = pattern.exec(text)) {
    const value = match[0];
    if (/^\s/.test(value)) {
      space = true;
      continue;
    }
    const kind = /^[A-Za-z_]/.test(value) ? 'word' : /^['"]/.test(value) ? 'quoted' : 'other';
    tokens.push({ kind, text: value, spaceBefore: space });
    space = false;
  }
  return tokens;
}

/** Parentheses as nested groups. */
function parse(tokens: Token[]): Node[] {
  const root: Node[] = [];
  const stack: Array<{ items: Node[]; group?: Group }> = [{ items: root }];
  for (const token of tokens) {
    const top = stack[stack.length - 1]!;
    if (token.text === '(') {
      const group: Group = { kind: 'group', items: [], spaceBefore: token.spaceBefore };
      top.items.push(group);
      stack.push({ items: group.items, group });
    } else if (token.text === ')' && stack.length > 1) {
      stack.pop();
    } else {
      top.items.push(token);
    }
  }
  return root;
}

/** Keywords that begin a line, longest first so that `LEFT JOIN` is not read as `JOIN`. */
const CLAUSES = [
  'CROSS JOIN LATERAL',
  'LEFT JOIN LATERAL',
  'DO UPDATE SET',
  'FOR NO KEY UPDATE',
  'GROUP BY',
  'ORDER BY',
  'UNION ALL',
  'INSERT INTO',
  'DELETE FROM',
  'ON CONFLICT',
  'DO NOTHING',
  'LEFT JOIN',
  'INNER JOIN',
  'CROSS JOIN',
  'JOIN LATERAL',
  'FOR UPDATE',
  'SKIP LOCKED',
  'SELECT',
  'FROM',
  'WHERE',
  'HAVING',
  'LIMIT',
  'OFFSET',
  'UNION',
  'VALUES',
  'UPDATE',
  'SET',
  'RETURNING',
  'JOIN',
  'WITH',
].map((clause) => clause.split(' '));

/** Clauses whose top-level commas (SELECT's columns, SET's assignments) each begin a line. */
const LISTS = new Set(['SELECT', 'SET', 'DO UPDATE SET', 'RETURNING']);
/** Clauses whose top-level ANDs each begin a line. */
const CONDITIONS = new Set(['WHERE', 'HAVING']);

const INDENT = '  ';

function isWord(node: Node | undefined, word: string): boolean {
  return node !== undefined && node.kind === 'word' && node.text.toUpperCase() === word;
}

/** The clause keyword at items[i], if one begins there. */
function clauseAt(items: Node[], i: number): string[] | null {
  // `IS DISTINCT FROM` compares; `WITH ORDINALITY` and a CTE's `WITH` elsewhere are not clauses.
  if (isWord(items[i], 'FROM') && isWord(items[i - 1], 'DISTINCT')) return null;
  if (isWord(items[i], 'WITH') && i > 0) return null;
  for (const clause of CLAUSES) {
    if (clause.every((word, k) => isWord(items[i + k], word))) return clause;
  }
  return null;
}

/** A statement (or a subquery) as lines, one per clause, at an indentation depth. */
function formatQuery(items: Node[], depth: number): string {
  const clauses: Array<{ keyword: string; body: Node[] }> = [];
  for (let i = 0; i < items.length; ) {
    const clause = clauseAt(items, i);
    if (clause || clauses.length === 0) {
      const keyword = clause ? items.slice(i, i + clause.length).map((node) => (node as Token).text.toUpperCase()).join(' ') : '';
      clauses.push({ keyword, body: [] });
      i += clause ? clause.length : 0;
      if (clause) continue;
    }
    clauses[clauses.length - 1]!.body.push(items[i]!);
    i++;
  }
  const pad = INDENT.repeat(depth);
  return clauses
    .map(({ keyword, body }) => {
      const separator = LISTS.has(keyword) ? ',' : CONDITIONS.has(keyword) ? 'AND' : null;
      const parts = separator ? split(body, separator) : [body];
      if (parts.length > 1) {
        const inner = pad + INDENT;
        const rendered = parts.map((part) => inner + formatInline(part, depth + 1).trimStart());
        return separator === ','
          ? `${pad}${keyword}\n${rendered.join(',\n')}`
          : `${pad}${keyword} ${rendered[0]!.trimStart()}\n${rendered.slice(1).map((line) => line.replace(inner, `${inner}AND `)).join('\n')}`;
      }
      const rest = formatInline(body, depth).trimStart();
      return `${pad}${[keyword, rest].filter(Boolean).join(' ')}`;
    })
    .join('\n');
}

/** The items split at top-level commas or ANDs (BETWEEN's AND stays). */
function split(items: Node[], separator: ',' | 'AND'): Node[][] {
  const parts: Node[][] = [[]];
  let between = false;
  for (const node of items) {
    if (isWord(node, 'BETWEEN')) between = true;
    const matches = separator === ',' ? node.kind === 'other' && node.text === ',' : isWord(node, 'AND');
    if (matches && !(separator === 'AND' && between)) {
      parts.push([]);
      continue;
    }
    if (separator === 'AND' && between && isWord(node, 'AND')) between = false;
    parts[parts.length - 1]!.push(node);
  }
  return parts.filter((part) => part.length > 0);
}

/** Tokens as written (single spaces where the text had space); a subquery's parentheses open onto its own lines. */
function formatInline(items: Node[], depth: number): string {
  let out = '';
  for (const node of items) {
    const space = node.spaceBefore && out !== '' ? ' ' : '';
    if (node.kind !== 'group') {
      out += space + node.text;
    } else if (isWord(node.items[0], 'SELECT') || isWord(node.items[0], 'WITH')) {
      out += `${space}(\n${formatQuery(node.items, depth + 1)}\n${INDENT.repeat(depth)})`;
    } else {
      out += `${space}(${formatInline(node.items, depth)})`;
    }
  }
  return out;
}

/** SQL on lines by major clause, subqueries indented, whitespace otherwise as written. */
function formatSql(text: string): string {
  return formatQuery(parse(tokenize(text.trim())), 0);
}
