/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.svg';
declare module '*.scss';

declare namespace NodeJS {
  interface ProcessEnv {
    /** The platform being built, replaced at build time by Taro. */
    TARO_ENV: 'weapp' | 'h5' | 'swan' | 'alipay' | 'tt' | 'qq' | 'jd' | 'rn' | 'harmony';
    /** API origin, e.g. https://crm.example.com; empty = same origin (the H5 build served at /app). */
    TARO_APP_API_BASE?: string;
    /** "true" shows the development login screen (seeded users through the simulator). */
    TARO_APP_DEV_LOGIN?: string;
    TARO_APP_ID?: string;
    /** Subscribe-message templates of the mini-program: "claim:<templateId>,renewal:<templateId>". */
    TARO_APP_SUBSCRIBE_TEMPLATES?: string;
  }
}

/** WeChat's global on weapp; `qy` exists only inside WeCom (企业微信) and has no Taro typing. */
declare const wx:
  | {
      qy?: {
        login(opts: { success(res: { code: string }): void; fail(err: unknown): void }): void;
      };
    }
  | undefined;
