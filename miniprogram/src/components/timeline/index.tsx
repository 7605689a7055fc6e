import { Text, View } from '@tarojs/components';
import './index.scss';

export interface TimelineItem {
  key: string;
  title: string;
  time?: string;
  description?: string;
  /** done: a past step; current: where things stand now; todo: still ahead; failed: e.g. 已拒赔. */
  state: 'done' | 'current' | 'todo' | 'failed';
}

/** A vertical step timeline (claim progress, customer history). */
export function Timeline({ items }: { items: TimelineItem[] }) {
  return (
    <View className="timeline">
      {items.map((item) => (
        <View key={item.key} className={`timeline__item timeline__item--${item.state}`}>
          <View className="timeline__dot" />
          <View className="timeline__body">
            <View className="timeline__head">
              <Text className="timeline__title">{item.title}</Text>
              {item.time && <Text className="timeline__time">{item.time}</Text>}
            </View>
            {item.description && <Text className="timeline__desc">{item.description}</Text>}
          </View>
        </View>
      ))}
    </View>
  );
}
