import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Switch, Text, View } from '@tarojs/components';
import { AsyncView } from '@/components/page-state';
import { useApi } from '@/hooks/useApi';
import { endpoints } from '@/services/endpoints';
import { api } from '@/services/request';
import type { Subscriptions } from '@/services/types';
import './index.scss';

// Subscribe-message template ids of the WeChat mini-program ("claim:<id>,renewal:<id>"), set per agency.
function templateIds(): { claim?: string; renewal?: string } {
  const out: { claim?: string; renewal?: string } = {};
  for (const part of (process.env.TARO_APP_SUBSCRIBE_TEMPLATES ?? '').split(',')) {
    const [kind, id] = part.split(':').map((s) => s.trim());
    if ((kind === 'claim' || kind === 'renewal') && id) out[kind] = id;
  }
  return out;
}

const IS_WEAPP = process.env.TARO_ENV === 'weapp';

/**
 * 消息通知: each switch turned off stops that kind of message (the outbox skips it as `opted_out`);
 * switches the customer never touched are on. On weapp the customer grants one-time subscribe messages (wx.requestSubscribeMessage, which
 * must be called from a tap); in H5 there is no subscribe message, so the same choices are delivered
 * by SMS to the bound phone number, and the page says so.
 */
export function SubscribeCard() {
  const state = useApi(() => api(endpoints.mySubscriptions, { toast: false }), []);
  const [saving, setSaving] = useState(false);

  const save = async (next: Subscriptions) => {
    setSaving(true);
    try {
      let acceptedTemplateIds: string[] | undefined;
      if (IS_WEAPP) {
        const ids = templateIds();
        const wanted = [
          next.claimProgress ? ids.claim : undefined,
          next.renewalReminder ? ids.renewal : undefined,
        ];
        const tmplIds = wanted.filter((x): x is string => Boolean(x));
        if (tmplIds.length > 0) {
          const res = await Taro.requestSubscribeMessage({ tmplIds, entityIds: [] });
          acceptedTemplateIds = tmplIds.filter(
            (id) => (res as unknown as Record<string, string>)[id] === 'accept',
          );
        }
      }
      await api(endpoints.saveSubscriptions, {
        body: {
          ...next,
          channel: IS_WEAPP ? 'wechat_subscribe' : 'sms',
          ...(acceptedTemplateIds ? { acceptedTemplateIds } : {}),
        },
      });
      void Taro.showToast({ title: '通知设置已保存', icon: 'success' });
      await state.reload();
    } catch {
      // The wrapper (or WeChat's own dialog) told the customer what happened.
    } finally {
      setSaving(false);
    }
  };

  return (
    <View className="card subscribe">
      <View className="card__title">消息通知</View>
      <AsyncView state={state}>
        {(s) => (
          <View>
            <View className="cell">
              <View className="cell__main">
                <Text className="cell__title">理赔进度通知</Text>
                <Text className="cell__desc">理赔状态每次变化时提醒我</Text>
              </View>
              <Switch
                checked={s.claimProgress}
                disabled={saving}
                color="#07c160"
                onChange={(e) => void save({ ...s, claimProgress: e.detail.value })}
              />
            </View>
            <View className="cell">
              <View className="cell__main">
                <Text className="cell__title">续保提醒</Text>
                <Text className="cell__desc">保单到期前 30 天、7 天提醒我</Text>
              </View>
              <Switch
                checked={s.renewalReminder}
                disabled={saving}
                color="#07c160"
                onChange={(e) => void save({ ...s, renewalReminder: e.detail.value })}
              />
            </View>
            <View className="cell">
              <View className="cell__main">
                <Text className="cell__title">关怀问候</Text>
                <Text className="cell__desc">生日、节日时接收顾问的祝福</Text>
              </View>
              <Switch
                checked={s.careGreetings}
                disabled={saving}
                color="#07c160"
                onChange={(e) => void save({ ...s, careGreetings: e.detail.value })}
              />
            </View>
            <Text className="subscribe__hint">
              {IS_WEAPP
                ? '开启后微信会询问是否允许发送通知，每次授权可接收一次提醒。'
                : '网页版无法接收微信订阅消息，开启后将通过短信发送到您绑定的手机号。'}
            </Text>
          </View>
        )}
      </AsyncView>
    </View>
  );
}
