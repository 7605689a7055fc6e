/** Org-structure failures (users, teams, branches). */
export type UserErrorCode =
  | 'USER_WECOM_ID_TAKEN'
  | 'USER_INACTIVE'
  | 'USER_PLACEMENT_INVALID'
  | 'TEAM_NAME_TAKEN'
  | 'BRANCH_NAME_TAKEN';
