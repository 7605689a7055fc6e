// Response shapes of the API as the mini-program reads them (see api/openapi/ for the full documents).

export interface StaffUser {
  id: string;
  name: string;
  role: 'agent' | 'team_lead' | 'branch_manager' | 'admin';
  wecomUserId: string;
}

export interface DevLoginResponse {
  token: string;
  expiresAt: string;
  user: StaffUser;
}

export interface MeResponse {
  user: StaffUser;
  role: StaffUser['role'];
}
