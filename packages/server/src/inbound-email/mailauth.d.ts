// mailauth ships no types; these are the parts the server and its tests use.
declare module 'mailauth' {
  interface Status {
    result: string
    comment?: string
    aligned?: string | false
  }
  export interface AuthenticateOptions {
    ip?: string
    helo?: string
    sender?: string
    mta?: string
    resolver?: (name: string, type: string) => Promise<unknown>
    disableArc?: boolean
    disableBimi?: boolean
  }
  export interface AuthenticateResult {
    dkim: { headerFrom?: string[]; results?: { signingDomain?: string; status: Status }[] }
    spf: { domain?: string; status: Status } | false
    dmarc:
      { status: Status; alignment?: { spf?: { result: string | false }; dkim?: { result: string | false } } } | false
  }
  export function authenticate(input: Buffer | string, options: AuthenticateOptions): Promise<AuthenticateResult>
}

declare module 'mailauth/lib/dkim/sign.js' {
  export function dkimSign(
    input: Buffer | string,
    options: { signatureData: { signingDomain: string; selector: string; privateKey: string }[] },
  ): Promise<{ signatures: string; errors: unknown[] }>
}
