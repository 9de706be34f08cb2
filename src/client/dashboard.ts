// berth's own dashboard endpoint: a one-time login URL (POST /berth/ui/token, unix socket only).
import type { ApiClient } from './api-client.js';

export async function dashboardLoginUrl(c: ApiClient): Promise<{ URL: string; ExpiresAt: string }> {
  return c.json('POST', '/berth/ui/token');
}
