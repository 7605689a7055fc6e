// Every page of both modes. The first is the entry: the login page forwards a signed-in user to their home.
export default defineAppConfig({
  pages: [
    'pages/login/index',
    'pages/agent/workbench/index',
    'pages/agent/customers/index',
    'pages/agent/customer-detail/index',
    'pages/agent/log-interaction/index',
    'pages/agent/leads/index',
    'pages/agent/reports/index',
    'pages/customer/policies/index',
    'pages/customer/policy-detail/index',
    'pages/customer/claim/index',
    'pages/customer/report-claim/index',
    'pages/customer/advisor/index',
  ],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f5f6f8',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '企保',
    navigationBarTextStyle: 'black',
  },
});
