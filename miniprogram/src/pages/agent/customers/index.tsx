import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { Chips } from '@/components/chips';
import { AsyncView } from '@/components/page-state';
import { TabBar } from '@/components/tab-bar';
import { useApi } from '@/hooks/useApi';
import { endpoints } from '@/services/endpoints';
import { phone } from '@/services/format';
import { BOOK_LABELS, TIER_LABELS } from '@/services/labels';
import { api } from '@/services/request';
import { routes, withQuery } from '@/services/routes';
import type { Book, Tier } from '@/services/types';
import './index.scss';

const TIERS = [
  { value: 'all', label: '全部' },
  ...(Object.keys(TIER_LABELS) as Tier[]).map((t) => ({ value: t, label: TIER_LABELS[t] })),
] as const;
const BOOKS = [
  { value: 'all', label: '全部' },
  ...(Object.keys(BOOK_LABELS) as Book[]).map((b) => ({ value: b, label: BOOK_LABELS[b] })),
] as const;
type TierFilter = Tier | 'all';
type BookFilter = Book | 'all';

export default function CustomersPage() {
  const [input, setInput] = useState('');
  const [q, setQ] = useState('');
  const [tier, setTier] = useState<TierFilter>('all');
  const [book, setBook] = useState<BookFilter>('all');
  const [tag, setTag] = useState('');

  const list = useApi(
    () =>
      api(endpoints.customers, {
        query: {
          q: q || undefined,
          tier: tier === 'all' ? undefined : tier,
          book: book === 'all' ? undefined : book,
          tag: tag || undefined,
          pageSize: 50,
        },
        toast: false,
      }),
    [q, tier, book, tag],
  );

  return (
    <View className="page customers">
      <View className="customers__search">
        <Input
          className="customers__input"
          type="text"
          confirmType="search"
          placeholder="姓名、拼音首字母（如 zs）、手机号或保单号"
          value={input}
          onInput={(e) => setInput(e.detail.value)}
          onConfirm={(e) => setQ(e.detail.value.trim())}
        />
        <View className="customers__go" onClick={() => setQ(input.trim())}>
          搜索
        </View>
      </View>

      <View className="card customers__filters">
        <Chips label="价值" options={TIERS} selected={[tier]} onToggle={(v) => setTier(v)} />
        <Chips label="客户本" options={BOOKS} selected={[book]} onToggle={(v) => setBook(v)} />
        {tag && (
          <View className="customers__tag" onClick={() => setTag('')}>
            标签：{tag} ✕
          </View>
        )}
      </View>

      <AsyncView
        state={list}
        isEmpty={(p) => p.items.length === 0}
        emptyText={q ? `没有找到“${q}”相关的客户` : '还没有客户'}
      >
        {(page) => (
          <View className="card">
            {page.total !== undefined && <Text className="customers__count">共 {page.total} 位客户</Text>}
            {page.items.map((c) => (
              <View
                key={c.id}
                className="cell customers__row"
                onClick={() => void Taro.navigateTo({ url: withQuery(routes.customerDetail, { id: c.id }) })}
              >
                <View className="customers__avatar">{c.name.slice(0, 1)}</View>
                <View className="cell__main">
                  <Text className="cell__title">{c.name}</Text>
                  <View className="cell__desc">
                    {phone(c.phones?.[0]?.number)}
                    {c.segmentation ? ` · ${BOOK_LABELS[c.segmentation.book]}` : ''}
                  </View>
                  <View>
                    {(c.tags ?? []).slice(0, 3).map((t) => (
                      <Text
                        key={t}
                        className="tag tag--grey"
                        onClick={(e) => {
                          e.stopPropagation();
                          setTag(t);
                        }}
                      >
                        {t}
                      </Text>
                    ))}
                  </View>
                </View>
                {c.segmentation && (
                  <Text className={`tag ${c.segmentation.tier === 'high' ? '' : 'tag--grey'}`}>
                    {TIER_LABELS[c.segmentation.tier]}
                  </Text>
                )}
              </View>
            ))}
          </View>
        )}
      </AsyncView>

      <TabBar mode="agent" active="customers" />
    </View>
  );
}
