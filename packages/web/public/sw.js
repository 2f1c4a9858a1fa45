/*
 * The portal's service worker: Web Push of the Care Cabinet only. It shows how many posts are unread —
 * the hub never pushes a patient, a cabinet or a word of a post — and opens the cabinet list when the
 * notification is tapped. It caches nothing and handles no fetch: patient data never rests in the browser.
 */
const CABINETS = '/cabinets';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

function wording(message) {
  const unread = Number.isInteger(message.unread) && message.unread > 0 ? message.unread : 0;
  const title =
    message.type === 'test'
      ? 'ケアキャビネット（テスト通知）'
      : message.urgent
        ? 'ケアキャビネット：至急またはあなた宛ての投稿'
        : 'ケアキャビネット';
  const body =
    unread > 0
      ? `未読の投稿が ${unread} 件あります。 / ${unread} unread`
      : '未読の投稿はありません。 / No unread posts';
  return { title, body, unread };
}

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = {};
  }
  const { title, body, unread } = wording(message);
  const shown = self.registration.showNotification(title, {
    body,
    lang: 'ja',
    tag: 'hie-cabinet',
    renotify: true,
    requireInteraction: message.urgent === true,
    icon: '/icon-192.png',
    data: { url: CABINETS },
  });
  const badge =
    'setAppBadge' in self.navigator
      ? (unread > 0 ? self.navigator.setAppBadge(unread) : self.navigator.clearAppBadge()).catch(
          () => undefined,
        )
      : Promise.resolve();
  event.waitUntil(Promise.all([shown, badge]));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(CABINETS, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const mine = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (mine) return mine.navigate(url).then((w) => (w ?? mine).focus());
      return self.clients.openWindow(url);
    }),
  );
});
