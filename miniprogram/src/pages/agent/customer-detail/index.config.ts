export default definePageConfig({
  navigationBarTitleText: '客户详情',
  enablePullDownRefresh: true,
});
