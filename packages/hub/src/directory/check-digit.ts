import { checkDigitLooksRight } from '@hie/contract';

/** A non-blocking remark returned with a create, update or import. */
export interface DirectoryWarning {
  code: 'check-digit';
  message: string;
  /** CSV line, on imports. */
  line?: number;
}

export function checkDigitWarning(code: string | null | undefined): DirectoryWarning | null {
  if (!code || checkDigitLooksRight(code)) return null;
  return {
    code: 'check-digit',
    message: `医療機関コード ${code} の検証番号が一致しません（入力誤りの可能性）/ check digit of institution code ${code} does not match: possibly mistyped`,
  };
}
