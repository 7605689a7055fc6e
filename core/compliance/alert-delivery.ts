import type { Logger } from '../logger.js';
import type { EnqueueRequest } from '../notification/notification.service.js';
import type { UserRepository } from '../user/user.repository.js';
import type { AlertRecord } from './compliance.repository.js';

/**
 * Dedupe-key prefix of compliance alerts in the notification outbox. The outbox's compliance gate lets
 * these through unchecked: an alert quotes the forbidden phrase to the compliance owner, and checking
 * it would block it and raise an alert about the alert, for ever.
 */
export const COMPLIANCE_ALERT_KEY_PREFIX = 'compliance-alert:';

const BODY_MAX_CHARS = 600;

/** The app message an alert becomes (Chinese, for the compliance owner in WeCom). */
export function alertText(a: Pick<AlertRecord, 'title' | 'body'>): string {
  const body = a.body.length > BODY_MAX_CHARS ? `${a.body.slice(0, BODY_MAX_CHARS)}…` : a.body;
  return `【合规提醒】${a.title}\n${body}\n请在企保后台「合规」中查看并处理。`;
}

export interface AlertDeliveryResult {
  alerts: number;
  delivered: number;
  enqueued: number;
  /** Alerts left pending because no active admin with a WeCom account exists. */
  noRecipient: number;
}

/**
 * Hands pending compliance alerts to the notification outbox, one app message per compliance owner
 * (the `admin` role until a dedicated role exists), then marks each alert delivered. Exactly once:
 * the outbox row's dedupe key is `compliance-alert:<alert>:<user>`, so a run that dies between the
 * enqueue and the mark, or two workers at once, enqueue nothing twice.
 */
export function createComplianceAlertDelivery(deps: {
  compliance: {
    pendingAlerts(limit?: number): Promise<AlertRecord[]>;
    markAlertDelivered(id: string): Promise<boolean>;
  };
  users: Pick<UserRepository, 'listUsers'>;
  outbox: { enqueue(req: EnqueueRequest): Promise<{ created: boolean }> };
  logger: Logger;
}) {
  return {
    async deliver(limit = 100): Promise<AlertDeliveryResult> {
      const result: AlertDeliveryResult = { alerts: 0, delivered: 0, enqueued: 0, noRecipient: 0 };
      const alerts = await deps.compliance.pendingAlerts(limit);
      result.alerts = alerts.length;
      if (alerts.length === 0) return result;
      const owners = (
        await deps.users.listUsers({ role: 'admin', active: true }, { skip: 0, limit: 50 })
      ).items.filter((u) => u.wecomUserId);
      if (owners.length === 0) {
        result.noRecipient = alerts.length;
        deps.logger.warn(
          { alerts: alerts.length },
          'compliance alerts pending: no active admin with a WeCom account to deliver them to',
        );
        return result;
      }
      // Oldest first, so the owner reads them in the order they happened.
      for (const a of [...alerts].reverse()) {
        for (const owner of owners) {
          const { created } = await deps.outbox.enqueue({
            dedupeKey: `${COMPLIANCE_ALERT_KEY_PREFIX}${a.id}:${owner.id}`,
            kind: 'compliance.alert',
            channel: 'agent_app',
            to: { wecomUserId: owner.wecomUserId },
            message: { format: 'text', text: alertText(a) },
            owner: { userId: owner.id, teamId: owner.teamId, branchId: owner.branchId },
            related: { type: 'compliance_alert', id: a.id },
          });
          if (created) result.enqueued++;
        }
        if (await deps.compliance.markAlertDelivered(a.id)) result.delivered++;
      }
      return result;
    },
  };
}
