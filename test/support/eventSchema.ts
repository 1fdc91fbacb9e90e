import fs from 'node:fs';
import path from 'node:path';
import type { RouterEventType } from '../../shared/ports/EventPublisher';

interface SchemaNode {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: string[];
  properties?: Record<string, SchemaNode>;
  allOf?: SchemaNode[];
  additionalProperties?: SchemaNode;
  items?: SchemaNode;
}

/** How an event's data compares with its swagger definition. Paths name array items `[]`. */
export interface SchemaComparison {
  /** Fields the data has that the definition does not know. */
  unknown: string[];
  /** Fields of the definition the data does not have (in objects the data does have). */
  unset: string[];
  /** Fields whose value is not of the definition's type, format or enum: `path: what it is (schema: what it should be)`. */
  mismatched: string[];
}

const SCHEMA_FILE = path.join(__dirname, '../fixtures/eventgrid/AzureCommunicationServices.json');
const definitions = (JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { definitions: Record<string, SchemaNode> }).definitions;

/** The swagger model of a router event's data: `Acs<EventName>EventData` (docs/behaviour.md#event-data). */
export const definitionName = (type: RouterEventType) => `Acs${type}EventData`;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function resolve(node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const name = node.$ref.replace('#/definitions/', '');
  const target = definitions[name];
  if (!target) throw new Error(`the schema has no definition ${name}`);
  return resolve(target);
}

/** Own properties plus those of the `allOf` bases. */
function propertiesOf(node: SchemaNode): Record<string, SchemaNode> | undefined {
  const bases = (node.allOf ?? []).map((base) => propertiesOf(resolve(base)) ?? {});
  if (!node.properties && bases.length === 0) return undefined;
  return Object.assign({}, ...bases, node.properties) as Record<string, SchemaNode>;
}

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function expected(node: SchemaNode): string {
  if (node.enum) return `one of ${node.enum.join(', ')}`;
  return [node.type ?? 'any', node.format].filter(Boolean).join(' ');
}

function compare(value: unknown, schemaNode: SchemaNode, at: string, result: SchemaComparison): void {
  const node = resolve(schemaNode);
  const mismatch = (): void => {
    result.mismatched.push(`${at}: ${kindOf(value)} ${JSON.stringify(value)} (schema: ${expected(node)})`);
  };
  const properties = propertiesOf(node);
  if (properties) {
    if (kindOf(value) !== 'object') return mismatch();
    const fields = value as Record<string, unknown>;
    for (const [key, field] of Object.entries(fields)) {
      const where = at ? `${at}.${key}` : key;
      const property = properties[key];
      if (property) compare(field, property, where, result);
      else result.unknown.push(where);
    }
    for (const key of Object.keys(properties)) if (!(key in fields)) result.unset.push(at ? `${at}.${key}` : key);
    return;
  }
  switch (node.type) {
    case 'object':
      if (node.additionalProperties) {
        if (kindOf(value) !== 'object') return mismatch();
        for (const [key, entry] of Object.entries(value as Record<string, unknown>)) compare(entry, node.additionalProperties, `${at}.${key}`, result);
      }
      // `type: object` without properties is how the swagger says "any value" (a selector's value).
      return;
    case 'array':
      if (!Array.isArray(value)) return mismatch();
      for (const item of value) compare(item, node.items ?? {}, `${at}[]`, result);
      return;
    case 'string':
      if (typeof value !== 'string' || (node.enum && !node.enum.includes(value)) || (node.format === 'date-time' && !RFC3339.test(value))) mismatch();
      return;
    case 'integer':
      if (!Number.isInteger(value)) mismatch();
      return;
    case 'number':
      if (typeof value !== 'number') mismatch();
      return;
    case 'boolean':
      if (typeof value !== 'boolean') mismatch();
      return;
  }
}

/** Compares an event's data, as a subscriber receives it (JSON), with the swagger definition of its type. */
export function compareWithSchema(type: RouterEventType, data: Record<string, unknown>): SchemaComparison {
  const definition = definitions[definitionName(type)];
  if (!definition) throw new Error(`the schema has no definition ${definitionName(type)}`);
  const result: SchemaComparison = { unknown: [], unset: [], mismatched: [] };
  compare(data, definition, '', result);
  const distinct = (list: string[]) => [...new Set(list)].sort();
  return { unknown: distinct(result.unknown), unset: distinct(result.unset), mismatched: distinct(result.mismatched) };
}
