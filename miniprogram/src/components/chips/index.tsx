import { Text, View } from '@tarojs/components';
import './index.scss';

export interface ChipOption<V extends string> {
  value: V;
  label: string;
}

/** A row of selectable chips: single choice (filters, interaction type) or multiple (needs tags). */
export function Chips<V extends string>(props: {
  options: readonly ChipOption<V>[];
  selected: readonly V[];
  onToggle: (value: V) => void;
  label?: string;
}) {
  return (
    <View className="chips">
      {props.label && <Text className="chips__label">{props.label}</Text>}
      {props.options.map((o) => {
        const on = props.selected.includes(o.value);
        return (
          <View
            key={o.value}
            className={`chips__chip ${on ? 'chips__chip--on' : ''}`}
            aria-pressed={on}
            onClick={() => props.onToggle(o.value)}
          >
            {o.label}
          </View>
        );
      })}
    </View>
  );
}
