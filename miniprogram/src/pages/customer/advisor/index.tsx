import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { AsyncView } from '@/components/page-state';
import { TabBar } from '@/components/tab-bar';
import { useApi } from '@/hooks/useApi';
import { endpoints } from '@/services/endpoints';
import { phone } from '@/services/format';
import { api } from '@/services/request';
import { clearSession } from '@/services/session';
import { routes } from '@/services/routes';
import './index.scss';

export default function AdvisorPage() {
  const advisor = useApi(() => api(endpoints.myAdvisor, { toast: false }), []);

  const logout = () => {
    clearSession();
    void Taro.reLaunch({ url: routes.login });
  };

  return (
    <View className="page advisor">
      <AsyncView state={advisor}>
        {(a) => {
          const number = a.phone?.replace(/^\+86/, '');
          return (
            <View className="card advisor__card">
              <View className="advisor__avatar">{a.name.slice(0, 1)}</View>
              <Text className="advisor__name">{a.name}</Text>
              <Text className="advisor__title">
                {[a.title, a.team, a.branch].filter(Boolean).join(' · ')}
              </Text>
              {(a.productLines ?? []).length > 0 && (
                <View className="advisor__lines">
                  擅长：
                  {(a.productLines ?? []).map((l) => (
                    <Text key={l} className="tag">
                      {l}
                    </Text>
                  ))}
                </View>
              )}
              {number ? (
                <Button
                  className="btn-primary advisor__call"
                  onClick={() => void Taro.makePhoneCall({ phoneNumber: number })}
                >
                  拨打电话 {phone(a.phone ?? undefined)}
                </Button>
              ) : (
                <Text className="muted">顾问暂未留下电话，请通过企业微信联系</Text>
              )}
            </View>
          );
        }}
      </AsyncView>
      <Button className="btn-plain advisor__logout" onClick={logout}>
        退出登录
      </Button>
      <TabBar mode="customer" active="advisor" />
    </View>
  );
}
