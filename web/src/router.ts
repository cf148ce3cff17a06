import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { session } from './lib/session'

// Resident pages come first in the bundle's split: the home, market and login pages are the
// ones a phone opens; everything else is loaded when visited.
const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
  { path: '/register', name: 'register', component: () => import('./pages/RegisterPage.vue'), meta: { public: true } },
  { path: '/', name: 'home', component: () => import('./pages/resident/HomePage.vue') },
  { path: '/market', name: 'market', component: () => import('./pages/resident/MarketPage.vue') },
  { path: '/vouchers', name: 'vouchers', component: () => import('./pages/resident/VouchersPage.vue') },
  { path: '/points', name: 'points', component: () => import('./pages/resident/PointsPage.vue') },
  { path: '/report', name: 'report-new', component: () => import('./pages/resident/ReportNewPage.vue') },
  { path: '/reports', name: 'reports', component: () => import('./pages/resident/ReportsPage.vue') },
  { path: '/reports/:id', name: 'report', component: () => import('./pages/resident/ReportPage.vue'), props: true },
  { path: '/venues', name: 'venues', component: () => import('./pages/resident/VenuesPage.vue') },
  { path: '/venues/:id', name: 'venue', component: () => import('./pages/resident/VenuePage.vue'), props: true },
  { path: '/bookings', name: 'bookings', component: () => import('./pages/resident/BookingsPage.vue') },
  { path: '/events', name: 'events', component: () => import('./pages/resident/EventsPage.vue') },
  { path: '/suggestions', name: 'suggestions', component: () => import('./pages/resident/SuggestionsPage.vue') },
  { path: '/me', name: 'mine', component: () => import('./pages/resident/MinePage.vue') },
  { path: '/merchant', name: 'merchant', component: () => import('./pages/merchant/ShopsPage.vue'), meta: { merchant: true } },
  { path: '/merchant/offers', name: 'merchant-offers', component: () => import('./pages/merchant/OffersPage.vue'), meta: { merchant: true } },
  { path: '/merchant/desk', name: 'merchant-desk', component: () => import('./pages/merchant/DeskPage.vue'), meta: { merchant: true } },
  { path: '/merchant/redemptions', name: 'merchant-redemptions', component: () => import('./pages/merchant/RedemptionsPage.vue'), meta: { merchant: true } },
  { path: '/merchant/settlement', name: 'merchant-settlement', component: () => import('./pages/merchant/SettlementPage.vue'), meta: { merchant: true } },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach((to) => {
  if (!to.meta.public && !session.tokens) return { name: 'login', query: { next: to.fullPath } }
  return true
})
