import { z } from 'zod';

/** What the timer operations answer with, for the OpenAPI document (the bodies are built in timerOperations.ts). */
export const timerSummarySchema = z.object({ deadLettered: z.number().int() });

export const timerDeadLetterSchema = z
  .object({
    timerId: z.string(),
    kind: z.string(),
    dueAt: z.string(),
    payload: z.record(z.string(), z.string()),
    attempts: z.number().int(),
    reason: z.string(),
    deadLetteredAt: z.string(),
  })
  .meta({ description: 'A timer whose handler failed every attempt: what it was for, why it was given up, and when.' });

export const redrivenSchema = z.object({ redriven: z.number().int() });
