import type { ReactNode } from 'react';
import { Button, Text, View } from '@tarojs/components';
import type { AsyncState } from '@/hooks/useApi';
import './index.scss';

export function Loading({ text = '加载中…' }: { text?: string }) {
  return (
    <View className="page-state page-state--loading" aria-busy="true">
      <View className="page-state__spinner" />
      <Text className="page-state__text">{text}</Text>
    </View>
  );
}

export function Empty({ text, action }: { text: string; action?: ReactNode }) {
  return (
    <View className="page-state page-state--empty">
      <View className="page-state__icon">○</View>
      <Text className="page-state__text">{text}</Text>
      {action}
    </View>
  );
}

export function ErrorView({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <View className="page-state page-state--error" role="alert">
      <View className="page-state__icon page-state__icon--error">!</View>
      <Text className="page-state__text">{message}</Text>
      {onRetry && (
        <Button className="page-state__retry" size="mini" onClick={onRetry}>
          重试
        </Button>
      )}
    </View>
  );
}

/** Loading → error (with retry) → empty → content: the four states every page has. */
export function AsyncView<T>(props: {
  state: AsyncState<T> & { reload: () => Promise<void> };
  isEmpty?: (data: T) => boolean;
  emptyText?: string;
  emptyAction?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { state } = props;
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') {
    return <ErrorView message={state.error.message} onRetry={() => void state.reload()} />;
  }
  if (props.isEmpty?.(state.data)) {
    return <Empty text={props.emptyText ?? '暂无数据'} action={props.emptyAction} />;
  }
  return <>{props.children(state.data)}</>;
}
