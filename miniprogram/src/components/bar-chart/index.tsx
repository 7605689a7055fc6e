import { Text, View } from '@tarojs/components';
import './index.scss';

export interface Bar {
  label: string;
  value: number;
  /** Shown at the end of the bar; defaults to the number. */
  display?: string;
}

/**
 * Horizontal bars drawn with views: no canvas, so it renders the same on weapp and h5 and costs no
 * chart library in the main package.
 */
export function BarChart({ bars, color = '#07c160' }: { bars: Bar[]; color?: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <View className="bar-chart">
      {bars.map((b) => (
        <View key={b.label} className="bar-chart__row">
          <Text className="bar-chart__label">{b.label}</Text>
          <View className="bar-chart__track">
            <View
              className="bar-chart__bar"
              style={{ width: `${Math.max(2, (b.value / max) * 100)}%`, background: color }}
            />
          </View>
          <Text className="bar-chart__value">{b.display ?? String(b.value)}</Text>
        </View>
      ))}
    </View>
  );
}
