import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { Chips } from '@/components/chips';
import { AsyncView } from '@/components/page-state';
import { TabBar } from '@/components/tab-bar';
import { useApi } from '@/hooks/useApi';
import { endpoints } from '@/services/endpoints';
import { dateTime, phone } from '@/services/format';
import { api } from '@/services/request';
import type { Lead } from '@/services/types';
import './index.scss';

const VIEWS = [
  { value: 'mine', label: '我的线索' },
  { value: 'pool', label: '公海' },
] as const;
type LeadView = (typeof VIEWS)[number]['value'];

const STAGE_LABELS: Record<Lead['stage'], string> = {
  new: '新线索',
  assigned: '已分配',
  contacted: '已联系',
  needs_analysis: '需求分析',
  proposal: '方案',
  won: '成交',
  lost: '流失',
};

export default function LeadsPage() {
  const [view, setView] = useState<LeadView>('mine');
  const [claiming, setClaiming] = useState<string | null>(null);
  const list = useApi(
    () =>
      // "Mine" is the caller's scope (an agent's own leads); the pool is open to every agent.
      api(view === 'pool' ? endpoints.leadPool : endpoints.leads, { query: { pageSize: 50 }, toast: false }),
    [view],
  );

  const claim = async (lead: Lead) => {
    setClaiming(lead.id);
    try {
      await api(endpoints.claimLead, { params: { id: lead.id } });
      void Taro.showToast({ title: '已领取', icon: 'success' });
      await list.reload();
    } catch {
      // The wrapper showed why (e.g. the daily limit).
    } finally {
      setClaiming(null);
    }
  };

  return (
    <View className="page leads">
      <View className="card">
        <Chips options={VIEWS} selected={[view]} onToggle={setView} />
      </View>
      <AsyncView
        state={list}
        isEmpty={(p) => p.items.length === 0}
        emptyText={view === 'pool' ? '公海里暂时没有线索' : '暂无分配给你的线索'}
      >
        {(page) => (
          <View className="card">
            {page.items.map((l) => (
              <View key={l.id} className="cell">
                <View className="cell__main">
                  <Text className="cell__title">
                    {l.grade && (
                      <Text className={`tag ${l.grade === 'A' ? 'tag--danger' : ''}`}>{l.grade}</Text>
                    )}
                    {l.name ?? '未留姓名'}
                  </Text>
                  <Text className="cell__desc">
                    {[
                      l.source,
                      phone(l.phone ?? undefined),
                      STAGE_LABELS[l.stage],
                      ...(l.productInterest ?? []),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </Text>
                  {l.overdue ? (
                    <Text className="cell__desc danger">{l.overdueReason ?? '已超时'}</Text>
                  ) : (
                    l.firstContactDueAt &&
                    l.stage === 'assigned' && (
                      <Text className="cell__desc">首次联系截止 {dateTime(l.firstContactDueAt)}</Text>
                    )
                  )}
                </View>
                {view === 'pool' && (
                  <View className="leads__claim" onClick={() => void claim(l)}>
                    {claiming === l.id ? '领取中…' : '领取'}
                  </View>
                )}
              </View>
            ))}
          </View>
        )}
      </AsyncView>
      <TabBar mode="agent" active="leads" />
    </View>
  );
}
