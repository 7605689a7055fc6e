import { useState } from 'react';
import Taro, { useLoad } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { AsyncView } from '@/components/page-state';
import { useApi } from '@/hooks/useApi';
import {
  bindByInvite,
  bindByPhone,
  devLoginCustomer,
  devLoginEnabled,
  devLoginStaff,
  goHome,
  inWecom,
  roleLabel,
  wechatLogin,
  wecomLogin,
} from '@/services/auth';
import { endpoints } from '@/services/endpoints';
import { api, messageOf } from '@/services/request';
import { getSession, type Session } from '@/services/session';
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

function Brand({ slogan }: { slogan: string }) {
  return (
    <View className="login__brand">
      <Text className="login__logo">企保</Text>
      <Text className="login__slogan">{slogan}</Text>
    </View>
  );
}

export default function LoginPage() {
  const dev = devLoginEnabled();
  useLoad(() => {
    const session = getSession();
    if (session) void goHome(session);
  });
  return dev ? <DevLogin /> : <PlatformLogin />;
}

/** weapp outside development: WeCom members sign in as staff, WeChat users as customers. */
function PlatformLogin() {
  const [state, setState] = useState<
    { step: 'working' } | { step: 'bind'; ticket: string } | { step: 'failed'; message: string }
  >({ step: 'working' });
  const [invite, setInvite] = useState('');
  const [busy, setBusy] = useState(false);

  const start = async () => {
    setState({ step: 'working' });
    try {
      if (inWecom()) {
        await goHome(await wecomLogin());
        return;
      }
      const res = await wechatLogin();
      if ('session' in res) await goHome(res.session);
      else setState({ step: 'bind', ticket: res.bindTicket });
    } catch (err) {
      setState({ step: 'failed', message: messageOf(err) });
    }
  };
  useLoad(() => {
    if (!getSession()) void start();
  });

  const bindWith = async (run: () => Promise<Session>) => {
    setBusy(true);
    try {
      await goHome(await run());
    } catch {
      // The wrapper showed why; the customer can try the other way.
    } finally {
      setBusy(false);
    }
  };

  if (state.step === 'working') {
    return (
      <View className="page login">
        <Brand slogan="正在登录…" />
      </View>
    );
  }
  if (state.step === 'failed') {
    return (
      <View className="page login">
        <Brand slogan={state.message} />
        <Button className="btn-primary" onClick={() => void start()}>
          重新登录
        </Button>
      </View>
    );
  }
  const ticket = state.ticket;
  return (
    <View className="page login">
      <Brand slogan="首次使用，请关联您的客户档案" />
      <View className="card">
        <View className="card__title">用手机号关联</View>
        <Text className="cell__desc">使用您在顾问处登记的微信绑定手机号，一键关联。</Text>
        <Button
          className="btn-primary login__phone"
          openType="getPhoneNumber"
          disabled={busy}
          onGetPhoneNumber={(e) => {
            const code = (e.detail as { code?: string }).code;
            if (code) void bindWith(() => bindByPhone(ticket, code));
            else void Taro.showToast({ title: '未授权手机号，可改用邀请码', icon: 'none' });
          }}
        >
          微信手机号一键关联
        </Button>
      </View>
      <View className="card">
        <View className="card__title">用邀请码关联</View>
        <Text className="cell__desc">邀请码由您的顾问提供，8 位字母或数字。</Text>
        <View className="login__other">
          <Input
            className="login__input"
            placeholder="请输入邀请码"
            maxlength={8}
            value={invite}
            onInput={(e) => setInvite(e.detail.value.trim().toUpperCase())}
          />
          <Button
            className={`btn-primary login__go ${invite.length !== 8 || busy ? 'btn-primary--disabled' : ''}`}
            size="mini"
            disabled={invite.length !== 8 || busy}
            onClick={() => void bindWith(() => bindByInvite(ticket, invite))}
          >
            关联
          </Button>
        </View>
      </View>
    </View>
  );
}

/** Development and the H5 build: pick a seeded staff member or customer (no WeChat client here). */
function DevLogin() {
  const [busy, setBusy] = useState<string | null>(null);
  const [otherId, setOtherId] = useState('');
  const customers = useApi(() => api(endpoints.devCustomers, { toast: false }), []);

  const login = async (key: string, run: () => Promise<Session>) => {
    if (busy) return;
    setBusy(key);
    try {
      const session = await run();
      void Taro.showToast({ title: `欢迎，${session.name}`, icon: 'success', duration: 1200 });
      await goHome(session);
    } catch {
      // The request wrapper already showed the reason; stay on this page.
    } finally {
      setBusy(null);
    }
  };

  return (
    <View className="page login">
      <Brand slogan="开发环境登录（模拟器）" />

      <View className="card">
        <View className="card__title">顾问 / 管理人员</View>
        {DEMO_STAFF.map((u) => (
          <View
            key={u.userId}
            className="cell login__user"
            onClick={() => void login(u.userId, () => devLoginStaff(u.userId))}
          >
            <View className="cell__main">
              <Text className="cell__title">{u.name}</Text>
              <Text className="cell__desc">
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
            onClick={() => void login(otherId, () => devLoginStaff(otherId))}
          >
            登录
          </Button>
        </View>
      </View>

      <View className="card">
        <View className="card__title">客户（模拟微信登录）</View>
        <AsyncView
          state={customers}
          isEmpty={(p) => p.items.length === 0}
          emptyText="还没有客户，先运行 npm run seed 或让顾问录入客户"
        >
          {(page) => (
            <View>
              {page.items.map((c) => (
                <View
                  key={c.id}
                  className="cell login__customer"
                  onClick={() => void login(c.id, () => devLoginCustomer(c.id))}
                >
                  <Text className="cell__title">{c.name}</Text>
                  <Text className="cell__extra">{busy === c.id ? '登录中…' : '以客户身份进入'}</Text>
                </View>
              ))}
            </View>
          )}
        </AsyncView>
      </View>
    </View>
  );
}
