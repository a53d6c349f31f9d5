export * from './signed-webhook.client';
