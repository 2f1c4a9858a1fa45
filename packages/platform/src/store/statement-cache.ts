import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** The part of a better-sqlite3 Database the cache needs (kept narrow so tests can count prepares). */
export interface PreparingDatabase<S extends SqliteStatement> {
  prepare(sql: string): S;
  close(): void;
}

/** A better-sqlite3 Statement is `busy` while an iterator over it is open; it cannot be reused then. */
interface MaybeBusy {
  readonly busy?: boolean;
}

/**
 * Kysely's SQLite driver calls `prepare` for every query it runs; compiling the SQL text costs tens
 * of microseconds each time, on the one main thread. This wrapper hands back the Statement prepared
 * before for the same SQL text (SQLite re-prepares it by itself after a schema change). Bounded: the
 * least recently used statement is dropped past `capacity`, so ad-hoc SQL (e.g. IN lists of varying
 * length) cannot grow it without end. A statement still iterating (a stream left open) is never handed
 * out twice: a fresh one is prepared instead.
 */
export function cachingStatements<S extends SqliteStatement>(
  database: PreparingDatabase<S>,
  capacity = 200,
): SqliteDatabase & { readonly cachedStatements: number } {
  const statements = new Map<string, S>();
  return {
    prepare(sql: string): S {
      const cached = statements.get(sql);
      if (cached !== undefined && (cached as MaybeBusy).busy !== true) {
        // Re-insert: Map order is insertion order, so the first key is the least recently used.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (cached === undefined) {
        statements.set(sql, statement);
        if (statements.size > capacity) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      return statement;
    },
    close(): void {
      statements.clear();
      database.close();
    },
    get cachedStatements() {
      return statements.size;
    },
  };
}
