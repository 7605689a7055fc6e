import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { AsyncView } from '@/components/page-state';
import { useApi } from '@/hooks/useApi';
import { endpoints } from '@/services/endpoints';
import { daysToExpiryText, yuan } from '@/services/format';
import {
  CLAIM_STATUS_LABELS,
  PAYMENT_FREQUENCY_LABELS,
  POLICY_STATUS_LABELS,
  RENEWAL_LABELS,
} from '@/services/labels';
import { api } from '@/services/request';
import { routes, withQuery } from '@/services/routes';
import type { MyPolicyDetail } from '@/services/types';
import './index.scss';

function Row({ k, v }: { k: string; v: string }) {
  return (
    <View className="kv">
      <Text className="kv__k">{k}</Text>
      <Text className="kv__v">{v}</Text>
    </View>
  );
}

function renewalText(p: MyPolicyDetail): string {
  if (p.renewalOutcome) return RENEWAL_LABELS[p.renewalOutcome];
  if (p.status !== 'in_force') return POLICY_STATUS_LABELS[p.status];
  return p.daysToExpiry <= 60 ? `待续保（${daysToExpiryText(p.daysToExpiry)}）` : '保障中，暂无需续保';
}

export default function PolicyDetailPage() {
  const id = useRouter().params.id ?? '';
  const policy = useApi(() => api(endpoints.myPolicy, { params: { id }, toast: false }), [id]);

  return (
    <View className="page">
      <AsyncView state={policy}>
        {(p) => (
          <View>
            <View className="card">
              <View className="card__title">
                {p.product}
                <Text className={`tag ${p.status === 'in_force' ? '' : 'tag--grey'}`}>
                  {POLICY_STATUS_LABELS[p.status]}
                </Text>
              </View>
              <Row k="保险公司" v={p.insurer} />
              <Row k="保单号" v={p.number} />
              <Row k="险种" v={p.line} />
              <Row k="投保人" v={p.applicantName} />
              <Row k="被保人" v={p.insuredName} />
              {(p.beneficiaries ?? []).length > 0 && (
                <Row
                  k="受益人"
                  v={(p.beneficiaries ?? [])
                    .map((b) => `${b.name}${b.sharePercent ? ` ${b.sharePercent}%` : ''}`)
                    .join('、')}
                />
              )}
            </View>
            <View className="card">
              <View className="card__title">保障与缴费</View>
              <Row k="保额" v={yuan(p.sumInsured)} />
              <Row
                k="保费"
                v={`${yuan(p.premium)} / ${PAYMENT_FREQUENCY_LABELS[p.paymentFrequency] ?? p.paymentFrequency}`}
              />
              {p.paymentTermYears ? <Row k="缴费期" v={`${p.paymentTermYears} 年`} /> : null}
              <Row k="生效日期" v={p.effectiveDate} />
              <Row k="到期日期" v={p.expiryDate} />
              <Row k="续保状态" v={renewalText(p)} />
            </View>
            <View className="card">
              <View className="card__title">理赔记录</View>
              {p.claims.length === 0 && <Text className="muted">这张保单还没有理赔</Text>}
              {p.claims.map((c) => (
                <View
                  key={c.id}
                  className="cell"
                  onClick={() => void Taro.navigateTo({ url: withQuery(routes.claimProgress, { id: c.id }) })}
                >
                  <View className="cell__main">
                    <Text className="cell__title">{c.number}</Text>
                    <Text className="cell__desc">出险日期 {c.incidentDate}</Text>
                  </View>
                  <Text className="tag">{CLAIM_STATUS_LABELS[c.status]}</Text>
                </View>
              ))}
            </View>
            {p.status === 'in_force' && (
              <Button
                className="btn-primary"
                onClick={() =>
                  void Taro.navigateTo({ url: withQuery(routes.reportClaim, { policyId: p.id }) })
                }
              >
                我要报案
              </Button>
            )}
          </View>
        )}
      </AsyncView>
    </View>
  );
}
