import { useCallback, useEffect, useRef, useState } from 'react';
import { usePullDownRefresh, useDidShow } from '@tarojs/taro';
import Taro from '@tarojs/taro';
import { ApiError } from '@/services/request';

export type AsyncState<T> =
  | { status: 'loading'; data: undefined; error: undefined }
  | { status: 'error'; data: undefined; error: ApiError }
  | { status: 'ready'; data: T; error: undefined };

/**
 * Loads a page's data through the request wrapper. Errors become state (rendered by <AsyncView>), never
 * an exception that would blank the page. Reloads on pull-down and when the page is shown again
 * (`refreshOnShow`), e.g. after 记一笔 returns to 客户详情.
 */
export function useApi<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  opts: { refreshOnShow?: boolean } = {},
): AsyncState<T> & { reload: () => Promise<void> } {
  const [state, setState] = useState<AsyncState<T>>({
    status: 'loading',
    data: undefined,
    error: undefined,
  });
  const seq = useRef(0);
  const loaded = useRef(false);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    // Keep showing the old data while refreshing; only the first load shows the spinner.
    if (!loaded.current) setState({ status: 'loading', data: undefined, error: undefined });
    try {
      const data = await load();
      if (mine === seq.current) {
        loaded.current = true;
        setState({ status: 'ready', data, error: undefined });
      }
    } catch (err) {
      if (mine === seq.current) {
        loaded.current = false;
        const error =
          err instanceof ApiError ? err : new ApiError(0, 'CLIENT', '页面出错了，请稍后重试', String(err));
        setState({ status: 'error', data: undefined, error });
      }
    } finally {
      Taro.stopPullDownRefresh();
    }
    // `load` is recreated every render; the caller's deps decide when it really changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  useEffect(() => {
    loaded.current = false;
    void reload();
  }, [reload]);

  const shownOnce = useRef(false);
  useDidShow(() => {
    if (shownOnce.current && opts.refreshOnShow) void reload();
    shownOnce.current = true;
  });
  usePullDownRefresh(() => void reload());

  return { ...state, reload };
}
