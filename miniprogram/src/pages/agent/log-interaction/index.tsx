import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Picker, Text, Textarea, View } from '@tarojs/components';
import { Chips } from '@/components/chips';
import { endpoints } from '@/services/endpoints';
import { businessDate, shanghaiInstant } from '@/services/format';
import { INTERACTION_TYPE_LABELS, NEED_TAGS } from '@/services/labels';
import { api, fieldMessages } from '@/services/request';
import type { InteractionType } from '@/services/types';
import './index.scss';

const TYPES = (Object.keys(INTERACTION_TYPE_LABELS) as InteractionType[]).map((t) => ({
  value: t,
  label: INTERACTION_TYPE_LABELS[t],
}));
const NEEDS = NEED_TAGS.map((t) => ({ value: t, label: t }));
const SUMMARY_MAX = 1000;

export default function LogInteractionPage() {
  const params = useRouter().params;
  const customerId = params.customerId ?? '';
  const customerName = params.name ? decodeURIComponent(params.name) : '';
  const today = businessDate();

  const [type, setType] = useState<InteractionType>('visit');
  const [date, setDate] = useState(today);
  const [time, setTime] = useState(() => {
    const now = new Date(Date.now() + 8 * 3600 * 1000);
    return `${String(now.getUTCHours()).padStart(2, '0')}:${String(now.getUTCMinutes()).padStart(2, '0')}`;
  });
  const [summary, setSummary] = useState('');
  const [needs, setNeeds] = useState<string[]>([]);
  const [followUp, setFollowUp] = useState('');
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);

  const toggleNeed = (n: string) =>
    setNeeds((cur) => (cur.includes(n) ? cur.filter((x) => x !== n) : [...cur, n]));

  const submit = async () => {
    if (summary.trim() === '') {
      void Taro.showToast({ title: '请填写沟通内容', icon: 'none' });
      return;
    }
    setSaving(true);
    setProblems([]);
    try {
      await api(endpoints.createInteraction, {
        body: {
          customerId,
          type,
          occurredAt: shanghaiInstant(date, time),
          summary: summary.trim(),
          tags: needs,
          ...(followUp ? { nextFollowUpDate: followUp } : {}),
        },
      });
      await Taro.showToast({ title: '已记录', icon: 'success', duration: 1000 });
      // Back to 客户详情, which reloads on show and lists the new entry on its timeline.
      setTimeout(() => void Taro.navigateBack(), 600);
    } catch (err) {
      setProblems(fieldMessages(err));
      setSaving(false);
    }
  };

  return (
    <View className="page log">
      <View className="card">
        <View className="field">
          <Text className="field__label">客户</Text>
          <Text className="field__value">{customerName || '—'}</Text>
        </View>
        <View className="log__block">
          <Text className="field__label">方式</Text>
          <Chips options={TYPES} selected={[type]} onToggle={setType} />
        </View>
        <Picker mode="date" value={date} end={today} onChange={(e) => setDate(String(e.detail.value))}>
          <View className="field">
            <Text className="field__label">日期</Text>
            <Text className="field__value">{date}</Text>
            <Text className="muted">›</Text>
          </View>
        </Picker>
        <Picker mode="time" value={time} onChange={(e) => setTime(String(e.detail.value))}>
          <View className="field">
            <Text className="field__label">时间</Text>
            <Text className="field__value">{time}</Text>
            <Text className="muted">›</Text>
          </View>
        </Picker>
      </View>

      <View className="card">
        <Text className="field__label">沟通内容</Text>
        <Textarea
          className="log__summary"
          placeholder="例如：聊到孩子明年出国读书，想了解教育金"
          maxlength={SUMMARY_MAX}
          value={summary}
          onInput={(e) => setSummary(e.detail.value)}
        />
        <Text className="log__count">
          {summary.length}/{SUMMARY_MAX}
        </Text>
      </View>

      <View className="card">
        <Text className="field__label">需求标签</Text>
        <View className="log__block">
          <Chips options={NEEDS} selected={needs} onToggle={toggleNeed} />
        </View>
        <Picker
          mode="date"
          value={followUp || today}
          start={today}
          onChange={(e) => setFollowUp(String(e.detail.value))}
        >
          <View className="field">
            <Text className="field__label">下次跟进</Text>
            <Text className={followUp ? 'field__value' : 'field__value field__placeholder'}>
              {followUp || '选填，将生成待办'}
            </Text>
            {followUp ? (
              <Text
                className="muted"
                onClick={(e) => {
                  e.stopPropagation();
                  setFollowUp('');
                }}
              >
                清除
              </Text>
            ) : (
              <Text className="muted">›</Text>
            )}
          </View>
        </Picker>
      </View>

      {problems.length > 0 && (
        <View className="card log__problems">
          {problems.map((p) => (
            <Text key={p} className="danger">
              {p}
            </Text>
          ))}
        </View>
      )}

      <Button
        className={`btn-primary ${saving || !customerId ? 'btn-primary--disabled' : ''}`}
        disabled={saving || !customerId}
        onClick={() => void submit()}
      >
        {saving ? '保存中…' : '保存'}
      </Button>
    </View>
  );
}
