import type { Logger } from '../logger.js';
import type { UserRepository } from '../user/user.repository.js';
import type { ContactEventPorts, ExternalContactRepository } from '../wecom/contact-events.js';
import { LEAD_SOURCES, type LeadSource } from './lead.options.js';
import type { LeadService } from './lead.service.js';

/**
 * The WeCom "customer added" event (add_external_contact) as a lead intake: the channel comes from the
 * contact-me `State`, the lead goes straight to the member the customer added (if they are an active
 * agent; otherwise the rules decide), and dedupe by external_userid/unionid merges repeat adds.
 */
export function wecomLeadPort(deps: {
  leads: () => LeadService;
  users: UserRepository;
  contacts: () => ExternalContactRepository;
  corpId: () => string | undefined;
  logger: Logger;
}): Required<Pick<ContactEventPorts, 'onContactAdded'>> {
  return {
    async onContactAdded(input) {
      const agent = await deps.users.findUserByWecomId(input.userId);
      const corpId = deps.corpId();
      // The profile handler may already have stored the customer's name and unionid on the edge.
      const edge = corpId
        ? (await deps.contacts().listByExternalUser(corpId, input.externalUserId)).find(
            (e) => e.name || e.unionid,
          )
        : undefined;
      const source: LeadSource = (LEAD_SOURCES as readonly string[]).includes(input.channel)
        ? (input.channel as LeadSource)
        : '企微扫码';
      const result = await deps.leads().intake(
        {
          externalUserId: input.externalUserId,
          ...(edge?.unionid ? { unionid: edge.unionid } : {}),
          ...(edge?.name ? { name: edge.name.slice(0, 40) } : {}),
          source,
          ...(input.state ? { sourceDetail: input.state.slice(0, 100) } : {}),
        },
        {
          via: 'wecom',
          detail: input.state,
          assignTo: agent?.active && agent.role === 'agent' ? agent : undefined,
        },
      );
      deps.logger.info(
        { outcome: result.outcome, member: input.userId, channel: source },
        'wecom contact added → lead intake',
      );
    },
  };
}
