package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.portcullis.config.Setting;

/**
 * README "Choosing SAML or OIDC" and docs/INSTALL.md "OpenID Connect instead of SAML": every setting they
 * name is a setting, every value they give it is one the setting accepts, and every provider example is an
 * OpenID Connect valve that names its issuer and client.
 */
class OidcInstallDocTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path INSTALL = Path.of("..", "docs", "INSTALL.md");
    private static final Pattern VALVE = Pattern.compile("<Valve className=\"dev\\.portcullis\\.SsoValve\"(.*?)/>", Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Za-z0-9]+)=\"([^\"]*)\"");
    /** A setting with a value in running text: `name="value"`. */
    private static final Pattern NAMED_VALUE = Pattern.compile("`([a-z][A-Za-z0-9]*)=\"([^\"`]*)\"`");
    /** A bare name in running text that can only mean an OIDC setting. */
    private static final Pattern OIDC_NAME = Pattern.compile("`(oidc[A-Z][A-Za-z]*|callbackPath|backchannelLogoutPath)`");
    /** The providers the INSTALL section covers, each with its own example. */
    private static final List<String> PROVIDERS = List.of("Keycloak (tested here)", "Okta (untested here)",
            "Microsoft Entra ID (untested here)", "Google (untested here)");

    private static String section(Path file, String heading) throws IOException {
        String doc = Files.readString(file, StandardCharsets.UTF_8);
        int start = doc.indexOf("\n## " + heading + "\n");
        assertThat(start).as(file + ": the section " + heading).isNotNegative();
        int end = doc.indexOf("\n## ", start + 4);
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    private static List<String> sections() throws IOException {
        return List.of(section(README, "Choosing SAML or OIDC"), section(INSTALL, "OpenID Connect instead of SAML"));
    }

    @Test
    void everySettingTheSectionsNameExistsAndAcceptsTheValueTheyGiveIt() throws IOException {
        int checked = 0;
        for (String text : sections()) {
            Matcher named = NAMED_VALUE.matcher(text);
            while (named.find()) {
                assertAccepted(named.group(1), named.group(2));
                checked++;
            }
            Matcher bare = OIDC_NAME.matcher(text);
            while (bare.find()) {
                assertThat(Setting.forAttribute(bare.group(1))).as(bare.group(1) + " is a setting").isPresent();
                checked++;
            }
        }
        assertThat(checked).as("settings named in the running text").isGreaterThan(10);
    }

    @Test
    void everyValveExampleIsAnOidcValveWithRealSettingsAndAcceptedValues() throws IOException {
        List<String> valves = new ArrayList<>();
        Matcher valve = VALVE.matcher(section(INSTALL, "OpenID Connect instead of SAML"));
        while (valve.find()) {
            valves.add(valve.group(1));
        }
        assertThat(valves).as("the general example and one per provider").hasSize(PROVIDERS.size() + 1);
        for (String example : valves) {
            List<String> names = new ArrayList<>();
            Matcher attribute = ATTRIBUTE.matcher(example);
            while (attribute.find()) {
                assertAccepted(attribute.group(1), attribute.group(2));
                names.add(attribute.group(1));
            }
            assertThat(example).contains("protocol=\"oidc\"");
            assertThat(names).as(example).contains("externalBaseUrl", "oidcIssuer", "oidcClientId", "oidcClientSecret")
                    .doesNotContain("idpMetadata");
            assertThat(example).as("the secret comes from a property, never written into server.xml")
                    .contains("oidcClientSecret=\"${portcullis.oidcClientSecret}\"");
        }
    }

    @Test
    void eachProviderHasItsOwnSubsectionSayingWhetherItIsTestedHere() throws IOException {
        String install = section(INSTALL, "OpenID Connect instead of SAML");
        List<String> headings = new ArrayList<>();
        Matcher heading = Pattern.compile("\n### (.+)\n").matcher(install);
        while (heading.find()) {
            headings.add(heading.group(1));
        }
        assertThat(headings).containsExactlyElementsOf(PROVIDERS);
    }

    private static void assertAccepted(String name, String value) {
        if (name.equals("className")) {
            return;
        }
        Setting setting = Setting.forAttribute(name).orElse(null);
        assertThat(setting).as(name + " is a setting").isNotNull();
        if (!value.contains("${")) {
            setting.parse(value);
        }
    }
}
