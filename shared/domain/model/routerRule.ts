import { z } from 'zod';
import { compile, MAX_EXPRESSION_LENGTH } from '../rules/powerFx';
import { kindUnion } from './kinds';
import { labelValueSchema } from './labels';
import { secretSchema } from './limits';
import { crossCheck, httpUrlSchema, nonEmptyText, obj } from './primitives';
import { isPlainObject } from './validation';


const staticRule = z.object({ kind: z.literal('static'), value: labelValueSchema.optional() });

const directMapRule = z.object({ kind: z.literal('directMap') });

/**
 * What can be wrong with a Power Fx expression whatever the labels (syntax, unknown names and functions,
 * argument counts, certain type errors) is refused here, so a policy never stores a rule that cannot run.
 * Label-dependent problems (`Value(job.Tier)` on "abc") can only show at evaluation.
 */
const compilesAsPowerFx = crossCheck((rule, ctx) => {
  if (!isPlainObject(rule)) return;
  const { expression, language } = rule;
  // An empty, oversized or non-Power Fx expression is already reported by its own field.
  if (typeof expression !== 'string' || expression.length === 0 || expression.length > MAX_EXPRESSION_LENGTH) return;
  if (language !== undefined && language !== 'powerFx') return;
  const compiled = compile(expression);
  if (!compiled.ok) {
    const { message, position } = compiled.error;
    ctx.addIssue({ code: 'custom', path: ['expression'], message: `is not valid Power Fx: ${message} (offset ${position.offset})`, input: expression });
  }
});

const expressionRule = z
  .object({
    kind: z.literal('expression'),
    language: z.literal('powerFx').optional(),
    expression: nonEmptyText(MAX_EXPRESSION_LENGTH),
  })
  .check(compilesAsPowerFx);

const functionRule = z.object({
  kind: z.literal('function'),
  functionUri: httpUrlSchema,
  credential: obj({
    functionKey: secretSchema.optional(),
    appKey: secretSchema.optional(),
    clientId: secretSchema.optional(),
  }).optional(),
});

const webhookRule = z.object({
  kind: z.literal('webhook'),
  authorizationServerUri: httpUrlSchema.optional(),
  clientCredential: obj({
    clientId: secretSchema.optional(),
    clientSecret: secretSchema.optional(),
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
