import { ApiError } from './client';

/**
 * The hub's stable error codes, in the user's words. The hub's own message is the fallback for a code
 * this table does not know (it is bilingual for most auth refusals already).
 */
const MESSAGES: Readonly<Record<string, { ja: string; en: string }>> = {
  network: {
    ja: 'サーバに接続できません。ネットワークを確認してください。',
    en: 'Cannot reach the server. Check the network.',
  },
  'not-authenticated': {
    ja: 'ログインしてください（セッションが切れました）。',
    en: 'Please log in (your session ended).',
  },
  'invalid-credentials': { ja: 'IDまたはパスワードが違います。', en: 'Wrong login ID or password.' },
  'login-expired': {
    ja: 'ログインの有効時間が過ぎました。最初からやり直してください。',
    en: 'This login expired. Start again.',
  },
  locked: {
    ja: '失敗が続いたため一時的にロックされています。しばらく待ってから再度お試しください。',
    en: 'Too many failures: locked for a while.',
  },
  'rate-limited': {
    ja: '試行回数が多すぎます。しばらく待ってからお試しください。',
    en: 'Too many attempts. Wait and try again.',
  },
  'hpki-no-certificate': {
    ja: 'HPKIカードが提示されていません。カードをリーダーに挿し、認証用証明書を選んでください。',
    en: 'No HPKI card was presented. Insert the card and choose its authentication certificate.',
  },
  'hpki-revoked': { ja: 'このカードの証明書は失効しています。', en: 'This card’s certificate is revoked.' },
  'hpki-expired': {
    ja: 'このカードの証明書は有効期間外です。',
    en: 'This card’s certificate is not valid today.',
  },
  'hpki-untrusted': {
    ja: 'ネットワークが信頼するHPKI認証局の証明書ではありません。',
    en: 'This certificate is not from an HPKI CA the network trusts.',
  },
  'hpki-crl-unavailable': {
    ja: '失効情報を確認できないため、カードでログインできません。事務局にお問い合わせください。',
    en: 'Revocation cannot be checked now. Contact the network office.',
  },
  'hpki-crl-stale': {
    ja: '認証局の失効リストが古いため、カードでログインできません。事務局にお問い合わせください。',
    en: 'The CA’s revocation list is out of date. Contact the network office.',
  },
  'hpki-policy': {
    ja: '認証用の証明書ではありません（署名用の証明書ではログインできません）。',
    en: 'Not an authentication certificate (a signing certificate cannot log in).',
  },
  'hpki-key-usage': {
    ja: 'この証明書はログインに使えません（署名用の証明書です）。認証用を選んでください。',
    en: 'This certificate cannot be used to log in (it is a signing one). Choose the authentication certificate.',
  },
  'hpki-not-bound': {
    ja: 'このカードは未登録です。ID・パスワードでログインし「HPKIカード」から登録を申請してください。',
    en: 'This card is not registered. Log in with ID and password and ask to register it under “HPKI card”.',
  },
  'hpki-role-missing': {
    ja: 'カードに資格情報（hcRole）がありません。登録された職種では資格の確認が必要です。',
    en: 'The card carries no qualification (hcRole), which your registered profession requires.',
  },
  'hpki-role-mismatch': {
    ja: 'カードの資格と登録された職種が一致しません。事務局にお問い合わせください。',
    en: 'The card’s qualification does not match your registered profession. Contact the network office.',
  },
  'hpki-card-bound': {
    ja: 'このカードは他の利用者に登録済みです。',
    en: 'This card is bound to another user.',
  },
  'saml-bad-signature': {
    ja: '連携先からの応答の署名を確認できませんでした。',
    en: 'The signature of the identity provider’s answer could not be verified.',
  },
  'saml-expired': {
    ja: '連携先からの応答の有効期限が切れています。もう一度お試しください。',
    en: 'The identity provider’s answer has expired. Try again.',
  },
  'saml-replay': {
    ja: 'この応答は使用済みです。もう一度お試しください。',
    en: 'This answer was already used. Try again.',
  },
  'saml-unknown-request': {
    ja: 'この応答に対応するログイン要求がありません。もう一度ログインを始めてください。',
    en: 'No login request matches this answer. Start the login again.',
  },
  'saml-not-linked': {
    ja: 'ネットワークに登録されていない利用者です。所属施設の管理者にお問い合わせください。',
    en: 'You are not registered in this network. Ask your facility’s administrator.',
  },
  'saml-link-revoked': {
    ja: '連携は解除されています。所属施設の管理者にお問い合わせください。',
    en: 'Your link to this network was revoked. Ask your facility’s administrator.',
  },
  'saml-role-mismatch': {
    ja: '連携先の資格と登録された職種が一致しません。事務局にお問い合わせください。',
    en: 'The profession the identity provider states does not match your registration. Contact the network office.',
  },
  'saml-facility': {
    ja: '連携先が示す所属施設が、登録された所属施設と一致しません。',
    en: 'The facility the identity provider states is not one of your registered facilities.',
  },
  'saml-jit-incomplete': {
    ja: '新規登録に必要な氏名・職種が連携先から届きませんでした。',
    en: 'The identity provider did not send the name and profession a new account needs.',
  },
  'saml-unknown-idp': {
    ja: 'このネットワークが信頼していない認証基盤です。',
    en: 'Not an identity provider this network trusts.',
  },
  'choose-facility': { ja: '所属施設を選んでください。', en: 'Choose the facility you act for.' },
  'account-inactive': {
    ja: 'このIDではログインできません（停止中または所属施設なし）。事務局にお問い合わせください。',
    en: 'This account cannot log in. Contact the network office.',
  },
  'already-enrolled': { ja: '認証アプリは登録済みです。', en: 'An authenticator is already enrolled.' },
  'enrol-first': { ja: '先に認証アプリを登録してください。', en: 'Enrol an authenticator app first.' },
  'invalid-code': { ja: 'ワンタイムコードが違います。', en: 'Wrong one-time code.' },
  'code-reused': {
    ja: 'このコードは使用済みです。次のコードをお待ちください。',
    en: 'This code was already used. Wait for the next one.',
  },
  csrf: { ja: '画面の有効期限が切れました。再読み込みしてください。', en: 'This page expired. Reload it.' },
  forbidden: { ja: 'この操作の権限がありません。', en: 'You may not do this.' },
  'office-only': {
    ja: 'この操作はネットワーク事務局のみ行えます。',
    en: 'Only the network office may do this.',
  },
  'own-facility-only': { ja: '自施設の情報のみ操作できます。', en: 'Only your own facility.' },
  'not-found': { ja: '見つかりません（または閲覧できません）。', en: 'Not found (or not visible to you).' },
  'no-route': {
    ja: 'この機能はまだサーバで利用できません。',
    en: 'This function is not available on the server yet.',
  },
  'invalid-request': { ja: '入力内容に誤りがあります。', en: 'Some input is invalid.' },
  'invalid-json': { ja: '送信内容を読み取れませんでした。', en: 'The request could not be read.' },
  conflict: { ja: '他の操作と競合しました。再読み込みしてください。', en: 'Conflicting change. Reload.' },
  'duplicate-oid': { ja: 'このOIDは登録済みです。', en: 'This OID is already registered.' },
  'duplicate-code': {
    ja: 'この医療機関コードは登録済みです。',
    en: 'This institution code is already registered.',
  },
  'duplicate-login-id': { ja: 'このログインIDは使用されています。', en: 'This login ID is taken.' },
  'invalid-oid': {
    ja: 'OIDを作れません。OIDを直接入力してください。',
    en: 'Cannot derive the OID; enter it explicitly.',
  },
  'oid-required': { ja: '医療機関コードかOIDが必要です。', en: 'Give the institution code or the OID.' },
  'prefecture-mismatch': {
    ja: '都道府県が医療機関コードと一致しません。',
    en: 'Prefecture does not match the institution code.',
  },
  'unknown-facility-type': { ja: '施設種別が不明です。', en: 'Unknown facility type.' },
  'unknown-facility': { ja: '施設が見つかりません。', en: 'Unknown facility.' },
  'unknown-profession': { ja: '職種が不明です。', en: 'Unknown profession.' },
  'self-lockout': { ja: '自分自身を操作不能にする変更はできません。', en: 'This change would lock you out.' },
  'csv-empty': { ja: 'CSVが空です。', en: 'The CSV is empty.' },
  'csv-encoding': {
    ja: 'CSVの文字コードを読み取れません（UTF-8 または Shift_JIS）。',
    en: 'Unreadable CSV encoding.',
  },
  'csv-header': { ja: 'CSVの見出し行が正しくありません。', en: 'The CSV header is wrong.' },
  'csv-malformed': { ja: 'CSVの形式が正しくありません。', en: 'Malformed CSV.' },
  'csv-invalid': { ja: 'CSVに誤りのある行があります。', en: 'Some CSV rows are invalid.' },
  'body-too-large': { ja: 'ファイルが大きすぎます。', en: 'The file is too large.' },
  'unsupported-media-type': { ja: 'このファイル形式は扱えません。', en: 'Unsupported file type.' },
  'no-consent': { ja: 'この患者さんの同意がありません。', en: 'No consent from this patient.' },
  'break-glass-required': { ja: '緊急時アクセスが必要です。', en: 'Emergency access is required.' },
  internal: {
    ja: 'サーバでエラーが発生しました。時間をおいて再度お試しください。',
    en: 'Server error. Try again later.',
  },
};

export type Lang = 'ja' | 'en';

/** The message to show for an error, in the user's language. */
export function errorMessage(error: unknown, lang: Lang): string {
  if (error instanceof ApiError) {
    const known = MESSAGES[error.code];
    if (known) return known[lang];
    return `${error.message} (${error.code})`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
