// Headers on every reply of the dashboard listener: a strict CSP (own scripts only, no inline
// script, no eval, no framing; inline styles are allowed because xterm.js writes its theme into a
// <style> element), no referrer (login URLs carry a token), no sniffing. No CORS
// header is ever sent, so other origins cannot read anything.
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
