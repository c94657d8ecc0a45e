/** What the peer's Apache config needs; every value comes from the bench run, never from the environment. */
export interface ApacheConfigInput {
  port: number;
  dir: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The private API base URL, with the stage path. */
  upstream: string;
  cryptoPassphrase: string;
}

const modules = "/usr/lib/apache2/modules";

/**
 * Seed 000's reverse-proxy config for Apache + mod_auth_openidc, pointed at
 * the local IdP and gateway. Two changes, both needed here: the access token
 * goes to the API as `Authorization: Bearer` (our gateway's identity source;
 * the seed's API read an `oidc_access_token` header), and the seed's
 * `LogLevel debug` is left out, since it would measure logging. Keep-alive
 * connections are unlimited, as on the Node servers it is compared with:
 * with Apache's default of 100 requests per connection, autocannon's
 * reconnect leaves a stale request in its queue and then times each answer
 * from an earlier request, which inflated the peer's latencies.
 */
export function apacheConfig(input: ApacheConfigInput): string {
  const origin = `http://localhost:${input.port}`;
  return `ServerName localhost
Listen 127.0.0.1:${input.port}
PidFile ${input.dir}/httpd.pid
DefaultRuntimeDir ${input.dir}
Mutex file:${input.dir} default
ErrorLog ${input.dir}/error.log
LogLevel warn
MaxKeepAliveRequests 0
User www-data
Group www-data

LoadModule mpm_event_module ${modules}/mod_mpm_event.so
LoadModule authn_core_module ${modules}/mod_authn_core.so
LoadModule authz_core_module ${modules}/mod_authz_core.so
LoadModule authz_user_module ${modules}/mod_authz_user.so
LoadModule auth_openidc_module ${modules}/mod_auth_openidc.so
LoadModule proxy_module ${modules}/mod_proxy.so
LoadModule proxy_http_module ${modules}/mod_proxy_http.so
LoadModule headers_module ${modules}/mod_headers.so

<VirtualHost 127.0.0.1:${input.port}>
    OIDCResponseType code
    OIDCCryptoPassphrase ${input.cryptoPassphrase}
    OIDCProviderMetadataURL ${input.issuer}/.well-known/openid-configuration
    OIDCProviderTokenEndpointAuth client_secret_basic
    OIDCClientID ${input.clientId}
    OIDCClientSecret ${input.clientSecret}
    OIDCRedirectURI ${origin}/private/redirect_uri
    OIDCScope "openid email profile items/read items/write"
    OIDCPKCEMethod S256
    # Lets the bench read the session's access token for the upstream baseline (GET <redirect URI>?info=json).
    OIDCInfoHook access_token
    Header always set Access-Control-Allow-Origin ${origin}
    Header always set Access-Control-Allow-Methods "GET, POST, OPTIONS"
    <Location /private>
        AuthType openid-connect
        Require valid-user
        RequestHeader set Authorization "Bearer %{OIDC_access_token}e" env=OIDC_access_token
        ProxyPass ${input.upstream}
        ProxyPassReverse ${input.upstream}
    </Location>
</VirtualHost>
`;
}
