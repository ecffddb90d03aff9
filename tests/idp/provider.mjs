// A real OpenID Connect provider for the sign-in tests (node-oidc-provider), on 127.0.0.1 only.
//
// Discovery (/.well-known/openid-configuration), the authorisation code flow with PKCE, JWKS and a
// signed id_token, RP-initiated logout, and the provider's own development sign-in form
// (devInteractions). One fixed client, one test user; any other login name is refused.
//
//   IDP_PORT=9123 IDP_REDIRECT_URI=http://127.0.0.1:8501/oauth2callback node tests/idp/provider.mjs
//
// Settings come from the environment: IDP_PORT, IDP_REDIRECT_URI (several separated by commas),
// IDP_CLIENT_ID, IDP_CLIENT_SECRET, and IDP_ACCOUNTS: a JSON file {"login": {claims…}} replacing the
// one default user (each account's claims need at least "sub"; "samsyn_roles" and "samsyn_org" are
// what Samsyn reads for roles and organisation).
// It prints "ready <issuer>" when it listens.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import Provider from "oidc-provider";

const port = Number(process.env.IDP_PORT || 9123);
const issuer = `http://127.0.0.1:${port}`;
const redirectUris = (process.env.IDP_REDIRECT_URI || "").split(",").map((u) => u.trim()).filter(Boolean);
if (!redirectUris.length) {
  console.error("IDP_REDIRECT_URI is required");
  process.exit(2);
}

// The test user: what Samsyn reads from the id_token.
const ACCOUNTS = process.env.IDP_ACCOUNTS ? JSON.parse(readFileSync(process.env.IDP_ACCOUNTS, "utf8")) : {
  anna: {
    sub: "anna",
    name: "Anna Andersson",
    email: "anna.andersson@kommun.example.se",
    email_verified: true,
    samsyn_roles: ["kommunanalytiker"],
  },
};

// A fresh signing key per run: the client fetches it from the JWKS endpoint, as in production.
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "samsyn-test", use: "sig", alg: "RS256" };

const configuration = {
  clients: [
    {
      client_id: process.env.IDP_CLIENT_ID || "samsyn",
      client_secret: process.env.IDP_CLIENT_SECRET || "samsyn-test-secret",
      redirect_uris: redirectUris,
      post_logout_redirect_uris: redirectUris,
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
    samsyn: ["samsyn_roles", "samsyn_org"],
  },
  // Streamlit reads the identity from the id_token only, so the requested claims go into it.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return account; } };
  },
};

const provider = new Provider(issuer, configuration);
provider.on("server_error", (ctx, error) => console.error("server_error", error));
http.createServer(provider.callback()).listen(port, "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
