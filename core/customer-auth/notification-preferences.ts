import { Types } from 'mongoose';
import type { CustomerNotificationPreferences, PreferenceCategory } from '../notification/preferences.js';
import type { CustomerAuthModels } from './customer-auth.model.js';

/**
 * The outbox's view of the choices a customer saved in the mini-program (消息通知). A category is
 * allowed unless the customer switched it off; a customer who never saved any choice gets the defaults
 * (all on: WeChat's own subscribe grant and the agent's confirmation still stand in front of each send).
 */
export function createNotificationPreferenceReader(
  models: Pick<CustomerAuthModels, 'CustomerSubscription'>,
): CustomerNotificationPreferences {
  return {
    async allows(customerId: string, category: PreferenceCategory): Promise<boolean> {
      if (!Types.ObjectId.isValid(customerId)) return true;
      const s = await models.CustomerSubscription.findOne({ customerId: new Types.ObjectId(customerId) })
        .select({ [category]: 1 })
        .lean<Partial<Record<PreferenceCategory, boolean | null>>>();
      return s?.[category] !== false;
    },
  };
}
