import type { JsonSqlType } from '../graphql/json-sql/json-sql.types';
import { PERSON_TABLE } from './person.record';

/** Person's fields for the compiled read path (src/graphql/json-sql): its columns and global id. */
export const PERSON_JSON_SQL: JsonSqlType = { columns: PERSON_TABLE.columns, node: 'Person' };
