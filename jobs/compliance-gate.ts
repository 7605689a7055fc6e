import { DEFAULT_RULES } from '#core/compliance/default-lexicon';
import { compileMatcher } from '#core/compliance/matcher';
import type { Logger } from '#core/logger';
import type { OutgoingTextGate } from '#core/notification/notification.service';

/**
 * The compliance gate over the shipped default lexicon. It blocks `block`-severity hits and logs
 * `warn` ones. Recording hits and alerting the compliance owner belong to core/compliance's
 * `checkOutgoing`; when that lands, the worker passes it instead of this.
 */
export function defaultLexiconGate(logger: Logger): OutgoingTextGate {
  const matcher = compileMatcher(
    DEFAULT_RULES.map((r, i) => ({
      id: `default-${i}`,
      category: r.category,
      pattern: r.pattern,
      severity: r.severity,
      alternative: r.alternative,
      negatable: r.negatable ?? true,
    })),
  );
  return {
    async checkOutgoing(text, context) {
      const result = matcher.match(text);
      const rules = result.hits.map((h) => `${h.rule.category}:${h.rule.pattern}`);
      if (result.verdict === 'warn')
        logger.warn({ ...context, rules }, 'outgoing text has compliance warnings');
      return { blocked: result.verdict === 'block', rules };
    },
  };
}
