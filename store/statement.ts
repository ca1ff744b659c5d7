/**
 * A statement the store sends for every command (a stream's read, its write), which a PostgreSQL
 * server keeps prepared on each connection by `name`: parsed, analysed and planned once per
 * connection instead of on every call (about 7% of the server's CPU for a card action). PGlite
 * runs its text as any other statement. Name only a statement whose text is fixed, and give each
 * its own name: a prepared statement lasts as long as its connection.
 */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

/** SQL text, or a statement kept prepared by name. */
export type Statement = string | NamedStatement;

export function statementText(statement: Statement): string {
  return typeof statement === 'string' ? statement : statement.text;
}
