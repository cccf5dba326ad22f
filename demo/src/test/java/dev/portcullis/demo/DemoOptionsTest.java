package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The demo's command line: SAML by default, OpenID Connect with --oidc (or the system property). */
class DemoOptionsTest {

    @Test
    void samlByDefaultAndOidcWithTheFlag() {
        assertThat(DemoOptions.parse(new String[0], new Properties()).oidc()).isFalse();

        DemoOptions oidc = DemoOptions.parse(new String[] {"--oidc", "--port=9080", "--idp-port=9081"}, new Properties());

        assertThat(oidc.oidc()).isTrue();
        assertThat(oidc.port()).isEqualTo(9080);
        assertThat(oidc.idpPort()).isEqualTo(9081);
    }

    @Test
    void theSystemPropertyTurnsOidcOnToo() {
        Properties properties = new Properties();
        properties.setProperty("portcullis.demo.oidc", "true");

        assertThat(DemoOptions.parse(new String[0], properties).oidc()).isTrue();
    }

    @Test
    void anUnknownArgumentIsRefusedNamingTheOnesThereAre() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--odic"}, new Properties()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown argument '--odic'; the demo takes --oidc, --port=N and --idp-port=N");
    }
}
