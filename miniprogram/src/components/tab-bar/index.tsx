import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { routes } from '@/services/routes';
import './index.scss';

// One app serves both modes, and WeChat allows one native tabBar per app: so each mode draws its own
// bar with the same look (fixed bottom, four slots, safe-area padding).
const TABS = {
  agent: [
    { key: 'workbench', label: '工作台', icon: '⌂', url: routes.workbench },
    { key: 'customers', label: '客户', icon: '☺', url: routes.customers },
    { key: 'leads', label: '线索', icon: '✚', url: routes.leads },
    { key: 'reports', label: '报表', icon: '▤', url: routes.reports },
  ],
  customer: [
    { key: 'policies', label: '我的保单', icon: '▣', url: routes.myPolicies },
    { key: 'report', label: '报案', icon: '✎', url: routes.reportClaim },
    { key: 'advisor', label: '我的顾问', icon: '☏', url: routes.advisor },
  ],
} as const;

type Mode = keyof typeof TABS;
type TabKey<M extends Mode> = (typeof TABS)[M][number]['key'];

export function TabBar<M extends Mode>({ mode, active }: { mode: M; active: TabKey<M> }) {
  return (
    <View className="tab-bar" role="tablist">
      {TABS[mode].map((tab) => (
        <View
          key={tab.key}
          role="tab"
          aria-selected={tab.key === active}
          className={`tab-bar__item ${tab.key === active ? 'tab-bar__item--active' : ''}`}
          onClick={() => {
            if (tab.key !== active) void Taro.redirectTo({ url: tab.url });
          }}
        >
          <Text className="tab-bar__icon">{tab.icon}</Text>
          <Text className="tab-bar__label">{tab.label}</Text>
        </View>
      ))}
    </View>
  );
}
