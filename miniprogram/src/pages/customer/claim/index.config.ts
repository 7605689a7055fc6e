export default definePageConfig({
  navigationBarTitleText: '理赔进度',
  enablePullDownRefresh: true,
});
