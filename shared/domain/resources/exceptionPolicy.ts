import { exceptionPolicyInputSchema, type ExceptionPolicyInput, type ExceptionRule } from '../model';
import { ordered, pick, type ResourceDefinition, validatedBy } from './ResourceDefinition';

export interface ExceptionPolicy {
  id: string;
  name?: string;
  exceptionRules: ExceptionRule[];
}

const WRITABLE = ['name', 'exceptionRules'] as const;

export const exceptionPolicyResource: ResourceDefinition<ExceptionPolicyInput, ExceptionPolicy> = {
  collection: 'exceptionPolicies',
  noun: 'exception policy',
  wireOrder: ['id', ...WRITABLE],
  ...validatedBy(exceptionPolicyInputSchema),
  writable: (body) => pick(body, WRITABLE),
  build: (input, { id, newId }) =>
    ordered<ExceptionPolicy>(
      {
        id,
        name: input.name,
        // Key order `id, trigger, actions` and a generated id appended to each action that has none,
        // exactly as the service answered (docs/behaviour.md#defaults).
        exceptionRules: (input.exceptionRules ?? []).map((rule) => ({
          id: rule.id,
          trigger: rule.trigger,
          actions: rule.actions.map((action) => ({ ...action, id: action.id ?? newId() })),
        })),
      },
      ['id', ...WRITABLE],
    ),
  references: () => [],
  indexKeys: () => ({}),
  deleteBlockers: [
    {
      collection: 'queues',
      where: (id) => [{ key: 'exceptionPolicyId', op: 'eq', value: id }],
      code: 'QueueExistsWithExceptionPolicy',
      message: 'There is a queue with this exception policy',
    },
  ],
  deleteBlockedStatus: 400,
};
