package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SettingsTest {

    private static SettingsBuilder minimal() {
        return new SettingsBuilder()
                .set("externalBaseUrl", "https://Apps.Example.com:443/")
                .set("idpMetadata", "/etc/idp.xml")
                .set("signAuthnRequests", "false");
    }

    @Test
    void derivesEndpointsFromTheExternalOriginAtHostLevel() {
        Settings s = minimal().build("");
        assertThat(s.acsUrl()).isEqualTo("https://apps.example.com/sso/acs");
        assertThat(s.spEntityId()).isEqualTo("https://apps.example.com/sso/metadata");
        assertThat(s.cookiePath()).isEqualTo("/");
        assertThat(s.defaultLandingPath()).isEqualTo("/");
    }

    @Test
    void putsEndpointsAndTheCookieUnderTheContextPathAtContextLevel() {
        Settings s = minimal().set("endpointPath", "/auth").set("defaultLandingPath", "/home").build("/app");
        assertThat(s.acsUrl()).isEqualTo("https://apps.example.com/app/auth/acs");
        assertThat(s.cookiePath()).isEqualTo("/app");
        assertThat(s.defaultLandingPath()).isEqualTo("/app/home");
    }

    @Test
    void hasSecureDefaults() {
        Settings s = minimal().build("");
        assertThat(s.wantAssertionsSigned()).isTrue();
        assertThat(s.allowUnsolicitedResponses()).isFalse();
        assertThat(s.allowSha1()).isFalse();
        assertThat(s.clockSkew()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.protectedPaths().matches("/anything")).isTrue();
        assertThat(new SettingsBuilder().get(Setting.SIGN_AUTHN_REQUESTS)).isEqualTo("auto");
        Settings defaults = new SettingsBuilder().set("externalBaseUrl", "https://apps.example.com")
                .set("idpMetadata", "/etc/idp.xml").build("");
        assertThat(defaults.authnRequestSigning()).isEqualTo(AuthnRequestSigning.AUTO);
        assertThat(defaults.authnRequestSigning().signsFor(true)).isTrue();
        assertThat(defaults.authnRequestSigning().signsFor(false)).isFalse();
        assertThat(s.signInRateLimit()).isEqualTo(new RateLimit(100, Duration.ofSeconds(10)));
        assertThat(s.roleMapper().roles(Map.of())).isEmpty();
    }

    @Test
    void refusesBadValuesOfTheTrustBoundarySettingsByName() {
        for (String[] bad : new String[][] {{"idpCertificateExpiry", "ignore"}, {"signInRateLimit", "100"},
                {"signInRateLimit", "0/1m"}, {"signInRateLimit", "10/500ms"}, {"signInRateLimit", "10/2h"},
                {"signAuthnRequests", "sometimes"}, {"allowedRoles", "*, user"}}) {
            assertThatThrownBy(() -> minimal().set(bad[0], bad[1]).build("")).as(bad[0] + "=" + bad[1])
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("'" + bad[0] + "'");
        }
        assertThat(minimal().set("signInRateLimit", "off").build("").signInRateLimit().off()).isTrue();
        assertThat(minimal().set("signInRateLimit", " 30 / 1m ").build("").signInRateLimit())
                .isEqualTo(new RateLimit(30, Duration.ofMinutes(1)));
        assertThat(minimal().set("idpCertificateExpiry", "REFUSE").build("").refuseExpiredIdpCertificates()).isTrue();
        assertThat(minimal().build("").refuseExpiredIdpCertificates()).isFalse();
    }

    @Test
    void plainHttpMetadataComesOnlyFromALoopbackAddressNotFromANameThatLooksLikeOne() {
        for (String local : new String[] {"http://localhost:8081/metadata", "http://127.0.0.1:8081/metadata",
                "http://127.10.20.30/metadata", "http://[::1]:8081/metadata", "HTTP://LOCALHOST/metadata"}) {
            assertThat(minimal().set("idpMetadata", local).build("").idpMetadataLocation()).as(local)
                    .isEqualTo(java.net.URI.create(local));
        }
        for (String remote : new String[] {"http://127.attacker.example/metadata", "http://127.0.0.1.nip.io/metadata",
                "http://idp.example.com/metadata", "http://10.0.0.1/metadata"}) {
            assertThatThrownBy(() -> minimal().set("idpMetadata", remote).build("")).as(remote)
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("must use https://");
        }
    }

    @Test
    void parsesDurationsWithUnitsAndIso8601() {
        assertThat(Durations.parse("x", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("x", "8h")).isEqualTo(Duration.ofHours(8));
        assertThat(Durations.parse("x", "PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> Durations.parse("sessionIdleTimeout", "30")).hasMessageContaining("'sessionIdleTimeout'");
        assertThatThrownBy(() -> Durations.parse("x", "-PT1M")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void refusesAnIdleTimeoutLongerThanTheLifetime() {
        assertThatThrownBy(() -> minimal().set("sessionIdleTimeout", "9h").build(""))
                .hasMessageContaining("'sessionIdleTimeout'");
    }

    @Test
    void refusesAHostPrefixedCookieWhereBrowsersWouldRejectIt() {
        assertThatThrownBy(() -> minimal().set("cookieName", "__Host-sso").set("externalBaseUrl", "http://localhost:8080")
                .build("")).hasMessageContaining("'cookieName'");
        assertThat(minimal().set("cookieName", "__Host-sso").build("").cookieName()).isEqualTo("__Host-sso");
    }

    @Test
    void acceptsPlainHttpMetadataOnlyFromLoopback() {
        assertThat(minimal().set("idpMetadata", "http://localhost:8081/metadata").build("").idpMetadataLocation())
                .hasToString("http://localhost:8081/metadata");
        assertThatThrownBy(() -> minimal().set("idpMetadata", "http://idp.example.org/metadata").build(""))
                .hasMessageContaining("'idpMetadata'");
    }

    @Test
    void mapsRoleValuesAndKeepsUnmappedOnes() {
        Settings s = minimal().set("roleAttributes", "groups, roles")
                .set("roleMapping", "Administrators=admin; Staff=user, Staff=reader").build("");
        List<String> roles = s.roleMapper().roles(Map.of("groups", List.of("Administrators", "Staff"),
                "roles", List.of("auditor", " "), "other", List.of("ignored")));
        assertThat(roles).containsExactly("admin", "user", "reader", "auditor");
    }

    @Test
    void refusesAMappingWithoutEquals() {
        assertThatThrownBy(() -> minimal().set("roleMapping", "admin").build("")).hasMessageContaining("'roleMapping'");
    }

    @Test
    void parsesSizes() {
        assertThat(minimal().set("maxResponseSize", "1MB").build("").maxResponseSize()).isEqualTo(1024 * 1024);
        assertThatThrownBy(() -> minimal().set("maxResponseSize", "100").build("")).hasMessageContaining("'maxResponseSize'");
    }

    @Test
    void reportsTheFirstBadSettingEvenWhenItWasSetBeforeAGoodOne() {
        SettingsBuilder builder = minimal().set("clockSkew", "2 minutes").set("cookieName", "ok");
        assertThatThrownBy(() -> builder.build("")).hasMessageContaining("'clockSkew'");
        builder.set("clockSkew", "2m");
        assertThat(builder.build("").clockSkew()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void everySettingHasADescriptionAndItsDefaultParses() {
        for (Setting setting : Setting.values()) {
            assertThat(setting.description()).as(setting.attribute()).isNotBlank();
            if (setting.defaultValue() != null) {
                setting.parse(setting.defaultValue());
            }
        }
    }
    @Test
    void withoutPathSettingsEveryEndpointStaysUnderEndpointPath() {
        Settings s = minimal().build("");
        assertThat(s.endpointPaths()).isEqualTo(new EndpointPaths("/sso", "/sso/acs", "/sso/slo", "/sso/metadata",
                "/sso/logout", "/sso/signed-out", "/sso/health", "/sso/callback", "/sso/backchannel-logout"));
        assertThat(s.sloUrl()).isEqualTo("https://apps.example.com/sso/slo");
        assertThat(s.metadataUrl()).isEqualTo("https://apps.example.com/sso/metadata");
    }

    @Test
    void eachEndpointCanTakeOverAnotherSpsPath() {
        Settings s = minimal().set("acsPath", "/Shibboleth.sso/SAML2/POST").set("sloPath", "/Shibboleth.sso/SLO/Redirect")
                .set("metadataPath", "/Shibboleth.sso/Metadata").set("logoutPath", "/Shibboleth.sso/Logout").build("");
        assertThat(s.acsUrl()).isEqualTo("https://apps.example.com/Shibboleth.sso/SAML2/POST");
        assertThat(s.sloUrl()).isEqualTo("https://apps.example.com/Shibboleth.sso/SLO/Redirect");
        assertThat(s.logoutPath()).isEqualTo("/Shibboleth.sso/Logout");
        assertThat(s.spEntityId()).as("the metadata URL, as before").isEqualTo("https://apps.example.com/Shibboleth.sso/Metadata");
        assertThat(s.endpointPaths().signedOut()).isEqualTo("/sso/signed-out");
    }

    @Test
    void endpointPathsAreBelowTheContextPathAtContextLevel() {
        Settings s = minimal().set("acsPath", "/saml").build("/app");
        assertThat(s.endpointPaths().acs()).isEqualTo("/saml");
        assertThat(s.acsUrl()).isEqualTo("https://apps.example.com/app/saml");
        assertThat(s.sloUrl()).isEqualTo("https://apps.example.com/app/sso/slo");
    }

    @Test
    void refusesTwoEndpointsOnOnePathNamingTheSettingThatWasWritten() {
        assertThatThrownBy(() -> minimal().set("acsPath", "/saml").set("sloPath", "/saml").build(""))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Portcullis setting 'sloPath': /saml is also the path of acsPath; every endpoint needs a path"
                        + " of its own.");
        assertThatThrownBy(() -> minimal().set("acsPath", "/sso/slo").build(""))
                .hasMessage("Portcullis setting 'acsPath': /sso/slo is also the path of sloPath (its default); every"
                        + " endpoint needs a path of its own.");
        assertThatThrownBy(() -> minimal().set("logoutPath", "/sso/signed-out").build(""))
                .hasMessageStartingWith("Portcullis setting 'logoutPath': /sso/signed-out is also the path of Portcullis's"
                        + " signed-out page");
        assertThat(minimal().set("acsPath", "/saml").set("sloPath", "/saml/slo").build("").sloUrl())
                .isEqualTo("https://apps.example.com/saml/slo");
    }

    @Test
    void refusesAnEndpointPathThatIsNoPlainPathWhenSet() {
        for (String bad : new String[] {"saml", "/saml/", "//idp.example.org/acs", "/a b", "/acs?x=1", "/{id}", "/a/../b"}) {
            SettingsBuilder builder = minimal().set("acsPath", bad);
            assertThatThrownBy(() -> builder.build("")).as(bad).hasMessageStartingWith("Portcullis setting 'acsPath': '");
        }
    }
}
