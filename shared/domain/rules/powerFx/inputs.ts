import { LABELS, SCALAR, TEXT, type StaticType } from './staticTypes';

/**
 * The names a Job Router expression can read (docs/behaviour.md#inputs): the job's labels as `job`, a candidate worker's
 * labels as `worker` (scoring), and the job's worker selectors as `selectors` (scoring, the function-rule
 * payload name). Which of them a rule is given depends on where the rule is used.
 */
export const INPUT_NAMES: ReadonlyMap<string, StaticType> = new Map<string, StaticType>([
  ['job', LABELS],
  ['worker', LABELS],
  [
    'selectors',
    {
      kind: 'table',
      columns: new Map<string, StaticType>([
        ['key', TEXT],
        ['operator', TEXT],
        ['value', SCALAR],
        ['expiresAfterSeconds', SCALAR],
      ]),
    },
  ],
]);
