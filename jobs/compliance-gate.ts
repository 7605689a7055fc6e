import { COMPLIANCE_ALERT_KEY_PREFIX } from '#core/compliance/alert-delivery';
import type { ComplianceService } from '#core/compliance/compliance.service';
import type { OutgoingTextGate } from '#core/notification/notification.service';

/**
 * The outbox's compliance gate over core/compliance: `block` verdicts stop the send (the compliance
 * service has recorded the hit and alerted the compliance owner); `warn` hits are sent and reviewed.
 * Compliance alerts to the compliance owner pass unchecked: they quote the phrase they report.
 */
export function complianceGate(compliance: Pick<ComplianceService, 'checkOutgoing'>): OutgoingTextGate {
  return {
    async checkOutgoing(text, context) {
      if (context.sourceRef.startsWith(COMPLIANCE_ALERT_KEY_PREFIX)) return { blocked: false, rules: [] };
      const check = await compliance.checkOutgoing(text, context);
      if (check.verdict === 'allow') return { blocked: false, rules: [] };
      return {
        blocked: check.verdict === 'block',
        rules: check.hits.map((h) => `${h.category}:${h.matchedText}`),
      };
    },
  };
}
