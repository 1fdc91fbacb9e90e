/** A JSON Schema (draft 2020-12) object, as the OpenAPI 3.1 document carries it. */
export type JsonSchema = Record<string, unknown>;

/**
 * A query parameter or header an operation reads, declared next to the code that reads it so the
 * OpenAPI document lists exactly what the router looks at.
 */
export interface Parameter {
  name: string;
  in: 'query' | 'header';
  description: string;
  schema: JsonSchema;
}
