import { graphql } from '../gql'

// Every operation the app sends. codegen types them and writes the persisted-documents
// manifest (dist/persisted-documents.json) from this file.

// What login and register both start a session from.
export const NewSessionFragment = graphql(`
  fragment NewSession on AuthPayload {
    accessToken
    refreshToken
    user { id displayName roles }
    errors { code field message }
  }
`)

export const LoginDocument = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) { ...NewSession }
  }
`)

export const RegisterDocument = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) { ...NewSession }
  }
`)

export const RefreshDocument = graphql(`
  mutation Refresh($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      accessToken
      refreshToken
      errors { code message }
    }
  }
`)

export const LogoutDocument = graphql(`
  mutation Logout($refreshToken: String!) {
    logout(refreshToken: $refreshToken)
  }
`)

export const MeDocument = graphql(`
  query Me {
    me {
      id
      displayName
      phone
      roles
      pointsBalance
      homeGrid { id name courtyard { id name } }
    }
  }
`)

export const GridTreeDocument = graphql(`
  query GridTree {
    community {
      id
      name
      courtyards { id name microGrids { id name } }
    }
  }
`)

export const HomeDocument = graphql(`
  query Home($kind: NoticeKind) {
    notices(first: 20, kind: $kind) {
      edges { node { id kind title body publishedAt } }
    }
    events(first: 20) {
      edges { node { id title location startsAt endsAt capacity confirmedCount } }
    }
  }
`)

export const SubmitReportDocument = graphql(`
  mutation SubmitReport($input: SubmitReportInput!) {
    submitReport(input: $input) {
      report { id status }
      errors { code field message }
    }
  }
`)

export const MyReportsDocument = graphql(`
  query MyReports($after: String) {
    reports(first: 20, after: $after) {
      edges { node { id category description status createdAt dueAt overdue pointsAwarded } }
      pageInfo { hasNextPage endCursor }
    }
  }
`)


// The report page shows the query's answer, then each pushed update, in its place.
export const ReportDetailFragment = graphql(`
  fragment ReportDetail on Report {
    id category description status address latitude longitude createdAt dueAt overdue
    pointsAwarded likelyDuplicate photoUrls
    timeline { at fromStatus toStatus note actor { id displayName } }
  }
`)

export const ReportDocument = graphql(`
  query Report($id: ID!) {
    node(id: $id) {
      ... on Report { ...ReportDetail }
    }
  }
`)

export const ReportUpdatedDocument = graphql(`
  subscription ReportUpdated($id: ID!) {
    reportUpdated(reportId: $id) { ...ReportDetail }
  }
`)

export const EventsDocument = graphql(`
  query Events {
    events(first: 50) {
      edges {
        node {
          id title description location startsAt endsAt capacity pointsReward
          confirmedCount waitlistCount
          viewerSignup { id status }
        }
      }
    }
  }
`)

// Taking a place and giving it up answer alike: the signup and the event's new counts.
export const SignupChangeFragment = graphql(`
  fragment SignupChange on EventSignupPayload {
    signup { id status event { id confirmedCount waitlistCount } }
    errors { code field message }
  }
`)

export const SignUpDocument = graphql(`
  mutation SignUp($eventId: ID!) {
    signUpForEvent(eventId: $eventId) { ...SignupChange }
  }
`)

export const CancelSignupDocument = graphql(`
  mutation CancelSignup($eventId: ID!) {
    cancelEventSignup(eventId: $eventId) { ...SignupChange }
  }
`)

export const SuggestionsDocument = graphql(`
  query Suggestions {
    me { id }
    suggestions(first: 50) {
      edges { node { id title body status createdAt reviewNote pointsAwarded author { id displayName } } }
    }
  }
`)

export const SubmitSuggestionDocument = graphql(`
  mutation SubmitSuggestion($input: SubmitSuggestionInput!) {
    submitSuggestion(input: $input) {
      suggestion { id status }
      errors { code field message }
    }
  }
`)

export const PointsDocument = graphql(`
  query Points($after: String) {
    me {
      id
      pointsBalance
      pointsHistory(first: 30, after: $after) {
        edges { node { id amount reason balanceAfter memo createdAt } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`)

export const PointsChangedDocument = graphql(`
  subscription PointsChanged {
    pointsChanged { id amount reason balanceAfter memo createdAt }
  }
`)

export const OffersDocument = graphql(`
  query Offers($after: String) {
    offers(first: 10, after: $after) {
      edges {
        node {
          id title description pointsPrice remaining perUserLimit validUntil status
          merchant { id name category }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`)

export const RedeemDocument = graphql(`
  mutation Redeem($input: RedeemOfferInput!) {
    redeemOffer(input: $input) {
      voucher { id status code }
      pointsBalance
      errors { code field message }
    }
  }
`)

export const VouchersDocument = graphql(`
  query Vouchers {
    me {
      id
      vouchers(first: 50) {
        edges {
          node {
            id status pointsSpent issuedAt expiresAt usedAt code qrPayload
            offer { id title merchant { id name address } }
          }
        }
      }
    }
  }
`)

export const CancelVoucherDocument = graphql(`
  mutation CancelVoucher($id: ID!) {
    cancelVoucher(voucherId: $id) {
      voucher { id status }
      errors { code field message }
    }
  }
`)

// --- merchants

export const MyShopsDocument = graphql(`
  query MyShops {
    me { id merchants { id name category address status } }
  }
`)

export const RegisterMerchantDocument = graphql(`
  mutation RegisterMerchant($input: RegisterMerchantInput!) {
    registerMerchant(input: $input) {
      merchant { id name status }
      errors { code field message }
    }
  }
`)

export const ShopOffersDocument = graphql(`
  query ShopOffers($id: ID!) {
    node(id: $id) {
      ... on Merchant {
        id
        offers(first: 100) {
          edges {
            node { id title description pointsPrice stock remaining perUserLimit validFrom validUntil status }
          }
        }
      }
    }
  }
`)

export const CreateOfferDocument = graphql(`
  mutation CreateOffer($input: CreateOfferInput!) {
    createOffer(input: $input) {
      offer { id title status }
      errors { code field message }
    }
  }
`)

export const UpdateOfferDocument = graphql(`
  mutation UpdateOffer($input: UpdateOfferInput!) {
    updateOffer(input: $input) {
      offer { id title description pointsPrice stock remaining perUserLimit validUntil status }
      errors { code field message }
    }
  }
`)

export const UseVoucherDocument = graphql(`
  mutation UseVoucher($code: String!) {
    useVoucher(input: { code: $code }) {
      voucher { id code status pointsSpent usedAt offer { id title } holder { id displayName } }
      errors { code field message }
    }
  }
`)

export const RedemptionsDocument = graphql(`
  query Redemptions($id: ID!, $status: VoucherStatus, $after: String) {
    node(id: $id) {
      ... on Merchant {
        id
        redemptions(first: 100, status: $status, after: $after) {
          edges { node { id code status pointsSpent issuedAt usedAt offer { id title } } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
`)

export const SettlementDocument = graphql(`
  query Settlement($id: ID!, $start: DateTime!, $end: DateTime!) {
    settlement(merchantId: $id, periodStart: $start, periodEnd: $end) {
      periodStart periodEnd issued used cancelled expired pointsReceived pointsReturned
    }
  }
`)

// --- venues (场馆预约)

export const VenueTermsFragment = graphql(`
  fragment VenueTerms on Venue {
    id name description location capacity slotMinutes maxBookingMinutes advanceDays
    minNoticeMinutes cancelDeadlineMinutes requiresApproval depositPoints audiences mayBook
    openingHours { weekday opens closes overnight }
    closures { startsAt endsAt reason }
  }
`)

export const VenuesDocument = graphql(`
  query Venues {
    venues { ...VenueTerms }
  }
`)

export const VenueDayDocument = graphql(`
  query VenueDay($id: ID!, $date: Date!) {
    node(id: $id) {
      ... on Venue { ...VenueTerms }
    }
    venueSlots(venueId: $id, date: $date) { startsAt endsAt state }
  }
`)

// My bookings shows the query's answer, then each pushed update, in its place.
export const MyBookingFragment = graphql(`
  fragment MyBooking on Booking {
    id status startsAt endsAt partySize purpose depositPoints rejectReason cancelReason
    cancelledLate checkedInAt checkInOpensAt checkInClosesAt calendarUrl
    venue { id name location cancelDeadlineMinutes }
  }
`)

export const MyBookingsDocument = graphql(`
  query MyBookings {
    myBookings(first: 50) {
      edges { node { ...MyBooking } }
    }
  }
`)

export const BookingUpdatedDocument = graphql(`
  subscription BookingUpdated {
    bookingUpdated { ...MyBooking }
  }
`)

export const BookVenueDocument = graphql(`
  mutation BookVenue($input: BookVenueInput!) {
    bookVenue(input: $input) {
      booking { id status startsAt endsAt }
      errors { code field message }
    }
  }
`)

export const CancelBookingDocument = graphql(`
  mutation CancelBooking($input: CancelBookingInput!) {
    cancelBooking(input: $input) {
      booking { ...MyBooking }
      errors { code field message }
    }
  }
`)

export const CheckInBookingDocument = graphql(`
  mutation CheckInBooking($input: CheckInBookingInput!) {
    checkInBooking(input: $input) {
      booking { ...MyBooking }
      errors { code field message }
    }
  }
`)
