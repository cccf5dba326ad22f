package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * Issue 10, "IdP values must not grant Tomcat's own powers", in a real embedded Tomcat whose Host also
 * carries a webapp guarded like Tomcat's Manager ({@code /manager/html/*} needs {@code manager-gui}):
 * an IdP value named like one of Tomcat's administrative roles opens nothing and is audited, unless
 * the operator mapped it; plain role names still pass with no configuration; {@code allowedRoles}
 * keeps only the named roles; the identity header carries only the granted roles; and a role
 * attribute missing from the assertion is logged and audited with the names of those present.
 */
class RolePolicyTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("sp.example.com");

    private EmbeddedTomcat server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private void start(Consumer<SsoValve> configure) throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        server.addApp("/manager", "/html/*", "manager-gui", "manager-script", "manager-jmx", "manager-status");
        SsoValve valve = server.valve();
        valve.setProperty("identityHeaders", "X-Roles=roles");
        configure.accept(valve);
        server.start(valve);
    }

    /** Signs in with these attributes (name, values...) and returns the browser holding the session. */
    private Browser signIn(String user, Map<String, String[]> attributes) {
        Browser browser = new Browser();
        Map<String, String> query = Browser.query(browser.get(server.url("/app/")).location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), user);
        attributes.forEach(builder::attribute);
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        Browser.Page landing = browser.post(server.url("/sso/acs"),
                Map.of("SAMLResponse", Xml.base64(doc), "RelayState", query.get("RelayState")));
        assertThat(landing.status()).as(landing.body()).isEqualTo(303);
        return browser;
    }

    private static Map<String, String[]> roles(String... values) {
        Map<String, String[]> attributes = new LinkedHashMap<>();
        attributes.put("roles", values);
        attributes.put("mail", new String[] {"someone@example.com"});
        return attributes;
    }

    private static List<String> audit(CapturedLogs logs, String event) {
        return logs.lines().stream().filter(l -> l.contains("dev.portcullis.audit") && l.contains("\"event\":\"" + event + "\""))
                .toList();
    }

    @Test
    void anIdpValueNamedLikeTomcatsManagerRoleOpensNothingAndIsAudited() throws Exception {
        start(valve -> { });
        try (CapturedLogs logs = CapturedLogs.capture()) {
            Browser mallory = signIn("mallory", roles("user", "manager-gui", "admin-script"));

            assertThat(mallory.get(server.url("/manager/html/list")).status()).isEqualTo(403);
            assertThat(mallory.get(server.url("/app/")).body()).contains("userRole=true").contains("header.X-Roles=[user]");
            List<String> dropped = audit(logs, "role_dropped");
            assertThat(dropped).hasSize(2);
            assertThat(dropped.get(0)).contains("\"user\":\"mallory\"").contains("\"attribute\":\"roles\"")
                    .contains("\"role\":\"manager-gui\"").contains("\"reason\":\"tomcat_admin_role\"");
            assertThat(dropped.get(1)).contains("\"role\":\"admin-script\"");
        }
    }

    @Test
    void theOperatorGrantsTheManagerByMappingAnIdpGroupToIt() throws Exception {
        start(valve -> valve.setProperty("roleMapping", "tomcat-operators=manager-gui"));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            Browser operator = signIn("olivia", roles("user", "tomcat-operators"));

            assertThat(operator.get(server.url("/manager/html/list")).status()).isEqualTo(200);
            assertThat(operator.get(server.url("/app/")).body()).contains("header.X-Roles=[user,manager-gui]");
            assertThat(audit(logs, "role_dropped")).isEmpty();
        }
    }

    @Test
    void plainRoleNamesOfLegacyWebappsPassWithNoConfiguration() throws Exception {
        start(valve -> { });
        try (CapturedLogs logs = CapturedLogs.capture()) {
            Browser alice = signIn("alice", roles("user", "admin", "Finance Team"));

            Browser.Page admin = alice.get(server.url("/app/admin/"));
            assertThat(admin.status()).isEqualTo(200);
            assertThat(admin.body()).contains("admin=true").contains("header.X-Roles=[user,admin,Finance Team]");
            assertThat(audit(logs, "role_dropped")).isEmpty();
        }
    }

    @Test
    void allowedRolesKeepsOnlyTheNamedRolesAndAuditsHowManyWereDropped() throws Exception {
        start(valve -> valve.setProperty("allowedRoles", "user"));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            Browser alice = signIn("alice", roles("user", "admin", "Finance Team"));

            assertThat(alice.get(server.url("/app/admin/")).status()).isEqualTo(403);
            assertThat(alice.get(server.url("/app/")).body()).contains("userRole=true").contains("header.X-Roles=[user]");
            assertThat(audit(logs, "role_dropped")).singleElement().satisfies(l -> assertThat(l)
                    .contains("\"reason\":\"not_in_allowed_roles\"").contains("\"count\":2").contains("\"attribute\":\"roles\"")
                    .doesNotContain("Finance"));
        }
    }

    @Test
    void anEmptyAllowedRolesGrantsOnlyWhatRoleMappingNames() throws Exception {
        start(valve -> {
            valve.setProperty("allowedRoles", "");
            valve.setProperty("roleMapping", "Administrators=admin");
        });
        Browser alice = signIn("alice", roles("user", "Administrators"));

        assertThat(alice.get(server.url("/app/admin/")).body()).contains("admin=true").contains("userRole=false")
                .contains("header.X-Roles=[admin]");
    }

    @Test
    void aRoleAttributeMissingFromTheAssertionIsLoggedAndAuditedWithTheNamesPresent() throws Exception {
        start(valve -> { });
        try (CapturedLogs logs = CapturedLogs.capture()) {
            Map<String, String[]> noRoles = new LinkedHashMap<>();
            noRoles.put("mail", new String[] {"bob-private-address@example.com"});
            noRoles.put("displayName", new String[] {"Bob"});
            Browser bob = signIn("bob", noRoles);

            assertThat(bob.get(server.url("/app/admin/")).status()).isEqualTo(403);
            assertThat(audit(logs, "role_attribute_missing")).singleElement().satisfies(l -> assertThat(l)
                    .contains("\"user\":\"bob\"").contains("\"attribute\":\"roles\"").contains("\"present\":\"mail, displayName\""));
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("WARN").contains("[roles] is not in the assertion")
                    .contains("[mail, displayName]"));
            assertThat(logs.lines()).noneMatch(l -> l.contains("bob-private-address") || l.contains("Bob\""));

            signIn("alice", roles("user"));
            assertThat(audit(logs, "role_attribute_missing")).hasSize(1);
        }
    }
}
