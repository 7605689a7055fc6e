import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { AsyncView } from '@/components/page-state';
import { SubscribeCard } from '@/components/subscribe-card';
import { TabBar } from '@/components/tab-bar';
import { useApi } from '@/hooks/useApi';
import { endpoints } from '@/services/endpoints';
import { daysToExpiryText, yuan } from '@/services/format';
import { CLAIM_STATUS_LABELS, POLICY_STATUS_LABELS } from '@/services/labels';
import { api } from '@/services/request';
import { routes, withQuery } from '@/services/routes';
import { getSession } from '@/services/session';
import './index.scss';

export default function MyPoliciesPage() {
  const session = getSession();
  const policies = useApi(() => api(endpoints.myPolicies, { toast: false }), [], { refreshOnShow: true });
  const claims = useApi(() => api(endpoints.myClaims, { toast: false }), [], { refreshOnShow: true });

  return (
    <View className="page my-policies">
      <View className="my-policies__hello">
        <Text className="my-policies__name">{session ? `${session.name}，您好` : '您好'}</Text>
      </View>

      {claims.status === 'ready' && claims.data.items.some((c) => c.status !== 'closed') && (
        <View className="card">
          <View className="card__title">理赔进度</View>
          {claims.data.items
            .filter((c) => c.status !== 'closed')
            .map((c) => (
              <View
                key={c.id}
                className="cell"
                onClick={() => void Taro.navigateTo({ url: withQuery(routes.claimProgress, { id: c.id }) })}
              >
                <View className="cell__main">
                  <Text className="cell__title">{c.product ?? c.number}</Text>
                  <Text className="cell__desc">
                    出险日期 {c.incidentDate} · 申请金额 {yuan(c.amountClaimed)}
                  </Text>
                </View>
                <Text className={`tag ${c.status === 'rejected' ? 'tag--danger' : ''}`}>
                  {CLAIM_STATUS_LABELS[c.status]}
                </Text>
              </View>
            ))}
        </View>
      )}

      <AsyncView
        state={policies}
        isEmpty={(p) => p.items.length === 0}
        emptyText="暂未查到您名下的保单，如有疑问请联系您的顾问"
      >
        {(page) => (
          <View>
            {page.items.map((p) => (
              <View
                key={p.id}
                className="card my-policies__policy"
                onClick={() => void Taro.navigateTo({ url: withQuery(routes.policyDetail, { id: p.id }) })}
              >
                <View className="my-policies__head">
                  <Text className="my-policies__product">{p.product}</Text>
                  <Text className={`tag ${p.status === 'in_force' ? '' : 'tag--grey'}`}>
                    {POLICY_STATUS_LABELS[p.status]}
                  </Text>
                </View>
                <Text className="cell__desc">
                  {p.insurer} · 被保人 {p.insuredName}
                </Text>
                <View className="my-policies__numbers">
                  <View>
                    <Text className="my-policies__k">保额</Text>
                    <Text className="my-policies__v">{yuan(p.sumInsured)}</Text>
                  </View>
                  <View>
                    <Text className="my-policies__k">保障至</Text>
                    <Text className="my-policies__v">{p.expiryDate}</Text>
                  </View>
                </View>
                {p.status === 'in_force' && p.daysToExpiry <= 60 && (
                  <Text className={p.daysToExpiry <= 7 ? 'danger' : 'warning'}>
                    {daysToExpiryText(p.daysToExpiry)}
                  </Text>
                )}
              </View>
            ))}
          </View>
        )}
      </AsyncView>

      <SubscribeCard />
      <TabBar mode="customer" active="policies" />
    </View>
  );
}
