import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { AsyncView } from '@/components/page-state';
import { TabBar } from '@/components/tab-bar';
import { useApi } from '@/hooks/useApi';
import { roleLabel } from '@/services/auth';
import { endpoints } from '@/services/endpoints';
import { addDays, businessDate, dateOnly, dateTime, daysToExpiryText } from '@/services/format';
import { CLAIM_STATUS_LABELS } from '@/services/labels';
import { api } from '@/services/request';
import { routes, withQuery } from '@/services/routes';
import { getSession } from '@/services/session';
import type { Task } from '@/services/types';
import './index.scss';

const isRecent = (iso: string | undefined, today: string) =>
  iso !== undefined && dateOnly(iso) >= addDays(today, -7);

const openCustomer = (id: string | null | undefined) => {
  if (id) void Taro.navigateTo({ url: withQuery(routes.customerDetail, { id }) });
};

export default function WorkbenchPage() {
  const session = getSession();
  const today = businessDate();

  // Three independent sections: one failing API does not hide the other two.
  const tasks = useApi(
    async () => {
      const [overdue, due] = await Promise.all([
        api(endpoints.tasks, { query: { status: 'open', due: 'overdue', pageSize: 50 }, toast: false }),
        api(endpoints.tasks, { query: { status: 'open', due: 'today', pageSize: 50 }, toast: false }),
      ]);
      return [...overdue.items, ...due.items];
    },
    [today],
    { refreshOnShow: true },
  );
  const renewals = useApi(
    () =>
      api(endpoints.policies, {
        query: { expiringWithinDays: 30, status: 'in_force', pageSize: 50 },
        toast: false,
      }).then((p) => p.items),
    [today],
  );
  const claims = useApi(
    () =>
      // Newest change first (the API sorts by updatedAt); closed claims are history, not news.
      api(endpoints.claims, { query: { pageSize: 30 }, toast: false }).then((p) =>
        p.items.filter((c) => c.status !== 'closed' || isRecent(c.updatedAt, today)).slice(0, 10),
      ),
    [today],
  );

  const complete = async (task: Task) => {
    try {
      await api(endpoints.completeTask, { params: { id: task.id }, body: { status: 'done' } });
      void Taro.showToast({ title: '已完成', icon: 'success' });
      await tasks.reload();
    } catch {
      // The wrapper showed why.
    }
  };

  return (
    <View className="page workbench">
      <View className="workbench__hello">
        <Text className="workbench__name">{session ? `${session.name}，你好` : '你好'}</Text>
        <Text className="workbench__date">
          {today} · {session ? roleLabel(session.role) : ''}
        </Text>
      </View>

      <View className="card">
        <View className="card__title">今日待办</View>
        <AsyncView state={tasks} isEmpty={(t) => t.length === 0} emptyText="今天没有待办，去客户列表看看吧">
          {(items) => (
            <View>
              {items.map((t) => {
                const overdue = t.overdue ?? t.dueDate < today;
                return (
                  <View key={t.id} className="cell">
                    <View className="cell__main" onClick={() => openCustomer(t.customerId)}>
                      <Text className="cell__title">{t.title}</Text>
                      <Text className={`cell__desc ${overdue ? 'danger' : ''}`}>
                        {overdue ? `已逾期 · 应于 ${t.dueDate} 完成` : '今天'}
                      </Text>
                    </View>
                    <View className="workbench__done" onClick={() => void complete(t)}>
                      完成
                    </View>
                  </View>
                );
              })}
            </View>
          )}
        </AsyncView>
      </View>

      <View className="card">
        <View className="card__title">30 天内到期续保</View>
        <AsyncView state={renewals} isEmpty={(p) => p.length === 0} emptyText="30 天内没有到期的保单">
          {(items) => (
            <View>
              {items.map((p) => (
                <View key={p.id} className="cell" onClick={() => openCustomer(p.customerId)}>
                  <View className="cell__main">
                    <Text className="cell__title">
                      {p.applicantName} · {p.product}
                    </Text>
                    <Text className="cell__desc">
                      {p.insurer} · {p.number}
                    </Text>
                  </View>
                  <Text className={`cell__extra ${p.daysToExpiry <= 7 ? 'danger' : 'warning'}`}>
                    {daysToExpiryText(p.daysToExpiry)}
                  </Text>
                </View>
              ))}
            </View>
          )}
        </AsyncView>
      </View>

      <View className="card">
        <View className="card__title">理赔动态</View>
        <AsyncView state={claims} isEmpty={(c) => c.length === 0} emptyText="近两周没有理赔变化">
          {(items) => (
            <View>
              {items.map((c) => {
                const last = c.timeline[c.timeline.length - 1];
                return (
                  <View key={c.id} className="cell" onClick={() => openCustomer(c.customerId)}>
                    <View className="cell__main">
                      <Text className="cell__title">
                        {c.claimantName} · {c.number}
                      </Text>
                      <Text className="cell__desc">{last ? dateTime(last.at) : c.incidentDate}</Text>
                    </View>
                    <Text className={`tag ${c.status === 'rejected' ? 'tag--danger' : ''}`}>
                      {CLAIM_STATUS_LABELS[c.status]}
                    </Text>
                  </View>
                );
              })}
            </View>
          )}
        </AsyncView>
      </View>

      <TabBar mode="agent" active="workbench" />
    </View>
  );
}
