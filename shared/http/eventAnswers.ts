import { z } from 'zod';
import { sameType, type Same } from './sameType';
import type { EventGridEnvelope } from '../domain/routing/eventEnvelope';
import type { deadLetterItem, DeliveryStatus, historyItem } from './eventHistoryItem';

/**
 * What the event operations answer with, for the OpenAPI document. The bodies are built by the code in
 * eventHistoryItem.ts from interfaces; these schemas restate them, and the type checks below make the
 * compiler refuse any difference between the two, so neither can change alone.
 */
const eventGridEnvelope = {
  id: z.string(),
  topic: z.string(),
  subject: z.string(),
  data: z.record(z.string(), z.unknown()),
  eventType: z.string(),
  dataVersion: z.string(),
  metadataVersion: z.string(),
  eventTime: z.string(),
};

const deliveryStatusSchema = z.object({
  status: z.enum(['pending', 'delivered', 'deadLettered']),
  attempts: z.number().int(),
  lastError: z.string().optional(),
  deliveredAt: z.string().optional(),
  deadLetteredAt: z.string().optional(),
});

export const historyItemSchema = z
  .object({ ...eventGridEnvelope, deliveries: z.record(z.string(), deliveryStatusSchema) })
  .meta({ description: 'An event in the Event Grid schema, with its delivery to each channel by channel name.' });

export const deadLetterItemSchema = z
  .object({ ...eventGridEnvelope, attempts: z.number().int(), lastError: z.string().optional(), deadLetteredAt: z.string().optional() })
  .meta({ description: 'An event in the Event Grid schema, with why this channel gave up on it.' });

export const eventSubscriptionsSchema = z.object({
  value: z.array(z.object({ name: z.string(), pending: z.number().int(), deadLettered: z.number().int() })),
});

export const redeliveredSchema = z.object({ redelivered: z.number().int() });

sameType<Same<z.infer<typeof deliveryStatusSchema>, DeliveryStatus>>(true);
sameType<Same<z.infer<z.ZodObject<typeof eventGridEnvelope>>, EventGridEnvelope>>(true);
sameType<Same<z.infer<typeof historyItemSchema>, ReturnType<typeof historyItem>>>(true);
sameType<Same<z.infer<typeof deadLetterItemSchema>, ReturnType<typeof deadLetterItem>>>(true);
