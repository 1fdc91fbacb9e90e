import * as df from 'durable-functions';

/**
 * The Durable client binding. The scheduler of an invocation is built from it (`df.getClient`), so
 * every function whose work may schedule or cancel a timer lists it in `extraInputs`.
 */
export const durableClientInput = df.input.durableClient();
