import type { PropsWithChildren } from 'react';
import { useLaunch } from '@tarojs/taro';
import './app.scss';

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // Nothing to do at launch: the login page decides where a user goes.
  });
  return children;
}

export default App;
