import { z } from 'zod';
import { kindUnion } from './kinds';
import { labelValueSchema } from './labels';
import { httpUrlSchema, nonEmptyText, obj } from './primitives';

const MAX_EXPRESSION_LENGTH = 2000;

const staticRule = z.object({ kind: z.literal('static'), value: labelValueSchema.optional() });

const directMapRule = z.object({ kind: z.literal('directMap') });

/** The expression text is only checked for presence here; parsing Power Fx belongs to the rule engine. */
const expressionRule = z.object({
  kind: z.literal('expression'),
  language: z.literal('powerFx').optional(),
  expression: nonEmptyText(MAX_EXPRESSION_LENGTH),
});

const functionRule = z.object({
  kind: z.literal('function'),
  functionUri: httpUrlSchema,
  credential: obj({
    functionKey: z.string().optional(),
    appKey: z.string().optional(),
    clientId: z.string().optional(),
  }).optional(),
});

const webhookRule = z.object({
  kind: z.literal('webhook'),
  authorizationServerUri: httpUrlSchema.optional(),
  clientCredential: obj({
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
  }).optional(),
  webhookUri: httpUrlSchema.optional(),
});

export const routerRuleSchema = kindUnion('router rule', [staticRule, directMapRule, expressionRule, functionRule, webhookRule], {
  'static-rule': 'static',
  'direct-map-rule': 'directMap',
  'expression-rule': 'expression',
  'azure-function-rule': 'function',
  'webhook-rule': 'webhook',
});
export type RouterRule = z.infer<typeof routerRuleSchema>;
