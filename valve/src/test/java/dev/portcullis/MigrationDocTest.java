package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.portcullis.config.Setting;
import dev.portcullis.config.Settings;
import dev.portcullis.config.SettingsBuilder;

/**
 * docs/INSTALL.md "Migrating from another service provider": every {@code <Valve>} it shows uses real
 * settings with values they accept, and puts the ACS and Single Logout where the section says the old
 * SP had them, with no two endpoints on one path.
 */
class MigrationDocTest {

    private static final Path INSTALL = Path.of("..", "docs", "INSTALL.md");
    private static final Pattern VALVE = Pattern.compile("<Valve className=\"dev\\.portcullis\\.SsoValve\"(.*?)/>", Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Za-z0-9]+)=\"([^\"]*)\"");

    /** The old SPs' paths as the section names them: ACS and Single Logout. */
    private static final Map<String, String[]> OLD_PATHS = Map.of(
            "Shibboleth SP", new String[] {"/Shibboleth.sso/SAML2/POST", "/Shibboleth.sso/SLO/Redirect"},
            "mod_auth_mellon", new String[] {"/mellon/postResponse", "/mellon/logout"},
            "Spring Security SAML", new String[] {"/login/saml2/sso/okta", "/logout/saml2/slo"},
            "Keycloak SAML adapter", new String[] {"/saml", "/saml/logout"});

    private static Map<String, String> sections() throws IOException {
        String doc = Files.readString(INSTALL, StandardCharsets.UTF_8);
        int start = doc.indexOf("## Migrating from another service provider");
        assertThat(start).as("the section exists").isNotNegative();
        String section = doc.substring(start, doc.indexOf("\n## ", start + 3));
        Map<String, String> bySp = new LinkedHashMap<>();
        String[] parts = section.split("\n### ");
        for (int i = 1; i < parts.length; i++) {
            bySp.put(parts[i].substring(0, parts[i].indexOf('\n')).trim(), parts[i]);
        }
        return bySp;
    }

    @Test
    void everyExampleIsAValidConfigurationWithTheOldSpsPaths() throws IOException {
        Map<String, String> sections = sections();
        assertThat(sections.keySet()).containsExactlyInAnyOrderElementsOf(OLD_PATHS.keySet());
        for (Map.Entry<String, String> sp : sections.entrySet()) {
            Matcher valve = VALVE.matcher(sp.getValue());
            assertThat(valve.find()).as(sp.getKey() + ": an example").isTrue();
            SettingsBuilder builder = new SettingsBuilder();
            Matcher attribute = ATTRIBUTE.matcher(valve.group(1));
            while (attribute.find()) {
                Setting setting = Setting.forAttribute(attribute.group(1)).orElse(null);
                assertThat(setting).as(sp.getKey() + ": " + attribute.group(1) + " is a setting").isNotNull();
                String value = attribute.group(2);
                if (!value.contains("${")) {
                    setting.parse(value);
                }
                // Key files and metadata are the operator's; what the section is about is the paths and the entityID.
                if (setting.attribute().endsWith("Path") || setting == Setting.SP_ENTITY_ID
                        || setting == Setting.EXTERNAL_BASE_URL) {
                    builder.set(setting, value);
                }
            }
            Settings settings = builder.set(Setting.IDP_METADATA, "/idp.xml").set(Setting.SIGN_AUTHN_REQUESTS, "false")
                    .build(sp.getKey().startsWith("Keycloak") ? "/sales" : "");
            String[] old = OLD_PATHS.get(sp.getKey());
            String context = settings.contextPath();
            assertThat(settings.acsPath()).as(sp.getKey() + ": ACS").isEqualTo(context + old[0]);
            assertThat(settings.sloPath()).as(sp.getKey() + ": Single Logout").isEqualTo(context + old[1]);
        }
    }
}
