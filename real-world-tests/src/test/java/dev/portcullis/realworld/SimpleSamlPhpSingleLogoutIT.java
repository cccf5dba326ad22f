package dev.portcullis.realworld;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Order;

import dev.portcullis.testkit.Browser;

/**
 * {@link SingleLogoutTests} against SimpleSAMLphp 1.19, which knows the SP's SingleLogoutService and
 * certificate from its saml20-sp-remote.php (signs its logout messages, checks the SP's). IdP-initiated:
 * alice's browser opens the IdP's SingleLogoutService with a ReturnTo, SimpleSAMLphp's own way to end a
 * session; it sends the browser to each SP with a LogoutRequest and then to the ReturnTo.
 */
@Order(21)
class SimpleSamlPhpSingleLogoutIT extends SingleLogoutTests {

    @Override
    Idp.Kind kind() {
        return Idp.Kind.SIMPLESAMLPHP;
    }

    @Override
    FrontChannel.Trip endSessionAtTheIdp(Browser alice) {
        String returnTo = sp.url("/sso/signed-out");

        FrontChannel.Trip trip = FrontChannel.follow(alice, alice.get(idp.sloUrl() + "?ReturnTo="
                + URLEncoder.encode(returnTo, StandardCharsets.UTF_8)));

        assertThat(trip.end().uri()).as("SimpleSAMLphp accepted the valve's answer and went on to the ReturnTo:%n%s",
                trip.end().body()).hasToString(returnTo);
        return trip;
    }
}
