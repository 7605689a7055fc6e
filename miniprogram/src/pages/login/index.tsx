import { useState } from 'react';
import Taro, { useLoad } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { devLoginEnabled, devLoginStaff, goHome, roleLabel } from '@/services/auth';
import { getSession } from '@/services/session';
import './index.scss';

// The seeded demo org (scripts/seed/org.ts). Shown only on the development login screen.
const DEMO_STAFF = [
  { userId: 'zhangwei', name: '张伟', role: 'agent', team: '浦东一部' },
  { userId: 'liuyang', name: '刘洋', role: 'agent', team: '浦东一部' },
  { userId: 'yangfan', name: '杨帆', role: 'agent', team: '徐汇二部' },
  { userId: 'liqiang', name: '李强', role: 'team_lead', team: '浦东一部' },
  { userId: 'wangjun', name: '王军', role: 'branch_manager', team: '上海分公司' },
  { userId: 'admin', name: '系统管理员', role: 'admin', team: '' },
];

export default function LoginPage() {
  const [busy, setBusy] = useState<string | null>(null);
  const [otherId, setOtherId] = useState('');

  useLoad(() => {
    const session = getSession();
    if (session) void goHome(session);
  });

  const loginStaff = async (userId: string) => {
    if (busy) return;
    setBusy(userId);
    try {
      const session = await devLoginStaff(userId);
      void Taro.showToast({ title: `欢迎，${session.name}`, icon: 'success', duration: 1200 });
      await goHome(session);
    } catch {
      // The request wrapper already showed the reason; stay on this page.
    } finally {
      setBusy(null);
    }
  };

  if (!devLoginEnabled()) {
    return (
      <View className="page login">
        <View className="login__brand">
          <Text className="login__logo">企保</Text>
          <Text className="login__slogan">保单、理赔进度，一目了然</Text>
        </View>
      </View>
    );
  }

  return (
    <View className="page login">
      <View className="login__brand">
        <Text className="login__logo">企保</Text>
        <Text className="login__slogan">开发环境登录（模拟器）</Text>
      </View>

      <View className="card">
        <View className="card__title">顾问 / 管理人员</View>
        {DEMO_STAFF.map((u) => (
          <View
            key={u.userId}
            className="cell login__user"
            data-user={u.userId}
            onClick={() => void loginStaff(u.userId)}
          >
            <View className="cell__main">
              <Text className="cell__title">{u.name}</Text>
              <Text className="cell__desc">
                {' '}
                {roleLabel(u.role)}
                {u.team ? ` · ${u.team}` : ''}
              </Text>
            </View>
            <Text className="cell__extra">{busy === u.userId ? '登录中…' : u.userId}</Text>
          </View>
        ))}
        <View className="login__other">
          <Input
            className="login__input"
            placeholder="其他账号（企业微信 userid）"
            value={otherId}
            onInput={(e) => setOtherId(e.detail.value.trim())}
          />
          <Button
            className={`btn-primary login__go ${otherId === '' || busy !== null ? 'btn-primary--disabled' : ''}`}
            size="mini"
            disabled={otherId === '' || busy !== null}
            onClick={() => void loginStaff(otherId)}
          >
            登录
          </Button>
        </View>
      </View>
    </View>
  );
}
