// Fixed credentials for development with the built-in simulator (WECOM_CORP_ID unset). They are not
// secrets: they only open the local simulator, never a real WeCom or WeChat account.

/** The demo WeCom app the simulator plays and the development app uses. */
export const DEMO_WECOM = {
  corpId: 'wwqibaodemo0000001',
  agentId: '1000002',
  agentSecret: 'qibao-demo-agent-secret-not-for-production',
  token: 'QibaoDemoToken2026',
  encodingAesKey: 'SIwekyNxZbsvVq5WgbHtva8vm2mpoPfx54sqmizBJaA',
} as const;

/** The demo WeChat mini-program. */
export const DEMO_WECHAT = {
  appId: 'wxqibaodemo0000001',
  appSecret: 'qibao-demo-mp-secret-not-for-production',
} as const;
