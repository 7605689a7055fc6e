import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { BarChart } from '@/components/bar-chart';
import { Chips } from '@/components/chips';
import { AsyncView } from '@/components/page-state';
import { TabBar } from '@/components/tab-bar';
import { useApi } from '@/hooks/useApi';
import { endpoints } from '@/services/endpoints';
import { addDays, businessDate, yuan } from '@/services/format';
import { api } from '@/services/request';
import type { Kpis } from '@/services/types';
import './index.scss';

const PERIODS = [
  { value: 'week', label: '近 7 天' },
  { value: 'month', label: '本月' },
  { value: 'last_month', label: '上月' },
  { value: 'quarter', label: '近 90 天' },
] as const;
type Period = (typeof PERIODS)[number]['value'];

function range(period: Period, today: string): { from: string; to: string } {
  const monthStart = `${today.slice(0, 7)}-01`;
  switch (period) {
    case 'week':
      return { from: addDays(today, -6), to: today };
    case 'month':
      return { from: monthStart, to: today };
    case 'last_month': {
      const lastDay = addDays(monthStart, -1);
      return { from: `${lastDay.slice(0, 7)}-01`, to: lastDay };
    }
    case 'quarter':
      return { from: addDays(today, -89), to: today };
  }
}

const pct = (r: number | null | undefined) =>
  r === null || r === undefined ? '—' : `${Math.round(r * 100)}%`;

export default function ReportsPage() {
  const [period, setPeriod] = useState<Period>('month');
  const today = businessDate();
  const { from, to } = range(period, today);
  const kpis = useApi(() => api(endpoints.kpis, { query: { from, to }, toast: false }), [from, to]);

  return (
    <View className="page reports">
      <View className="card">
        <Chips options={PERIODS} selected={[period]} onToggle={setPeriod} />
        <Text className="muted reports__range">
          {from} 至 {to}
        </Text>
      </View>
      <AsyncView state={kpis}>{(k) => <KpiView k={k} />}</AsyncView>
      <TabBar mode="agent" active="reports" />
    </View>
  );
}

function KpiView({ k }: { k: Kpis }) {
  const stats = [
    { label: '拜访', value: String(k.visits) },
    { label: '电话', value: String(k.calls) },
    { label: '新线索', value: String(k.newLeads) },
    { label: '待办完成率', value: pct(k.taskCompletion.rate) },
    { label: '续保率', value: pct(k.renewalRate.rate) },
    { label: '件均保费', value: yuan(k.averagePremium) },
    { label: '活跃客户', value: String(k.activeCustomers) },
    { label: '流失率', value: pct(k.churnRate) },
    { label: 'NPS', value: k.nps === null ? '—' : String(k.nps) },
    { label: '满意度', value: pct(k.csat) },
    { label: '客户价值', value: yuan(k.ltv) },
    { label: '成交周期', value: k.salesCycleDays === null ? '—' : `${k.salesCycleDays} 天` },
  ];
  return (
    <View>
      <View className="card reports__grid">
        {stats.map((s) => (
          <View key={s.label} className="reports__stat">
            <Text className="reports__value">{s.value}</Text>
            <Text className="reports__label">{s.label}</Text>
          </View>
        ))}
      </View>
      {k.funnel.some((f) => f.count > 0) && (
        <View className="card">
          <View className="card__title">线索漏斗</View>
          <BarChart bars={k.funnel.map((f) => ({ label: f.label, value: f.count }))} />
        </View>
      )}
      {k.conversionBySource.length > 0 && (
        <View className="card">
          <View className="card__title">各渠道成交</View>
          <BarChart
            bars={k.conversionBySource.map((s) => ({
              label: s.source,
              value: s.won,
              display: `${s.won}/${s.leads}`,
            }))}
          />
        </View>
      )}
      {k.perAgent.length > 0 && (
        <View className="card">
          <View className="card__title">人员产能（新保费）</View>
          <BarChart
            color="#576b95"
            bars={k.perAgent.slice(0, 10).map((a) => ({
              label: a.name ?? '—',
              value: a.newPremium,
              display: yuan(a.newPremium),
            }))}
          />
        </View>
      )}
      {k.lossReasons.length > 0 && (
        <View className="card">
          <View className="card__title">流失原因</View>
          <BarChart color="#fa9d3b" bars={k.lossReasons.map((l) => ({ label: l.reason, value: l.count }))} />
        </View>
      )}
    </View>
  );
}
