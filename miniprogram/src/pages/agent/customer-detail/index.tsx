import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { AsyncView } from '@/components/page-state';
import { Timeline } from '@/components/timeline';
import { useApi } from '@/hooks/useApi';
import { claimSteps } from '@/services/claim-steps';
import { endpoints } from '@/services/endpoints';
import { dateOnly, dateTime, daysToExpiryText, phone, yuan } from '@/services/format';
import {
  BOOK_LABELS,
  CLAIM_STATUS_LABELS,
  GENDER_LABELS,
  LIFECYCLE_LABELS,
  POLICY_STATUS_LABELS,
  RELATION_LABELS,
  TIER_LABELS,
} from '@/services/labels';
import { api } from '@/services/request';
import { routes, withQuery } from '@/services/routes';
import type { Customer360, TimelineEvent } from '@/services/types';
import './index.scss';

export default function CustomerDetailPage() {
  const id = useRouter().params.id ?? '';
  // Reloaded when the page is shown again: 记一笔 navigates back here and the new entry must appear.
  const view = useApi(() => api(endpoints.customer, { params: { id }, toast: false }), [id], {
    refreshOnShow: true,
  });
  const timeline = useApi(
    () => api(endpoints.customerTimeline, { params: { id }, query: { limit: 30 }, toast: false }),
    [id],
    { refreshOnShow: true },
  );

  return (
    <View className="page detail">
      <AsyncView state={view}>
        {(v) => (
          <View>
            <Identity v={v} />
            <SegmentationCard v={v} />
            <Policies v={v} />
            <Claims v={v} />
            <View className="card">
              <View className="card__title">沟通时间线</View>
              <AsyncView
                state={timeline}
                isEmpty={(t) => t.items.length === 0}
                emptyText="还没有沟通记录，点下方“记一笔”添加"
              >
                {(t) => (
                  <Timeline
                    items={t.items.map((e, i) => ({
                      key: `${e.at}-${i}`,
                      title: e.title,
                      time: dateTime(e.at),
                      description: eventDetail(e),
                      state: 'done',
                    }))}
                  />
                )}
              </AsyncView>
            </View>
            <OpenWork v={v} />
            <Family v={v} />
            <SoftInfo v={v} />
            <Actions v={v} />
          </View>
        )}
      </AsyncView>
    </View>
  );
}

/** The timeline title already names the event; add what the agent needs next (needs tags, follow-up). */
function eventDetail(e: TimelineEvent): string | undefined {
  const d = e.detail;
  if (!d || e.kind !== 'interaction') return undefined;
  const parts: string[] = [];
  if (Array.isArray(d.tags) && d.tags.length > 0) parts.push(`需求：${d.tags.join('、')}`);
  if (typeof d.nextFollowUpDate === 'string') parts.push(`下次跟进 ${d.nextFollowUpDate}`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

function Identity({ v }: { v: Customer360 }) {
  const c = v.customer;
  const mobile = c.phones?.[0]?.number;
  return (
    <View className="card detail__identity">
      <View className="detail__name-row">
        <Text className="detail__name">{c.name}</Text>
        {c.gender && <Text className="muted detail__gender">{GENDER_LABELS[c.gender]}</Text>}
      </View>
      <View className="kv">
        <Text className="kv__k">手机</Text>
        <Text className="kv__v">{mobile ? phone(mobile) : '—'}</Text>
      </View>
      {c.birthday && (
        <View className="kv">
          <Text className="kv__k">生日</Text>
          <Text className="kv__v">{c.birthday}</Text>
        </View>
      )}
      {c.occupation && (
        <View className="kv">
          <Text className="kv__k">职业</Text>
          <Text className="kv__v">{c.occupation}</Text>
        </View>
      )}
      {c.idNumber && (
        <View className="kv">
          <Text className="kv__k">证件号</Text>
          <Text className="kv__v">{c.idNumber}</Text>
        </View>
      )}
      {(c.region || c.address) && (
        <View className="kv">
          <Text className="kv__k">地址</Text>
          <Text className="kv__v">
            {c.address && c.region && c.address.startsWith(c.region)
              ? c.address
              : [c.region, c.address].filter(Boolean).join(' ')}
          </Text>
        </View>
      )}
      {v.owner && (
        <View className="kv">
          <Text className="kv__k">归属顾问</Text>
          <Text className="kv__v">{v.owner.name}</Text>
        </View>
      )}
      {v.referrer?.name && (
        <View className="kv">
          <Text className="kv__k">转介绍人</Text>
          <Text className="kv__v">{v.referrer.name}</Text>
        </View>
      )}
      {c.sourceChannel && (
        <View className="kv">
          <Text className="kv__k">来源</Text>
          <Text className="kv__v">{c.sourceChannel}</Text>
        </View>
      )}
      {(c.tags ?? []).length > 0 && (
        <View className="detail__tags">
          {(c.tags ?? []).map((t) => (
            <Text key={t} className="tag tag--grey">
              {t}
            </Text>
          ))}
        </View>
      )}
    </View>
  );
}

function SegmentationCard({ v }: { v: Customer360 }) {
  const s = v.segmentation;
  if (!s) return null;
  const rows = [
    { k: '价值', value: TIER_LABELS[s.tier], reasons: s.reasons.tier },
    { k: '客户本', value: BOOK_LABELS[s.book], reasons: s.reasons.book },
    { k: '生命周期', value: LIFECYCLE_LABELS[s.lifecycle], reasons: s.reasons.lifecycle },
  ];
  return (
    <View className="card">
      <View className="card__title">客户分层</View>
      {rows.map((r) => (
        <View key={r.k} className="detail__seg">
          <View>
            <Text className="kv__k">{r.k}</Text>
            <Text className="tag">{r.value}</Text>
          </View>
          {r.reasons.map((reason) => (
            <Text key={reason} className="detail__reason">
              {reason}
            </Text>
          ))}
        </View>
      ))}
    </View>
  );
}

function Policies({ v }: { v: Customer360 }) {
  return (
    <View className="card">
      <View className="card__title">保单（{v.policies.length}）</View>
      {v.policies.length === 0 && <Text className="muted">暂无保单</Text>}
      {v.policies.map((p) => (
        <View key={p.id} className="cell">
          <View className="cell__main">
            <Text className="cell__title">
              {p.product}
              <Text className="tag tag--grey detail__line">{p.line}</Text>
            </Text>
            <Text className="cell__desc">
              {p.insurer} · 保费 {yuan(p.premium)} · 保额 {yuan(p.sumInsured)}
            </Text>
            <Text className="cell__desc">
              {p.effectiveDate} 至 {p.expiryDate} · {POLICY_STATUS_LABELS[p.status]}
            </Text>
          </View>
          {p.status === 'in_force' && (
            <Text className={`cell__extra ${p.daysToExpiry <= 30 ? 'warning' : ''}`}>
              {daysToExpiryText(p.daysToExpiry)}
            </Text>
          )}
        </View>
      ))}
    </View>
  );
}

function Claims({ v }: { v: Customer360 }) {
  const [open, setOpen] = useState<string | null>(v.claims.find((c) => c.status !== 'closed')?.id ?? null);
  if (v.claims.length === 0) return null;
  return (
    <View className="card">
      <View className="card__title">理赔（{v.claims.length}）</View>
      {v.claims.map((c) => (
        <View key={c.id} className="detail__claim">
          <View className="cell" onClick={() => setOpen(open === c.id ? null : c.id)}>
            <View className="cell__main">
              <Text className="cell__title">{c.number}</Text>
              <Text className="cell__desc">
                出险 {c.incidentDate} · 申请 {yuan(c.amountClaimed)}
                {c.amountPaid ? ` · 已赔 ${yuan(c.amountPaid)}` : ''}
              </Text>
            </View>
            <Text className={`tag ${c.status === 'rejected' ? 'tag--danger' : ''}`}>
              {CLAIM_STATUS_LABELS[c.status]}
            </Text>
          </View>
          {open === c.id && <Timeline items={claimSteps(c)} />}
        </View>
      ))}
    </View>
  );
}

function OpenWork({ v }: { v: Customer360 }) {
  if (v.openTasks.length === 0 && v.openTickets.length === 0) return null;
  return (
    <View className="card">
      <View className="card__title">待办与工单</View>
      {v.openTasks.map((t) => (
        <View key={t.id} className="cell">
          <Text className="cell__title">{t.title}</Text>
          <Text className={`cell__extra ${t.overdue ? 'danger' : ''}`}>
            {t.overdue ? `已逾期 · ${t.dueDate}` : t.dueDate}
          </Text>
        </View>
      ))}
      {v.openTickets.map((t) => (
        <View key={t.id} className="cell">
          <Text className="cell__title">
            {t.title ?? t.typeLabel ?? t.type}
            {t.breached ? <Text className="tag tag--danger">已超时</Text> : null}
          </Text>
          <Text className="cell__extra">{t.slaDueAt ? `时限 ${dateTime(t.slaDueAt)}` : t.status}</Text>
        </View>
      ))}
    </View>
  );
}

function Family({ v }: { v: Customer360 }) {
  const { family } = v;
  const anniversaries = v.customer.anniversaries ?? [];
  if (family.length === 0 && anniversaries.length === 0) return null;
  return (
    <View className="card">
      <View className="card__title">家庭</View>
      {family.map((f) => (
        <View key={`${f.relation}-${f.name}`} className="cell">
          <Text className="cell__title">
            {f.linkedCustomerName ?? f.name}
            <Text className="muted">（{RELATION_LABELS[f.relation] ?? f.relation}）</Text>
          </Text>
          <Text className="cell__extra">{f.birthday ? `生日 ${dateOnly(f.birthday)}` : ''}</Text>
        </View>
      ))}
      {anniversaries.map((a) => (
        <View key={`${a.label}-${a.date}`} className="cell">
          <Text className="cell__title">{a.label}</Text>
          <Text className="cell__extra">{a.date}</Text>
        </View>
      ))}
    </View>
  );
}

function SoftInfo({ v }: { v: Customer360 }) {
  const { softInfo, preferences } = v.customer;
  const hasPrefs = preferences && (preferences.risk || preferences.contactTime || preferences.channel);
  if (!softInfo?.notes && (softInfo?.tags ?? []).length === 0 && !hasPrefs) return null;
  return (
    <View className="card">
      <View className="card__title">软信息</View>
      {softInfo?.notes && <Text className="detail__notes">{softInfo.notes}</Text>}
      <View className="detail__tags">
        {(softInfo?.tags ?? []).map((t) => (
          <Text key={t} className="tag tag--warn">
            {t}
          </Text>
        ))}
      </View>
      {preferences?.risk && (
        <View className="kv">
          <Text className="kv__k">风险偏好</Text>
          <Text className="kv__v">{preferences.risk}</Text>
        </View>
      )}
      {preferences?.contactTime && (
        <View className="kv">
          <Text className="kv__k">方便联系</Text>
          <Text className="kv__v">{preferences.contactTime}</Text>
        </View>
      )}
    </View>
  );
}

function Actions({ v }: { v: Customer360 }) {
  const c = v.customer;
  const mobile = c.phones?.[0]?.number.replace(/^\+86/, '');
  const invite = async () => {
    try {
      const res = await api(endpoints.createInvite, { params: { id: c.id } });
      await Taro.showModal({
        title: '客户绑定邀请码',
        content: `请把邀请码 ${res.code} 发给${c.name}，在“企保”小程序中输入即可查看保单（${dateTime(res.expiresAt)} 前有效）。`,
        showCancel: false,
        confirmText: '知道了',
      });
    } catch {
      // The wrapper showed why.
    }
  };
  return (
    <View className="detail__actions">
      <View
        className="detail__action detail__action--primary"
        onClick={() =>
          void Taro.navigateTo({
            url: withQuery(routes.logInteraction, { customerId: c.id, name: c.name }),
          })
        }
      >
        记一笔
      </View>
      {mobile && /^\d{11}$/.test(mobile) && (
        <View className="detail__action" onClick={() => void Taro.makePhoneCall({ phoneNumber: mobile })}>
          打电话
        </View>
      )}
      <View className="detail__action" onClick={() => void invite()}>
        邀请绑定
      </View>
    </View>
  );
}
