// Response shapes of the API as the mini-program reads them (api/openapi/ has the full documents).
// Only the fields the pages use are declared; the API may send more.

export type StaffRole = 'agent' | 'team_lead' | 'branch_manager' | 'admin';

export interface StaffUser {
  id: string;
  name: string;
  role: StaffRole;
  wecomUserId: string;
}

export interface DevLoginResponse {
  token: string;
  expiresAt: string;
  user: StaffUser;
}

export interface MeResponse {
  user: StaffUser;
  role: StaffRole;
}

export interface Page<T> {
  items: T[];
  /** Cursor pages (the customer timeline) give the `before` of the next page instead of a total. */
  nextBefore?: string;
  total?: number;
  page?: number;
  pageSize?: number;
}

export type Tier = 'high' | 'medium' | 'low';
export type Book = 'general' | 'screened' | 'deal' | 'select' | 'core';
export type Lifecycle = 'active' | 'potential' | 'dormant' | 'churned';

export interface Segmentation {
  tier: Tier;
  book: Book;
  lifecycle: Lifecycle;
  reasons: { tier: string[]; book: string[]; lifecycle: string[] };
  annualPremium?: number;
}

export interface CustomerSummary {
  id: string;
  name: string;
  gender?: 'male' | 'female' | 'unknown';
  phones?: { number: string; label: string }[];
  tags?: string[];
  /** Lists carry tier/book/lifecycle only; the 360 view adds the reasons. */
  segmentation?: Pick<Segmentation, 'tier' | 'book' | 'lifecycle'> | null;
  lastInteractionAt?: string | null;
}

export interface FamilyMember {
  id?: string;
  relation: 'spouse' | 'child' | 'parent' | 'other';
  name: string;
  birthday?: string | null;
  linkedCustomerId?: string | null;
}

export type PolicyStatus = 'in_force' | 'lapsed' | 'surrendered' | 'expired' | 'renewed';
export type RenewalOutcome = 'pending' | 'renewed' | 'not_renewed' | 'switched_insurer';

export interface Policy {
  id: string;
  number: string;
  insurer: string;
  product: string;
  line: string;
  customerId: string;
  applicantName: string;
  insuredName: string;
  beneficiaries?: { name: string; relation?: string | null; sharePercent?: number | null }[];
  sumInsured: number;
  premium: number;
  paymentFrequency: 'annual' | 'semiannual' | 'quarterly' | 'monthly' | 'single';
  paymentTermYears?: number | null;
  effectiveDate: string;
  expiryDate: string;
  status: PolicyStatus;
  renewalOutcome?: RenewalOutcome | null;
  /** Days from today (Asia/Shanghai) to the expiry date; negative once expired. */
  daysToExpiry: number;
}

export type ClaimStatus =
  'reported' | 'accepted' | 'reviewing' | 'need_documents' | 'approved' | 'paid' | 'rejected' | 'closed';

export interface ClaimTimelineEntry {
  seq?: number;
  from?: ClaimStatus | null;
  to: ClaimStatus;
  at: string;
  actorName?: string | null;
  note?: string | null;
}

export interface Claim {
  id: string;
  number: string;
  policyId: string;
  customerId: string;
  claimantName: string;
  incidentDate: string;
  description: string;
  amountClaimed: number;
  amountPaid?: number | null;
  status: ClaimStatus;
  statusLabel?: string;
  timeline: ClaimTimelineEntry[];
  updatedAt?: string;
  /** Customer mode adds the policy's product name. */
  product?: string;
}

export type InteractionType = 'call' | 'visit' | 'wechat' | 'meeting' | 'sms' | 'email';

export interface Interaction {
  id: string;
  customerId: string;
  type: InteractionType;
  occurredAt: string;
  summary: string;
  tags: string[];
  nextFollowUpDate?: string | null;
  typeLabel?: string;
}

export interface Task {
  id: string;
  title: string;
  note?: string | null;
  customerId?: string | null;
  dueDate: string;
  status: 'open' | 'done' | 'cancelled';
  /** Open and due before today (Asia/Shanghai), judged by the API. */
  overdue?: boolean;
}

export interface Ticket {
  id: string;
  type: string;
  typeLabel?: string;
  urgency?: string;
  status: string;
  title?: string;
  slaDueAt?: string;
  breached?: boolean;
}

/** GET /customers/:id — the 360 view. */
export interface Customer360 {
  customer: CustomerSummary & {
    birthday?: string | null;
    occupation?: string | null;
    /** Masked (110***********1234) unless revealed to an allowed role. */
    idNumber?: string | null;
    address?: string | null;
    region?: string | null;
    anniversaries?: { label: string; date: string }[];
    preferences?: { channel?: string | null; risk?: string | null; contactTime?: string | null };
    softInfo?: { notes?: string | null; tags?: string[] };
    sourceChannel?: string | null;
  };
  owner: { id: string; name: string } | null;
  referrer: { id: string; name?: string } | null;
  family: (FamilyMember & { linkedCustomerName?: string })[];
  policies: Policy[];
  claims: Claim[];
  recentInteractions: Interaction[];
  openTasks: Task[];
  openTickets: Ticket[];
  tags: string[];
  segmentation: Segmentation | null;
}

/** One entry of GET /customers/:id/timeline (interactions merged with claim and policy events). */
export interface TimelineEvent {
  kind: string;
  at: string;
  title: string;
  refId?: string;
  detail?: { summary?: unknown; tags?: unknown; nextFollowUpDate?: unknown } | null;
}

export interface NewInteraction {
  customerId: string;
  type: InteractionType;
  occurredAt: string;
  summary: string;
  tags: string[];
  nextFollowUpDate?: string;
}

export interface InviteCode {
  code: string;
  expiresAt: string;
}

export interface Lead {
  id: string;
  name?: string | null;
  /** Full for the assignee and their managers; masked in the public pool. */
  phone?: string | null;
  source: string;
  grade: 'A' | 'B' | 'C';
  stage: 'new' | 'assigned' | 'contacted' | 'needs_analysis' | 'proposal' | 'won' | 'lost';
  type?: string;
  productInterest?: string[];
  firstContactDueAt?: string | null;
  stageLabel?: string;
  overdue?: boolean;
  overdueReason?: string | null;
  inPool?: boolean;
}

/** GET /reports/kpis (rates are fractions 0–1, null when there is nothing to divide by). */
export interface Kpis {
  scope: string;
  from: string;
  to: string;
  visits: number;
  calls: number;
  newLeads: number;
  taskCompletion: { done: number; total: number; rate: number | null };
  renewalRate: { renewed: number; expiring: number; rate: number | null };
  conversionBySource: { source: string; leads: number; won: number; rate: number | null }[];
  averagePremium: number | null;
  ltv: number | null;
  churnRate: number | null;
  activeCustomers: number;
  nps: number | null;
  csat: number | null;
  perAgent: {
    agentId: string;
    name: string | null;
    visitsAndCalls: number;
    wonLeads: number;
    newPremium: number;
  }[];
  salesCycleDays: number | null;
  funnel: { stage: string; label: string; count: number }[];
  lossReasons: { reason: string; count: number }[];
}

export interface CustomerSessionResponse {
  token: string;
  expiresAt: string;
  customer: { id: string; name: string };
}

/** wx.login → either a session (already bound) or a short-lived ticket to bind by phone or invite code. */
export type CustomerLoginResponse =
  ({ bound: true } & CustomerSessionResponse) | { bound: false; bindTicket: string; expiresAt: string };

export interface MyPolicyDetail extends Policy {
  claims: Claim[];
}

export interface NewClaimReport {
  policyId: string;
  incidentDate: string;
  amountClaimed: number;
  description: string;
}

export interface Advisor {
  name: string;
  title: string;
  phone?: string | null;
  team?: string | null;
  branch?: string | null;
  productLines?: string[];
}

/** Which notifications the customer agreed to receive, and through which channel. */
export interface Subscriptions {
  claimProgress: boolean;
  renewalReminder: boolean;
  /** Birthday and festival greetings from the advisor (WeCom customer messages). */
  careGreetings: boolean;
  channel: 'wechat_subscribe' | 'sms';
}

export interface SubscriptionsInput {
  claimProgress: boolean;
  renewalReminder: boolean;
  careGreetings?: boolean;
  channel: 'wechat_subscribe' | 'sms';
  /** weapp: the template ids the customer accepted in wx.requestSubscribeMessage. */
  acceptedTemplateIds?: string[];
}
