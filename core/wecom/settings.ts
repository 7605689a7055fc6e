import type { Config } from '#config/config';
import { DEMO_WECHAT, DEMO_WECOM } from './demo.js';
import type { WecomSettings } from './integration.js';

/**
 * The WeCom settings a process runs with: the configured app; in development without WECOM_CORP_ID,
 * the demo app served by the simulator at `simulatorUrl`; otherwise none.
 */
export function resolveWecomSettings(
  config: Pick<Config, 'env' | 'wecom' | 'wechat'>,
  simulatorUrl?: string,
): WecomSettings | undefined {
  const w = config.wecom;
  if (w.configured && w.corpId && w.agentId && w.agentSecret && w.token && w.encodingAesKey) {
    const wc = config.wechat;
    return {
      corpId: w.corpId,
      agentId: w.agentId,
      agentSecret: w.agentSecret,
      token: w.token,
      encodingAesKey: w.encodingAesKey,
      apiBase: w.apiBase,
      callbackMaxSkewSeconds: w.callbackMaxSkewSeconds,
      wechat:
        wc.appId && wc.appSecret
          ? { appId: wc.appId, appSecret: wc.appSecret, apiBase: wc.apiBase }
          : undefined,
      simulated: false,
    };
  }
  if (config.env !== 'development' || !simulatorUrl) return undefined;
  return {
    ...DEMO_WECOM,
    apiBase: simulatorUrl,
    callbackMaxSkewSeconds: w.callbackMaxSkewSeconds,
    wechat: { ...DEMO_WECHAT, apiBase: simulatorUrl },
    simulated: true,
  };
}
