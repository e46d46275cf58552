// A browser without a screen for the mock IdP's sign-in pages: it keeps cookies and posts the
// sign-in and consent forms as mock-idp/include/toolauth/idp/sign_in_pages.h documents.
//
//   const user = new HeadlessUser(world.user('alice'), world.url);
//   const back = await user.authorize(authorizeUrl);           // the redirect to the client
//   await user.authorize(url, { decision: 'decline' });        // or decline the consent
import assert from 'node:assert/strict';

export class HeadlessUser {
  constructor(account, idpUrl) {
    this.account = account;
    this.idpUrl = idpUrl;
    this.cookies = new Map();
  }

  async fetch(url, init = {}) {
    const headers = { ...(init.headers ?? {}) };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (value === '' || /Max-Age=0/.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  post(path, fields) {
    return this.fetch(new URL(path, this.idpUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  static field(html, name) {
    const match = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
    return match ? match[1].replaceAll('&amp;', '&') : '';
  }

  static step(html) {
    return html.match(/<meta name="toolauth-step" content="([^"]*)">/)?.[1];
  }

  // Signs in (and approves consent) on the pages `response` leads to; returns the last one.
  // `steps` collects the page steps seen, in order.
  async finish(response, { decision = 'approve', steps = [] } = {}) {
    for (let hops = 0; hops < 4 && response.status === 200; hops += 1) {
      const html = await response.text();
      const step = HeadlessUser.step(html);
      steps.push(step);
      const form = { flow: HeadlessUser.field(html, 'flow'), csrf_token: HeadlessUser.field(html, 'csrf_token') };
      if (step === 'login') {
        response = await this.post('/login', { ...form, username: this.account.username, password: this.account.password });
      } else if (step === 'consent') {
        response = await this.post('/consent', { ...form, decision });
      } else {
        return { response, step, html };
      }
    }
    return { response, step: null, html: null };
  }

  // Follows an authorization URL to the redirect back to the client; returns that URL.
  async authorize(url, options) {
    const { response } = await this.finish(await this.fetch(url), options);
    assert.equal(response.status, 302, `expected the redirect to the client, got ${response.status}`);
    return new URL(response.headers.get('location'));
  }

  // Enters a device flow's user code at the verification page and signs in.
  async deviceLogin(verificationUri, userCode) {
    const { step } = await this.finish(await this.post(new URL(verificationUri).pathname, { user_code: userCode }));
    assert.equal(step, 'done');
  }
}
