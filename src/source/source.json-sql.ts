import type { JsonSqlType } from '../graphql/json-sql/json-sql.types';
import { SOURCE_TABLE } from './source.record';

/** Source's fields for the compiled read path (src/graphql/json-sql): its columns and global id. */
export const SOURCE_JSON_SQL: JsonSqlType = { columns: SOURCE_TABLE.columns, node: 'Source' };
