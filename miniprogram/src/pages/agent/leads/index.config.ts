export default definePageConfig({
  navigationBarTitleText: '线索',
  enablePullDownRefresh: true,
});
