/** Words the report pages share: the period form, the figures' names, the charts' and tables' captions. */
import { defineMessages } from '../i18n.js';

export const reportMessages = defineMessages({
  ja: {
    periodLegend: '期間',
    from: '開始日',
    to: '終了日',
    days: '購入・コンバージョンを数える日数（流入後）',
    show: '表示',
    period: '{from} から {to} まで（流入後 {days} 日以内の購入とコンバージョン）',
    visits: '訪問',
    denied: 'ログイン拒否',
    logins: '流入',
    friendsAdded: '友だち追加',
    customersLinked: '顧客',
    newCustomers: '新規顧客',
    blockedSince: 'その後ブロック',
    orders: '注文',
    revenue: '売上',
    conversions: 'コンバージョン',
    none: '—',
    dataTable: 'グラフの数値',
    funnelTitle: '流入ファネル（全経路）',
    funnelDesc:
      '訪問から顧客までの各段階の人数。訪問 {visits}、流入 {logins}、友だち追加 {friendsAdded}、顧客 {customersLinked}。',
    dailyTitle: '日ごとの流入とコンバージョン',
    dailyDesc:
      '{from} から {to} までの日ごとの流入数と、その日に流入した顧客のコンバージョン数。合計 流入 {arrivals}、コンバージョン {conversions}。',
    day: '日付',
    noStore: '（店舗なし）',
    noRoute: '（経路なし）',
  },
  en: {
    periodLegend: 'Period',
    from: 'From',
    to: 'To',
    days: 'Days after arrival for orders and conversions',
    show: 'Show',
    period: '{from} to {to} (orders and conversions within {days} days of arriving)',
    visits: 'Visits',
    denied: 'Logins denied',
    logins: 'Arrivals',
    friendsAdded: 'Friends added',
    customersLinked: 'Customers',
    newCustomers: 'New customers',
    blockedSince: 'Blocked since',
    orders: 'Orders',
    revenue: 'Revenue',
    conversions: 'Conversions',
    none: '—',
    dataTable: 'Figures of the chart',
    funnelTitle: 'Arrival funnel (all routes)',
    funnelDesc:
      'People at each stage from visit to customer: visits {visits}, arrivals {logins}, friends added {friendsAdded}, customers {customersLinked}.',
    dailyTitle: 'Arrivals and conversions per day',
    dailyDesc:
      'Arrivals per day from {from} to {to}, and the conversions of the customers who arrived that day. In all: {arrivals} arrivals, {conversions} conversions.',
    day: 'Day',
    noStore: '(no store)',
    noRoute: '(no route)',
  },
});

export type ReportMessageKey = keyof (typeof reportMessages)['ja'];
