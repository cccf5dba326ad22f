package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * protocol="oidc" and its settings: parsed when set, checked at start, each refusal one sentence naming the setting;
 * settings of the other protocol are refused rather than ignored. Each refusal is shown beside the accepted value.
 */
class OidcSettingsTest {

    /** As long as a generated secret (the test Keycloak's: 40 hex characters, scripts/keycloak.sh). */
    private static final String SECRET = "6f3c9a1d0b7e4f2a8c5d3e1b9a7f6c4d2e0b8a6f";

    private static SettingsBuilder oidc() {
        return new SettingsBuilder()
                .set("protocol", "oidc")
                .set("externalBaseUrl", "https://apps.example.com")
                .set("oidcIssuer", "https://login.example.com/realms/main")
                .set("oidcClientId", "apps")
                .set("oidcClientSecret", SECRET);
    }

    private static String refusal(SettingsBuilder builder) {
        try {
            builder.build("");
        } catch (ConfigurationException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void aMinimalOidcValveIsAcceptedWithItsDefaults() {
        Settings s = oidc().build("");
        assertThat(s.oidc()).isTrue();
        assertThat(s.oidcIssuer()).isEqualTo("https://login.example.com/realms/main");
        assertThat(s.oidcScopes()).containsExactly("openid", "profile", "email");
        assertThat(s.oidcClientAuthentication()).isEqualTo("client_secret_basic");
        assertThat(s.callbackUrl()).isEqualTo("https://apps.example.com/sso/callback");
        assertThat(s.backchannelLogoutUrl()).isEqualTo("https://apps.example.com/sso/backchannel-logout");
        assertThat(new SettingsBuilder().set("externalBaseUrl", "https://a.example").set("idpMetadata", "/x.xml")
                .build("").oidc()).isFalse();
    }

    @Test
    void issuerAndClientIdAreRequired() {
        assertThat(refusal(oidc().set(Setting.OIDC_ISSUER, null))).startsWith("Portcullis setting 'oidcIssuer': is required");
        assertThat(refusal(oidc().set(Setting.OIDC_CLIENT_ID, null))).startsWith("Portcullis setting 'oidcClientId': is required");
    }

    @Test
    void theSecretIsRequiredForSecretMethodsAndRefusedForPrivateKeyJwt() {
        assertThat(refusal(oidc().set(Setting.OIDC_CLIENT_SECRET, null)))
                .startsWith("Portcullis setting 'oidcClientSecret': is required with oidcClientAuthentication=client_secret_basic");
        assertThat(refusal(oidc().set("oidcClientAuthentication", "private_key_jwt")))
                .startsWith("Portcullis setting 'oidcClientSecret': is set but");
        assertThat(refusal(oidc().set(Setting.OIDC_CLIENT_SECRET, null).set("oidcClientAuthentication", "private_key_jwt")))
                .startsWith("Portcullis setting 'spKeystore': is required");
        assertThat(refusal(oidc().set("oidcClientAuthentication", "client_secret_jwt")))
                .startsWith("Portcullis setting 'oidcClientAuthentication':");
        assertThat(oidc().set("oidcClientAuthentication", "client_secret_post").build("").oidcClientAuthentication())
                .isEqualTo("client_secret_post");
    }

    @Test
    void withoutAnSpKeyTheSecretKeysTheSignInStateSoAShortOneIsRefused() {
        String short31 = SECRET.substring(0, Settings.MIN_SECRET_AS_KEY - 1);
        assertThat(refusal(oidc().set("oidcClientSecret", short31)))
                .startsWith("Portcullis setting 'oidcClientSecret': has 31 characters; without an SP key")
                .doesNotContain(short31);
        assertThat(oidc().set("oidcClientSecret", SECRET.substring(0, Settings.MIN_SECRET_AS_KEY)).build("")
                .oidcClientSecret()).hasSize(32);
    }

    @Test
    void theSecretIsNeverShown() {
        SettingsBuilder builder = oidc();
        assertThat(builder.get(Setting.OIDC_CLIENT_SECRET)).isEqualTo("********");
        assertThat(builder.build("").inForce()).containsEntry("oidcClientSecret", "********")
                .doesNotContainValue(SECRET);
    }

    @Test
    void scopesMustContainOpenid() {
        assertThat(refusal(oidc().set("oidcScopes", "profile email"))).startsWith("Portcullis setting 'oidcScopes':");
        assertThat(oidc().set("oidcScopes", "openid, roles").build("").oidcScopes()).isEqualTo(List.of("openid", "roles"));
    }

    @Test
    void theIssuerIsHttpsUnlessOnThisMachine() {
        assertThat(refusal(oidc().set("oidcIssuer", "http://login.example.com/realms/main")))
                .startsWith("Portcullis setting 'oidcIssuer': 'http://login.example.com/realms/main' must use https://");
        assertThat(refusal(oidc().set("oidcIssuer", "http://127.attacker.example/realms/main")))
                .startsWith("Portcullis setting 'oidcIssuer':");
        assertThat(refusal(oidc().set("oidcIssuer", "https://login.example.com/realms/main?x=1")))
                .contains("no query or fragment");
        assertThat(oidc().set("oidcIssuer", "http://127.0.0.1:8180/realms/main").build("").oidcIssuer())
                .isEqualTo("http://127.0.0.1:8180/realms/main");
    }

    @Test
    void settingsOfTheOtherProtocolAreRefusedByName() {
        assertThat(refusal(oidc().set("idpMetadata", "/etc/idp.xml"))).isEqualTo("Portcullis setting 'idpMetadata': is a"
                + " SAML setting and does not apply with protocol=\"oidc\"; remove it.");
        assertThat(refusal(oidc().set("acsPath", "/Shibboleth.sso/SAML2/POST"))).startsWith("Portcullis setting 'acsPath'");
        assertThat(refusal(new SettingsBuilder().set("externalBaseUrl", "https://a.example").set("idpMetadata", "/x.xml")
                .set("oidcClientId", "apps"))).isEqualTo("Portcullis setting 'oidcClientId': is an OpenID Connect setting"
                + " and does not apply with protocol=\"saml\"; remove it.");
    }

    @Test
    void theProtocolIsSamlOrOidc() {
        assertThat(refusal(oidc().set("protocol", "cas"))).isEqualTo("Portcullis setting 'protocol': 'cas' is neither saml"
                + " nor oidc.");
        assertThat(oidc().set("protocol", " OIDC ").build("").oidc()).isTrue();
    }

    @Test
    void theCallbackNeedsAPathOfItsOwn() {
        assertThat(refusal(oidc().set("callbackPath", "/sso/logout"))).startsWith("Portcullis setting 'callbackPath':");
        assertThat(oidc().set("callbackPath", "/oidc/cb").build("").callbackUrl()).isEqualTo("https://apps.example.com/oidc/cb");
    }
}
