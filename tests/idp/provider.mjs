// A real OpenID Connect provider for the sign-in tests (node-oidc-provider), on 127.0.0.1 only.
//
// Discovery (/.well-known/openid-configuration), the authorisation code flow with PKCE, JWKS and a
// signed id_token, RP-initiated logout, and the provider's own development sign-in form
// (devInteractions). One fixed client, one test user; any other login name is refused.
//
//   IDP_PORT=9123 IDP_REDIRECT_URI=http://127.0.0.1:8501/oauth2callback node tests/idp/provider.mjs
//
// Settings come from the environment: IDP_PORT, IDP_REDIRECT_URI, IDP_CLIENT_ID, IDP_CLIENT_SECRET.
// It prints "ready <issuer>" when it listens.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import Provider from "oidc-provider";

const port = Number(process.env.IDP_PORT || 9123);
const issuer = `http://127.0.0.1:${port}`;
const redirectUri = process.env.IDP_REDIRECT_URI;
if (!redirectUri) {
  console.error("IDP_REDIRECT_URI is required");
  process.exit(2);
}

// The test user: what Samsyn reads from the id_token.
const ACCOUNTS = {
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
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [redirectUri],
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
    samsyn: ["samsyn_roles"],
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
