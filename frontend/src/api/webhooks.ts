/**
 * Webhooks (/api/v1/webhooks): the endpoints that receive the change feed as signed POSTs, their delivery
 * log and manual redelivery. The signing secret comes only in the answer to a creation and is kept in no cache.
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from './client';
import { unwrap } from './problem';
import type { components } from './schema';

type S = components['schemas'];
export type Webhook = S['WebhookOut'];
export type WebhookCreate = S['WebhookCreate'];
export type WebhookCreated = S['WebhookCreated'];
export type Delivery = S['DeliveryOut'];

export const webhooksKey = ['webhooks'] as const;

/** How an endpoint stands: sending, paused by a person, or turned off by the platform (its owner must act). */
export function webhookState(w: Pick<Webhook, 'enabled' | 'disabled_reason'>): 'active' | 'paused' | 'auto-disabled' {
  if (w.enabled) return 'active';
  return w.disabled_reason?.startsWith('Tự động') ? 'auto-disabled' : 'paused';
}

/** The record types typed in a form ("report, award"): trimmed, without repeats; empty means all. */
export function parseTypes(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean))];
}

export function useWebhooks() {
  return useInfiniteQuery({
    queryKey: [...webhooksKey, 'list'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(await api.GET('/api/v1/webhooks', { params: { query: { limit: 100, cursor: pageParam } }, signal })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useDeliveries(webhookId: number) {
  return useQuery({
    queryKey: [...webhooksKey, webhookId, 'deliveries'],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET('/api/v1/webhooks/{webhook_id}/deliveries', {
          params: { path: { webhook_id: webhookId }, query: { limit: 50 } },
          signal,
        }),
      ),
  });
}

export async function createWebhook(body: WebhookCreate): Promise<WebhookCreated> {
  return unwrap(await api.POST('/api/v1/webhooks', { body }));
}

export async function setWebhookEnabled(id: number, enabled: boolean): Promise<Webhook> {
  return unwrap(await api.PATCH('/api/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: id } }, body: { enabled } }));
}

export async function redeliver(webhookId: number, deliveryId: number): Promise<Delivery> {
  return unwrap(
    await api.POST('/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver', {
      params: { path: { webhook_id: webhookId, delivery_id: deliveryId } },
    }),
  );
}
