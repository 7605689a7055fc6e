// Every page of both modes. The first is the entry: the login page forwards a signed-in user to their home.
export default defineAppConfig({
  pages: ['pages/login/index'],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6f8',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '企保',
    navigationBarTextStyle: 'black',
  },
});
