package dev.portcullis.realworld;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Order;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * {@link SingleLogoutTests} against Keycloak 26.7.3 with "Sign documents" on (the only setting in which
 * Keycloak signs its logout messages; {@link KeycloakUnsignedLogoutIT} shows the other) and front-channel
 * logout (the default for SAML clients). IdP-initiated: alice logs out at Keycloak's own end-session
 * endpoint and confirms; Keycloak sends her browser to the SP with its LogoutRequest (POST binding, which
 * the client forces) and takes the valve's answer back. {@link KeycloakBackChannelLogoutIT} covers the
 * back channel.
 */
@Order(12)
class KeycloakSingleLogoutIT extends SingleLogoutTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.KEYCLOAK;
    }

    /** alice logs out at Keycloak's end-session endpoint and confirms on Keycloak's page. */
    @Override
    FrontChannel.Trip endSessionAtTheIdp(Browser alice) {
        Page confirm = alice.get(idp.origin() + "/realms/portcullis/protocol/openid-connect/logout");
        assertThat(confirm.status()).as("Keycloak asks to confirm:%n%s", confirm.body()).isEqualTo(200);
        HtmlForm form = HtmlForm.withInput(confirm, "session_code")
                .orElseThrow(() -> new AssertionError("no logout confirmation form:\n" + confirm.body()));

        FrontChannel.Trip trip = FrontChannel.follow(alice, form.submit(alice, Map.of()));

        assertThat(trip.only("LogoutRequest").binding()).as("the client forces the POST binding").isEqualTo("POST");
        assertThat(trip.end().uri().toString()).as("Keycloak's last page").startsWith(idp.origin());
        assertThat(trip.end().status()).isEqualTo(200);
        assertThat(trip.end().body()).as("Keycloak finished the logout").contains("You are logged out");
        return trip;
    }
}
