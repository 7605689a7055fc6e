import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { AsyncView } from '@/components/page-state';
import { Timeline } from '@/components/timeline';
import { useApi } from '@/hooks/useApi';
import { claimSteps } from '@/services/claim-steps';
import { endpoints } from '@/services/endpoints';
import { yuan } from '@/services/format';
import { CLAIM_STATUS_LABELS } from '@/services/labels';
import { api } from '@/services/request';
import './index.scss';

export default function ClaimProgressPage() {
  const id = useRouter().params.id ?? '';
  const claim = useApi(() => api(endpoints.myClaim, { params: { id }, toast: false }), [id], {
    refreshOnShow: true,
  });

  return (
    <View className="page claim">
      <AsyncView state={claim}>
        {(c) => (
          <View>
            <View className="card claim__head">
              <Text className="claim__status">{CLAIM_STATUS_LABELS[c.status]}</Text>
              <Text className="cell__desc">
                {c.product ? `${c.product} · ` : ''}理赔号 {c.number}
              </Text>
              <View className="kv">
                <Text className="kv__k">出险日期</Text>
                <Text className="kv__v">{c.incidentDate}</Text>
              </View>
              <View className="kv">
                <Text className="kv__k">申请金额</Text>
                <Text className="kv__v">{yuan(c.amountClaimed)}</Text>
              </View>
              {c.amountPaid ? (
                <View className="kv">
                  <Text className="kv__k">赔付金额</Text>
                  <Text className="kv__v">{yuan(c.amountPaid)}</Text>
                </View>
              ) : null}
              <View className="kv">
                <Text className="kv__k">经过</Text>
                <Text className="kv__v">{c.description}</Text>
              </View>
            </View>
            <View className="card">
              <View className="card__title">办理进度</View>
              <Timeline items={claimSteps(c)} />
            </View>
          </View>
        )}
      </AsyncView>
    </View>
  );
}
