import { DeliveryFailure } from '../../shared/ports/EventChannel';

/** The DeliveryFailure a delivery rejected with; anything else (or success) fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<DeliveryFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DeliveryFailure)) throw new Error(`expected a DeliveryFailure, got ${String(error)}`);
  return error;
}
