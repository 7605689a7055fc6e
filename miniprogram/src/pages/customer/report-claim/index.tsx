import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Image, Input, Picker, Text, Textarea, View } from '@tarojs/components';
import { AsyncView } from '@/components/page-state';
import { TabBar } from '@/components/tab-bar';
import { useApi } from '@/hooks/useApi';
import { endpoints } from '@/services/endpoints';
import { businessDate } from '@/services/format';
import { choosePhotos, MAX_PHOTOS, photoDataUrl } from '@/services/photos';
import { api, fieldMessages } from '@/services/request';
import { routes, withQuery } from '@/services/routes';
import type { Policy } from '@/services/types';
import './index.scss';

const DESCRIPTION_MAX = 500;

export default function ReportClaimPage() {
  const preset = useRouter().params.policyId;
  const policies = useApi(
    () =>
      api(endpoints.myPolicies, { toast: false }).then((p) => p.items.filter((x) => x.status === 'in_force')),
    [],
  );
  return (
    <View className="page report">
      <AsyncView
        state={policies}
        isEmpty={(p) => p.length === 0}
        emptyText="您没有保障中的保单，无法在线报案。如需帮助请联系您的顾问"
      >
        {(items) => <ReportForm policies={items} preset={preset} />}
      </AsyncView>
      <TabBar mode="customer" active="report" />
    </View>
  );
}

function ReportForm({ policies, preset }: { policies: Policy[]; preset: string | undefined }) {
  const today = businessDate();
  const [index, setIndex] = useState(() =>
    Math.max(
      0,
      policies.findIndex((p) => p.id === preset),
    ),
  );
  const [incidentDate, setIncidentDate] = useState(today);
  const [description, setDescription] = useState('');
  const [amount, setAmount] = useState('');
  const [photos, setPhotos] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const policy = policies[index];

  const addPhotos = async () => {
    try {
      const picked = await choosePhotos(MAX_PHOTOS - photos.length);
      setPhotos((cur) => [...cur, ...picked].slice(0, MAX_PHOTOS));
    } catch {
      // The customer closed the picker.
    }
  };

  const submit = async () => {
    if (!policy) return;
    const amountClaimed = Number(amount);
    if (amount.trim() === '' || !Number.isFinite(amountClaimed) || amountClaimed < 0) {
      void Taro.showToast({ title: '请填写预估金额（元）', icon: 'none' });
      return;
    }
    if (description.trim().length < 5) {
      void Taro.showToast({ title: '请简要描述出险经过（至少 5 个字）', icon: 'none' });
      return;
    }
    setSaving(true);
    setProblems([]);
    try {
      const claim = await api(endpoints.reportClaim, {
        body: { policyId: policy.id, incidentDate, amountClaimed, description: description.trim() },
      });
      let skipped = 0;
      for (const path of photos) {
        const dataUrl = await photoDataUrl(path).catch(() => undefined);
        if (!dataUrl) {
          skipped++;
          continue;
        }
        await api(endpoints.addClaimPhoto, { params: { id: claim.id }, body: { dataUrl } }).catch(() => {
          skipped++;
        });
      }
      await Taro.showToast({
        title: skipped > 0 ? `已报案，${skipped} 张照片过大未上传` : '报案成功',
        icon: skipped > 0 ? 'none' : 'success',
        duration: 1500,
      });
      setTimeout(() => void Taro.redirectTo({ url: withQuery(routes.claimProgress, { id: claim.id }) }), 800);
    } catch (err) {
      setProblems(fieldMessages(err));
      setSaving(false);
    }
  };

  return (
    <View>
      <View className="card">
        <Picker
          mode="selector"
          range={policies.map((p) => `${p.product}（${p.number}）`)}
          value={index}
          onChange={(e) => setIndex(Number(e.detail.value))}
        >
          <View className="field">
            <Text className="field__label">出险保单</Text>
            <Text className="field__value">{policy ? `${policy.product}（${policy.insuredName}）` : ''}</Text>
            <Text className="muted">›</Text>
          </View>
        </Picker>
        <Picker
          mode="date"
          value={incidentDate}
          end={today}
          onChange={(e) => setIncidentDate(String(e.detail.value))}
        >
          <View className="field">
            <Text className="field__label">出险日期</Text>
            <Text className="field__value">{incidentDate}</Text>
            <Text className="muted">›</Text>
          </View>
        </Picker>
        <View className="field">
          <Text className="field__label">预估金额</Text>
          <Input
            className="field__value"
            type="digit"
            placeholder="元，如 5000"
            value={amount}
            onInput={(e) => setAmount(e.detail.value)}
          />
        </View>
      </View>
      <View className="card">
        <Text className="field__label">出险经过</Text>
        <Textarea
          className="report__desc"
          placeholder="请描述时间、地点、经过和就医情况"
          maxlength={DESCRIPTION_MAX}
          value={description}
          onInput={(e) => setDescription(e.detail.value)}
        />
      </View>
      <View className="card">
        <Text className="field__label">照片（选填，最多 {MAX_PHOTOS} 张）</Text>
        <View className="report__photos">
          {photos.map((p) => (
            <View key={p} className="report__photo">
              <Image src={p} mode="aspectFill" className="report__img" />
              <Text className="report__remove" onClick={() => setPhotos((cur) => cur.filter((x) => x !== p))}>
                ✕
              </Text>
            </View>
          ))}
          {photos.length < MAX_PHOTOS && (
            <View className="report__add" onClick={() => void addPhotos()}>
              +
            </View>
          )}
        </View>
      </View>
      {problems.length > 0 && (
        <View className="card">
          {problems.map((p) => (
            <Text key={p} className="danger">
              {p}
            </Text>
          ))}
        </View>
      )}
      <Button
        className={`btn-primary ${saving ? 'btn-primary--disabled' : ''}`}
        disabled={saving}
        onClick={() => void submit()}
      >
        {saving ? '提交中…' : '提交报案'}
      </Button>
    </View>
  );
}
