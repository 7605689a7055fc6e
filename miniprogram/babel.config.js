// babel-preset-taro: JSX, TypeScript and the runtime helpers Taro expects (docs: babel-config).
module.exports = {
  presets: [
    [
      'taro',
      {
        framework: 'react',
        ts: true,
        compiler: 'webpack5',
      },
    ],
  ],
};
