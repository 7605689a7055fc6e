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
    { label: '拜访', value: String(k.process?.visits ?? 0) },
    { label: '电话', value: String(k.process?.calls ?? 0) },
    { label: '新线索', value: String(k.process?.newLeads ?? 0) },
    { label: '待办完成率', value: pct(k.process?.taskCompletionRate) },
    { label: '续保率', value: pct(k.results?.renewalRate) },
    { label: '件均保费', value: yuan(k.results?.averagePremium ?? null) },
    { label: '活跃客户', value: String(k.relationship?.activeCustomers ?? 0) },
    { label: '流失率', value: pct(k.relationship?.churnRate) },
  ];
  const bySource = k.results?.conversionBySource ?? [];
  const perAgent = k.team?.perAgent ?? [];
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
      {bySource.length > 0 && (
        <View className="card">
          <View className="card__title">各渠道成交</View>
          <BarChart
            bars={bySource.map((s) => ({
              label: s.source,
              value: s.won,
              display: `${s.won}/${s.leads}`,
            }))}
          />
        </View>
      )}
      {perAgent.length > 0 && (
        <View className="card">
          <View className="card__title">人员产能（拜访）</View>
          <BarChart
            color="#576b95"
            bars={perAgent.map((a) => ({ label: a.agentName ?? a.agentId, value: a.visits ?? 0 }))}
          />
        </View>
      )}
    </View>
  );
}
