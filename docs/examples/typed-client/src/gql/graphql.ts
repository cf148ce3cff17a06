/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Date (isoformat) */
  Date: { input: any; output: any; }
  /** Date with time (isoformat) */
  DateTime: { input: any; output: any; }
  /** Represents a file upload. */
  Upload: { input: any; output: any; }
};

/** A manual correction of a user's points. */
export type AdjustPointsInput = {
  /** Points to add, or take away when negative. */
  amount: Scalars['Int']['input'];
  /** A client-chosen key: retrying with it never moves points twice. */
  idempotencyKey: Scalars['String']['input'];
  /** Why: kept with the entry. */
  memo: Scalars['String']['input'];
  /** Whose wallet. */
  userId: Scalars['ID']['input'];
};

/** Book a venue's time. */
export type BookVenueInput = {
  /** End, whole slots after the start. */
  endsAt: Scalars['DateTime']['input'];
  /** The event held there, booked by its organizer; the booking covers it. */
  eventId?: InputMaybe<Scalars['ID']['input']>;
  /** How many people come. */
  partySize: Scalars['Int']['input'];
  /** What it is for (200 characters). */
  purpose: Scalars['String']['input'];
  /** Start, on one of the venue's slots. */
  startsAt: Scalars['DateTime']['input'];
  /** The venue. */
  venueId: Scalars['ID']['input'];
};

/** Where a venue booking stands. */
export type BookingStatus =
  /** Cancelled by the booker, venue staff, or a closure. */
  | 'CANCELLED'
  /** The booker showed up and was checked in. */
  | 'CHECKED_IN'
  /** Used, and its time is over. */
  | 'COMPLETED'
  /** Booked; it holds the time. */
  | 'CONFIRMED'
  /** Nobody checked in by the end of the check-in window; the time was released. */
  | 'NO_SHOW'
  /** Turned down by venue staff, or not approved before it began. */
  | 'REJECTED'
  /** Waiting for venue staff to approve it; it holds the time. */
  | 'REQUESTED';

/** Cancel a booking before it starts. */
export type CancelBookingInput = {
  /** The booking. */
  bookingId: Scalars['ID']['input'];
  /** Why, if you like. */
  reason?: InputMaybe<Scalars['String']['input']>;
};

/** Check a booking in on site. */
export type CheckInBookingInput = {
  /** The booking. */
  bookingId: Scalars['ID']['input'];
  /** The check-in code shown at the venue; bookers need it, staff do not. */
  code?: InputMaybe<Scalars['String']['input']>;
};

/** Who attended which event. */
export type CheckInInput = {
  /** The event. */
  eventId: Scalars['ID']['input'];
  /** Who attended. */
  userId: Scalars['ID']['input'];
};

/** Close a venue for a period. */
export type CloseVenueInput = {
  /** When the venue opens again. */
  endsAt: Scalars['DateTime']['input'];
  /** Why, told to the holders of bookings. */
  reason: Scalars['String']['input'];
  /** When the closure starts. */
  startsAt: Scalars['DateTime']['input'];
  /** The venue. */
  venueId: Scalars['ID']['input'];
};

/** A new courtyard. */
export type CreateCourtyardInput = {
  /** Unique in the community. */
  name: Scalars['String']['input'];
  /** The party branch that serves it. */
  partyBranch?: InputMaybe<Scalars['String']['input']>;
};

/** A new event. */
export type CreateEventInput = {
  /** Confirmed places. */
  capacity: Scalars['Int']['input'];
  /** What it is about. */
  description: Scalars['String']['input'];
  /** When it ends; after startsAt. */
  endsAt: Scalars['DateTime']['input'];
  /** Where it takes place. */
  location: Scalars['String']['input'];
  /** Points each attendee earns. */
  pointsReward: Scalars['Int']['input'];
  /** When it starts. */
  startsAt: Scalars['DateTime']['input'];
  /** The event's name. */
  title: Scalars['String']['input'];
};

/** A new micro-grid in a courtyard. */
export type CreateMicroGridInput = {
  /** The courtyard it belongs to. */
  courtyardId: Scalars['ID']['input'];
  /** Unique in its courtyard. */
  name: Scalars['String']['input'];
};

/** A new offer. */
export type CreateOfferInput = {
  /** What the customer gets. */
  description: Scalars['String']['input'];
  /** Whose offer; the caller must operate it. */
  merchantId: Scalars['ID']['input'];
  /** Most vouchers one user may hold; null for no limit. */
  perUserLimit?: InputMaybe<Scalars['Int']['input']>;
  /** Points one voucher costs. */
  pointsPrice: Scalars['Int']['input'];
  /** How many vouchers can be redeemed. */
  stock: Scalars['Int']['input'];
  /** A short name for the offer. */
  title: Scalars['String']['input'];
  /** Redeemable from then on; null for at once. */
  validFrom?: InputMaybe<Scalars['DateTime']['input']>;
  /** Redeemable until then; null for no end. */
  validUntil?: InputMaybe<Scalars['DateTime']['input']>;
};

/** A new venue's terms. */
export type CreateVenueInput = {
  /** How many days ahead one may book (0-90). */
  advanceDays: Scalars['Int']['input'];
  /** Who may book it. */
  audiences: Array<VenueAudience>;
  /** Cancelling later than this before the start forfeits the deposit. */
  cancelDeadlineMinutes: Scalars['Int']['input'];
  /** How many people it holds (1-10000). */
  capacity: Scalars['Int']['input'];
  /** Check-in window either side of the start (5-120). */
  checkInMinutes: Scalars['Int']['input'];
  /** Points held as a deposit per booking (0-1000). */
  depositPoints?: Scalars['Int']['input'];
  /** What the venue offers. */
  description?: Scalars['String']['input'];
  /** Where it is. */
  location: Scalars['String']['input'];
  /** The longest booking, whole slots (up to 1440). */
  maxBookingMinutes: Scalars['Int']['input'];
  /** How long before its start a booking must be made at the latest. */
  minNoticeMinutes: Scalars['Int']['input'];
  /** Its name, unique in the community (60 characters). */
  name: Scalars['String']['input'];
  /** Opening hours, at most one window per weekday. */
  openingHours: Array<OpeningHoursInput>;
  /** Bookings wait for venue staff to approve them. */
  requiresApproval?: Scalars['Boolean']['input'];
  /** Slot length, dividing a day (5-240). */
  slotMinutes: Scalars['Int']['input'];
};

/** Who should fix a report. */
export type DispatchReportInput = {
  /** Who should fix it. */
  assigneeId: Scalars['ID']['input'];
  /** Instructions for the assignee. */
  note?: InputMaybe<Scalars['String']['input']>;
  /** The report. */
  reportId: Scalars['ID']['input'];
};

/** Why a mutation failed: the code of a payload's UserError. */
export type ErrorCode =
  /** Something with that name or number exists already. */
  | 'ALREADY_EXISTS'
  /** Booking is blocked for a while after repeated no-shows. */
  | 'BOOKING_BLOCKED'
  /** The wallet has too few points. */
  | 'INSUFFICIENT_POINTS'
  /** Wrong phone or password, or a refresh token that is not valid. */
  | 'INVALID_CREDENTIALS'
  /** The input is not valid; `field` names it. */
  | 'INVALID_INPUT'
  /** That step is not possible from the object's current status. */
  | 'INVALID_TRANSITION'
  /** This month's cap on points issued from the pool is reached. */
  | 'ISSUANCE_CAP_REACHED'
  /** A per-user limit or daily cap is reached. */
  | 'LIMIT_REACHED'
  /** No such object, or not one the viewer may see. */
  | 'NOT_FOUND'
  /** The offer cannot be redeemed now: paused, ended or out of dates. */
  | 'OFFER_NOT_AVAILABLE'
  /** No units left. */
  | 'OUT_OF_STOCK'
  /** The community's reward pool has too few points for this award. */
  | 'POOL_EXHAUSTED'
  /** Too many attempts; wait and try again. */
  | 'RATE_LIMITED'
  /** The venue's time overlaps another booking that holds it. */
  | 'SLOT_TAKEN'
  /** The voucher is used, cancelled, expired or not this merchant's. */
  | 'VOUCHER_NOT_USABLE';

/** When points expire after they are earned. */
export type ExpiryRule =
  /** On 31 December of the year after they were earned. */
  | 'END_OF_FOLLOWING_YEAR'
  /** A set number of months after they were earned. */
  | 'MONTHS_AFTER_EARNING'
  /** They never expire. */
  | 'NEVER';

/** Top the community's pool up. */
export type FundPoolInput = {
  /** Points to add, 1 to 10,000,000. */
  amount: Scalars['Int']['input'];
  /** A client-chosen key: retrying with the same key never funds twice. */
  idempotencyKey: Scalars['String']['input'];
  /** Where the points' value comes from (required). */
  memo: Scalars['String']['input'];
};

/** A role to give a user. */
export type GrantRoleInput = {
  /** For GRID_MEMBER and GRID_WORKER: the grids they look after. */
  microGridIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** The role to give. */
  role: Role;
  /** Who gets the role. */
  userId: Scalars['ID']['input'];
};

/** Phone and password. */
export type LoginInput = {
  /** The account's password. */
  password: Scalars['String']['input'];
  /** The phone number the account was registered with. */
  phone: Scalars['String']['input'];
};

/** Where a merchant is in its approval. */
export type MerchantStatus =
  /** Approved: its offers can be redeemed. */
  | 'ACTIVE'
  /** Registered, waiting for an admin's approval; no offers listed. */
  | 'PENDING'
  /** Stopped by an admin: its offers cannot be redeemed. */
  | 'SUSPENDED';

/** What a notice is about. */
export type NoticeKind =
  /** An activity to join. */
  | 'ACTIVITY'
  /** General news. */
  | 'ANNOUNCEMENT'
  /** A job opening. */
  | 'JOB'
  /** A rule or policy. */
  | 'POLICY';

/** Whether an offer can be redeemed. */
export type OfferStatus =
  /** Can be redeemed (within its validity and stock). */
  | 'ACTIVE'
  /** Over for good. */
  | 'ENDED'
  /** Held back for now; can be resumed. */
  | 'PAUSED';

/** One weekday's opening hours. */
export type OpeningHoursInput = {
  /** Closing time, HH:MM; at or before `opens` means the next day (18:00-02:00 runs past midnight, 00:00-00:00 is all day). */
  closes: Scalars['String']['input'];
  /** Opening time, HH:MM (24-hour, local). */
  opens: Scalars['String']['input'];
  /** The day. */
  weekday: Weekday;
};

/** Why points moved. */
export type PointsReason =
  /** Added or taken by an admin by hand. */
  | 'ADJUSTMENT'
  /** A venue booking's deposit kept for the pool: a no-show or a late cancellation by the booker. */
  | 'DEPOSIT_FORFEITED'
  /** Earned: attended an event. */
  | 'EVENT_ATTENDED'
  /** A voucher lapsed unused (back to its holder), or points lapsed (back to the pool). */
  | 'EXPIRY'
  /** Put into the reward pool by an admin. */
  | 'FUNDING'
  /** Set aside until the work is confirmed (a report verified, a check-in). */
  | 'HOLD'
  /** Set-aside points returned: the hold was voided or posted for less. */
  | 'HOLD_RELEASED'
  /** Spent on a voucher. */
  | 'REDEMPTION'
  /** Back from a cancelled voucher. */
  | 'REFUND'
  /** Earned: a report was verified. */
  | 'REPORT_VERIFIED'
  /** A merchant's points paid out by the community. */
  | 'SETTLEMENT'
  /** Earned: a suggestion was adopted. */
  | 'SUGGESTION_ADOPTED';

/** A new notice. */
export type PublishNoticeInput = {
  /** The text. */
  body: Scalars['String']['input'];
  /** What kind of notice. */
  kind: NoticeKind;
  /** The headline. */
  title: Scalars['String']['input'];
};

/** Which offer to redeem. */
export type RedeemOfferInput = {
  /** A client-chosen key: retrying with the same key never spends twice. */
  idempotencyKey: Scalars['String']['input'];
  /** The offer to redeem. */
  offerId: Scalars['ID']['input'];
};

/** A new resident account. */
export type RegisterInput = {
  /** The name shown to others. */
  displayName: Scalars['String']['input'];
  /** The micro-grid the resident lives in, if known. */
  homeGridId?: InputMaybe<Scalars['ID']['input']>;
  /** 8 to 128 characters. */
  password: Scalars['String']['input'];
  /** An 11-digit mobile number (+86, spaces and dashes allowed); it logs in. */
  phone: Scalars['String']['input'];
};

/** A new merchant. */
export type RegisterMerchantInput = {
  /** Where to find it. */
  address: Scalars['String']['input'];
  /** What kind of business it is. */
  category: Scalars['String']['input'];
  /** The shop's name, unique in the community. */
  name: Scalars['String']['input'];
};

/** Turn a requested booking down. */
export type RejectBookingInput = {
  /** The booking. */
  bookingId: Scalars['ID']['input'];
  /** Why, shown to the booker. */
  reason: Scalars['String']['input'];
};

/** A report and a note for the step. */
export type ReportActionInput = {
  /** A note kept in the timeline. */
  note?: InputMaybe<Scalars['String']['input']>;
  /** The report. */
  reportId: Scalars['ID']['input'];
};

/** What kind of problem a report is about. */
export type ReportCategory =
  /** A quarrel between neighbours, for mediation. */
  | 'DISPUTE'
  /** Something broken, e.g. a street light. */
  | 'FACILITY'
  /** Noise at unreasonable hours. */
  | 'NOISE'
  /** Anything else. */
  | 'OTHER'
  /** A danger to people, e.g. a loose manhole cover. */
  | 'SAFETY_HAZARD'
  /** Rubbish, dirt or pests. */
  | 'SANITATION';

/** Where a report is in its workflow. */
export type ReportStatus =
  /** Taken on by the grid's staff. */
  | 'ACCEPTED'
  /** Sent to someone to fix. */
  | 'DISPATCHED'
  /** Handed up to the community's admins. */
  | 'ESCALATED'
  /** Closed as not actionable. */
  | 'REJECTED'
  /** Fixed, waiting to be verified. */
  | 'RESOLVED'
  /** Reported, waiting for its grid's staff. */
  | 'SUBMITTED'
  /** Checked on site; the reporter earned points. */
  | 'VERIFIED'
  /** Taken back by its reporter before it was dispatched. */
  | 'WITHDRAWN';

/** A fixed report, with photos of the fix. */
export type ResolveReportInput = {
  /** What was done. */
  note?: InputMaybe<Scalars['String']['input']>;
  /** Up to 6 images of the fix, sent as multipart files. */
  photos?: InputMaybe<Array<Scalars['Upload']['input']>>;
  /** The report. */
  reportId: Scalars['ID']['input'];
};

/** A decision on a suggestion. */
export type ReviewSuggestionInput = {
  /** Adopt or decline. */
  decision: SuggestionDecision;
  /** Why, for the author. */
  note?: InputMaybe<Scalars['String']['input']>;
  /** The suggestion. */
  suggestionId: Scalars['ID']['input'];
};

/** What a user may act as; one user may hold several. */
export type Role =
  /** Community staff: may do everything in their community. */
  | 'COMMUNITY_ADMIN'
  /** A volunteer who looks after their micro-grids. */
  | 'GRID_MEMBER'
  /** A full-time worker responsible for their micro-grids. */
  | 'GRID_WORKER'
  /** Operates a merchant that takes points. */
  | 'MERCHANT'
  /** Reports hazards on the move, e.g. a delivery rider. */
  | 'MOBILE_REPORTER'
  /** Fixes what reports are dispatched to them. */
  | 'PROPERTY_MANAGER'
  /** Lives in the community; every user is one. */
  | 'RESIDENT';

/** The points a reason earns. */
export type SetEarningRuleInput = {
  /** Most points one user may earn for it a day; null for none. */
  dailyCap?: InputMaybe<Scalars['Int']['input']>;
  /** Points earned each time. */
  points: Scalars['Int']['input'];
  /** The kind of work. */
  reason: PointsReason;
};

/** Where a user lives. */
export type SetHomeGridInput = {
  /** The micro-grid they now live in. */
  microGridId: Scalars['ID']['input'];
  /** Who moves. */
  userId: Scalars['ID']['input'];
};

/** Set how points expire and the monthly issuance cap. */
export type SetPointsPolicyInput = {
  /** For MONTHS_AFTER_EARNING: 1 to 120 months. */
  expiryMonths?: InputMaybe<Scalars['Int']['input']>;
  /** The rule for points earned from now. */
  expiryRule: ExpiryRule;
  /** Most points awarded or held a month; null for no cap. */
  monthlyIssuanceCap?: InputMaybe<Scalars['Int']['input']>;
};

/** A category's new service level. */
export type SetServiceLevelInput = {
  /** The report category. */
  category: ReportCategory;
  /** Hours from submission to verification. */
  hours: Scalars['Float']['input'];
};

/** Close a merchant's period against a payment. */
export type SettleMerchantInput = {
  /** The merchant to settle. */
  merchantId: Scalars['ID']['input'];
  /** Vouchers used before this moment are settled; it must be in the past. */
  periodEnd: Scalars['DateTime']['input'];
  /** The community's payment reference. */
  reference: Scalars['String']['input'];
};

/** Where a signup for an event stands. */
export type SignupStatus =
  /** Checked in at the event. */
  | 'ATTENDED'
  /** Given up. */
  | 'CANCELLED'
  /** Has a place. */
  | 'CONFIRMED'
  /** Waiting for a place. */
  | 'WAITLISTED';

/** Whether a slot of a venue can be booked. */
export type SlotState =
  /** The venue is closed then. */
  | 'CLOSED'
  /** Open and not booked: it can be booked. */
  | 'FREE'
  /** Held by a booking. */
  | 'TAKEN'
  /** Past, within the minimum notice, or beyond the advance booking window. */
  | 'UNAVAILABLE';

/** A new report. */
export type SubmitReportInput = {
  /** Where it is, in words. */
  address?: InputMaybe<Scalars['String']['input']>;
  /** What kind of problem. */
  category: ReportCategory;
  /** What is wrong. */
  description: Scalars['String']['input'];
  /** Latitude in degrees (WGS 84). */
  latitude?: InputMaybe<Scalars['Float']['input']>;
  /** Longitude in degrees (WGS 84). */
  longitude?: InputMaybe<Scalars['Float']['input']>;
  /** Where it is; the reporter's home grid when left out. */
  microGridId?: InputMaybe<Scalars['ID']['input']>;
  /** Up to 6 images of 8 MB each, sent as multipart files. */
  photos?: InputMaybe<Array<Scalars['Upload']['input']>>;
};

/** A new suggestion. */
export type SubmitSuggestionInput = {
  /** The idea in full. */
  body: Scalars['String']['input'];
  /** A short summary. */
  title: Scalars['String']['input'];
};

/** What a reviewer decides about a suggestion. */
export type SuggestionDecision =
  /** Take it up; the author earns points. */
  | 'ADOPT'
  /** Do not take it up. */
  | 'DECLINE';

/** Where a suggestion stands. */
export type SuggestionStatus =
  /** Adopted; the author earned points. */
  | 'ADOPTED'
  /** Not taken up. */
  | 'DECLINED'
  /** Waiting for review. */
  | 'SUBMITTED';

/** Changes to an offer; fields left out stay as they are. */
export type UpdateOfferInput = {
  /** A new description. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The offer to change. */
  offerId: Scalars['ID']['input'];
  /** A new per-user limit. */
  perUserLimit?: InputMaybe<Scalars['Int']['input']>;
  /** A new price, for vouchers redeemed from now on. */
  pointsPrice?: InputMaybe<Scalars['Int']['input']>;
  /** Pause, resume or end the offer; ENDED is final. */
  status?: InputMaybe<OfferStatus>;
  /** Adds to (or, negative, takes from) the stock not yet redeemed. */
  stockDelta?: InputMaybe<Scalars['Int']['input']>;
  /** A new title. */
  title?: InputMaybe<Scalars['String']['input']>;
  /** A new end of validity. */
  validUntil?: InputMaybe<Scalars['DateTime']['input']>;
};

/** Changes to a venue's terms; what is not given stays. */
export type UpdateVenueInput = {
  /** New advance window. */
  advanceDays?: InputMaybe<Scalars['Int']['input']>;
  /** New audiences. */
  audiences?: InputMaybe<Array<VenueAudience>>;
  /** New cancellation deadline. */
  cancelDeadlineMinutes?: InputMaybe<Scalars['Int']['input']>;
  /** New capacity. */
  capacity?: InputMaybe<Scalars['Int']['input']>;
  /** New check-in window. */
  checkInMinutes?: InputMaybe<Scalars['Int']['input']>;
  /** New deposit, for bookings made from now on. */
  depositPoints?: InputMaybe<Scalars['Int']['input']>;
  /** New description. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** New location. */
  location?: InputMaybe<Scalars['String']['input']>;
  /** New longest booking. */
  maxBookingMinutes?: InputMaybe<Scalars['Int']['input']>;
  /** New minimum notice. */
  minNoticeMinutes?: InputMaybe<Scalars['Int']['input']>;
  /** New name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** New opening hours (the whole week). */
  openingHours?: InputMaybe<Array<OpeningHoursInput>>;
  /** Whether bookings need approval from now on. */
  requiresApproval?: InputMaybe<Scalars['Boolean']['input']>;
  /** New slot length. */
  slotMinutes?: InputMaybe<Scalars['Int']['input']>;
  /** The venue. */
  venueId: Scalars['ID']['input'];
};

/** The voucher a customer shows. */
export type UseVoucherInput = {
  /** The voucher's code, typed or scanned. */
  code: Scalars['String']['input'];
};

/** Who may book a venue. */
export type VenueAudience =
  /** Grid members and full-time grid workers. */
  | 'GRID_STAFF'
  /** Operators of merchants. */
  | 'MERCHANT'
  /** Residents of the community. */
  | 'RESIDENT';

/** Where a voucher is in its life. */
export type VoucherStatus =
  /** Cancelled by its holder; the points went back. */
  | 'CANCELLED'
  /** Lapsed unused; the points went back. */
  | 'EXPIRED'
  /** Bought, not yet used. */
  | 'ISSUED'
  /** Taken by the merchant. */
  | 'USED';

/** A day of the week, in the community's time zone (Asia/Shanghai). */
export type Weekday =
  /** Friday (星期五). */
  | 'FRIDAY'
  /** Monday (星期一). */
  | 'MONDAY'
  /** Saturday (星期六). */
  | 'SATURDAY'
  /** Sunday (星期日). */
  | 'SUNDAY'
  /** Thursday (星期四). */
  | 'THURSDAY'
  /** Tuesday (星期二). */
  | 'TUESDAY'
  /** Wednesday (星期三). */
  | 'WEDNESDAY';

export type LoginMutationVariables = Exact<{
  phone: Scalars['String']['input'];
  password: Scalars['String']['input'];
}>;


export type LoginMutation = { __typename?: 'Mutation', login: { __typename?: 'AuthPayload', accessToken?: string | null, refreshToken?: string | null, user?: { __typename?: 'User', id: string, displayName: string } | null, errors: Array<{ __typename?: 'UserError', code: ErrorCode, field?: string | null, message: string }> } };

export type RefreshSessionMutationVariables = Exact<{
  refreshToken: Scalars['String']['input'];
}>;


export type RefreshSessionMutation = { __typename?: 'Mutation', refreshToken: { __typename?: 'AuthPayload', accessToken?: string | null, refreshToken?: string | null, errors: Array<{ __typename?: 'UserError', code: ErrorCode, message: string }> } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me?: { __typename?: 'User', id: string, displayName: string, roles: Array<Role>, pointsBalance?: number | null } | null };

export type CatalogueQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type CatalogueQuery = { __typename?: 'Query', offers: { __typename?: 'OfferConnection', edges: Array<{ __typename?: 'OfferEdge', node: { __typename?: 'Offer', id: string, title: string, pointsPrice: number, remaining: number, merchant: { __typename?: 'Merchant', id: string, name: string } } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };


export const LoginDocument = {"__meta__":{"hash":"101a26d747e1ea8d44703ccd7cea78d6839a81d48b5353975c5ac8ed8a611cec"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Login"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"phone"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"phone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"phone"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<LoginMutation, LoginMutationVariables>;
export const RefreshSessionDocument = {"__meta__":{"hash":"add4d7c3b5827452560cd8258dcdcb062446e889bd293f293b1ea4c08fd75b88"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RefreshSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refreshToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"refreshToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RefreshSessionMutation, RefreshSessionMutationVariables>;
export const MeDocument = {"__meta__":{"hash":"f3cfb3684a3edd16e00c8a78e360ff77ad478c526745a128d62e38c3f768ac54"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}},{"kind":"Field","name":{"kind":"Name","value":"pointsBalance"}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const CatalogueDocument = {"__meta__":{"hash":"5a9f3916a03816fb207f7fc93f46150d6d23bbbb8a977a9c26066c72efa5bd1c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Catalogue"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"offers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"pointsPrice"}},{"kind":"Field","name":{"kind":"Name","value":"remaining"}},{"kind":"Field","name":{"kind":"Name","value":"merchant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<CatalogueQuery, CatalogueQueryVariables>;