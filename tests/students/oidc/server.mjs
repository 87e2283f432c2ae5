// A certified OpenID provider (panva/oidc-provider 9) on loopback, for the end-to-end test of
// institutional sign-in (tests/students/test_sso_e2e.py). Test only: its development
// interactions (any login, any password) stand in for the institution's sign-in pages.
//
// Environment: CLIENT_ID, CLIENT_SECRET, REDIRECT_URI (the live test server's callback) and
// ACCOUNT, a JSON object of the one account's claims ({"sub": ..., "email": ...,
// "email_verified": true, "student_number": ...}). It listens on 127.0.0.1 on a free port and
// prints "listening <issuer>" when ready.
import { createServer } from "node:http";
import Provider from "oidc-provider";

const account = JSON.parse(process.env.ACCOUNT);

const server = createServer();
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: process.env.CLIENT_ID,
        client_secret: process.env.CLIENT_SECRET,
        redirect_uris: [process.env.REDIRECT_URI],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "student_number"],
    },
    cookies: { keys: ["test-only-cookie-key"] },
    pkce: { required: () => false },
    async findAccount(ctx, id) {
      // The development login form accepts any login: only the configured one has claims.
      const claims = id === account.sub ? account : { sub: id };
      return { accountId: id, claims: async () => claims };
    },
  });
  server.on("request", provider.callback());
  console.log(`listening ${issuer}`);
});
