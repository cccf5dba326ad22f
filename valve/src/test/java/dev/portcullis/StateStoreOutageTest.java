package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.session.BreakableKeys;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * What users see while Portcullis's state store fails (with a cluster: the Terracotta server is down),
 * in a real embedded Tomcat whose caches sit on Ehcache stores that fail on demand ({@link BreakableKeys}).
 * Every request that needs the state gets a 503 page with a reference, the cause of the first one of an
 * outage is one log line under that reference (later ones are summarized: {@code OutageLogTest}), and
 * nothing is decided on a guess: no session is created, no sign-out is reported as
 * done, a signed-in page is not served unchecked. Each test repeats the request with the store working,
 * which must then succeed. Pages that need no state are served throughout.
 */
class StateStoreOutageTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("outage-idp");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("outage-sp");
    private static final Pattern REFERENCE = Pattern.compile("<code>([A-Z0-9]{10})</code>");

    private static EmbeddedTomcat server;

    /** A new valve for each test, so that each test's failure is the first of its outage. */
    @BeforeEach
    void start() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        Path ehcache = server.dir.resolve("ehcache.xml");
        Files.writeString(ehcache, BreakableKeys.configuration());
        SsoValve valve = server.valve();
        valve.setProperty("ehcacheConfig", ehcache.toString());
        server.start(valve);
    }

    @AfterEach
    void stop() throws Exception {
        BreakableKeys.repair();
        server.close();
    }

    /** A sign-in under way: the browser, and the IdP's signed answer it is about to post. */
    private record Pending(Browser browser, Map<String, String> form) {
    }

    private static Pending startSignIn(String user) {
        Browser browser = new Browser();
        Map<String, String> query = Browser.query(browser.get(server.url("/app/page")).location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), user);
        builder.attribute("roles", "user");
        Document response = builder.build();
        XmlSigning.sign(Xml.first(response, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Xml.base64(response));
        form.put("RelayState", query.get("RelayState"));
        return new Pending(browser, form);
    }

    private static Browser signIn(String user) {
        Pending pending = startSignIn(user);
        assertThat(pending.browser().post(server.url("/sso/acs"), pending.form()).status()).isEqualTo(303);
        return pending.browser();
    }

    /** The page Portcullis answers while the store fails, and the one log line behind it. */
    private static String assertUnavailable(Browser.Page page, CapturedLogs logs, String cache) {
        assertThat(page.status()).as("503:%n%s", page.body()).isEqualTo(503);
        assertThat(page.body()).contains("Temporarily unavailable").doesNotContain("Exception").doesNotContain("user=");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.header("Content-Security-Policy")).startsWith("default-src 'none'");
        assertThat(page.header("Retry-After")).isEqualTo("30");
        assertThat(page.headers("Set-Cookie")).as("no session cookie").noneMatch(c -> c.matches("PORTCULLIS=[^;]+.*"));
        Matcher reference = REFERENCE.matcher(page.body());
        assertThat(reference.find()).as("a reference on the page").isTrue();
        List<String> lines = logs.lines().stream().filter(line -> line.contains(reference.group(1))).toList();
        assertThat(lines).as("one log line under the reference").singleElement().satisfies(line -> assertThat(line)
                .startsWith("ERROR dev.portcullis.session.OutageLog Answered [").contains("with 503")
                .contains("cache [" + cache + "]").contains("SerializerException: the store is broken"));
        return reference.group(1);
    }

    @Test
    void aSignInIsRefusedWith503AndCreatesNoSessionThenTheSameAnswerSignsInOnceTheStoreWorks() {
        Pending bob = startSignIn("bob");

        try (CapturedLogs logs = CapturedLogs.capture()) {
            BreakableKeys.breakAll();
            Browser.Page refused = bob.browser().post(server.url("/sso/acs"), bob.form());

            assertUnavailable(refused, logs, "portcullis-pending-logins");
            assertThat(logs.lines()).as("no sign-in audited").noneMatch(line -> line.contains("login_success"));
        }
        assertThat(bob.browser().cookie("localhost", "PORTCULLIS")).isNull();

        BreakableKeys.repair();
        assertThat(bob.browser().get(server.url("/app/whoami")).status()).as("not signed in").isEqualTo(302);
        // Nothing was consumed by the refused attempt: the IdP's answer is still good once the store answers.
        Browser.Page accepted = bob.browser().post(server.url("/sso/acs"), bob.form());
        assertThat(accepted.status()).as("store working:%n%s", accepted.body()).isEqualTo(303);
        assertThat(bob.browser().get(server.url("/app/whoami")).body()).contains("user=bob");
    }

    @Test
    void aSignedInPageIsNotServedUncheckedWhileTheStoreFails() {
        Browser alice = signIn("alice");

        try (CapturedLogs logs = CapturedLogs.capture()) {
            BreakableKeys.breakAll();
            assertUnavailable(alice.get(server.url("/app/whoami")), logs, "portcullis-sessions");
        }

        BreakableKeys.repair();
        assertThat(alice.get(server.url("/app/whoami")).body()).as("store working").contains("user=alice");
    }

    @Test
    void startingASignInWhileTheStoreFailsAnswers503() {
        try (CapturedLogs logs = CapturedLogs.capture()) {
            BreakableKeys.breakAll();
            assertUnavailable(new Browser().get(server.url("/app/elsewhere")), logs, "portcullis-pending-logins");
        }

        BreakableKeys.repair();
        assertThat(new Browser().get(server.url("/app/elsewhere")).status()).as("store working").isEqualTo(302);
    }

    @Test
    void aSignOutIsNotReportedAsDoneWhileTheStoreFails() {
        Browser alice = signIn("alice");
        Browser.Page form = alice.get(server.url("/sso/logout"));
        assertThat(form.status()).isEqualTo(200);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            BreakableKeys.breakAll();
            assertUnavailable(alice.submit(form, Map.of()), logs, "portcullis-sessions");
        }

        BreakableKeys.repair();
        assertThat(alice.get(server.url("/app/whoami")).body()).as("not signed out, and not told so").contains("user=alice");
        Browser.Page signedOut = alice.submit(alice.get(server.url("/sso/logout")), Map.of());
        assertThat(signedOut.status()).as("store working:%n%s", signedOut.body()).isIn(200, 302, 303);
        assertThat(alice.cookie("localhost", "PORTCULLIS")).isNull();
        assertThat(alice.get(server.url("/app/whoami")).status()).isEqualTo(302);
    }

    @Test
    void pagesThatNeedNoStateAreServedWhileTheStoreFails() {
        BreakableKeys.breakAll();

        assertThat(new Browser().get(server.url("/app/public/info")).body()).contains("user=null");
        assertThat(new Browser().get(server.url("/sso/metadata")).status()).isEqualTo(200);
    }
}
