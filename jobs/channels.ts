import type { Config } from '#config/config';
import type { Logger } from '#core/logger';
import type { NotificationChannels } from '#core/notification/channels';

/**
 * The transports this process sends through. They come from the WeCom/WeChat client (core/wecom,
 * with the local simulator in development); until it is wired, no channel is configured and the
 * outbox keeps notifications pending (nothing is lost, nothing is pretended to be sent).
 */
export function createChannels(
  _config: Pick<Config, 'wecom' | 'wechat'>,
  logger: Logger,
): NotificationChannels {
  logger.warn('no notification channels are wired yet (WeCom client); notifications stay pending');
  return {};
}
