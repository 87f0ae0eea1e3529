import { describe, expect, it } from 'vitest';
import { checksumMatches, sha256Hex, splitSqlStatements } from '@/server/db/migrate';

describe('splitSqlStatements', () => {
  it('splits on top-level semicolons and drops comment-only fragments', () => {
    expect(splitSqlStatements('-- CreateTable\nCREATE TABLE a (x int);\n\n-- CreateIndex\nCREATE INDEX i ON a(x);\n-- trailing\n')).toEqual(
      ['-- CreateTable\nCREATE TABLE a (x int)', '-- CreateIndex\nCREATE INDEX i ON a(x)'],
    );
  });

  it('keeps semicolons inside strings, identifiers, dollar quotes and comments', () => {
    const script = [
      "INSERT INTO t VALUES ('a;b', 'it''s;', E'x\\';y');",
      'CREATE TABLE "we;ird" ("c;" int);',
      'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;',
      'CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN 2; END; $body$ LANGUAGE plpgsql;',
      '/* a; /* nested; */ b; */ SELECT 3;',
      'SELECT $1::int -- param; not a dollar quote',
      ';',
    ].join('\n');
    expect(splitSqlStatements(script)).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s;', E'x\\';y')",
      'CREATE TABLE "we;ird" ("c;" int)',
      'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql',
      'CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN 2; END; $body$ LANGUAGE plpgsql',
      '/* a; /* nested; */ b; */ SELECT 3',
      'SELECT $1::int -- param; not a dollar quote',
    ]);
  });

  it('returns a last statement without a semicolon', () => {
    expect(splitSqlStatements('SELECT 1; SELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
    expect(splitSqlStatements('  \n-- nothing\n')).toEqual([]);
  });
});

describe('checksumMatches', () => {
  it('matches the file as written and with the other line endings, nothing else', () => {
    const lf = 'CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n';
    const crlf = lf.replaceAll('\n', '\r\n');
    expect(checksumMatches(lf, sha256Hex(lf))).toBe(true);
    expect(checksumMatches(crlf, sha256Hex(lf))).toBe(true);
    expect(checksumMatches(lf, sha256Hex(crlf))).toBe(true);
    expect(checksumMatches(`${lf}-- edit\n`, sha256Hex(lf))).toBe(false);
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
