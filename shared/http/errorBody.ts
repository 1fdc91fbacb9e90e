import { z } from 'zod';
import { sameType, type Same } from './sameType';
import type { ErrorDetail } from './errors';

const errorDetailSchema = z.object({ code: z.string(), message: z.string(), target: z.string().optional() });

/** The body of every 4xx and 5xx answer, as handleRequest writes it (for the OpenAPI document). */
export const errorBodySchema = z
  .object({
    communicationError: z.object({
      code: z.string(),
      message: z.string(),
      /** The request path. */
      target: z.string(),
      details: z.array(errorDetailSchema).optional(),
    }),
  })
  .meta({ description: 'What went wrong: `code` names the kind (BadRequest, NotFound, Conflict, …), `message` says what to fix, `details` one entry per problem.' });

sameType<Same<z.infer<typeof errorDetailSchema>, ErrorDetail>>(true);
